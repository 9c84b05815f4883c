#include "spate/exec/physical_plan.h"

#include <arrow/api.h>

#include "spate/exec/operators.h"
#include "spate/plan/optimizer.h"

namespace spate {

namespace {

// The consumer of the root: keeps the batches of a run.
class ResultCollector final : public Operator {
 public:
  explicit ResultCollector(Operator* root) : Operator(root->node(), {root}, nullptr) {}
  const char* name() const override { return "Result"; }

  arrow::Status Start(const EvalContext& ctx) override {
    batches_.clear();
    finished_ = false;
    return Operator::Start(ctx);
  }
  arrow::Status AddInput(int, std::shared_ptr<arrow::RecordBatch> batch) override {
    batches_.push_back(std::move(batch));
    return arrow::Status::OK();
  }
  bool WantsInput() const override { return true; }

  arrow::Result<std::shared_ptr<arrow::Table>> Table() {
    if (!finished_) return arrow::Status::Invalid("internal error: the physical plan's root did not finish");
    return arrow::Table::FromRecordBatches(inputs()[0]->output_schema(), std::move(batches_));
  }

 protected:
  arrow::Status Finish() override {
    finished_ = true;
    return arrow::Status::OK();
  }

 private:
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches_;
  bool finished_ = false;
};

}  // namespace

PhysicalPlan::~PhysicalPlan() = default;

arrow::Result<std::unique_ptr<PhysicalPlan>> PhysicalPlan::Make(PlanPtr plan) {
  std::unique_ptr<PhysicalPlan> out(new PhysicalPlan());
  out->plan_ = Optimize(std::move(plan));
  ARROW_ASSIGN_OR_RAISE(Operator * root, out->Build(*out->plan_));
  out->result_ = std::make_unique<ResultCollector>(root);
  root->consumer_ = out->result_.get();
  return out;
}

// Numbers `node` before its children (depth first from the top), builds the
// children, then the operator, and links each child to it.
arrow::Result<Operator*> PhysicalPlan::Build(const PlanNode& node) {
  const int id = static_cast<int>(operators_.size());
  operators_.emplace_back();
  int state_id = -1;
  if (IsStatefulNode(node)) {
    state_id = static_cast<int>(stateful_.size());
    stateful_.push_back(nullptr);
  }
  std::vector<Operator*> inputs;
  for (const auto& child : node.children) {
    ARROW_ASSIGN_OR_RAISE(Operator * input, Build(*child));
    inputs.push_back(input);
  }
  std::unique_ptr<Operator> op;
  if (node.kind == PlanNode::Kind::kScan) {
    ARROW_ASSIGN_OR_RAISE(auto scan, MakeScanOperator(node));
    sources_.push_back(scan.get());
    op = std::move(scan);
  } else {
    ARROW_ASSIGN_OR_RAISE(op, MakePipelinedOperator(node, inputs));
    if (!op) {
      ARROW_ASSIGN_OR_RAISE(op, MakeBlockingOperator(node, inputs));
    }
  }
  op->id_ = id;
  op->state_id_ = state_id;
  for (size_t i = 0; i < inputs.size(); ++i) {
    inputs[i]->consumer_ = op.get();
    inputs[i]->consumer_input_ = static_cast<int>(i);
  }
  if (state_id >= 0) stateful_[state_id] = op.get();
  operators_[id] = std::move(op);
  return operators_[id].get();
}

arrow::Result<std::shared_ptr<arrow::Table>> PhysicalPlan::Run(const EvalContext& ctx) {
  EnsureComputeInitialized();
  for (auto& op : operators_) ARROW_RETURN_NOT_OK(op->Start(ctx));
  ARROW_RETURN_NOT_OK(result_->Start(ctx));
  for (SourceOperator* source : sources_) ARROW_RETURN_NOT_OK(source->Produce());
  return static_cast<ResultCollector&>(*result_).Table();
}

}  // namespace spate
