#include "spate/exec/physical_plan.h"

#include <arrow/api.h>

#include "spate/common/task_pool.h"
#include "spate/exec/operators.h"
#include "spate/expr/function_calls.h"
#include "spate/expr/function_registry.h"
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

// Whether `e` calls a function whose value for a row depends on the batch it
// is in (monotonically_increasing_id, rand: pieces are not the batches one
// thread reads) or a user function (a Python one needs the interpreter lock
// the query's caller may hold).
bool StaysOnOneThread(const BoundExpr& e) {
  return CallsAny(e, [](const std::string& f) { return !IsDeterministic(f) || f.rfind("udf:", 0) == 0; });
}

bool MapsOnPool(const BatchMapOperator& op) {
  const PlanNode& node = op.node();
  if (node.condition && StaysOnOneThread(*node.condition)) return false;
  for (const auto& e : node.exprs) {
    if (e && StaysOnOneThread(*e)) return false;
  }
  return true;
}

// The operators that run on the task pool with a scan, over pieces of its
// rows: the projections and filters right above it (from_json and the other
// row-by-row work of a file pipeline), up to the first that may not.
std::vector<BatchMapOperator*> MapsAboveOnPool(const SourceOperator& scan) {
  std::vector<BatchMapOperator*> maps;
  for (Operator* op = scan.consumer(); op != nullptr; op = op->consumer()) {
    auto* map = dynamic_cast<BatchMapOperator*>(op);
    if (map == nullptr || !MapsOnPool(*map)) break;
    maps.push_back(map);
  }
  return maps;
}

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

arrow::Result<std::shared_ptr<arrow::Table>> PhysicalPlan::Run(const EvalContext& ctx, int task_threads) {
  EnsureComputeInitialized();
  for (auto& op : operators_) ARROW_RETURN_NOT_OK(op->Start(ctx));
  ARROW_RETURN_NOT_OK(result_->Start(ctx));
  for (SourceOperator* source : sources_) {
    std::vector<BatchMapOperator*> maps = MapsAboveOnPool(*source);
    RunOnPool(*source, std::move(maps), Tasks(task_threads));
    ARROW_RETURN_NOT_OK(source->Produce());
  }
  return static_cast<ResultCollector&>(*result_).Table();
}

TaskPool* PhysicalPlan::Tasks(int threads) {
  if (threads <= 1) return nullptr;
  if (!tasks_ || tasks_->threads() != threads) tasks_ = std::make_unique<TaskPool>(threads);
  return tasks_.get();
}

}  // namespace spate
