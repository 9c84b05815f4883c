#pragma once

// Spark's JSON form of a schema, as DataType.json() prints it and
// DataType.fromJson() / PySpark's _parse_datatype_json_string read it:
//   {"type":"struct","fields":[{"name":"a","type":"integer","nullable":true,"metadata":{}}]}

#include <string>
#include <string_view>

#include <arrow/result.h>

#include "spate/types/data_type.h"

namespace spate {

/// Compact JSON with Spark's key order. A simple type prints as a JSON string
/// ("\"integer\"").
std::string ToJson(const DataType& type);

/// Reads any type in Spark's JSON form; errors name the offending part.
arrow::Result<DataTypePtr> ParseJsonType(std::string_view json);

/// Appends `s` as a JSON string literal (quoted and escaped).
void AppendJsonString(std::string_view s, std::string* out);

/// The "comment" entry of a field's metadata JSON object, or "".
std::string CommentFromMetadata(const std::string& metadata_json);
/// A metadata JSON object holding just a comment.
std::string MetadataWithComment(std::string_view comment);

}  // namespace spate
