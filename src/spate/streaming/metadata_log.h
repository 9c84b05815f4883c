#pragma once

// A folder of numbered files, one per batch, as Spark's offsets/ and
// commits/ logs: file N holds batch N's entry. Writes are atomic (a temp
// file is written, fsynced and renamed into place), so a crash leaves
// either the whole entry or none. Entries start with a version line ("v1").
// On an object store (a `store` given) an entry is one object written once
// under its final name: a PUT is atomic, and no rename is needed.

#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/common/object_store.h"

namespace spate {

class MetadataLog {
 public:
  /// `durable`: fsync each entry (survives a power loss, not just a crash).
  /// `store`: the object store holding `dir` (an object store URI); null for a local folder.
  explicit MetadataLog(std::string dir, bool durable = true, FileSystemPtr store = nullptr)
      : dir_(std::move(dir)), durable_(durable), store_(std::move(store)) {}

  const std::string& dir() const { return dir_; }
  /// Writes entry `batch_id`; fails with [CONCURRENT_STREAM_LOG_UPDATE] if it
  /// exists unless `overwrite`. On an object store the entry is written only if
  /// absent (WriteObjectIfAbsent), so of two writers one fails.
  arrow::Status Add(int64_t batch_id, const std::string& content, bool overwrite = false);
  /// The entry, or nullopt when there is none.
  arrow::Result<std::optional<std::string>> Get(int64_t batch_id) const;
  /// The highest batch id with an entry, or nullopt for an empty log.
  arrow::Result<std::optional<int64_t>> Latest() const;
  /// Removes entries below `batch_id` (keeps the log bounded).
  arrow::Status PurgeBefore(int64_t batch_id);

 private:
  /// The batch ids of the entries (object store logs).
  arrow::Result<std::vector<int64_t>> ObjectBatchIds() const;
  arrow::Status ConcurrentUpdate(int64_t batch_id) const;

  std::string dir_;
  bool durable_;
  FileSystemPtr store_;
};

}  // namespace spate
