// CAST and TRY_CAST with Spark 4's rules: under ANSI mode (the default) a
// malformed string or an overflow is an error, TRY_CAST and
// spark.sql.ansi.enabled=false give NULL (or Java's wrap-around for integer
// narrowing) instead. The functions named by a type (string(x), int(x), ...)
// are casts too.

#include <cmath>
#include <optional>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/utf8.h"
#include "spate/expr/decimal_math.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/type_coercion.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;

bool IsStringLike(TypeId id) { return id == TypeId::kString; }
bool IsTime(TypeId id) {
  return id == TypeId::kDate || id == TypeId::kTimestamp || id == TypeId::kTimestampNtz;
}

arrow::Status InvalidInput(const arrow::Scalar& value, const DataType& from, const DataType& to) {
  return SparkError(
      "CAST_INVALID_INPUT", "22018",
      fmt::format("The value {} of the type {} cannot be cast to {} because it is malformed. "
                  "Correct the value as per the syntax, or change its target type. Use `try_cast` "
                  "to tolerate malformed input and return NULL instead.",
                  LiteralSql(value, from), QuotedType(from), QuotedType(to)));
}

arrow::Status Overflow(const arrow::Scalar& value, const DataType& from, const DataType& to) {
  return SparkError("CAST_OVERFLOW", "22003",
                    fmt::format("The value {} of the type {} cannot be cast to {} due to an "
                                "overflow. Use `try_cast` to tolerate overflow and return NULL "
                                "instead.",
                                LiteralSql(value, from), QuotedType(from), QuotedType(to)));
}

// Spark trims ASCII whitespace around a string before reading it as a number,
// boolean, date or timestamp.
arrow::Result<std::shared_ptr<arrow::Array>> TrimmedStrings(const arrow::Array& values) {
  cp::TrimOptions options(" \t\n\r\f\v");
  ARROW_ASSIGN_OR_RAISE(auto datum, cp::CallFunction("utf8_trim", {values}, &options));
  return datum.make_array();
}

// Spark's boolean spellings.
arrow::Result<std::shared_ptr<arrow::Array>> StringToBoolean(const arrow::Array& trimmed,
                                                             const DataType& from, bool strict) {
  const auto& strings = static_cast<const arrow::StringArray&>(trimmed);
  arrow::BooleanBuilder builder;
  ARROW_RETURN_NOT_OK(builder.Reserve(strings.length()));
  for (int64_t i = 0; i < strings.length(); ++i) {
    if (strings.IsNull(i)) {
      builder.UnsafeAppendNull();
      continue;
    }
    std::string s(strings.GetView(i));
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (s == "t" || s == "true" || s == "y" || s == "yes" || s == "1") {
      builder.UnsafeAppend(true);
    } else if (s == "f" || s == "false" || s == "n" || s == "no" || s == "0") {
      builder.UnsafeAppend(false);
    } else if (strict) {
      return InvalidInput(arrow::StringScalar(std::string(strings.GetView(i))), from, *types::Boolean());
    } else {
      builder.UnsafeAppendNull();
    }
  }
  return builder.Finish();
}

// Arrow casts a whole array or fails; Spark decides per value. On failure,
// cast value by value to find the culprit (strict) or null it out.
arrow::Result<std::shared_ptr<arrow::Array>> CastPerValue(
    const arrow::Array& values, const std::shared_ptr<arrow::DataType>& target,
    const cp::CastOptions& options, const DataType& from, const DataType& to, bool strict) {
  std::unique_ptr<arrow::ArrayBuilder> builder;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), target, &builder));
  for (int64_t i = 0; i < values.length(); ++i) {
    auto one = values.Slice(i, 1);
    auto cast = cp::Cast(*one, target, options);
    if (cast.ok()) {
      ARROW_RETURN_NOT_OK(builder->AppendArraySlice(arrow::ArraySpan(*(*cast)->data()), 0, 1));
      continue;
    }
    if (strict) {
      ARROW_ASSIGN_OR_RAISE(auto scalar, values.GetScalar(i));
      if (from.id() == TypeId::kString) return InvalidInput(*scalar, from, to);
      return Overflow(*scalar, from, to);
    }
    ARROW_RETURN_NOT_OK(builder->AppendNull());
  }
  return builder->Finish();
}

// DOUBLE/FLOAT -> integral types as the JVM does: truncation toward zero;
// under ANSI mode NaN, infinities and out-of-range values are CAST_OVERFLOW,
// otherwise NaN is 0 and the value saturates to INT/BIGINT (narrower types
// then wrap around from INT, as Java's (byte) (int) d).
arrow::Result<std::shared_ptr<arrow::Array>> FloatingToIntegral(
    const arrow::Array& values, const DataType& from, const DataType& to,
    const std::shared_ptr<arrow::DataType>& target, bool strict) {
  ARROW_ASSIGN_OR_RAISE(auto as_double, cp::Cast(values, arrow::float64()));
  const auto& d = static_cast<const arrow::DoubleArray&>(*as_double);
  const bool is_long = to.id() == TypeId::kLong;
  double lo = is_long ? -9223372036854775808.0 : -2147483648.0;
  double hi = is_long ? 9223372036854775808.0 : 2147483648.0;
  if (to.id() == TypeId::kShort) lo = -32768.0, hi = 32768.0;
  if (to.id() == TypeId::kByte) lo = -128.0, hi = 128.0;
  arrow::Int64Builder b;
  ARROW_RETURN_NOT_OK(b.Reserve(d.length()));
  for (int64_t i = 0; i < d.length(); ++i) {
    if (d.IsNull(i)) {
      b.UnsafeAppendNull();
      continue;
    }
    double v = d.Value(i);
    double t = std::trunc(v);
    if (std::isnan(v) || t < lo || t >= hi) {
      if (strict) {
        ARROW_ASSIGN_OR_RAISE(auto scalar, values.GetScalar(i));
        return Overflow(*scalar, from, to);
      }
      if (std::isnan(v)) {
        b.UnsafeAppend(0);
        continue;
      }
    }
    int64_t out;
    if (is_long) {
      out = std::isnan(v) ? 0 : t <= -9223372036854775808.0 ? INT64_MIN
                                  : t >= 9223372036854775808.0 ? INT64_MAX
                                                               : static_cast<int64_t>(t);
    } else {
      int32_t i32 = t <= -2147483648.0 ? INT32_MIN : t >= 2147483647.0 ? INT32_MAX : static_cast<int32_t>(t);
      out = to.id() == TypeId::kByte    ? static_cast<int8_t>(i32)
            : to.id() == TypeId::kShort ? static_cast<int16_t>(i32)
                                        : i32;
    }
    b.UnsafeAppend(out);
  }
  ARROW_ASSIGN_OR_RAISE(auto longs, b.Finish());
  cp::CastOptions options = cp::CastOptions::Unsafe(target);
  return cp::Cast(*longs, target, options);
}

// The value of row i of a numeric or string array as an exact decimal;
// nullopt for text that is not a number (or NaN / infinity).
std::optional<DecimalValue> ReadDecimal(const arrow::Array& values, const DataType& from, int64_t i) {
  switch (values.type_id()) {
    case arrow::Type::DECIMAL128: {
      const auto& d = static_cast<const arrow::Decimal128Array&>(values);
      return DecimalValue{arrow::Decimal256(arrow::Decimal128(d.GetValue(i))),
                          static_cast<const DecimalType&>(from).scale()};
    }
    case arrow::Type::INT64:
      return DecimalValue{arrow::Decimal256(static_cast<const arrow::Int64Array&>(values).Value(i)), 0};
    case arrow::Type::DOUBLE: {
      // As Spark: the decimal the double prints as (its shortest repr).
      double v = static_cast<const arrow::DoubleArray&>(values).Value(i);
      if (!std::isfinite(v)) return std::nullopt;
      return ParseDecimal(fmt::format("{}", v));
    }
    default:
      return ParseDecimal(static_cast<const arrow::StringArray&>(values).GetView(i));
  }
}

// Anything numeric or textual -> DECIMAL(p, s): rounded HALF_UP to s; a value
// beyond p digits is NUMERIC_VALUE_OUT_OF_RANGE when strict, NULL otherwise.
arrow::Result<std::shared_ptr<arrow::Array>> CastToDecimal(
    const arrow::Array& input, const DataType& from, const DecimalType& to,
    const std::shared_ptr<arrow::DataType>& target, bool strict) {
  std::shared_ptr<arrow::Array> values = arrow::MakeArray(input.data());
  if (from.IsIntegral()) {
    ARROW_ASSIGN_OR_RAISE(values, cp::Cast(input, arrow::int64()));
  } else if (from.id() == TypeId::kFloat || from.id() == TypeId::kDouble) {
    ARROW_ASSIGN_OR_RAISE(values, cp::Cast(input, arrow::float64()));
  }
  arrow::Decimal128Builder builder(target);
  ARROW_RETURN_NOT_OK(builder.Reserve(values->length()));
  for (int64_t i = 0; i < values->length(); ++i) {
    if (values->IsNull(i)) {
      builder.UnsafeAppendNull();
      continue;
    }
    if (values->type_id() == arrow::Type::DOUBLE) {
      // NaN and the infinities have no decimal: NULL even under ANSI mode, as
      // in Spark. Beyond 38 digits no decimal type holds the value.
      double v = static_cast<const arrow::DoubleArray&>(*values).Value(i);
      if (!std::isfinite(v) || std::fabs(v) >= 1e38) {
        if (strict && std::isfinite(v)) {
          return NumericValueOutOfRange(fmt::format("{:.0f}", v), to.precision(), to.scale());
        }
        builder.UnsafeAppendNull();
        continue;
      }
    }
    auto value = ReadDecimal(*values, from, i);
    if (!value) {
      if (strict) {
        ARROW_ASSIGN_OR_RAISE(auto scalar, input.GetScalar(i));
        return InvalidInput(*scalar, from, to);
      }
      builder.UnsafeAppendNull();
      continue;
    }
    arrow::Decimal256 rounded = RescaleHalfUp(*value, to.scale());
    if (!FitsPrecision(rounded, to.precision())) {
      if (strict) {
        return NumericValueOutOfRange(value->unscaled.ToString(value->scale), to.precision(),
                                      to.scale());
      }
      builder.UnsafeAppendNull();
      continue;
    }
    builder.UnsafeAppend(ToDecimal128(rounded));
  }
  return builder.Finish();
}

// Spark's reading of an integer from text: an optional sign and digits; when
// not strict a fraction may follow and is dropped ("1.9" is 1). Text out of
// the type's range is malformed.
std::optional<int64_t> ParseIntegral(std::string_view s, bool allow_fraction, int64_t lo,
                                     int64_t hi) {
  size_t i = 0;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    i = 1;
    if (s.size() == 1) return std::nullopt;
  }
  if (i == s.size()) return std::nullopt;
  // Accumulate negatively so that the minimum value parses.
  int64_t acc = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.' && allow_fraction) break;
    if (c < '0' || c > '9') return std::nullopt;
    int digit = c - '0';
    if (acc < (INT64_MIN + digit) / 10) return std::nullopt;
    acc = acc * 10 - digit;
  }
  for (++i; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  if (!negative) {
    if (acc == INT64_MIN) return std::nullopt;
    acc = -acc;
  }
  if (acc < lo || acc > hi) return std::nullopt;
  return acc;
}

arrow::Result<std::shared_ptr<arrow::Array>> StringToIntegral(
    const arrow::Array& trimmed, const DataType& from, const DataType& to,
    const std::shared_ptr<arrow::DataType>& target, bool strict, bool allow_fraction) {
  int64_t lo = INT64_MIN, hi = INT64_MAX;
  switch (to.id()) {
    case TypeId::kByte: lo = INT8_MIN, hi = INT8_MAX; break;
    case TypeId::kShort: lo = INT16_MIN, hi = INT16_MAX; break;
    case TypeId::kInt: lo = INT32_MIN, hi = INT32_MAX; break;
    default: break;
  }
  const auto& strings = static_cast<const arrow::StringArray&>(trimmed);
  arrow::Int64Builder builder;
  ARROW_RETURN_NOT_OK(builder.Reserve(strings.length()));
  for (int64_t i = 0; i < strings.length(); ++i) {
    if (strings.IsNull(i)) {
      builder.UnsafeAppendNull();
      continue;
    }
    auto v = ParseIntegral(strings.GetView(i), allow_fraction, lo, hi);
    if (v) {
      builder.UnsafeAppend(*v);
    } else if (strict) {
      return InvalidInput(arrow::StringScalar(std::string(strings.GetView(i))), from, to);
    } else {
      builder.UnsafeAppendNull();
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto longs, builder.Finish());
  return cp::Cast(*longs, target, cp::CastOptions::Unsafe(target));
}

arrow::Result<std::shared_ptr<arrow::Array>> CastArray(const arrow::Array& values, const DataType& from,
                                                       const DataType& to, const EvalContext& ctx, bool try_cast);

// ARRAY<a> -> ARRAY<b>: the elements cast by Spark's rules for a -> b (so a
// bad element is reported as itself), the arrays' shape kept.
arrow::Result<std::shared_ptr<arrow::Array>> CastArrayElements(const arrow::Array& values, const DataType& from,
                                                               const DataType& to, const EvalContext& ctx,
                                                               bool try_cast) {
  const auto& lists = static_cast<const arrow::ListArray&>(values);
  const int32_t first = lists.value_offset(0);
  auto elements = lists.values()->Slice(first, lists.value_offset(lists.length()) - first);
  ARROW_ASSIGN_OR_RAISE(auto cast, CastArray(*elements, *static_cast<const ArrayType&>(from).element_type(),
                                             *static_cast<const ArrayType&>(to).element_type(), ctx, try_cast));
  arrow::Int32Builder offsets;  // from 0, null where the array is
  ARROW_RETURN_NOT_OK(offsets.Reserve(lists.length() + 1));
  for (int64_t i = 0; i < lists.length(); ++i) {
    if (lists.IsNull(i)) {
      offsets.UnsafeAppendNull();
    } else {
      offsets.UnsafeAppend(lists.value_offset(i) - first);
    }
  }
  offsets.UnsafeAppend(lists.value_offset(lists.length()) - first);
  ARROW_ASSIGN_OR_RAISE(auto offset_array, offsets.Finish());
  ARROW_ASSIGN_OR_RAISE(auto target, ToArrowType(to));
  return arrow::ListArray::FromArrays(target, *offset_array, *cast);
}

arrow::Result<std::shared_ptr<arrow::Array>> CastArray(const arrow::Array& values,
                                                       const DataType& from, const DataType& to,
                                                       const EvalContext& ctx, bool try_cast) {
  const bool strict = ctx.ansi && !try_cast;
  ARROW_ASSIGN_OR_RAISE(auto target, ToArrowType(to));
  if (from.id() == TypeId::kNull) return arrow::MakeArrayOfNull(target, values.length());
  if (to.id() == TypeId::kString) {
    if (from.id() == TypeId::kBinary && values.type_id() == arrow::Type::BINARY) {
      // The bytes as they are (the layouts are the same), unless some are not UTF-8.
      auto data = values.data()->Copy();
      data->type = arrow::utf8();
      return ReplaceInvalidUtf8(arrow::MakeArray(std::move(data)));
    }
    ARROW_ASSIGN_OR_RAISE(auto text, CastToString(values, from, ctx.format));
    // Bytes need not be UTF-8: invalid sequences become U+FFFD (common/utf8.h).
    if (from.id() == TypeId::kBinary || from.IsNested()) return ReplaceInvalidUtf8(text);
    return text;
  }

  std::shared_ptr<arrow::Array> input = arrow::MakeArray(values.data());
  // Binary takes the string's bytes as they are.
  if (IsStringLike(from.id()) && to.id() != TypeId::kBinary) {
    ARROW_ASSIGN_OR_RAISE(input, TrimmedStrings(values));
    if (to.id() == TypeId::kBoolean) return StringToBoolean(*input, from, strict);
    if (IsTime(to.id())) return CastStringToDatetime(values, to, ctx, strict);
    if (to.IsIntegral()) {
      // Only non-ANSI casts read "1.9" as 1; TRY_CAST follows ANSI's syntax.
      return StringToIntegral(*input, from, to, target, strict, /*allow_fraction=*/!ctx.ansi);
    }
  }
  if (from.id() == TypeId::kArray && to.id() == TypeId::kArray && values.type_id() == arrow::Type::LIST) {
    return CastArrayElements(values, from, to, ctx, try_cast);
  }
  if (to.id() == TypeId::kDecimal && (from.IsNumeric() || IsStringLike(from.id()))) {
    return CastToDecimal(*input, from, static_cast<const DecimalType&>(to), target, strict);
  }
  // Seconds since the epoch <-> timestamps, as Spark counts them.
  if ((from.id() == TypeId::kTimestamp || from.id() == TypeId::kTimestampNtz) && to.IsNumeric()) {
    ARROW_ASSIGN_OR_RAISE(auto micros, input->View(arrow::int64()));
    if (to.id() == TypeId::kDouble || to.id() == TypeId::kFloat) {
      ARROW_ASSIGN_OR_RAISE(auto d, cp::Cast(*micros, arrow::float64()));
      ARROW_ASSIGN_OR_RAISE(auto secs, cp::CallFunction("divide", {d, arrow::MakeScalar(1e6)}));
      return cp::Cast(*secs.make_array(), target);
    }
    // Floor division: instants before 1970 round down, as Spark's Math.floorDiv.
    const auto& m = static_cast<const arrow::Int64Array&>(*micros);
    arrow::Int64Builder b;
    ARROW_RETURN_NOT_OK(b.Reserve(m.length()));
    for (int64_t i = 0; i < m.length(); ++i) {
      if (m.IsNull(i)) {
        b.UnsafeAppendNull();
        continue;
      }
      int64_t q = m.Value(i) / 1000000;
      if (m.Value(i) % 1000000 < 0) --q;
      b.UnsafeAppend(q);
    }
    ARROW_ASSIGN_OR_RAISE(auto secs, b.Finish());
    return CastArray(*secs, *types::Long(), to, ctx, try_cast);
  }
  if (from.IsNumeric() && (to.id() == TypeId::kTimestamp || to.id() == TypeId::kTimestampNtz)) {
    ARROW_ASSIGN_OR_RAISE(auto d, cp::Cast(*input, arrow::float64()));
    ARROW_ASSIGN_OR_RAISE(auto us, cp::CallFunction("multiply", {d, arrow::MakeScalar(1e6)}));
    ARROW_ASSIGN_OR_RAISE(auto as_long,
                          cp::Cast(*us.make_array(), arrow::int64(), cp::CastOptions::Unsafe()));
    return as_long->View(target);
  }

  if ((from.id() == TypeId::kDouble || from.id() == TypeId::kFloat) && to.IsIntegral()) {
    return FloatingToIntegral(*input, from, to, target, strict);
  }
  if (from.IsIntegral() && to.id() == TypeId::kDecimal) {
    // Arrow refuses an integer -> decimal cast whose precision could overflow
    // for some value; go through the widest decimal and check each value.
    const int scale = static_cast<const DecimalType&>(to).scale();
    ARROW_ASSIGN_OR_RAISE(input, cp::Cast(*input, arrow::decimal128(38, scale)));
  }

  cp::CastOptions options = cp::CastOptions::Safe(target);
  options.allow_float_truncate = true;   // 1.9 -> 1: Spark truncates toward zero
  // 3.7BD -> 3: Spark truncates a decimal toward zero when it becomes an integer.
  options.allow_decimal_truncate = from.id() == TypeId::kDecimal && to.IsIntegral();
  options.allow_time_truncate = true;    // timestamp -> date drops the time of day
  if (!strict && !try_cast && from.IsIntegral() && to.IsIntegral()) {
    options.allow_int_overflow = true;  // Java's wrap-around, as non-ANSI Spark
  }
  auto cast = cp::Cast(*input, target, options);
  if (cast.ok()) return cast;
  return CastPerValue(*input, target, options, from, to, strict);
}

}  // namespace

bool CanCast(const DataType& from, const DataType& to) {
  if (from.Equals(to) || from.id() == TypeId::kNull || to.id() == TypeId::kString) return true;
  TypeId f = from.id(), t = to.id();
  if (f == TypeId::kString) return !to.IsNested();
  if (from.IsNumeric() || f == TypeId::kBoolean) {
    return to.IsNumeric() || t == TypeId::kBoolean || t == TypeId::kTimestamp ||
           t == TypeId::kTimestampNtz;
  }
  if (IsTime(f)) return IsTime(t) || (f != TypeId::kDate && to.IsNumeric());
  if (f == TypeId::kBinary) return t == TypeId::kBinary;
  if (f == TypeId::kArray && t == TypeId::kArray) {
    return CanCast(*static_cast<const ArrayType&>(from).element_type(),
                   *static_cast<const ArrayType&>(to).element_type());
  }
  if (f == TypeId::kStruct && t == TypeId::kStruct) {
    const auto& a = static_cast<const StructType&>(from);
    const auto& b = static_cast<const StructType&>(to);
    if (a.num_fields() != b.num_fields()) return false;
    for (int i = 0; i < a.num_fields(); ++i) {
      if (!CanCast(*a.field(i).type, *b.field(i).type)) return false;
    }
    return true;
  }
  return false;
}

// Whether CAST(from AS to) may give NULL for a non-NULL value, by Spark's rules (its
// nullability holds in ANSI mode too, where such casts raise instead): text to anything
// but text or binary, fractions to integers, decimals or timestamps, a decimal or integer
// to a decimal with fewer integer digits, timestamps to the integers narrower than BIGINT.
bool CastForcesNullable(const DataType& from, const DataType& to) {
  const TypeId f = from.id(), t = to.id();
  if (f == TypeId::kNull || from.Equals(to)) return false;
  if (f == TypeId::kString) return t != TypeId::kString && t != TypeId::kBinary;
  const bool fractional = f == TypeId::kFloat || f == TypeId::kDouble;
  if (t == TypeId::kDecimal) {
    if (fractional) return true;
    const auto& d = static_cast<const DecimalType&>(to);
    DataTypePtr exact = from.IsIntegral() ? IntegralAsDecimal(from) : nullptr;
    const DecimalType* source = f == TypeId::kDecimal ? static_cast<const DecimalType*>(&from)
                                : exact ? static_cast<const DecimalType*>(exact.get()) : nullptr;
    return source != nullptr &&
           d.precision() - d.scale() < source->precision() - source->scale();
  }
  if (to.IsIntegral()) {
    if (fractional || f == TypeId::kDecimal) return true;
    if (f == TypeId::kTimestamp) return t != TypeId::kLong;
    return false;
  }
  if (t == TypeId::kTimestamp) return fractional;
  return false;
}

arrow::Result<BoundExprPtr> BindCast(BoundExprPtr arg, DataTypePtr to, bool try_cast,
                                     const std::string& pretty) {
  if (!CanCast(*arg->type(), *to)) {
    return DataTypeMismatch("CAST_WITHOUT_SUGGESTION", pretty,
                            fmt::format("cannot cast {} to {}", QuotedType(*arg->type()), QuotedType(*to)));
  }
  // CAST(NULL AS t) is a NULL literal of t, as Spark folds it.
  const arrow::Scalar* constant = ConstantValue(*arg);
  if (constant != nullptr && !constant->is_valid && to->id() != TypeId::kNull) {
    return NullLiteral(to, pretty);
  }
  DataTypePtr from = arg->type();
  auto impl = [from, try_cast](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    const arrow::Datum& v = a.values[0];
    if (v.is_scalar()) {
      ARROW_ASSIGN_OR_RAISE(auto one, arrow::MakeArrayFromScalar(*v.scalar(), 1));
      ARROW_ASSIGN_OR_RAISE(auto out, CastArray(*one, *from, a.result_type, a.ctx, try_cast));
      return out->GetScalar(0);
    }
    ARROW_ASSIGN_OR_RAISE(auto out, CastArray(*v.make_array(), *from, a.result_type, a.ctx, try_cast));
    return arrow::Datum(out);
  };
  bool nullable = arg->nullable() || try_cast || CastForcesNullable(*from, *to);
  return MakeFunction("cast", impl, std::move(to), {std::move(arg)}, pretty, nullable);
}

BoundExprPtr ImplicitCast(BoundExprPtr arg, const DataTypePtr& to) {
  if (arg->type()->Equals(*to)) return arg;
  std::string name = arg->name();
  auto cast = BindCast(arg, to, /*try_cast=*/false, name);
  if (!cast.ok()) return arg;
  // Fold constants so that functions needing literal options still see one.
  if (arg->kind() == BoundExpr::Kind::kLiteral) {
    EvalContext ctx;
    auto empty = arrow::RecordBatch::Make(arrow::schema({}), 1, std::vector<std::shared_ptr<arrow::Array>>{});
    auto value = (*cast)->Evaluate(*empty, ctx);
    if (value.ok() && value->is_scalar()) {
      return std::make_shared<BoundLiteral>(value->scalar(), to, name);
    }
  }
  return *cast;
}

// Spark's cast aliases: `string(x)` is CAST(x AS STRING), named as its argument
// (Spark does not mark these casts as written by the user, so they print as their child).
void RegisterCastFunctions(FunctionRegistry& r) {
  const std::pair<const char*, DataTypePtr> aliases[] = {
      {"boolean", types::Boolean()}, {"tinyint", types::Byte()},       {"smallint", types::Short()},
      {"int", types::Int()},         {"bigint", types::Long()},        {"float", types::Float()},
      {"double", types::Double()},   {"decimal", types::Decimal(10, 0)}, {"date", types::Date()},
      {"timestamp", types::Timestamp()}, {"binary", types::Binary()},  {"string", types::String()}};
  for (const auto& [name, type] : aliases) {
    r.Add(name, [type](const std::string& n, std::vector<BoundExprPtr> args, const std::string&)
                    -> arrow::Result<BoundExprPtr> {
      if (args.size() != 1) return WrongNumArgs(n, "1", args.size());
      std::string pretty = args[0]->name();
      return BindCast(std::move(args[0]), type, /*try_cast=*/false, pretty);
    });
  }
}

}  // namespace spate
