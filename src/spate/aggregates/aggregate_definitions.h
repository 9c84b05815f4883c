#pragma once

// One definition per aggregate function, read by the analyzer (plan/), the
// batch and streaming aggregations (exec/) and the streaming checks alike:
// Spark's name and its other names, whether the result can be NULL, and
// whether a streaming aggregation keeps it as state. The rest of a function's
// definition sits beside it in this folder, found by the same name:
// ResolveAggregateCall (aggregate_resolve.h) checks the arguments and gives
// the result type; MakeAggregateFunction (aggregate_functions.h) gives the
// state columns and the update, merge and finish over them.

#include <string>
#include <string_view>
#include <vector>

#include "spate/plan/logical_plan.h"

namespace spate {

struct AggregateDefinition {
  std::string_view name;                  // the function a resolved call runs (AggregateCall::function)
  std::vector<std::string_view> aliases;  // Spark's other names for it
  bool nullable = true;                   // whether the result can be NULL
  bool streaming = true;                  // whether a streaming aggregation can keep its state
};

/// The definition named `name` (Spark's name or an alias, any case already
/// lowered), or of a resolved call's function ("count_distinct": count); null
/// for any other name.
const AggregateDefinition* FindAggregate(std::string_view name);

/// Whether `name` is an aggregate function (Spark's name or an alias).
bool IsAggregateFunction(const std::string& name);

/// Whether the call aggregates the distinct values of its arguments (DISTINCT).
bool IsDistinctAggregate(const AggregateCall& call);

/// Whether a resolved call's result can be NULL (counts, collect_* and sketches cannot).
bool AggregateNullable(const AggregateCall& call);

/// Whether a streaming aggregation can run the call: Spark refuses DISTINCT
/// aggregates on streams (approx_count_distinct is the way to count distinct values).
bool StreamingAggregateSupported(const AggregateCall& call);

}  // namespace spate
