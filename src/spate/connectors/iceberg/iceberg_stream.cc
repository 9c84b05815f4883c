// format("iceberg") for streaming: the sink commits one snapshot per
// micro-batch with the query id and batch id in the snapshot summary (the
// keys Spark's Iceberg sink uses), and a batch whose id the table already
// holds for this query is skipped: a batch re-run after a crash commits
// nothing twice. The source reads the rows of appended snapshots; its
// offset is the last snapshot id read.

#include <algorithm>
#include <vector>

#include <arrow/table.h>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "spate/common/error.h"
#include "spate/connectors/iceberg/catalog.h"
#include "spate/connectors/iceberg/data_files.h"
#include "spate/connectors/iceberg/iceberg_tables.h"
#include "spate/connectors/iceberg/table_ops.h"
#include "spate/connectors/registry.h"

namespace spate {

namespace {

using iceberg::CatalogTableName;
using iceberg::IcebergCatalog;

class IcebergSink final : public StreamSink {
 public:
  IcebergSink(std::shared_ptr<IcebergCatalog> catalog, CatalogTableName name, int64_t target_file_size,
              const RuntimeConfig& conf)
      : catalog_(std::move(catalog)), name_(std::move(name)), target_file_size_(target_file_size), conf_(conf) {}

  std::string description() const override {
    return "IcebergStreamingWrite[" + name_.catalog + "." + name_.ident.ToString() + "]";
  }

  arrow::Status Open(const std::string& query_id, const std::string&) override {
    query_id_ = query_id;
    return arrow::Status::OK();
  }

  arrow::Result<int64_t> AddBatch(const SinkBatch& batch) override {
    auto done = [&](const iceberg::TableMetadata& t) {
      auto last = iceberg::LastCommittedEpoch(t, query_id_);
      return last && *last >= batch.batch_id;
    };
    ARROW_ASSIGN_OR_RAISE(auto loaded, catalog_->LoadTable(name_.ident));
    if (!loaded) return TableNotFound(name_.catalog + "." + name_.ident.ToString());
    if (done(loaded->metadata)) return 0;  // committed by an earlier run of this batch
    ARROW_ASSIGN_OR_RAISE(auto rows, iceberg::AlignRows(batch.rows, loaded->metadata.schema(), conf_));
    iceberg::SnapshotCommit commit;
    bool complete = batch.mode == OutputMode::kComplete;
    commit.operation = complete ? "overwrite" : "append";
    commit.remove_all = complete;
    commit.summary[iceberg::kQueryIdProperty] = query_id_;
    commit.summary[iceberg::kEpochIdProperty] = std::to_string(batch.batch_id);
    commit.already_committed = done;
    int64_t target = target_file_size_ > 0 ? target_file_size_ : iceberg::TargetFileSize(loaded->metadata);
    if (rows->num_rows() > 0) {
      ARROW_ASSIGN_OR_RAISE(commit.added, iceberg::WriteDataFiles(loaded->metadata, *rows, target));
    }
    ARROW_ASSIGN_OR_RAISE(auto result, iceberg::Commit(*catalog_, name_.ident, commit));
    return result.committed ? rows->num_rows() : 0;
  }

 private:
  std::shared_ptr<IcebergCatalog> catalog_;
  CatalogTableName name_;
  int64_t target_file_size_;
  const RuntimeConfig& conf_;  // the session's: casts of the written rows run with its settings
  std::string query_id_;
};

std::string TableNameOf(const Options& options, const std::optional<std::string>& path) {
  if (auto t = options.Get("__table")) return *t;
  if (path) return *path;
  return options.Get("path", "");
}

arrow::Result<std::shared_ptr<StreamSink>> MakeSink(const SinkRequest& request) {
  if (request.mode == OutputMode::kUpdate) {
    return LegacyAnalysisError("Data source iceberg does not support Update output mode");
  }
  std::string table = TableNameOf(request.options, request.path);
  if (table.empty()) return arrow::Status::Invalid("'path' is not specified: name the Iceberg table to write");
  ARROW_ASSIGN_OR_RAISE(auto resolved, iceberg::Resolve(*request.conf, table));
  auto& [catalog, name] = resolved;
  ARROW_ASSIGN_OR_RAISE(auto loaded, catalog->LoadTable(name.ident));
  if (!loaded) {
    // Created on first write from the query's schema, partitioned as partitionBy says.
    std::vector<iceberg::PartitionTerm> terms;
    for (const auto& p : request.partition_by) terms.push_back(iceberg::PartitionTerm{p, "identity"});
    ARROW_ASSIGN_OR_RAISE(auto schema, iceberg::SchemaFromSpark(*request.schema));
    ARROW_ASSIGN_OR_RAISE(auto spec, iceberg::MakePartitionSpec(schema, terms));
    auto created = catalog->CreateTable(name.ident, iceberg::NewTableMetadata("", schema, spec, {}));
    // Another query may have created it meanwhile: then it is checked like any existing table.
    ARROW_ASSIGN_OR_RAISE(loaded, catalog->LoadTable(name.ident));
    if (!loaded) return created.status();
  }
  ARROW_RETURN_NOT_OK(iceberg::CheckWriteSchema(*request.schema, loaded->metadata.schema(),
                                                "`" + name.catalog + "`." + name.ident.ToString()));
  ARROW_RETURN_NOT_OK(request.options.GetBool("fanout-enabled", false).status());
  ARROW_ASSIGN_OR_RAISE(int64_t target, request.options.GetInt("target-file-size-bytes", 0));
  return std::make_shared<IcebergSink>(catalog, name, target, *request.conf);
}

// Offsets: {"version":1,"snapshot_id":N}, the last snapshot read.
std::string OffsetJson(int64_t snapshot_id) {
  return fmt::format(R"({{"version":1,"snapshot_id":{}}})", snapshot_id);
}

arrow::Result<int64_t> ParseOffset(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("snapshot_id") || !d["snapshot_id"].IsInt64()) {
    return arrow::Status::Invalid("Invalid Iceberg source offset: ", json);
  }
  return d["snapshot_id"].GetInt64();
}

class IcebergSource final : public StreamSource {
 public:
  IcebergSource(std::shared_ptr<IcebergCatalog> catalog, CatalogTableName name, StructTypePtr schema)
      : catalog_(std::move(catalog)), name_(std::move(name)), schema_(std::move(schema)) {}

  StructTypePtr schema() const override { return schema_; }
  std::string description() const override {
    return "SparkMicroBatchStream(table=" + name_.catalog + "." + name_.ident.ToString() + ")";
  }

  arrow::Result<std::optional<std::string>> LatestOffset(const std::optional<std::string>& start,
                                                         const ReadLimit& limit) override {
    if (available_now_ && !available_now_->started) {
      available_now_->started = true;
      if (start) {
        ARROW_ASSIGN_OR_RAISE(int64_t after, ParseOffset(*start));
        available_now_->start = Position(after);
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto loaded, catalog_->LoadTable(name_.ident));
    if (!loaded || !loaded->metadata.current_snapshot_id) return start;
    int64_t latest = *loaded->metadata.current_snapshot_id;
    if (limit.available_now && frozen_) latest = *frozen_;
    return OffsetJson(latest);
  }

  arrow::Result<std::shared_ptr<arrow::Table>> GetBatch(const std::optional<std::string>& start,
                                                        const std::string& end) override {
    std::optional<int64_t> after;
    if (start) {
      ARROW_ASSIGN_OR_RAISE(after, ParseOffset(*start));
    }
    ARROW_ASSIGN_OR_RAISE(int64_t upto, ParseOffset(end));
    ARROW_ASSIGN_OR_RAISE(auto loaded, catalog_->LoadTable(name_.ident));
    if (!loaded) return TableNotFound(name_.catalog + "." + name_.ident.ToString());
    if (available_now_) available_now_->read = std::max(available_now_->read, Position(upto));
    if (after && *after == upto) return iceberg::ReadDataFiles(loaded->metadata, {});
    return iceberg::AppendedRows(loaded->metadata, after, upto);
  }

  arrow::Status PrepareForAvailableNow() override {
    ARROW_ASSIGN_OR_RAISE(auto loaded, catalog_->LoadTable(name_.ident));
    available_now_.emplace();
    if (!loaded) return arrow::Status::OK();
    frozen_ = loaded->metadata.current_snapshot_id;
    available_now_->snapshots = iceberg::Ancestry(loaded->metadata);
    return arrow::Status::OK();
  }

  std::optional<InputBacklog> AvailableNowBacklog() const override {
    if (!available_now_ || !available_now_->started) return std::nullopt;
    const AvailableNowRun& run = *available_now_;
    int64_t total = static_cast<int64_t>(run.snapshots.size()) - run.start;
    int64_t done = std::clamp<int64_t>(run.read - run.start, 0, total);
    return InputBacklog{done, total, "snapshots"};
  }

 private:
  std::shared_ptr<IcebergCatalog> catalog_;
  CatalogTableName name_;
  // The snapshots of the table's branch when an availableNow run started,
  // oldest first, and how far the run has read them (positions: how many of
  // them are at or before a snapshot).
  struct AvailableNowRun {
    std::vector<int64_t> snapshots;
    bool started = false;  // `start` is known once the first batch is planned
    int64_t start = 0;
    int64_t read = 0;
  };

  int64_t Position(int64_t snapshot_id) const {
    const auto& ids = available_now_->snapshots;
    auto it = std::find(ids.begin(), ids.end(), snapshot_id);
    return it == ids.end() ? 0 : static_cast<int64_t>(it - ids.begin()) + 1;
  }

  StructTypePtr schema_;
  std::optional<int64_t> frozen_;
  std::optional<AvailableNowRun> available_now_;
};

class IcebergSourceFactory final : public StreamSourceFactory {
 public:
  IcebergSourceFactory(std::shared_ptr<IcebergCatalog> catalog, CatalogTableName name, StructTypePtr schema)
      : catalog_(std::move(catalog)), name_(std::move(name)), schema_(std::move(schema)) {}
  StructTypePtr schema() const override { return schema_; }
  std::string name() const override { return "iceberg"; }
  arrow::Result<std::shared_ptr<StreamSource>> Create(const std::string&) override {
    return std::make_shared<IcebergSource>(catalog_, name_, schema_);
  }

 private:
  std::shared_ptr<IcebergCatalog> catalog_;
  CatalogTableName name_;
  StructTypePtr schema_;
};

arrow::Result<std::shared_ptr<StreamSourceFactory>> MakeSource(const SourceRequest& request) {
  std::string table = TableNameOf(request.options, request.path);
  if (table.empty()) return arrow::Status::Invalid("'path' is not specified: name the Iceberg table to read");
  ARROW_ASSIGN_OR_RAISE(auto resolved, iceberg::Resolve(*request.conf, table));
  auto& [catalog, name] = resolved;
  ARROW_ASSIGN_OR_RAISE(auto loaded, catalog->LoadTable(name.ident));
  if (!loaded) return TableNotFound(table);
  return std::make_shared<IcebergSourceFactory>(catalog, name, loaded->metadata.schema().ToSpark());
}

}  // namespace

void RegisterIcebergConnectors(std::map<std::string, StreamingFormat>& formats) {
  formats["iceberg"] = StreamingFormat{MakeSource, MakeSink, /*needs_checkpoint=*/true};
}

}  // namespace spate
