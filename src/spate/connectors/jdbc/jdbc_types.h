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

/// Whether SparkTypeOf knows the type by its OID alone.
bool IsKnownType(uint32_t type_oid);

/// The Spark type a PostgreSQL result column reads as (type_name: the
/// server's name of a type IsKnownType does not know). Other types read as
/// STRING, as the JDBC driver's Types.OTHER does; arrays are not supported yet.
arrow::Result<DataTypePtr> SparkTypeOf(const PgColumn& column, const std::string& type_name);

}  // namespace spate::jdbc
