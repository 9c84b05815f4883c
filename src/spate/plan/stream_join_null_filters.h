#pragma once

// The NULL-key filters of stream-stream joins, an optimizer rule
// (optimizer.h), as Spark's InferFiltersFromConstraints adds them: a row whose
// join key is NULL can never find a partner through `=`, so the sides whose
// unmatched rows are not emitted drop it before the join (inner and left semi:
// both sides; left outer: the right side; right outer: the left side; full
// outer: none). Spark then pushes such a filter down through projections and
// below withWatermark (when it does not read the event-time column), so these
// rows never move the watermark either; this rule places the filter at the
// same spot. The join itself then treats a NULL key as any other key: in a
// full outer join two rows with NULL keys match, as Spark's state keys do.

#include "spate/plan/logical_plan.h"

namespace spate {

/// `plan` with `isnotnull(key)` filters under its stream-stream joins; the
/// same pointer when there are none.
PlanPtr AddStreamJoinNullFilters(const PlanPtr& plan);

}  // namespace spate
