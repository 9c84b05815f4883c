#pragma once

// spark.readStream: format(...).option(...).schema(...).load() makes a
// streaming DataFrame. Nothing is read until a query starts.

#include <memory>
#include <string>

#include "spate/api/dataframe.h"
#include "spate/connectors/registry.h"

namespace spate {

class DataStreamReader {
 public:
  explicit DataStreamReader(std::shared_ptr<Session> session) : session_(std::move(session)) {}

  DataStreamReader& format(const std::string& source);
  DataStreamReader& option(const std::string& key, const std::string& value);
  DataStreamReader& schema(StructTypePtr schema);
  /// A DDL schema string ("a INT, b STRING"); a bad one fails at load().
  DataStreamReader& schema(const std::string& ddl);
  DataFrame load() const;
  DataFrame load(const std::string& path) const;
  /// spark.readStream.table(name): a table of an Iceberg catalog as a
  /// stream of its appended snapshots.
  DataFrame table(const std::string& name) const;

 private:
  DataFrame Load(std::optional<std::string> path) const;

  std::shared_ptr<Session> session_;
  std::string format_;
  Options options_;
  StructTypePtr schema_;
  arrow::Status schema_error_;
};

}  // namespace spate
