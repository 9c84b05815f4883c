#include "spate/api/data_stream_writer.h"

#include <filesystem>

#include <arrow/filesystem/filesystem.h>
#include <arrow/record_batch.h>
#include <arrow/table.h>

#include <fmt/format.h>

#include "spate/api/catalog.h"
#include "spate/api/session.h"
#include "spate/common/error.h"
#include "spate/common/object_store.h"
#include "spate/common/strings.h"
#include "spate/connectors/file/file_listing.h"
#include "spate/connectors/iceberg/iceberg_tables.h"
#include "spate/streaming/stream_execution.h"

namespace spate {

namespace {

arrow::Result<OutputMode> ParseOutputMode(const std::string& mode) {
  std::string m = AsciiLower(mode);
  if (m == "append") return OutputMode::kAppend;
  if (m == "update") return OutputMode::kUpdate;
  if (m == "complete") return OutputMode::kComplete;
  return arrow::Status::Invalid(fmt::format(
      "Unknown output mode {}. Accepted output modes are 'append', 'complete', 'update'", mode));
}

// toTable(name) on a file format: the session catalog's table, made (with the
// query's schema) when it does not exist yet. An existing table keeps its
// format and partitioning.
arrow::Status ResolveCatalogTable(Session& session, const StructType& schema, const std::string& table_name,
                                  TableFiles* files) {
  Catalog& catalog = session.catalog();
  ARROW_ASSIGN_OR_RAISE(std::string name, Catalog::TableName(table_name));
  if (catalog.TableExists(name)) {
    ARROW_ASSIGN_OR_RAISE(CatalogTable table, catalog.GetTable(name));
    files->path = table.location;
    files->format = table.provider;
    if (files->partition_by.empty()) files->partition_by = table.partition_columns;
    return arrow::Status::OK();
  }
  CatalogTable table;
  table.name = name;
  table.provider = files->format;
  table.partition_columns = files->partition_by;
  std::vector<StructField> data, partitions;
  for (const auto& f : schema.fields()) {
    bool is_partition = false;
    for (const auto& p : files->partition_by) is_partition = is_partition || EqualsIgnoreCase(p, f.name);
    (is_partition ? partitions : data).push_back(f);
  }
  data.insert(data.end(), partitions.begin(), partitions.end());
  table.schema = types::Struct(std::move(data));
  table.location = catalog.DefaultLocation(name);
  ARROW_RETURN_NOT_OK(catalog.CreateTable(table));
  files->path = table.location;
  return arrow::Status::OK();
}

// Spark's check at start(): a sink that cannot recover (the memory sink in append and
// update modes) refuses a checkpoint that already has an offsets log, even an empty one.
// The path is printed as Hadoop's Path prints it: normalized, no trailing slash.
arrow::Status CheckRecoverable(const StreamSink& sink, const RuntimeConfig& conf, const std::string& checkpoint) {
  if (checkpoint.empty() || sink.recovers_from_checkpoint()) return arrow::Status::OK();
  std::string offsets;
  bool exists = false;
  if (IsObjectStorePath(checkpoint)) {
    offsets = JoinPath(checkpoint, "offsets");
    ARROW_ASSIGN_OR_RAISE(FileSystemPtr store, FileSystemFor(conf, checkpoint));
    ARROW_ASSIGN_OR_RAISE(auto info, store->GetFileInfo(ObjectPathOf(offsets)));
    exists = info.type() != arrow::fs::FileType::NotFound;
  } else {
    offsets = (std::filesystem::path(checkpoint).lexically_normal() / "offsets").string();
    std::error_code ec;
    exists = std::filesystem::exists(offsets, ec);
  }
  if (!exists) return arrow::Status::OK();
  return LegacyAnalysisError(fmt::format("This query does not support recovering from checkpoint location. "
                                         "Delete {} to start over.",
                                         offsets),
                             "_LEGACY_ERROR_TEMP_1299");
}

// foreachBatch: the user's function sees each batch as a batch DataFrame of
// the session that started the query.
class ForeachBatchSink final : public StreamSink {
 public:
  ForeachBatchSink(ForeachBatchFunction fn, std::shared_ptr<Session> session)
      : fn_(std::move(fn)), session_(std::move(session)) {}
  std::string description() const override { return "ForeachBatchSink"; }
  arrow::Result<int64_t> AddBatch(const SinkBatch& batch) override {
    ARROW_RETURN_NOT_OK(fn_(session_->CreateDataFrame(batch.rows), batch.batch_id));
    return -1;  // Spark reports -1 output rows: the function's writes are not counted
  }
  // The query has ended: release the function and what it holds (from Python: a
  // callable whose references could otherwise form a cycle through the query).
  void Close() override {
    fn_ = nullptr;
    session_ = nullptr;
  }

 private:
  ForeachBatchFunction fn_;
  std::shared_ptr<Session> session_;
};

}  // namespace

DataStreamWriter& DataStreamWriter::format(const std::string& sink) {
  format_ = sink;
  return *this;
}
DataStreamWriter& DataStreamWriter::outputMode(const std::string& mode) {
  output_mode_ = mode;
  return *this;
}
DataStreamWriter& DataStreamWriter::option(const std::string& key, const std::string& value) {
  options_.Set(key, value);
  return *this;
}
DataStreamWriter& DataStreamWriter::queryName(const std::string& name) {
  query_name_ = name;
  return *this;
}
DataStreamWriter& DataStreamWriter::trigger(const Trigger& trigger) {
  trigger_ = trigger;
  return *this;
}
DataStreamWriter& DataStreamWriter::partitionBy(const std::vector<std::string>& columns) {
  partition_by_ = columns;
  return *this;
}
DataStreamWriter& DataStreamWriter::foreach(std::shared_ptr<ForeachWriter> writer) {
  return foreachRows([writer](const DataFrame& batch, int64_t batch_id) -> arrow::Status {
    ARROW_ASSIGN_OR_RAISE(auto table, batch.toArrow());
    ARROW_ASSIGN_OR_RAISE(bool accepted, writer->open(/*partition_id=*/0, batch_id));
    arrow::Status status;
    if (accepted) {
      ARROW_ASSIGN_OR_RAISE(auto rows, table->CombineChunksToBatch());
      for (int64_t i = 0; i < rows->num_rows() && status.ok(); ++i) status = writer->process(*rows, i);
    }
    writer->close(status);
    return status;
  });
}

DataStreamWriter& DataStreamWriter::foreachRows(ForeachBatchFunction fn) {
  foreachBatch(std::move(fn));
  foreach_rows_ = true;
  return *this;
}

DataStreamWriter& DataStreamWriter::foreachBatch(ForeachBatchFunction fn) {
  foreach_batch_ = std::move(fn);
  foreach_rows_ = false;
  return *this;
}

arrow::Result<std::shared_ptr<StreamingQuery>> DataStreamWriter::start() const { return Start(std::nullopt); }
arrow::Result<std::shared_ptr<StreamingQuery>> DataStreamWriter::start(const std::string& path) const {
  return Start(path);
}
arrow::Result<std::shared_ptr<StreamingQuery>> DataStreamWriter::toTable(const std::string& name) const {
  DataStreamWriter copy = *this;
  copy.options_.Set("__table", name);
  if (iceberg::IsIcebergName(df_.session()->conf(), name)) copy.format_ = "iceberg";
  return copy.Start(std::nullopt);
}

arrow::Result<std::string> DataStreamWriter::CheckpointLocation(bool needs_checkpoint) const {
  if (auto location = options_.Get("checkpointLocation")) {
    if (location->empty()) return arrow::Status::Invalid("Can not create a Path from an empty string");
    ARROW_RETURN_NOT_OK(CheckFilePath(*location, "checkpointLocation"));
    return *location;
  }
  auto root = df_.session()->conf().Get("spark.sql.streaming.checkpointLocation");
  if (root) {
    std::string name = query_name_.value_or("");
    if (name.empty()) return std::string();  // a fresh folder per run is chosen by the engine
    return (std::filesystem::path(*root) / name).string();
  }
  if (needs_checkpoint) {
    return LegacyAnalysisError(
        "checkpointLocation must be specified either through option(\"checkpointLocation\", ...) or "
        "SparkSession.conf.set(\"spark.sql.streaming.checkpointLocation\", ...)");
  }
  return std::string();
}

arrow::Result<std::shared_ptr<StreamingQuery>> DataStreamWriter::Start(std::optional<std::string> path) const {
  ARROW_RETURN_NOT_OK(df_.status());
  if (!IsStreamingPlan(*df_.plan())) {
    return LegacyAnalysisError("'writeStream' can be called only on streaming Dataset/DataFrame");
  }
  ARROW_ASSIGN_OR_RAISE(OutputMode mode, ParseOutputMode(output_mode_));
  StreamingQuerySpec spec;
  spec.plan = df_.plan();
  spec.output_mode = mode;
  spec.trigger = trigger_;
  spec.name = query_name_;
  bool needs_checkpoint = true;
  if (foreach_batch_) {
    spec.sink = std::make_shared<ForeachBatchSink>(foreach_batch_, df_.session());
    spec.sink_format = foreach_rows_ ? "foreach" : "foreachBatch";
    needs_checkpoint = false;
  } else {
    std::string name = format_.empty() ? df_.session()->conf().Get("spark.sql.sources.default", "parquet") : format_;
    ARROW_ASSIGN_OR_RAISE(const StreamingFormat* format, FindStreamingFormat(name));
    spec.sink_format = name;
    for (char& c : spec.sink_format) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!format->sink) {
      return arrow::Status::Invalid("Data source ", name, " does not support streamed writing");
    }
    Session* session = df_.session().get();
    auto create_temp_view = [session](const std::string& view, PlanPtr plan) {
      session->CreateTempView(view, std::move(plan));
    };
    auto resolve_table = [session, schema = df_.schema()](const std::string& table, TableFiles* files) {
      return ResolveCatalogTable(*session, *schema, table, files);
    };
    SinkRequest request{options_,      path, query_name_, mode, df_.schema(), partition_by_, &session->conf(),
                        create_temp_view, resolve_table};
    if (path) request.options.Set("path", *path);
    request.live = trigger_.kind == Trigger::Kind::kContinuous || trigger_.kind == Trigger::Kind::kRealTime;
    ARROW_ASSIGN_OR_RAISE(spec.sink, format->sink(request));
    needs_checkpoint = format->needs_checkpoint;
  }
  ARROW_ASSIGN_OR_RAISE(spec.checkpoint_location, CheckpointLocation(needs_checkpoint));
  ARROW_RETURN_NOT_OK(CheckRecoverable(*spec.sink, df_.session()->conf(), spec.checkpoint_location));
  std::shared_ptr<Session> session = df_.session();
  std::shared_ptr<QueryManager> streams(session, &session->streams());  // keeps the session alive
  return StartStreamingQuery(session->conf(), std::move(streams), std::move(spec));
}

}  // namespace spate
