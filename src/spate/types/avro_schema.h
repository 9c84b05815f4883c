#pragma once

// Avro schemas: the JSON form parsed into a tree, the Spark type each schema
// reads as (spark-avro's SchemaConverters.toSqlType) and the Avro schema a
// Spark type writes as (SchemaConverters.toAvroType).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>

#include "spate/types/data_type.h"

namespace spate {

enum class AvroKind {
  kNull, kBoolean, kInt, kLong, kFloat, kDouble, kBytes, kString,
  kRecord, kEnum, kArray, kMap, kUnion, kFixed,
};

/// Logical types Spark reads; others are ignored, as Avro ignores invalid ones.
enum class AvroLogical {
  kNone, kDate, kTimestampMillis, kTimestampMicros, kLocalTimestampMillis,
  kLocalTimestampMicros, kDecimal,
};

struct AvroSchema;
using AvroSchemaPtr = std::shared_ptr<const AvroSchema>;

struct AvroField {
  std::string name;
  AvroSchemaPtr schema;
  std::string default_json;  // the field's default as JSON text ("" when it has none)
};

struct AvroSchema {
  AvroKind kind = AvroKind::kNull;
  AvroLogical logical = AvroLogical::kNone;
  int precision = 0, scale = 0;      // decimal
  std::string full_name;             // record, enum, fixed
  std::vector<AvroField> fields;     // record
  std::vector<std::string> symbols;  // enum
  int fixed_size = 0;                // fixed
  std::vector<AvroSchemaPtr> branches;  // union
  AvroSchemaPtr items;               // array items, map values
  /// A recursive reference cut at recursiveFieldMaxDepth: the enclosing record
  /// it stands for. It has no Spark type; its values are only read past.
  const AvroSchema* recursive_of = nullptr;
};

/// Parses an Avro schema's JSON text. Recursive records are refused, as Spark
/// refuses them by default; with `recursive_max_depth` (recursiveFieldMaxDepth,
/// 1 to 15) a record appears at most that many times along a path.
arrow::Result<AvroSchemaPtr> ParseAvroSchema(std::string_view json, int recursive_max_depth = 0);

/// The option recursiveFieldMaxDepth's text as a depth for ParseAvroSchema (from_avro and
/// the avro file format): 0 or less refuses recursive schemas; above 15 is refused.
arrow::Result<int> ParseRecursiveFieldMaxDepth(const std::string& text);

/// The Spark type an Avro schema reads as, and whether it may be NULL; a null
/// type for a cut recursive reference (and what only holds one), whose record
/// field is left out as Spark leaves it out.
struct AvroSparkType {
  DataTypePtr type;
  bool nullable = false;
};
/// spark-avro's options of the mapping: enableStableIdentifiersForUnionType names the
/// members of a union struct by their type (member_int, member_<record name>) instead
/// of member0, member1, ..., with stableIdentifierPrefixForUnionType as the prefix.
struct AvroTypeOptions {
  bool stable_union_ids = false;
  std::string union_prefix = "member_";
};
AvroSparkType AvroToSparkType(const AvroSchema& schema, const AvroTypeOptions& options = {});

/// The union's branches other than "null", in order.
std::vector<AvroSchemaPtr> NonNullBranches(const AvroSchema& union_schema);

/// The Avro schema (JSON text) a Spark type is written as: records named
/// `record_name` in `name_space`, nullable values as ["T", "null"].
arrow::Result<std::string> SparkTypeToAvroJson(const DataType& type, bool nullable,
                                               const std::string& record_name,
                                               const std::string& name_space);

/// The fewest bytes that hold an unscaled decimal of `precision` digits.
int DecimalBytesForPrecision(int precision);

}  // namespace spate
