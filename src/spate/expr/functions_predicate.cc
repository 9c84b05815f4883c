// Comparisons, boolean logic with SQL's three-valued NULL, null tests, IN,
// LIKE/RLIKE, and the conditional functions (CASE WHEN, coalesce, if, nvl).

#include <cmath>
#include <string_view>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/type_coercion.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;

FunctionImpl ArrowCall(std::string fn) {
  return [fn](const FunctionArgs& a) { return cp::CallFunction(fn, a.values); };
}

arrow::Status RequireBoolean(const BoundExpr& arg, size_t i, const std::string& pretty) {
  TypeId id = arg.type()->id();
  if (id == TypeId::kBoolean || id == TypeId::kNull) return arrow::Status::OK();
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                          fmt::format("The {} parameter requires the \"BOOLEAN\" type, however "
                                      "\"{}\" has the type {}",
                                      Ordinal(i), arg.name(), QuotedType(*arg.type())));
}

// Both sides of a comparison widen to a common type; no common type is
// Spark's BINARY_OP_DIFF_TYPES.
arrow::Status CoerceToCommon(std::vector<BoundExprPtr>& args, const std::string& pretty,
                             const char* sub_class = "BINARY_OP_DIFF_TYPES") {
  DataTypePtr common = args[0]->type();
  for (size_t i = 1; i < args.size() && common; ++i) common = WiderType(common, args[i]->type());
  if (!common) {
    if (args.size() == 2) {
      return DataTypeMismatch(sub_class, pretty,
                              fmt::format("the left and right operands of the binary operator "
                                          "have incompatible types ({} and {})",
                                          QuotedType(*args[0]->type()), QuotedType(*args[1]->type())));
    }
    std::string list;
    for (size_t i = 0; i < args.size(); ++i) list += (i ? ", " : "") + QuotedType(*args[i]->type());
    return DataTypeMismatch("DATA_DIFF_TYPES", pretty,
                            fmt::format("Input to `{}` should all be the same type, but it's [{}]",
                                        pretty, list));
  }
  for (auto& arg : args) arg = ImplicitCast(arg, common);
  return arrow::Status::OK();
}

// NULL = NULL compares two void operands; Arrow has no kernels over its null
// type, and any concrete type gives the same all-NULL answer.
void ConcretizeVoid(std::vector<BoundExprPtr>& args) {
  for (auto& arg : args) {
    if (arg->type()->id() == TypeId::kNull) arg = ImplicitCast(arg, types::Boolean());
  }
}

const char* ComparisonKernel(const std::string& op) {
  if (op == "=") return "equal";
  if (op == "<") return "less";
  if (op == "<=") return "less_equal";
  if (op == ">") return "greater";
  return "greater_equal";
}

bool IsFloating(const arrow::Datum& d) {
  return d.type()->id() == arrow::Type::DOUBLE || d.type()->id() == arrow::Type::FLOAT;
}

// A floating scalar that is neither NULL nor NaN.
bool IsNumberScalar(const arrow::Datum& d) {
  if (!d.is_scalar() || !d.scalar()->is_valid || !IsFloating(d)) return false;
  const arrow::Scalar& s = *d.scalar();
  double v = d.type()->id() == arrow::Type::DOUBLE ? static_cast<const arrow::DoubleScalar&>(s).value
                                                   : static_cast<const arrow::FloatScalar&>(s).value;
  return !std::isnan(v);
}

// l <op> r with Spark's order of doubles: NaN equals NaN and is above every
// other value (SQLOrderingUtil). With a NaN on either side the answer is that
// of comparing "is NaN" of each side, false below true.
arrow::Result<arrow::Datum> CompareValues(const std::string& op, const arrow::Datum& l,
                                          const arrow::Datum& r) {
  const char* kernel = ComparisonKernel(op);
  ARROW_ASSIGN_OR_RAISE(auto plain, cp::CallFunction(kernel, {l, r}));
  if (!IsFloating(l)) return plain;
  if (IsNumberScalar(r)) {
    // Against a number (a literal, as in `amount >= 0`) a NaN on the left is above it:
    // Arrow's =, < and <= already answer false there, > and >= need true. One or three
    // kernel calls instead of six, for every batch of a filter on a double column.
    const std::string_view k = kernel;
    if (k != "greater" && k != "greater_equal") return plain;
    ARROW_ASSIGN_OR_RAISE(auto l_nan, cp::CallFunction("is_nan", {l}));
    return cp::CallFunction("or", {plain, l_nan});
  }
  ARROW_ASSIGN_OR_RAISE(auto l_nan, cp::CallFunction("is_nan", {l}));
  ARROW_ASSIGN_OR_RAISE(auto r_nan, cp::CallFunction("is_nan", {r}));
  ARROW_ASSIGN_OR_RAISE(auto any_nan, cp::CallFunction("or", {l_nan, r_nan}));
  ARROW_ASSIGN_OR_RAISE(auto by_nan, cp::CallFunction(kernel, {l_nan, r_nan}));
  return cp::CallFunction("if_else", {any_nan, by_nan, plain});
}

arrow::Result<BoundExprPtr> BindComparison(const std::string& op, std::vector<BoundExprPtr> args,
                                           const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(op, args, 2, 2));
  const bool decimal = args[0]->type()->id() == TypeId::kDecimal || args[1]->type()->id() == TypeId::kDecimal;
  const bool narrowed_literal = decimal && (DecimalLiteralMayNotFit(args[0]) || DecimalLiteralMayNotFit(args[1]));
  ARROW_RETURN_NOT_OK(CoerceToCommon(args, pretty));
  ConcretizeVoid(args);
  if (op == "<=>") {
    // Null-safe equality: NULL <=> NULL is true, NULL <=> x is false.
    auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
      ARROW_ASSIGN_OR_RAISE(auto eq, CompareValues("=", a.values[0], a.values[1]));
      ARROW_ASSIGN_OR_RAISE(auto ln, cp::CallFunction("is_null", {a.values[0]}));
      ARROW_ASSIGN_OR_RAISE(auto rn, cp::CallFunction("is_null", {a.values[1]}));
      ARROW_ASSIGN_OR_RAISE(auto both, cp::CallFunction("and", {ln, rn}));
      ARROW_ASSIGN_OR_RAISE(auto eq_known, cp::CallFunction("coalesce", {eq, both}));
      return eq_known;
    };
    return MakeFunction(op, impl, types::Boolean(), std::move(args), pretty, false);
  }
  bool nullable = args[0]->nullable() || args[1]->nullable() || narrowed_literal;
  auto impl = [op](const FunctionArgs& a) { return CompareValues(op, a.values[0], a.values[1]); };
  return MakeFunction(op, impl, types::Boolean(), std::move(args), pretty, nullable);
}

arrow::Result<std::shared_ptr<arrow::BooleanArray>> AsMask(const arrow::Datum& d, int64_t n);

// a AND b, a OR b with Spark's short circuit: b runs only on the rows a does not
// decide (an error b would raise on the other rows never happens), then the two
// combine with SQL's three-valued logic.
arrow::Result<arrow::Datum> EvaluateShortCircuit(const LazyArgs& a, bool is_and) {
  const int64_t n = a.batch.num_rows();
  ARROW_ASSIGN_OR_RAISE(std::shared_ptr<arrow::Array> left, EvaluateToArray(*a.exprs[0], a.batch, a.ctx));
  // AND needs b where a is not false; OR where a is not true (NULL included).
  ARROW_ASSIGN_OR_RAISE(auto decided, cp::CallFunction("equal", {left, arrow::MakeScalar(!is_and)}));
  ARROW_ASSIGN_OR_RAISE(auto decided_mask, AsMask(decided, n));
  ARROW_ASSIGN_OR_RAISE(auto needed, cp::CallFunction("invert", {decided_mask}));
  ARROW_ASSIGN_OR_RAISE(auto needed_mask, AsMask(needed, n));
  ARROW_ASSIGN_OR_RAISE(auto right, EvaluateOnRows(*a.exprs[1], a.batch, *needed_mask, a.ctx));
  return cp::CallFunction(is_and ? "and_kleene" : "or_kleene", {left, right});
}

arrow::Result<arrow::Datum> EvaluateAnd(const LazyArgs& a) { return EvaluateShortCircuit(a, true); }
arrow::Result<arrow::Datum> EvaluateOr(const LazyArgs& a) { return EvaluateShortCircuit(a, false); }

arrow::Result<BoundExprPtr> BindLogic(const std::string& op, std::vector<BoundExprPtr> args,
                                      const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(op, args, op == "not" ? 1 : 2, op == "not" ? 1 : 2));
  for (size_t i = 0; i < args.size(); ++i) {
    ARROW_RETURN_NOT_OK(RequireBoolean(*args[i], i, pretty));
    args[i] = ImplicitCast(args[i], types::Boolean());
  }
  bool nullable = AnyNullable(args);
  if (op == "not") return MakeFunction(op, ArrowCall("invert"), types::Boolean(), std::move(args), pretty, nullable);
  return MakeLazyFunction(op, op == "and" ? EvaluateAnd : EvaluateOr, types::Boolean(), std::move(args),
                          pretty, nullable);
}

arrow::Result<BoundExprPtr> BindNullTest(const std::string& name, std::vector<BoundExprPtr> args,
                                         const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  const bool is_null = name == "isnull";
  if (!args[0]->nullable()) {
    // Spark's optimizer folds the test of a value that cannot be NULL, so the
    // value is never computed (an overflow it would raise does not happen).
    auto known = [is_null](const LazyArgs&) -> arrow::Result<arrow::Datum> {
      return arrow::Datum(arrow::MakeScalar(!is_null));
    };
    return MakeLazyFunction(name, known, types::Boolean(), std::move(args), pretty, false);
  }
  return MakeFunction(name, ArrowCall(is_null ? "is_null" : "is_valid"), types::Boolean(), std::move(args), pretty,
                      false);
}

arrow::Result<BoundExprPtr> BindIn(const std::string& name, std::vector<BoundExprPtr> args,
                                   const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, SIZE_MAX));
  if (args.size() == 1) {
    return MakeFunction(name, [](const FunctionArgs&) -> arrow::Result<arrow::Datum> {
      return arrow::Datum(arrow::MakeScalar(false));
    }, types::Boolean(), std::move(args), pretty, false);
  }
  ARROW_RETURN_NOT_OK(CoerceToCommon(args, pretty, "DATA_DIFF_TYPES"));
  ConcretizeVoid(args);
  // x IN (v1, v2, ...) is (x = v1) OR (x = v2) OR ...: NULL when nothing
  // matches and x or a listed value is NULL, as SQL defines it.
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    arrow::Datum acc = arrow::MakeScalar(false);
    for (size_t i = 1; i < a.values.size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto eq, CompareValues("=", a.values[0], a.values[i]));
      ARROW_ASSIGN_OR_RAISE(acc, cp::CallFunction("or_kleene", {acc, eq}));
    }
    return acc;
  };
  bool nullable = AnyNullable(args);
  return MakeFunction(name, impl, types::Boolean(), std::move(args), pretty, nullable);
}

// A LIKE pattern with a custom ESCAPE character rewritten for Arrow's
// kernel, whose escape is the backslash. As Spark, the escape may only
// precede _, % or itself.
arrow::Result<std::string> WithBackslashEscape(const std::string& pattern, char escape) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == escape) {
      char next = i + 1 < pattern.size() ? pattern[i + 1] : '\0';
      if (next != '_' && next != '%' && next != escape) {
        return SparkError("INVALID_FORMAT.ESC_IN_THE_MIDDLE", "42601",
                          fmt::format("The format is invalid: '{}'. The escape character is not "
                                      "allowed to precede '{}'.",
                                      pattern, next));
      }
      ++i;
      out += '\\';
      out += next;
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += c;
    }
  }
  return out;
}

arrow::Result<BoundExprPtr> BindLike(const std::string& name, std::vector<BoundExprPtr> args,
                                     const std::string& pretty) {
  const bool like = name == "like" || name == "ilike";
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, like ? 3 : 2));
  for (auto& arg : args) arg = ImplicitCast(arg, types::String());
  char escape = '\\';
  if (args.size() == 3) {
    const arrow::Scalar* e = ConstantValue(*args[2]);
    std::string text = e != nullptr && e->is_valid ? e->ToString() : "";
    if (text.size() != 1) {
      return SparkError("INVALID_ESCAPE_CHAR", "42604",
                        fmt::format("`EscapeChar` should be a string literal of length one, but "
                                    "got {}.",
                                    args[2]->name()));
    }
    escape = text[0];
    args.pop_back();
  }
  const arrow::Scalar* pattern = ConstantValue(*args[1]);
  if (pattern == nullptr) {
    return arrow::Status::NotImplemented(name, " with a pattern that is not a constant");
  }
  if (!pattern->is_valid) {
    return MakeFunction(name, [](const FunctionArgs&) -> arrow::Result<arrow::Datum> {
      return arrow::Datum(arrow::MakeNullScalar(arrow::boolean()));
    }, types::Boolean(), std::move(args), pretty);
  }
  std::string text = static_cast<const arrow::StringScalar&>(*pattern).ToString();
  if (like && escape != '\\') {
    ARROW_ASSIGN_OR_RAISE(text, WithBackslashEscape(text, escape));
  }
  bool ignore_case = name == "ilike";
  const char* fn = (name == "like" || name == "ilike") ? "match_like" : "match_substring_regex";
  bool regex = std::string(fn) != "match_like";
  auto impl = [fn, text, ignore_case, regex, name](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    cp::MatchSubstringOptions options(text, ignore_case);
    auto out = cp::CallFunction(fn, {a.values[0]}, &options);
    if (!out.ok() && regex) return InvalidPattern(name, "regexp", text);
    return out;
  };
  return MakeFunction(name, impl, types::Boolean(), std::move(args), pretty);
}

arrow::Result<std::shared_ptr<arrow::BooleanArray>> AsMask(const arrow::Datum& d, int64_t n) {
  arrow::Datum known = d;
  if (d.null_count() != 0 || d.is_scalar()) {
    ARROW_ASSIGN_OR_RAISE(known, cp::CallFunction("coalesce", {d, arrow::MakeScalar(false)}));
  }
  std::shared_ptr<arrow::Array> array;
  if (known.is_scalar()) {
    ARROW_ASSIGN_OR_RAISE(array, arrow::MakeArrayFromScalar(*known.scalar(), n));
  } else {
    array = known.make_array();
  }
  return std::static_pointer_cast<arrow::BooleanArray>(array);
}

// Conditions and values run only on the rows that reach them (Spark never
// evaluates a branch that is not taken): each condition sees the rows no
// earlier condition claimed, each value the rows its condition claimed.
arrow::Result<arrow::Datum> EvaluateCaseWhen(const LazyArgs& a) {
  const int64_t n = a.batch.num_rows();
  const size_t count = a.exprs.size();
  const bool has_else = count % 2 == 1;
  const size_t pairs = count / 2;
  ARROW_ASSIGN_OR_RAISE(auto remaining, AsMask(arrow::MakeScalar(true), n));
  std::vector<std::shared_ptr<arrow::BooleanArray>> taken;
  std::vector<std::shared_ptr<arrow::Array>> values;
  for (size_t i = 0; i < pairs; ++i) {
    ARROW_ASSIGN_OR_RAISE(auto cond, EvaluateOnRows(*a.exprs[2 * i], a.batch, *remaining, a.ctx));
    ARROW_ASSIGN_OR_RAISE(auto cond_mask, AsMask(cond, n));
    ARROW_ASSIGN_OR_RAISE(auto value, EvaluateOnRows(*a.exprs[2 * i + 1], a.batch, *cond_mask, a.ctx));
    ARROW_ASSIGN_OR_RAISE(auto rest, cp::CallFunction("and_not", {remaining, cond_mask}));
    ARROW_ASSIGN_OR_RAISE(remaining, AsMask(rest, n));
    taken.push_back(std::move(cond_mask));
    values.push_back(std::move(value));
  }
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(a.result_type));
  arrow::Datum acc = arrow::MakeNullScalar(arrow_type);
  if (has_else) {
    ARROW_ASSIGN_OR_RAISE(auto value, EvaluateOnRows(*a.exprs.back(), a.batch, *remaining, a.ctx));
    acc = value;
  }
  for (size_t i = pairs; i-- > 0;) {
    ARROW_ASSIGN_OR_RAISE(acc, cp::CallFunction("if_else", {taken[i], values[i], acc}));
  }
  return acc;
}

// CASE WHEN c1 THEN v1 ... [ELSE e] END; a NULL condition counts as false.
// A NULL literal is no condition of CASE WHEN (Spark: UNEXPECTED_INPUT_TYPE for "VOID"),
// though IF(NULL, a, b) takes it.
arrow::Result<BoundExprPtr> BindConditional(std::vector<BoundExprPtr> args, const std::string& pretty,
                                            bool void_condition_allowed) {
  bool has_else = args.size() % 2 == 1;
  std::vector<DataTypePtr> value_types;
  for (size_t i = 0; i + 1 < args.size(); i += 2) {
    if (!void_condition_allowed && args[i]->type()->id() == TypeId::kNull) {
      return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                              fmt::format("The {} parameter requires the \"BOOLEAN\" type, however "
                                          "\"{}\" has the type \"VOID\"",
                                          Ordinal(i), args[i]->name()));
    }
    ARROW_RETURN_NOT_OK(RequireBoolean(*args[i], i, pretty));
    value_types.push_back(args[i + 1]->type());
  }
  if (has_else) value_types.push_back(args.back()->type());
  DataTypePtr type = WidestType(value_types);
  if (!type) {
    return DataTypeMismatch("DATA_DIFF_TYPES", pretty,
                            "Input to `casewhen` should all be the same type");
  }
  for (size_t i = 0; i < args.size(); ++i) {
    bool is_value = (i % 2 == 1) || (has_else && i == args.size() - 1);
    args[i] = ImplicitCast(args[i], is_value ? type : types::Boolean());
  }
  bool nullable = !has_else;
  for (size_t i = 1; i < args.size(); i += 2) nullable = nullable || args[i]->nullable();
  if (has_else) nullable = nullable || args.back()->nullable();
  return MakeLazyFunction("casewhen", EvaluateCaseWhen, type, std::move(args), pretty, nullable);
}

// CASE WHEN c1 THEN v1 ... [ELSE e] END; a NULL condition counts as false.
arrow::Result<BoundExprPtr> BindCaseWhen(const std::string& name, std::vector<BoundExprPtr> args,
                                         const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, SIZE_MAX));
  return BindConditional(std::move(args), pretty, /*void_condition_allowed=*/false);
}

// Each argument runs only on the rows every earlier argument left NULL.
arrow::Result<arrow::Datum> EvaluateCoalesce(const LazyArgs& a) {
  const int64_t n = a.batch.num_rows();
  ARROW_ASSIGN_OR_RAISE(std::shared_ptr<arrow::Array> acc,
                        EvaluateToArray(*a.exprs[0], a.batch, a.ctx));
  for (size_t i = 1; i < a.exprs.size() && acc->null_count() > 0; ++i) {
    ARROW_ASSIGN_OR_RAISE(auto missing, cp::CallFunction("is_null", {acc}));
    ARROW_ASSIGN_OR_RAISE(auto mask, AsMask(missing, n));
    ARROW_ASSIGN_OR_RAISE(auto value, EvaluateOnRows(*a.exprs[i], a.batch, *mask, a.ctx));
    ARROW_ASSIGN_OR_RAISE(auto merged, cp::CallFunction("coalesce", {acc, value}));
    acc = merged.make_array();
  }
  return acc;
}

arrow::Result<BoundExprPtr> BindCoalesce(const std::string& name, std::vector<BoundExprPtr> args,
                                         const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, name == "coalesce" ? 1 : 2,
                                    name == "coalesce" ? SIZE_MAX : 2));
  ARROW_RETURN_NOT_OK(CoerceToCommon(args, pretty, "DATA_DIFF_TYPES"));
  DataTypePtr type = args[0]->type();
  bool nullable = true;
  for (const auto& arg : args) nullable = nullable && arg->nullable();
  return MakeLazyFunction(name, EvaluateCoalesce, type, std::move(args), pretty, nullable);
}

arrow::Result<BoundExprPtr> BindIf(const std::string& name, std::vector<BoundExprPtr> args,
                                   const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 3, 3));
  return BindConditional(std::move(args), pretty, /*void_condition_allowed=*/true);
}

arrow::Result<BoundExprPtr> BindNullIf(const std::string& name, std::vector<BoundExprPtr> args,
                                       const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  // The result keeps the first argument's own type (Spark: IF(l = r, NULL, l)):
  // only the comparison sees the coerced operands, passed as a third argument.
  BoundExprPtr original = args[0];
  ARROW_RETURN_NOT_OK(CoerceToCommon(args, pretty));
  args.push_back(original);
  DataTypePtr type = original->type();
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(*type));
  auto impl = [arrow_type](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto eq, CompareValues("=", a.values[0], a.values[1]));
    ARROW_ASSIGN_OR_RAISE(auto cond, cp::CallFunction("coalesce", {eq, arrow::MakeScalar(false)}));
    return cp::CallFunction("if_else", {cond, arrow::MakeNullScalar(arrow_type), a.values[2]});
  };
  return MakeFunction(name, impl, type, std::move(args), pretty, true);
}

arrow::Result<BoundExprPtr> BindGreatestLeast(const std::string& name,
                                              std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, SIZE_MAX));
  ARROW_RETURN_NOT_OK(CoerceToCommon(args, pretty, "DATA_DIFF_TYPES"));
  DataTypePtr type = args[0]->type();
  const bool greatest = name == "greatest";
  auto impl = [greatest](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    if (!IsFloating(a.values[0])) {
      cp::ElementWiseAggregateOptions options(/*skip_nulls=*/true);
      return cp::CallFunction(greatest ? "max_element_wise" : "min_element_wise", a.values, &options);
    }
    // Doubles in Spark's order (NaN the greatest), NULLs skipped.
    arrow::Datum best = a.values[0];
    for (size_t i = 1; i < a.values.size(); ++i) {
      const arrow::Datum& next = a.values[i];
      ARROW_ASSIGN_OR_RAISE(auto beats, CompareValues(greatest ? ">" : "<", next, best));
      ARROW_ASSIGN_OR_RAISE(beats, cp::CallFunction("coalesce", {beats, arrow::MakeScalar(false)}));
      ARROW_ASSIGN_OR_RAISE(best, cp::CallFunction("if_else", {beats, next, best}));
      ARROW_ASSIGN_OR_RAISE(best, cp::CallFunction("coalesce", {best, next}));
    }
    return best;
  };
  bool nullable = true;  // NULL only when every argument is
  for (const auto& arg : args) nullable = nullable && arg->nullable();
  return MakeFunction(name, impl, type, std::move(args), pretty, nullable);
}

}  // namespace

void RegisterPredicateFunctions(FunctionRegistry& r) {
  for (const char* op : {"=", "<=>", "<", "<=", ">", ">="}) r.Add(op, BindComparison);
  for (const char* op : {"and", "or", "not"}) r.Add(op, BindLogic);
  r.Add("isnull", BindNullTest);
  r.Add("isnotnull", BindNullTest);
  r.Add("in", BindIn);
  r.Add("like", BindLike);
  r.Add("ilike", BindLike);
  r.Add("rlike", BindLike);
  r.Add("regexp", BindLike);
  r.Add("regexp_like", BindLike);
  r.Add("casewhen", BindCaseWhen);
  r.Add("coalesce", BindCoalesce);
  r.Add("nvl", BindCoalesce);
  r.Add("ifnull", BindCoalesce);
  r.Add("if", BindIf);
  r.Add("iff", BindIf);
  r.Add("nullif", BindNullIf);
  r.Add("greatest", BindGreatestLeast);
  r.Add("least", BindGreatestLeast);
}

}  // namespace spate
