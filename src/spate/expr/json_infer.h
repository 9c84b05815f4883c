#pragma once

// Spark's JSON schema inference (JsonInferSchema), one value at a time, shared
// by schema_of_json and the JSON file source:
//  - integers are BIGINT, DECIMAL(digits, 0) beyond a long and DOUBLE beyond 38
//    digits; other numbers DOUBLE; booleans BOOLEAN; strings STRING,
//  - with prefersDecimal, a number that is not an integer is DECIMAL(max(p, s), s)
//    of Java's BigDecimal of its text (DOUBLE beyond 38 digits; a negative scale,
//    `1e3`, is NEGATIVE_SCALE_DISALLOWED), and a string BigDecimal reads (commas
//    dropped, as Spark's en-US parser does; the locale's parser otherwise) is its
//    DECIMAL where that type exists,
//  - with inferTimestamp, a string CAST reads as a timestamp (with or without a
//    zone) is TIMESTAMP (after prefersDecimal: "2020" is a decimal then); with
//    timestampFormat, a string that pattern reads. (Spark tries
//    timestampNTZFormat first only under spark.sql.timestampType=TIMESTAMP_NTZ,
//    which Spate does not have.)
//  - an empty string and null are NULL until the end (an empty string may
//    stand for a missing value), then STRING (or dropped, dropFieldIfAllNull),
//  - objects are structs with their fields sorted by name, repeated keys kept;
//    an empty array is ARRAY<NULL> until the end,
//  - two types merge into the narrowest type both fit (Spark's compatibleType):
//    BIGINT and DECIMAL widen to a DECIMAL holding both, any number and DOUBLE
//    to DOUBLE, structs field by field, arrays by element; anything else STRING.

#include <optional>

#include <arrow/result.h>
#include <rapidjson/document.h>

#include "spate/expr/datetime_parse.h"
#include "spate/expr/locale_decimal.h"
#include "spate/types/data_type.h"

namespace spate {

/// The inference options of Spark's JSONOptions.
struct JsonInferOptions {
  /// primitivesAsString: numbers and booleans are STRING.
  bool primitives_as_string = false;
  /// prefersDecimal: decimals for numbers that are not integers, and for
  /// strings that read as decimals.
  bool prefers_decimal = false;
  /// dropFieldIfAllNull: fields seen only as NULL, [] or {} are left out.
  bool drop_field_if_all_null = false;
  /// inferTimestamp: strings that read as timestamps are TIMESTAMP.
  bool infer_timestamp = false;
  /// timestampFormat: the pattern inferTimestamp reads (else the forms CAST reads).
  std::optional<DatetimePattern> timestamp_format = std::nullopt;
  /// locale: how prefersDecimal reads strings.
  LocaleDecimalParser decimal{};
};

/// The type of one value parsed by ParseJsonRecord; `big_numbers` tells
/// whether its strings may be number strings (json_record_parser.h). With
/// prefersDecimal the value must be read with numbers_as_text (a number's own
/// text decides its scale). NULL types stay until CanonicalJsonType.
arrow::Result<DataTypePtr> InferJsonType(const rapidjson::Value& v, bool big_numbers,
                                         const JsonInferOptions& options);

/// Spark's compatibleType: the narrowest type holding both, else STRING.
DataTypePtr MergeJsonTypes(const DataTypePtr& a, const DataTypePtr& b);

/// Spark's canonicalizeType, once every value is merged: NULL becomes STRING
/// (dropped with dropFieldIfAllNull); fields with an empty name and empty
/// structs are dropped. nullptr when the whole type is dropped.
DataTypePtr CanonicalJsonType(const DataTypePtr& type, bool drop_field_if_all_null);

}  // namespace spate
