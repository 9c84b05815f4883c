#include "spate/plan/optimizer.h"

#include "spate/plan/column_pruning.h"
#include "spate/plan/json_expr_pruning.h"
#include "spate/plan/scan_pushdown.h"
#include "spate/plan/stream_join_null_filters.h"

namespace spate {

PlanPtr Optimize(PlanPtr plan) {
  return PushDownIntoScans(AddStreamJoinNullFilters(PruneJsonFields(PruneColumns(plan))));
}

}  // namespace spate
