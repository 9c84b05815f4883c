#pragma once

// Which micro-batches may run piece by piece: the source hands the batch's
// rows over as it reads them, each piece runs through the plan and goes to
// the sink at once, so reading, computing and writing overlap (as Spark's
// tasks stream a partition from its reader to its writer). A plan may run so
// when its result over the whole batch is its results over the pieces: one
// streaming scan under projections and filters only, with no expression whose
// value depends on a row's place in the batch (ids, random numbers).

#include "spate/plan/logical_plan.h"

namespace spate {

bool RunsInPieces(const PlanNode& plan);

}  // namespace spate
