#pragma once

// DataFrameWriter: df.write. Writes a DataFrame as Parquet, JSON Lines, CSV
// or text part files into a directory (Hive-style `col=value` directories
// with partitionBy), with Spark's save modes, or saves it as a table of
// the session catalog. Actions return the error, if any.

#include <map>
#include <string>
#include <vector>

#include <arrow/status.h>

#include "spate/api/dataframe.h"

namespace spate {

class DataFrameWriter {
 public:
  explicit DataFrameWriter(DataFrame df);

  /// "parquet" (the default, spark.sql.sources.default), "json", "csv", "text".
  DataFrameWriter& format(const std::string& source);
  /// "append", "overwrite", "ignore", "error" / "errorifexists" (the default).
  DataFrameWriter& mode(const std::string& save_mode);
  DataFrameWriter& option(const std::string& key, const std::string& value);
  DataFrameWriter& options(const std::map<std::string, std::string>& options);
  DataFrameWriter& partitionBy(const std::vector<std::string>& columns);

  /// Writes to the "path" option.
  arrow::Status save() const;
  arrow::Status save(const std::string& path) const;
  /// Saves as a managed table of the session catalog ("t" or "default.t").
  arrow::Status saveAsTable(const std::string& name) const;

  /// Inserts into an existing table, matching columns by position;
  /// overwrite (or mode "overwrite") replaces its rows.
  arrow::Status insertInto(const std::string& table, bool overwrite = false) const;

  /// Writes to a PostgreSQL table: format("jdbc") with url, dbtable and the
  /// properties (user, password, ...) as options; save_mode "" keeps mode().
  arrow::Status jdbc(const std::string& url, const std::string& table, const std::string& save_mode = "",
                     const std::map<std::string, std::string>& properties = {}) const;

  arrow::Status parquet(const std::string& path) { return format("parquet").save(path); }
  arrow::Status json(const std::string& path) { return format("json").save(path); }
  arrow::Status csv(const std::string& path) { return format("csv").save(path); }
  arrow::Status text(const std::string& path) { return format("text").save(path); }

 private:
  DataFrame df_;
  std::string format_;
  std::string mode_ = "errorifexists";
  std::map<std::string, std::string> options_;  // keys lower-cased
  std::vector<std::string> partition_by_;
};

/// DataFrameWriterV2: df.writeTo("cat.ns.t").append() / .create() /
/// .createOrReplace(), as Spark's writer for v2 catalog tables.
class DataFrameWriterV2 {
 public:
  DataFrameWriterV2(DataFrame df, std::string table) : df_(std::move(df)), table_(std::move(table)) {}

  DataFrameWriterV2& using_(const std::string& provider);
  DataFrameWriterV2& option(const std::string& key, const std::string& value);
  DataFrameWriterV2& tableProperty(const std::string& key, const std::string& value);
  /// The new table's partitioning: columns, and for Iceberg tables the
  /// transforms functions::years / months / days / hours / bucket.
  DataFrameWriterV2& partitionedBy(const std::vector<Column>& columns);

  /// Appends to an existing table ([TABLE_OR_VIEW_NOT_FOUND] otherwise).
  arrow::Status append() const;
  /// Creates the table with the rows ([TABLE_OR_VIEW_ALREADY_EXISTS] if it exists).
  arrow::Status create() const;
  /// Replaces the table's rows (and schema), creating it when missing.
  arrow::Status createOrReplace() const;

 private:
  arrow::Status Write(const std::string& mode) const;

  DataFrame df_;
  std::string table_;
  std::string provider_;
  std::map<std::string, std::string> options_;
  std::vector<Column> partitioned_by_;
};

}  // namespace spate
