#pragma once

// Scalar functions by name. Each entry binds a call: it checks the argument
// types (Spark's DATATYPE_MISMATCH errors), inserts Spark's implicit casts,
// picks the result type, and returns the bound function. Families of
// functions register themselves from their own files (functions_*.cc).

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/expr/bound_expr.h"

namespace spate {

/// Binds `name(args)`; `pretty` is the generated column name for the call.
using FunctionBinder = std::function<arrow::Result<BoundExprPtr>(
    const std::string& name, std::vector<BoundExprPtr> args, const std::string& pretty)>;

class FunctionRegistry {
 public:
  static const FunctionRegistry& Instance();

  void Add(const std::string& name, FunctionBinder binder);
  const FunctionBinder* Find(const std::string& name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, FunctionBinder> binders_;
};

/// Binds a scalar call through the registry, or fails with UNRESOLVED_ROUTINE.
arrow::Result<BoundExprPtr> BindCall(const std::string& name, std::vector<BoundExprPtr> args,
                                     const std::string& pretty);

/// Functions Spark marks null-intolerant: NULL whenever an argument is NULL.
/// A NULL literal argument folds the call to NULL (NullPropagation), and an
/// argument runs only on the rows where the arguments before it are not NULL.
bool IsNullIntolerant(const std::string& function);
/// Whether a call gives the same values whenever its arguments are the same
/// (not rand, uuid, shuffle, ... nor a user function marked nondeterministic).
bool IsDeterministic(const std::string& function);
/// How the function name of a nondeterministic user function's call starts.
inline constexpr char kNondeterministicUserFunction[] = "nondeterministic udf:";
/// Whether the divisor of the function runs before its dividend (/, %, div).
bool EvaluatesDivisorFirst(const std::string& function);

/// A NULL literal of `type` (what Spark folds a NULL-propagating call to).
arrow::Result<BoundExprPtr> NullLiteral(const DataTypePtr& type, const std::string& name);

/// CAST / TRY_CAST, and the implicit casts coercion inserts (which keep the
/// child's name, as Spark's implicit casts do).
arrow::Result<BoundExprPtr> BindCast(BoundExprPtr arg, DataTypePtr to, bool try_cast,
                                     const std::string& pretty);
BoundExprPtr ImplicitCast(BoundExprPtr arg, const DataTypePtr& to);
/// Whether Spark allows CAST(from AS to) at all.
bool CanCast(const DataType& from, const DataType& to);

/// Helpers for the function families. Without `nullable`, the result is NULL only
/// when an argument is (Spark's default for a function); pass true for a function
/// that can give NULL from non-NULL arguments, false for one that never does.
BoundExprPtr MakeFunction(std::string function, FunctionImpl impl, DataTypePtr type,
                          std::vector<BoundExprPtr> args, std::string pretty,
                          std::optional<bool> nullable = std::nullopt);
/// A function that evaluates its own arguments (see LazyImpl).
BoundExprPtr MakeLazyFunction(std::string function, LazyImpl impl, DataTypePtr type,
                              std::vector<BoundExprPtr> args, std::string pretty,
                              std::optional<bool> nullable = std::nullopt);
/// Whether any of `args` may be NULL.
bool AnyNullable(const std::vector<BoundExprPtr>& args);
/// [DATATYPE_MISMATCH.<sub>] Cannot resolve "<pretty>" due to data type mismatch: <detail>.
arrow::Status DataTypeMismatch(const std::string& sub_class, const std::string& pretty,
                               const std::string& detail);
/// [INVALID_PARAMETER_VALUE.PATTERN] for a regular expression that does not compile.
arrow::Status InvalidPattern(const std::string& function, const std::string& param,
                             const std::string& pattern);
/// [WRONG_NUM_ARGS.WITHOUT_SUGGESTION] for a call with the wrong number of arguments.
arrow::Status WrongNumArgs(const std::string& name, const std::string& expected, size_t actual);
arrow::Status CheckArgCount(const std::string& name, const std::vector<BoundExprPtr>& args,
                            size_t min, size_t max);
/// The literal value of a constant argument (functions whose options must be constant).
const arrow::Scalar* ConstantValue(const BoundExpr& e);
/// An operand of decimal arithmetic or comparison as a decimal type: an integer
/// literal takes just the digits it has (Spark's DecimalPrecision promotes 5 to
/// DECIMAL(1,0)), other integers the digits of their type.
DataTypePtr DecimalOperandType(const BoundExprPtr& e);
/// Whether `e` is an integer literal that DecimalOperandType narrows below its
/// type's digits: Spark's cast to that decimal could fail, so the result of the
/// arithmetic or comparison it joins is nullable.
bool DecimalLiteralMayNotFit(const BoundExprPtr& e);
/// Whether `e` reads no column (a literal, or a function of literals).
bool IsFoldable(const BoundExpr& e);
/// A foldable argument (array(0.25, 0.5), -1, CAST(NULL AS STRING)) computed
/// into a literal of its type and name; other arguments are left as they are.
arrow::Status FoldConstant(BoundExprPtr* arg);
/// `"INT"`: a type as Spark quotes it inside messages.
std::string QuotedType(const DataType& type);
/// Ordinal words for parameter positions: "first", "second", ...
std::string Ordinal(size_t i);

/// Registration hooks of the function families.
void RegisterArithmeticFunctions(FunctionRegistry& r);
void RegisterPredicateFunctions(FunctionRegistry& r);
void RegisterStringFunctions(FunctionRegistry& r);
void RegisterDatetimeFunctions(FunctionRegistry& r);

/// CAST(string AS DATE / TIMESTAMP) with Spark's parsing: whitespace trimmed,
/// a date may carry a time part, a timestamp without a zone is read in the
/// session time zone. Malformed text is CAST_INVALID_INPUT when `strict`,
/// NULL otherwise.
arrow::Result<std::shared_ptr<arrow::Array>> CastStringToDatetime(const arrow::Array& strings,
                                                                  const DataType& to,
                                                                  const EvalContext& ctx,
                                                                  bool strict);
void RegisterNestedFunctions(FunctionRegistry& r);
void RegisterArrayFunctions(FunctionRegistry& r);
void RegisterMapFunctions(FunctionRegistry& r);
void RegisterHigherOrderFunctions(FunctionRegistry& r);

/// Lambdas of the higher-order functions (transform(a, x -> x + 1)).
struct LambdaVariable {
  DataTypePtr type;
  bool nullable;
};
/// The variables of the lambda at argument `index` of `name(args)` with
/// `num_params` parameters; `args` holds the arguments bound so far (null for
/// lambdas not bound yet). Fails as Spark does for a function that takes no
/// lambda there or a lambda with the wrong number of parameters.
arrow::Result<std::vector<LambdaVariable>> LambdaVariables(const std::string& name,
                                                           const std::vector<BoundExprPtr>& args,
                                                           size_t index, size_t num_params,
                                                           const std::string& pretty);
/// A lambda variable, and a lambda: its body over its variables.
BoundExprPtr MakeLambdaVariable(const LambdaVariable& variable);
BoundExprPtr MakeLambda(BoundExprPtr body, std::vector<BoundExprPtr> variables);
void RegisterJsonFunctions(FunctionRegistry& r);
void RegisterAvroFunctions(FunctionRegistry& r);
void RegisterXPathFunctions(FunctionRegistry& r);
void RegisterXmlFunctions(FunctionRegistry& r);
void RegisterWindowFunctions(FunctionRegistry& r);
void RegisterMathFunctions(FunctionRegistry& r);
void RegisterHashFunctions(FunctionRegistry& r);
void RegisterMiscFunctions(FunctionRegistry& r);
void RegisterAesFunctions(FunctionRegistry& r);
void RegisterKllFunctions(FunctionRegistry& r);
void RegisterSketchFunctions(FunctionRegistry& r);
void RegisterCollationFunctions(FunctionRegistry& r);
void RegisterPartitionTransformFunctions(FunctionRegistry& r);

}  // namespace spate
