#pragma once

// Arrow sort keys in Spark's order for ORDER BY (Sort and Window nodes): Arrow
// places NaN beside the NULLs, Spark above every other number (after +Infinity
// ascending, first descending), with the NULLs where NULLS FIRST/LAST says.

#include <memory>
#include <string>
#include <vector>

#include <arrow/compute/ordering.h>
#include <arrow/type_fwd.h>

namespace spate {

/// The columns and Arrow sort keys one ORDER BY key sorts by, to append to a
/// record batch of sort keys.
struct ArrowSortColumns {
  arrow::FieldVector fields;
  std::vector<std::shared_ptr<arrow::Array>> columns;
  std::vector<arrow::compute::SortKey> keys;
};

/// Appends ORDER BY key `array` to `out` under `name`: the array itself, and for
/// floating-point keys first whether the value is NaN, so that NaN sorts as Spark's
/// largest number.
arrow::Status AppendSortColumn(const std::shared_ptr<arrow::Array>& array, const std::string& name, bool ascending,
                               bool nulls_first, ArrowSortColumns* out);

}  // namespace spate
