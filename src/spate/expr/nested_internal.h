#pragma once

// Helpers shared by the array, map and higher-order function families
// (functions_nested.cc, functions_array.cc, functions_map.cc,
// functions_higher_order.cc). Internal to those files.

#include <memory>
#include <string>
#include <vector>

#include <arrow/api.h>

#include "spate/expr/function_registry.h"

namespace spate::nested {

using ArrayPtr = std::shared_ptr<arrow::Array>;

/// Arguments arrive as arrays or scalars; the builders want arrays. A sliced
/// input is copied so that its buffers start at the first row.
arrow::Result<ArrayPtr> AsArray(const arrow::Datum& d, int64_t num_rows);
arrow::Result<std::unique_ptr<arrow::ArrayBuilder>> BuilderFor(const DataType& type);
arrow::Status AppendSlice(arrow::ArrayBuilder* builder, const arrow::Array& from, int64_t offset,
                          int64_t length);
/// Value equality as Spark compares elements: NaN equals NaN, -0.0 equals 0.0.
const arrow::EqualOptions& ValueEquality();
bool SameValue(const arrow::Array& a, int64_t i, const arrow::Array& b, int64_t j);

/// `"INT", "STRING"`: the quoted types of args[from], args[from + step], ...
std::string TypeList(const std::vector<BoundExprPtr>& args, size_t from, size_t step);
/// DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE for parameter `i` (0-based).
arrow::Status UnexpectedType(const BoundExpr& arg, size_t i, const std::string& required,
                             const std::string& pretty);
arrow::Status RequireArray(const BoundExpr& arg, size_t i, const std::string& pretty);
arrow::Status RequireMap(const BoundExpr& arg, size_t i, const std::string& pretty);
/// Casts args[from], args[from + step], ... to their widest common type, or
/// fails as Spark's DATA_DIFF_TYPES for `function`.
arrow::Result<DataTypePtr> CoerceAll(std::vector<BoundExprPtr>& args, size_t from, size_t step,
                                     const std::string& function, const std::string& pretty);

inline const ArrayType& AsArrayType(const DataType& t) { return static_cast<const ArrayType&>(t); }
inline const MapType& AsMapType(const DataType& t) { return static_cast<const MapType&>(t); }

/// Map keys: NULL_MAP_KEY, and DUPLICATED_MAP_KEY (Spark's default
/// spark.sql.mapKeyDedupPolicy=EXCEPTION) for a key equal to one in [begin, i).
std::string ValueText(const arrow::Array& values, int64_t i);
arrow::Status NullMapKey();
arrow::Status DuplicateMapKey(const arrow::Array& keys, int64_t i);
arrow::Status CheckMapKey(const arrow::Array& keys, int64_t begin, int64_t i);

/// The indices into list.values() of the elements of the non-null rows, row
/// by row, each row's elements sorted (NaN above every number, as in Spark).
arrow::Result<ArrayPtr> SortedElementIndices(const arrow::ListArray& list, bool ascending,
                                              bool nulls_first);

/// Rebuilds a list array row by row: a NULL row stays NULL, `append` adds a
/// non-null row's elements given their range [begin, end) in the input's values.
template <typename AppendRow>
arrow::Result<arrow::Datum> MapRows(const DataType& result_type, const arrow::ListArray& list,
                                    AppendRow append) {
  ARROW_ASSIGN_OR_RAISE(auto builder, BuilderFor(result_type));
  auto* out = static_cast<arrow::ListBuilder*>(builder.get());
  for (int64_t row = 0; row < list.length(); ++row) {
    if (list.IsNull(row)) {
      ARROW_RETURN_NOT_OK(out->AppendNull());
      continue;
    }
    ARROW_RETURN_NOT_OK(out->Append());
    int64_t begin = list.value_offset(row);
    ARROW_RETURN_NOT_OK(append(out->value_builder(), begin, begin + list.value_length(row)));
  }
  ARROW_ASSIGN_OR_RAISE(auto result, builder->Finish());
  return arrow::Datum(result);
}

}  // namespace spate::nested
