#pragma once

// The session catalog (spark_catalog): one database, `default`, whose
// managed tables live as directories under spark.sql.warehouse.dir/<table>.
// Each table directory holds a small metadata file (hidden from readers by
// its leading '_') with the provider, schema and partition columns, so a
// new Session on the same warehouse directory sees the same tables.

#include <mutex>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/types/data_type.h"

namespace spate {

class RuntimeConfig;

struct CatalogTable {
  std::string name;  // lower case, unqualified
  std::string provider = "parquet";
  StructTypePtr schema;  // data columns, then partition columns
  std::vector<std::string> partition_columns;
  std::string location;
};

class Catalog {
 public:
  explicit Catalog(const RuntimeConfig& conf) : conf_(conf) {}

  /// "t", "default.t" or "spark_catalog.default.t" -> "t"; another
  /// database is [SCHEMA_NOT_FOUND].
  static arrow::Result<std::string> TableName(const std::string& qualified);
  static arrow::Result<std::string> TableName(const std::vector<std::string>& parts);
  /// `spark_catalog`.`default`.`t`: how Spark names a table in messages.
  static std::string QualifiedName(const std::string& table);

  bool TableExists(const std::string& name) const;
  /// The table, or [TABLE_OR_VIEW_NOT_FOUND].
  arrow::Result<CatalogTable> GetTable(const std::string& name) const;
  /// Records a new table (its directory is created). Fails with
  /// [TABLE_OR_VIEW_ALREADY_EXISTS], or [LOCATION_ALREADY_EXISTS] when a
  /// directory that is no table is in the way.
  arrow::Status CreateTable(const CatalogTable& table);
  /// Removes the table and its data; false if there was none.
  arrow::Result<bool> DropTable(const std::string& name);
  /// The tables of `default`, sorted by name.
  std::vector<std::string> ListTables() const;
  /// Where a managed table of that name lives.
  std::string DefaultLocation(const std::string& name) const;

 private:
  std::string Warehouse() const;

  const RuntimeConfig& conf_;
  mutable std::mutex mutex_;
};

/// [TABLE_OR_VIEW_ALREADY_EXISTS] for table `name`.
arrow::Status TableAlreadyExists(const std::string& name);

}  // namespace spate
