#pragma once

// Schema inference for the JSON source: each record's type inferred with
// Spark's rules (expr/json_infer.h, which schema_of_json shares), the records
// of every file merged into one struct, malformed records handled by the parse
// mode (PERMISSIVE adds the corrupt-record column).

#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>

#include "spate/expr/json_infer.h"
#include "spate/expr/json_record_parser.h"
#include "spate/expr/parse_mode.h"
#include "spate/types/data_type.h"

namespace spate {

struct JsonSourceInferOptions {
  ParseMode mode = ParseMode::kPermissive;
  /// Added (as a string field) when a record is malformed in PERMISSIVE mode.
  std::string corrupt_column = "_corrupt_record";
  /// Jackson's lenient features (allowSingleQuotes, ...), as from_json reads records.
  JsonReadOptions read;
  /// primitivesAsString, prefersDecimal, dropFieldIfAllNull.
  JsonInferOptions types;
};

/// The schema of JSON records (one JSON text each). FAILFAST turns a
/// malformed record into [MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION]; a
/// field name found twice (ignoring case unless `case_sensitive`) is
/// [COLUMN_ALREADY_EXISTS].
arrow::Result<StructTypePtr> InferJsonSchema(const std::vector<std::string>& records,
                                             const JsonSourceInferOptions& options, bool case_sensitive);

/// Splits one JSON document holding an object or an array of objects (the
/// multiLine layout) into one JSON text per record, each as written in the
/// document; a malformed document is returned whole, as one (malformed) record.
std::vector<std::string> SplitJsonDocument(std::string_view document, const JsonReadOptions& read);

}  // namespace spate
