#include "spate/expr/function_registry.h"

#include <arrow/datum.h>
#include <arrow/record_batch.h>
#include <arrow/type.h>
#include <arrow/scalar.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/expr/user_function.h"
#include "spate/types/arrow_types.h"

namespace spate {

// The functions named by a type (string(x), int(x), ...), in cast.cc beside the casts they are.
void RegisterCastFunctions(FunctionRegistry& r);

const FunctionRegistry& FunctionRegistry::Instance() {
  static const FunctionRegistry* registry = [] {
    auto* r = new FunctionRegistry();
    RegisterArithmeticFunctions(*r);
    RegisterPredicateFunctions(*r);
    RegisterStringFunctions(*r);
    RegisterDatetimeFunctions(*r);
    RegisterNestedFunctions(*r);
    RegisterArrayFunctions(*r);
    RegisterMapFunctions(*r);
    RegisterHigherOrderFunctions(*r);
    RegisterJsonFunctions(*r);
    RegisterAvroFunctions(*r);
    RegisterXPathFunctions(*r);
    RegisterXmlFunctions(*r);
    RegisterWindowFunctions(*r);
    RegisterMathFunctions(*r);
    RegisterHashFunctions(*r);
    RegisterMiscFunctions(*r);
    RegisterAesFunctions(*r);
    RegisterKllFunctions(*r);
    RegisterSketchFunctions(*r);
    RegisterCollationFunctions(*r);
    RegisterPartitionTransformFunctions(*r);
    RegisterCastFunctions(*r);
    return r;
  }();
  return *registry;
}

void FunctionRegistry::Add(const std::string& name, FunctionBinder binder) {
  binders_[name] = std::move(binder);
}

const FunctionBinder* FunctionRegistry::Find(const std::string& name) const {
  auto it = binders_.find(name);
  return it == binders_.end() ? nullptr : &it->second;
}

std::vector<std::string> FunctionRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, _] : binders_) names.push_back(name);
  return names;
}

bool IsNullIntolerant(const std::string& function) {
  static const char* const kNames[] = {
      "+", "-", "*", "/", "%", "div", "negative", "abs", "=", "<", "<=", ">", ">=", "not",
      "upper", "lower", "length", "substring", "substr", "trim", "ltrim", "rtrim", "lpad",
      "rpad", "reverse", "initcap", "repeat", "ascii", "instr", "startswith", "endswith",
      "contains", "like", "rlike", "year", "month", "dayofmonth", "day", "hour", "minute",
      "second", "dayofweek", "dayofyear", "quarter", "weekofyear", "datediff", "date_add",
      "date_sub", "last_day", "date_format", "from_unixtime", "trunc", "date_trunc",
      "regexp_extract", "to_date", "to_timestamp"};
  for (const char* n : kNames) {
    if (function == n) return true;
  }
  return false;
}

bool IsDeterministic(const std::string& function) {
  static const char* const kNames[] = {"rand", "random", "randn", "uuid", "shuffle", "uniform", "randstr",
                                       "monotonically_increasing_id", "spark_partition_id"};
  for (const char* n : kNames) {
    if (function == n) return false;
  }
  return function.rfind(kNondeterministicUserFunction, 0) != 0;
}

bool EvaluatesDivisorFirst(const std::string& function) {
  return function == "/" || function == "%" || function == "div";
}

namespace {

bool IsNullLiteral(const BoundExpr& e) {
  const arrow::Scalar* v = ConstantValue(e);
  return v != nullptr && !v->is_valid;
}

// Spark's NullPropagation: a null-intolerant function with a NULL literal
// argument is folded to a NULL literal before anything runs, so that its other
// arguments never raise (NULL - CAST(1e10D AS INT) is NULL, not an overflow).
BoundExprPtr PropagateNull(BoundExprPtr bound) {
  if (bound->kind() != BoundExpr::Kind::kFunction) return bound;
  const auto& fn = static_cast<const BoundFunction&>(*bound);
  if (!IsNullIntolerant(fn.function())) return bound;
  bool null_argument = false;
  for (const auto& arg : bound->children()) null_argument = null_argument || IsNullLiteral(*arg);
  if (!null_argument) return bound;
  return NullLiteral(bound->type(), bound->name()).ValueOr(bound);
}

}  // namespace

arrow::Result<BoundExprPtr> NullLiteral(const DataTypePtr& type, const std::string& name) {
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(*type));
  return std::make_shared<BoundLiteral>(arrow::MakeNullScalar(arrow_type), type, name);
}

arrow::Result<BoundExprPtr> BindCall(const std::string& name, std::vector<BoundExprPtr> args,
                                     const std::string& pretty) {
  // A function registered with the session analyzing the query hides a
  // built-in one of the same name, as Spark's temporary functions do.
  if (UserFunctionPtr function = UserFunctionScope::Find(name)) {
    return BindUserFunction(function, std::move(args), pretty);
  }
  const FunctionBinder* binder = FunctionRegistry::Instance().Find(name);
  if (binder == nullptr) {
    return SparkError("UNRESOLVED_ROUTINE", "42883",
                      fmt::format("Cannot resolve routine `{}` on search path [`system`.`builtin`, "
                                  "`system`.`session`, `spark_catalog`.`default`].",
                                  name));
  }
  ARROW_ASSIGN_OR_RAISE(auto bound, (*binder)(name, std::move(args), pretty));
  return PropagateNull(std::move(bound));
}

bool AnyNullable(const std::vector<BoundExprPtr>& args) {
  for (const auto& arg : args) {
    if (arg->nullable()) return true;
  }
  return false;
}

BoundExprPtr MakeFunction(std::string function, FunctionImpl impl, DataTypePtr type,
                          std::vector<BoundExprPtr> args, std::string pretty,
                          std::optional<bool> maybe_nullable) {
  bool nullable = maybe_nullable.value_or(AnyNullable(args));
  if (type->id() == TypeId::kNull) {
    // A void-typed result can only be NULL (greatest(NULL, NULL), NULL + NULL);
    // Arrow has no kernels over its null type, so never call one.
    impl = [](const FunctionArgs&) -> arrow::Result<arrow::Datum> {
      return arrow::Datum(std::make_shared<arrow::NullScalar>());
    };
    nullable = true;
  }
  return std::make_shared<BoundFunction>(std::move(function), std::move(impl), std::move(type),
                                         nullable, std::move(pretty), std::move(args));
}

BoundExprPtr MakeLazyFunction(std::string function, LazyImpl impl, DataTypePtr type,
                              std::vector<BoundExprPtr> args, std::string pretty,
                              std::optional<bool> maybe_nullable) {
  bool nullable = maybe_nullable.value_or(AnyNullable(args));
  if (type->id() == TypeId::kNull) {
    return MakeFunction(std::move(function), nullptr, std::move(type), std::move(args),
                        std::move(pretty), nullable);
  }
  return std::make_shared<BoundFunction>(std::move(function), std::move(impl), std::move(type),
                                         nullable, std::move(pretty), std::move(args));
}

std::string QuotedType(const DataType& type) { return "\"" + type.Sql() + "\""; }

std::string Ordinal(size_t i) {
  static const char* const kWords[] = {"first", "second", "third", "fourth", "fifth",
                                       "sixth", "seventh", "eighth", "ninth", "tenth"};
  return i < 10 ? kWords[i] : fmt::format("{}th", i + 1);
}

arrow::Status DataTypeMismatch(const std::string& sub_class, const std::string& pretty,
                               const std::string& detail) {
  return SparkError("DATATYPE_MISMATCH." + sub_class, "42K09",
                    fmt::format("Cannot resolve \"{}\" due to data type mismatch: {}.", pretty, detail));
}

arrow::Status InvalidPattern(const std::string& function, const std::string& param,
                             const std::string& pattern) {
  // The pattern as a SQL string literal, as Spark quotes values in messages.
  std::string quoted = "'";
  for (char c : pattern) {
    if (c == '\\' || c == '\'') quoted += '\\';
    quoted += c;
  }
  quoted += "'";
  return SparkError("INVALID_PARAMETER_VALUE.PATTERN", "22023",
                    fmt::format("The value of parameter(s) `{}` in `{}` is invalid: {}.", param,
                                function, quoted));
}

arrow::Status WrongNumArgs(const std::string& name, const std::string& expected, size_t actual) {
  return SparkError("WRONG_NUM_ARGS.WITHOUT_SUGGESTION", "42605",
                    fmt::format("The `{}` requires {} parameters but the actual number is {}. "
                                "Please, refer to "
                                "'https://spark.apache.org/docs/latest/sql-ref-functions.html' "
                                "for a fix.",
                                name, expected, actual));
}

arrow::Status CheckArgCount(const std::string& name, const std::vector<BoundExprPtr>& args,
                            size_t min, size_t max) {
  if (args.size() >= min && args.size() <= max) return arrow::Status::OK();
  std::string expected = min == max ? std::to_string(min)
                         : max == SIZE_MAX ? fmt::format("at least {}", min)
                                           : fmt::format("[{}, {}]", min, max);
  return WrongNumArgs(name, expected, args.size());
}

const arrow::Scalar* ConstantValue(const BoundExpr& e) {
  if (e.kind() == BoundExpr::Kind::kLiteral) {
    return static_cast<const BoundLiteral&>(e).value().get();
  }
  return nullptr;
}

bool IsFoldable(const BoundExpr& e) {
  if (e.kind() == BoundExpr::Kind::kColumn) return false;
  for (const auto& c : e.children()) {
    if (!IsFoldable(*c)) return false;
  }
  return true;
}

arrow::Status FoldConstant(BoundExprPtr* arg) {
  if ((*arg)->kind() != BoundExpr::Kind::kFunction || !IsFoldable(**arg)) return arrow::Status::OK();
  auto batch = arrow::RecordBatch::Make(arrow::schema(arrow::FieldVector{}), 1, arrow::ArrayVector{});
  ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(**arg, *batch, EvalContext{}));
  ARROW_ASSIGN_OR_RAISE(auto scalar, array->GetScalar(0));
  *arg = std::make_shared<BoundLiteral>(std::move(scalar), (*arg)->type(), (*arg)->name());
  return arrow::Status::OK();
}

}  // namespace spate
