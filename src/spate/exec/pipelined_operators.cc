// Operators that pass each batch on as it comes: project, filter, expand
// (grouping sets), generate (explode), withWatermark, union, limit, and the
// distinct of a batch query.

#include <optional>

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "spate/common/calendar.h"
#include "spate/exec/distinct.h"
#include "spate/exec/executor.h"
#include "spate/exec/generate.h"
#include "spate/exec/operators.h"
#include "spate/exec/streaming_context.h"
#include "spate/expr/shared_subexpressions.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;

// `exprs` evaluated over `batch`, one column each of `schema`.
arrow::Result<std::shared_ptr<arrow::RecordBatch>> ProjectBatch(const std::vector<BoundExprPtr>& exprs,
                                                                const std::shared_ptr<arrow::Schema>& schema,
                                                                const arrow::RecordBatch& batch,
                                                                const EvalContext& ctx) {
  std::vector<std::shared_ptr<arrow::Array>> columns;
  for (int i = 0; i < static_cast<int>(exprs.size()); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*exprs[i], batch, ctx));
    ARROW_ASSIGN_OR_RAISE(array, ConformArray(std::move(array), schema->field(i)->type()));
    columns.push_back(std::move(array));
  }
  return arrow::RecordBatch::Make(schema, batch.num_rows(), std::move(columns));
}

// An operator whose output schema is its input's.
class PassThroughOperator : public Operator {
 public:
  using Operator::Operator;
  std::shared_ptr<arrow::Schema> output_schema() const override { return inputs()[0]->output_schema(); }
};

// A call its expressions repeat runs once per batch (shared_subexpressions.h).
class ProjectOperator final : public BatchMapOperator {
 public:
  using BatchMapOperator::BatchMapOperator;
  const char* name() const override { return "Project"; }
  arrow::Status Start(const EvalContext& ctx) override {
    if (!shared_) shared_.emplace(node().exprs, static_cast<int>(node().children[0]->output.size()));
    return Operator::Start(ctx);
  }
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> MapBatch(std::shared_ptr<arrow::RecordBatch> batch) const override {
    // A batch of another width than the input's plan says gets its own.
    std::optional<SharedSubexpressions> own;
    if (batch->num_columns() != shared_->input_columns()) own.emplace(node().exprs, batch->num_columns());
    const SharedSubexpressions& shared = own ? *own : *shared_;
    ARROW_ASSIGN_OR_RAISE(batch, shared.Extend(batch, ctx()));
    return ProjectBatch(shared.exprs(), schema_, *batch, ctx());
  }

 private:
  std::optional<SharedSubexpressions> shared_;  // made by the first run, for the input plan's columns
};

// GROUPING SETS: each input row once per grouping set (one projection each).
class ExpandOperator final : public Operator {
 public:
  using Operator::Operator;
  const char* name() const override { return "Expand"; }
  arrow::Status AddInput(int, std::shared_ptr<arrow::RecordBatch> batch) override {
    for (const auto& projection : node().projections) {
      ARROW_ASSIGN_OR_RAISE(auto out, ProjectBatch(projection, schema_, *batch, ctx()));
      ARROW_RETURN_NOT_OK(Emit(std::move(out)));
    }
    return arrow::Status::OK();
  }
};

// explode / posexplode[_outer]: each batch's rows, one per element.
class GenerateOperator final : public Operator {
 public:
  using Operator::Operator;
  const char* name() const override { return "Generate"; }
  arrow::Status AddInput(int, std::shared_ptr<arrow::RecordBatch> batch) override {
    ARROW_ASSIGN_OR_RAISE(auto out, GenerateBatch(node(), schema_, *batch, ctx()));
    return Emit(std::move(out));
  }
};

// distinct() / dropDuplicates() of a batch query: each batch's rows with a
// key not seen before, so a limit above stops the reading early.
class DistinctOperator final : public PassThroughOperator {
 public:
  using PassThroughOperator::PassThroughOperator;
  const char* name() const override { return "Deduplicate"; }
  arrow::Status Start(const EvalContext& ctx) override {
    rows_ = std::make_unique<DistinctRows>(node());
    return Operator::Start(ctx);
  }
  arrow::Status AddInput(int, std::shared_ptr<arrow::RecordBatch> batch) override {
    ARROW_ASSIGN_OR_RAISE(auto out, rows_->Next(std::move(batch), ctx()));
    if (out->num_rows() == 0) return arrow::Status::OK();
    return Emit(std::move(out));
  }

 private:
  std::unique_ptr<DistinctRows> rows_;
};

class FilterOperator final : public BatchMapOperator {
 public:
  using BatchMapOperator::BatchMapOperator;
  const char* name() const override { return "Filter"; }
  std::shared_ptr<arrow::Schema> output_schema() const override { return inputs()[0]->output_schema(); }
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> MapBatch(std::shared_ptr<arrow::RecordBatch> batch) const override {
    ARROW_ASSIGN_OR_RAISE(auto mask, EvaluateToArray(*node().condition, *batch, ctx()));
    if (mask->type_id() == arrow::Type::NA) return nullptr;  // WHERE NULL keeps nothing
    // A condition every row meets (a stream's isnotnull(time) before its
    // windows) passes the batch on as it is: filtering would copy each column.
    if (mask->type_id() == arrow::Type::BOOL && mask->null_count() == 0 &&
        static_cast<const arrow::BooleanArray&>(*mask).true_count() == mask->length()) {
      return batch;
    }
    ARROW_ASSIGN_OR_RAISE(auto kept, cp::Filter(batch, mask));
    return kept.record_batch();
  }
};

// withWatermark: in a streaming query, the event times of the rows that pass
// (a window struct counts by its end), for the next batch's watermark.
class WatermarkOperator final : public PassThroughOperator {
 public:
  using PassThroughOperator::PassThroughOperator;
  const char* name() const override { return "EventTimeWatermark"; }

  arrow::Status Start(const EvalContext& ctx) override {
    stats_ = nullptr;
    if (ctx.streaming) {
      stats_ = &ctx.streaming->event_times[id()];
      stats_->delay_ms = node().watermark_delay_ms;
    }
    return Operator::Start(ctx);
  }

  arrow::Status AddInput(int, std::shared_ptr<arrow::RecordBatch> batch) override {
    if (stats_) {
      ARROW_ASSIGN_OR_RAISE(auto times, EvaluateToArray(*node().exprs[0], *batch, ctx()));
      ARROW_ASSIGN_OR_RAISE(auto micros, EventTimeMicros(times));
      const arrow::Int64Array& values = *micros;
      for (int64_t i = 0; i < values.length(); ++i) {
        if (values.IsValid(i)) stats_->Add(calendar::FloorDiv(values.Value(i), 1000));
      }
    }
    return Emit(std::move(batch));
  }

 private:
  EventTimeStats* stats_ = nullptr;
};

// UNION ALL of n inputs: each input's batches in the union's types.
class UnionOperator final : public Operator {
 public:
  using Operator::Operator;
  const char* name() const override { return "Union"; }
  arrow::Status AddInput(int, std::shared_ptr<arrow::RecordBatch> batch) override {
    std::vector<std::shared_ptr<arrow::Array>> columns;
    for (int i = 0; i < schema_->num_fields(); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto column, ConformArray(batch->column(i), schema_->field(i)->type()));
      columns.push_back(std::move(column));
    }
    return Emit(arrow::RecordBatch::Make(schema_, batch->num_rows(), std::move(columns)));
  }
};

// LIMIT n OFFSET m: once it has its rows it wants no more, and the scans
// below stop reading.
class LimitOperator final : public PassThroughOperator {
 public:
  using PassThroughOperator::PassThroughOperator;
  const char* name() const override { return "GlobalLimit"; }

  arrow::Status Start(const EvalContext& ctx) override {
    to_skip_ = node().offset;
    to_take_ = node().limit;
    return Operator::Start(ctx);
  }
  bool WantsInput() const override { return to_take_ > 0 && ConsumerWantsInput(); }

  arrow::Status AddInput(int, std::shared_ptr<arrow::RecordBatch> batch) override {
    int64_t start = std::min(to_skip_, batch->num_rows());
    to_skip_ -= start;
    int64_t length = std::min(to_take_, batch->num_rows() - start);
    if (length <= 0) return arrow::Status::OK();
    to_take_ -= length;
    return Emit(batch->Slice(start, length));
  }

 private:
  int64_t to_skip_ = 0;
  int64_t to_take_ = 0;
};

}  // namespace

arrow::Result<std::unique_ptr<Operator>> MakePipelinedOperator(const PlanNode& node, std::vector<Operator*> inputs) {
  using Kind = PlanNode::Kind;
  std::shared_ptr<arrow::Schema> schema;
  if (node.kind == Kind::kProject || node.kind == Kind::kExpand || node.kind == Kind::kUnion ||
      node.kind == Kind::kGenerate) {
    ARROW_ASSIGN_OR_RAISE(schema, ToArrowSchema(*node.Schema()));
  }
  switch (node.kind) {
    case Kind::kProject: return std::make_unique<ProjectOperator>(node, std::move(inputs), std::move(schema));
    case Kind::kExpand: return std::make_unique<ExpandOperator>(node, std::move(inputs), std::move(schema));
    case Kind::kUnion: return std::make_unique<UnionOperator>(node, std::move(inputs), std::move(schema));
    case Kind::kGenerate: return std::make_unique<GenerateOperator>(node, std::move(inputs), std::move(schema));
    case Kind::kDistinct:
      if (IsStatefulNode(node)) return nullptr;  // a streaming deduplication (blocking_operators.cc)
      return std::make_unique<DistinctOperator>(node, std::move(inputs), nullptr);
    case Kind::kFilter: return std::make_unique<FilterOperator>(node, std::move(inputs), nullptr);
    case Kind::kWatermark: return std::make_unique<WatermarkOperator>(node, std::move(inputs), nullptr);
    case Kind::kLimit: return std::make_unique<LimitOperator>(node, std::move(inputs), nullptr);
    default: return nullptr;
  }
}

}  // namespace spate
