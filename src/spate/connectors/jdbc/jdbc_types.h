#pragma once

// Spark's type mapping for PostgreSQL (PostgresDialect): the column type
// CREATE TABLE gives a Spark type, and the Spark type a PostgreSQL column
// reads back as.

#include <arrow/result.h>

#include "spate/connectors/jdbc/pg_connection.h"
#include "spate/types/data_type.h"

namespace spate::jdbc {

/// The PostgreSQL type of a column written from `type` ("TEXT", "NUMERIC(10,2)", ...),
/// or Spark's error for a type JDBC cannot hold.
arrow::Result<std::string> PostgresTypeOf(const DataType& type);

/// The Spark type a PostgreSQL result column of a type other than an array
/// reads as. Other types read as STRING, as the JDBC driver's Types.OTHER
/// does. (Arrays read as arrays of this type of their element: jdbc_reader.cc.)
DataTypePtr SparkTypeOf(const PgColumn& column);

/// The field metadata Spark's JDBC reader gives a column, as JSON:
/// {"isSigned":..., "isTimestampNTZ":false, "jdbcClientType":"int4", "scale":0}
/// (and the declared CHAR/VARCHAR type). For an array column, `column`
/// describes its element and `array_dimension` is its number of dimensions.
std::string SparkFieldMetadata(const PgColumn& column, const std::string& type_name, int array_dimension = 0);

}  // namespace spate::jdbc
