#pragma once

// Schemas and types written in Spark's DDL, as StructType.fromDDL,
// DataStreamReader.schema("...") and from_json(col, "...") accept them:
//   "user_id string, session_events int NOT NULL COMMENT 'n', ts timestamp"
//   "struct<a:int,b:array<string>>", "`a b` DECIMAL(10,2)", "map<string,int>"
// Keywords are case-insensitive; names keep their case. Errors are Spark's
// ([PARSE_SYNTAX_ERROR], [UNSUPPORTED_DATATYPE], ...) with line, position and
// the "== SQL ==" excerpt.

#include <string_view>
#include <vector>

#include <arrow/result.h>

#include "spate/common/sql_lexer.h"
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

/// For the SQL parser: a data type starting at tokens[*pos] of `text`, as in
/// CAST(x AS type); *pos moves past it. Errors point into `text`.
arrow::Result<DataTypePtr> ParseDdlTypeAt(std::string_view text,
                                          const std::vector<sql::Token>& tokens, size_t* pos);

/// For CREATE TABLE t (a INT, b STRING NOT NULL COMMENT 'x'): the fields from
/// tokens[*pos] up to the first token that does not continue the list.
arrow::Result<std::vector<StructField>> ParseDdlFieldsAt(std::string_view text,
                                                         const std::vector<sql::Token>& tokens,
                                                         size_t* pos);

}  // namespace spate
