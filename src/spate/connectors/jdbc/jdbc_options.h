#pragma once

// The options of the jdbc data source (url, dbtable or query, user, password,
// partitioning, batch and fetch sizes, ...) checked as Spark's JDBCOptions
// checks them, and the PostgreSQL address a jdbc:postgresql:// URL names.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>

namespace spate::jdbc {

/// Where to connect: the parts of jdbc:postgresql://host:port/database?k=v&...
struct PgAddress {
  std::string host = "localhost";
  std::string port = "5432";
  std::string database;
  /// Parameters of the URL and connection properties libpq understands
  /// (user, password, sslmode, ...), as libpq keywords.
  std::map<std::string, std::string> params;
};

struct JdbcOptions {
  std::string url;
  PgAddress address;
  std::string table;  // dbtable, or "(query) SPARK_GEN_SUBQ_0" for a query
  bool is_query = false;
  // Partitioned reads: all four or none. The bounds are read as the
  // column's type: a number, a date or a timestamp.
  std::optional<std::string> partition_column;
  std::string lower_bound;
  std::string upper_bound;
  int64_t num_partitions = 0;
  // Or one partition per WHERE condition (spark.read.jdbc(..., predicates)),
  // given as the option "predicates": a JSON array of strings.
  std::vector<std::string> predicates;
  int64_t fetch_size = 0;
  int64_t batch_size = 1000;
  bool truncate = false;
  std::string isolation_level = "READ_UNCOMMITTED";
  std::string create_table_options;
  std::string create_table_column_types;
  std::string session_init_statement;
};

/// Parses the url ("jdbc:postgresql://host:port/db", "jdbc:postgresql:db").
arrow::Result<PgAddress> ParsePgUrl(const std::string& url);

/// The options of spark.read.format("jdbc") (`for_write` false) or
/// df.write.format("jdbc"), with Spark's messages for missing or conflicting ones.
arrow::Result<JdbcOptions> ParseJdbcOptions(const std::map<std::string, std::string>& options, bool for_write);

}  // namespace spate::jdbc
