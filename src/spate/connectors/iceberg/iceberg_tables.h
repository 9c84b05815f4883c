#pragma once

// What the public API does with tables of Iceberg catalogs: spark.table and
// FROM, saveAsTable / writeTo, CREATE TABLE ... USING iceberg, DROP TABLE,
// and the maintenance procedures. A name reaches here when its first part
// is a catalog configured as org.apache.iceberg.spark.SparkCatalog. Each
// call is given the session's settings; a write is given its rows as Arrow
// data (RowsToWrite: api/ computes them from a DataFrame).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/connectors/table_write.h"
#include "spate/plan/logical_plan.h"
#include "spate/types/data_type.h"

namespace spate {

class RuntimeConfig;
struct Expr;

namespace iceberg {

/// Whether `name` ("cat.ns.t", parts already split) is a table name of an Iceberg catalog.
bool IsIcebergName(const RuntimeConfig& conf, const std::vector<std::string>& parts);
bool IsIcebergName(const RuntimeConfig& conf, const std::string& name);

arrow::Result<bool> TableExists(const RuntimeConfig& conf, const std::string& name);

/// The table's rows at its current snapshot.
arrow::Result<PlanPtr> ReadTable(const RuntimeConfig& conf, const std::vector<std::string>& parts);

/// df.write.saveAsTable / writeTo(...).append() with Spark's save modes.
arrow::Status SaveAsTable(const RuntimeConfig& conf, const RowsToWrite& rows, const TableWrite& write);

/// A table's rows at its current snapshot, for a statement that rewrites
/// them (MERGE INTO, UPDATE, DELETE FROM).
struct TableVersion {
  PlanPtr rows;
  std::optional<int64_t> snapshot_id;  // none for a table without a snapshot yet
};
arrow::Result<TableVersion> ReadVersion(const RuntimeConfig& conf, const std::vector<std::string>& parts);

/// Replaces all of the table's rows by `rows` in one "overwrite" snapshot,
/// provided the table is still at `base` (its version when the rows were
/// computed); otherwise fails, naming the commit that came in between.
arrow::Status ReplaceRows(const RuntimeConfig& conf, const std::vector<std::string>& parts, const RowsToWrite& rows,
                          std::optional<int64_t> base);

/// INSERT INTO / INSERT OVERWRITE of rows already in the table's columns
/// (matched by position and cast by the caller): appends, or replaces every row.
arrow::Status InsertInto(const RuntimeConfig& conf, const std::vector<std::string>& parts, const RowsToWrite& rows,
                         bool overwrite);

/// The table's name as Spark's messages print it: `cat`.`ns`.`t`.
std::string QuotedName(const RuntimeConfig& conf, const std::vector<std::string>& parts);

/// CREATE TABLE [IF NOT EXISTS] name (schema) USING iceberg [PARTITIONED BY (...)] [TBLPROPERTIES].
arrow::Status CreateTable(const RuntimeConfig& conf, const std::vector<std::string>& parts, const StructType& schema,
                          const std::vector<std::shared_ptr<const Expr>>& partitioned_by, bool if_not_exists,
                          const std::map<std::string, std::string>& properties);

/// DROP TABLE: false when there was no such table.
arrow::Result<bool> DropTable(const RuntimeConfig& conf, const std::vector<std::string>& parts);

/// Maintenance (Iceberg's expire_snapshots and rewrite_data_files procedures).
arrow::Result<int64_t> ExpireSnapshots(const RuntimeConfig& conf, const std::string& table, int64_t older_than_ms,
                                       int retain_last);
arrow::Result<int64_t> RewriteDataFiles(const RuntimeConfig& conf, const std::string& table, int64_t target_file_size);

// Shared by the batch writes and the streaming sink.
struct IcebergSchema;
struct CatalogTableName;
class IcebergCatalog;

/// Checks that `data` can be written to a table of `table`'s columns by name
/// (Spark's INCOMPATIBLE_DATA_FOR_TABLE errors naming the columns).
arrow::Status CheckWriteSchema(const StructType& data, const IcebergSchema& table, const std::string& table_name);
/// `rows` in the table's column order and types (casts run with `conf`'s settings).
arrow::Result<std::shared_ptr<arrow::Table>> AlignRows(std::shared_ptr<arrow::Table> rows, const IcebergSchema& table,
                                                       const RuntimeConfig& conf);
/// The resolved name and its catalog; a non-Iceberg name is an error.
arrow::Result<std::pair<std::shared_ptr<IcebergCatalog>, CatalogTableName>> Resolve(const RuntimeConfig& conf,
                                                                                  const std::string& name);

}  // namespace iceberg
}  // namespace spate
