#include "spate/exec/sort_keys.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

namespace spate {

namespace cp = arrow::compute;

arrow::Status AppendSortColumn(const std::shared_ptr<arrow::Array>& array, const std::string& name, bool ascending,
                               bool nulls_first, ArrowSortColumns* out) {
  const cp::SortOrder order = ascending ? cp::SortOrder::Ascending : cp::SortOrder::Descending;
  const cp::NullPlacement nulls = nulls_first ? cp::NullPlacement::AtStart : cp::NullPlacement::AtEnd;
  if (arrow::is_floating(array->type_id())) {
    // false (a number) before true (NaN) ascending; NULL stays NULL.
    ARROW_ASSIGN_OR_RAISE(auto is_nan, cp::CallFunction("is_nan", {array}));
    out->fields.push_back(arrow::field(name + ".nan", arrow::boolean()));
    out->columns.push_back(is_nan.make_array());
    out->keys.emplace_back(name + ".nan", order, nulls);
  }
  out->fields.push_back(arrow::field(name, array->type()));
  out->columns.push_back(array);
  out->keys.emplace_back(name, order, nulls);
  return arrow::Status::OK();
}

}  // namespace spate
