#pragma once

// What the batch and the streaming aggregation share: evaluating grouping
// keys and aggregate arguments, and merging session windows.

#include <memory>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/plan/logical_plan.h"

namespace spate {

/// The evaluated grouping keys (node.exprs) and aggregate arguments (one per
/// call, null for a call without arguments) of an Aggregate node's input.
struct GroupingInput {
  std::vector<std::shared_ptr<arrow::ChunkedArray>> keys;
  std::vector<std::shared_ptr<arrow::ChunkedArray>> args;
  int64_t num_rows = 0;
};

arrow::Result<GroupingInput> EvaluateGroupingInput(const PlanNode& node, const arrow::Table& input,
                                                   const EvalContext& ctx);

/// For an aggregation by session_window: replaces each row's session with the
/// merged session of its group, drops rows without one, and orders the rows
/// by group and session start (exec/session_window.h).
arrow::Status MergeSessionKey(const PlanNode& node, GroupingInput* in);

/// collect_list's result: each list without its NULL elements, as Spark's.
arrow::Result<std::shared_ptr<arrow::Array>> DropNullElements(const arrow::Array& lists);


}  // namespace spate
