// INTERSECT [ALL] and EXCEPT [ALL]: rows of the left input kept by how often
// the same row occurs on each side. Rows compare as Spark compares them here:
// NULL equals NULL, NaN equals NaN and -0.0 equals 0.0 (the row encoding
// normalizes them), nested values by content.

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "spate/exec/executor.h"
#include "spate/state/row_codec.h"

namespace spate {

namespace {

// How many copies of a row the operation keeps, from its counts on each side.
int64_t Kept(const PlanNode& node, int64_t left_count, int64_t right_count) {
  if (node.kind == PlanNode::Kind::kIntersect) {
    return node.set_all ? std::min(left_count, right_count) : (right_count > 0 ? 1 : 0);
  }
  return node.set_all ? std::max<int64_t>(left_count - right_count, 0) : (right_count > 0 ? 0 : 1);
}

struct Counts {
  int64_t left = 0, right = 0, kept = -1;  // kept: copies still to emit, once known
};

}  // namespace

arrow::Result<std::shared_ptr<arrow::Table>> ExecuteSetOperation(const PlanNode& node,
                                                                 const arrow::Table& left,
                                                                 const arrow::Table& right) {
  ARROW_ASSIGN_OR_RAISE(auto left_batch, ToSingleBatch(left));
  ARROW_ASSIGN_OR_RAISE(auto right_batch, ToSingleBatch(right));
  if (left_batch->num_rows() == 0) return arrow::Table::FromRecordBatches({left_batch});
  ARROW_ASSIGN_OR_RAISE(auto encoder, RowEncoder::Make(left_batch->schema()));
  std::vector<std::string> left_rows = encoder->EncodeAll(*left_batch);
  std::unordered_map<std::string, Counts> counts;
  for (const auto& row : left_rows) ++counts[row].left;
  if (right_batch->num_rows() > 0) {
    // Both inputs have the plan's column types, so their encodings compare.
    ARROW_ASSIGN_OR_RAISE(auto right_encoder, RowEncoder::Make(right_batch->schema()));
    for (const auto& row : right_encoder->EncodeAll(*right_batch)) {
      auto it = counts.find(row);
      if (it != counts.end()) ++it->second.right;
    }
  }
  // Keep the first Kept(...) occurrences of each row, in the left input's order.
  arrow::Int64Builder take;
  for (int64_t i = 0; i < left_batch->num_rows(); ++i) {
    Counts& c = counts[left_rows[i]];
    if (c.kept < 0) c.kept = Kept(node, c.left, c.right);
    if (c.kept > 0) {
      --c.kept;
      ARROW_RETURN_NOT_OK(take.Append(i));
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto indices, take.Finish());
  ARROW_ASSIGN_OR_RAISE(auto out, arrow::compute::Take(left_batch, indices));
  return arrow::Table::FromRecordBatches({out.record_batch()});
}

}  // namespace spate
