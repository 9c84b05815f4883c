#pragma once

// Operations on an Iceberg table: commits of new snapshots (append,
// overwrite, compaction's replace) with optimistic concurrency, scans,
// and maintenance (expire_snapshots, small-file compaction).
//
// A commit writes the new data files' manifest once, then per attempt
// loads the table, builds the manifest list and the next metadata file, and
// asks the catalog to swap; when another writer won, it reloads and tries
// again on top of that writer's snapshot.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/connectors/iceberg/catalog.h"
#include "spate/connectors/iceberg/manifest.h"

namespace spate::iceberg {

/// Spark's Iceberg streaming sink keys: a micro-batch's snapshot carries
/// them so that a re-run of the batch finds it committed.
inline constexpr const char* kQueryIdProperty = "spark.sql.streaming.queryId";
inline constexpr const char* kEpochIdProperty = "spark.sql.streaming.epochId";

struct SnapshotCommit {
  std::string operation = "append";  // append, overwrite, replace
  std::vector<DataFile> added;
  bool remove_all = false;            // overwrite: every live file is deleted
  std::vector<std::string> removed;   // replace: these live files are deleted
  std::map<std::string, std::string> summary;  // extra summary properties
  /// Called with each attempt's base: true means "already done, commit
  /// nothing" (a re-run streaming batch).
  std::function<bool(const TableMetadata&)> already_committed;
  /// Called with each attempt's base after already_committed: an error stops
  /// the commit (a rewrite whose input another writer changed).
  std::function<arrow::Status(const TableMetadata&)> validate;
};

struct CommitResult {
  bool committed = false;  // false: already_committed said so
  int attempts = 0;
  std::optional<int64_t> snapshot_id;
};

arrow::Result<CommitResult> Commit(IcebergCatalog& catalog, const TableIdent& ident, const SnapshotCommit& commit);

/// The highest epoch id that query `query_id` committed, walking back from
/// the current snapshot through its ancestors.
std::optional<int64_t> LastCommittedEpoch(const TableMetadata& table, const std::string& query_id);

/// The table's rows at its current snapshot (or at `snapshot_id`).
arrow::Result<std::shared_ptr<arrow::Table>> ScanTable(const TableMetadata& table,
                                                       std::optional<int64_t> snapshot_id = std::nullopt);

/// The rows appended by snapshots after `after` (exclusive) up to `upto`
/// (inclusive) on the current branch; only "append" snapshots add rows to a
/// stream, others are skipped (as Spark's streaming read does with
/// streaming-skip-overwrite-snapshots).
arrow::Result<std::shared_ptr<arrow::Table>> AppendedRows(const TableMetadata& table, std::optional<int64_t> after,
                                                          int64_t upto);
/// Snapshot ids of the current branch, oldest first.
std::vector<int64_t> Ancestry(const TableMetadata& table);

/// Removes snapshots older than `older_than_ms`, keeping at least
/// `retain_last` and always the current one, then deletes the files only
/// expired snapshots referenced. Returns the number of snapshots removed.
arrow::Result<int64_t> ExpireSnapshots(IcebergCatalog& catalog, const TableIdent& ident, int64_t older_than_ms,
                                       int retain_last);

/// Rewrites small data files (below `target_file_size`) of each partition
/// into fewer files, as a "replace" snapshot. Returns the number of files
/// rewritten.
arrow::Result<int64_t> RewriteDataFiles(IcebergCatalog& catalog, const TableIdent& ident, int64_t target_file_size);

/// The table property write.target-file-size-bytes (512 MiB by default).
int64_t TargetFileSize(const TableMetadata& table);

}  // namespace spate::iceberg
