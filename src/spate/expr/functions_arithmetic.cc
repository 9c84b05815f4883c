// + - * / % div, unary minus, abs: numeric arithmetic with Spark's result
// types, plus timestamp/date +/- interval. Under ANSI mode overflow and
// division by zero are errors; otherwise overflow wraps and x/0 is NULL.

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/common/calendar.h"
#include "spate/common/error.h"
#include "spate/expr/decimal_math.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/type_coercion.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;

// x / 0 and x % 0 under ANSI mode: DIVIDE_BY_ZERO, and REMAINDER_BY_ZERO for a remainder.
arrow::Status DivideByZero(char op = '/') {
  if (op == '%') {
    return SparkError("REMAINDER_BY_ZERO", "22012",
                      "Remainder by zero. Use `try_mod` to tolerate divisor being 0 and return "
                      "NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" "
                      "to bypass this error.");
  }
  return SparkError("DIVIDE_BY_ZERO", "22012",
                    "Division by zero. Use `try_divide` to tolerate divisor being 0 and return "
                    "NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to "
                    "bypass this error.");
}

// ARITHMETIC_OVERFLOW as Spark words it: "integer overflow." and, for an
// operator that has a try_ form, the hint to use it.
arrow::Status ArithmeticOverflow(const std::string& what, const std::string& hint = "") {
  const std::string use = hint.empty() ? "" : fmt::format(" Use '{}' to tolerate overflow and return NULL instead.", hint);
  return SparkError("ARITHMETIC_OVERFLOW", "22003",
                    fmt::format("{}.{} If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
                                what, use));
}

// Java's name for an integral type in overflow messages.
const char* OverflowTypeName(TypeId id) {
  switch (id) {
    case TypeId::kByte: return "byte";
    case TypeId::kShort: return "short";
    case TypeId::kLong: return "long";
    default: return "integer";
  }
}

const char* TryFunctionOf(const std::string& op) {
  if (op == "+") return "try_add";
  if (op == "-") return "try_subtract";
  if (op == "*") return "try_multiply";
  return "try_divide";
}

// Spark's overflow error of a binary operator: for TINYINT and SMALLINT the
// first pair of operands that overflows (BINARY_ARITHMETIC_OVERFLOW, values
// shown as SMALLINT literals; a constant left operand of + or * is shown on
// the right, as Spark's optimizer moves it), ARITHMETIC_OVERFLOW otherwise.
arrow::Status BinaryOverflow(const std::string& op, const arrow::Datum& lhs, const arrow::Datum& rhs,
                             TypeId type, int64_t num_rows) {
  if (op == "div") return ArithmeticOverflow("Overflow in integral divide", "try_divide");
  if (type != TypeId::kByte && type != TypeId::kShort) {
    return ArithmeticOverflow(std::string(OverflowTypeName(type)) + " overflow", TryFunctionOf(op));
  }
  auto widen = [num_rows](const arrow::Datum& d) -> arrow::Result<std::shared_ptr<arrow::Int32Array>> {
    ARROW_ASSIGN_OR_RAISE(auto wide, cp::Cast(d, arrow::int32()));
    if (wide.is_scalar()) {
      ARROW_ASSIGN_OR_RAISE(wide, arrow::MakeArrayFromScalar(*wide.scalar(), num_rows));
    }
    return std::static_pointer_cast<arrow::Int32Array>(wide.make_array());
  };
  ARROW_ASSIGN_OR_RAISE(auto x, widen(lhs));
  ARROW_ASSIGN_OR_RAISE(auto y, widen(rhs));
  const int32_t limit = type == TypeId::kByte ? 127 : 32767;
  const bool swap = (op == "+" || op == "*") && lhs.is_scalar() && !rhs.is_scalar();
  for (int64_t i = 0; i < num_rows; ++i) {
    if (x->IsNull(i) || y->IsNull(i)) continue;
    const int32_t l = x->Value(i), r = y->Value(i);
    const int32_t v = op == "+" ? l + r : op == "-" ? l - r : l * r;
    if (v >= -limit - 1 && v <= limit) continue;
    return SparkError("BINARY_ARITHMETIC_OVERFLOW", "22003",
                      fmt::format("{}S {} {}S caused overflow. Use `{}` to ignore overflow problem and return NULL.",
                                  swap ? r : l, op, swap ? l : r, TryFunctionOf(op)));
  }
  return ArithmeticOverflow(std::string(OverflowTypeName(type)) + " overflow", TryFunctionOf(op));
}

const char* ArrowOp(const std::string& op, bool checked) {
  if (op == "+") return checked ? "add_checked" : "add";
  if (op == "-") return checked ? "subtract_checked" : "subtract";
  if (op == "*") return checked ? "multiply_checked" : "multiply";
  if (op == "/" || op == "div") return checked ? "divide_checked" : "divide";
  return checked ? "remainder_checked" : "remainder";
}

// Divisors of zero: an error under ANSI mode, NULL otherwise. Returns the
// divisor with zeros replaced by ones and the mask of rows to null out.
arrow::Result<std::pair<arrow::Datum, arrow::Datum>> GuardZeroDivisor(const arrow::Datum& dividend,
                                                                      const arrow::Datum& divisor,
                                                                      bool ansi, char op) {
  auto zero = arrow::MakeScalar(divisor.type(), 0);
  if (!zero.ok()) zero = arrow::Scalar::Parse(divisor.type(), "0");
  ARROW_ASSIGN_OR_RAISE(auto is_zero, cp::CallFunction("equal", {divisor, *zero}));
  ARROW_ASSIGN_OR_RAISE(auto zero_known, cp::CallFunction("coalesce", {is_zero, arrow::MakeScalar(false)}));
  ARROW_ASSIGN_OR_RAISE(auto dividend_valid, cp::CallFunction("is_valid", {dividend}));
  ARROW_ASSIGN_OR_RAISE(auto hit, cp::CallFunction("and", {zero_known, dividend_valid}));
  ARROW_ASSIGN_OR_RAISE(auto any, cp::CallFunction("any", {hit}));
  if (any.scalar_as<arrow::BooleanScalar>().value && ansi) return DivideByZero(op);
  auto one = arrow::Scalar::Parse(divisor.type(), "1");
  ARROW_RETURN_NOT_OK(one.status());
  ARROW_ASSIGN_OR_RAISE(auto safe, cp::CallFunction("if_else", {zero_known, *one, divisor}));
  return std::make_pair(safe, zero_known);
}

arrow::Result<arrow::Datum> NullWhere(const arrow::Datum& mask, const arrow::Datum& values) {
  return cp::CallFunction("if_else", {mask, arrow::MakeNullScalar(values.type()), values});
}

arrow::Result<arrow::Datum> RunArithmetic(const std::string& op, const FunctionArgs& a,
                                          const std::shared_ptr<arrow::DataType>& out_type) {
  const bool checked = a.ctx.ansi;
  arrow::Datum lhs = a.values[0], rhs = a.values[1];
  arrow::Datum zero_mask;
  if (op == "/" || op == "%" || op == "div") {
    ARROW_ASSIGN_OR_RAISE(auto guarded, GuardZeroDivisor(lhs, rhs, a.ctx.ansi, op[0]));
    rhs = guarded.first;
    zero_mask = guarded.second;
  }
  if (op == "%" && arrow::is_integer(rhs.type()->id())) {
    // x % -1 is 0 as x % 1 is (Java's remainder: no overflow for the minimum % -1).
    auto minus_one = arrow::Scalar::Parse(rhs.type(), "-1");
    auto one = arrow::Scalar::Parse(rhs.type(), "1");
    ARROW_RETURN_NOT_OK(minus_one.status());
    ARROW_RETURN_NOT_OK(one.status());
    ARROW_ASSIGN_OR_RAISE(auto is_minus_one, cp::CallFunction("equal", {rhs, *minus_one}));
    ARROW_ASSIGN_OR_RAISE(rhs, cp::CallFunction("if_else", {is_minus_one, *one, rhs}));
  }
  auto result = cp::CallFunction(ArrowOp(op, checked), {lhs, rhs});
  if (!result.ok()) {
    if (result.status().message().find("overflow") != std::string::npos) {
      return BinaryOverflow(op, lhs, rhs, a.result_type.id(), a.num_rows);
    }
    return result.status();
  }
  arrow::Datum out = *result;
  if (!out.type()->Equals(*out_type)) {
    cp::CastOptions options = cp::CastOptions::Unsafe(out_type);
    ARROW_ASSIGN_OR_RAISE(out, cp::Cast(out, options));
  }
  if (zero_mask.kind() != arrow::Datum::NONE) {
    ARROW_ASSIGN_OR_RAISE(out, NullWhere(zero_mask, out));
  }
  return out;
}

arrow::Result<std::shared_ptr<arrow::Array>> AsArray(const arrow::Datum& d, int64_t n) {
  if (d.is_array()) return d.make_array();
  return arrow::MakeArrayFromScalar(*d.scalar(), n);
}

// Decimal + - * / % computed exactly and rounded HALF_UP to the result type,
// as Spark does; a result beyond the precision is NUMERIC_VALUE_OUT_OF_RANGE
// under ANSI mode and NULL otherwise, a zero divisor DIVIDE_BY_ZERO or NULL.
arrow::Result<arrow::Datum> RunDecimalArithmetic(char op, const FunctionArgs& a) {
  const bool scalar = a.values[0].is_scalar() && a.values[1].is_scalar();
  const int64_t n = scalar ? 1 : a.num_rows;
  ARROW_ASSIGN_OR_RAISE(auto left, AsArray(a.values[0], n));
  ARROW_ASSIGN_OR_RAISE(auto right, AsArray(a.values[1], n));
  const auto& l = static_cast<const arrow::Decimal128Array&>(*left);
  const auto& r = static_cast<const arrow::Decimal128Array&>(*right);
  const int ls = static_cast<const DecimalType&>(*a.exprs[0]->type()).scale();
  const int rs = static_cast<const DecimalType&>(*a.exprs[1]->type()).scale();
  const auto& out_type = static_cast<const DecimalType&>(a.result_type);
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(out_type));
  arrow::Decimal128Builder builder(arrow_type);
  ARROW_RETURN_NOT_OK(builder.Reserve(n));
  for (int64_t i = 0; i < n; ++i) {
    if (l.IsNull(i) || r.IsNull(i)) {
      builder.UnsafeAppendNull();
      continue;
    }
    DecimalValue x{arrow::Decimal256(arrow::Decimal128(l.GetValue(i))), ls};
    DecimalValue y{arrow::Decimal256(arrow::Decimal128(r.GetValue(i))), rs};
    auto result = DecimalBinary(op, x, y, out_type.scale());
    if (!result) {
      if (a.ctx.ansi) return DivideByZero(op);
      builder.UnsafeAppendNull();
      continue;
    }
    if (!FitsPrecision(*result, out_type.precision())) {
      if (a.ctx.ansi) {
        return NumericValueOutOfRange(result->ToString(out_type.scale()), out_type.precision(),
                                      out_type.scale());
      }
      builder.UnsafeAppendNull();
      continue;
    }
    builder.UnsafeAppend(ToDecimal128(*result));
  }
  ARROW_ASSIGN_OR_RAISE(auto out, builder.Finish());
  if (scalar) return out->GetScalar(0);
  return arrow::Datum(out);
}

// ts +/- interval: microseconds and days add as durations; months move the
// calendar month, clamping the day as Spark does (Jan 31 + 1 month = Feb 29/28).
arrow::Result<arrow::Datum> AddInterval(const arrow::Datum& ts, const arrow::Datum& interval,
                                        bool subtract, const std::shared_ptr<arrow::DataType>& ts_type) {
  ARROW_ASSIGN_OR_RAISE(auto ts_array, [&]() -> arrow::Result<std::shared_ptr<arrow::Array>> {
    if (ts.is_array()) return ts.make_array();
    return arrow::MakeArrayFromScalar(*ts.scalar(), 1);
  }());
  int64_t n = ts_array->length();
  ARROW_ASSIGN_OR_RAISE(auto iv_array, [&]() -> arrow::Result<std::shared_ptr<arrow::Array>> {
    if (interval.is_array()) return interval.make_array();
    return arrow::MakeArrayFromScalar(*interval.scalar(), n);
  }());
  ARROW_ASSIGN_OR_RAISE(auto micros_view, ts_array->View(arrow::int64()));
  const auto& micros = static_cast<const arrow::Int64Array&>(*micros_view);
  const auto& ivs = static_cast<const arrow::MonthDayNanoIntervalArray&>(*iv_array);
  arrow::Int64Builder out;
  ARROW_RETURN_NOT_OK(out.Reserve(n));
  const int sign = subtract ? -1 : 1;
  for (int64_t i = 0; i < n; ++i) {
    if (micros.IsNull(i) || ivs.IsNull(i)) {
      out.UnsafeAppendNull();
      continue;
    }
    auto iv = ivs.GetValue(i);
    int64_t t = micros.Value(i);
    if (iv.months != 0) {
      int64_t day_us = 86400LL * 1000000;
      int64_t days = calendar::FloorDiv(t, day_us);
      int64_t tod = t - days * day_us;
      t = calendar::AddMonths(days, sign * iv.months) * day_us + tod;
    }
    t += sign * (static_cast<int64_t>(iv.days) * 86400LL * 1000000 + iv.nanoseconds / 1000);
    out.UnsafeAppend(t);
  }
  ARROW_ASSIGN_OR_RAISE(auto result, out.Finish());
  ARROW_ASSIGN_OR_RAISE(auto typed, result->View(ts_type));
  if (ts.is_scalar()) return typed->GetScalar(0);
  return arrow::Datum(typed);
}

// A constant interval without a time-of-day part (INTERVAL 3 DAYS, 1 MONTH).
bool WholeDays(const BoundExpr& interval) {
  const arrow::Scalar* v = ConstantValue(interval);
  if (v == nullptr || !v->is_valid || v->type->id() != arrow::Type::INTERVAL_MONTH_DAY_NANO) {
    return false;
  }
  return static_cast<const arrow::MonthDayNanoIntervalScalar&>(*v).value.nanoseconds == 0;
}

// Dates move as midnights in UTC, so that a day is always 24 hours.
arrow::Result<arrow::Datum> AddIntervalToDate(const FunctionArgs& a, bool subtract) {
  constexpr int64_t kMicrosPerDay = 86400LL * 1000000;
  const bool scalar = a.values[0].is_scalar();
  ARROW_ASSIGN_OR_RAISE(auto dates, AsArray(a.values[0], scalar ? 1 : a.num_rows));
  ARROW_ASSIGN_OR_RAISE(auto days, dates->View(arrow::int32()));
  ARROW_ASSIGN_OR_RAISE(auto wide, cp::Cast(*days, arrow::int64()));
  ARROW_ASSIGN_OR_RAISE(auto micros, cp::CallFunction("multiply", {wide, arrow::MakeScalar(kMicrosPerDay)}));
  auto ts_type = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  ARROW_ASSIGN_OR_RAISE(auto ts, micros.make_array()->View(ts_type));
  ARROW_ASSIGN_OR_RAISE(auto moved, AddInterval(arrow::Datum(ts), a.values[1], subtract, ts_type));
  ARROW_ASSIGN_OR_RAISE(auto moved_micros, moved.make_array()->View(arrow::int64()));
  // Whole days in, whole days out: the division is exact.
  ARROW_ASSIGN_OR_RAISE(auto out_days, cp::CallFunction("divide", {moved_micros, arrow::MakeScalar(kMicrosPerDay)}));
  ARROW_ASSIGN_OR_RAISE(auto narrow, cp::Cast(*out_days.make_array(), arrow::int32()));
  ARROW_ASSIGN_OR_RAISE(auto out, narrow->View(arrow::date32()));
  if (scalar) return out->GetScalar(0);
  return arrow::Datum(out);
}

// interval +/- interval: months, days and microseconds add apart, as Spark's
// CalendarInterval does.
arrow::Result<arrow::Datum> AddIntervals(const FunctionArgs& a, bool subtract) {
  const bool scalar = a.values[0].is_scalar() && a.values[1].is_scalar();
  int64_t n = scalar ? 1 : a.num_rows;
  ARROW_ASSIGN_OR_RAISE(auto left, AsArray(a.values[0], n));
  ARROW_ASSIGN_OR_RAISE(auto right, AsArray(a.values[1], n));
  const auto& l = static_cast<const arrow::MonthDayNanoIntervalArray&>(*left);
  const auto& r = static_cast<const arrow::MonthDayNanoIntervalArray&>(*right);
  arrow::MonthDayNanoIntervalBuilder out;
  ARROW_RETURN_NOT_OK(out.Reserve(n));
  const int64_t sign = subtract ? -1 : 1;
  for (int64_t i = 0; i < n; ++i) {
    if (l.IsNull(i) || r.IsNull(i)) {
      out.UnsafeAppendNull();
      continue;
    }
    auto x = l.GetValue(i), y = r.GetValue(i);
    int64_t months = int64_t{x.months} + sign * y.months, days = int64_t{x.days} + sign * y.days;
    int64_t nanos;
    if (months != static_cast<int32_t>(months) || days != static_cast<int32_t>(days) ||
        __builtin_mul_overflow(sign, y.nanoseconds, &nanos) ||
        __builtin_add_overflow(x.nanoseconds, nanos, &nanos)) {
      return SparkError("ARITHMETIC_OVERFLOW", "22003",
                        "integer overflow. Use 'try_add' to tolerate overflow and return NULL instead.");
    }
    out.UnsafeAppend({static_cast<int32_t>(months), static_cast<int32_t>(days), nanos});
  }
  ARROW_ASSIGN_OR_RAISE(auto result, out.Finish());
  if (scalar) return result->GetScalar(0);
  return arrow::Datum(result);
}

// A constant interval expression as the literal of its value, keeping its name
// (WholeDays reads literals).
arrow::Result<BoundExprPtr> FoldedInterval(const BoundExprPtr& e) {
  EvalContext ctx;
  auto empty = arrow::RecordBatch::Make(arrow::schema({}), 1, std::vector<std::shared_ptr<arrow::Array>>{});
  ARROW_ASSIGN_OR_RAISE(auto value, e->Evaluate(*empty, ctx));
  return std::make_shared<BoundLiteral>(value.scalar(), types::Interval(), e->name());
}

// - interval: months, days and microseconds negated apart (Spark's
// IntervalUtils.negateExact); with `only_negative`, abs(interval): an
// interval below zero (its months, else its days and time) negated.
arrow::Result<arrow::Datum> NegateIntervals(const FunctionArgs& a, bool only_negative) {
  const bool scalar = a.values[0].is_scalar();
  int64_t n = scalar ? 1 : a.num_rows;
  ARROW_ASSIGN_OR_RAISE(auto in, AsArray(a.values[0], n));
  const auto& x = static_cast<const arrow::MonthDayNanoIntervalArray&>(*in);
  arrow::MonthDayNanoIntervalBuilder out;
  ARROW_RETURN_NOT_OK(out.Reserve(n));
  for (int64_t i = 0; i < n; ++i) {
    if (x.IsNull(i)) {
      out.UnsafeAppendNull();
      continue;
    }
    auto v = x.GetValue(i);
    const bool below_zero = v.months != 0 ? v.months < 0 : (v.days != 0 ? v.days < 0 : v.nanoseconds < 0);
    if (only_negative && !below_zero) {
      out.UnsafeAppend(v);
      continue;
    }
    if (v.months == INT32_MIN || v.days == INT32_MIN || v.nanoseconds == INT64_MIN) {
      return SparkError("ARITHMETIC_OVERFLOW", "22003",
                        "integer overflow. Use 'try_subtract' to tolerate overflow and return NULL instead.");
    }
    out.UnsafeAppend({-v.months, -v.days, -v.nanoseconds});
  }
  ARROW_ASSIGN_OR_RAISE(auto result, out.Finish());
  if (scalar) return result->GetScalar(0);
  return arrow::Datum(result);
}

arrow::Result<BoundExprPtr> BindTemporalArithmetic(const std::string& op,
                                                   std::vector<BoundExprPtr> args,
                                                   const std::string& pretty) {
  TypeId l = args[0]->type()->id(), r = args[1]->type()->id();
  // date + n and date - n are date_add / date_sub (so named, as Spark resolves
  // them, with their type checks: n must be INT, SMALLINT or TINYINT); n + date too.
  auto is_days = [](TypeId id) {
    return id != TypeId::kString && id != TypeId::kInterval && id != TypeId::kNull &&
           id != TypeId::kDate && id != TypeId::kTimestamp && id != TypeId::kTimestampNtz;
  };
  if (op == "+" && r == TypeId::kDate && is_days(l)) {
    return BindTemporalArithmetic(op, {args[1], args[0]}, pretty);
  }
  if ((op == "+" || op == "-") && l == TypeId::kDate && is_days(r)) {
    std::string name = op == "+" ? "date_add" : "date_sub";
    return BindCall(name, args, fmt::format("{}({}, {})", name, args[0]->name(), args[1]->name()));
  }
  if (l == TypeId::kInterval && op == "+") std::swap(args[0], args[1]), std::swap(l, r);
  if (r != TypeId::kInterval || (op != "+" && op != "-")) return nullptr;
  if (l == TypeId::kString) {
    // Text moves as the timestamp it holds and stays text, as Spark's
    // Cast(TimeAdd(text, interval), STRING).
    args[0] = ImplicitCast(args[0], types::Timestamp());
    ARROW_ASSIGN_OR_RAISE(auto moved, BindTemporalArithmetic(op, std::move(args), pretty));
    return ImplicitCast(moved, types::String());
  }
  if (l == TypeId::kInterval) {
    bool subtract = op == "-";
    bool constant = args[0]->kind() == BoundExpr::Kind::kLiteral && args[1]->kind() == BoundExpr::Kind::kLiteral;
    auto impl = [subtract](const FunctionArgs& a) { return AddIntervals(a, subtract); };
    BoundExprPtr sum = MakeFunction(op, impl, types::Interval(), std::move(args), pretty);
    // Folded, so that DATE + (INTERVAL 1 DAY + INTERVAL 1 DAY) still sees whole days.
    return constant ? FoldedInterval(sum) : sum;
  }
  // Only dates and timestamps move by an interval; other operands get the
  // generic checks (DATATYPE_MISMATCH).
  if (l != TypeId::kDate && l != TypeId::kTimestamp && l != TypeId::kTimestampNtz) return nullptr;
  if (l == TypeId::kDate && WholeDays(*args[1])) {
    // date +/- INTERVAL n DAYS (or months) stays a DATE, as Spark's date_add.
    bool subtract = op == "-";
    auto impl = [subtract](const FunctionArgs& a) { return AddIntervalToDate(a, subtract); };
    return MakeFunction(op, impl, types::Date(), std::move(args), pretty);
  }
  if (l == TypeId::kDate) args[0] = ImplicitCast(args[0], types::Timestamp());
  DataTypePtr type = args[0]->type();
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(*type));
  bool subtract = op == "-";
  auto impl = [subtract, arrow_type](const FunctionArgs& a) {
    return AddInterval(a.values[0], a.values[1], subtract, arrow_type);
  };
  return MakeFunction(op, impl, type, std::move(args), pretty);
}

// Spark's error for an operand type the operator does not take; each
// operator names the types it does take.
arrow::Status WrongOperandType(const std::string& op, const DataType& type, const std::string& pretty) {
  const char* accepted =
      op == "+" || op == "-" ? "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or "
                               "\"INTERVAL\")"
      : op == "/"            ? "(\"DOUBLE\" or \"DECIMAL\")"
      : op == "div" ? "(\"BIGINT\" or \"DECIMAL\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL DAY TO SECOND\")"
                    : "\"NUMERIC\"";
  return DataTypeMismatch(
      "BINARY_OP_WRONG_TYPE", pretty,
      fmt::format("the binary operator requires the input type {}, not {}", accepted, QuotedType(type)));
}

// A string operand under ANSI mode (Spark 4.1's default): beside an integral
// operand it reads as BIGINT, beside any other number as DOUBLE (and so does
// that number). Two strings, or a string and NULL, have no numeric type.
// (The cast is not folded into a literal: like Spark's, it may fail, so its
// result is nullable even for a constant string.)
arrow::Status PromoteStrings(const std::string& op, std::vector<BoundExprPtr>& args, const std::string& pretty) {
  auto as_number = [](const BoundExprPtr& arg, const DataTypePtr& type) {
    return BindCast(arg, type, /*try_cast=*/false, arg->name());
  };
  for (size_t i = 0; i < 2; ++i) {
    if (args[i]->type()->id() != TypeId::kString) continue;
    const DataTypePtr& other = args[1 - i]->type();
    if (other->IsIntegral()) {
      ARROW_ASSIGN_OR_RAISE(args[i], as_number(args[i], types::Long()));
    } else if (other->IsNumeric()) {
      ARROW_ASSIGN_OR_RAISE(args[i], as_number(args[i], types::Double()));
      args[1 - i] = ImplicitCast(args[1 - i], types::Double());
    } else if (other->id() == TypeId::kString || other->id() == TypeId::kNull) {
      return WrongOperandType(op, *args[i]->type(), pretty);
    }
  }
  return arrow::Status::OK();
}

// `div` takes BIGINT (any integer widens to it) or DECIMAL operands, not
// FLOAT or DOUBLE.
arrow::Status CheckIntegralDivideOperands(const DataType& l, const DataType& r, const std::string& pretty) {
  auto fractional = [](const DataType& t) { return t.id() == TypeId::kFloat || t.id() == TypeId::kDouble; };
  if (!fractional(l) && !fractional(r)) return arrow::Status::OK();
  if (l.Equals(r)) return WrongOperandType("div", l, pretty);
  auto shown = [](const DataType& t) { return t.IsIntegral() ? std::string("\"BIGINT\"") : QuotedType(t); };
  return DataTypeMismatch("BINARY_OP_DIFF_TYPES", pretty,
                          fmt::format("the left and right operands of the binary operator have incompatible "
                                      "types ({} and {})",
                                      shown(l), shown(r)));
}

arrow::Result<BoundExprPtr> BindBinaryArithmetic(const std::string& op,
                                                 std::vector<BoundExprPtr> args,
                                                 const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(op, args, 2, 2));
  ARROW_ASSIGN_OR_RAISE(auto temporal, BindTemporalArithmetic(op, args, pretty));
  if (temporal) return temporal;
  ARROW_RETURN_NOT_OK(PromoteStrings(op, args, pretty));
  const DataTypePtr& lt = args[0]->type();
  const DataTypePtr& rt = args[1]->type();
  // Operands that no coercion makes the same type: 1 + true.
  bool numeric_or_void_l = lt->IsNumeric() || lt->id() == TypeId::kNull;
  bool numeric_or_void_r = rt->IsNumeric() || rt->id() == TypeId::kNull;
  if (!lt->Equals(*rt) && lt->id() != TypeId::kNull && rt->id() != TypeId::kNull &&
      numeric_or_void_l != numeric_or_void_r) {
    return DataTypeMismatch("BINARY_OP_DIFF_TYPES", pretty,
                            fmt::format("the left and right operands of the binary operator have "
                                        "incompatible types ({} and {})",
                                        QuotedType(*lt), QuotedType(*rt)));
  }
  for (const auto& t : {lt, rt}) {
    if (!t->IsNumeric() && t->id() != TypeId::kNull) return WrongOperandType(op, *t, pretty);
  }
  if (op == "div") ARROW_RETURN_NOT_OK(CheckIntegralDivideOperands(*lt, *rt, pretty));
  DataTypePtr common = WiderType(lt, rt);
  if (common->id() == TypeId::kNull) common = types::Int();
  DataTypePtr result = common;
  if (op == "/" && common->id() != TypeId::kDecimal) {
    common = result = types::Double();
  } else if (op == "div") {
    if (common->id() == TypeId::kDecimal || common->id() == TypeId::kFloat ||
        common->id() == TypeId::kDouble) {
      common = types::Decimal(38, 0);  // Spark computes div on decimals; keep it exact
    } else if (common->IsIntegral()) {
      common = types::Long();  // and on BIGINT: INT_MIN div -1 is 2147483648
    }
    result = types::Long();
  } else if (common->id() == TypeId::kDecimal) {
    auto dl = DecimalOperandType(lt->id() == TypeId::kNull ? args[1] : args[0]);
    auto dr = DecimalOperandType(rt->id() == TypeId::kNull ? args[0] : args[1]);
    result = DecimalResultType(op, static_cast<const DecimalType&>(*dl),
                               static_cast<const DecimalType&>(*dr));
  }
  if (common->id() != TypeId::kDecimal) {
    args[0] = ImplicitCast(args[0], common);
    args[1] = ImplicitCast(args[1], common);
  } else if (op != "div") {
    // Integers join decimal arithmetic as the decimals that hold them exactly.
    const bool narrowed_literal = DecimalLiteralMayNotFit(args[0]) || DecimalLiteralMayNotFit(args[1]);
    for (auto& arg : args) {
      if (arg->type()->id() != TypeId::kDecimal) {
        arg = ImplicitCast(arg, arg->type()->id() == TypeId::kNull ? common : DecimalOperandType(arg));
      }
    }
    char c = op[0];
    // Under ANSI mode (Spark 4.1's default) an overflow raises instead of giving NULL.
    bool nullable = args[0]->nullable() || args[1]->nullable() || op == "/" || op == "%" || narrowed_literal;
    return MakeFunction(op, [c](const FunctionArgs& a) { return RunDecimalArithmetic(c, a); },
                        result, std::move(args), pretty, nullable);
  }
  ARROW_ASSIGN_OR_RAISE(auto out_type, ToArrowType(*result));
  auto impl = [op, out_type](const FunctionArgs& a) { return RunArithmetic(op, a, out_type); };
  bool nullable = args[0]->nullable() || args[1]->nullable() || op == "/" || op == "%" ||
                  op == "div";
  return MakeFunction(op, impl, result, std::move(args), pretty, nullable);
}

arrow::Result<BoundExprPtr> BindUnary(const std::string& name, std::vector<BoundExprPtr> args,
                                      const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  if (args[0]->type()->id() == TypeId::kString) args[0] = ImplicitCast(args[0], types::Double());
  const DataTypePtr type = args[0]->type();
  const bool interval = type->id() == TypeId::kInterval;
  if (!type->IsNumeric() && type->id() != TypeId::kNull && !interval) {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                            fmt::format("The first parameter requires the \"NUMERIC\" type, however "
                                        "\"{}\" has the type {}",
                                        args[0]->name(), QuotedType(*type)));
  }
  if (name == "positive") {
    // The value itself, named (+ x) as Spark names UnaryPositive.
    auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> { return a.values[0]; };
    bool nullable = args[0]->nullable();
    std::string printed = fmt::format("(+ {})", args[0]->name());
    return MakeFunction(name, impl, type, std::move(args), printed, nullable);
  }
  if (interval) {
    bool nullable = args[0]->nullable(), constant = args[0]->kind() == BoundExpr::Kind::kLiteral;
    const bool abs = name == "abs";
    auto impl = [abs](const FunctionArgs& a) { return NegateIntervals(a, abs); };
    BoundExprPtr negated = MakeFunction(name, impl, type, std::move(args), pretty, nullable);
    // Folded, so that DATE + (- INTERVAL 1 DAY) still sees whole days.
    return constant ? FoldedInterval(negated) : negated;
  }
  const char* fn = name == "abs" ? "abs" : "negate";
  auto impl = [fn](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    std::string checked = std::string(fn) + (a.ctx.ansi ? "_checked" : "");
    auto out = cp::CallFunction(checked, {a.values[0]});
    if (!out.ok() && out.status().message().find("overflow") != std::string::npos) {
      return ArithmeticOverflow(std::string(OverflowTypeName(a.result_type.id())) + " overflow");
    }
    return out;
  };
  bool nullable = args[0]->nullable();
  return MakeFunction(name, impl, type, std::move(args), pretty, nullable);
}

}  // namespace

DataTypePtr DecimalOperandType(const BoundExprPtr& e) {
  const DataTypePtr& t = e->type();
  if (t->id() == TypeId::kDecimal) return t;
  const arrow::Scalar* v = ConstantValue(*e);
  if (v != nullptr && v->is_valid && t->IsIntegral()) {
    std::string digits = v->ToString();
    if (!digits.empty() && digits[0] == '-') digits.erase(0, 1);
    return types::Decimal(static_cast<int>(digits.size()), 0);
  }
  return IntegralAsDecimal(*t);
}

bool DecimalLiteralMayNotFit(const BoundExprPtr& e) {
  if (!e->type()->IsIntegral() || ConstantValue(*e) == nullptr) return false;
  const DataTypePtr narrowed = DecimalOperandType(e), full = IntegralAsDecimal(*e->type());
  return static_cast<const DecimalType&>(*narrowed).precision() < static_cast<const DecimalType&>(*full).precision();
}

void RegisterArithmeticFunctions(FunctionRegistry& r) {
  for (const char* op : {"+", "*", "/", "%", "div"}) {
    r.Add(op, BindBinaryArithmetic);
  }
  // "-" with one argument is the unary minus operator, printed (- x).
  r.Add("-", [](const std::string&, std::vector<BoundExprPtr> args, const std::string& pretty) {
    if (args.size() == 1) return BindUnary("negative", std::move(args), pretty);
    return BindBinaryArithmetic("-", std::move(args), pretty);
  });
  r.Add("mod", [](const std::string&, std::vector<BoundExprPtr> args, const std::string& pretty) {
    return BindBinaryArithmetic("%", std::move(args), pretty);
  });
  r.Add("negative", BindUnary);
  r.Add("positive", BindUnary);
  r.Add("abs", BindUnary);
}

}  // namespace spate
