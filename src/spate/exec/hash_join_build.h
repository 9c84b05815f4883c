#pragma once

// The build side of a hash join (hash_join.cc): one input's rows and the
// hash table of their keys. A batch join builds it from its right input once
// per run; a stream-static join (stream_static_join.cc) builds it from the
// static input, on either side, and keeps it across micro-batches.

#include <cstdint>
#include <memory>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/plan/logical_plan.h"

namespace arrow::compute {
class Grouper;
}  // namespace arrow::compute

namespace spate {

struct JoinBuildSide {
  bool is_left = false;  // built from the join's left input (else its right)
  std::shared_ptr<arrow::RecordBatch> rows;
  /// With equi-keys: the keys' hash table (a group id per distinct key), and
  /// the rows of group g, group_rows[group_start[g] .. group_start[g + 1]),
  /// without the rows whose key has a NULL.
  std::shared_ptr<arrow::compute::Grouper> grouper;
  std::vector<std::shared_ptr<arrow::DataType>> key_types;
  std::vector<int64_t> group_start, group_rows;
};

/// The build side of `join` over `input`, its left input when `is_left`, else its right.
arrow::Result<std::shared_ptr<JoinBuildSide>> BuildJoinSide(const PlanNode& join, const arrow::Table& input,
                                                            const EvalContext& ctx, bool is_left = false);

/// The join of `probe`, the input `build` was not built from, with `build`.
arrow::Result<std::shared_ptr<arrow::Table>> ProbeJoin(const PlanNode& join, const arrow::Table& probe,
                                                       JoinBuildSide& build, const EvalContext& ctx);

}  // namespace spate
