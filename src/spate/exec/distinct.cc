// distinct() / dropDuplicates() of a batch query.

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "spate/aggregates/group_ids.h"
#include "spate/exec/executor.h"
#include "spate/exec/sort_keys.h"

namespace spate {

namespace cp = arrow::compute;

// distinct()/dropDuplicates(): the first row of each distinct key. Floating-point
// key columns come out normalized (0.0 for -0.0), as Spark's aggregate gives them.
arrow::Result<std::shared_ptr<arrow::Table>> ExecuteDistinct(const PlanNode& node,
                                                             const arrow::Table& input,
                                                             const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto batch, ToSingleBatch(input));
  if (batch->num_rows() == 0) return arrow::Table::FromRecordBatches({batch});
  std::vector<std::shared_ptr<arrow::Array>> keys;
  for (const auto& e : node.exprs) {
    ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*e, *batch, ctx));
    keys.push_back(std::move(array));
  }
  uint32_t groups = 0;
  ARROW_ASSIGN_OR_RAISE(auto ids, GroupIds(keys, batch->num_rows(), &groups));
  arrow::Int64Builder firsts;
  std::vector<bool> seen(groups, false);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!seen[ids[i]]) {
      ARROW_RETURN_NOT_OK(firsts.Append(static_cast<int64_t>(i)));
      seen[ids[i]] = true;
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto take, firsts.Finish());
  for (const auto& e : node.exprs) {
    if (e->kind() != BoundExpr::Kind::kColumn) continue;
    int index = static_cast<const BoundColumn&>(*e).index();
    ARROW_ASSIGN_OR_RAISE(auto normal, NormalizeFloatingKey(batch->column(index)));
    ARROW_ASSIGN_OR_RAISE(batch, batch->SetColumn(index, batch->schema()->field(index), normal));
  }
  ARROW_ASSIGN_OR_RAISE(auto out, cp::Take(batch, take));
  return arrow::Table::FromRecordBatches({out.record_batch()});
}

}  // namespace spate
