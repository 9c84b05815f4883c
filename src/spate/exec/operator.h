#pragma once

// A physical operator: one node of a physical plan (physical_plan.h), built
// once per query run from a node of the optimized logical plan, that keeps
// what it compiled (output schema, bound expressions) across the runs of the
// plan (a batch query runs it once, a streaming query once per micro-batch).
//
// Data is pushed: a source operator (a scan) reads its batches and hands each
// to its consumer's AddInput; an operator that transforms rows one batch at a
// time (project, filter, limit, ...) passes its output on at once, one that
// needs all its input (sort, aggregate, join, ...) collects it and emits its
// result when every input has finished. Before reading each batch a source
// asks whether anyone downstream still wants input, so a satisfied Limit
// stops the reading.

#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/expr/bound_expr.h"

namespace spate {

struct PlanNode;

class Operator {
 public:
  Operator(const PlanNode& node, std::vector<Operator*> inputs, std::shared_ptr<arrow::Schema> schema);
  virtual ~Operator() = default;
  Operator(const Operator&) = delete;
  Operator& operator=(const Operator&) = delete;

  /// Spark's name of the operator ("Project", "HashAggregate", ...).
  virtual const char* name() const = 0;
  /// Its number in the physical plan: depth first from the top, the root is 0.
  int id() const { return id_; }
  /// A streaming stateful operator's number (its checkpoint's state/<id>/ folder), or -1.
  int state_id() const { return state_id_; }
  const PlanNode& node() const { return node_; }
  const std::vector<Operator*>& inputs() const { return inputs_; }
  /// The operator its batches go to (null for the root).
  Operator* consumer() const { return consumer_; }
  /// The schema of the batches it emits.
  virtual std::shared_ptr<arrow::Schema> output_schema() const { return schema_; }

  /// Rows and batches emitted in the current run.
  int64_t rows_out() const { return rows_out_; }
  int64_t batches_out() const { return batches_out_; }

  /// Called on every operator before each run of the plan: forget the last run.
  virtual arrow::Status Start(const EvalContext& ctx);
  /// One batch from input `input` (0 for an operator with one input).
  virtual arrow::Status AddInput(int input, std::shared_ptr<arrow::RecordBatch> batch) = 0;
  /// Input `input` has no more batches; after the last input, Finish().
  arrow::Status InputFinished(int input);
  /// Whether more input can still change this operator's output.
  virtual bool WantsInput() const;
  /// The same for one input: a stream-static join takes nothing from a
  /// static side whose rows it kept from an earlier micro-batch.
  virtual bool WantsInputFrom(int input) const;

 protected:
  /// Every input has finished: emit what is left, then EmitEnd().
  virtual arrow::Status Finish() { return EmitEnd(); }
  /// Hands a batch to the consumer.
  arrow::Status Emit(std::shared_ptr<arrow::RecordBatch> batch);
  /// Counts a batch as emitted without handing it on (its consumer's work was done elsewhere).
  void CountEmitted(const arrow::RecordBatch& batch);
  /// Emits each batch of `table` while the consumer wants them.
  arrow::Status EmitTable(const arrow::Table& table);
  /// Whether the consumer (or, for the root, the caller) takes more batches.
  bool ConsumerWantsInput() const;
  /// Tells the consumer this operator's output has ended.
  arrow::Status EmitEnd();
  /// How many of this operator's first rows the operators above use at most:
  /// a LIMIT's rows (with its OFFSET) when only projections lie between; -1
  /// when every row may count.
  int64_t FirstRowsUsedAbove() const;
  const EvalContext& ctx() const { return *ctx_; }

  std::shared_ptr<arrow::Schema> schema_;

 private:
  friend class PhysicalPlan;
  const PlanNode& node_;
  std::vector<Operator*> inputs_;
  int id_ = -1;
  int state_id_ = -1;
  Operator* consumer_ = nullptr;
  int consumer_input_ = 0;
  const EvalContext* ctx_ = nullptr;
  int inputs_finished_ = 0;
  int64_t rows_out_ = 0;
  int64_t batches_out_ = 0;
};

/// An operator that maps each batch by itself to at most one batch, keeping
/// nothing between batches (project, filter). MapBatch may run on several
/// batches at once from different threads: a scan runs the maps above it on
/// the task pool (scan_operator.cc) and hands their results on in order.
class BatchMapOperator : public Operator {
 public:
  using Operator::Operator;
  /// The batch to pass on for `batch`; null when no row is left.
  virtual arrow::Result<std::shared_ptr<arrow::RecordBatch>> MapBatch(
      std::shared_ptr<arrow::RecordBatch> batch) const = 0;
  arrow::Status AddInput(int input, std::shared_ptr<arrow::RecordBatch> batch) final;
  /// Passes on a batch MapBatch made on another thread: counted as emitted, and
  /// handed to the consumer when `to_consumer` (the last map of a chain).
  arrow::Status EmitMapped(std::shared_ptr<arrow::RecordBatch> batch, bool to_consumer);
};

/// An operator without inputs that reads its rows when the plan runs.
class SourceOperator : public Operator {
 public:
  using Operator::Operator;
  /// Emits the batches of this run while someone downstream wants them, then ends.
  virtual arrow::Status Produce() = 0;
  arrow::Status AddInput(int, std::shared_ptr<arrow::RecordBatch>) override;
};

}  // namespace spate
