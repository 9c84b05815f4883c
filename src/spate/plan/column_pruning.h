#pragma once

// Column pruning, an optimizer rule (optimizer.h), as Spark's ColumnPruning
// where it pays: a Project under an Aggregate or a Project, directly or
// through a Filter, keeps only the columns they read, and a Project over a Generate that reads only
// some of the Generate's pass-through columns gets a column-only Project below
// the Generate, so that each generated row copies only those. A sliding window
// is such an explode: grouped by window and auction in q5 of Nexmark, the
// five windows of a bid carry its auction and time, not its url and padding.

#include "spate/plan/logical_plan.h"

namespace spate {

/// `plan` with its Projects narrowed or inserted so; the same pointer when
/// nothing changes. Subplans used twice (a self-join) stay shared.
PlanPtr PruneColumns(const PlanPtr& plan);

/// What a Project or an Aggregate reads of its child: a Project's expressions,
/// an Aggregate's keys, arguments and filters.
std::vector<BoundExprPtr> InputExprs(const PlanNode& node);

}  // namespace spate
