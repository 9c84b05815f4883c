// Date and time functions with Spark's semantics. Timestamps are UTC
// microseconds; fields are read and strings parsed or formatted in the
// session time zone (spark.sql.session.timeZone). Datetime patterns follow
// Spark's (Java DateTimeFormatter) letters, parsed and formatted here so that
// widths, defaults and failures match Spark rather than strptime.

#include <chrono>
#include <cmath>
#include <map>
#include <optional>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/expr/datetime_internal.h"
#include "spate/expr/datetime_parse.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/time_zone.h"
#include "spate/types/arrow_types.h"

namespace spate {
namespace dt {

namespace cp = arrow::compute;

// ---------------------------------------------------------------------------
// Integer columns

arrow::Result<std::shared_ptr<arrow::Array>> Int64Array(const Values& values) {
  arrow::Int64Builder b;
  ARROW_RETURN_NOT_OK(b.Reserve(static_cast<int64_t>(values.size())));
  for (const auto& v : values) {
    if (v) b.UnsafeAppend(*v);
    else b.UnsafeAppendNull();
  }
  return b.Finish();
}

// ---------------------------------------------------------------------------
// Errors

arrow::Status CastInvalid(std::string_view text, const char* to) {
  return SparkError(
      "CAST_INVALID_INPUT", "22018",
      fmt::format("The value '{}' of the type \"STRING\" cannot be cast to \"{}\" because it is "
                  "malformed. Correct the value as per the syntax, or change its target type. Use "
                  "`try_cast` to tolerate malformed input and return NULL instead.",
                  text, to));
}

arrow::Status CannotParse(std::string_view text, size_t index) {
  return SparkError("CANNOT_PARSE_TIMESTAMP", "22007",
                    fmt::format("Text '{}' could not be parsed at index {}. Use `try_to_timestamp` "
                                "to tolerate invalid input string and return NULL instead.",
                                text, index));
}

arrow::Status IllegalPattern(const std::string& pattern, char letter) {
  return SparkError("INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER", "22007",
                    fmt::format("Unrecognized datetime pattern: {}. Illegal pattern character "
                                "found in datetime pattern: {}. Please provide legal character.",
                                pattern, letter));
}

// ---------------------------------------------------------------------------
// Spark's string -> date / timestamp cast rules

struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool Done() const { return i >= s.size(); }
  char Peek() const { return Done() ? '\0' : s[i]; }
  bool Eat(char c) {
    if (Peek() != c) return false;
    ++i;
    return true;
  }
  // Reads min..max digits; nullopt (and no move) when fewer than min.
  std::optional<int64_t> Digits(size_t min, size_t max, size_t* count = nullptr) {
    size_t start = i;
    int64_t v = 0;
    while (i < s.size() && i - start < max && std::isdigit(static_cast<unsigned char>(s[i]))) {
      v = v * 10 + (s[i++] - '0');
    }
    if (i - start < min) {
      i = start;
      return std::nullopt;
    }
    if (count) *count = i - start;
    return v;
  }
};

std::string_view TrimWhitespace(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// [+-]yyyy[-[m]m[-[d]d]]: the date part both casts read; a DATE's year has
// up to 7 digits, a TIMESTAMP's up to 6.
std::optional<int64_t> ReadDate(Cursor& c, size_t max_year_digits = 7, bool* has_day = nullptr) {
  int sign = c.Eat('-') ? -1 : (c.Eat('+'), 1);
  auto y = c.Digits(4, max_year_digits);
  if (!y) return std::nullopt;
  int64_t month = 1, day = 1;
  if (c.Eat('-')) {
    auto m = c.Digits(1, 2);
    if (!m) return std::nullopt;
    month = *m;
    if (c.Eat('-')) {
      auto d = c.Digits(1, 2);
      if (!d) return std::nullopt;
      day = *d;
      if (has_day) *has_day = true;
    }
  }
  int64_t year = sign * *y;
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, static_cast<int>(month))) {
    return std::nullopt;
  }
  return DaysFromCivil(year, static_cast<int>(month), static_cast<int>(day));
}

// CAST(string AS DATE): a date, optionally followed by ' ' or 'T' and anything.
std::optional<int64_t> ParseDateString(std::string_view text) {
  Cursor c{TrimWhitespace(text)};
  auto days = ReadDate(c);
  if (!days) return std::nullopt;
  if (c.Done() || c.Peek() == ' ' || c.Peek() == 'T') return days;
  return std::nullopt;
}

// A zone after a time, spaces before it skipped: the rest of the text, which
// LocalToUtc reads as Spark reads zones (time_zone.h); "" when there is none.
std::string ReadZone(Cursor& c) {
  while (c.Eat(' ')) {
  }
  std::string zone(c.s.substr(c.i));
  c.i = c.s.size();
  return zone;
}

struct ParsedTimestamp {
  int64_t wall_micros;  // the time of day alone when time_only
  std::string zone;     // empty: the session time zone
  bool time_only = false;  // no date: today's, in the zone
};

// h[h][:m[m][:s[s][.fraction][zone]]] -> micros of the day (the fraction cut
// to microseconds); a zone only follows the seconds. `need_minutes`: "10"
// alone is a year, so a time without 'T' before it needs its minutes.
std::optional<ParsedTimestamp> ReadTime(Cursor& c, bool need_minutes) {
  auto h = c.Digits(1, 2);
  if (!h) return std::nullopt;
  int64_t m = 0, s = 0, fraction = 0;
  bool seconds = false;
  if (c.Eat(':')) {
    auto min = c.Digits(1, 2);
    if (!min) return std::nullopt;
    m = *min;
    if (c.Eat(':')) {
      auto sec = c.Digits(1, 2);
      if (!sec) return std::nullopt;
      s = *sec;
      seconds = true;
      if (c.Eat('.')) {
        size_t n = 0;
        fraction = *c.Digits(0, 9, &n);
        while (std::isdigit(static_cast<unsigned char>(c.Peek()))) c.Eat(c.Peek());
        for (; n < 6; ++n) fraction *= 10;
        for (; n > 6; --n) fraction /= 10;
      }
    }
  } else if (need_minutes) {
    return std::nullopt;
  }
  if (*h > 23 || m > 59 || s > 59) return std::nullopt;
  int64_t micros = ((*h * 60 + m) * 60 + s) * kMicrosPerSecond + fraction;
  std::string zone = ReadZone(c);
  if (!zone.empty() && (!seconds || std::isdigit(static_cast<unsigned char>(zone[0])))) {
    return std::nullopt;
  }
  return ParsedTimestamp{micros, zone};
}

// CAST(string AS TIMESTAMP), as Spark reads it: a date, then ' ' or 'T' and a
// time; or a time alone, after a 'T' that starts the text or as h[h]:m[m]...
std::optional<ParsedTimestamp> ParseTimestampString(std::string_view text) {
  std::string_view trimmed = TrimWhitespace(text);
  Cursor c{trimmed};
  bool leading_t = !text.empty() && text[0] == 'T';
  size_t digits = 0;
  while (digits < trimmed.size() && std::isdigit(static_cast<unsigned char>(trimmed[digits]))) ++digits;
  if (leading_t || (digits > 0 && digits < trimmed.size() && trimmed[digits] == ':')) {
    c.Eat('T');
    auto time = ReadTime(c, /*need_minutes=*/!leading_t);
    if (time) time->time_only = true;
    return time;
  }
  bool has_day = false;
  auto days = ReadDate(c, 6, &has_day);
  if (!days) return std::nullopt;
  int64_t midnight = *days * kMicrosPerDay;
  if (c.Done()) return ParsedTimestamp{midnight, ""};
  if (!has_day || (!c.Eat(' ') && !c.Eat('T'))) return std::nullopt;
  auto time = ReadTime(c, /*need_minutes=*/false);
  if (time) time->wall_micros += midnight;
  return time;
}

// A time of day on today's date in `zone`, as java.time's LocalDate.now(zone).
arrow::Result<int64_t> OnToday(int64_t time_of_day, const std::string& zone) {
  auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                 std::chrono::system_clock::now().time_since_epoch()).count();
  ARROW_ASSIGN_OR_RAISE(Values local, UtcToLocal({now}, zone));
  return FloorDiv(*local[0], kMicrosPerDay) * kMicrosPerDay + time_of_day;
}

// Wall times (each maybe with its own zone) -> UTC instants; a zone that is
// not one gives NULL.
arrow::Result<Values> ResolveZones(const std::vector<std::optional<ParsedTimestamp>>& parsed,
                                   const std::string& session_tz) {
  Values session_rows(parsed.size());
  for (size_t i = 0; i < parsed.size(); ++i) {
    if (!parsed[i] || !parsed[i]->zone.empty()) continue;
    session_rows[i] = parsed[i]->wall_micros;
    if (parsed[i]->time_only) {
      ARROW_ASSIGN_OR_RAISE(session_rows[i], OnToday(parsed[i]->wall_micros, session_tz));
    }
  }
  ARROW_ASSIGN_OR_RAISE(Values out, LocalToUtc(session_rows, session_tz));
  for (size_t i = 0; i < parsed.size(); ++i) {
    if (!parsed[i] || parsed[i]->zone.empty()) continue;
    const std::string& zone = parsed[i]->zone;
    auto wall = parsed[i]->time_only ? OnToday(parsed[i]->wall_micros, zone)
                                     : arrow::Result<int64_t>(parsed[i]->wall_micros);
    if (!wall.ok()) continue;
    auto converted = LocalToUtc({*wall}, zone);
    if (converted.ok()) out[i] = (*converted)[0];
  }
  return out;
}

// ---------------------------------------------------------------------------
// Datetime patterns (Spark's subset of java.time's letters)

struct Token {
  char letter;       // 0 for literal text
  int count;
  std::string text;  // the literal
};

arrow::Result<std::vector<Token>> Tokenize(const std::string& pattern) {
  static const std::string kLetters = "GyMLdDQqEaHhKkmsSzVXxZOu";
  std::vector<Token> tokens;
  for (size_t i = 0; i < pattern.size();) {
    char c = pattern[i];
    if (c == '\'') {
      // Quoted literal; '' is a single quote.
      std::string text;
      size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '\'') {
        tokens.push_back({0, 0, "'"});
        i = j + 1;
        continue;
      }
      for (; j < pattern.size(); ++j) {
        if (pattern[j] == '\'') {
          if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
            text += '\'';
            ++j;
            continue;
          }
          break;
        }
        text += pattern[j];
      }
      tokens.push_back({0, 0, text});
      i = j + 1;
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      if (kLetters.find(c) == std::string::npos) return IllegalPattern(pattern, c);
      size_t j = i;
      while (j < pattern.size() && pattern[j] == c) ++j;
      tokens.push_back({c, static_cast<int>(j - i), ""});
      i = j;
    } else {
      tokens.push_back({0, 0, std::string(1, c)});
      ++i;
    }
  }
  return tokens;
}

const char* const kMonthNames[12] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
const char* const kDayNames[7] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                 "Friday", "Saturday", "Sunday"};

std::string Pad(int64_t v, int width) {
  if (v < 0) return "-" + Pad(-v, width);
  return fmt::format("{:0{}}", v, width);
}

// "+05:30"-style offset (seconds east of UTC) as the pattern letter asks.
std::string FormatOffset(int64_t offset_s, char letter, int count) {
  if (offset_s == 0 && letter == 'X') return "Z";
  if (letter == 'Z' && count == 4 && offset_s == 0) return "GMT";
  char sign = offset_s < 0 ? '-' : '+';
  int64_t a = std::abs(offset_s);
  std::string hh = Pad(a / 3600, 2), mm = Pad(a / 60 % 60, 2);
  if (letter == 'O') return offset_s == 0 ? "GMT" : fmt::format("GMT{}{}{}", sign, a / 3600, a / 60 % 60 ? ":" + mm : "");
  if (letter == 'Z') return count == 4 ? fmt::format("GMT{}{}:{}", sign, hh, mm) : count == 5 ? fmt::format("{}{}:{}", sign, hh, mm) : fmt::format("{}{}{}", sign, hh, mm);
  if (count == 1) return a / 60 % 60 ? fmt::format("{}{}{}", sign, hh, mm) : fmt::format("{}{}", sign, hh);
  if (count == 2 || count == 4) return fmt::format("{}{}{}", sign, hh, mm);
  return fmt::format("{}{}:{}", sign, hh, mm);
}

// Formats one wall time; `offset_s` and `zone` describe its time zone.
std::string FormatWall(const std::vector<Token>& tokens, int64_t wall, int64_t offset_s,
                       const std::string& zone) {
  int64_t days = FloorDiv(wall, kMicrosPerDay);
  int64_t tod = wall - days * kMicrosPerDay;
  Civil c = CivilFromDays(days);
  int64_t hour = tod / (3600 * kMicrosPerSecond), minute = tod / (60 * kMicrosPerSecond) % 60;
  int64_t second = tod / kMicrosPerSecond % 60, micros = tod % kMicrosPerSecond;
  std::string out;
  for (const Token& t : tokens) {
    int n = t.count;
    switch (t.letter) {
      case 0: out += t.text; break;
      case 'G': out += c.year > 0 ? "AD" : "BC"; break;
      case 'y':
      case 'u': out += n == 2 ? Pad(FloorMod(c.year, 100), 2) : Pad(c.year, n); break;
      case 'M':
      case 'L':
        out += n >= 4 ? kMonthNames[c.month - 1]
               : n == 3 ? std::string(kMonthNames[c.month - 1], 3)
                        : Pad(c.month, n);
        break;
      case 'Q':
      case 'q': out += Pad((c.month - 1) / 3 + 1, n); break;
      case 'd': out += Pad(c.day, n); break;
      case 'D': out += Pad(DayOfYear(days), n); break;
      case 'E': {
        const char* name = kDayNames[IsoDayOfWeek(days) - 1];
        out += n >= 4 ? std::string(name) : std::string(name, 3);
        break;
      }
      case 'a': out += hour < 12 ? "AM" : "PM"; break;
      case 'H': out += Pad(hour, n); break;
      case 'k': out += Pad(hour == 0 ? 24 : hour, n); break;
      case 'K': out += Pad(hour % 12, n); break;
      case 'h': out += Pad(hour % 12 == 0 ? 12 : hour % 12, n); break;
      case 'm': out += Pad(minute, n); break;
      case 's': out += Pad(second, n); break;
      case 'S': out += Pad(micros, 6).substr(0, std::min(n, 6)) + std::string(std::max(n - 6, 0), '0'); break;
      case 'V':
      case 'z': out += zone; break;
      default: out += FormatOffset(offset_s, t.letter, n); break;  // X x Z O
    }
  }
  return out;
}

// Formats UTC instants in `tz`.
arrow::Result<std::shared_ptr<arrow::Array>> FormatInstants(const Values& utc, const std::string& pattern,
                                                            const std::string& tz) {
  ARROW_ASSIGN_OR_RAISE(auto tokens, Tokenize(pattern));
  ARROW_ASSIGN_OR_RAISE(TimeZone zone, ResolveTimeZone(tz));
  ARROW_ASSIGN_OR_RAISE(Values wall, UtcToLocal(utc, tz));
  arrow::StringBuilder out;
  for (size_t i = 0; i < utc.size(); ++i) {
    if (!utc[i]) {
      ARROW_RETURN_NOT_OK(out.AppendNull());
      continue;
    }
    int64_t offset_s = (*wall[i] - *utc[i]) / kMicrosPerSecond;
    ARROW_RETURN_NOT_OK(out.Append(FormatWall(tokens, *wall[i], offset_s, zone.id)));
  }
  return out.Finish();
}

// Case-insensitive match of one of `names` (full, or its first 3 letters when
// `abbreviated`); returns its index.
std::optional<int> ReadName(Cursor& c, const char* const* names, int n, bool abbreviated) {
  for (int k = 0; k < n; ++k) {
    std::string name = abbreviated ? std::string(names[k], 3) : names[k];
    if (c.s.size() - c.i < name.size()) continue;
    bool same = true;
    for (size_t j = 0; j < name.size() && same; ++j) {
      same = std::tolower(static_cast<unsigned char>(c.s[c.i + j])) ==
             std::tolower(static_cast<unsigned char>(name[j]));
    }
    if (same) {
      c.i += name.size();
      return k;
    }
  }
  return std::nullopt;
}

// Parses `text` in full with the pattern; nullopt with `error_at` set when it
// does not match. Missing fields default to 1970-01-01 00:00:00.
std::optional<ParsedTimestamp> ParseWithPattern(std::string_view text, const std::vector<Token>& tokens,
                                                size_t* error_at) {
  Cursor c{text};
  int64_t year = 1970, month = 1, day = 1, doy = 0, hour = 0, minute = 0, second = 0, micros = 0;
  std::optional<bool> pm;
  bool hour12 = false;
  std::string zone;
  auto fail = [&]() -> std::optional<ParsedTimestamp> {
    *error_at = c.i;
    return std::nullopt;
  };
  for (const Token& t : tokens) {
    int n = t.count;
    // A single letter reads a variable width; repeated letters a fixed one.
    size_t min = n == 1 ? 1 : n, max = n == 1 ? 2 : n;
    std::optional<int64_t> v;
    switch (t.letter) {
      case 0:
        if (c.s.substr(c.i, t.text.size()) != t.text) return fail();
        c.i += t.text.size();
        continue;
      case 'y':
      case 'u':
        if (n == 2) {
          if (!(v = c.Digits(2, 2))) return fail();
          year = 2000 + *v;
        } else {
          if (!(v = c.Digits(n == 1 ? 1 : n, 9))) return fail();
          year = *v;
        }
        continue;
      case 'M':
      case 'L':
        if (n >= 3) {
          auto k = ReadName(c, kMonthNames, 12, n == 3);
          if (!k) return fail();
          month = *k + 1;
          continue;
        }
        if (!(v = c.Digits(min, max))) return fail();
        month = *v;
        continue;
      case 'E':
        if (!ReadName(c, kDayNames, 7, n < 4)) return fail();
        continue;
      case 'a': {
        static const char* const kAmPm[] = {"AM", "PM"};
        auto k = ReadName(c, kAmPm, 2, false);
        if (!k) return fail();
        pm = *k == 1;
        continue;
      }
      case 'S': {
        size_t digits = 0;
        if (!(v = c.Digits(1, n, &digits))) return fail();
        micros = *v;
        for (; digits < 6; ++digits) micros *= 10;
        for (; digits > 6; --digits) micros /= 10;
        continue;
      }
      case 'z':
      case 'V':
      case 'X':
      case 'x':
      case 'Z':
      case 'O': {
        // A zone runs to the next space (region ids have none).
        size_t end = std::min(text.size(), text.find(' ', c.i));
        Cursor rest{text.substr(0, end), c.i};
        zone = ReadZone(rest);
        if (zone.empty()) return fail();
        c.i = rest.i;
        continue;
      }
      default:
        break;
    }
    if (!(v = c.Digits(min, max))) return fail();
    switch (t.letter) {
      case 'd': day = *v; break;
      case 'D': doy = *v; break;
      case 'H': hour = *v; break;
      case 'k': hour = *v % 24; break;
      case 'h':
      case 'K': hour = *v % 12, hour12 = true; break;
      case 'm': minute = *v; break;
      case 's': second = *v; break;
      default: break;  // G Q q: read and ignored
    }
  }
  if (!c.Done()) return fail();
  if (pm && *pm) hour = (hour12 ? hour : hour % 12) + 12;
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, static_cast<int>(month)) ||
      hour > 23 || minute > 59 || second > 59) {
    *error_at = 0;
    return std::nullopt;
  }
  int64_t days = doy > 0 ? DaysFromCivil(year, 1, 1) + doy - 1
                         : DaysFromCivil(year, static_cast<int>(month), static_cast<int>(day));
  int64_t wall = days * kMicrosPerDay + ((hour * 60 + minute) * 60 + second) * kMicrosPerSecond + micros;
  return ParsedTimestamp{wall, zone};
}

// ---------------------------------------------------------------------------
// Arguments as per-row values

arrow::Result<std::shared_ptr<arrow::Array>> ToArray(const arrow::Datum& d, int64_t n) {
  if (d.is_array()) return d.make_array();
  return arrow::MakeArrayFromScalar(*d.scalar(), n);
}

// Integer columns (and date/timestamp columns viewed as their integers).
Values IntegerValues(const arrow::Array& arr) {
  Values out(arr.length());
  for (int64_t i = 0; i < arr.length(); ++i) {
    if (arr.IsNull(i)) continue;
    switch (arr.type_id()) {
      case arrow::Type::INT8: out[i] = static_cast<const arrow::Int8Array&>(arr).Value(i); break;
      case arrow::Type::INT16: out[i] = static_cast<const arrow::Int16Array&>(arr).Value(i); break;
      case arrow::Type::INT32: out[i] = static_cast<const arrow::Int32Array&>(arr).Value(i); break;
      default: out[i] = static_cast<const arrow::Int64Array&>(arr).Value(i); break;
    }
  }
  return out;
}

arrow::Result<Values> Integers(const arrow::Datum& d, int64_t n) {
  ARROW_ASSIGN_OR_RAISE(auto arr, ToArray(d, n));
  if (arr->type_id() == arrow::Type::NA) return Values(n);
  if (arr->type_id() == arrow::Type::DATE32) {
    ARROW_ASSIGN_OR_RAISE(arr, arr->View(arrow::int32()));
  }
  if (arr->type_id() == arrow::Type::TIMESTAMP) {
    ARROW_ASSIGN_OR_RAISE(arr, arr->View(arrow::int64()));
  }
  return IntegerValues(*arr);
}

std::vector<std::optional<std::string_view>> Strings(const arrow::Array& arr) {
  std::vector<std::optional<std::string_view>> out(arr.length());
  if (arr.type_id() != arrow::Type::STRING) return out;
  const auto& strings = static_cast<const arrow::StringArray&>(arr);
  for (int64_t i = 0; i < arr.length(); ++i) {
    if (strings.IsValid(i)) out[i] = strings.GetView(i);
  }
  return out;
}

// A string argument as UTC instants (CAST rules, or the pattern when given).
// Malformed input is an error under ANSI mode, NULL otherwise.
arrow::Result<std::vector<std::optional<ParsedTimestamp>>> ParseTexts(
    const arrow::Array& arr, const std::optional<std::string>& pattern, const EvalContext& ctx,
    const char* cast_to) {
  auto texts = Strings(arr);
  std::vector<std::optional<ParsedTimestamp>> parsed(texts.size());
  std::vector<Token> tokens;
  if (pattern) {
    ARROW_ASSIGN_OR_RAISE(tokens, Tokenize(*pattern));
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    if (!texts[i]) continue;
    size_t error_at = 0;
    parsed[i] = pattern ? ParseWithPattern(*texts[i], tokens, &error_at) : ParseTimestampString(*texts[i]);
    // A zone must be one (TIMESTAMP_NTZ then ignores it); a time alone is
    // today's in a zone, which TIMESTAMP_NTZ has not.
    bool ntz = std::string_view(cast_to) == "TIMESTAMP_NTZ";
    if (!pattern && parsed[i] && ((ntz && parsed[i]->time_only) ||
                                  (!parsed[i]->zone.empty() && !ResolveTimeZone(parsed[i]->zone).ok()))) {
      parsed[i].reset();
    }
    if (parsed[i] || !ctx.ansi) continue;
    return pattern ? CannotParse(*texts[i], error_at) : CastInvalid(*texts[i], cast_to);
  }
  return parsed;
}

arrow::Result<Values> ParseInstants(const arrow::Array& arr, const std::optional<std::string>& pattern,
                                    const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto parsed, ParseTexts(arr, pattern, ctx, "TIMESTAMP"));
  return ResolveZones(parsed, ctx.format.time_zone);
}

// A string argument as wall times (TIMESTAMP_NTZ); a zone in the text is ignored.
arrow::Result<Values> ParseWalls(const arrow::Array& arr, const std::optional<std::string>& pattern,
                                 const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto parsed, ParseTexts(arr, pattern, ctx, "TIMESTAMP_NTZ"));
  Values out(parsed.size());
  for (size_t i = 0; i < parsed.size(); ++i) {
    if (parsed[i]) out[i] = parsed[i]->wall_micros;
  }
  return out;
}

// Any temporal argument as UTC instants: dates are local midnights, NTZ wall
// times are read in the session zone.
arrow::Result<Values> Instants(const arrow::Datum& d, const DataType& type, const EvalContext& ctx,
                               int64_t n) {
  ARROW_ASSIGN_OR_RAISE(auto arr, ToArray(d, n));
  const std::string& tz = ctx.format.time_zone;
  switch (type.id()) {
    case TypeId::kString: return ParseInstants(*arr, std::nullopt, ctx);
    case TypeId::kTimestamp: return Integers(arr, n);
    case TypeId::kTimestampNtz: {
      ARROW_ASSIGN_OR_RAISE(auto wall, Integers(arr, n));
      return LocalToUtc(wall, tz);
    }
    case TypeId::kDate: {
      ARROW_ASSIGN_OR_RAISE(auto days, Integers(arr, n));
      for (auto& v : days) {
        if (v) *v *= kMicrosPerDay;
      }
      return LocalToUtc(days, tz);
    }
    default: return Values(n);
  }
}

// Any temporal argument as wall-clock microseconds in the session zone.
arrow::Result<Values> WallTimes(const arrow::Datum& d, const DataType& type, const EvalContext& ctx,
                                int64_t n) {
  if (type.id() == TypeId::kDate || type.id() == TypeId::kTimestampNtz) {
    ARROW_ASSIGN_OR_RAISE(auto v, Integers(d, n));
    if (type.id() == TypeId::kDate) {
      for (auto& x : v) {
        if (x) *x *= kMicrosPerDay;
      }
    }
    return v;
  }
  ARROW_ASSIGN_OR_RAISE(auto utc, Instants(d, type, ctx, n));
  return UtcToLocal(utc, ctx.format.time_zone);
}

// Any date-like argument as days since the epoch (strings by the DATE cast).
arrow::Result<Values> Days(const arrow::Datum& d, const DataType& type, const EvalContext& ctx,
                           int64_t n) {
  if (type.id() == TypeId::kString) {
    ARROW_ASSIGN_OR_RAISE(auto arr, ToArray(d, n));
    auto texts = Strings(*arr);
    Values out(n);
    for (int64_t i = 0; i < n; ++i) {
      if (!texts[i]) continue;
      out[i] = ParseDateString(*texts[i]);
      if (!out[i] && ctx.ansi) return CastInvalid(*texts[i], "DATE");
    }
    return out;
  }
  // Dates are days already (as microseconds, a day past year 294247 would overflow).
  if (type.id() == TypeId::kDate) return Integers(d, n);
  ARROW_ASSIGN_OR_RAISE(auto wall, WallTimes(d, type, ctx, n));
  for (auto& v : wall) {
    if (v) *v = FloorDiv(*v, kMicrosPerDay);
  }
  return wall;
}

// Builds the result column of Spark type `type` from per-row values.
arrow::Result<arrow::Datum> Output(const Values& values, const DataType& type) {
  ARROW_ASSIGN_OR_RAISE(auto target, ToArrowType(type));
  ARROW_ASSIGN_OR_RAISE(auto ints, Int64Array(values));
  if (type.id() == TypeId::kInt || type.id() == TypeId::kDate) {
    ARROW_ASSIGN_OR_RAISE(auto narrow, cp::Cast(*ints, arrow::int32()));
    ARROW_ASSIGN_OR_RAISE(auto typed, narrow->View(target));
    return arrow::Datum(typed);
  }
  ARROW_ASSIGN_OR_RAISE(auto typed, ints->View(target));
  return arrow::Datum(typed);
}

// ---------------------------------------------------------------------------
// Binding

const char* KindName(Kind k) {
  switch (k) {
    case Kind::kDate: return "\"DATE\"";
    case Kind::kTimestamp: return "\"TIMESTAMP\"";
    case Kind::kString: return "\"STRING\"";
    case Kind::kInt: return "\"INT\"";
    case Kind::kLong: return "\"BIGINT\"";
    case Kind::kNumeric: return "\"NUMERIC\"";
    case Kind::kIntegral: return "\"INTEGRAL\"";
    case Kind::kDecimal: return "\"DECIMAL\"";
    case Kind::kBoolean: return "\"BOOLEAN\"";
    case Kind::kDateOnly: return "\"DATE\"";
    case Kind::kTimestampOnly: return "\"TIMESTAMP\"";
  }
  return "";
}

bool Accepts(Kind k, const DataType& t) {
  TypeId id = t.id();
  bool temporal = id == TypeId::kDate || id == TypeId::kTimestamp || id == TypeId::kTimestampNtz ||
                  id == TypeId::kString || id == TypeId::kNull;
  switch (k) {
    case Kind::kDate:
    case Kind::kTimestamp: return temporal;
    case Kind::kString: return !t.IsNested() && id != TypeId::kInterval && id != TypeId::kBinary;
    case Kind::kInt:
    case Kind::kLong:
    case Kind::kDecimal: return t.IsNumeric() || id == TypeId::kString || id == TypeId::kNull;
    case Kind::kNumeric: return t.IsNumeric() || id == TypeId::kNull;
    case Kind::kIntegral: return t.IsIntegral() || id == TypeId::kNull;
    case Kind::kBoolean: return id == TypeId::kBoolean || id == TypeId::kNull;
    case Kind::kDateOnly: return id == TypeId::kDate || id == TypeId::kNull;
    case Kind::kTimestampOnly: return id == TypeId::kTimestamp || id == TypeId::kNull;
  }
  return false;
}

// Checks the count and argument types; string/number arguments get the
// implicit casts (temporal arguments are converted by the functions, which
// know the session time zone).
arrow::Status CheckArgs(const std::string& name, std::vector<BoundExprPtr>& args,
                        const std::string& pretty, size_t min, size_t max,
                        const std::vector<Kind>& kinds) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, min, max));
  for (size_t i = 0; i < args.size(); ++i) {
    Kind k = kinds[std::min(i, kinds.size() - 1)];
    if (!Accepts(k, *args[i]->type())) {
      return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                              fmt::format("The {} parameter requires the {} type, however \"{}\" "
                                          "has the type {}",
                                          Ordinal(i), KindName(k), args[i]->name(),
                                          QuotedType(*args[i]->type())));
    }
    if (k == Kind::kString) args[i] = ImplicitCast(args[i], types::String());
    if (k == Kind::kInt) args[i] = ImplicitCast(args[i], types::Int());
    if (k == Kind::kLong) args[i] = ImplicitCast(args[i], types::Long());
  }
  return arrow::Status::OK();
}

// The constant text of an argument (a pattern, a unit, a zone).
arrow::Result<std::optional<std::string>> ConstantText(const BoundExpr& arg, const std::string& fn) {
  const arrow::Scalar* value = ConstantValue(arg);
  if (value == nullptr) return arrow::Status::NotImplemented(fn, " with an argument that is not a constant");
  if (!value->is_valid) return std::nullopt;
  return value->ToString();
}

}  // namespace dt

using namespace dt;

namespace {

// ---------------------------------------------------------------------------
// Current time

// current_timestamp / now, current_date / curdate, localtimestamp (the wall
// time in the session zone, TIMESTAMP_NTZ) and current_timezone: one instant
// per query, never NULL.
arrow::Result<BoundExprPtr> BindCurrent(const std::string& name, std::vector<BoundExprPtr> args,
                                        const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 0, 0));
  if (name == "current_timezone") {
    auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
      return arrow::Datum(std::make_shared<arrow::StringScalar>(a.ctx.format.time_zone));
    };
    return MakeFunction(name, impl, types::String(), {}, pretty, false);
  }
  bool date = name == "current_date" || name == "curdate";
  bool local = name == "localtimestamp";
  auto impl = [date, local](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    Values now(a.num_rows, a.ctx.current_timestamp_us);
    if (!date && !local) return Output(now, a.result_type);
    ARROW_ASSIGN_OR_RAISE(auto wall, UtcToLocal(now, a.ctx.format.time_zone));
    for (auto& v : wall) {
      if (date && v) *v = FloorDiv(*v, kMicrosPerDay);
    }
    return Output(wall, a.result_type);
  };
  DataTypePtr type = date ? types::Date() : local ? types::TimestampNtz() : types::Timestamp();
  return MakeFunction(name, impl, type, {}, pretty, false);
}

// ---------------------------------------------------------------------------
// Parsing and formatting

// to_timestamp[_ltz|_ntz](s[, fmt]), to_date(s[, fmt]), unix_timestamp([s[,
// fmt]]), to_unix_timestamp(s[, fmt]) and try_to_date / try_to_timestamp.
// Text that does not parse is an error under ANSI (NULL for the try_ forms);
// to_timestamp of a number reads seconds since the epoch.
arrow::Result<BoundExprPtr> BindParse(const std::string& called, std::vector<BoundExprPtr> args,
                                      const std::string& pretty) {
  bool try_form = called.rfind("try_", 0) == 0;
  std::string name = try_form ? called.substr(4) : called;
  if (name == "to_timestamp_ltz") name = "to_timestamp";
  bool to_unix = name == "unix_timestamp" || name == "to_unix_timestamp";
  bool ntz = name == "to_timestamp_ntz";
  bool seconds = name == "to_timestamp" && args.size() == 1 && args[0]->type()->IsNumeric();
  if (!seconds) {
    ARROW_RETURN_NOT_OK(CheckArgs(called, args, pretty, name == "unix_timestamp" ? 0 : 1, 2,
                                  {Kind::kTimestamp, Kind::kString}));
  }
  std::optional<std::string> pattern;
  if (args.size() > 1) {
    ARROW_ASSIGN_OR_RAISE(pattern, ConstantText(*args[1], called));
    if (!pattern) pattern = "";  // a NULL pattern gives NULL below
  } else if (to_unix) {
    pattern = kDefaultFormat;
  }
  bool null_pattern = args.size() > 1 && !ConstantValue(*args[1])->is_valid;
  if (pattern) ARROW_RETURN_NOT_OK(Tokenize(*pattern).status());
  DataTypePtr result = to_unix ? types::Long()
                       : name == "to_date" ? types::Date()
                       : ntz               ? types::TimestampNtz()
                                           : types::Timestamp();
  DataTypePtr input = args.empty() ? nullptr : args[0]->type();
  auto impl = [=](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    if (null_pattern) return Output(Values(a.num_rows), a.result_type);
    EvalContext ctx = a.ctx;
    if (try_form) ctx.ansi = false;
    if (seconds) {
      ARROW_ASSIGN_OR_RAISE(auto micros, NumberToMicros(a.values[0], *input, a.num_rows, kMicrosPerSecond));
      return Output(micros, a.result_type);
    }
    Values utc;
    if (!input) {
      utc.assign(a.num_rows, ctx.current_timestamp_us);
    } else if (input->id() == TypeId::kString) {
      ARROW_ASSIGN_OR_RAISE(auto arr, ToArray(a.values[0], a.num_rows));
      if (name == "to_date" && !pattern) {
        ARROW_ASSIGN_OR_RAISE(auto days, Days(arr, *input, ctx, a.num_rows));
        return Output(days, a.result_type);
      }
      if (ntz) {
        ARROW_ASSIGN_OR_RAISE(auto walls, ParseWalls(*arr, pattern, ctx));
        return Output(walls, a.result_type);
      }
      ARROW_ASSIGN_OR_RAISE(utc, ParseInstants(*arr, pattern, ctx));
    } else {
      if (name == "to_date") {
        ARROW_ASSIGN_OR_RAISE(auto days, Days(a.values[0], *input, ctx, a.num_rows));
        return Output(days, a.result_type);
      }
      if (ntz) {
        ARROW_ASSIGN_OR_RAISE(auto walls, WallTimes(a.values[0], *input, ctx, a.num_rows));
        return Output(walls, a.result_type);
      }
      ARROW_ASSIGN_OR_RAISE(utc, Instants(a.values[0], *input, ctx, a.num_rows));
    }
    if (to_unix) {
      for (auto& v : utc) {
        if (v) *v = FloorDiv(*v, kMicrosPerSecond);
      }
    } else if (name == "to_date") {
      ARROW_ASSIGN_OR_RAISE(auto wall, UtcToLocal(utc, ctx.format.time_zone));
      for (auto& v : wall) {
        if (v) *v = FloorDiv(*v, kMicrosPerDay);
      }
      return Output(wall, a.result_type);
    }
    return Output(utc, a.result_type);
  };
  // Spark's nullability: a parse with a pattern fails rather than give NULL
  // (under ANSI); without one it is a CAST, NULL-able from strings and dates.
  bool nullable = try_form || (input && input->id() != TypeId::kString && input->id() != TypeId::kDate
                                   ? AnyNullable(args)
                                   : (pattern || !input) ? AnyNullable(args) : true);
  if (seconds) {
    nullable = args[0]->nullable() || input->id() == TypeId::kFloat || input->id() == TypeId::kDouble;
  }
  return MakeFunction(called, impl, result, std::move(args), pretty, nullable);
}

// date_format(ts, fmt), from_unixtime(secs[, fmt]).
arrow::Result<BoundExprPtr> BindFormat(const std::string& name, std::vector<BoundExprPtr> args,
                                       const std::string& pretty) {
  bool from_unix = name == "from_unixtime";
  ARROW_RETURN_NOT_OK(CheckArgs(name, args, pretty, from_unix ? 1 : 2, 2,
                                {from_unix ? Kind::kLong : Kind::kTimestamp, Kind::kString}));
  std::optional<std::string> pattern = kDefaultFormat;
  if (args.size() > 1) {
    ARROW_ASSIGN_OR_RAISE(pattern, ConstantText(*args[1], name));
  }
  if (pattern) ARROW_RETURN_NOT_OK(Tokenize(*pattern).status());
  DataTypePtr input = args[0]->type();
  auto impl = [pattern, input, from_unix](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    if (!pattern) return arrow::MakeArrayOfNull(arrow::utf8(), a.num_rows);
    Values utc;
    if (from_unix) {
      ARROW_ASSIGN_OR_RAISE(utc, Integers(a.values[0], a.num_rows));
      for (auto& v : utc) {
        if (v) *v *= kMicrosPerSecond;
      }
    } else {
      ARROW_ASSIGN_OR_RAISE(utc, Instants(a.values[0], *input, a.ctx, a.num_rows));
    }
    ARROW_ASSIGN_OR_RAISE(auto out, FormatInstants(utc, *pattern, a.ctx.format.time_zone));
    return arrow::Datum(out);
  };
  // from_unixtime may give NULL for any input (Spark marks it nullable).
  bool nullable = from_unix || AnyNullable(args);
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, nullable);
}

// ---------------------------------------------------------------------------
// Fields

using DayField = int64_t (*)(int64_t days);

DayField DayFieldOf(const std::string& name) {
  if (name == "year") return [](int64_t d) { return CivilFromDays(d).year; };
  if (name == "month") return [](int64_t d) -> int64_t { return CivilFromDays(d).month; };
  if (name == "quarter") return [](int64_t d) -> int64_t { return (CivilFromDays(d).month - 1) / 3 + 1; };
  if (name == "dayofmonth" || name == "day") return [](int64_t d) -> int64_t { return CivilFromDays(d).day; };
  if (name == "dayofweek") return [](int64_t d) -> int64_t { return IsoDayOfWeek(d) % 7 + 1; };
  if (name == "weekday") return [](int64_t d) -> int64_t { return IsoDayOfWeek(d) - 1; };
  if (name == "dayofyear") return [](int64_t d) -> int64_t { return DayOfYear(d); };
  if (name == "weekofyear") return [](int64_t d) -> int64_t { return IsoWeek(d); };
  // Fields only extract() reads: the ISO week-based year and ISO day of week.
  if (name == "yearofweek") return [](int64_t d) { return CivilFromDays(d - IsoDayOfWeek(d) + 4).year; };
  if (name == "dayofweek_iso") return [](int64_t d) -> int64_t { return IsoDayOfWeek(d); };
  return nullptr;
}

// Whether a converted datetime argument may be NULL: a string may not parse.
bool TemporalNullable(const BoundExpr& e) { return e.nullable() || e.type()->id() == TypeId::kString; }

arrow::Result<BoundExprPtr> BindDateField(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgs(name, args, pretty, 1, 1, {Kind::kDate}));
  DayField field = DayFieldOf(name);
  DataTypePtr input = args[0]->type();
  auto impl = [field, input](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto days, Days(a.values[0], *input, a.ctx, a.num_rows));
    for (auto& v : days) {
      if (v) *v = field(*v);
    }
    return Output(days, a.result_type);
  };
  bool nullable = TemporalNullable(*args[0]);
  return MakeFunction(name, impl, types::Int(), std::move(args), pretty, nullable);
}

// dayname / monthname: the three-letter English name.
arrow::Result<BoundExprPtr> BindDayName(const std::string& name, std::vector<BoundExprPtr> args,
                                        const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgs(name, args, pretty, 1, 1, {Kind::kDate}));
  bool day = name == "dayname";
  DataTypePtr input = args[0]->type();
  auto impl = [day, input](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto days, Days(a.values[0], *input, a.ctx, a.num_rows));
    arrow::StringBuilder out;
    ARROW_RETURN_NOT_OK(out.Reserve(a.num_rows));
    for (const auto& v : days) {
      if (!v) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      const char* full = day ? kDayNames[IsoDayOfWeek(*v) - 1] : kMonthNames[CivilFromDays(*v).month - 1];
      ARROW_RETURN_NOT_OK(out.Append(full, 3));
    }
    ARROW_ASSIGN_OR_RAISE(auto arr, out.Finish());
    return arrow::Datum(arr);
  };
  bool nullable = TemporalNullable(*args[0]);
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, nullable);
}

arrow::Result<BoundExprPtr> BindTimeField(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgs(name, args, pretty, 1, 1, {Kind::kTimestamp}));
  int64_t unit = name == "hour" ? 3600 * kMicrosPerSecond : name == "minute" ? 60 * kMicrosPerSecond : kMicrosPerSecond;
  int64_t modulo = name == "hour" ? 24 : 60;
  DataTypePtr input = args[0]->type();
  auto impl = [unit, modulo, input](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto wall, WallTimes(a.values[0], *input, a.ctx, a.num_rows));
    for (auto& v : wall) {
      if (v) *v = FloorMod(FloorDiv(*v, unit), modulo);
    }
    return Output(wall, a.result_type);
  };
  bool nullable = TemporalNullable(*args[0]);
  return MakeFunction(name, impl, types::Int(), std::move(args), pretty, nullable);
}

// The seconds of a wall time with their fraction, DECIMAL(8,6) (extract's SECOND).
arrow::Result<BoundExprPtr> BindSecondWithFraction(std::vector<BoundExprPtr> args,
                                                   const std::string& pretty) {
  DataTypePtr input = args[0]->type();
  auto impl = [input](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto wall, WallTimes(a.values[0], *input, a.ctx, a.num_rows));
    arrow::Decimal128Builder out(arrow::decimal128(8, 6));
    for (const auto& v : wall) {
      if (v) ARROW_RETURN_NOT_OK(out.Append(arrow::Decimal128(FloorMod(*v, kMicrosPerMinute))));
      else ARROW_RETURN_NOT_OK(out.AppendNull());
    }
    ARROW_ASSIGN_OR_RAISE(auto arr, out.Finish());
    return arrow::Datum(arr);
  };
  bool nullable = TemporalNullable(*args[0]);
  return MakeFunction("second", impl, types::Decimal(8, 6), std::move(args), pretty, nullable);
}

// A field of a CalendarInterval: YEAR and DAY (days plus whole days of the
// microseconds) as INT, MONTH, HOUR and MINUTE as TINYINT (Java's truncating
// remainders), SECOND as DECIMAL(8,6).
arrow::Result<BoundExprPtr> BindIntervalField(const std::string& field, std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  DataTypePtr type = field == "SECOND"                   ? types::Decimal(8, 6)
                     : field == "YEAR" || field == "DAY" ? types::Int()
                                                         : types::Byte();
  auto impl = [field](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto arr, ToArray(a.values[0], a.num_rows));
    ARROW_ASSIGN_OR_RAISE(auto target, ToArrowType(a.result_type));
    std::unique_ptr<arrow::ArrayBuilder> builder;
    ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), target, &builder));
    for (int64_t i = 0; i < arr->length(); ++i) {
      if (arr->IsNull(i) || arr->type_id() != arrow::Type::INTERVAL_MONTH_DAY_NANO) {
        ARROW_RETURN_NOT_OK(builder->AppendNull());
        continue;
      }
      auto v = static_cast<const arrow::MonthDayNanoIntervalArray&>(*arr).Value(i);
      int64_t micros = v.nanoseconds / 1000;
      if (field == "SECOND") {
        ARROW_RETURN_NOT_OK(static_cast<arrow::Decimal128Builder&>(*builder).Append(
            arrow::Decimal128(micros % kMicrosPerMinute)));
      } else if (field == "YEAR" || field == "DAY") {
        ARROW_RETURN_NOT_OK(static_cast<arrow::Int32Builder&>(*builder).Append(
            field == "YEAR" ? v.months / 12 : static_cast<int32_t>(v.days + micros / kMicrosPerDay)));
      } else {
        int64_t x = field == "MONTH" ? v.months % 12
                    : field == "HOUR" ? micros / kMicrosPerHour % 24
                                      : micros / kMicrosPerMinute % 60;
        ARROW_RETURN_NOT_OK(static_cast<arrow::Int8Builder&>(*builder).Append(static_cast<int8_t>(x)));
      }
    }
    std::shared_ptr<arrow::Array> out;
    ARROW_RETURN_NOT_OK(builder->Finish(&out));
    return arrow::Datum(out);
  };
  bool nullable = args[0]->nullable();
  return MakeFunction("extract", impl, type, std::move(args), pretty, nullable);
}

// extract(field FROM source) / date_part(field, source) / datepart: the field
// (a constant, with Spark's abbreviations) is the matching field function of
// the source; SECOND keeps the fraction. An unknown field is INVALID_EXTRACT_FIELD.
arrow::Result<BoundExprPtr> BindExtract(const std::string& name, std::vector<BoundExprPtr> args,
                                        const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  const arrow::Scalar* field_value = ConstantValue(*args[0]);
  if (field_value == nullptr) {
    return DataTypeMismatch("NON_FOLDABLE_INPUT", pretty,
                            fmt::format("the input `field` should be a foldable \"STRING\" "
                                        "expression; however, got \"{}\"", args[0]->name()));
  }
  if (!field_value->is_valid) {
    auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
      return arrow::MakeArrayOfNull(arrow::float64(), a.num_rows);
    };
    return MakeFunction(name, impl, types::Double(), std::move(args), pretty, true);
  }
  std::string field = AsciiUpper(field_value->ToString());
  static const std::pair<const char*, std::vector<std::string>> kFields[] = {
      {"YEAR", {"YEAR", "Y", "YEARS", "YR", "YRS"}},
      {"YEAROFWEEK", {"YEAROFWEEK"}},
      {"QUARTER", {"QUARTER", "QTR"}},
      {"MONTH", {"MONTH", "MON", "MONS", "MONTHS"}},
      {"WEEK", {"WEEK", "W", "WEEKS"}},
      {"DAY", {"DAY", "D", "DAYS"}},
      {"DAYOFWEEK", {"DAYOFWEEK", "DOW"}},
      {"DAYOFWEEK_ISO", {"DAYOFWEEK_ISO", "DOW_ISO"}},
      {"DOY", {"DOY"}},
      {"HOUR", {"HOUR", "H", "HOURS", "HR", "HRS"}},
      {"MINUTE", {"MINUTE", "M", "MIN", "MINS", "MINUTES"}},
      {"SECOND", {"SECOND", "S", "SEC", "SECONDS", "SECS"}},
  };
  std::string canonical;
  for (const auto& [key, synonyms] : kFields) {
    if (std::find(synonyms.begin(), synonyms.end(), field) != synonyms.end()) canonical = key;
  }
  std::vector<BoundExprPtr> source = {args[1]};
  auto invalid = [&]() {
    return SparkError("INVALID_EXTRACT_FIELD", "42601",
                      fmt::format("Cannot extract `{}` from \"{}\".", field_value->ToString(),
                                  args[1]->name()));
  };
  if (args[1]->type()->id() == TypeId::kInterval) {
    static const char* const kIntervalFields[] = {"YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"};
    if (std::find(std::begin(kIntervalFields), std::end(kIntervalFields), canonical) ==
        std::end(kIntervalFields)) {
      return invalid();
    }
    return BindIntervalField(canonical, std::move(source), pretty);
  }
  static const std::pair<const char*, const char*> kFunctions[] = {
      {"YEAR", "year"},          {"YEAROFWEEK", "yearofweek"}, {"QUARTER", "quarter"},
      {"MONTH", "month"},        {"WEEK", "weekofyear"},       {"DAY", "day"},
      {"DAYOFWEEK", "dayofweek"}, {"DAYOFWEEK_ISO", "dayofweek_iso"}, {"DOY", "dayofyear"},
      {"HOUR", "hour"},          {"MINUTE", "minute"},         {"SECOND", "second"}};
  for (const auto& [key, function] : kFunctions) {
    if (canonical != key) continue;
    std::string inner = fmt::format("{}({})", function, args[1]->name());
    if (canonical == "SECOND") {
      ARROW_RETURN_NOT_OK(CheckArgs(function, source, inner, 1, 1, {Kind::kTimestamp}));
      return BindSecondWithFraction(std::move(source), pretty);
    }
    bool time = canonical == "HOUR" || canonical == "MINUTE";
    ARROW_ASSIGN_OR_RAISE(auto bound, time ? BindTimeField(function, std::move(source), inner)
                                           : BindDateField(function, std::move(source), inner));
    auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> { return a.values[0]; };
    bool nullable = bound->nullable();
    return MakeFunction(name, impl, bound->type(), {bound}, pretty, nullable);
  }
  return invalid();
}

// ---------------------------------------------------------------------------
// Truncation

// The first day of the period holding `days`, for the date-level units.
std::optional<int64_t> TruncDays(int64_t days, const std::string& unit) {
  Civil c = CivilFromDays(days);
  if (unit == "YEAR" || unit == "YYYY" || unit == "YY") return DaysFromCivil(c.year, 1, 1);
  if (unit == "QUARTER") return DaysFromCivil(c.year, (c.month - 1) / 3 * 3 + 1, 1);
  if (unit == "MONTH" || unit == "MM" || unit == "MON") return DaysFromCivil(c.year, c.month, 1);
  if (unit == "WEEK") return days - IsoDayOfWeek(days) + 1;
  return std::nullopt;
}

// Wall time truncated to `unit`; nullopt for an unknown unit.
std::optional<int64_t> TruncWall(int64_t wall, const std::string& unit) {
  int64_t days = FloorDiv(wall, kMicrosPerDay);
  if (auto d = TruncDays(days, unit)) return *d * kMicrosPerDay;
  int64_t step = unit == "DAY" || unit == "DD" ? kMicrosPerDay
                 : unit == "HOUR"              ? 3600 * kMicrosPerSecond
                 : unit == "MINUTE"            ? 60 * kMicrosPerSecond
                 : unit == "SECOND"            ? kMicrosPerSecond
                 : unit == "MILLISECOND"       ? 1000
                 : unit == "MICROSECOND"       ? 1
                                               : 0;
  if (step == 0) return std::nullopt;
  return FloorDiv(wall, step) * step;
}

arrow::Result<BoundExprPtr> BindDateTrunc(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgs(name, args, pretty, 2, 2, {Kind::kString, Kind::kTimestamp}));
  ARROW_ASSIGN_OR_RAISE(auto unit_text, ConstantText(*args[0], name));
  std::string unit = unit_text ? AsciiUpper(*unit_text) : "";
  DataTypePtr input = args[1]->type();
  auto impl = [unit, input](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto wall, WallTimes(a.values[1], *input, a.ctx, a.num_rows));
    for (auto& v : wall) {
      if (v) v = TruncWall(*v, unit);
    }
    // Truncated in the session zone's wall clock, then back to an instant.
    ARROW_ASSIGN_OR_RAISE(auto utc, LocalToUtc(wall, a.ctx.format.time_zone));
    return Output(utc, a.result_type);
  };
  return MakeFunction(name, impl, types::Timestamp(), std::move(args), pretty, true);
}

arrow::Result<BoundExprPtr> BindTrunc(const std::string& name, std::vector<BoundExprPtr> args,
                                      const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgs(name, args, pretty, 2, 2, {Kind::kDate, Kind::kString}));
  ARROW_ASSIGN_OR_RAISE(auto unit_text, ConstantText(*args[1], name));
  std::string unit = unit_text ? AsciiUpper(*unit_text) : "";
  DataTypePtr input = args[0]->type();
  auto impl = [unit, input](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto days, Days(a.values[0], *input, a.ctx, a.num_rows));
    for (auto& v : days) {
      if (v) v = TruncDays(*v, unit);
    }
    return Output(days, a.result_type);
  };
  return MakeFunction(name, impl, types::Date(), std::move(args), pretty, true);
}

// ---------------------------------------------------------------------------
// Date arithmetic

// date_add, date_sub, add_months, datediff: a date and a number (or a second date).
arrow::Result<BoundExprPtr> BindDateArithmetic(const std::string& name, std::vector<BoundExprPtr> args,
                                               const std::string& pretty) {
  bool diff = name == "datediff";
  // date_add / date_sub take days as INT, SMALLINT, TINYINT (or text cast to INT).
  if ((name == "date_add" || name == "date_sub") && args.size() == 2) {
    TypeId id = args[1]->type()->id();
    if (args[1]->type()->IsNumeric() && id != TypeId::kInt && id != TypeId::kShort && id != TypeId::kByte) {
      return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                              fmt::format("The second parameter requires the (\"INT\" or \"SMALLINT\" or "
                                          "\"TINYINT\") type, however \"{}\" has the type {}",
                                          args[1]->name(), QuotedType(*args[1]->type())));
    }
  }
  ARROW_RETURN_NOT_OK(CheckArgs(name, args, pretty, 2, 2, {Kind::kDate, diff ? Kind::kDate : Kind::kInt}));
  DataTypePtr left = args[0]->type(), right = args[1]->type();
  auto impl = [name, diff, left, right](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto days, Days(a.values[0], *left, a.ctx, a.num_rows));
    Values other;
    if (diff) {
      ARROW_ASSIGN_OR_RAISE(other, Days(a.values[1], *right, a.ctx, a.num_rows));
    } else {
      ARROW_ASSIGN_OR_RAISE(other, Integers(a.values[1], a.num_rows));
    }
    for (size_t i = 0; i < days.size(); ++i) {
      if (!days[i] || !other[i]) {
        days[i].reset();
      } else if (name == "add_months") {
        days[i] = AddMonths(*days[i], *other[i]);
      } else {
        // Java int arithmetic, as Spark's DateAdd / DateSub: wraps around.
        days[i] = static_cast<int32_t>(static_cast<uint32_t>(*days[i]) +
                                       static_cast<uint32_t>(name == "date_add" ? *other[i] : -*other[i]));
      }
    }
    return Output(days, a.result_type);
  };
  bool nullable = TemporalNullable(*args[0]) || TemporalNullable(*args[1]);
  return MakeFunction(name, impl, diff ? types::Int() : types::Date(), std::move(args), pretty, nullable);
}

arrow::Result<BoundExprPtr> BindLastDay(const std::string& name, std::vector<BoundExprPtr> args,
                                        const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgs(name, args, pretty, 1, 1, {Kind::kDate}));
  DataTypePtr input = args[0]->type();
  auto impl = [input](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto days, Days(a.values[0], *input, a.ctx, a.num_rows));
    for (auto& v : days) {
      if (!v) continue;
      Civil c = CivilFromDays(*v);
      v = DaysFromCivil(c.year, c.month, DaysInMonth(c.year, c.month));
    }
    return Output(days, a.result_type);
  };
  bool nullable = TemporalNullable(*args[0]);
  return MakeFunction(name, impl, types::Date(), std::move(args), pretty, nullable);
}

// from_utc_timestamp(ts, tz): the wall time in `tz` of the UTC instant,
// shown as if it were UTC; to_utc_timestamp is the inverse.
arrow::Result<BoundExprPtr> BindUtcShift(const std::string& name, std::vector<BoundExprPtr> args,
                                         const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgs(name, args, pretty, 2, 2, {Kind::kTimestamp, Kind::kString}));
  bool from_utc = name == "from_utc_timestamp";
  DataTypePtr input = args[0]->type();
  auto impl = [from_utc, input](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto utc, Instants(a.values[0], *input, a.ctx, a.num_rows));
    ARROW_ASSIGN_OR_RAISE(auto shifted, ConvertPerZone(utc, a.values[1], a.num_rows, !from_utc));
    return Output(shifted, a.result_type);
  };
  bool nullable = TemporalNullable(*args[0]) || args[1]->nullable();
  return MakeFunction(name, impl, types::Timestamp(), std::move(args), pretty, nullable);
}

// convert_timezone([source_tz, ]target_tz, ts): the wall time `ts` (read as
// TIMESTAMP_NTZ; the session zone is the default source) seen in target_tz.
arrow::Result<BoundExprPtr> BindConvertTimezone(const std::string& name, std::vector<BoundExprPtr> args,
                                                const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 3));
  std::vector<Kind> kinds = args.size() == 3 ? std::vector<Kind>{Kind::kString, Kind::kString, Kind::kTimestamp}
                                             : std::vector<Kind>{Kind::kString, Kind::kTimestamp};
  ARROW_RETURN_NOT_OK(CheckArgs(name, args, pretty, 2, 3, kinds));
  bool has_source = args.size() == 3;
  DataTypePtr input = args.back()->type();
  auto impl = [has_source, input](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    const arrow::Datum& ts = a.values.back();
    ARROW_ASSIGN_OR_RAISE(auto wall, WallTimes(ts, *input, a.ctx, a.num_rows));
    arrow::Datum source = has_source ? a.values[0]
                                     : arrow::Datum(std::make_shared<arrow::StringScalar>(a.ctx.format.time_zone));
    ARROW_ASSIGN_OR_RAISE(auto utc, ConvertPerZone(wall, source, a.num_rows, true));
    ARROW_ASSIGN_OR_RAISE(auto out, ConvertPerZone(utc, a.values[has_source ? 1 : 0], a.num_rows, false));
    return Output(out, a.result_type);
  };
  bool nullable = TemporalNullable(*args.back());
  for (size_t i = 0; i + 1 < args.size(); ++i) nullable = nullable || args[i]->nullable();
  return MakeFunction(name, impl, types::TimestampNtz(), std::move(args), pretty, nullable);
}

// months_between(ts1, ts2[, roundOff]): whole months when both days of month
// are equal or both are month ends, otherwise months plus the day and time
// difference over 31 days; rounded to 8 digits unless roundOff is false.
arrow::Result<BoundExprPtr> BindMonthsBetween(const std::string& name, std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgs(name, args, pretty, 2, 3, {Kind::kTimestamp, Kind::kTimestamp, Kind::kBoolean}));
  bool round_off = true, null_round = false;
  if (args.size() == 3) {
    const arrow::Scalar* value = ConstantValue(*args[2]);
    if (value == nullptr) return arrow::Status::NotImplemented("months_between with a roundOff that is not a constant");
    null_round = !value->is_valid;
    round_off = value->is_valid && static_cast<const arrow::BooleanScalar&>(*value).value;
  }
  DataTypePtr t1 = args[0]->type(), t2 = args[1]->type();
  auto impl = [t1, t2, round_off, null_round](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto w1, WallTimes(a.values[0], *t1, a.ctx, a.num_rows));
    ARROW_ASSIGN_OR_RAISE(auto w2, WallTimes(a.values[1], *t2, a.ctx, a.num_rows));
    arrow::DoubleBuilder out;
    ARROW_RETURN_NOT_OK(out.Reserve(a.num_rows));
    for (int64_t i = 0; i < a.num_rows; ++i) {
      if (!w1[i] || !w2[i] || null_round) {
        out.UnsafeAppendNull();
        continue;
      }
      int64_t d1 = FloorDiv(*w1[i], kMicrosPerDay), d2 = FloorDiv(*w2[i], kMicrosPerDay);
      Civil c1 = CivilFromDays(d1), c2 = CivilFromDays(d2);
      double months = static_cast<double>((c1.year * 12 + c1.month) - (c2.year * 12 + c2.month));
      bool ends = c1.day == DaysInMonth(c1.year, c1.month) && c2.day == DaysInMonth(c2.year, c2.month);
      if (c1.day == c2.day || ends) {
        out.UnsafeAppend(months);
        continue;
      }
      int64_t s1 = (*w1[i] - d1 * kMicrosPerDay) / kMicrosPerSecond;
      int64_t s2 = (*w2[i] - d2 * kMicrosPerDay) / kMicrosPerSecond;
      double seconds = static_cast<double>((c1.day - c2.day) * 86400 + s1 - s2);
      double diff = months + seconds / (31.0 * 86400);
      out.UnsafeAppend(round_off ? std::round(diff * 1e8) / 1e8 : diff);
    }
    ARROW_ASSIGN_OR_RAISE(auto arr, out.Finish());
    return arrow::Datum(arr);
  };
  bool nullable = null_round || TemporalNullable(*args[0]) || TemporalNullable(*args[1]) ||
                  (args.size() == 3 && args[2]->nullable());
  return MakeFunction(name, impl, types::Double(), std::move(args), pretty, nullable);
}

// next_day(date, dayOfWeek): the first later date on that day ("MO", "MON",
// "MONDAY", any case). An unknown day is ILLEGAL_DAY_OF_WEEK under ANSI.
arrow::Result<BoundExprPtr> BindNextDay(const std::string& name, std::vector<BoundExprPtr> args,
                                        const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgs(name, args, pretty, 2, 2, {Kind::kDate, Kind::kString}));
  DataTypePtr input = args[0]->type();
  auto impl = [input](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto days, Days(a.values[0], *input, a.ctx, a.num_rows));
    ARROW_ASSIGN_OR_RAISE(auto names_arr, ToArray(a.values[1], a.num_rows));
    auto names = Strings(*names_arr);
    for (int64_t i = 0; i < a.num_rows; ++i) {
      if (!days[i] || !names[i]) {
        days[i].reset();
        continue;
      }
      std::string upper = AsciiUpper(std::string(*names[i]));
      int target = 0;
      for (int k = 0; k < 7 && target == 0; ++k) {
        std::string full = AsciiUpper(kDayNames[k]);
        if (upper == full || upper == full.substr(0, 2) || upper == full.substr(0, 3)) target = k + 1;
      }
      if (target == 0) {
        if (a.ctx.ansi) {
          return SparkError("ILLEGAL_DAY_OF_WEEK", "22009",
                            fmt::format("Illegal input for day of week: {}.", *names[i]));
        }
        days[i].reset();
        continue;
      }
      int delta = FloorMod(target - IsoDayOfWeek(*days[i]), 7);
      *days[i] += delta == 0 ? 7 : delta;
    }
    return Output(days, a.result_type);
  };
  return MakeFunction(name, impl, types::Date(), std::move(args), pretty, true);
}

// The units of timestampadd / timestampdiff: a fixed length, or days or
// months counted on the session zone's wall clock.
struct Unit {
  int64_t micros = 0;  // MICROSECOND..HOUR
  int64_t days = 0;    // DAY, DAYOFYEAR, WEEK
  int64_t months = 0;  // MONTH, QUARTER, YEAR
};

std::optional<Unit> UnitOf(const std::string& name) {
  static const std::pair<const char*, Unit> kUnits[] = {
      {"MICROSECOND", {1, 0, 0}},        {"MILLISECOND", {1000, 0, 0}},
      {"SECOND", {kMicrosPerSecond, 0, 0}}, {"MINUTE", {kMicrosPerMinute, 0, 0}},
      {"HOUR", {kMicrosPerHour, 0, 0}},   {"DAY", {0, 1, 0}},
      {"DAYOFYEAR", {0, 1, 0}},          {"WEEK", {0, 7, 0}},
      {"MONTH", {0, 0, 1}},              {"QUARTER", {0, 0, 3}},
      {"YEAR", {0, 0, 12}}};
  for (const auto& [key, unit] : kUnits) {
    if (name == key) return unit;
  }
  return std::nullopt;
}

// Whole months from wall time `s` to `e`, as java.time counts them (a month
// is complete when the day and time of day have been reached).
int64_t WholeMonths(int64_t s, int64_t e) {
  int64_t sd = FloorDiv(s, kMicrosPerDay), ed = FloorDiv(e, kMicrosPerDay);
  int64_t st = s - sd * kMicrosPerDay, et = e - ed * kMicrosPerDay;
  if (ed > sd && et < st) --ed;
  if (ed < sd && et > st) ++ed;
  Civil cs = CivilFromDays(sd), ce = CivilFromDays(ed);
  int64_t months = (ce.year * 12 + ce.month) - (cs.year * 12 + cs.month);
  if (months > 0 && ce.day < cs.day) --months;
  if (months < 0 && ce.day > cs.day) ++months;
  return months;
}

// timestampadd(unit, quantity, ts) and timestampdiff(unit, start, end), also
// spelled dateadd / date_add and datediff / date_diff with three arguments.
// Adding a fixed-length unit moves the instant; days and months move the wall
// clock. A difference is counted between wall clocks in every unit, as
// java.time's ChronoUnit.between on local date-times (so 24 hours pass
// between two midnights even across a DST change).
// TIMESTAMP_NTZ stays NTZ; dates and strings are read as TIMESTAMP.
arrow::Result<BoundExprPtr> BindTimestampUnit(const std::string& name, std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  bool diff = name == "timestampdiff" || name == "datediff" || name == "date_diff";
  ARROW_RETURN_NOT_OK(CheckArgs(name, args, pretty, 3, 3,
                                {Kind::kString, diff ? Kind::kTimestamp : Kind::kLong, Kind::kTimestamp}));
  ARROW_ASSIGN_OR_RAISE(auto unit_text, ConstantText(*args[0], name));
  std::optional<Unit> unit = unit_text ? UnitOf(AsciiUpper(*unit_text)) : std::nullopt;
  if (!unit || (diff && *unit_text == "DAYOFYEAR")) {
    return SparkError("INVALID_PARAMETER_VALUE.DATETIME_UNIT", "22023",
                      fmt::format("The value of parameter(s) `unit` in `{}` is invalid: expects one "
                                  "of the units without quotes YEAR, QUARTER, MONTH, WEEK, DAY, "
                                  "DAYOFYEAR, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND, but "
                                  "got the string literal '{}'.",
                                  name, unit_text.value_or("NULL")));
  }
  DataTypePtr t1 = args[1]->type(), t2 = args[2]->type();
  bool ntz = diff ? t1->id() == TypeId::kTimestampNtz && t2->id() == TypeId::kTimestampNtz
                  : t2->id() == TypeId::kTimestampNtz;
  Unit u = *unit;
  auto impl = [diff, ntz, u, t1, t2](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    // NTZ values are their own wall times; instants use the session zone.
    EvalContext ctx = a.ctx;
    if (ntz) ctx.format.time_zone = "UTC";
    const std::string& tz = ctx.format.time_zone;
    ARROW_ASSIGN_OR_RAISE(auto end, Instants(a.values[2], *t2, ctx, a.num_rows));
    Values first;
    if (diff) {
      ARROW_ASSIGN_OR_RAISE(first, Instants(a.values[1], *t1, ctx, a.num_rows));
    } else {
      ARROW_ASSIGN_OR_RAISE(first, Integers(a.values[1], a.num_rows));
    }
    Values out(a.num_rows);
    if (u.micros != 0 && !diff) {
      for (int64_t i = 0; i < a.num_rows; ++i) {
        if (!first[i] || !end[i]) continue;
        out[i] = diff ? (*end[i] - *first[i]) / u.micros : *end[i] + *first[i] * u.micros;
      }
      return Output(out, a.result_type);
    }
    ARROW_ASSIGN_OR_RAISE(auto wall_end, UtcToLocal(end, tz));
    Values wall_first = first;
    if (diff) {
      ARROW_ASSIGN_OR_RAISE(wall_first, UtcToLocal(first, tz));
    }
    for (int64_t i = 0; i < a.num_rows; ++i) {
      if (!wall_first[i] || !wall_end[i]) continue;
      int64_t e = *wall_end[i], f = *wall_first[i];
      if (diff) {
        out[i] = u.micros != 0 ? (e - f) / u.micros
                 : u.days != 0 ? (e - f) / (u.days * kMicrosPerDay)
                               : WholeMonths(f, e) / u.months;
      } else if (u.days != 0) {
        out[i] = e + f * u.days * kMicrosPerDay;
      } else {
        int64_t day = FloorDiv(e, kMicrosPerDay);
        out[i] = AddMonths(day, f * u.months) * kMicrosPerDay + (e - day * kMicrosPerDay);
      }
    }
    if (diff) return Output(out, a.result_type);
    ARROW_ASSIGN_OR_RAISE(auto utc, LocalToUtc(out, tz));
    return Output(utc, a.result_type);
  };
  DataTypePtr result = diff ? types::Long() : ntz ? types::TimestampNtz() : types::Timestamp();
  bool nullable = TemporalNullable(*args[1]) || TemporalNullable(*args[2]);
  return MakeFunction(name, impl, result, std::move(args), pretty, nullable);
}

// dateadd / date_add / datediff / date_diff: the two-argument date forms, or
// the three-argument unit forms of timestampadd / timestampdiff.
arrow::Result<BoundExprPtr> BindDateOrUnit(const std::string& name, std::vector<BoundExprPtr> args,
                                           const std::string& pretty) {
  if (args.size() == 3) return BindTimestampUnit(name, std::move(args), pretty);
  std::string base = name == "dateadd" ? "date_add" : name == "date_diff" ? "datediff" : name;
  return BindDateArithmetic(base, std::move(args), pretty);
}

}  // namespace

std::optional<int32_t> ParseDateText(std::string_view text) {
  auto days = ParseDateString(text);
  if (!days) return std::nullopt;
  return static_cast<int32_t>(*days);
}

arrow::Result<std::optional<int64_t>> ParseTimestampText(std::string_view text,
                                                         const std::string& session_tz, bool ntz) {
  auto parsed = ParseTimestampString(text);
  if (!parsed || (ntz && parsed->time_only)) return std::nullopt;
  if (ntz) return parsed->zone.empty() ? std::optional<int64_t>(parsed->wall_micros) : std::nullopt;
  ARROW_ASSIGN_OR_RAISE(Values utc, ResolveZones({parsed}, session_tz));
  return utc[0];
}

struct DatetimePattern::Tokens {
  std::vector<Token> list;
};

arrow::Result<DatetimePattern> DatetimePattern::Make(const std::string& pattern) {
  ARROW_ASSIGN_OR_RAISE(auto list, Tokenize(pattern));
  DatetimePattern out;
  out.tokens_ = std::make_shared<const Tokens>(Tokens{std::move(list)});
  return out;
}

arrow::Result<std::optional<int64_t>> DatetimePattern::ParseTimestamp(std::string_view text,
                                                                      const std::string& session_tz,
                                                                      bool ntz) const {
  size_t error_at = 0;
  auto parsed = ParseWithPattern(text, tokens_->list, &error_at);
  if (!parsed || (ntz && !parsed->zone.empty())) return std::nullopt;
  if (ntz) return parsed->wall_micros;
  ARROW_ASSIGN_OR_RAISE(Values utc, ResolveZones({parsed}, session_tz));
  return utc[0];
}

std::optional<int32_t> DatetimePattern::ParseDate(std::string_view text) const {
  size_t error_at = 0;
  auto parsed = ParseWithPattern(text, tokens_->list, &error_at);
  if (!parsed) return std::nullopt;
  return static_cast<int32_t>(FloorDiv(parsed->wall_micros, kMicrosPerDay));
}

arrow::Result<std::string> DatetimePattern::Format(int64_t micros, const std::string& tz) const {
  if (tz.empty()) return FormatWall(tokens_->list, micros, 0, "");
  ARROW_ASSIGN_OR_RAISE(TimeZone zone, ResolveTimeZone(tz));
  ARROW_ASSIGN_OR_RAISE(Values wall, UtcToLocal({micros}, tz));
  return FormatWall(tokens_->list, *wall[0], (*wall[0] - micros) / kMicrosPerSecond, zone.id);
}

arrow::Result<std::shared_ptr<arrow::Array>> CastStringToDatetime(const arrow::Array& strings,
                                                                  const DataType& to,
                                                                  const EvalContext& ctx,
                                                                  bool strict) {
  EvalContext c = ctx;
  c.ansi = strict;
  Values values;
  if (to.id() == TypeId::kDate) {
    ARROW_ASSIGN_OR_RAISE(values, Days(arrow::Datum(strings.data()), *types::String(), c, strings.length()));
  } else if (to.id() == TypeId::kTimestampNtz) {
    ARROW_ASSIGN_OR_RAISE(values, ParseWalls(strings, std::nullopt, c));
  } else {
    ARROW_ASSIGN_OR_RAISE(values, ParseInstants(strings, std::nullopt, c));
  }
  ARROW_ASSIGN_OR_RAISE(auto out, Output(values, to));
  return out.make_array();
}

void RegisterDatetimeFunctions(FunctionRegistry& r) {
  RegisterDatetimeMakeFunctions(r);
  for (const char* n : {"current_timestamp", "now", "current_date", "curdate", "localtimestamp",
                        "current_timezone"}) {
    r.Add(n, BindCurrent);
  }
  for (const char* n : {"to_timestamp", "to_date", "unix_timestamp", "to_unix_timestamp", "try_to_date",
                        "try_to_timestamp", "to_timestamp_ltz", "to_timestamp_ntz"}) {
    r.Add(n, BindParse);
  }
  r.Add("date_format", BindFormat);
  r.Add("from_unixtime", BindFormat);
  for (const char* n : {"year", "quarter", "month", "dayofmonth", "day", "dayofweek", "weekday",
                        "dayofyear", "weekofyear"}) {
    r.Add(n, BindDateField);
  }
  for (const char* n : {"hour", "minute", "second"}) r.Add(n, BindTimeField);
  for (const char* n : {"dayname", "monthname"}) r.Add(n, BindDayName);
  for (const char* n : {"extract", "date_part", "datepart"}) r.Add(n, BindExtract);
  r.Add("date_trunc", BindDateTrunc);
  r.Add("trunc", BindTrunc);
  for (const char* n : {"date_sub", "add_months"}) r.Add(n, BindDateArithmetic);
  for (const char* n : {"date_add", "dateadd", "datediff", "date_diff"}) r.Add(n, BindDateOrUnit);
  for (const char* n : {"timestampadd", "timestampdiff"}) r.Add(n, BindTimestampUnit);
  r.Add("convert_timezone", BindConvertTimezone);
  r.Add("months_between", BindMonthsBetween);
  r.Add("next_day", BindNextDay);
  r.Add("last_day", BindLastDay);
  r.Add("from_utc_timestamp", BindUtcShift);
  r.Add("to_utc_timestamp", BindUtcShift);
}

}  // namespace spate
