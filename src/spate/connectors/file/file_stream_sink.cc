// The streaming file sink, as Spark's FileStreamSink: a batch writes new
// part files, then commits them by adding entry <batchId> to the folder's
// `_spark_metadata` log. A batch whose id the log already holds is skipped,
// so a batch run again after a crash is written once; part files of an
// attempt that crashed before its entry are never read, because readers of
// the folder list the log, not the directory.

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <arrow/table.h>
#include <fmt/format.h>

#include "spate/api/catalog.h"
#include "spate/api/dataframe.h"
#include "spate/api/file_sink.h"
#include "spate/api/session.h"
#include "spate/common/error.h"
#include "spate/connectors/file/file_listing.h"
#include "spate/connectors/file/file_log.h"
#include "spate/connectors/file/file_stream.h"
#include "spate/streaming/metadata_log.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace fs = std::filesystem;

namespace {

class FileStreamSink final : public StreamSink {
 public:
  FileStreamSink(FileWrite write, bool durable)
      : write_(std::move(write)), log_((fs::path(write_.path) / kSinkMetadataDir).string(), durable) {}

  std::string description() const override { return "FileSink[" + write_.path + "]"; }

  arrow::Result<int64_t> AddBatch(const SinkBatch& batch) override {
    ARROW_ASSIGN_OR_RAISE(auto latest, log_.Latest());
    if (latest && batch.batch_id <= *latest) return 0;  // committed by an earlier run
    const auto& rows = batch.rows;
    ARROW_ASSIGN_OR_RAISE(auto schema, FromArrowSchema(*rows->schema()));
    ARROW_ASSIGN_OR_RAISE(auto files, WritePartFiles(write_, rows, *schema));
    std::string entry = "v1";
    for (const auto& file : files) {
      ARROW_ASSIGN_OR_RAISE(FileStatus status, StatFile(file));
      entry += "\n" + SinkFileLine(file, status);
    }
    ARROW_RETURN_NOT_OK(log_.Add(batch.batch_id, entry));
    return rows->num_rows();
  }

 private:
  FileWrite write_;
  MetadataLog log_;
};

bool SameName(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// toTable(name): the managed table's folder, made (with the query's schema)
// when the table does not exist yet. An existing table keeps its format and
// partitioning.
arrow::Status ResolveTable(const SinkRequest& request, const std::string& table_name, FileWrite* write) {
  Catalog& catalog = request.session->catalog();
  ARROW_ASSIGN_OR_RAISE(std::string name, Catalog::TableName(table_name));
  if (catalog.TableExists(name)) {
    ARROW_ASSIGN_OR_RAISE(CatalogTable table, catalog.GetTable(name));
    write->path = table.location;
    write->format = table.provider;
    if (write->partition_by.empty()) write->partition_by = table.partition_columns;
    return arrow::Status::OK();
  }
  CatalogTable table;
  table.name = name;
  table.provider = write->format;
  table.partition_columns = write->partition_by;
  std::vector<StructField> data, partitions;
  for (const auto& f : request.schema->fields()) {
    bool is_partition = false;
    for (const auto& p : write->partition_by) is_partition = is_partition || SameName(p, f.name);
    (is_partition ? partitions : data).push_back(f);
  }
  data.insert(data.end(), partitions.begin(), partitions.end());
  table.schema = types::Struct(std::move(data));
  table.location = catalog.DefaultLocation(name);
  ARROW_RETURN_NOT_OK(catalog.CreateTable(table));
  write->path = table.location;
  return arrow::Status::OK();
}

}  // namespace

arrow::Result<std::shared_ptr<StreamSink>> MakeFileStreamSink(const std::string& format,
                                                              const SinkRequest& request) {
  if (request.mode != OutputMode::kAppend) {
    return LegacyAnalysisError(
        fmt::format("Data source {} does not support {} output mode", format, OutputModeName(request.mode)));
  }
  FileWrite write;
  write.session = request.session;
  write.format = format;
  write.mode = SaveMode::kAppend;
  write.options = request.options.all();
  write.partition_by = request.partition_by;
  if (auto table = request.options.Get("__table")) {
    ARROW_RETURN_NOT_OK(ResolveTable(request, *table, &write));
  } else {
    auto path = request.path ? request.path : request.options.Get("path");
    if (!path || path->empty()) return arrow::Status::Invalid("'path' is not specified");
    ARROW_RETURN_NOT_OK(CheckLocalPath(*path, "path"));
    write.path = *path;
  }
  ARROW_RETURN_NOT_OK(CheckWritableSchema(write.format, *request.schema, write.partition_by));
  bool durable = request.session->conf().Get("spate.streaming.checkpoint.fsync", "true") != "false";
  return std::make_shared<FileStreamSink>(std::move(write), durable);
}

}  // namespace spate
