#pragma once

// The optimizer: rules that rewrite an analyzed plan into an equivalent one
// that runs cheaper, applied once per query run before the physical plan is
// built (exec/physical_plan.h): column pruning (column_pruning.h), from_json
// reading only the fields used (json_expr_pruning.h), the NULL-key filters of
// stream-stream joins (stream_join_null_filters.h), then pushdown into scans
// (scan_pushdown.h).

#include "spate/plan/logical_plan.h"

namespace spate {

/// The optimized plan; `plan` itself when no rule applies.
PlanPtr Optimize(PlanPtr plan);

}  // namespace spate
