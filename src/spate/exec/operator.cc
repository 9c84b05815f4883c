#include "spate/exec/operator.h"

#include <arrow/api.h>

#include "spate/plan/logical_plan.h"

namespace spate {

Operator::Operator(const PlanNode& node, std::vector<Operator*> inputs, std::shared_ptr<arrow::Schema> schema)
    : schema_(std::move(schema)), node_(node), inputs_(std::move(inputs)) {}

arrow::Status Operator::Start(const EvalContext& ctx) {
  ctx_ = &ctx;
  inputs_finished_ = 0;
  rows_out_ = 0;
  batches_out_ = 0;
  return arrow::Status::OK();
}

arrow::Status Operator::InputFinished(int) {
  if (++inputs_finished_ < static_cast<int>(inputs_.size())) return arrow::Status::OK();
  return Finish();
}

bool Operator::WantsInput() const { return ConsumerWantsInput(); }

bool Operator::WantsInputFrom(int) const { return WantsInput(); }

bool Operator::ConsumerWantsInput() const {
  return consumer_ == nullptr || consumer_->WantsInputFrom(consumer_input_);
}

void Operator::CountEmitted(const arrow::RecordBatch& batch) {
  rows_out_ += batch.num_rows();
  ++batches_out_;
}

arrow::Status Operator::Emit(std::shared_ptr<arrow::RecordBatch> batch) {
  CountEmitted(*batch);
  if (consumer_ == nullptr) return arrow::Status::OK();
  return consumer_->AddInput(consumer_input_, std::move(batch));
}

arrow::Status Operator::EmitTable(const arrow::Table& table) {
  arrow::TableBatchReader reader(table);
  std::shared_ptr<arrow::RecordBatch> batch;
  while (ConsumerWantsInput()) {
    ARROW_RETURN_NOT_OK(reader.ReadNext(&batch));
    if (!batch) break;
    ARROW_RETURN_NOT_OK(Emit(std::move(batch)));
  }
  return arrow::Status::OK();
}

arrow::Status Operator::EmitEnd() {
  if (consumer_ == nullptr) return arrow::Status::OK();
  return consumer_->InputFinished(consumer_input_);
}

int64_t Operator::FirstRowsUsedAbove() const {
  for (const Operator* above = consumer_; above != nullptr; above = above->consumer_) {
    if (above->node().kind == PlanNode::Kind::kLimit) return above->node().offset + above->node().limit;
    if (above->node().kind != PlanNode::Kind::kProject) break;
  }
  return -1;
}

arrow::Status BatchMapOperator::AddInput(int, std::shared_ptr<arrow::RecordBatch> batch) {
  ARROW_ASSIGN_OR_RAISE(batch, MapBatch(std::move(batch)));
  if (!batch) return arrow::Status::OK();
  return Emit(std::move(batch));
}

arrow::Status BatchMapOperator::EmitMapped(std::shared_ptr<arrow::RecordBatch> batch, bool to_consumer) {
  if (to_consumer) return Emit(std::move(batch));
  CountEmitted(*batch);
  return arrow::Status::OK();
}

arrow::Status SourceOperator::AddInput(int, std::shared_ptr<arrow::RecordBatch>) {
  return arrow::Status::Invalid("internal error: a source operator has no inputs");
}

}  // namespace spate
