#include "spate/exec/watermark_propagation.h"

#include <algorithm>
#include <optional>

#include "spate/exec/physical_plan.h"
#include "spate/plan/stream_join_watermark.h"

namespace spate {

namespace {

// The watermark `op` emits (nullopt: none), recording each stateful operator's input watermark.
std::optional<int64_t> OutputWatermark(const Operator& op, int64_t watermark_ms, std::vector<int64_t>* inputs) {
  std::optional<int64_t> input;
  for (const Operator* child : op.inputs()) {
    std::optional<int64_t> w = OutputWatermark(*child, watermark_ms, inputs);
    if (w) input = input ? std::min(*input, *w) : *w;
  }
  const PlanNode& node = op.node();
  if (node.kind == PlanNode::Kind::kWatermark) return watermark_ms;
  if (op.state_id() < 0) return input;
  (*inputs)[op.state_id()] = input.value_or(kNoWatermarkMs);
  if (input && node.kind == PlanNode::Kind::kJoin) return JoinOutputWatermarkMs(node, *input);
  return input;
}

}  // namespace

std::vector<int64_t> OperatorWatermarks(const PhysicalPlan& plan, int64_t watermark_ms) {
  std::vector<int64_t> out(plan.stateful_operators().size(), kNoWatermarkMs);
  if (!plan.operators().empty()) OutputWatermark(*plan.operators()[0], watermark_ms, &out);
  return out;
}

}  // namespace spate
