#pragma once

// Schema inference for the JSON source: each record's type inferred with
// Spark's rules (expr/json_infer.h, which schema_of_json shares), the records
// of every file merged into one struct, malformed records handled by the parse
// mode (PERMISSIVE adds the corrupt-record column). A top-level array stands
// for its elements; `null` and `[]` for no record.

#include <optional>
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
  /// primitivesAsString, prefersDecimal, dropFieldIfAllNull, inferTimestamp.
  JsonInferOptions types;
};

/// The schema of JSON records (one JSON text each). FAILFAST turns a
/// malformed record into [MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION], a
/// value that is not an object (nor an array of them) into
/// [INVALID_JSON_RECORD_TYPE]; a
/// field name found twice (ignoring case unless `case_sensitive`) is
/// [COLUMN_ALREADY_EXISTS].
arrow::Result<StructTypePtr> InferJsonSchema(const std::vector<std::string>& records,
                                             const JsonSourceInferOptions& options, bool case_sensitive);

/// The record of a multiLine JSON document: its value as written, or the whole
/// document when it does not hold one (a malformed record).
std::string JsonDocumentRecord(std::string_view document, const JsonReadOptions& read);

/// The elements of a record that is a top-level array of objects, each as
/// written in the record: Spark's JSON source reads each element as a row.
/// nullopt for any other record (an array holding anything but objects is
/// one malformed record).
std::optional<std::vector<std::string_view>> JsonArrayElements(std::string_view record, const JsonReadOptions& read);

}  // namespace spate
