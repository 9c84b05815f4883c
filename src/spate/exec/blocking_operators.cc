// Operators that need all their input before they can emit: they collect
// each input's batches and, when every input has ended, compute their
// result with the operator's function (executor.h) and emit it. Among them
// the stateful operators of a streaming query, which find their state by
// their state id.

#include <algorithm>
#include <functional>

#include <arrow/api.h>

#include "spate/exec/executor.h"
#include "spate/exec/operators.h"
#include "spate/exec/streaming_context.h"
#include "spate/exec/window.h"

namespace spate {

namespace {

using Tables = std::vector<std::shared_ptr<arrow::Table>>;
using TableResult = arrow::Result<std::shared_ptr<arrow::Table>>;

class BlockingOperator : public Operator {
 public:
  BlockingOperator(const PlanNode& node, std::vector<Operator*> inputs, const char* name)
      : Operator(node, std::move(inputs), nullptr), name_(name) {}
  const char* name() const override { return name_; }

  arrow::Status Start(const EvalContext& ctx) override {
    collected_.assign(inputs().size(), {});
    return Operator::Start(ctx);
  }

  arrow::Status AddInput(int input, std::shared_ptr<arrow::RecordBatch> batch) override {
    collected_[input].push_back(std::move(batch));
    return arrow::Status::OK();
  }

 protected:
  /// The result over each input's rows.
  virtual TableResult Compute(const Tables& inputs) = 0;

  arrow::Status Finish() override {
    Tables tables;
    for (size_t i = 0; i < collected_.size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto table, arrow::Table::FromRecordBatches(inputs()[i]->output_schema(),
                                                                         std::move(collected_[i])));
      tables.push_back(std::move(table));
    }
    collected_.assign(inputs().size(), {});
    ARROW_ASSIGN_OR_RAISE(auto result, Compute(tables));
    schema_ = result->schema();
    ARROW_RETURN_NOT_OK(EmitTable(*result));
    return EmitEnd();
  }

 private:
  const char* name_;
  std::vector<std::vector<std::shared_ptr<arrow::RecordBatch>>> collected_;
};

using Function = std::function<TableResult(const PlanNode&, const Tables&, const EvalContext&)>;

// Window, join, intersect/except: one function of the inputs.
class FunctionOperator final : public BlockingOperator {
 public:
  FunctionOperator(const PlanNode& node, std::vector<Operator*> inputs, const char* name, Function function)
      : BlockingOperator(node, std::move(inputs), name), function_(std::move(function)) {}

 protected:
  TableResult Compute(const Tables& in) override { return function_(node(), in, ctx()); }

 private:
  Function function_;
};

// ORDER BY: sorts its whole input when it has ended. Under a LIMIT it keeps
// only the rows that can still be among the first ones as it goes (Spark's
// TakeOrderedAndProject): memory stays near the limit plus a batch. The sort
// is stable, so rows with equal keys stay in input order either way.
class SortOperator final : public Operator {
 public:
  SortOperator(const PlanNode& node, std::vector<Operator*> inputs) : Operator(node, std::move(inputs), nullptr) {}
  const char* name() const override { return "Sort"; }
  std::shared_ptr<arrow::Schema> output_schema() const override { return inputs()[0]->output_schema(); }

  arrow::Status Start(const EvalContext& ctx) override {
    rows_.clear();
    unsorted_rows_ = 0;
    return Operator::Start(ctx);
  }

  arrow::Status AddInput(int, std::shared_ptr<arrow::RecordBatch> batch) override {
    unsorted_rows_ += batch->num_rows();
    rows_.push_back(std::move(batch));
    const int64_t keep = FirstRowsUsedAbove();
    if (keep < 0 || unsorted_rows_ <= std::max<int64_t>(keep, kMinRowsToTrim)) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(auto first, SortedRows(keep));
    rows_.clear();
    ARROW_ASSIGN_OR_RAISE(auto kept, first->CombineChunksToBatch());
    rows_.push_back(std::move(kept));
    unsorted_rows_ = 0;
    return arrow::Status::OK();
  }

 protected:
  arrow::Status Finish() override {
    ARROW_ASSIGN_OR_RAISE(auto sorted, SortedRows(FirstRowsUsedAbove()));
    rows_.clear();
    ARROW_RETURN_NOT_OK(EmitTable(*sorted));
    return EmitEnd();
  }

 private:
  static constexpr int64_t kMinRowsToTrim = 8192;

  // The rows collected so far, sorted; the first `keep` of them when keep >= 0.
  TableResult SortedRows(int64_t keep) {
    ARROW_ASSIGN_OR_RAISE(auto table, arrow::Table::FromRecordBatches(output_schema(), rows_));
    ARROW_ASSIGN_OR_RAISE(auto sorted, ExecuteSort(node(), *table, ctx()));
    if (keep >= 0 && sorted->num_rows() > keep) sorted = sorted->Slice(0, keep);
    return sorted;
  }

  std::vector<std::shared_ptr<arrow::RecordBatch>> rows_;
  int64_t unsorted_rows_ = 0;  // rows added since the last trim
};

using UnaryFunction = TableResult (*)(const PlanNode&, const arrow::Table&, const EvalContext&);
using BinaryFunction = TableResult (*)(const PlanNode&, const arrow::Table&, const arrow::Table&, const EvalContext&);

Function Unary(UnaryFunction f) {
  return [f](const PlanNode& n, const Tables& in, const EvalContext& ctx) { return f(n, *in[0], ctx); };
}
Function Binary(BinaryFunction f) {
  return [f](const PlanNode& n, const Tables& in, const EvalContext& ctx) { return f(n, *in[0], *in[1], ctx); };
}

// An aggregation, deduplication or join: in a micro-batch of a streaming
// query, over streams, the stateful form, which finds its state by this
// operator's state id; the batch form otherwise.
class StatefulOrBatchOperator final : public BlockingOperator {
 public:
  StatefulOrBatchOperator(const PlanNode& node, std::vector<Operator*> inputs, const char* name,
                          Function stateful, Function batch)
      : BlockingOperator(node, std::move(inputs), name), stateful_(std::move(stateful)), batch_(std::move(batch)) {}
  /// A stateful operator's state takes every row, whatever a limit above keeps.
  bool WantsInput() const override { return state_id() >= 0 || ConsumerWantsInput(); }

 protected:
  TableResult Compute(const Tables& in) override {
    if (!ctx().streaming || state_id() < 0) return batch_(node(), in, ctx());
    StreamingBatchContext& streaming = *ctx().streaming;
    streaming.running_operator = state_id();
    auto result = stateful_(node(), in, ctx());
    streaming.running_operator = -1;
    return result;
  }

 private:
  Function stateful_;
  Function batch_;
};

}  // namespace

bool IsStatefulNode(const PlanNode& node) {
  if (node.kind == PlanNode::Kind::kJoin) {
    return IsStreamingPlan(*node.children[0]) && IsStreamingPlan(*node.children[1]);
  }
  if (node.kind == PlanNode::Kind::kTransformWithState) return true;
  return (node.kind == PlanNode::Kind::kAggregate || node.kind == PlanNode::Kind::kDistinct) &&
         IsStreamingPlan(node);
}

arrow::Result<std::unique_ptr<Operator>> MakeBlockingOperator(const PlanNode& node, std::vector<Operator*> inputs) {
  using Kind = PlanNode::Kind;
  auto unary = [&](const char* name, UnaryFunction f) -> std::unique_ptr<Operator> {
    return std::make_unique<FunctionOperator>(node, std::move(inputs), name, Unary(f));
  };
  switch (node.kind) {
    case Kind::kSort: return std::make_unique<SortOperator>(node, std::move(inputs));
    case Kind::kWindow: return unary("Window", ExecuteWindow);
    case Kind::kAggregate:
      return std::make_unique<StatefulOrBatchOperator>(node, std::move(inputs), "HashAggregate",
                                                       Unary(ExecuteStreamingAggregate), Unary(ExecuteAggregate));
    case Kind::kDistinct:
      return std::make_unique<StatefulOrBatchOperator>(node, std::move(inputs), "Deduplicate",
                                                       Unary(ExecuteStreamingDeduplicate), Unary(ExecuteDistinct));
    case Kind::kTransformWithState:
      return std::make_unique<StatefulOrBatchOperator>(
          node, std::move(inputs), "TransformWithState", Unary(ExecuteTransformWithState),
          [](const PlanNode&, const Tables&, const EvalContext&) -> TableResult {
            return arrow::Status::NotImplemented("transformWithState runs on streaming DataFrames only");
          });
    case Kind::kJoin:
      if (IsStatefulNode(node)) {
        return std::make_unique<StatefulOrBatchOperator>(node, std::move(inputs), "StreamingSymmetricHashJoin",
                                                         Binary(ExecuteStreamingJoin), Binary(ExecuteJoin));
      }
      if (IsStreamingPlan(*node.children[0]) != IsStreamingPlan(*node.children[1])) {
        const int static_input = IsStreamingPlan(*node.children[0]) ? 1 : 0;
        return MakeStreamStaticJoinOperator(node, std::move(inputs), static_input);
      }
      return std::make_unique<FunctionOperator>(node, std::move(inputs), "HashJoin", Binary(ExecuteJoin));
    case Kind::kIntersect:
    case Kind::kExcept:
      return std::make_unique<FunctionOperator>(
          node, std::move(inputs), node.kind == Kind::kIntersect ? "Intersect" : "Except",
          [](const PlanNode& n, const Tables& in, const EvalContext&) {
            return ExecuteSetOperation(n, *in[0], *in[1]);
          });
    default: break;
  }
  return arrow::Status::NotImplemented("plan node");
}

}  // namespace spate
