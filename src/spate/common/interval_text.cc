#include "spate/common/interval_text.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"

namespace spate::sql {

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

}  // namespace

std::optional<IntervalUnit> LookupIntervalUnit(std::string_view word) {
  std::string unit = AsciiLower(word);
  if (unit.size() > 1 && unit.back() == 's') unit.pop_back();
  using F = IntervalUnit::Field;
  static const std::pair<std::string_view, IntervalUnit> kUnits[] = {
      {"year", {F::kMonths, 12}},
      {"month", {F::kMonths, 1}},
      {"week", {F::kDays, 7}},
      {"day", {F::kDays, 1}},
      {"hour", {F::kMicros, 3600 * kMicrosPerSecond}},
      {"minute", {F::kMicros, 60 * kMicrosPerSecond}},
      {"second", {F::kMicros, kMicrosPerSecond, /*allows_fraction=*/true}},
      {"millisecond", {F::kMicros, 1000}},
      {"microsecond", {F::kMicros, 1}},
  };
  for (const auto& [name, unit_info] : kUnits) {
    if (unit == name) return unit_info;
  }
  return std::nullopt;
}

bool AddIntervalUnit(std::string_view number, const IntervalUnit& unit, IntervalValue* acc) {
  bool negative = false;
  if (!number.empty() && (number[0] == '-' || number[0] == '+')) {
    negative = number[0] == '-';
    number.remove_prefix(1);
  }
  size_t dot = number.find('.');
  std::string_view whole = number.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? "" : number.substr(dot + 1);
  if (whole.empty() && frac.empty()) return false;
  if (dot != std::string_view::npos && (!unit.allows_fraction || frac.size() > 9)) return false;
  __int128 value = 0;
  for (char c : whole) {
    if (!IsDigit(c) || value > std::numeric_limits<int64_t>::max()) return false;
    value = value * 10 + (c - '0');
  }
  value *= unit.scale;
  __int128 frac_scale = unit.scale;
  for (char c : frac) {
    if (!IsDigit(c)) return false;
    frac_scale /= 10;
    value += (c - '0') * frac_scale;
  }
  if (negative) value = -value;
  constexpr auto kMin32 = std::numeric_limits<int32_t>::min();
  constexpr auto kMax32 = std::numeric_limits<int32_t>::max();
  constexpr auto kMin64 = std::numeric_limits<int64_t>::min();
  constexpr auto kMax64 = std::numeric_limits<int64_t>::max();
  switch (unit.field) {
    case IntervalUnit::Field::kMonths:
      value += acc->months;
      if (value < kMin32 || value > kMax32) return false;
      acc->months = static_cast<int32_t>(value);
      return true;
    case IntervalUnit::Field::kDays:
      value += acc->days;
      if (value < kMin32 || value > kMax32) return false;
      acc->days = static_cast<int32_t>(value);
      return true;
    case IntervalUnit::Field::kMicros:
      value += acc->micros;
      if (value < kMin64 || value > kMax64) return false;
      acc->micros = static_cast<int64_t>(value);
      return true;
  }
  return false;
}

std::vector<std::string_view> IntervalWords(std::string_view text) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    words.push_back(text.substr(start, i - start));
  }
  return words;
}

std::optional<IntervalValue> ReadIntervalText(std::string_view text) {
  std::vector<std::string_view> words = IntervalWords(text);
  if (!words.empty() && AsciiLower(words[0]) == "interval") words.erase(words.begin());
  if (words.empty() || words.size() % 2 != 0) return std::nullopt;
  IntervalValue value;
  for (size_t w = 0; w < words.size(); w += 2) {
    auto unit = LookupIntervalUnit(words[w + 1]);
    if (!unit || !AddIntervalUnit(words[w], *unit, &value)) return std::nullopt;
  }
  return value;
}

std::optional<IntervalValue> ReadUnitToUnit(std::string_view text, std::string_view from,
                                            std::string_view to) {
  text = TrimAsciiSpace(text);
  bool negative = !text.empty() && text[0] == '-';
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) text.remove_prefix(1);
  size_t i = 0;
  IntervalValue value;
  if (from == "YEAR" && to == "MONTH") {
    int64_t years = 0, months = 0;
    if (!ReadDigits(text, &i, 9, &years) || i >= text.size() || text[i++] != '-' ||
        !ReadDigits(text, &i, 2, &months) || i != text.size() || months > 11 ||
        years * 12 + months > std::numeric_limits<int32_t>::max()) {
      return std::nullopt;
    }
    value.months = static_cast<int32_t>((negative ? -1 : 1) * (years * 12 + months));
    return value;
  }
  static const std::string_view kFields[] = {"DAY", "HOUR", "MINUTE", "SECOND"};
  static const int64_t kLimits[] = {0, 23, 59, 59};
  static const int64_t kMicros[] = {0, 3600 * kMicrosPerSecond, 60 * kMicrosPerSecond,
                                    kMicrosPerSecond};
  auto index = [](std::string_view unit) {
    return std::find(std::begin(kFields), std::end(kFields), unit) - std::begin(kFields);
  };
  const auto first = index(from), last = index(to);
  if (first >= last || last >= 4) return std::nullopt;
  __int128 days = 0, micros = 0;
  for (auto k = first; k <= last; ++k) {
    int64_t field = 0;
    if (!ReadDigits(text, &i, 18, &field) || (k > first && field > kLimits[k])) return std::nullopt;
    if (k == 0) days = field;
    micros += static_cast<__int128>(field) * kMicros[k];
    if (k == 3 && i < text.size() && text[i] == '.') {
      size_t start = ++i;
      int64_t scale = 100000;
      while (i < text.size() && IsDigit(text[i]) && i - start < 9) {
        micros += (text[i++] - '0') * scale;
        scale /= 10;
      }
    }
    if (k < last && (i >= text.size() || text[i++] != (k == 0 ? ' ' : ':'))) return std::nullopt;
  }
  if (i != text.size() || days > std::numeric_limits<int32_t>::max() ||
      micros > std::numeric_limits<int64_t>::max()) {
    return std::nullopt;
  }
  value.days = static_cast<int32_t>(negative ? -days : days);
  value.micros = static_cast<int64_t>(negative ? -micros : micros);
  return value;
}

arrow::Result<IntervalValue> ParseIntervalString(std::string_view text) {
  auto value = ReadIntervalText(text);
  if (!value) {
    return SparkError("CANNOT_PARSE_INTERVAL", "22006",
                      fmt::format("Unable to parse '{}'. Please ensure that the value provided is "
                                  "in a valid format for defining an interval. You can reference "
                                  "the documentation for the correct format. If the issue "
                                  "persists, please double check that the input value is not null "
                                  "or empty and try again.",
                                  text));
  }
  return *value;
}

std::optional<AnsiField> AnsiFieldOfUnit(std::string_view word) {
  auto unit = LookupIntervalUnit(word);
  if (!unit) return std::nullopt;
  switch (unit->field) {
    case IntervalUnit::Field::kMonths: return unit->scale == 1 ? AnsiField::kMonth : AnsiField::kYear;
    case IntervalUnit::Field::kDays: return AnsiField::kDay;
    case IntervalUnit::Field::kMicros: break;
  }
  if (unit->scale == 3600 * kMicrosPerSecond) return AnsiField::kHour;
  if (unit->scale == 60 * kMicrosPerSecond) return AnsiField::kMinute;
  return AnsiField::kSecond;
}

namespace {

const char* AnsiFieldName(AnsiField field) {
  static const char* const kNames[] = {"YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"};
  return kNames[static_cast<int>(field)];
}

// Seconds as Spark prints them: two digits at least, the fraction without trailing zeros.
std::string SecondsText(int64_t micros) {
  std::string out = fmt::format("{:02}", micros / kMicrosPerSecond);
  if (int64_t fraction = micros % kMicrosPerSecond; fraction != 0) {
    std::string digits = fmt::format("{:06}", fraction);
    out += "." + digits.substr(0, digits.find_last_not_of('0') + 1);
  }
  return out;
}

// 'd hh:mm:ss.f' from `start` to `end`, the first field unbounded (IntervalUtils'
// toDayTimeIntervalString).
std::string DayTimeText(int64_t micros, AnsiField start, AnsiField end) {
  std::string out = micros < 0 ? "-" : "";
  uint64_t rest = micros < 0 ? 0 - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
  const uint64_t kPer[] = {0, 0, 86400ULL * kMicrosPerSecond, 3600ULL * kMicrosPerSecond,
                           60ULL * kMicrosPerSecond};
  for (int f = static_cast<int>(start); f <= static_cast<int>(end); ++f) {
    if (f == static_cast<int>(AnsiField::kSecond)) {
      out += SecondsText(static_cast<int64_t>(rest));
      break;
    }
    uint64_t value = rest / kPer[f];
    rest %= kPer[f];
    out += f == static_cast<int>(AnsiField::kDay) ? fmt::format("{}", value) : fmt::format("{:02}", value);
    if (f < static_cast<int>(end)) out += f == static_cast<int>(AnsiField::kDay) ? " " : ":";
  }
  return out;
}

}  // namespace

std::optional<std::string> AnsiIntervalSql(const IntervalValue& value, AnsiField start, AnsiField end) {
  const bool year_month = end <= AnsiField::kMonth;
  if (year_month != (start <= AnsiField::kMonth)) return std::nullopt;
  std::string text;
  if (year_month) {
    if (value.days != 0 || value.micros != 0) return std::nullopt;
    int64_t months = value.months;
    std::string sign = months < 0 ? "-" : "";
    int64_t abs_months = months < 0 ? -months : months;
    if (start != end) {
      text = fmt::format("{}{}-{}", sign, abs_months / 12, abs_months % 12);
    } else {
      text = start == AnsiField::kYear ? fmt::format("{}{}", sign, abs_months / 12) : std::to_string(months);
    }
  } else {
    int64_t micros = 0;
    if (value.months != 0 ||
        __builtin_add_overflow(int64_t{value.days} * 86400 * kMicrosPerSecond, value.micros, &micros)) {
      return std::nullopt;
    }
    text = DayTimeText(micros, start, end);
  }
  std::string fields = start == end ? AnsiFieldName(start)
                                    : fmt::format("{} TO {}", AnsiFieldName(start), AnsiFieldName(end));
  return fmt::format("INTERVAL '{}' {}", text, fields);
}

}  // namespace spate::sql
