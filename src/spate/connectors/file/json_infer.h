#pragma once

// Schema inference for the JSON source, with Spark's rules (JsonInferSchema):
// integers are bigint, other numbers double, objects become structs with
// their fields sorted by name, values seen only as null are strings, and
// conflicting types widen (bigint + double -> double) or fall back to string.

#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>

#include "spate/expr/json_record_parser.h"
#include "spate/expr/parse_mode.h"
#include "spate/types/data_type.h"

namespace spate {

struct JsonInferOptions {
  ParseMode mode = ParseMode::kPermissive;
  /// Added (as a string field) when a record is malformed in PERMISSIVE mode.
  std::string corrupt_column = "_corrupt_record";
  /// Jackson's lenient features (allowSingleQuotes, ...), as from_json reads records.
  JsonReadOptions read;
  /// dropFieldIfAllNull: fields seen only as NULL, [] or {} are left out.
  bool drop_field_if_all_null = false;
};

/// The schema of JSON records (one JSON text each). FAILFAST turns a
/// malformed record into [MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION].
arrow::Result<StructTypePtr> InferJsonSchema(const std::vector<std::string>& records,
                                             const JsonInferOptions& options);

/// Splits one JSON document holding an object or an array of objects (the
/// multiLine layout) into one compact JSON text per record; a malformed
/// document is returned whole, as one (malformed) record.
std::vector<std::string> SplitJsonDocument(std::string_view document);

}  // namespace spate
