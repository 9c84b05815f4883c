#include "spate/api/writer.h"

#include <cctype>

#include <arrow/table.h>

#include "spate/api/file_sink.h"
#include "spate/api/session.h"
#include "spate/api/table_io.h"
#include "spate/common/strings.h"
#include "spate/connectors/kafka/kafka_connector.h"

namespace spate {

namespace {

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
  if (AsciiLower(format_) == "kafka") return WriteKafka(df_, mode_, options_);
  auto path = options_.find("path");
  if (path == options_.end()) return arrow::Status::Invalid("'path' is not specified.");
  return save(path->second);
}

arrow::Status DataFrameWriter::save(const std::string& path) const {
  ARROW_RETURN_NOT_OK(df_.status());
  Session& session = *df_.session();
  FileWrite write;
  write.session = &session;
  write.format = AsciiLower(format_.empty() ? session.conf().Get("spark.sql.sources.default").value_or("parquet")
                                       : format_);
  write.path = path;
  ARROW_ASSIGN_OR_RAISE(write.mode, ParseSaveMode(mode_));
  write.options = options_;
  write.partition_by = partition_by_;
  // Checked before any rows are computed, as Spark analyzes the write first.
  ARROW_RETURN_NOT_OK(CheckWritableSchema(write.format, *df_.schema(), partition_by_));
  ARROW_ASSIGN_OR_RAISE(auto rows, df_.toArrow());
  return WriteFiles(write, rows, *df_.schema());
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

arrow::Status DataFrameWriter::insertInto(const std::string& table, bool overwrite) const {
  ARROW_ASSIGN_OR_RAISE(SaveMode mode, ParseSaveMode(mode_));
  return InsertInto(*df_.session(), df_, table, overwrite || mode == SaveMode::kOverwrite);
}

}  // namespace spate
