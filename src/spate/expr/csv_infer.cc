#include "spate/expr/csv_infer.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <iterator>

#include "spate/common/strings.h"
#include "spate/expr/datetime_parse.h"

namespace spate {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Java's Integer.parseInt / Long.parseLong: a sign, then digits, within the type's range.
template <typename T>
bool IsJavaIntegral(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty() || (s[0] == '-' && s.size() == 1)) return false;
  T value;
  auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
  return error == std::errc() && end == s.data() + s.size();
}

// Reads digits from `s` at `*i`; how many.
size_t SkipDigits(std::string_view s, size_t* i) {
  size_t from = *i;
  while (*i < s.size() && IsDigit(s[*i])) ++*i;
  return *i - from;
}

// Java's Double.parseDouble: surrounding whitespace, a sign, NaN, Infinity, a
// decimal with an optional exponent, or a hexadecimal with a binary one, then
// an optional f/F/d/D.
bool IsJavaDouble(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  size_t i = !s.empty() && (s[0] == '+' || s[0] == '-') ? 1 : 0;
  std::string_view body = s.substr(i);
  if (body == "NaN" || body == "Infinity") return true;
  const bool hex = body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X');
  if (hex) i += 2;
  auto skip_mantissa_digits = [&] {
    size_t from = i;
    while (i < s.size() && (hex ? std::isxdigit(static_cast<unsigned char>(s[i])) != 0 : IsDigit(s[i]))) ++i;
    return i - from;
  };
  size_t digits = skip_mantissa_digits();
  if (i < s.size() && s[i] == '.') ++i, digits += skip_mantissa_digits();
  if (digits == 0) return false;
  const char mark = hex ? 'p' : 'e';
  const bool exponent = i < s.size() && std::tolower(static_cast<unsigned char>(s[i])) == mark;
  if (hex && !exponent) return false;
  if (exponent) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (SkipDigits(s, &i) == 0) return false;
  }
  if (i < s.size() && std::string_view("fFdD").find(s[i]) != std::string_view::npos) ++i;
  return i == s.size();
}

// Java's new BigDecimal(text) as a DECIMAL type: only whole numbers (scale 0)
// of at most 38 digits make one; null otherwise.
DataTypePtr WholeDecimalType(std::string_view s) {
  size_t i = !s.empty() && (s[0] == '+' || s[0] == '-') ? 1 : 0;
  size_t first = i;
  size_t whole = SkipDigits(s, &i);
  size_t fraction = 0;
  if (i < s.size() && s[i] == '.') ++i, fraction = SkipDigits(s, &i);
  if (whole + fraction == 0) return nullptr;
  std::string digits;
  for (size_t k = first; k < i; ++k) {
    if (s[k] != '.') digits += s[k];
  }
  int64_t exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    size_t from = i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (SkipDigits(s, &i) == 0 || i - from > 10) return nullptr;
    std::string_view text_exponent(s.data() + from + (s[from] == '+' ? 1 : 0), i - from - (s[from] == '+' ? 1 : 0));
    std::from_chars(text_exponent.data(), text_exponent.data() + text_exponent.size(), exponent);
  }
  if (i != s.size()) return nullptr;
  int64_t scale = static_cast<int64_t>(fraction) - exponent;
  size_t nonzero = digits.find_first_not_of('0');
  int64_t precision = nonzero == std::string::npos ? 1 : static_cast<int64_t>(digits.size() - nonzero);
  if (scale != 0 || precision > DecimalType::kMaxPrecision) return nullptr;  // Spark refuses the type
  return types::Decimal(static_cast<int>(precision), 0);
}

bool IsDefaultDate(std::string_view s) {
  return s.size() == 10 && IsDigit(s[0]) && IsDigit(s[1]) && IsDigit(s[2]) && IsDigit(s[3]) && s[4] == '-' &&
         IsDigit(s[5]) && IsDigit(s[6]) && s[7] == '-' && IsDigit(s[8]) && IsDigit(s[9]) &&
         ParseDateText(s).has_value();
}

bool ReadsAs(const arrow::Result<std::optional<int64_t>>& micros) { return micros.ok() && micros->has_value(); }

// The chain of Spark's tryParse* steps, from `from` on.
// (Spark tries TIMESTAMP_NTZ before TIMESTAMP only when spark.sql.timestampType
// is TIMESTAMP_NTZ, which Spate does not offer.)
enum class Step { kInt, kLong, kDecimal, kDouble, kDate, kTimestamp, kBoolean };

DataTypePtr TryFrom(Step step, std::string_view v, const CsvInference& infer) {
  const TextValueFormats& f = infer.formats;
  switch (step) {
    case Step::kInt:
      if (IsJavaIntegral<int32_t>(v)) return types::Int();
      [[fallthrough]];
    case Step::kLong:
      if (IsJavaIntegral<int64_t>(v)) return types::Long();
      [[fallthrough]];
    case Step::kDecimal:
      if (auto decimal = WholeDecimalType(v)) return decimal;
      [[fallthrough]];
    case Step::kDouble:
      if (IsJavaDouble(v) || v == infer.nan_value || v == infer.positive_inf || v == infer.negative_inf) {
        return types::Double();
      }
      if (!infer.prefer_date) return TryFrom(Step::kTimestamp, v, infer);
      [[fallthrough]];
    case Step::kDate:
      if (f.date ? f.date->ParseDate(v).has_value() : IsDefaultDate(v)) return types::Date();
      [[fallthrough]];
    case Step::kTimestamp: {
      auto ltz = f.timestamp ? f.timestamp->ParseTimestamp(v, infer.time_zone, /*ntz=*/false)
                             : ParseTimestampText(v, infer.time_zone, /*ntz=*/false);
      if (ReadsAs(ltz)) return types::Timestamp();
      [[fallthrough]];
    }
    case Step::kBoolean: {
      std::string lower = AsciiLower(std::string(v));
      return lower == "true" || lower == "false" ? types::Boolean() : types::String();
    }
  }
  return types::String();
}

bool IsIntegral(TypeId id) { return id == TypeId::kInt || id == TypeId::kLong; }

DataTypePtr DecimalOf(const DataType& integral) { return types::Decimal(integral.id() == TypeId::kInt ? 10 : 20, 0); }

// Whether the timestamp parser reads the column's dates too: the lenient
// default parser (no timestampFormat) reads dates of these patterns.
bool TimestampsReadDates(const CsvInference& infer) {
  static const char* kLenientDateFormats[] = {"yyyy-MM-dd", "yyyy-M-d", "yyyy-M-dd", "yyyy-MM-d",
                                              "yyyy-MM",    "yyyy-M",   "yyyy"};
  if (infer.formats.timestamp) return false;
  return std::any_of(std::begin(kLenientDateFormats), std::end(kLenientDateFormats),
                     [&](const char* f) { return infer.date_format == f; });
}

// The type both fit: Spark's tightest common type, then the CSV rules; STRING when none.
DataTypePtr Compatible(const DataTypePtr& a, const DataTypePtr& b, const CsvInference& infer) {
  TypeId x = a->id(), y = b->id();
  if (a->Equals(*b)) return a;
  if (x == TypeId::kString || y == TypeId::kString) return types::String();
  if ((x == TypeId::kDate && y == TypeId::kTimestamp) || (x == TypeId::kTimestamp && y == TypeId::kDate)) {
    return TimestampsReadDates(infer) ? types::Timestamp() : types::String();
  }
  if (IsIntegral(x) && IsIntegral(y)) return types::Long();
  if ((IsIntegral(x) || x == TypeId::kDouble) && (IsIntegral(y) || y == TypeId::kDouble)) return types::Double();
  if (x == TypeId::kDouble || y == TypeId::kDouble) {
    return x == TypeId::kDecimal || y == TypeId::kDecimal ? types::Double() : types::String();
  }
  if (IsIntegral(x) && y == TypeId::kDecimal) return Compatible(DecimalOf(*a), b, infer);
  if (x == TypeId::kDecimal && IsIntegral(y)) return Compatible(a, DecimalOf(*b), infer);
  if (x == TypeId::kDecimal && y == TypeId::kDecimal) {
    const auto& p = static_cast<const DecimalType&>(*a);
    const auto& q = static_cast<const DecimalType&>(*b);
    int scale = std::max(p.scale(), q.scale());
    int range = std::max(p.precision() - p.scale(), q.precision() - q.scale());
    if (range + scale > DecimalType::kMaxPrecision) return types::Double();
    return types::Decimal(range + scale, scale);
  }
  return types::String();
}

Step FirstStep(const DataType& so_far) {
  switch (so_far.id()) {
    case TypeId::kLong: return Step::kLong;
    case TypeId::kDecimal: return Step::kDecimal;
    case TypeId::kDouble: return Step::kDouble;
    case TypeId::kDate: return Step::kDate;
    case TypeId::kTimestamp: return Step::kTimestamp;
    case TypeId::kBoolean: return Step::kBoolean;
    default: return Step::kInt;
  }
}

}  // namespace

CsvInference CsvInference::Make(const TextValueFormats& formats, const Options& options, std::string time_zone) {
  auto option = [&](std::string_view key, const char* fallback) {
    for (const auto& [k, v] : options) {
      if (AsciiLower(k) == AsciiLower(std::string(key))) return v;
    }
    return std::string(fallback);
  };
  CsvInference infer{formats, std::move(time_zone), "yyyy-MM-dd", true, "", "NaN", "Inf", "-Inf"};
  infer.date_format = option("dateFormat", "yyyy-MM-dd");
  infer.prefer_date = AsciiLower(option("preferDate", "true")) != "false";
  infer.null_value = option("nullValue", "");
  infer.nan_value = option("nanValue", "NaN");
  infer.positive_inf = option("positiveInf", "Inf");
  infer.negative_inf = option("negativeInf", "-Inf");
  return infer;
}

DataTypePtr InferCsvField(const DataTypePtr& so_far, std::string_view value, const CsvInference& infer) {
  if (value.empty() || value == infer.null_value) return so_far;
  if (so_far && so_far->id() == TypeId::kString) return so_far;
  DataTypePtr type = TryFrom(so_far ? FirstStep(*so_far) : Step::kInt, value, infer);
  return so_far ? Compatible(so_far, type, infer) : type;
}

DataTypePtr InferCsvType(const std::vector<const std::string*>& values, const CsvInference& infer) {
  DataTypePtr type;
  for (const std::string* v : values) type = InferCsvField(type, *v, infer);
  return type ? type : types::String();
}

}  // namespace spate
