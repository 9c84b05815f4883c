// The streaming file sink, as Spark's FileStreamSink: a batch writes new
// part files, then commits them by adding entry <batchId> to the folder's
// `_spark_metadata` log. A batch whose id the log already holds is skipped,
// so a batch run again after a crash is written once; part files of an
// attempt that crashed before its entry are never read, because readers of
// the folder list the log, not the directory.

#include <filesystem>

#include <arrow/table.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/runtime_config.h"
#include "spate/connectors/file/file_listing.h"
#include "spate/connectors/file/file_log.h"
#include "spate/connectors/file/file_stream.h"
#include "spate/connectors/file/format_writers.h"
#include "spate/streaming/metadata_log.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace fs = std::filesystem;

namespace {

class FileStreamSink final : public StreamSink {
 public:
  // `store`: the object store holding the folder (null: a local folder).
  FileStreamSink(FileWrite write, bool durable, FileSystemPtr store)
      : write_(std::move(write)),
        store_(std::move(store)),
        log_(store_ ? JoinPath(write_.path, kSinkMetadataDir) : (fs::path(write_.path) / kSinkMetadataDir).string(),
             durable, store_) {}

  std::string description() const override { return "FileSink[" + write_.path + "]"; }

  arrow::Result<int64_t> AddBatch(const SinkBatch& batch) override {
    ARROW_ASSIGN_OR_RAISE(auto latest, log_.Latest());
    if (latest && batch.batch_id <= *latest) return 0;  // committed by an earlier run
    const auto& rows = batch.rows;
    ARROW_ASSIGN_OR_RAISE(auto schema, FromArrowSchema(*rows->schema()));
    ARROW_ASSIGN_OR_RAISE(auto files, WritePartFiles(write_, rows, *schema));
    std::string entry = "v1";
    for (const auto& file : files) {
      ARROW_ASSIGN_OR_RAISE(FileStatus status, StatFile(file, store_));
      entry += "\n" + SinkFileLine(file, status);
    }
    ARROW_RETURN_NOT_OK(log_.Add(batch.batch_id, entry));
    return rows->num_rows();
  }

 private:
  FileWrite write_;
  FileSystemPtr store_;
  MetadataLog log_;
};

}  // namespace

arrow::Result<std::shared_ptr<StreamSink>> MakeFileStreamSink(const std::string& format,
                                                              const SinkRequest& request) {
  if (request.mode != OutputMode::kAppend) {
    return LegacyAnalysisError(
        fmt::format("Data source {} does not support {} output mode", format, OutputModeName(request.mode)));
  }
  FileWrite write;
  write.conf = request.conf;
  write.format = format;
  write.mode = SaveMode::kAppend;
  write.options = request.options.all();
  write.partition_by = request.partition_by;
  if (auto table = request.options.Get("__table")) {
    if (!request.resolve_table) return arrow::Status::Invalid("toTable needs the session's catalog");
    TableFiles files{write.path, write.format, write.partition_by};
    ARROW_RETURN_NOT_OK(request.resolve_table(*table, &files));
    write.path = files.path;
    write.format = files.format;
    write.partition_by = files.partition_by;
  } else {
    auto path = request.path ? request.path : request.options.Get("path");
    if (!path || path->empty()) return arrow::Status::Invalid("'path' is not specified");
    ARROW_RETURN_NOT_OK(CheckFilePath(*path, "path"));
    write.path = *path;
  }
  ARROW_RETURN_NOT_OK(CheckWritableSchema(write.format, *request.schema, write.partition_by));
  bool durable = request.conf->Get("spate.streaming.checkpoint.fsync", "true") != "false";
  ARROW_ASSIGN_OR_RAISE(FileSystemPtr store, FileSystemFor(*request.conf, write.path));
  if (store) ARROW_RETURN_NOT_OK(CheckBucketExists(store, write.path));
  return std::make_shared<FileStreamSink>(std::move(write), durable, std::move(store));
}

}  // namespace spate
