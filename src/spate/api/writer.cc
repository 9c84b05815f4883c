#include "spate/api/writer.h"

#include <cctype>

#include <arrow/table.h>
#include <fmt/format.h>

#include "spate/api/catalog.h"
#include "spate/api/session.h"
#include "spate/api/table_io.h"
#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/connectors/file/file_listing.h"
#include "spate/connectors/file/format_readers.h"
#include "spate/connectors/file/format_writers.h"
#include "spate/connectors/jdbc/jdbc_connector.h"
#include "spate/connectors/kafka/kafka_connector.h"
#include "spate/connectors/iceberg/iceberg_tables.h"
#include "spate/expr/expression.h"

namespace spate {

namespace {

// writeTo(...).partitionedBy(...): column names, or for Iceberg tables any
// mix of columns and partition transforms (which then all go to the table's
// spec, in order).
arrow::Status SetPartitioning(Session& session, const std::string& table, const std::vector<Column>& terms,
                              TableWrite* write) {
  bool transforms = false;
  for (const Column& c : terms) {
    const Expr& e = *c.expr();
    if (e.kind == ExprKind::kColumn && e.name_parts.size() == 1) {
      write->partition_by.push_back(e.name_parts[0]);
    } else if (e.kind == ExprKind::kCall && e.name == kPartitionTransformCall) {
      transforms = true;
    } else {
      return SparkError("_LEGACY_ERROR_TEMP_1316", "",
                        fmt::format("Invalid partition transformation: {}.", e.ToSql()));
    }
  }
  if (!transforms) return arrow::Status::OK();
  for (const Column& c : terms) {
    const Expr& e = *c.expr();
    if (iceberg::IsIcebergName(session.conf(), table)) {
      write->partition_transforms.push_back(c.expr());
    } else if (e.kind == ExprKind::kCall && e.args[0]->ToString() == "bucket") {
      return arrow::Status::NotImplemented(fmt::format(
          "Bucketed tables: partitionedBy({}) is not supported for tables of the session catalog; "
          "Iceberg tables take bucket().",
          e.ToString()));
    } else if (e.kind == ExprKind::kCall) {
      return SparkError("UNSUPPORTED_PARTITION_TRANSFORM", "0A000",
                        fmt::format("Unsupported partition transform: `{}`. The supported transforms are "
                                    "`identity`, `bucket`, and `clusterBy`. Ensure your transform expression "
                                    "uses one of these.",
                                    e.ToString()));
    }
  }
  write->partition_by.clear();
  return arrow::Status::OK();
}

}  // namespace

DataFrameWriter::DataFrameWriter(DataFrame df) : df_(std::move(df)) {}

DataFrameWriter& DataFrameWriter::format(const std::string& source) {
  format_ = source;
  return *this;
}

DataFrameWriter& DataFrameWriter::mode(const std::string& save_mode) {
  mode_ = save_mode;
  return *this;
}

DataFrameWriter& DataFrameWriter::option(const std::string& key, const std::string& value) {
  options_[AsciiLower(key)] = value;
  return *this;
}

DataFrameWriter& DataFrameWriter::options(const std::map<std::string, std::string>& options) {
  for (const auto& [k, v] : options) option(k, v);
  return *this;
}

DataFrameWriter& DataFrameWriter::partitionBy(const std::vector<std::string>& columns) {
  partition_by_ = columns;
  return *this;
}

arrow::Status DataFrameWriter::save() const {
  if (AsciiLower(format_) == "kafka") {
    ARROW_RETURN_NOT_OK(df_.status());
    return WriteKafka(*df_.schema(), [this] { return df_.toArrow(); }, mode_, options_);
  }
  if (AsciiLower(format_) == "jdbc") {
    ARROW_RETURN_NOT_OK(df_.status());
    StructTypePtr schema = df_.schema();
    return WriteJdbc(*schema, [this] { return df_.toArrow(); }, df_.session()->conf(), mode_, options_);
  }
  if (!format_.empty() && !IsFileFormat(format_)) return UnsupportedDataSource(format_);
  auto path = options_.find("path");
  if (path == options_.end()) return arrow::Status::Invalid("'path' is not specified.");
  return save(path->second);
}

arrow::Status DataFrameWriter::save(const std::string& path) const {
  ARROW_RETURN_NOT_OK(df_.status());
  Session& session = *df_.session();
  FileWrite write;
  write.conf = &session.conf();
  write.format = AsciiLower(format_.empty() ? session.conf().Get("spark.sql.sources.default").value_or("parquet")
                                       : format_);
  if (!IsFileFormat(write.format)) return UnsupportedDataSource(write.format);
  ARROW_RETURN_NOT_OK(CheckFilePath(path, "path"));
  write.path = path;
  ARROW_ASSIGN_OR_RAISE(write.mode, ParseSaveMode(mode_));
  write.options = options_;
  write.partition_by = partition_by_;
  // Checked before any rows are computed, as Spark analyzes the write first.
  ARROW_RETURN_NOT_OK(CheckWritableSchema(write.format, *df_.schema(), partition_by_));
  ARROW_ASSIGN_OR_RAISE(auto rows, df_.toArrow());
  return WriteFiles(write, rows, *df_.schema());
}

arrow::Status DataFrameWriter::jdbc(const std::string& url, const std::string& table, const std::string& save_mode,
                                    const std::map<std::string, std::string>& properties) const {
  DataFrameWriter writer = *this;
  writer.format("jdbc").options(properties).option("url", url).option("dbtable", table);
  if (!save_mode.empty()) writer.mode(save_mode);
  return writer.save();
}

arrow::Status DataFrameWriter::saveAsTable(const std::string& name) const {
  ARROW_RETURN_NOT_OK(df_.status());
  TableWrite write;
  write.name = name;
  write.format = format_;
  write.mode = mode_;
  write.partition_by = partition_by_;
  write.options = options_;
  return SaveAsTable(*df_.session(), df_, write);
}

DataFrameWriterV2& DataFrameWriterV2::using_(const std::string& provider) {
  provider_ = provider;
  return *this;
}

DataFrameWriterV2& DataFrameWriterV2::option(const std::string& key, const std::string& value) {
  options_[AsciiLower(key)] = value;
  return *this;
}

DataFrameWriterV2& DataFrameWriterV2::tableProperty(const std::string& key, const std::string& value) {
  return option(key, value);
}

DataFrameWriterV2& DataFrameWriterV2::partitionedBy(const std::vector<Column>& columns) {
  partitioned_by_ = columns;
  return *this;
}

arrow::Status DataFrameWriterV2::Write(const std::string& mode) const {
  ARROW_RETURN_NOT_OK(df_.status());
  TableWrite write;
  write.name = table_;
  write.format = provider_;
  write.mode = mode;
  write.options = options_;
  ARROW_RETURN_NOT_OK(SetPartitioning(*df_.session(), table_, partitioned_by_, &write));
  return SaveAsTable(*df_.session(), df_, write);
}

arrow::Status DataFrameWriterV2::append() const {
  ARROW_RETURN_NOT_OK(df_.status());
  // Unlike saveAsTable, append never creates the table.
  Session& session = *df_.session();
  bool exists = false;
  if (iceberg::IsIcebergName(session.conf(), table_)) {
    ARROW_ASSIGN_OR_RAISE(exists, iceberg::TableExists(session.conf(), table_));
  } else {
    ARROW_ASSIGN_OR_RAISE(std::string name, Catalog::TableName(table_));
    exists = session.catalog().TableExists(name);
  }
  if (!exists) return TableNotFound(table_);
  return Write("append");
}

arrow::Status DataFrameWriterV2::create() const { return Write("errorifexists"); }

arrow::Status DataFrameWriterV2::createOrReplace() const { return Write("overwrite"); }

arrow::Status DataFrameWriter::insertInto(const std::string& table, bool overwrite) const {
  ARROW_ASSIGN_OR_RAISE(SaveMode mode, ParseSaveMode(mode_));
  return InsertInto(*df_.session(), df_, table, overwrite || mode == SaveMode::kOverwrite);
}

}  // namespace spate
