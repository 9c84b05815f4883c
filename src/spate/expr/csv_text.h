#pragma once

// CSV text as Spark's CSV source reads and writes it (its options, defaults
// and quoting rules; see CSVOptions): splitting text into records and fields,
// and formatting one field for output. Types are handled by the caller.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>

#include "spate/expr/parse_mode.h"

namespace spate {

struct CsvOptions {
  char sep = ',';
  char quote = '"';  // '\0': no quoting
  char escape = '\\';
  char comment = '\0';  // '\0': no comment lines
  bool header = false;
  bool infer_schema = false;
  bool multi_line = false;
  // Reading with a schema and a header: true applies the schema by position;
  // false also checks each file's header names against it.
  bool enforce_schema = true;
  std::string null_value;         // a field equal to it reads as NULL; NULL writes as it
  std::string empty_value_read;   // what a quoted empty field reads as
  std::string empty_value_write = "\"\"";
  // Reading keeps whitespace; writing trims it (Spark's defaults).
  bool ignore_leading_ws_read = false, ignore_trailing_ws_read = false;
  bool ignore_leading_ws_write = true, ignore_trailing_ws_write = true;
  bool quote_all = false;
  bool escape_quotes = true;
  ParseMode mode = ParseMode::kPermissive;
  std::string corrupt_column = "_corrupt_record";
  std::string line_sep = "\n";  // writing

  /// From the reader's/writer's options (keys case-insensitive).
  static arrow::Result<CsvOptions> Make(const std::map<std::string, std::string>& options);
};

/// One record: its fields (nullopt for NULL) and its text (for _corrupt_record).
struct CsvRecord {
  std::vector<std::optional<std::string>> fields;
  std::string text;
};

/// Splits `text` into records (blank and comment lines skipped). Fields equal
/// to nullValue become NULL.
std::vector<CsvRecord> ParseCsv(std::string_view text, const CsvOptions& options);

/// Appends one field formatted for output: quoted when it holds the
/// separator, a quote or a line break.
void AppendCsvField(const std::optional<std::string_view>& value, const CsvOptions& options,
                    std::string* out);

}  // namespace spate
