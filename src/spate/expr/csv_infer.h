#pragma once

// The type of CSV columns as Spark's CSV inference finds it (CSVInferSchema):
// each value is tried, from the type its column has so far, as INT, BIGINT,
// DECIMAL (no fraction digits), DOUBLE, DATE (preferDate), TIMESTAMP and
// BOOLEAN, and the column takes the type both fit, STRING when none. The CSV
// source and schema_of_csv both use it.

#include <string>
#include <string_view>
#include <vector>

#include "spate/expr/text_value_formats.h"
#include "spate/types/data_type.h"

namespace spate {

/// What inference takes from the options.
struct CsvInference {
  const TextValueFormats& formats;
  std::string time_zone;
  std::string date_format = "yyyy-MM-dd";  // the dateFormat option's pattern
  bool prefer_date = true;
  std::string null_value;  // a value equal to it (or empty) leaves the type as it was
  std::string nan_value = "NaN", positive_inf = "Inf", negative_inf = "-Inf";

  /// From a reader's or function's options (dateFormat, preferDate, nullValue, nanValue,
  /// positiveInf, negativeInf).
  static CsvInference Make(const TextValueFormats& formats, const Options& options, std::string time_zone);
};

/// The type of a column whose earlier values had type `so_far` (null: none
/// yet) once `value` is seen.
DataTypePtr InferCsvField(const DataTypePtr& so_far, std::string_view value, const CsvInference& infer);

/// The type of a column of `values`, in order; STRING when every value is empty or null.
DataTypePtr InferCsvType(const std::vector<const std::string*>& values, const CsvInference& infer);

}  // namespace spate
