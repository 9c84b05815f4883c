// ORDER BY: the rows sorted by the sort keys (Arrow's stable sort over the
// whole input).

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "spate/exec/executor.h"
#include "spate/exec/sort_keys.h"

namespace spate {

namespace cp = arrow::compute;

arrow::Result<std::shared_ptr<arrow::Table>> ExecuteSort(const PlanNode& node,
                                                         const arrow::Table& input,
                                                         const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto batch, ToSingleBatch(input));
  ArrowSortColumns sort;
  for (size_t i = 0; i < node.sort_keys.size(); ++i) {
    const SortKey& k = node.sort_keys[i];
    ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*k.expr, *batch, ctx));
    ARROW_RETURN_NOT_OK(AppendSortColumn(array, "k" + std::to_string(i), k.ascending, k.nulls_first, &sort));
  }
  auto key_batch = arrow::RecordBatch::Make(arrow::schema(sort.fields), batch->num_rows(), sort.columns);
  ARROW_ASSIGN_OR_RAISE(auto indices, cp::SortIndices(arrow::Datum(key_batch), cp::SortOptions(sort.keys)));
  ARROW_ASSIGN_OR_RAISE(auto sorted, cp::Take(batch, indices));
  return arrow::Table::FromRecordBatches({sorted.record_batch()});
}

}  // namespace spate
