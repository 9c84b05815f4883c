#pragma once

// The Window operator: sorts its input once by (PARTITION BY, ORDER BY), then
// computes every window function call of the node over the sorted rows, one
// partition at a time. Ranking and offset functions take one pass per
// partition; aggregates run through a WindowAccumulator driven over each
// row's frame: growing frames add rows incrementally, moving frames also
// remove the rows that leave (an aggregate that cannot remove recomputes its
// frame). Output rows come in sorted order, as in Spark.

#include <cstdint>
#include <memory>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/plan/logical_plan.h"

namespace spate {

struct WindowCall;

/// An aggregate over a frame of sorted rows: the row indices passed are
/// positions in the sorted input the accumulator was made for.
class WindowAccumulator {
 public:
  virtual ~WindowAccumulator() = default;
  /// Empties the frame.
  virtual void Reset() = 0;
  /// Adds the row after the last one added.
  virtual arrow::Status Add(int64_t row) = 0;
  /// Whether Remove works; when not, a moving frame is recomputed.
  virtual bool CanRemove() const { return false; }
  /// Removes the oldest row of the frame.
  virtual arrow::Status Remove(int64_t /*row*/) { return arrow::Status::NotImplemented("Remove"); }
  /// Appends the aggregate of the current frame to the result.
  virtual arrow::Status Emit() = 0;
  /// The results, one per Emit.
  virtual arrow::Result<std::shared_ptr<arrow::Array>> Finish() = 0;
};

/// The accumulator for an aggregate call over `arg` (its argument in sorted
/// order; null for count(*)); NotImplemented for an aggregate it lacks.
arrow::Result<std::unique_ptr<WindowAccumulator>> MakeWindowAccumulator(
    const WindowCall& call, const std::shared_ptr<arrow::Array>& arg, const EvalContext& ctx);

arrow::Result<std::shared_ptr<arrow::Table>> ExecuteWindow(const PlanNode& node, const arrow::Table& input,
                                                           const EvalContext& ctx);

}  // namespace spate
