#pragma once

// distinct() / dropDuplicates() of a batch query, a batch at a time: the
// first row of each distinct key, in input order. Floating-point key columns
// come out normalized (0.0 for -0.0), as Spark's aggregate gives them.

#include <memory>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/aggregates/group_ids.h"
#include "spate/plan/logical_plan.h"

namespace spate {

class DistinctRows {
 public:
  /// `node`: the Distinct node, its key expressions bound to its input.
  explicit DistinctRows(const PlanNode& node) : node_(node) {}
  /// The rows of `batch` whose key no row before them had.
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Next(std::shared_ptr<arrow::RecordBatch> batch,
                                                          const EvalContext& ctx);

 private:
  const PlanNode& node_;
  BatchGrouping grouping_;
  std::vector<bool> seen_;  // by group id: whether a row of the key was emitted
  bool seen_empty_key_ = false;
};

}  // namespace spate
