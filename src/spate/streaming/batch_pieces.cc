#include "spate/streaming/batch_pieces.h"

#include <algorithm>
#include <string>

#include "spate/expr/bound_expr.h"

namespace spate {

namespace {

// Functions whose value for a row depends on the rows before it in the batch.
bool DependsOnPlaceInBatch(const BoundExpr& e) {
  if (e.kind() == BoundExpr::Kind::kFunction) {
    const std::string& name = static_cast<const BoundFunction&>(e).function();
    for (const char* f : {"monotonically_increasing_id", "rand", "random", "randn", "uuid", "shuffle", "uniform", "randstr",
                          "spark_partition_id"}) {
      if (name == f) return true;
    }
  }
  return std::any_of(e.children().begin(), e.children().end(),
                     [](const auto& c) { return c && DependsOnPlaceInBatch(*c); });
}

}  // namespace

bool RunsInPieces(const PlanNode& plan) {
  switch (plan.kind) {
    case PlanNode::Kind::kScan:
      return plan.source && plan.source->stream != nullptr;
    case PlanNode::Kind::kProject:
    case PlanNode::Kind::kFilter:
      break;
    default:
      return false;
  }
  if (plan.condition && DependsOnPlaceInBatch(*plan.condition)) return false;
  for (const auto& e : plan.exprs) {
    if (e && DependsOnPlaceInBatch(*e)) return false;
  }
  return plan.children.size() == 1 && RunsInPieces(*plan.children[0]);
}

}  // namespace spate
