#pragma once

// What the optimizer needs to prune from_json's schema to the fields a query
// reads (plan/json_expr_pruning.h), as Spark's OptimizeJsonExprs does: which
// calls may be pruned, and the same call over fewer fields. A call may be
// pruned when it has no options (so PERMISSIVE, with partial results: reading
// fewer fields changes no value read, only which records the corrupt-record
// column calls malformed) and it was bound while
// spark.sql.optimizer.enableJsonExpressionOptimization was on.

#include <arrow/result.h>

#include "spate/expr/bound_expr.h"

namespace spate {

class RuntimeConfig;

/// spark.sql.optimizer.enableJsonExpressionOptimization (Spark's default:
/// true), the conf that switches the pruning.
bool JsonExpressionOptimizationEnabled(const RuntimeConfig& conf);

/// While alive, from_json calls bound on this thread may be pruned only when
/// `enabled` (they may outside any scope). Scopes nest.
class JsonExpressionOptimizationScope {
 public:
  explicit JsonExpressionOptimizationScope(bool enabled);
  ~JsonExpressionOptimizationScope();
  JsonExpressionOptimizationScope(const JsonExpressionOptimizationScope&) = delete;
  JsonExpressionOptimizationScope& operator=(const JsonExpressionOptimizationScope&) = delete;

 private:
  bool previous_;
};

/// The struct schema of `e` when it is a from_json call that may be pruned;
/// null otherwise. `*corrupt_index` (when given): the schema's field that
/// receives malformed records (`_corrupt_record` STRING), or -1.
const StructType* PrunableFromJsonSchema(const BoundExpr& e, int* corrupt_index = nullptr);

/// `e` (a call PrunableFromJsonSchema accepts) reading only `schema`, a
/// struct of some of its fields.
arrow::Result<BoundExprPtr> FromJsonReading(const BoundExpr& e, StructTypePtr schema);

}  // namespace spate
