// explode / posexplode (and their _outer forms) of an array or map column,
// a batch at a time.

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "spate/exec/executor.h"
#include "spate/exec/generate.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace cp = arrow::compute;

arrow::Result<std::shared_ptr<arrow::RecordBatch>> GenerateBatch(const PlanNode& node,
                                                                 const std::shared_ptr<arrow::Schema>& schema,
                                                                 const arrow::RecordBatch& batch,
                                                                 const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto source, EvaluateToArray(*node.exprs[0], batch, ctx));
  const bool is_map = source->type_id() == arrow::Type::MAP;
  const auto& lists = static_cast<const arrow::ListArray&>(*source);  // a MapArray is a ListArray
  arrow::Int64Builder parents, elements;
  arrow::Int32Builder positions;
  // At most every element, plus a row for each empty list under explode_outer.
  const int64_t listed = lists.length() == 0 ? 0 : lists.value_offset(lists.length()) - lists.value_offset(0);
  const int64_t most = listed + (node.generate_outer ? lists.length() : 0);
  ARROW_RETURN_NOT_OK(parents.Reserve(most));
  ARROW_RETURN_NOT_OK(elements.Reserve(most));
  if (node.generate_position) ARROW_RETURN_NOT_OK(positions.Reserve(most));
  for (int64_t row = 0; row < lists.length(); ++row) {
    int64_t len = lists.IsNull(row) ? 0 : lists.value_length(row);
    if (len == 0 && node.generate_outer) {
      parents.UnsafeAppend(row);
      elements.UnsafeAppendNull();
      if (node.generate_position) positions.UnsafeAppendNull();
    }
    const int64_t first = lists.value_offset(row);
    for (int64_t k = 0; k < len; ++k) {
      parents.UnsafeAppend(row);
      elements.UnsafeAppend(first + k);
      if (node.generate_position) positions.UnsafeAppend(static_cast<int32_t>(k));
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto parent_idx, parents.Finish());
  ARROW_ASSIGN_OR_RAISE(auto element_idx, elements.Finish());
  std::vector<std::shared_ptr<arrow::Array>> columns;
  for (int i = 0; i < batch.num_columns(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(batch.column(i), parent_idx));
    columns.push_back(taken.make_array());
  }
  if (node.generate_position) {
    ARROW_ASSIGN_OR_RAISE(auto pos, positions.Finish());
    columns.push_back(pos);
  }
  std::shared_ptr<arrow::Array> values = lists.values();
  if (is_map) {
    const auto& entries = static_cast<const arrow::StructArray&>(*values);
    for (int f = 0; f < 2; ++f) {
      ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(entries.field(f), element_idx));
      columns.push_back(taken.make_array());
    }
  } else if (element_idx->length() == values->length() && element_idx->null_count() == 0) {
    // The indices only increase, so these are every element once, in order
    // (a sliding window's windows): no copy.
    columns.push_back(values);
  } else {
    ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(values, element_idx));
    columns.push_back(taken.make_array());
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(columns[i], ConformArray(columns[i], schema->field(static_cast<int>(i))->type()));
  }
  return arrow::RecordBatch::Make(schema, parent_idx->length(), std::move(columns));
}

}  // namespace spate
