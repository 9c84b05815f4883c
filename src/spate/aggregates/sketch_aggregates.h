#pragma once

// The aggregates whose result is a sketch: bitmap_construct_agg,
// bitmap_or_agg, bitmap_and_agg (spate/sketches/bitmap.h), theta_sketch_agg,
// theta_union_agg, theta_intersection_agg (theta_sketch.h), hll_sketch_agg,
// hll_union_agg (hll_sketch.h). Each keeps one serialized sketch per group as
// its partial state, in the binary form Spark gives, so a state is a result
// and merging two states is merging two sketches.

#include <memory>
#include <string>

#include <arrow/result.h>

#include "spate/aggregates/aggregate_functions.h"
#include "spate/aggregates/aggregate_resolve.h"

namespace spate {

bool IsSketchAggregate(const std::string& function);

/// Argument checks, implicit casts, default arguments and the result type
/// (BINARY) of a sketch aggregate call; sets call->name.
arrow::Result<DataTypePtr> ResolveSketchAggregate(const std::string& function, AggregateCall* call,
                                                  const AggregateNamer& namer);

arrow::Result<std::unique_ptr<AggregateFunction>> MakeSketchAggregate(const AggregateCall& call);

}  // namespace spate
