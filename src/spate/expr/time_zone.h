#pragma once

// Time zones as Spark reads them (spark.sql.session.timeZone, the zone
// arguments of from_utc_timestamp & co, a zone at the end of timestamp text):
// java.time's ZoneId.of with its short ids ("PST", "EST") and the two
// pre-3.0 offset forms Spark still accepts ("+8:00", "+08:3"). Every reader
// of a zone goes through ResolveTimeZone; instants are converted here, fixed
// offsets by arithmetic and region ids through Arrow's tz database.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>

namespace spate {

struct TimeZone {
  /// java.time's id, as date_format's VV prints it: "America/Los_Angeles",
  /// "+08:00", "GMT-03:00", "UTC", "Z".
  std::string id;
  /// The tz database name; empty for a fixed offset (UTC, GMT, UT included).
  std::string region;
  /// The fixed offset east of UTC, when `region` is empty.
  int32_t offset_seconds = 0;
};

/// `text` read as Spark reads a zone; INVALID_TIMEZONE when Spark rejects it.
arrow::Result<TimeZone> ResolveTimeZone(std::string_view text);

/// The zone as a string Arrow's timestamp type takes ("UTC", "+05:30",
/// "Asia/Tokyo"); INVALID_TIMEZONE as above. Offsets with seconds have no
/// Arrow form and are rounded to the minute.
arrow::Result<std::string> ArrowTimeZone(std::string_view text);

/// Whether `text` names a zone that is always UTC ("UTC", "Z", "GMT", "+00:00", ...).
bool IsUtcZone(std::string_view text);

/// Per-row microseconds; nullopt is NULL.
using ZoneValues = std::vector<std::optional<int64_t>>;

/// UTC instants -> wall-clock microseconds in zone `tz` (any form above).
arrow::Result<ZoneValues> UtcToLocal(const ZoneValues& utc, std::string_view tz);

/// Wall-clock microseconds in `tz` -> UTC instants, as java.time resolves a
/// local date-time: an ambiguous wall time (DST fall-back) takes the earlier
/// instant, and a wall time in a gap (spring-forward) is read with the offset
/// before the gap, i.e. moved forward by the gap's length.
arrow::Result<ZoneValues> LocalToUtc(const ZoneValues& wall, std::string_view tz);

/// The offset (seconds east of UTC) of `tz` at the UTC instant `utc_micros`.
arrow::Result<int64_t> OffsetSecondsAt(int64_t utc_micros, std::string_view tz);

}  // namespace spate
