// distinct() / dropDuplicates() of a batch query: each batch's rows whose key
// no earlier row had, as the batches come.

#include "spate/exec/distinct.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "spate/exec/executor.h"

namespace spate {

namespace cp = arrow::compute;

arrow::Result<std::shared_ptr<arrow::RecordBatch>> DistinctRows::Next(std::shared_ptr<arrow::RecordBatch> batch,
                                                                      const EvalContext& ctx) {
  const int64_t rows = batch->num_rows();
  arrow::Int64Builder firsts;
  if (node_.exprs.empty()) {  // every row has the same (empty) key
    if (rows > 0 && !seen_empty_key_) ARROW_RETURN_NOT_OK(firsts.Append(0));
    seen_empty_key_ = seen_empty_key_ || rows > 0;
  } else if (rows > 0) {
    std::vector<std::shared_ptr<arrow::Array>> keys;
    for (const auto& e : node_.exprs) {
      ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*e, *batch, ctx));
      keys.push_back(std::move(array));
    }
    ARROW_ASSIGN_OR_RAISE(auto ids, grouping_.Consume(keys, rows));
    seen_.resize(grouping_.num_groups(), false);
    for (size_t i = 0; i < ids.size(); ++i) {
      if (!seen_[ids[i]]) {
        ARROW_RETURN_NOT_OK(firsts.Append(static_cast<int64_t>(i)));
        seen_[ids[i]] = true;
      }
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto take, firsts.Finish());
  for (const auto& e : node_.exprs) {
    if (e->kind() != BoundExpr::Kind::kColumn) continue;
    int index = static_cast<const BoundColumn&>(*e).index();
    ARROW_ASSIGN_OR_RAISE(auto normal, NormalizeFloatingKey(batch->column(index)));
    ARROW_ASSIGN_OR_RAISE(batch, batch->SetColumn(index, batch->schema()->field(index), normal));
  }
  ARROW_ASSIGN_OR_RAISE(auto out, cp::Take(batch, take));
  return out.record_batch();
}

arrow::Result<std::shared_ptr<arrow::Table>> ExecuteDistinct(const PlanNode& node,
                                                             const arrow::Table& input,
                                                             const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto batch, ToSingleBatch(input));
  DistinctRows distinct(node);
  ARROW_ASSIGN_OR_RAISE(auto rows, distinct.Next(std::move(batch), ctx));
  return arrow::Table::FromRecordBatches({rows});
}

}  // namespace spate
