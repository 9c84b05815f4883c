#pragma once

// Schemas and types written in Spark's DDL, as StructType.fromDDL,
// DataStreamReader.schema("...") and from_json(col, "...") accept them:
//   "user_id string, session_events int NOT NULL COMMENT 'n', ts timestamp"
//   "struct<a:int,b:array<string>>", "`a b` DECIMAL(10,2)", "map<string,int>"
// Keywords are case-insensitive; names keep their case. Errors are Spark's
// ([PARSE_SYNTAX_ERROR], [UNSUPPORTED_DATATYPE], ...) with line, position and
// the "== SQL ==" excerpt.

#include <string_view>

#include <arrow/result.h>

#include "spate/types/data_type.h"

namespace spate {

/// A table schema: comma-separated "name type [NOT NULL] [COMMENT 'text']".
arrow::Result<StructTypePtr> ParseDdlSchema(std::string_view ddl);

/// A single data type: "int", "array<struct<a:int>>", "decimal(10,2)".
arrow::Result<DataTypePtr> ParseDdlType(std::string_view ddl);

/// What PySpark accepts wherever a schema string goes: a table schema, else a
/// single type, else "a: int, b: string" read as struct<...>. When all three
/// fail the error of the table-schema reading is returned.
arrow::Result<DataTypePtr> ParseSchemaString(std::string_view ddl);

}  // namespace spate
