#pragma once

// The KLL sketch aggregates of Spark 4.1 (exec/sketch_kll.h):
//   kll_sketch_agg_{bigint,double,float}(x[, k]) — the sketch of the non-NULL values;
//   kll_merge_agg_{bigint,double,float}(sketch[, k]) — the union of sketches.
// Their state is the serialized sketch of each group (NULL while a merge
// without k has seen no sketch). Finish does what Spark's final aggregation
// does: merges the state into a new sketch of k (a merge without k keeps the
// first sketch's k), so small sketches match Spark's bytes.

#include <memory>
#include <string>

#include "spate/aggregates/aggregate_functions.h"

namespace spate {

bool IsKllAggregate(const std::string& function);

/// The function of a resolved kll_* call (its k, when given, a checked INT constant).
std::unique_ptr<AggregateFunction> MakeKllAggregate(const AggregateCall& call);

}  // namespace spate
