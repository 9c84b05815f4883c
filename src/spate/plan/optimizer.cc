#include "spate/plan/optimizer.h"

#include "spate/plan/scan_pushdown.h"

namespace spate {

PlanPtr Optimize(PlanPtr plan) { return PushDownIntoScans(plan); }

}  // namespace spate
