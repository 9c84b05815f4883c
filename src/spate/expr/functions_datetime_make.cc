// Datetime values built from parts or numbers, and back: make_date,
// make_timestamp[_ltz|_ntz] and their try_ forms, make_interval,
// timestamp_seconds / _millis / _micros, unix_date / _seconds / _millis /
// _micros and date_from_unix_date. Invalid fields are Spark's
// DATETIME_FIELD_OUT_OF_BOUNDS under ANSI mode and NULL otherwise (always NULL
// for the try_ forms); an invalid time zone is an error in every form.

#include <cmath>
#include <map>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/expr/datetime_internal.h"
#include "spate/expr/function_registry.h"
#include "spate/types/arrow_types.h"

namespace spate {
namespace dt {

arrow::Result<Values> ConvertPerZone(const Values& in, const arrow::Datum& zones, int64_t n,
                                     bool to_utc) {
  ARROW_ASSIGN_OR_RAISE(auto arr, ToArray(zones, n));
  auto texts = Strings(*arr);
  std::map<std::string_view, std::vector<size_t>> groups;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] && texts[i]) groups[*texts[i]].push_back(i);
  }
  Values out(in.size());
  for (const auto& [text, rows] : groups) {
    ARROW_RETURN_NOT_OK(ResolveTimeZone(text).status());
    std::string_view tz = text;
    Values part;
    part.reserve(rows.size());
    for (size_t r : rows) part.push_back(in[r]);
    ARROW_ASSIGN_OR_RAISE(Values converted, to_utc ? LocalToUtc(part, tz) : UtcToLocal(part, tz));
    for (size_t k = 0; k < rows.size(); ++k) out[rows[k]] = converted[k];
  }
  return out;
}

arrow::Status Overflow(const char* what) {
  return SparkError("ARITHMETIC_OVERFLOW", "22003",
                    fmt::format("{} overflow. If necessary set \"spark.sql.ansi.enabled\" to "
                                "\"false\" to bypass this error.",
                                what));
}

// Unscaled values of a decimal column (precision at most 18).
Values Unscaled(const arrow::Array& arr) {
  Values out(arr.length());
  if (arr.type_id() != arrow::Type::DECIMAL128) return out;
  const auto& decimals = static_cast<const arrow::Decimal128Array&>(arr);
  for (int64_t i = 0; i < arr.length(); ++i) {
    if (decimals.IsValid(i)) {
      out[i] = static_cast<int64_t>(arrow::Decimal128(decimals.GetValue(i)).low_bits());
    }
  }
  return out;
}

arrow::Result<Values> NumberToMicros(const arrow::Datum& d, const DataType& type, int64_t n,
                                     int64_t unit_micros) {
  ARROW_ASSIGN_OR_RAISE(auto arr, ToArray(d, n));
  Values out(n);
  if (type.id() == TypeId::kFloat || type.id() == TypeId::kDouble) {
    for (int64_t i = 0; i < n; ++i) {
      if (arr->IsNull(i)) continue;
      double v = type.id() == TypeId::kFloat ? static_cast<const arrow::FloatArray&>(*arr).Value(i)
                                             : static_cast<const arrow::DoubleArray&>(*arr).Value(i);
      double micros = v * static_cast<double>(unit_micros);
      if (std::isnan(micros) || std::isinf(micros)) continue;
      out[i] = micros >= 9.2233720368547758e18 ? INT64_MAX
               : micros <= -9.2233720368547758e18 ? INT64_MIN
                                                  : static_cast<int64_t>(micros);
    }
    return out;
  }
  if (type.id() == TypeId::kDecimal) {
    const auto& decimal = static_cast<const DecimalType&>(type);
    const auto& decimals = static_cast<const arrow::Decimal128Array&>(*arr);
    for (int64_t i = 0; i < n; ++i) {
      if (decimals.IsNull(i)) continue;
      // value * unit with the decimal's scale, as a whole number of microseconds.
      arrow::Decimal128 product = arrow::Decimal128(decimals.GetValue(i)) * arrow::Decimal128(unit_micros);
      auto whole = product.Rescale(decimal.scale(), 0);
      if (!whole.ok()) return SparkError("ARITHMETIC_OVERFLOW", "22003", "Rounding necessary");
      arrow::Decimal128 r = *whole;
      if (!r.FitsInPrecision(18)) return Overflow("long");
      out[i] = static_cast<int64_t>(r.low_bits());
    }
    return out;
  }
  ARROW_ASSIGN_OR_RAISE(Values ints, Integers(arr, n));
  for (int64_t i = 0; i < n; ++i) {
    if (!ints[i]) continue;
    int64_t micros;
    if (__builtin_mul_overflow(*ints[i], unit_micros, &micros)) return Overflow("long");
    out[i] = micros;
  }
  return out;
}

}  // namespace dt

using namespace dt;

namespace {

arrow::Status FieldOutOfBounds(const std::string& range) {
  return SparkError("DATETIME_FIELD_OUT_OF_BOUNDS.WITH_SUGGESTION", "22023",
                    fmt::format("{}. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to "
                                "bypass this error.",
                                range));
}

// Why year-month-day is not a date (java.time's wording), or "" when it is one.
std::string InvalidDate(int64_t y, int64_t m, int64_t d) {
  if (y < -999999999 || y > 999999999) {
    return fmt::format("Invalid value for Year (valid values -999999999 - 999999999): {}", y);
  }
  if (m < 1 || m > 12) return fmt::format("Invalid value for MonthOfYear (valid values 1 - 12): {}", m);
  if (d < 1 || d > 31) return fmt::format("Invalid value for DayOfMonth (valid values 1 - 28/31): {}", d);
  if (d <= DaysInMonth(y, static_cast<int>(m))) return "";
  if (m == 2 && d == 29) return fmt::format("Invalid date 'February 29' as '{}' is not a leap year", y);
  return fmt::format("Invalid date '{} {}'", AsciiUpper(kMonthNames[m - 1]), d);
}

std::string InvalidTime(int64_t h, int64_t mi, int64_t s) {
  if (h < 0 || h > 23) return fmt::format("Invalid value for HourOfDay (valid values 0 - 23): {}", h);
  if (mi < 0 || mi > 59) return fmt::format("Invalid value for MinuteOfHour (valid values 0 - 59): {}", mi);
  if (s < 0 || s > 59) return fmt::format("Invalid value for SecondOfMinute (valid values 0 - 59): {}", s);
  return "";
}

// Every argument as per-row integers (decimal arguments as unscaled values).
arrow::Result<std::vector<Values>> IntegerArgs(const FunctionArgs& a) {
  std::vector<Values> out;
  for (size_t i = 0; i < a.values.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto arr, ToArray(a.values[i], a.num_rows));
    if (arr->type_id() == arrow::Type::DECIMAL128) {
      out.push_back(Unscaled(*arr));
    } else {
      ARROW_ASSIGN_OR_RAISE(auto ints, Integers(arr, a.num_rows));
      out.push_back(std::move(ints));
    }
  }
  return out;
}

// Nullability of a function that fails on bad input under ANSI (Spark's
// `failOnError`): NULL only from NULL input; otherwise it may be NULL anyway.
bool StrictNullable(const std::vector<BoundExprPtr>& args, bool fail_on_error) {
  return !fail_on_error || AnyNullable(args);
}

// make_date(year, month, day).
arrow::Result<BoundExprPtr> BindMakeDate(const std::string& name, std::vector<BoundExprPtr> args,
                                         const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgs(name, args, pretty, 3, 3, {Kind::kInt}));
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto v, IntegerArgs(a));
    Values out(a.num_rows);
    for (int64_t i = 0; i < a.num_rows; ++i) {
      if (!v[0][i] || !v[1][i] || !v[2][i]) continue;
      std::string why = InvalidDate(*v[0][i], *v[1][i], *v[2][i]);
      if (why.empty()) {
        out[i] = DaysFromCivil(*v[0][i], static_cast<int>(*v[1][i]), static_cast<int>(*v[2][i]));
      } else if (a.ctx.ansi) {
        return FieldOutOfBounds(why);
      }
    }
    return Output(out, a.result_type);
  };
  // An ANSI session is assumed at bind time, as Spark's default.
  bool nullable = StrictNullable(args, true);
  return MakeFunction(name, impl, types::Date(), std::move(args), pretty, nullable);
}

// make_timestamp[_ltz|_ntz](year, month, day, hour, min, sec[, timezone]) and
// the try_ forms. `sec` is DECIMAL(16,6); 60 with no fraction is the next
// minute, any other value outside [0, 60) is invalid.
arrow::Result<BoundExprPtr> BindMakeTimestamp(const std::string& called, std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  bool try_form = called.rfind("try_", 0) == 0;
  std::string name = try_form ? called.substr(4) : called;
  bool ntz = name == "make_timestamp_ntz";
  if (ntz && args.size() != 6) return WrongNumArgs(called, "[2, 6]", args.size());
  if (!ntz && args.size() != 6 && args.size() != 7) return WrongNumArgs(called, "[2, 7]", args.size());
  ARROW_RETURN_NOT_OK(CheckArgs(called, args, pretty, 6, 7,
                                {Kind::kInt, Kind::kInt, Kind::kInt, Kind::kInt, Kind::kInt,
                                 Kind::kDecimal, Kind::kString}));
  args[5] = ImplicitCast(args[5], types::Decimal(16, 6));
  bool has_zone = args.size() == 7;
  auto impl = [try_form, has_zone, ntz](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    std::vector<arrow::Datum> numbers(a.values.begin(), a.values.begin() + 6);
    FunctionArgs parts{numbers, a.exprs, a.result_type, a.ctx, a.num_rows};
    ARROW_ASSIGN_OR_RAISE(auto v, IntegerArgs(parts));
    bool fail = a.ctx.ansi && !try_form;
    Values wall(a.num_rows);
    for (int64_t i = 0; i < a.num_rows; ++i) {
      bool any_null = false;
      for (const auto& col : v) any_null = any_null || !col[i];
      if (any_null) continue;
      int64_t micros = *v[5][i];
      int64_t sec = FloorDiv(micros, kMicrosPerSecond), fraction = FloorMod(micros, kMicrosPerSecond);
      bool next_minute = sec == 60 && fraction == 0;
      if (sec == 60 && !next_minute) {
        if (!fail) continue;
        return SparkError("INVALID_FRACTION_OF_SECOND", "22023",
                          fmt::format("Valid range for seconds is [0, 60] (inclusive), but the provided "
                                      "value is {}.{:06}. To avoid this error, use `try_make_timestamp`, "
                                      "which returns NULL on error.",
                                      sec, fraction));
      }
      std::string why = InvalidDate(*v[0][i], *v[1][i], *v[2][i]);
      if (why.empty()) why = InvalidTime(*v[3][i], *v[4][i], next_minute ? 0 : sec);
      if (!why.empty()) {
        if (fail) return FieldOutOfBounds(why);
        continue;
      }
      int64_t days = DaysFromCivil(*v[0][i], static_cast<int>(*v[1][i]), static_cast<int>(*v[2][i]));
      wall[i] = days * kMicrosPerDay + *v[3][i] * kMicrosPerHour + *v[4][i] * kMicrosPerMinute +
                (next_minute ? kMicrosPerMinute : micros);
    }
    if (ntz) return Output(wall, a.result_type);
    arrow::Datum zone = has_zone ? a.values[6]
                                 : arrow::Datum(std::make_shared<arrow::StringScalar>(a.ctx.format.time_zone));
    ARROW_ASSIGN_OR_RAISE(auto utc, ConvertPerZone(wall, zone, a.num_rows, true));
    return Output(utc, a.result_type);
  };
  bool nullable = StrictNullable(args, !try_form);
  return MakeFunction(called, impl, ntz ? types::TimestampNtz() : types::Timestamp(), std::move(args),
                      pretty, nullable);
}

// make_interval([years[, months[, weeks[, days[, hours[, mins[, secs]]]]]]])
// and try_make_interval: a CalendarInterval; secs is DECIMAL(18,6). An
// overflow of its months, days or microseconds is ARITHMETIC_OVERFLOW under
// ANSI (NULL for the try_ form).
arrow::Result<BoundExprPtr> BindMakeInterval(const std::string& name, std::vector<BoundExprPtr> args,
                                             const std::string& pretty) {
  bool try_form = name == "try_make_interval";
  ARROW_RETURN_NOT_OK(CheckArgs(name, args, pretty, 0, 7,
                                {Kind::kInt, Kind::kInt, Kind::kInt, Kind::kInt, Kind::kInt, Kind::kInt,
                                 Kind::kDecimal}));
  if (args.size() == 7) args[6] = ImplicitCast(args[6], types::Decimal(18, 6));
  auto impl = [try_form](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto v, IntegerArgs(a));
    arrow::MonthDayNanoIntervalBuilder out;
    for (int64_t i = 0; i < a.num_rows; ++i) {
      int64_t part[7] = {0, 0, 0, 0, 0, 0, 0};
      bool any_null = false;
      for (size_t k = 0; k < v.size(); ++k) {
        if (!v[k][i]) any_null = true;
        else part[k] = *v[k][i];
      }
      if (any_null) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      int32_t months, years_months, days, weeks_days;
      int64_t micros, hours, mins, nanos;
      bool overflow =
          __builtin_mul_overflow(part[0], int64_t{12}, &years_months) ||
          __builtin_add_overflow(years_months, part[1], &months) ||
          __builtin_mul_overflow(part[2], int64_t{7}, &weeks_days) ||
          __builtin_add_overflow(weeks_days, part[3], &days) ||
          __builtin_mul_overflow(part[4], kMicrosPerHour, &hours) ||
          __builtin_mul_overflow(part[5], kMicrosPerMinute, &mins) ||
          __builtin_add_overflow(hours, mins, &micros) ||
          __builtin_add_overflow(micros, part[6], &micros) ||
          __builtin_mul_overflow(micros, int64_t{1000}, &nanos);
      if (overflow) {
        if (a.ctx.ansi && !try_form) return Overflow("integer");
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      ARROW_RETURN_NOT_OK(out.Append({months, days, nanos}));
    }
    ARROW_ASSIGN_OR_RAISE(auto arr, out.Finish());
    return arrow::Datum(arr);
  };
  bool nullable = StrictNullable(args, !try_form);
  return MakeFunction(name, impl, types::Interval(), std::move(args), pretty, nullable);
}

// timestamp_seconds (any number; NaN and infinities give NULL),
// timestamp_millis and timestamp_micros (integers).
arrow::Result<BoundExprPtr> BindTimestampFromNumber(const std::string& name, std::vector<BoundExprPtr> args,
                                                    const std::string& pretty) {
  bool seconds = name == "timestamp_seconds";
  ARROW_RETURN_NOT_OK(CheckArgs(name, args, pretty, 1, 1, {seconds ? Kind::kNumeric : Kind::kIntegral}));
  int64_t unit = seconds ? kMicrosPerSecond : name == "timestamp_millis" ? 1000 : 1;
  DataTypePtr input = args[0]->type();
  auto impl = [unit, input](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto micros, NumberToMicros(a.values[0], *input, a.num_rows, unit));
    return Output(micros, a.result_type);
  };
  bool nullable = args[0]->nullable() || input->id() == TypeId::kFloat || input->id() == TypeId::kDouble;
  return MakeFunction(name, impl, types::Timestamp(), std::move(args), pretty, nullable);
}

// unix_date(date): days since 1970-01-01; unix_seconds / unix_millis /
// unix_micros(timestamp): that many units, rounded down.
arrow::Result<BoundExprPtr> BindUnixNumber(const std::string& name, std::vector<BoundExprPtr> args,
                                           const std::string& pretty) {
  bool date = name == "unix_date";
  ARROW_RETURN_NOT_OK(CheckArgs(name, args, pretty, 1, 1, {date ? Kind::kDateOnly : Kind::kTimestampOnly}));
  int64_t unit = date ? 1 : name == "unix_seconds" ? kMicrosPerSecond : name == "unix_millis" ? 1000 : 1;
  auto impl = [unit](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto v, Integers(a.values[0], a.num_rows));
    for (auto& x : v) {
      if (x) *x = FloorDiv(*x, unit);
    }
    return Output(v, a.result_type);
  };
  bool nullable = args[0]->nullable();
  return MakeFunction(name, impl, date ? types::Int() : types::Long(), std::move(args), pretty, nullable);
}

// date_from_unix_date(days).
arrow::Result<BoundExprPtr> BindDateFromUnixDate(const std::string& name, std::vector<BoundExprPtr> args,
                                                 const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgs(name, args, pretty, 1, 1, {Kind::kInt}));
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto v, Integers(a.values[0], a.num_rows));
    return Output(v, a.result_type);
  };
  bool nullable = args[0]->nullable();
  return MakeFunction(name, impl, types::Date(), std::move(args), pretty, nullable);
}

}  // namespace

void RegisterDatetimeMakeFunctions(FunctionRegistry& r) {
  r.Add("make_date", BindMakeDate);
  for (const char* n : {"make_timestamp", "make_timestamp_ltz", "make_timestamp_ntz", "try_make_timestamp",
                        "try_make_timestamp_ltz", "try_make_timestamp_ntz"}) {
    r.Add(n, BindMakeTimestamp);
  }
  for (const char* n : {"make_interval", "try_make_interval"}) r.Add(n, BindMakeInterval);
  for (const char* n : {"timestamp_seconds", "timestamp_millis", "timestamp_micros"}) {
    r.Add(n, BindTimestampFromNumber);
  }
  for (const char* n : {"unix_date", "unix_seconds", "unix_millis", "unix_micros"}) r.Add(n, BindUnixNumber);
  r.Add("date_from_unix_date", BindDateFromUnixDate);
}

}  // namespace spate
