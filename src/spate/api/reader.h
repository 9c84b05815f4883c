#pragma once

// DataFrameReader: spark.read. Loads Parquet, JSON, CSV and text files (a
// file, a directory of part files, or a glob) into a DataFrame, with
// Spark's options and defaults, and reads catalog tables. Files are read
// when load() is called; a failure (a missing path, a malformed record in
// FAILFAST mode) is carried in the DataFrame's status().

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "spate/api/dataframe.h"
#include "spate/types/data_type.h"

namespace spate {

class Session;

class DataFrameReader {
 public:
  explicit DataFrameReader(std::shared_ptr<Session> session);

  /// "parquet" (the default, spark.sql.sources.default), "json", "csv",
  /// "text"; "statestore" reads a streaming checkpoint's state (connectors/statestore/state_reader.h).
  DataFrameReader& format(const std::string& source);
  /// Option keys are case-insensitive, as in Spark.
  DataFrameReader& option(const std::string& key, const std::string& value);
  DataFrameReader& options(const std::map<std::string, std::string>& options);
  DataFrameReader& schema(StructTypePtr schema);
  /// A DDL schema: "a INT, b STRING". A bad string is reported by load().
  DataFrameReader& schema(const std::string& ddl);

  /// Loads the "path" option.
  DataFrame load() const;
  DataFrame load(const std::string& path) const;
  DataFrame load(const std::vector<std::string>& paths) const;

  DataFrame parquet(const std::string& path) { return format("parquet").load(path); }
  DataFrame json(const std::string& path) { return format("json").load(path); }
  DataFrame csv(const std::string& path) { return format("csv").load(path); }
  DataFrame text(const std::string& path) { return format("text").load(path); }
  /// A PostgreSQL table (or "(SELECT ...) alias"): format("jdbc") with url,
  /// dbtable and the properties (user, password, fetchsize, ...) as options.
  DataFrame jdbc(const std::string& url, const std::string& table,
                 const std::map<std::string, std::string>& properties = {}) const;
  /// The same, read in `num_partitions` ranges of the numeric `column`
  /// between `lower_bound` and `upper_bound`, as Spark splits them.
  DataFrame jdbc(const std::string& url, const std::string& table, const std::string& column, int64_t lower_bound,
                 int64_t upper_bound, int num_partitions,
                 const std::map<std::string, std::string>& properties = {}) const;
  /// One partition per WHERE condition of `predicates` (a row matching two is
  /// read twice, as in Spark).
  DataFrame jdbc(const std::string& url, const std::string& table, const std::vector<std::string>& predicates,
                 const std::map<std::string, std::string>& properties) const;
  DataFrame parquet(const std::vector<std::string>& paths) { return format("parquet").load(paths); }
  DataFrame json(const std::vector<std::string>& paths) { return format("json").load(paths); }
  DataFrame csv(const std::vector<std::string>& paths) { return format("csv").load(paths); }
  DataFrame text(const std::vector<std::string>& paths) { return format("text").load(paths); }
  /// spark.read.table(name): like Session::Table.
  DataFrame table(const std::string& name) const;

 private:
  std::shared_ptr<Session> session_;
  std::string format_;
  std::map<std::string, std::string> options_;  // keys lower-cased
  StructTypePtr schema_;
  arrow::Status schema_status_;
};

}  // namespace spate
