#pragma once

// Column pruning under explode, an optimizer rule (optimizer.h): a Project
// over a Generate that reads only some of the Generate's pass-through columns
// gets a column-only Project below the Generate, so that each generated row
// copies only those. A sliding window is such an explode: the five windows of
// a bid in q5 of Nexmark then carry its auction and time, not its url and
// padding.

#include "spate/plan/logical_plan.h"

namespace spate {

/// `plan` with such Projects inserted; the same pointer when nothing changes.
/// Subplans used twice (a self-join) stay shared.
PlanPtr PruneGenerateInputs(const PlanPtr& plan);

}  // namespace spate
