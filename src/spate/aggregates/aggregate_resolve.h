#pragma once

// Analysis of aggregate calls: argument checks (Spark's DATATYPE_MISMATCH
// errors), implicit casts, the function run (aliases resolved through
// aggregate_definitions.h), the result type, and Spark's generated name.

#include <functional>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/plan/logical_plan.h"

namespace spate {

/// Spark's generated name of `function(args)` (DISTINCT when `distinct`).
using AggregateNamer =
    std::function<std::string(const std::string& function, const std::vector<BoundExprPtr>& args, bool distinct)>;


/// The call `name(args)` (args bound to the aggregate's input).
arrow::Result<AggregateCall> ResolveAggregateCall(const std::string& name, bool distinct,
                                                  std::vector<BoundExprPtr> args, const AggregateNamer& namer);

}  // namespace spate
