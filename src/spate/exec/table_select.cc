#include "spate/exec/table_select.h"

#include "spate/common/parallelism.h"
#include "spate/exec/executor.h"
#include "spate/expr/bound_expr.h"
#include "spate/plan/plan_builder.h"

namespace spate {

arrow::Result<std::shared_ptr<arrow::Table>> RunPlan(const PlanPtr& plan, const RuntimeConfig& conf) {
  ARROW_ASSIGN_OR_RAISE(const int threads, MasterThreads(conf));
  return ExecutePlan(*plan, MakeEvalContext(conf), threads);
}

arrow::Result<std::shared_ptr<arrow::Table>> SelectOverTable(std::shared_ptr<arrow::Table> rows,
                                                             const std::vector<ExprPtr>& exprs,
                                                             const RuntimeConfig& conf) {
  ARROW_ASSIGN_OR_RAISE(auto relation, MakeLocalRelation(std::move(rows)));
  ARROW_ASSIGN_OR_RAISE(auto projected, MakeProject(relation, exprs));
  return RunPlan(projected, conf);
}

}  // namespace spate
