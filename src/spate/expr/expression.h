#pragma once

// Unresolved expressions: what the DataFrame API (col("a") + 1) and the SQL
// parser ("a + 1") build. Names are not yet bound to columns and types are not
// yet known; the analyzer (plan/analyzer.h) turns an Expr into a BoundExpr.
//
// One node type with a kind keeps the tree easy to build, print and walk.
// Operators are calls: "a + 1" is Call("+", [a, 1]), "x IS NULL" is
// Call("isnull", [x]), "CASE WHEN c THEN v ELSE e END" is
// Call("casewhen", [c, v, e]).

#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/types/data_type.h"

namespace spate {

struct Expr;
struct UserFunction;  // expr/user_function.h
using ExprPtr = std::shared_ptr<const Expr>;

enum class ExprKind {
  kColumn,     // name_parts: {"t", "a"} or {"data", "user", "id"}; resolved later
  kLiteral,    // literal (its type in `type`)
  kStar,       // name_parts: qualifier ({} for *, {"data"} for data.*)
  kAlias,      // args[0] AS name (names: several for multi-column aliases)
  kCall,       // name(args...), name lower-case; `distinct` for count(DISTINCT x)
  kCast,       // CAST(args[0] AS type); `try_cast` for TRY_CAST
  kExtract,    // args[0][args[1]]: struct field (string literal), array index or map key
  kSortOrder,  // args[0] ASC|DESC NULLS FIRST|LAST
  kLambda,     // x -> body: names are the parameters, args[0] the body
};

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  std::string name{};  // kLiteral: Spark's text of it when not the value's (INTERVAL '01' HOUR)
  std::vector<std::string> name_parts{};
  std::vector<ExprPtr> args{};
  std::shared_ptr<arrow::Scalar> literal{};  // kLiteral: the value (a null scalar for NULL)
  DataTypePtr type{};                        // kLiteral: its Spark type; kCast: the target
  std::shared_ptr<const UserFunction> function{};  // kCall of a user-defined function
  bool distinct = false;
  bool try_cast = false;
  bool ascending = true;
  bool nulls_first = true;
  /// The height of the tree this node heads (1 for a leaf), set by the factories.
  int depth = 1;
  /// The name Spark gives the column this expression produces when it has no
  /// alias: `a`, `(a + 1)`, `upper(name)`, `CAST(v AS STRING)`, `count(1)`.
  std::string ToString() const;
  /// The SQL text of the expression (string literals quoted): used inside
  /// error messages such as DATATYPE_MISMATCH.
  std::string ToSql() const;
};

/// A call that stands for expression text that failed to parse; binding it
/// reports the parse error (its one argument) where the expression is used.
inline constexpr const char* kParseErrorCall = "__parse_error__";

/// An aggregate call with a FILTER clause, `sum(x) FILTER (WHERE c)`:
/// Call(kAggregateFilterCall, [the aggregate call, c]).
inline constexpr const char* kAggregateFilterCall = "__aggregate_filter__";

/// An ordered-set aggregate, `percentile_cont(0.5) WITHIN GROUP (ORDER BY x)`:
/// Call(kWithinGroupCall, [the call, sort orders...]).
inline constexpr const char* kWithinGroupCall = "__within_group__";

/// A partition transform of the DataFrame API (years(ts), bucket(16, id)):
/// Call(kPartitionTransformCall, [String(name), args...]). It names a table's
/// partitioning in writeTo(...).partitionedBy(...); evaluated anywhere else it
/// fails, as Spark's transforms do. SQL cannot spell it.
inline constexpr const char* kPartitionTransformCall = "__partition_transform__";

/// The deepest expression tree the engine takes: every pass over a tree (binding,
/// evaluation, printing) recurses once per level, so deeper input is refused when it
/// is parsed or bound (FAILED_TO_PARSE_TOO_COMPLEX) rather than exhausting a thread's
/// stack. Trees of any depth are built and freed without recursion.
inline constexpr int kMaxExprDepth = 1000;

/// Factories. Each node they make records its depth, and is freed without
/// recursion however deep the tree below it.
namespace ex {
/// A node of `e`'s fields with its depth computed from its arguments.
ExprPtr Node(Expr e);
ExprPtr Col(std::vector<std::string> parts);
/// A column from a DataFrame-API name: "a", "t.a", "data.user.id", "`a.b`", "*", "data.*".
ExprPtr ColFromName(const std::string& name);
ExprPtr Lit(std::shared_ptr<arrow::Scalar> value, DataTypePtr type);
ExprPtr Null();
ExprPtr Bool(bool v);
ExprPtr Int(int32_t v);
ExprPtr Long(int64_t v);
ExprPtr Double(double v);
ExprPtr String(std::string v);
ExprPtr Star(std::vector<std::string> qualifier = {});
ExprPtr Alias(ExprPtr e, std::string name);
/// `generator AS (a, b, ...)`: one name per column the generator makes, in name_parts;
/// `name` holds the first so the node still prints as a name.
ExprPtr MultiAlias(ExprPtr e, std::vector<std::string> names);
ExprPtr Call(std::string name, std::vector<ExprPtr> args, bool distinct = false);
/// A call of a user-defined function, named by the function.
ExprPtr UserCall(std::shared_ptr<const UserFunction> function, std::vector<ExprPtr> args);
ExprPtr Cast(ExprPtr e, DataTypePtr type, bool try_cast = false);
ExprPtr Extract(ExprPtr e, ExprPtr key);
ExprPtr Sort(ExprPtr e, bool ascending, bool nulls_first);
ExprPtr Lambda(std::vector<std::string> params, ExprPtr body);
}  // namespace ex

/// Splits a DataFrame-API column name on dots outside backquotes:
/// "a.b" -> {"a","b"}, "`a.b`" -> {"a.b"}. Fails on unbalanced backquotes.
arrow::Result<std::vector<std::string>> SplitNameParts(const std::string& name);

}  // namespace spate
