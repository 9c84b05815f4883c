#include "spate/streaming/batch_pieces.h"

#include "spate/expr/function_calls.h"
#include "spate/expr/function_registry.h"

namespace spate {

namespace {

// A call whose value for a row depends on the rows before it in the batch
// (ids, random numbers): a nondeterministic one.
bool DependsOnPlaceInBatch(const BoundExpr& e) {
  return CallsAny(e, [](const std::string& f) { return !IsDeterministic(f); });
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
