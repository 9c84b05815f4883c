#pragma once

// The aggregate columns of a pivot: groupBy(g).pivot(p, values).agg(aggs)
// (DataFrame API) and SQL's FROM t PIVOT (aggs FOR p IN (values)).

#include <vector>

#include "spate/expr/expression.h"
#include "spate/plan/logical_plan.h"

namespace spate {

/// One column per (value, aggregate), named as Spark names them: the value
/// (or its alias) for one aggregate, `value_aggregate` for several.
std::vector<ExprPtr> PivotAggregates(const PlanPtr& input, const ExprPtr& pivot, const std::vector<ExprPtr>& values,
                                     const std::vector<ExprPtr>& aggs);

}  // namespace spate
