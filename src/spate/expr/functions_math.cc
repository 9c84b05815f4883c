// Math: rounding, logarithms, powers, trigonometry, bitwise operations, random numbers.
//
// Arguments are implicitly cast as Spark's ImplicitCastInputTypes do (any
// numeric or string to DOUBLE for the floating-point functions); NULL in gives
// NULL out unless noted. The functions loop over whole arrays: scalars are
// broadcast once to the batch's length.

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/xorshift_random.h"
#include "spate/expr/decimal_math.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/type_coercion.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;
using ArrayPtr = std::shared_ptr<arrow::Array>;

// ---------------------------------------------------------------------------
// Evaluation helpers

// Every argument as an array of the batch's length.
arrow::Result<std::vector<ArrayPtr>> Expand(const FunctionArgs& a) {
  std::vector<ArrayPtr> out;
  for (const auto& v : a.values) {
    if (v.is_array()) {
      out.push_back(v.make_array());
    } else {
      ARROW_ASSIGN_OR_RAISE(auto arr, arrow::MakeArrayFromScalar(*v.scalar(), a.num_rows));
      out.push_back(std::move(arr));
    }
  }
  return out;
}

bool AnyNull(const std::vector<ArrayPtr>& arrays, int64_t i) {
  for (const auto& arr : arrays) {
    if (arr->IsNull(i)) return true;
  }
  return false;
}

// The value of an integral or floating array at row i, widened.
int64_t IntAt(const arrow::Array& arr, int64_t i) {
  switch (arr.type_id()) {
    case arrow::Type::INT8: return static_cast<const arrow::Int8Array&>(arr).Value(i);
    case arrow::Type::INT16: return static_cast<const arrow::Int16Array&>(arr).Value(i);
    case arrow::Type::INT32: return static_cast<const arrow::Int32Array&>(arr).Value(i);
    case arrow::Type::BOOL: return static_cast<const arrow::BooleanArray&>(arr).Value(i);
    default: return static_cast<const arrow::Int64Array&>(arr).Value(i);
  }
}
double DoubleAt(const arrow::Array& arr, int64_t i) {
  if (arr.type_id() == arrow::Type::FLOAT) return static_cast<const arrow::FloatArray&>(arr).Value(i);
  return static_cast<const arrow::DoubleArray&>(arr).Value(i);
}

// Maps the rows whose arguments are all non-null through `fn(arrays, i)`,
// which returns the value or nullopt for NULL (or an error); the result is
// built as `Builder` and viewed/cast as the result type.
template <typename Builder, typename Fn>
arrow::Result<arrow::Datum> MapRows(const FunctionArgs& a, Fn fn) {
  ARROW_ASSIGN_OR_RAISE(auto arrays, Expand(a));
  Builder builder;
  ARROW_RETURN_NOT_OK(builder.Reserve(a.num_rows));
  for (int64_t i = 0; i < a.num_rows; ++i) {
    if (AnyNull(arrays, i)) {
      ARROW_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto value, fn(arrays, i));
    if (value) {
      ARROW_RETURN_NOT_OK(builder.Append(*value));
    } else {
      ARROW_RETURN_NOT_OK(builder.AppendNull());
    }
  }
  ARROW_ASSIGN_OR_RAISE(ArrayPtr out, builder.Finish());
  return arrow::Datum(out);
}

// An int64 result narrowed to the (integral) result type.
arrow::Result<arrow::Datum> NarrowTo(arrow::Datum wide, const DataType& type) {
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(type));
  if (wide.type()->Equals(*arrow_type)) return wide;
  return cp::Cast(wide, cp::CastOptions::Unsafe(arrow_type));
}

template <typename T>
using Maybe = arrow::Result<std::optional<T>>;

// ---------------------------------------------------------------------------
// Binding helpers

// Spark's generated name for a call whose printed name differs from the
// registry name (SIN(x), LOG(E(), x)).
std::string Renamed(const std::string& pretty, const std::string& printed) {
  size_t paren = pretty.find('(');
  return paren == std::string::npos ? printed : printed + pretty.substr(paren);
}

arrow::Status WrongType(const BoundExpr& arg, size_t i, const std::string& expected,
                        const std::string& pretty) {
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                          fmt::format("The {} parameter requires the {} type, however \"{}\" has "
                                      "the type {}",
                                      Ordinal(i), expected, arg.name(), QuotedType(*arg.type())));
}

bool NumericLike(const DataType& t) {
  return t.IsNumeric() || t.id() == TypeId::kString || t.id() == TypeId::kNull;
}

// A numeric, string or NULL argument implicitly cast to `to`.
arrow::Result<BoundExprPtr> CastNumeric(BoundExprPtr arg, size_t i, const DataTypePtr& to,
                                        const std::string& pretty) {
  if (!NumericLike(*arg->type())) return WrongType(*arg, i, QuotedType(*to), pretty);
  return ImplicitCast(arg, to);
}

// An integral argument (INTEGRAL in Spark's messages), strings read as BIGINT.
arrow::Result<BoundExprPtr> IntegralArg(BoundExprPtr arg, size_t i, const std::string& expected,
                                        const std::string& pretty, bool boolean_ok = false) {
  const DataType& t = *arg->type();
  if (t.id() == TypeId::kString) return ImplicitCast(arg, types::Long());
  if (t.IsIntegral() || t.id() == TypeId::kNull || (boolean_ok && t.id() == TypeId::kBoolean)) {
    return arg;
  }
  return WrongType(*arg, i, expected, pretty);
}

// ---------------------------------------------------------------------------
// DOUBLE functions: trigonometry, exponentials, logarithms. A logarithm of a
// value outside its domain is NULL (Spark's Logarithm), not NaN; every other
// function follows java.lang.Math (sqrt(-1) is NaN).

using DoubleFn = std::optional<double> (*)(double);

// NULL for x <= 0 (NaN stays NaN).
std::optional<double> Positive(double x, double v) {
  return x <= 0 ? std::nullopt : std::optional<double>(v);
}

struct UnaryDouble {
  const char* name;
  const char* printed;  // Spark's generated name
  DoubleFn fn;
};

const UnaryDouble kUnaryDouble[] = {
    {"sin", "SIN", [](double x) -> std::optional<double> { return std::sin(x); }},
    {"cos", "COS", [](double x) -> std::optional<double> { return std::cos(x); }},
    {"tan", "TAN", [](double x) -> std::optional<double> { return std::tan(x); }},
    {"asin", "ASIN", [](double x) -> std::optional<double> { return std::asin(x); }},
    {"acos", "ACOS", [](double x) -> std::optional<double> { return std::acos(x); }},
    {"atan", "ATAN", [](double x) -> std::optional<double> { return std::atan(x); }},
    {"sinh", "SINH", [](double x) -> std::optional<double> { return std::sinh(x); }},
    {"cosh", "COSH", [](double x) -> std::optional<double> { return std::cosh(x); }},
    {"tanh", "TANH", [](double x) -> std::optional<double> { return std::tanh(x); }},
    // asinh and acosh as Spark computes them: log(x + sqrt(x*x +- 1)), which
    // cancels to -inf for large negative x; beyond 1e154 (where x*x
    // overflows) Spark's values are log(2|x|).
    {"asinh", "ASINH",
     [](double x) -> std::optional<double> {
       if (std::fabs(x) >= 1e154) return std::copysign(std::log(std::fabs(x)) + M_LN2, x);
       return std::log(x + std::sqrt(x * x + 1.0));
     }},
    {"acosh", "ACOSH",
     [](double x) -> std::optional<double> {
       if (x < 1) return NAN;
       if (x >= 1e154) return std::log(x) + M_LN2;
       return std::log(x + std::sqrt(x * x - 1.0));
     }},
    {"atanh", "ATANH", [](double x) -> std::optional<double> { return std::atanh(x); }},
    {"cot", "COT", [](double x) -> std::optional<double> { return 1.0 / std::tan(x); }},
    {"csc", "CSC", [](double x) -> std::optional<double> { return 1.0 / std::sin(x); }},
    {"sec", "SEC", [](double x) -> std::optional<double> { return 1.0 / std::cos(x); }},
    {"cbrt", "CBRT", [](double x) -> std::optional<double> { return std::cbrt(x); }},
    {"exp", "EXP", [](double x) -> std::optional<double> { return std::exp(x); }},
    {"expm1", "EXPM1", [](double x) -> std::optional<double> { return std::expm1(x); }},
    {"sqrt", "SQRT", [](double x) -> std::optional<double> { return std::sqrt(x); }},
    {"degrees", "DEGREES", [](double x) -> std::optional<double> { return x * (180.0 / M_PI); }},
    {"radians", "RADIANS", [](double x) -> std::optional<double> { return x / 180.0 * M_PI; }},
    {"rint", "rint", [](double x) -> std::optional<double> { return std::nearbyint(x); }},
    {"signum", "SIGNUM",
     [](double x) -> std::optional<double> {
       return x > 0 ? 1.0 : x < 0 ? -1.0 : x;  // keeps -0.0 and NaN, as Math.signum
     }},
    {"sign", "sign",
     [](double x) -> std::optional<double> { return x > 0 ? 1.0 : x < 0 ? -1.0 : x; }},
    {"ln", "ln", [](double x) { return Positive(x, std::log(x)); }},
    {"log10", "LOG10", [](double x) { return Positive(x, std::log10(x)); }},
    {"log2", "LOG2", [](double x) { return Positive(x, std::log2(x)); }},
    {"log1p", "LOG1P",
     [](double x) { return x <= -1.0 ? std::nullopt : std::optional<double>(std::log1p(x)); }},
};

arrow::Result<arrow::Datum> RunUnaryDouble(const FunctionArgs& a, DoubleFn fn) {
  return MapRows<arrow::DoubleBuilder>(
      a, [fn](const std::vector<ArrayPtr>& v, int64_t i) -> Maybe<double> {
        return fn(DoubleAt(*v[0], i));
      });
}

arrow::Result<BoundExprPtr> BindUnaryDouble(const UnaryDouble& f, std::vector<BoundExprPtr> args,
                                            const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(f.name, args, 1, 1));
  std::string name = Renamed(pretty, f.printed);
  ARROW_ASSIGN_OR_RAISE(args[0], CastNumeric(args[0], 0, types::Double(), name));
  DoubleFn fn = f.fn;
  return MakeFunction(f.name, [fn](const FunctionArgs& a) { return RunUnaryDouble(a, fn); },
                      types::Double(), std::move(args), name, true);
}

// java.lang.Math.pow: unlike C's pow, a NaN exponent gives NaN even for base
// 1, and (+-1)^(+-inf) is NaN.
double JavaPow(double x, double y) {
  if (std::isnan(y) || (std::fabs(x) == 1.0 && std::isinf(y))) return NAN;
  return std::pow(x, y);
}

// Binary DOUBLE functions: NULL only from NULL arguments, except log(base, x).
using Double2Fn = std::optional<double> (*)(double, double);

struct BinaryDouble {
  const char* name;
  const char* printed;
  Double2Fn fn;
  bool nullable;  // may give NULL for non-null arguments
};

const BinaryDouble kBinaryDouble[] = {
    {"atan2", "ATAN2",
     [](double y, double x) -> std::optional<double> { return std::atan2(y + 0.0, x + 0.0); },
     false},
    {"pow", "pow", [](double x, double y) -> std::optional<double> { return JavaPow(x, y); }, false},
    {"power", "POWER", [](double x, double y) -> std::optional<double> { return JavaPow(x, y); },
     false},
    {"hypot", "HYPOT",
     [](double x, double y) -> std::optional<double> { return std::hypot(x, y); },
     false},
    {"log", "LOG",
     [](double base, double x) -> std::optional<double> {
       if (base <= 0 || x <= 0) return std::nullopt;
       return std::log(x) / std::log(base);
     },
     true},
};

arrow::Result<BoundExprPtr> BindBinaryDouble(const BinaryDouble& f, std::vector<BoundExprPtr> args,
                                             const std::string& pretty) {
  std::string name = Renamed(pretty, f.printed);
  if (std::string(f.name) == "log") {
    ARROW_RETURN_NOT_OK(CheckArgCount(f.name, args, 1, 2));
    if (args.size() == 1) {
      // log(x) is the natural logarithm, printed LOG(E(), x).
      auto e = std::make_shared<BoundLiteral>(arrow::MakeScalar(M_E), types::Double(), "E()");
      args.insert(args.begin(), e);
      name = fmt::format("LOG(E(), {})", args[1]->name());
    }
  } else {
    ARROW_RETURN_NOT_OK(CheckArgCount(f.name, args, 2, 2));
  }
  for (size_t i = 0; i < 2; ++i) {
    ARROW_ASSIGN_OR_RAISE(args[i], CastNumeric(args[i], i, types::Double(), name));
  }
  bool nullable = f.nullable || AnyNullable(args);
  Double2Fn fn = f.fn;
  auto impl = [fn](const FunctionArgs& a) {
    return MapRows<arrow::DoubleBuilder>(
        a, [fn](const std::vector<ArrayPtr>& v, int64_t i) -> Maybe<double> {
          return fn(DoubleAt(*v[0], i), DoubleAt(*v[1], i));
        });
  };
  return MakeFunction(f.name, impl, types::Double(), std::move(args), name, nullable);
}

// e(), pi(): constants.
FunctionBinder ConstantBinder(double value, const char* printed) {
  return [value, printed](const std::string& name, std::vector<BoundExprPtr> args,
                          const std::string&) -> arrow::Result<BoundExprPtr> {
    ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 0, 0));
    return std::make_shared<BoundLiteral>(arrow::MakeScalar(value), types::Double(),
                                          std::string(printed) + "()");
  };
}

// ---------------------------------------------------------------------------
// Bitwise operators and functions (Java semantics on INT and BIGINT: shift
// counts are taken modulo the width; TINYINT and SMALLINT shift as INT).

// & | ^: both operands of one integral type (strings read as BIGINT, the
// narrower integral widened).
arrow::Result<BoundExprPtr> BindBitwiseBinary(const std::string& op, std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(op, args, 2, 2));
  for (auto& arg : args) {
    if (arg->type()->id() == TypeId::kString) arg = ImplicitCast(arg, types::Long());
  }
  DataTypePtr lt = args[0]->type(), rt = args[1]->type();
  bool both_integral = (lt->IsIntegral() || lt->id() == TypeId::kNull) &&
                       (rt->IsIntegral() || rt->id() == TypeId::kNull);
  if (!lt->Equals(*rt) && !both_integral && lt->id() != TypeId::kNull &&
      rt->id() != TypeId::kNull) {
    return DataTypeMismatch("BINARY_OP_DIFF_TYPES", pretty,
                            fmt::format("the left and right operands of the binary operator have "
                                        "incompatible types ({} and {})",
                                        QuotedType(*lt), QuotedType(*rt)));
  }
  for (const auto& t : {lt, rt}) {
    if (!t->IsIntegral() && t->id() != TypeId::kNull) {
      return DataTypeMismatch("BINARY_OP_WRONG_TYPE", pretty,
                              fmt::format("the binary operator requires the input type "
                                          "\"INTEGRAL\", not {}",
                                          QuotedType(*t)));
    }
  }
  DataTypePtr type = WiderType(lt, rt);
  if (type->id() == TypeId::kNull) type = types::Int();
  args[0] = ImplicitCast(args[0], type);
  args[1] = ImplicitCast(args[1], type);
  const char op_char = op[0];
  auto impl = [op_char](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto wide, (MapRows<arrow::Int64Builder>(
                                         a, [op_char](const std::vector<ArrayPtr>& v,
                                                      int64_t i) -> Maybe<int64_t> {
                                           int64_t x = IntAt(*v[0], i), y = IntAt(*v[1], i);
                                           return op_char == '&'   ? x & y
                                                  : op_char == '|' ? x | y
                                                                   : x ^ y;
                                         })));
    return NarrowTo(wide, a.result_type);
  };
  bool nullable = AnyNullable(args);
  return MakeFunction(op, impl, type, std::move(args), pretty, nullable);
}

arrow::Result<BoundExprPtr> BindBitwiseNot(const std::string& name, std::vector<BoundExprPtr> args,
                                           const std::string&) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  std::string printed = "~" + args[0]->name();
  ARROW_ASSIGN_OR_RAISE(args[0], IntegralArg(args[0], 0, "\"INTEGRAL\"", printed));
  DataTypePtr type = args[0]->type()->id() == TypeId::kNull ? types::Int() : args[0]->type();
  args[0] = ImplicitCast(args[0], type);
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto wide, (MapRows<arrow::Int64Builder>(
                                         a, [](const std::vector<ArrayPtr>& v,
                                               int64_t i) -> Maybe<int64_t> {
                                           return ~IntAt(*v[0], i);
                                         })));
    return NarrowTo(wide, a.result_type);
  };
  bool nullable = args[0]->nullable();
  return MakeFunction("~", impl, type, std::move(args), printed, nullable);
}

// shiftleft / shiftright / shiftrightunsigned (<< >> >>>): the value is INT or
// BIGINT (other numbers are cast to INT), the count INT.
arrow::Result<BoundExprPtr> BindShift(const std::string& name, std::vector<BoundExprPtr> args,
                                      const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  const std::string& printed = pretty;
  const DataType& vt = *args[0]->type();
  if (!NumericLike(vt)) return WrongType(*args[0], 0, "(\"INT\" or \"BIGINT\")", printed);
  DataTypePtr type = vt.id() == TypeId::kLong ? types::Long() : types::Int();
  args[0] = ImplicitCast(args[0], type);
  ARROW_ASSIGN_OR_RAISE(args[1], CastNumeric(args[1], 1, types::Int(), printed));
  const int kind = name == "shiftleft" || name == "<<"   ? 0
                   : name == "shiftright" || name == ">>" ? 1
                                                          : 2;
  auto impl = [kind](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    const bool is_long = a.result_type.id() == TypeId::kLong;
    ARROW_ASSIGN_OR_RAISE(
        auto wide,
        (MapRows<arrow::Int64Builder>(
            a, [kind, is_long](const std::vector<ArrayPtr>& v, int64_t i) -> Maybe<int64_t> {
              int64_t x = IntAt(*v[0], i);
              int n = static_cast<int>(IntAt(*v[1], i));
              if (is_long) {
                n &= 63;
                uint64_t u = static_cast<uint64_t>(x);
                if (kind == 0) return static_cast<int64_t>(u << n);
                if (kind == 1) return x >> n;
                return static_cast<int64_t>(u >> n);
              }
              n &= 31;
              int32_t x32 = static_cast<int32_t>(x);
              uint32_t u = static_cast<uint32_t>(x32);
              if (kind == 0) return static_cast<int32_t>(u << n);
              if (kind == 1) return x32 >> n;
              return static_cast<int32_t>(u >> n);
            })));
    return NarrowTo(wide, a.result_type);
  };
  bool nullable = AnyNullable(args);
  return MakeFunction(name, impl, type, std::move(args), printed, nullable);
}

// bit_count: the number of one bits of an integral (two's complement at its
// width, so bit_count(-1) of an INT counts 64 as Spark does on the long) or boolean.
arrow::Result<BoundExprPtr> BindBitCount(const std::string& name, std::vector<BoundExprPtr> args,
                                         const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  ARROW_ASSIGN_OR_RAISE(args[0],
                        IntegralArg(args[0], 0, "(\"INTEGRAL\" or \"BOOLEAN\")", pretty, true));
  auto impl = [](const FunctionArgs& a) {
    return MapRows<arrow::Int32Builder>(
        a, [](const std::vector<ArrayPtr>& v, int64_t i) -> Maybe<int32_t> {
          return __builtin_popcountll(static_cast<uint64_t>(IntAt(*v[0], i)));
        });
  };
  bool nullable = args[0]->nullable();
  return MakeFunction(name, impl, types::Int(), std::move(args), pretty, nullable);
}

int BitWidth(const DataType& t) {
  switch (t.id()) {
    case TypeId::kByte: return 8;
    case TypeId::kShort: return 16;
    case TypeId::kInt: return 32;
    default: return 64;
  }
}

// bit_get(x, pos): bit `pos` of x (0 is the least significant); a position
// outside the width is INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE.
arrow::Result<BoundExprPtr> BindBitGet(const std::string& name, std::vector<BoundExprPtr> args,
                                       const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  ARROW_ASSIGN_OR_RAISE(args[0], IntegralArg(args[0], 0, "\"INTEGRAL\"", pretty));
  ARROW_ASSIGN_OR_RAISE(args[1], CastNumeric(args[1], 1, types::Int(), pretty));
  const int width = BitWidth(*args[0]->type());
  auto impl = [width, name](const FunctionArgs& a) {
    return MapRows<arrow::Int8Builder>(
        a, [width, &name](const std::vector<ArrayPtr>& v, int64_t i) -> Maybe<int8_t> {
          int64_t pos = IntAt(*v[1], i);
          if (pos < 0 || pos >= width) {
            return SparkError("INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE", "22023",
                              fmt::format("The value of parameter(s) `pos` in `{}` is invalid: "
                                          "expects an integer value in [0, {}), but got {}.",
                                          name, width, pos));
          }
          return static_cast<int8_t>((static_cast<uint64_t>(IntAt(*v[0], i)) >> pos) & 1);
        });
  };
  bool nullable = AnyNullable(args);
  return MakeFunction(name, impl, types::Byte(), std::move(args), pretty, nullable);
}

// ---------------------------------------------------------------------------
// Constant arguments (scales, seeds): any expression without column references (IsFoldable).

// The value of a foldable expression, cast to `to` with Spark's (ANSI) cast.
arrow::Result<std::shared_ptr<arrow::Scalar>> FoldTo(const BoundExprPtr& e, const DataTypePtr& to) {
  ARROW_ASSIGN_OR_RAISE(auto cast, BindCast(e, to, /*try_cast=*/false, e->name()));
  auto empty = arrow::RecordBatch::Make(arrow::schema({}), 1,
                                        std::vector<std::shared_ptr<arrow::Array>>{});
  EvalContext ctx;
  ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*cast, *empty, ctx));
  return array->GetScalar(0);
}

// ---------------------------------------------------------------------------
// Rounding: round (HALF_UP) and bround (HALF_EVEN) keep the type of their
// input; floor and ceil give BIGINT, or with a scale a DECIMAL. A double is
// rounded as the decimal its shortest text reads (Spark rounds
// BigDecimal(d.toString)), so round(0.285, 2) is 0.29. Integers rounded
// beyond their range are ARITHMETIC_OVERFLOW, decimals beyond their
// precision NUMERIC_VALUE_OUT_OF_RANGE (NULL when ANSI mode is off).

enum class RoundMode { kHalfUp, kHalfEven, kFloor, kCeiling };

// Whether a value whose kept part ends in `last` (a digit's parity), with
// dropped part compared to half (`cmp`: -1, 0, 1) and dropped part nonzero,
// moves away from zero.
bool RoundsAway(RoundMode mode, bool negative, bool last_odd, int cmp_half, bool dropped) {
  switch (mode) {
    case RoundMode::kHalfUp: return cmp_half >= 0;
    case RoundMode::kHalfEven: return cmp_half > 0 || (cmp_half == 0 && last_odd);
    case RoundMode::kFloor: return negative && dropped;
    case RoundMode::kCeiling: return !negative && dropped;
  }
  return false;
}

// A decimal number as digits: value = 0.<digits> x 10^exp (no leading zero).
struct Digits {
  bool negative = false;
  std::string digits;  // empty for zero
  int exp = 0;
};

Digits ShortestDigits(double x) {
  Digits d;
  d.negative = std::signbit(x);
  if (x == 0) return d;
  char buf[64];
  auto end = std::to_chars(buf, buf + sizeof buf, std::fabs(x), std::chars_format::scientific).ptr;
  std::string_view text(buf, end - buf);
  size_t e = text.find('e');
  for (char c : text.substr(0, e)) {
    if (c != '.') d.digits += c;
  }
  while (d.digits.size() > 1 && d.digits.back() == '0') d.digits.pop_back();
  int exp10 = 0;
  std::from_chars(text.data() + e + 1 + (text[e + 1] == '+'), end, exp10);
  d.exp = exp10 + 1;
  return d;
}

// `d` rounded to `scale` fraction digits (negative: to tens, hundreds, ...).
Digits RoundDigits(Digits d, int scale, RoundMode mode) {
  if (d.digits.empty()) return d;
  int64_t keep = int64_t{d.exp} + scale;
  if (keep >= static_cast<int64_t>(d.digits.size())) return d;
  bool away;
  if (keep < 0) {
    away = RoundsAway(mode, d.negative, false, -1, true);
    d.digits.clear();
    if (away) {
      d.digits = "1";
      d.exp = 1 - scale;
    }
    return d;
  }
  char first = d.digits[keep];
  bool rest = d.digits.find_first_not_of('0', keep + 1) != std::string::npos;
  int cmp = first > '5' || (first == '5' && rest) ? 1 : first == '5' ? 0 : -1;
  bool last_odd = keep > 0 && (d.digits[keep - 1] - '0') % 2 == 1;
  away = RoundsAway(mode, d.negative, last_odd, cmp, first != '0' || rest);
  d.digits.resize(keep);
  if (away) {
    int64_t i = keep - 1;
    while (i >= 0 && d.digits[i] == '9') d.digits[i--] = '0';
    if (i >= 0) {
      ++d.digits[i];
    } else {
      d.digits.insert(d.digits.begin(), '1');
      ++d.exp;
    }
  }
  while (!d.digits.empty() && d.digits.back() == '0') d.digits.pop_back();
  return d;
}

double DigitsToDouble(const Digits& d) {
  if (d.digits.empty()) return 0.0;  // BigDecimal has no negative zero
  std::string text = fmt::format("{}0.{}e{}", d.negative ? "-" : "", d.digits, d.exp);
  return std::strtod(text.c_str(), nullptr);
}

// The unscaled value of `d` at `scale` (which holds all its digits), or
// nullopt beyond 76 digits.
std::optional<arrow::Decimal256> DigitsToUnscaled(const Digits& d, int scale) {
  arrow::Decimal256 v(0);
  int64_t zeros = int64_t{d.exp} - static_cast<int64_t>(d.digits.size()) + scale;
  if (d.digits.empty()) return v;
  if (zeros < 0 || static_cast<int64_t>(d.digits.size()) + zeros > 76) return std::nullopt;
  for (char c : d.digits) v = v * arrow::Decimal256(10) + arrow::Decimal256(c - '0');
  for (int64_t i = 0; i < zeros; ++i) v *= arrow::Decimal256(10);
  return d.negative ? -v : v;
}

arrow::Decimal256 Pow10(int n) { return arrow::Decimal256::GetScaleMultiplier(n); }

// An unscaled decimal at `scale` rounded to `to` fraction digits (negative:
// to tens, ...), returned at scale max(to, 0). `drop` beyond 76 digits rounds
// as a value below half a unit.
arrow::Decimal256 RoundUnscaled(const arrow::Decimal256& v, int scale, int to, RoundMode mode) {
  int drop = scale - to;
  if (drop <= 0) return v;
  bool negative = v.IsNegative();
  arrow::Decimal256 q(0), rem = v;
  if (drop <= 76) {
    auto divided = v.Divide(Pow10(drop));
    if (divided.ok()) std::tie(q, rem) = *divided;
  }
  bool dropped = rem != arrow::Decimal256(0);
  int cmp = -1;
  if (drop <= 76) {
    arrow::Decimal256 twice = rem.Abs() * arrow::Decimal256(2);
    arrow::Decimal256 unit = Pow10(drop);
    cmp = twice > unit ? 1 : twice == unit ? 0 : -1;
  }
  bool last_odd = (q.low_bits() & 1) != 0;
  if (RoundsAway(mode, negative, last_odd, cmp, dropped)) {
    q += negative ? arrow::Decimal256(-1) : arrow::Decimal256(1);
  }
  if (to < 0) q *= Pow10(-to);
  return q;
}

// The DECIMAL a rounding of `in` to `scale` gives (Spark's RoundBase).
DataTypePtr RoundedDecimalType(int precision, int in_scale, int scale) {
  int integral = precision - in_scale + 1;
  if (scale < 0) return types::Decimal(std::min(std::max(integral, 1 - scale), 38), 0);
  int s = std::min(in_scale, scale);
  return types::Decimal(std::min(integral + s, 38), s);
}

// The precision and scale a number rounds as when its result is a DECIMAL.
std::pair<int, int> AsDecimal(const DataType& t) {
  switch (t.id()) {
    case TypeId::kByte: return {3, 0};
    case TypeId::kShort: return {5, 0};
    case TypeId::kInt: return {10, 0};
    case TypeId::kLong: return {20, 0};
    case TypeId::kFloat: return {14, 7};
    case TypeId::kDouble: return {30, 15};
    case TypeId::kDecimal: {
      const auto& d = static_cast<const DecimalType&>(t);
      return {d.precision(), d.scale()};
    }
    default: return {38, 18};
  }
}

arrow::Status RoundOutOfRange(const arrow::Decimal256& v, int precision, int scale) {
  return SparkError("NUMERIC_VALUE_OUT_OF_RANGE.WITHOUT_SUGGESTION", "22003",
                    fmt::format(" The {} cannot be represented as Decimal({}, {}).",
                                v.ToString(scale), precision, scale));
}

// Rounds decimals (any input scale) into a DECIMAL result.
arrow::Result<arrow::Datum> RoundDecimals(const FunctionArgs& a, int scale, RoundMode mode) {
  const auto& out = static_cast<const DecimalType&>(a.result_type);
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(out));
  ARROW_ASSIGN_OR_RAISE(auto arrays, Expand(a));
  const arrow::Array& in = *arrays[0];
  const bool is_decimal = in.type_id() == arrow::Type::DECIMAL128;
  const int in_scale =
      is_decimal ? static_cast<const arrow::Decimal128Type&>(*in.type()).scale() : 0;
  arrow::Decimal128Builder builder(arrow_type);
  ARROW_RETURN_NOT_OK(builder.Reserve(a.num_rows));
  for (int64_t i = 0; i < a.num_rows; ++i) {
    if (in.IsNull(i)) {
      builder.UnsafeAppendNull();
      continue;
    }
    std::optional<arrow::Decimal256> r;
    if (is_decimal) {
      arrow::Decimal256 v(arrow::Decimal128(static_cast<const arrow::Decimal128Array&>(in).GetValue(i)));
      r = RoundUnscaled(v, in_scale, scale, mode);
    } else if (in.type_id() == arrow::Type::DOUBLE || in.type_id() == arrow::Type::FLOAT) {
      double x = DoubleAt(in, i);
      if (std::isnan(x) || std::isinf(x)) {
        return SparkError("CAST_OVERFLOW", "22003",
                          fmt::format("The value {} of the type \"DOUBLE\" cannot be cast to "
                                      "\"DECIMAL({}, {})\" due to an overflow.",
                                      x, out.precision(), out.scale()));
      }
      // Spark reads the value as a DECIMAL(30, 15) (a float as DECIMAL(14, 7)) first.
      const double limit = in.type_id() == arrow::Type::FLOAT ? 1e7 : 1e15;
      if (std::fabs(x) >= limit) {
        if (!a.ctx.ansi) {
          builder.UnsafeAppendNull();
          continue;
        }
        return NumericValueOutOfRange(fmt::format("{}", x), out.precision(), out.scale());
      }
      // Rounded to the result's scale (a double has at most 15 fraction digits kept).
      r = DigitsToUnscaled(RoundDigits(ShortestDigits(x), scale < 0 ? scale : out.scale(), mode),
                           out.scale());
    } else {
      r = RoundUnscaled(arrow::Decimal256(IntAt(in, i)), 0, scale, mode);
    }
    if (!r || !FitsPrecision(*r, out.precision())) {
      if (!a.ctx.ansi) {
        builder.UnsafeAppendNull();
        continue;
      }
      if (!r) return NumericValueOutOfRange(fmt::format("{}", DoubleAt(in, i)), out.precision(), out.scale());
      return RoundOutOfRange(*r, out.precision(), out.scale());
    }
    builder.UnsafeAppend(ToDecimal128(*r));
  }
  ARROW_ASSIGN_OR_RAISE(ArrayPtr result, builder.Finish());
  return arrow::Datum(result);
}

// round/bround of an integral (a negative scale rounds to tens, ...).
arrow::Result<arrow::Datum> RoundIntegers(const FunctionArgs& a, int scale, RoundMode mode) {
  const int width = BitWidth(a.result_type);
  const __int128 max = (static_cast<__int128>(1) << (width - 1)) - 1, min = -max - 1;
  ARROW_ASSIGN_OR_RAISE(
      auto wide, (MapRows<arrow::Int64Builder>(
                     a, [&](const std::vector<ArrayPtr>& v, int64_t i) -> Maybe<int64_t> {
                       int64_t x = IntAt(*v[0], i);
                       if (scale >= 0) return x;
                       if (scale < -38) return 0;
                       __int128 unit = 1;
                       for (int k = 0; k < -scale; ++k) unit *= 10;
                       __int128 q = x / unit, rem = x % unit;
                       __int128 twice = (rem < 0 ? -rem : rem) * 2;
                       int cmp = twice > unit ? 1 : twice == unit ? 0 : -1;
                       if (RoundsAway(mode, x < 0, (q & 1) != 0, cmp, rem != 0)) q += x < 0 ? -1 : 1;
                       __int128 r = q * unit;
                       if (r < min || r > max) {
                         if (a.ctx.ansi) {
                           return SparkError("ARITHMETIC_OVERFLOW", "22003",
                                             "Overflow. If necessary set \"spark.sql.ansi.enabled\" "
                                             "to \"false\" to bypass this error.");
                         }
                       }
                       return static_cast<int64_t>(r);
                     })));
  return NarrowTo(wide, a.result_type);
}

arrow::Result<arrow::Datum> RoundDoubles(const FunctionArgs& a, int scale, RoundMode mode) {
  ARROW_ASSIGN_OR_RAISE(
      auto out, (MapRows<arrow::DoubleBuilder>(
                    a, [&](const std::vector<ArrayPtr>& v, int64_t i) -> Maybe<double> {
                      double x = DoubleAt(*v[0], i);
                      if (std::isnan(x) || std::isinf(x)) return x;
                      return DigitsToDouble(RoundDigits(ShortestDigits(x), scale, mode));
                    })));
  if (a.result_type.id() == TypeId::kFloat) return cp::Cast(out, arrow::float32());
  return out;
}

// round(x[, scale]) / bround(x[, scale]): the scale must be a constant.
arrow::Result<BoundExprPtr> BindRound(const std::string& name, std::vector<BoundExprPtr> args,
                                      const std::string&) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 2));
  if (args.size() == 1) {
    args.push_back(std::make_shared<BoundLiteral>(arrow::MakeScalar(int32_t{0}), types::Int(), "0"));
  }
  std::string pretty = fmt::format("{}({}, {})", name, args[0]->name(), args[1]->name());
  if (args[0]->type()->id() == TypeId::kString) args[0] = ImplicitCast(args[0], types::Double());
  if (!args[0]->type()->IsNumeric() && args[0]->type()->id() != TypeId::kNull) {
    return WrongType(*args[0], 0, "\"NUMERIC\"", pretty);
  }
  if (args[0]->type()->id() == TypeId::kNull) args[0] = ImplicitCast(args[0], types::Double());
  if (!IsFoldable(*args[1])) {
    return DataTypeMismatch("NON_FOLDABLE_INPUT", pretty,
                            fmt::format("the input `scale` should be a foldable \"INT\" "
                                        "expression; however, got \"{}\"",
                                        args[1]->name()));
  }
  if (!NumericLike(*args[1]->type())) return WrongType(*args[1], 1, "\"INT\"", pretty);
  ARROW_ASSIGN_OR_RAISE(auto scale_value, FoldTo(args[1], types::Int()));
  const bool null_scale = !scale_value->is_valid;
  const int scale = null_scale ? 0 : static_cast<const arrow::Int32Scalar&>(*scale_value).value;
  const RoundMode mode = name == "bround" ? RoundMode::kHalfEven : RoundMode::kHalfUp;
  DataTypePtr type = args[0]->type();
  if (type->id() == TypeId::kDecimal) {
    auto [p, s] = AsDecimal(*type);
    type = RoundedDecimalType(p, s, scale);
  }
  FunctionImpl impl = [scale, mode, null_scale](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    if (null_scale) return arrow::Datum(arrow::MakeNullScalar(a.values[0].type()));
    switch (a.result_type.id()) {
      case TypeId::kDecimal: return RoundDecimals(a, scale, mode);
      case TypeId::kFloat:
      case TypeId::kDouble: return RoundDoubles(a, scale, mode);
      default: return RoundIntegers(a, scale, mode);
    }
  };
  if (null_scale) {
    ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(*type));
    impl = [arrow_type](const FunctionArgs&) -> arrow::Result<arrow::Datum> {
      return arrow::Datum(arrow::MakeNullScalar(arrow_type));
    };
  }
  args.pop_back();
  return MakeFunction(name, impl, type, std::move(args), pretty, true);
}

// floor(x) / ceil(x): BIGINT (a double saturates, NaN is 0), a DECIMAL keeps
// its integral digits. floor(x, scale) / ceil(x, scale): a DECIMAL.
arrow::Result<BoundExprPtr> BindFloorCeil(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  const bool is_floor = name == "floor";
  if (args.size() > 2) return WrongNumArgs(name, "2", args.size());
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 2));
  const RoundMode mode = is_floor ? RoundMode::kFloor : RoundMode::kCeiling;
  if (args.size() == 1) {
    std::string printed = name == "ceiling" ? pretty : Renamed(pretty, is_floor ? "FLOOR" : "CEIL");
    const DataType& t = *args[0]->type();
    if (t.id() == TypeId::kDecimal) {
      auto [p, s] = AsDecimal(t);
      DataTypePtr type = RoundedDecimalType(p, s, 0);
      return MakeFunction(name, [mode](const FunctionArgs& a) { return RoundDecimals(a, 0, mode); },
                          type, std::move(args), printed, true);
    }
    if (!NumericLike(t)) {
      return WrongType(*args[0], 0, "(\"DOUBLE\" or \"DECIMAL\" or \"BIGINT\")", printed);
    }
    bool integral = t.IsIntegral();
    args[0] = ImplicitCast(args[0], integral ? types::Long() : types::Double());
    auto impl = [is_floor](const FunctionArgs& a) {
      return MapRows<arrow::Int64Builder>(
          a, [is_floor](const std::vector<ArrayPtr>& v, int64_t i) -> Maybe<int64_t> {
            if (v[0]->type_id() == arrow::Type::INT64) return IntAt(*v[0], i);
            double x = DoubleAt(*v[0], i);
            x = is_floor ? std::floor(x) : std::ceil(x);
            if (std::isnan(x)) return 0;
            if (x >= 9.2233720368547758e18) return INT64_MAX;
            if (x <= -9.2233720368547758e18) return INT64_MIN;
            return static_cast<int64_t>(x);
          });
    };
    return MakeFunction(name, impl, types::Long(), std::move(args), printed, true);
  }
  const arrow::Scalar* scale_value = ConstantValue(*args[1]);
  if (scale_value == nullptr || !scale_value->is_valid || !args[1]->type()->IsIntegral()) {
    return SparkError("NON_FOLDABLE_ARGUMENT", "42K08",
                      fmt::format("The function `{}` requires the parameter `scale` to be a "
                                  "foldable expression of the type \"INT\", but the actual "
                                  "argument is a non-foldable.",
                                  name));
  }
  ARROW_ASSIGN_OR_RAISE(auto scale_int, FoldTo(args[1], types::Int()));
  const int scale = static_cast<const arrow::Int32Scalar&>(*scale_int).value;
  const DataType& t = *args[0]->type();
  if (!NumericLike(t)) {
    return WrongType(*args[0], 0, "(\"DECIMAL\" or \"DOUBLE\" or \"BIGINT\")", pretty);
  }
  if (t.id() == TypeId::kString || t.id() == TypeId::kNull) {
    args[0] = ImplicitCast(args[0], types::Decimal(38, 18));
  }
  auto [p, s] = AsDecimal(*args[0]->type());
  DataTypePtr type = RoundedDecimalType(p, s, scale);
  args.pop_back();
  return MakeFunction(name,
                      [scale, mode](const FunctionArgs& a) { return RoundDecimals(a, scale, mode); },
                      type, std::move(args), pretty, true);
}

// ---------------------------------------------------------------------------
// Integer functions: factorial, bin, hex, unhex, conv.

// factorial(n): BIGINT; NULL outside 0..20 (21! overflows a long).
arrow::Result<BoundExprPtr> BindFactorial(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  ARROW_ASSIGN_OR_RAISE(args[0], CastNumeric(args[0], 0, types::Int(), pretty));
  auto impl = [](const FunctionArgs& a) {
    return MapRows<arrow::Int64Builder>(
        a, [](const std::vector<ArrayPtr>& v, int64_t i) -> Maybe<int64_t> {
          int64_t n = IntAt(*v[0], i);
          if (n < 0 || n > 20) return std::nullopt;
          int64_t f = 1;
          for (int64_t k = 2; k <= n; ++k) f *= k;
          return f;
        });
  };
  return MakeFunction(name, impl, types::Long(), std::move(args), pretty, true);
}

// Digits of an unsigned value in `radix` (2..36), upper case.
std::string ToRadix(uint64_t v, int radix) {
  if (v == 0) return "0";
  std::string out;
  while (v != 0) {
    out += "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[v % radix];
    v /= radix;
  }
  return std::string(out.rbegin(), out.rend());
}

// bin(x): the two's complement bits of x as a BIGINT.
arrow::Result<BoundExprPtr> BindBin(const std::string& name, std::vector<BoundExprPtr> args,
                                    const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  // A value that is not already an integer may fail its cast: Spark marks the result nullable.
  bool nullable = args[0]->nullable() || !args[0]->type()->IsIntegral();
  ARROW_ASSIGN_OR_RAISE(args[0], CastNumeric(args[0], 0, types::Long(), pretty));
  auto impl = [](const FunctionArgs& a) {
    return MapRows<arrow::StringBuilder>(
        a, [](const std::vector<ArrayPtr>& v, int64_t i) -> Maybe<std::string> {
          return ToRadix(static_cast<uint64_t>(IntAt(*v[0], i)), 2);
        });
  };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, nullable);
}

// hex(x): a number as the hex digits of its BIGINT, a string or binary as the
// hex of its bytes (upper case).
arrow::Result<BoundExprPtr> BindHex(const std::string& name, std::vector<BoundExprPtr> args,
                                    const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  const DataType& t = *args[0]->type();
  bool nullable = args[0]->nullable() || (t.IsNumeric() && !t.IsIntegral());
  if (t.IsNumeric()) {
    args[0] = ImplicitCast(args[0], types::Long());
  } else if (t.id() != TypeId::kString && t.id() != TypeId::kBinary) {
    if (t.IsNested() || t.id() == TypeId::kInterval) {
      return WrongType(*args[0], 0, "(\"BIGINT\" or \"BINARY\" or \"STRING\")", pretty);
    }
    args[0] = ImplicitCast(args[0], types::String());
  }
  auto impl = [](const FunctionArgs& a) {
    return MapRows<arrow::StringBuilder>(
        a, [](const std::vector<ArrayPtr>& v, int64_t i) -> Maybe<std::string> {
          if (v[0]->type_id() == arrow::Type::INT64) {
            return ToRadix(static_cast<uint64_t>(IntAt(*v[0], i)), 16);
          }
          auto bytes = static_cast<const arrow::BinaryArray&>(*v[0]).GetView(i);
          std::string out;
          out.reserve(bytes.size() * 2);
          for (unsigned char c : bytes) {
            out += "0123456789ABCDEF"[c >> 4];
            out += "0123456789ABCDEF"[c & 15];
          }
          return out;
        });
  };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, nullable);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// unhex(s): bytes from hex digits (an odd count reads a leading 0); NULL for
// any other character.
arrow::Result<BoundExprPtr> BindUnhex(const std::string& name, std::vector<BoundExprPtr> args,
                                      const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  const DataType& t = *args[0]->type();
  if (t.IsNested() || t.id() == TypeId::kInterval) {
    return WrongType(*args[0], 0, "\"STRING\"", pretty);
  }
  args[0] = ImplicitCast(args[0], types::String());
  auto impl = [](const FunctionArgs& a) {
    return MapRows<arrow::BinaryBuilder>(
        a, [](const std::vector<ArrayPtr>& v, int64_t i) -> Maybe<std::string> {
          auto s = static_cast<const arrow::StringArray&>(*v[0]).GetView(i);
          std::string out;
          size_t k = 0;
          if (s.size() % 2 == 1) {
            int d = HexDigit(s[0]);
            if (d < 0) return std::nullopt;
            out += static_cast<char>(d);
            k = 1;
          }
          for (; k < s.size(); k += 2) {
            int hi = HexDigit(s[k]), lo = HexDigit(s[k + 1]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
          }
          return out;
        });
  };
  return MakeFunction(name, impl, types::Binary(), std::move(args), pretty, true);
}

// conv(num, from_base, to_base): `num` (trimmed, read up to its first
// invalid digit) as an unsigned 64-bit value; a negative to_base prints it
// signed. Bases outside 2..36 and empty input are NULL; a value beyond 64
// bits is ARITHMETIC_OVERFLOW under ANSI mode, all ones otherwise.
arrow::Result<std::optional<std::string>> Conv(std::string_view s, int64_t from, int64_t to,
                                               bool ansi) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty() || from < 2 || from > 36 || std::abs(to) < 2 || std::abs(to) > 36) {
    return std::nullopt;
  }
  bool negative = s[0] == '-';
  if (negative) s.remove_prefix(1);
  uint64_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'z' ? c - 'a' + 10
            : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                                   : 99;
    if (d >= from) break;
    uint64_t next;
    if (__builtin_mul_overflow(v, static_cast<uint64_t>(from), &next) ||
        __builtin_add_overflow(next, static_cast<uint64_t>(d), &next)) {
      if (ansi) {
        return SparkError("ARITHMETIC_OVERFLOW", "22003",
                          "Overflow in function conv(). If necessary set "
                          "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error.");
      }
      v = ~uint64_t{0};
      break;
    }
    v = next;
  }
  if (negative && to > 0) {
    v = static_cast<int64_t>(v) < 0 ? ~uint64_t{0} : uint64_t{0} - v;
  }
  if (to < 0 && static_cast<int64_t>(v) < 0) {
    v = uint64_t{0} - v;
    negative = true;
  }
  std::string out = ToRadix(v, static_cast<int>(std::abs(to)));
  if (negative && to < 0) out = "-" + out;
  return out;
}

arrow::Result<BoundExprPtr> BindConv(const std::string& name, std::vector<BoundExprPtr> args,
                                     const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 3, 3));
  const DataType& t = *args[0]->type();
  if (t.IsNested() || t.id() == TypeId::kBinary || t.id() == TypeId::kInterval) {
    return WrongType(*args[0], 0, "\"STRING\"", pretty);
  }
  args[0] = ImplicitCast(args[0], types::String());
  for (size_t i = 1; i < 3; ++i) {
    ARROW_ASSIGN_OR_RAISE(args[i], CastNumeric(args[i], i, types::Int(), pretty));
  }
  auto impl = [](const FunctionArgs& a) {
    return MapRows<arrow::StringBuilder>(
        a, [&a](const std::vector<ArrayPtr>& v, int64_t i) {
          return Conv(static_cast<const arrow::StringArray&>(*v[0]).GetView(i), IntAt(*v[1], i),
                      IntAt(*v[2], i), a.ctx.ansi);
        });
  };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, true);
}

// ---------------------------------------------------------------------------
// pmod, nanvl, isnan, width_bucket, zeroifnull, nullifzero.

arrow::Status RemainderByZero() {
  return SparkError("REMAINDER_BY_ZERO", "22012",
                    "Remainder by zero. Use `try_mod` to tolerate divisor being 0 and return NULL "
                    "instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass "
                    "this error.");
}

// pmod(a, n): the remainder of a / n made non-negative for n > 0, with the
// types of a % n; a zero divisor is REMAINDER_BY_ZERO under ANSI mode, NULL otherwise.
arrow::Result<arrow::Datum> RunPmod(const FunctionArgs& a) {
  const DataType& type = a.result_type;
  if (type.id() == TypeId::kDecimal) {
    const int ls = static_cast<const DecimalType&>(*a.exprs[0]->type()).scale();
    const int rs = static_cast<const DecimalType&>(*a.exprs[1]->type()).scale();
    const auto& out = static_cast<const DecimalType&>(type);
    ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(out));
    ARROW_ASSIGN_OR_RAISE(auto arrays, Expand(a));
    arrow::Decimal128Builder builder(arrow_type);
    for (int64_t i = 0; i < a.num_rows; ++i) {
      if (AnyNull(arrays, i)) {
        ARROW_RETURN_NOT_OK(builder.AppendNull());
        continue;
      }
      auto dec = [&](int k) {
        return arrow::Decimal256(arrow::Decimal128(
            static_cast<const arrow::Decimal128Array&>(*arrays[k]).GetValue(i)));
      };
      DecimalValue x{dec(0), ls}, n{dec(1), rs};
      auto r = DecimalBinary('%', x, n, out.scale());
      if (!r) {
        if (a.ctx.ansi) return RemainderByZero();
        ARROW_RETURN_NOT_OK(builder.AppendNull());
        continue;
      }
      if (r->IsNegative()) {
        auto sum = DecimalBinary('+', DecimalValue{*r, out.scale()}, n, out.scale());
        r = DecimalBinary('%', DecimalValue{*sum, out.scale()}, n, out.scale());
      }
      ARROW_RETURN_NOT_OK(builder.Append(ToDecimal128(*r)));
    }
    ARROW_ASSIGN_OR_RAISE(ArrayPtr result, builder.Finish());
    return arrow::Datum(result);
  }
  if (type.id() == TypeId::kFloat || type.id() == TypeId::kDouble) {
    ARROW_ASSIGN_OR_RAISE(
        auto out, (MapRows<arrow::DoubleBuilder>(
                      a, [&a](const std::vector<ArrayPtr>& v, int64_t i) -> Maybe<double> {
                        double x = DoubleAt(*v[0], i), n = DoubleAt(*v[1], i);
                        if (n == 0) {
                          if (a.ctx.ansi) return RemainderByZero();
                          return std::nullopt;
                        }
                        double r = std::fmod(x, n);
                        return r < 0 ? std::fmod(r + n, n) : r;
                      })));
    return out;
  }
  ARROW_ASSIGN_OR_RAISE(
      auto wide, (MapRows<arrow::Int64Builder>(
                     a, [&a](const std::vector<ArrayPtr>& v, int64_t i) -> Maybe<int64_t> {
                       int64_t x = IntAt(*v[0], i), n = IntAt(*v[1], i);
                       if (n == 0) {
                         if (a.ctx.ansi) return RemainderByZero();
                         return std::nullopt;
                       }
                       if (n == -1) return 0;
                       int64_t r = x % n;
                       return r < 0 ? (r + n) % n : r;
                     })));
  return NarrowTo(wide, type);
}

arrow::Result<BoundExprPtr> BindPmod(const std::string& name, std::vector<BoundExprPtr> args,
                                     const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  // The operands are coerced as for %, whose binding also checks their types.
  ARROW_ASSIGN_OR_RAISE(auto mod, BindCall("%", args, pretty));
  // A NULL operand folds % to NULL; pmod too.
  if (mod->kind() == BoundExpr::Kind::kLiteral) return NullLiteral(mod->type(), pretty);
  std::vector<BoundExprPtr> coerced = mod->children();
  DataTypePtr type = mod->type();
  if (type->id() == TypeId::kFloat) {
    // Spark computes pmod of floats in DOUBLE.
    type = types::Double();
    for (auto& arg : coerced) arg = ImplicitCast(arg, type);
  }
  return MakeFunction(name, RunPmod, type, std::move(coerced), pretty, true);
}

arrow::Result<BoundExprPtr> BindNanvl(const std::string& name, std::vector<BoundExprPtr> args,
                                      const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  for (size_t i = 0; i < 2; ++i) {
    ARROW_ASSIGN_OR_RAISE(args[i], CastNumeric(args[i], i, types::Double(), pretty));
  }
  bool nullable = AnyNullable(args);
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto arrays, Expand(a));
    const auto& x = static_cast<const arrow::DoubleArray&>(*arrays[0]);
    const auto& y = static_cast<const arrow::DoubleArray&>(*arrays[1]);
    arrow::DoubleBuilder builder;
    ARROW_RETURN_NOT_OK(builder.Reserve(a.num_rows));
    for (int64_t i = 0; i < a.num_rows; ++i) {
      const arrow::DoubleArray& pick = !x.IsNull(i) && std::isnan(x.Value(i)) ? y : x;
      if (pick.IsNull(i)) {
        builder.UnsafeAppendNull();
      } else {
        builder.UnsafeAppend(pick.Value(i));
      }
    }
    ARROW_ASSIGN_OR_RAISE(ArrayPtr out, builder.Finish());
    return arrow::Datum(out);
  };
  return MakeFunction(name, impl, types::Double(), std::move(args), pretty, nullable);
}

// isnan(x): false for NULL.
arrow::Result<BoundExprPtr> BindIsnan(const std::string& name, std::vector<BoundExprPtr> args,
                                      const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  ARROW_ASSIGN_OR_RAISE(args[0], CastNumeric(args[0], 0, types::Double(), pretty));
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto arrays, Expand(a));
    const auto& x = static_cast<const arrow::DoubleArray&>(*arrays[0]);
    arrow::BooleanBuilder builder;
    ARROW_RETURN_NOT_OK(builder.Reserve(a.num_rows));
    for (int64_t i = 0; i < a.num_rows; ++i) {
      builder.UnsafeAppend(!x.IsNull(i) && std::isnan(x.Value(i)));
    }
    ARROW_ASSIGN_OR_RAISE(ArrayPtr out, builder.Finish());
    return arrow::Datum(out);
  };
  return MakeFunction(name, impl, types::Boolean(), std::move(args), pretty, false);
}

// width_bucket(v, min, max, n): the 1-based bucket of v among n equal buckets
// of [min, max) (or (max, min] when min > max), 0 below and n + 1 above;
// NULL for n <= 0, n = Long.MaxValue, min = max, or NaN / infinite bounds.
arrow::Result<BoundExprPtr> BindWidthBucket(const std::string& name, std::vector<BoundExprPtr> args,
                                            const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 4, 4));
  for (size_t i = 0; i < 3; ++i) {
    ARROW_ASSIGN_OR_RAISE(args[i], CastNumeric(args[i], i, types::Double(), pretty));
  }
  ARROW_ASSIGN_OR_RAISE(args[3], CastNumeric(args[3], 3, types::Long(), pretty));
  auto impl = [](const FunctionArgs& a) {
    return MapRows<arrow::Int64Builder>(
        a, [](const std::vector<ArrayPtr>& v, int64_t i) -> Maybe<int64_t> {
          double x = DoubleAt(*v[0], i), lo = DoubleAt(*v[1], i), hi = DoubleAt(*v[2], i);
          int64_t n = IntAt(*v[3], i);
          if (n <= 0 || n == INT64_MAX || std::isnan(x) || lo == hi || !std::isfinite(lo) ||
              !std::isfinite(hi)) {
            return std::nullopt;
          }
          double lower = std::min(lo, hi), upper = std::max(lo, hi);
          if (lo < hi) {
            if (x < lower) return 0;
            if (x >= upper) return n + 1;
            return static_cast<int64_t>(static_cast<double>(n) * (x - lower) / (upper - lower)) + 1;
          }
          if (x > upper) return 0;
          if (x <= lower) return n + 1;
          return static_cast<int64_t>(static_cast<double>(n) * (upper - x) / (upper - lower)) + 1;
        });
  };
  return MakeFunction(name, impl, types::Long(), std::move(args), pretty, true);
}

arrow::Result<std::shared_ptr<arrow::Scalar>> ZeroOf(const DataType& type) {
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(type));
  if (type.id() == TypeId::kDecimal) {
    return std::make_shared<arrow::Decimal128Scalar>(arrow::Decimal128(0), arrow_type);
  }
  return arrow::Scalar::Parse(arrow_type, "0");
}

// zeroifnull(x) = coalesce(x, 0); nullifzero(x) = NULL when x = 0.
arrow::Result<BoundExprPtr> BindZeroNull(const std::string& name, std::vector<BoundExprPtr> args,
                                         const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  const DataType& t = *args[0]->type();
  if (t.id() == TypeId::kNull) args[0] = ImplicitCast(args[0], types::Int());
  if (t.id() == TypeId::kString) args[0] = ImplicitCast(args[0], types::Double());
  if (!args[0]->type()->IsNumeric()) return WrongType(*args[0], 0, "\"NUMERIC\"", pretty);
  const bool to_zero = name == "zeroifnull";
  // zeroifnull's result is the wider of x and the INT 0 (coalesce's coercion).
  DataTypePtr type = to_zero ? WiderType(args[0]->type(), types::Int()) : args[0]->type();
  args[0] = ImplicitCast(args[0], type);
  ARROW_ASSIGN_OR_RAISE(auto zero, ZeroOf(*type));
  auto impl = [zero, to_zero](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    if (to_zero) return cp::CallFunction("coalesce", {a.values[0], zero});
    ARROW_ASSIGN_OR_RAISE(auto is_zero, cp::CallFunction("equal", {a.values[0], zero}));
    return cp::CallFunction("if_else",
                            {is_zero, arrow::MakeNullScalar(zero->type), a.values[0]});
  };
  return MakeFunction(name, impl, type, std::move(args), pretty, !to_zero);
}

// ---------------------------------------------------------------------------
// try_add, try_subtract, try_multiply, try_divide, try_mod: the operator's
// types, NULL instead of an overflow or a zero divisor.

arrow::Result<BoundExprPtr> BindTryArithmetic(const std::string& name, std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  const std::string op = name == "try_add"        ? "+"
                         : name == "try_subtract" ? "-"
                         : name == "try_multiply" ? "*"
                         : name == "try_divide"   ? "/"
                                                  : "%";
  // A date moves by days (date_add / date_sub), as Spark's try_add does.
  auto is_date = [&](size_t i) { return args[i]->type()->id() == TypeId::kDate; };
  auto is_integral = [&](size_t i) { return args[i]->type()->IsIntegral(); };
  if ((op == "+" || op == "-") && is_date(0) && is_integral(1)) {
    ARROW_ASSIGN_OR_RAISE(auto moved, BindCall(op == "+" ? "date_add" : "date_sub", args, pretty));
    if (moved->kind() != BoundExpr::Kind::kFunction) return NullLiteral(moved->type(), pretty);
    return MakeFunction(name, static_cast<const BoundFunction&>(*moved).impl(), moved->type(),
                        moved->children(), pretty, true);
  }
  if (op == "+" && is_integral(0) && is_date(1)) {
    return BindTryArithmetic(name, {args[1], args[0]}, pretty);
  }
  ARROW_ASSIGN_OR_RAISE(auto bound, BindCall(op, args, pretty));
  if (bound->kind() != BoundExpr::Kind::kFunction) return bound;
  const auto& fn = static_cast<const BoundFunction&>(*bound);
  FunctionImpl inner = fn.impl();
  const DataType& type = *bound->type();
  if (type.IsIntegral() && op != "/") {
    const char c = op[0];
    auto impl = [c](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
      const int width = BitWidth(a.result_type);
      const int64_t max = width == 64 ? INT64_MAX : (int64_t{1} << (width - 1)) - 1;
      const int64_t min = -max - 1;
      ARROW_ASSIGN_OR_RAISE(
          auto wide, (MapRows<arrow::Int64Builder>(
                         a, [=](const std::vector<ArrayPtr>& v, int64_t i) -> Maybe<int64_t> {
                           int64_t x = IntAt(*v[0], i), y = IntAt(*v[1], i), r;
                           bool overflow = false;
                           switch (c) {
                             case '+': overflow = __builtin_add_overflow(x, y, &r); break;
                             case '-': overflow = __builtin_sub_overflow(x, y, &r); break;
                             case '*': overflow = __builtin_mul_overflow(x, y, &r); break;
                             default:
                               if (y == 0) return std::nullopt;
                               r = y == -1 ? 0 : x % y;
                           }
                           if (overflow || r < min || r > max) return std::nullopt;
                           return r;
                         })));
      return NarrowTo(wide, a.result_type);
    };
    return MakeFunction(name, impl, bound->type(), bound->children(), pretty, true);
  }
  auto impl = [inner](const FunctionArgs& a) {
    EvalContext lenient = a.ctx;
    lenient.ansi = false;
    return inner(FunctionArgs{a.values, a.exprs, a.result_type, lenient, a.num_rows});
  };
  return MakeFunction(name, impl, bound->type(), bound->children(), pretty, true);
}

// ---------------------------------------------------------------------------
// Random numbers, as Spark draws them (common/xorshift_random.h), seeded
// with seed + partition index (0 here). With one partition the values equal
// Spark's.

// A generator shared by the batches of one bound expression, drawn in row order.
struct RandomState {
  explicit RandomState(int64_t seed) : rng(seed) {}
  std::mutex mutex;
  XorShiftRandom rng;
};

int64_t FreshSeed() {
  static std::atomic<uint64_t> counter{0};
  auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  uint64_t x = static_cast<uint64_t>(now) ^ (0x9e3779b97f4a7c15ull * ++counter);
  x ^= x >> 31;
  x *= 0xbf58476d1ce4e5b9ull;
  return static_cast<int64_t>(x ^ (x >> 29));
}

// The seed argument: a constant INT or BIGINT (NULL is 0), or a fresh one.
arrow::Result<int64_t> SeedOf(const std::vector<BoundExprPtr>& args,
                              size_t index, const std::string& pretty) {
  if (args.size() <= index) return FreshSeed();
  const BoundExpr& seed = *args[index];
  const TypeId id = seed.type()->id();
  if (id != TypeId::kInt && id != TypeId::kLong && id != TypeId::kNull) {
    return WrongType(seed, index, "(\"INT\" or \"BIGINT\")", pretty);
  }
  if (!IsFoldable(seed)) {
    return DataTypeMismatch("NON_FOLDABLE_INPUT", pretty,
                            fmt::format("the input `seed` should be a foldable \"INT\" or "
                                        "\"BIGINT\" expression; however, got \"{}\"",
                                        seed.name()));
  }
  ARROW_ASSIGN_OR_RAISE(auto value, FoldTo(args[index], types::Long()));
  return value->is_valid ? static_cast<const arrow::Int64Scalar&>(*value).value : 0;
}

// rand([seed]) / random([seed]): uniform in [0, 1); randn([seed]): standard normal.
arrow::Result<BoundExprPtr> BindRand(const std::string& name, std::vector<BoundExprPtr> args,
                                     const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 0, 1));
  ARROW_ASSIGN_OR_RAISE(int64_t seed, SeedOf(args, 0, pretty));
  std::string printed = fmt::format("{}({})", name == "randn" ? "randn" : "rand",
                                    args.empty() ? std::to_string(seed) : args[0]->name());
  auto state = std::make_shared<RandomState>(seed);
  const bool gaussian = name == "randn";
  auto impl = [state, gaussian](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    arrow::DoubleBuilder builder;
    ARROW_RETURN_NOT_OK(builder.Reserve(a.num_rows));
    std::lock_guard<std::mutex> lock(state->mutex);
    for (int64_t i = 0; i < a.num_rows; ++i) {
      builder.UnsafeAppend(gaussian ? state->rng.NextGaussian() : state->rng.NextDouble());
    }
    ARROW_ASSIGN_OR_RAISE(ArrayPtr out, builder.Finish());
    return arrow::Datum(out);
  };
  return MakeFunction(name, impl, types::Double(), {}, printed, false);
}

// uniform(min, max[, seed]): min + rand * (max - min), in the type of the
// bounds (the wider of double, float, decimal, long, int, ... in that order).
arrow::Result<BoundExprPtr> BindUniform(const std::string& name, std::vector<BoundExprPtr> args,
                                        const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 3));
  ARROW_ASSIGN_OR_RAISE(int64_t seed, SeedOf(args, 2, pretty));
  for (size_t i = 0; i < 2; ++i) {
    if (!args[i]->type()->IsNumeric() && args[i]->type()->id() != TypeId::kNull) {
      return WrongType(*args[i], i, "\"NUMERIC\"", pretty);
    }
    if (!IsFoldable(*args[i])) {
      return DataTypeMismatch("NON_FOLDABLE_INPUT", pretty,
                              fmt::format("the input `{}` should be a foldable \"NUMERIC\" "
                                          "expression; however, got \"{}\"",
                                          i == 0 ? "min" : "max", args[i]->name()));
    }
  }
  DataTypePtr type;
  for (TypeId id : {TypeId::kDouble, TypeId::kFloat, TypeId::kDecimal, TypeId::kLong, TypeId::kInt,
                    TypeId::kShort, TypeId::kByte}) {
    for (size_t i : {1, 0}) {
      if (!type && args[i]->type()->id() == id) type = args[i]->type();
    }
  }
  if (!type) type = types::Int();
  ARROW_ASSIGN_OR_RAISE(auto lo, FoldTo(args[0], types::Double()));
  ARROW_ASSIGN_OR_RAISE(auto hi, FoldTo(args[1], types::Double()));
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(*type));
  std::string printed = args.size() == 3 ? pretty
                                         : fmt::format("uniform({}, {}, {})", args[0]->name(),
                                                       args[1]->name(), seed);
  if (!lo->is_valid || !hi->is_valid) {
    auto impl = [arrow_type](const FunctionArgs&) -> arrow::Result<arrow::Datum> {
      return arrow::Datum(arrow::MakeNullScalar(arrow_type));
    };
    return MakeFunction(name, impl, type, {}, printed, true);
  }
  double min = static_cast<const arrow::DoubleScalar&>(*lo).value;
  double max = static_cast<const arrow::DoubleScalar&>(*hi).value;
  auto state = std::make_shared<RandomState>(seed);
  auto impl = [state, min, max, arrow_type](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    arrow::DoubleBuilder builder;
    ARROW_RETURN_NOT_OK(builder.Reserve(a.num_rows));
    {
      std::lock_guard<std::mutex> lock(state->mutex);
      for (int64_t i = 0; i < a.num_rows; ++i) {
        builder.UnsafeAppend(min + state->rng.NextDouble() * (max - min));
      }
    }
    ARROW_ASSIGN_OR_RAISE(ArrayPtr out, builder.Finish());
    if (arrow_type->id() == arrow::Type::DOUBLE) return arrow::Datum(out);
    if (arrow::is_integer(arrow_type->id())) {
      ARROW_ASSIGN_OR_RAISE(auto floored, cp::CallFunction("floor", {out}));
      return cp::Cast(floored, cp::CastOptions::Unsafe(arrow_type));
    }
    return cp::Cast(arrow::Datum(out), cp::CastOptions::Unsafe(arrow_type));
  };
  return MakeFunction(name, impl, type, {}, printed, false);
}

// randstr(length[, seed]): `length` characters drawn from 0-9, a-z, A-Z.
arrow::Result<BoundExprPtr> BindRandstr(const std::string& name, std::vector<BoundExprPtr> args,
                                        const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 2));
  ARROW_ASSIGN_OR_RAISE(int64_t seed, SeedOf(args, 1, pretty));
  const TypeId id = args[0]->type()->id();
  if (id != TypeId::kInt && id != TypeId::kShort && id != TypeId::kByte) {
    return WrongType(*args[0], 0, "\"INT\"", pretty);
  }
  if (!IsFoldable(*args[0])) {
    return DataTypeMismatch("NON_FOLDABLE_INPUT", pretty,
                            fmt::format("the input `length` should be a foldable \"INT\" "
                                        "expression; however, got \"{}\"",
                                        args[0]->name()));
  }
  ARROW_ASSIGN_OR_RAISE(auto length_value, FoldTo(args[0], types::Int()));
  int32_t length = length_value->is_valid ? static_cast<const arrow::Int32Scalar&>(*length_value).value : 0;
  if (length < 0) {
    return SparkError("INVALID_PARAMETER_VALUE.LENGTH", "22023",
                      fmt::format("The value of parameter(s) `length` in `randstr` is invalid: "
                                  "Expects `length` greater than or equal to 0, but got {}.",
                                  length));
  }
  std::string printed = args.size() == 2 ? pretty
                                         : fmt::format("randstr({}, {})", args[0]->name(), seed);
  auto state = std::make_shared<RandomState>(seed);
  auto impl = [state, length](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    static const char kPool[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    arrow::StringBuilder builder;
    ARROW_RETURN_NOT_OK(builder.Reserve(a.num_rows));
    std::lock_guard<std::mutex> lock(state->mutex);
    std::string s(length, ' ');
    for (int64_t i = 0; i < a.num_rows; ++i) {
      for (auto& c : s) c = kPool[std::abs(state->rng.Next(32) % 62)];
      ARROW_RETURN_NOT_OK(builder.Append(s));
    }
    ARROW_ASSIGN_OR_RAISE(ArrayPtr out, builder.Finish());
    return arrow::Datum(out);
  };
  return MakeFunction(name, impl, types::String(), {}, printed, false);
}

// uuid([seed]): a random version-4 UUID per row (a seed makes the sequence
// repeatable, though not Spark's).
arrow::Result<BoundExprPtr> BindUuid(const std::string& name, std::vector<BoundExprPtr> args,
                                     const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 0, 1));
  ARROW_ASSIGN_OR_RAISE(int64_t seed, SeedOf(args, 0, pretty));
  auto state = std::make_shared<RandomState>(seed);
  auto impl = [state](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    arrow::StringBuilder builder;
    ARROW_RETURN_NOT_OK(builder.Reserve(a.num_rows));
    std::lock_guard<std::mutex> lock(state->mutex);
    for (int64_t i = 0; i < a.num_rows; ++i) {
      uint64_t hi = (static_cast<uint64_t>(static_cast<uint32_t>(state->rng.Next(32))) << 32) |
                    static_cast<uint32_t>(state->rng.Next(32));
      uint64_t lo = (static_cast<uint64_t>(static_cast<uint32_t>(state->rng.Next(32))) << 32) |
                    static_cast<uint32_t>(state->rng.Next(32));
      hi = (hi & ~0xF000ull) | 0x4000ull;
      lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
      ARROW_RETURN_NOT_OK(builder.Append(fmt::format(
          "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF,
          lo >> 48, lo & 0xFFFFFFFFFFFFull)));
    }
    ARROW_ASSIGN_OR_RAISE(ArrayPtr out, builder.Finish());
    return arrow::Datum(out);
  };
  return MakeFunction(name, impl, types::String(), {}, "uuid()", false);
}

}  // namespace

void RegisterMathFunctions(FunctionRegistry& r) {
  for (const auto& f : kUnaryDouble) {
    r.Add(f.name, [&f](const std::string&, std::vector<BoundExprPtr> args,
                       const std::string& pretty) {
      return BindUnaryDouble(f, std::move(args), pretty);
    });
  }
  for (const auto& f : kBinaryDouble) {
    r.Add(f.name, [&f](const std::string&, std::vector<BoundExprPtr> args,
                       const std::string& pretty) {
      return BindBinaryDouble(f, std::move(args), pretty);
    });
  }
  r.Add("e", ConstantBinder(M_E, "E"));
  r.Add("pi", ConstantBinder(M_PI, "PI"));
  for (const char* op : {"&", "|", "^"}) r.Add(op, BindBitwiseBinary);
  r.Add("~", BindBitwiseNot);
  for (const char* name : {"shiftleft", "shiftright", "shiftrightunsigned", "<<", ">>", ">>>"}) {
    r.Add(name, BindShift);
  }
  r.Add("bit_count", BindBitCount);
  r.Add("bit_get", BindBitGet);
  r.Add("getbit", BindBitGet);
  for (const char* name : {"round", "bround"}) r.Add(name, BindRound);
  for (const char* name : {"floor", "ceil", "ceiling"}) r.Add(name, BindFloorCeil);
  r.Add("factorial", BindFactorial);
  r.Add("bin", BindBin);
  r.Add("hex", BindHex);
  r.Add("unhex", BindUnhex);
  r.Add("conv", BindConv);
  r.Add("pmod", BindPmod);
  r.Add("nanvl", BindNanvl);
  r.Add("isnan", BindIsnan);
  r.Add("width_bucket", BindWidthBucket);
  r.Add("zeroifnull", BindZeroNull);
  r.Add("nullifzero", BindZeroNull);
  for (const char* name : {"try_add", "try_subtract", "try_multiply", "try_divide", "try_mod"}) {
    r.Add(name, BindTryArithmetic);
  }
  for (const char* name : {"rand", "random", "randn"}) r.Add(name, BindRand);
  r.Add("uniform", BindUniform);
  r.Add("randstr", BindRandstr);
  r.Add("uuid", BindUuid);
}

}  // namespace spate
