// The analyzed node of groupBy(...).transformWithState(...): the grouping
// keys bound to the input, the processor, and Spark's checks of the modes.

#include <arrow/record_batch.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/plan/plan_builder.h"
#include "spate/plan/stateful_processor.h"

namespace spate {

arrow::Result<TimeMode> ParseTimeMode(const std::string& text) {
  const std::string mode = AsciiLower(text);
  if (mode == "none") return TimeMode::kNone;
  if (mode == "processingtime") return TimeMode::kProcessingTime;
  if (mode == "eventtime") return TimeMode::kEventTime;
  return SparkError("STATEFUL_PROCESSOR_UNKNOWN_TIME_MODE", "42802",
                    fmt::format("Unknown time mode {}. Accepted timeMode modes are 'none', 'processingTime', "
                                "'eventTime'",
                                text));
}

arrow::Result<std::vector<RecordBatchPtr>> StatefulProcessor::HandleInputGroups(const InputGroups& groups,
                                                                                const TimerValues& timer_values) {
  std::vector<RecordBatchPtr> out;
  for (int64_t k = 0; k < groups.keys->num_rows(); ++k) {
    groups.select_key(k);
    const int64_t begin = groups.offsets[k];
    ARROW_ASSIGN_OR_RAISE(auto rows, HandleInputRows(*groups.keys->Slice(k, 1),
                                                     *groups.rows->Slice(begin, groups.offsets[k + 1] - begin),
                                                     timer_values));
    out.push_back(std::move(rows));
  }
  return out;
}

namespace {

int64_t InputEventTimeDelay(const PlanNode& child) {
  for (const Attribute& a : child.output) {
    if (a.watermark_delay_ms >= 0) return a.watermark_delay_ms;
  }
  return -1;
}

}  // namespace

arrow::Result<PlanPtr> MakeTransformWithState(const PlanPtr& child, const std::vector<ExprPtr>& groups,
                                              const StructType& output, std::shared_ptr<TransformWithStateSpec> spec) {
  if (!spec || !spec->factory) return arrow::Status::Invalid("transformWithState needs a stateful processor");
  PlanNode node{.kind = PlanNode::Kind::kTransformWithState, .children = {child}};
  for (const auto& g : groups) {
    ARROW_ASSIGN_OR_RAISE(auto bound, BindExpression(g, child->output));
    node.exprs.push_back(std::move(bound));
  }
  const int64_t delay = InputEventTimeDelay(*child);
  for (const auto& f : output.fields()) {
    Attribute a{.name = f.name, .type = f.type, .nullable = f.nullable};
    if (!spec->event_time_column.empty() && EqualsIgnoreCase(f.name, spec->event_time_column)) {
      a.watermark_delay_ms = delay >= 0 ? 0 : -1;
    }
    node.output.push_back(std::move(a));
  }
  node.transform = std::move(spec);
  return std::make_shared<const PlanNode>(std::move(node));
}

}  // namespace spate
