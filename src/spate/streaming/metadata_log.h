#pragma once

// A folder of numbered files, one per batch, as Spark's offsets/ and
// commits/ logs: file N holds batch N's entry. Writes are atomic (a temp
// file is written, fsynced and renamed into place), so a crash leaves
// either the whole entry or none. Entries start with a version line ("v1").

#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>

namespace spate {

class MetadataLog {
 public:
  /// `durable`: fsync each entry (survives a power loss, not just a crash).
  explicit MetadataLog(std::string dir, bool durable = true) : dir_(std::move(dir)), durable_(durable) {}

  const std::string& dir() const { return dir_; }
  /// Writes entry `batch_id`; fails if it exists unless `overwrite`.
  arrow::Status Add(int64_t batch_id, const std::string& content, bool overwrite = false);
  /// The entry, or nullopt when there is none.
  arrow::Result<std::optional<std::string>> Get(int64_t batch_id) const;
  /// The highest batch id with an entry, or nullopt for an empty log.
  arrow::Result<std::optional<int64_t>> Latest() const;
  /// Removes entries below `batch_id` (keeps the log bounded).
  arrow::Status PurgeBefore(int64_t batch_id);

 private:
  std::string dir_;
  bool durable_;
};

/// Writes `content` to `path` atomically: a temp file renamed into place, so a
/// killed process leaves the old file or the new one. `durable` also fsyncs
/// the file and its folder so the entry survives a machine crash.
/// A checksum of the content goes beside the file (ChecksumFile), and
/// ReadFileToString verifies it when it is there: an edited or swapped file
/// fails with [CHECKPOINT_FILE_CHECKSUM_VERIFICATION_FAILED] naming it.
arrow::Status WriteFileAtomically(const std::string& path, const std::string& content, bool durable = true);
arrow::Result<std::string> ReadFileToString(const std::string& path);
/// The checksum of `path`: ".<name>.checksum" in its folder ("v1 crc32=<hex> size=<n>").
std::string ChecksumFile(const std::string& path);

}  // namespace spate
