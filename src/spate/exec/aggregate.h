#pragma once

// What the batch and the streaming aggregation share: evaluating grouping
// keys and aggregate arguments, and merging session windows.

#include <memory>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/plan/logical_plan.h"

namespace spate {

/// The evaluated grouping keys (node.exprs) and aggregate arguments (per
/// call, one array per argument) of an Aggregate node's input.
struct GroupingInput {
  std::vector<std::shared_ptr<arrow::Array>> keys;
  std::vector<std::vector<std::shared_ptr<arrow::Array>>> args;
  std::vector<std::shared_ptr<arrow::Array>> filters;  // per call: its FILTER's values, or null
  int64_t num_rows = 0;
};

/// The rows' group ids by their keys (no keys: one group, even for no rows),
/// and the first row of each group.
struct Grouping {
  std::vector<uint32_t> ids;
  std::vector<int64_t> first_rows;
  uint32_t num_groups = 0;
};
arrow::Result<Grouping> GroupRowsByKeys(const std::vector<std::shared_ptr<arrow::Array>>& keys, int64_t num_rows);

/// The keys of each group (their first rows).
arrow::Result<std::vector<std::shared_ptr<arrow::Array>>> GroupKeys(
    const std::vector<std::shared_ptr<arrow::Array>>& keys, const Grouping& grouping);

arrow::Result<GroupingInput> EvaluateGroupingInput(const PlanNode& node, const arrow::Table& input,
                                                   const EvalContext& ctx);

/// For an aggregation by session_window: replaces each row's session with the
/// merged session of its group, drops rows without one, and orders the rows
/// by group and session start (exec/session_window.h).
arrow::Status MergeSessionKey(const PlanNode& node, GroupingInput* in);

}  // namespace spate
