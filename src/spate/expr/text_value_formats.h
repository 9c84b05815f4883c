#pragma once

// How the text formats (JSON, CSV) read and write DATE, TIMESTAMP[_NTZ] and
// DECIMAL values: the dateFormat, timestampFormat and timestampNTZFormat
// patterns (without one, the forms CAST reads and Spark's default forms), and
// the locale option's decimal parser. One reading of these options for
// from_json/to_json, from_csv/to_csv and the JSON and CSV sources.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/expr/datetime_parse.h"
#include "spate/expr/function_options.h"
#include "spate/expr/locale_decimal.h"
#include "spate/types/data_type.h"

namespace spate {

struct TextValueFormats {
  std::optional<DatetimePattern> date, timestamp, timestamp_ntz;
  LocaleDecimalParser decimal{};

  /// From a reader's or function's options; INVALID_DATETIME_PATTERN for a
  /// pattern with a letter Spark does not know.
  static arrow::Result<TextValueFormats> Make(const Options& options);

  /// The pattern that reads and writes values of `type`, or null.
  const DatetimePattern* PatternFor(const DataType& type) const;

  /// `texts` read as `type` by its pattern, NULL where the pattern does not
  /// read the whole text (no fallback to CAST's forms, as Spark); null when
  /// `type` has no pattern. Timestamps without a zone are wall times in `tz`.
  arrow::Result<std::shared_ptr<arrow::Array>> ReadDatetimes(const std::vector<std::optional<std::string>>& texts,
                                                             const DataType& type, const std::string& tz) const;

  /// DECIMAL texts as the locale's parser reads them, rewritten as plain
  /// decimals for TRY_CAST; a text it does not read becomes NULL (its record
  /// malformed), even one CAST would read ("1." in de-DE).
  void ReadDecimals(std::vector<std::optional<std::string>>* texts) const;
};

/// Texts as an Arrow string array, NULL for nullopt (what the text readers cast).
arrow::Result<std::shared_ptr<arrow::Array>> StringArray(const std::vector<std::optional<std::string>>& texts);

}  // namespace spate
