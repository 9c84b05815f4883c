#include "spate/expr/time_zone.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/expr/bound_expr.h"

namespace spate {

namespace cp = arrow::compute;

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

// java.time's ZoneId.SHORT_IDS, which Spark passes to ZoneId.of.
const std::map<std::string_view, std::string_view>& ShortIds() {
  static const std::map<std::string_view, std::string_view> ids = {
      {"ACT", "Australia/Darwin"}, {"AET", "Australia/Sydney"},
      {"AGT", "America/Argentina/Buenos_Aires"}, {"ART", "Africa/Cairo"},
      {"AST", "America/Anchorage"}, {"BET", "America/Sao_Paulo"}, {"BST", "Asia/Dhaka"},
      {"CAT", "Africa/Harare"}, {"CNT", "America/St_Johns"}, {"CST", "America/Chicago"},
      {"CTT", "Asia/Shanghai"}, {"EAT", "Africa/Addis_Ababa"}, {"ECT", "Europe/Paris"},
      {"IET", "America/Indiana/Indianapolis"}, {"IST", "Asia/Kolkata"}, {"JST", "Asia/Tokyo"},
      {"MIT", "Pacific/Apia"}, {"NET", "Asia/Yerevan"}, {"NST", "Pacific/Auckland"},
      {"PLT", "Asia/Karachi"}, {"PNT", "America/Phoenix"}, {"PRT", "America/Puerto_Rico"},
      {"PST", "America/Los_Angeles"}, {"SST", "Pacific/Guadalcanal"},
      {"VST", "Asia/Ho_Chi_Minh"}, {"EST", "-05:00"}, {"MST", "-07:00"}, {"HST", "-10:00"},
  };
  return ids;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Spark's rewrites of the offsets it accepted before 3.0: the first "+h:"
// becomes "+0h:", and a trailing "+hh:m" becomes "+hh:0m".
std::string PadLegacyOffset(std::string_view text) {
  std::string s(text);
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    if ((s[i] == '+' || s[i] == '-') && IsDigit(s[i + 1]) && s[i + 2] == ':') {
      s.insert(i + 1, "0");
      break;
    }
  }
  size_t n = s.size();
  if (n >= 5 && (s[n - 5] == '+' || s[n - 5] == '-') && IsDigit(s[n - 4]) && IsDigit(s[n - 3]) &&
      s[n - 2] == ':' && IsDigit(s[n - 1])) {
    s.insert(n - 1, "0");
  }
  return s;
}

// java.time's ZoneOffset.of: Z, +h, +hh, +hh:mm, +hhmm, +hh:mm:ss, +hhmmss
// within +-18:00. Seconds east of UTC.
std::optional<int32_t> ParseOffset(std::string_view s) {
  if (s == "Z") return 0;
  if (s.size() < 2 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  auto two = [&](size_t at) -> std::optional<int> {
    if (at + 2 > s.size() || !IsDigit(s[at]) || !IsDigit(s[at + 1])) return std::nullopt;
    return (s[at] - '0') * 10 + (s[at + 1] - '0');
  };
  std::optional<int> h, m = 0, sec = 0;
  switch (s.size()) {
    case 2: h = IsDigit(s[1]) ? std::optional<int>(s[1] - '0') : std::nullopt; break;
    case 3: h = two(1); break;
    case 5: h = two(1), m = two(3); break;
    case 6: h = two(1), m = s[3] == ':' ? two(4) : std::nullopt; break;
    case 7: h = two(1), m = two(3), sec = two(5); break;
    case 9:
      h = two(1), m = s[3] == ':' ? two(4) : std::nullopt;
      sec = s[6] == ':' ? two(7) : std::nullopt;
      break;
    default: return std::nullopt;
  }
  if (!h || !m || !sec || *h > 18 || *m > 59 || *sec > 59) return std::nullopt;
  int32_t total = *h * 3600 + *m * 60 + *sec;
  if (total > 18 * 3600) return std::nullopt;
  return s[0] == '-' ? -total : total;
}

// The offset as java.time prints it: "Z", "+08:00", "-01:02:03".
std::string OffsetId(int32_t seconds) {
  if (seconds == 0) return "Z";
  int32_t a = std::abs(seconds);
  std::string id = fmt::format("{}{:02}:{:02}", seconds < 0 ? '-' : '+', a / 3600, a / 60 % 60);
  if (a % 60 != 0) id += fmt::format(":{:02}", a % 60);
  return id;
}

// java.time's region id syntax: a letter, then letters, digits and ~/._+-.
bool IsRegionName(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("~/._+-").find(c) != std::string_view::npos;
  });
}

TimeZone Fixed(std::string id, int32_t seconds) { return TimeZone{std::move(id), "", seconds}; }

// ZoneId.of(text, SHORT_IDS) without the tz database: a region is only
// checked for its syntax here.
std::optional<TimeZone> ParseZone(std::string_view text) {
  std::string s = PadLegacyOffset(text);
  if (auto it = ShortIds().find(s); it != ShortIds().end()) s = std::string(it->second);
  if (s.size() <= 1 || s[0] == '+' || s[0] == '-') {
    auto offset = ParseOffset(s);
    if (!offset) return std::nullopt;
    return Fixed(OffsetId(*offset), *offset);
  }
  for (std::string_view prefix : {"UTC", "GMT", "UT"}) {
    if (s.rfind(prefix, 0) != 0) continue;
    if (s.size() == prefix.size()) return Fixed(s, 0);
    char next = s[prefix.size()];
    if (next != '+' && next != '-') break;  // a region such as GMT0
    auto offset = ParseOffset(std::string_view(s).substr(prefix.size()));
    if (!offset) return std::nullopt;
    if (*offset == 0) return Fixed(std::string(prefix), 0);
    return Fixed(std::string(prefix) + OffsetId(*offset), *offset);
  }
  if (!IsRegionName(s)) return std::nullopt;
  return TimeZone{s, s, 0};
}

arrow::Status InvalidTimeZone(std::string_view text) {
  return SparkError(
      "INVALID_TIMEZONE", "22009",
      fmt::format("The timezone: {} is invalid. The timezone must be either a region-based zone ID "
                  "or a zone offset. Region IDs must have the form 'area/city', such as "
                  "'America/Los_Angeles'. Zone offsets must be in the format '(+|-)HH', "
                  "'(+|-)HH:mm’ or '(+|-)HH:mm:ss', e.g '-08' , '+01:00' or '-13:33:33', and "
                  "must be in the range from -18:00 to +18:00. 'Z' and 'UTC' are accepted as "
                  "synonyms for '+00:00'.",
                  text));
}

arrow::Result<std::shared_ptr<arrow::Array>> Int64Array(const ZoneValues& values) {
  arrow::Int64Builder b;
  ARROW_RETURN_NOT_OK(b.Reserve(static_cast<int64_t>(values.size())));
  for (const auto& v : values) {
    if (v) b.UnsafeAppend(*v);
    else b.UnsafeAppendNull();
  }
  return b.Finish();
}

// UTC instants -> wall clock in a tz database region, with Arrow's kernel.
arrow::Result<ZoneValues> RegionUtcToLocal(const ZoneValues& utc, const std::string& region) {
  EnsureComputeInitialized();  // also reached from the SQL parser's literals
  ARROW_ASSIGN_OR_RAISE(auto ints, Int64Array(utc));
  ARROW_ASSIGN_OR_RAISE(auto ts, ints->View(arrow::timestamp(arrow::TimeUnit::MICRO, region)));
  auto local = cp::CallFunction("local_timestamp", {ts});
  if (!local.ok()) return InvalidTimeZone(region);
  ARROW_ASSIGN_OR_RAISE(auto back, local->make_array()->View(arrow::int64()));
  const auto& typed = static_cast<const arrow::Int64Array&>(*back);
  ZoneValues out(utc.size());
  for (int64_t i = 0; i < typed.length(); ++i) {
    if (typed.IsValid(i)) out[i] = typed.Value(i);
  }
  return out;
}

// Parsed zones by text: the session zone is read for every batch.
arrow::Result<TimeZone> ParseCached(std::string_view text) {
  static std::mutex mutex;
  static std::map<std::string, TimeZone, std::less<>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = cache.find(text); it != cache.end()) return it->second;
  auto zone = ParseZone(text);
  if (!zone) return InvalidTimeZone(text);
  if (cache.size() > 1024) cache.clear();
  cache.emplace(std::string(text), *zone);
  return *zone;
}

}  // namespace

arrow::Result<TimeZone> ResolveTimeZone(std::string_view text) {
  ARROW_ASSIGN_OR_RAISE(TimeZone zone, ParseCached(text));
  if (!zone.region.empty()) {
    ARROW_RETURN_NOT_OK(RegionUtcToLocal({0}, zone.region).status());
  }
  return zone;
}

arrow::Result<std::string> ArrowTimeZone(std::string_view text) {
  ARROW_ASSIGN_OR_RAISE(TimeZone zone, ResolveTimeZone(text));
  if (!zone.region.empty()) return zone.region;
  if (zone.offset_seconds == 0) return std::string("UTC");
  int32_t minutes = (zone.offset_seconds + (zone.offset_seconds < 0 ? -30 : 30)) / 60;
  int32_t a = std::abs(minutes);
  return fmt::format("{}{:02}:{:02}", minutes < 0 ? '-' : '+', a / 60, a % 60);
}

bool IsUtcZone(std::string_view text) {
  auto zone = ParseCached(text);
  return zone.ok() && zone->region.empty() && zone->offset_seconds == 0;
}

arrow::Result<ZoneValues> UtcToLocal(const ZoneValues& utc, std::string_view tz) {
  ARROW_ASSIGN_OR_RAISE(TimeZone zone, ParseCached(tz));
  if (!zone.region.empty()) return RegionUtcToLocal(utc, zone.region);
  ZoneValues out = utc;
  int64_t shift = int64_t{zone.offset_seconds} * kMicrosPerSecond;
  if (shift == 0) return out;
  for (auto& v : out) {
    if (v) *v += shift;
  }
  return out;
}

namespace {

// The offsets (wall - UTC, microseconds) of `tz` at UTC instants.
arrow::Result<ZoneValues> Offsets(const ZoneValues& utc, std::string_view tz) {
  ARROW_ASSIGN_OR_RAISE(ZoneValues out, UtcToLocal(utc, tz));
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i]) *out[i] -= *utc[i];
  }
  return out;
}

}  // namespace

arrow::Result<ZoneValues> LocalToUtc(const ZoneValues& wall, std::string_view tz) {
  ARROW_ASSIGN_OR_RAISE(TimeZone zone, ParseCached(tz));
  if (zone.region.empty()) {
    ZoneValues out = wall;
    int64_t shift = int64_t{zone.offset_seconds} * kMicrosPerSecond;
    for (auto& v : out) {
      if (v && shift != 0) *v -= shift;
    }
    return out;
  }
  // The offsets a day before and after bracket at most one transition.
  ZoneValues before(wall.size()), after(wall.size());
  for (size_t i = 0; i < wall.size(); ++i) {
    if (!wall[i] || *wall[i] < INT64_MIN / 2 || *wall[i] > INT64_MAX / 2) continue;
    before[i] = *wall[i] - kMicrosPerDay;
    after[i] = *wall[i] + kMicrosPerDay;
  }
  ARROW_ASSIGN_OR_RAISE(ZoneValues offset_before, Offsets(before, tz));
  ARROW_ASSIGN_OR_RAISE(ZoneValues offset_after, Offsets(after, tz));
  ZoneValues early(wall.size()), late(wall.size());
  for (size_t i = 0; i < wall.size(); ++i) {
    if (!offset_before[i]) continue;
    early[i] = *wall[i] - *offset_before[i];
    late[i] = *wall[i] - *offset_after[i];
  }
  ARROW_ASSIGN_OR_RAISE(ZoneValues check_early, Offsets(early, tz));
  ARROW_ASSIGN_OR_RAISE(ZoneValues check_late, Offsets(late, tz));
  ZoneValues out = wall;
  for (size_t i = 0; i < wall.size(); ++i) {
    if (!early[i]) continue;
    bool early_ok = *check_early[i] == *offset_before[i];
    bool late_ok = *check_late[i] == *offset_after[i];
    if (early_ok && late_ok) out[i] = std::min(*early[i], *late[i]);
    else if (late_ok) out[i] = late[i];
    else out[i] = early[i];  // valid, or in a gap: the offset before it
  }
  return out;
}

arrow::Result<int64_t> OffsetSecondsAt(int64_t utc_micros, std::string_view tz) {
  ARROW_ASSIGN_OR_RAISE(ZoneValues wall, UtcToLocal({utc_micros}, tz));
  int64_t diff = *wall[0] - utc_micros;
  return diff >= 0 ? diff / kMicrosPerSecond : -((-diff) / kMicrosPerSecond);
}

}  // namespace spate
