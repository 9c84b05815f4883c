#pragma once

// Spark's JSON schema inference (JsonInferSchema), one value at a time, shared
// by schema_of_json and the JSON file source:
//  - integers are BIGINT, DECIMAL(digits, 0) beyond a long and DOUBLE beyond 38
//    digits; other numbers DOUBLE; booleans BOOLEAN; strings STRING,
//  - an empty string and null are NULL until the end (an empty string may
//    stand for a missing value), then STRING (or dropped, dropFieldIfAllNull),
//  - objects are structs with their fields sorted by name, repeated keys kept;
//    an empty array is ARRAY<NULL> until the end,
//  - two types merge into the narrowest type both fit (Spark's compatibleType):
//    BIGINT and DECIMAL widen to a DECIMAL holding both, any number and DOUBLE
//    to DOUBLE, structs field by field, arrays by element; anything else STRING.

#include <rapidjson/document.h>

#include "spate/types/data_type.h"

namespace spate {

/// The inference options of Spark's JSONOptions.
struct JsonInferOptions {
  /// primitivesAsString: numbers and booleans are STRING.
  bool primitives_as_string = false;
  /// prefersDecimal: read from the options; DOUBLE is still inferred for
  /// floating-point numbers (decimal inference is not implemented yet).
  bool prefers_decimal = false;
  /// dropFieldIfAllNull: fields seen only as NULL, [] or {} are left out.
  bool drop_field_if_all_null = false;
};

/// The type of one value parsed by ParseJsonRecord; `big_numbers` tells
/// whether its strings may be big numbers (json_record_parser.h). NULL types
/// stay until CanonicalJsonType.
DataTypePtr InferJsonType(const rapidjson::Value& v, bool big_numbers, const JsonInferOptions& options);

/// Spark's compatibleType: the narrowest type holding both, else STRING.
DataTypePtr MergeJsonTypes(const DataTypePtr& a, const DataTypePtr& b);

/// Spark's canonicalizeType, once every value is merged: NULL becomes STRING
/// (dropped with dropFieldIfAllNull); fields with an empty name and empty
/// structs are dropped. nullptr when the whole type is dropped.
DataTypePtr CanonicalJsonType(const DataTypePtr& type, bool drop_field_if_all_null);

}  // namespace spate
