#pragma once

// The build side of a hash join (hash_join.cc): the right side's rows and the
// hash table of their keys. A batch join builds it once per run; a
// stream-static join (stream_static_join.cc) keeps the static side's across
// micro-batches.

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
  std::shared_ptr<arrow::RecordBatch> rows;
  /// With equi-keys: the keys' hash table (a group id per distinct key), and
  /// the rows of group g, group_rows[group_start[g] .. group_start[g + 1]),
  /// without the rows whose key has a NULL.
  std::shared_ptr<arrow::compute::Grouper> grouper;
  std::vector<std::shared_ptr<arrow::DataType>> key_types;
  std::vector<int64_t> group_start, group_rows;
};

/// The build side of `join` over its right input.
arrow::Result<std::shared_ptr<JoinBuildSide>> BuildJoinSide(const PlanNode& join, const arrow::Table& right,
                                                            const EvalContext& ctx);

/// The join of `left` with a build side of the same join.
arrow::Result<std::shared_ptr<arrow::Table>> ProbeJoin(const PlanNode& join, const arrow::Table& left,
                                                       JoinBuildSide& build, const EvalContext& ctx);

}  // namespace spate
