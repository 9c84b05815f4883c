#pragma once

// Spark's readings of date and timestamp text, one value at a time, as
// CAST(s AS DATE / TIMESTAMP) and the JSON and CSV readers apply them.
// (The batch casts in functions_datetime.cc use the same parsers.)

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <arrow/result.h>

namespace spate {

/// [+-]yyyy[-[m]m[-[d]d]] optionally followed by a time part: days since
/// 1970-01-01, or nullopt when the text is not a date.
std::optional<int32_t> ParseDateText(std::string_view text);

/// date[(T| )h[h][:m[m][:s[s][.fraction][zone]]]], or a time alone (today's
/// date in its zone): UTC microseconds. Text without a zone is a wall time in
/// `session_tz`. For TIMESTAMP_NTZ (`ntz`) the wall time itself is returned;
/// a zone or a time alone makes the text invalid.
/// nullopt when the text is not a timestamp.
arrow::Result<std::optional<int64_t>> ParseTimestampText(std::string_view text,
                                                         const std::string& session_tz, bool ntz);

}  // namespace spate
