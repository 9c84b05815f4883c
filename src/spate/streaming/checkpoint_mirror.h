#pragma once

// A checkpoint on an object store (s3a://...), worked on through a local copy.
//
// The checkpoint's files other than its batch logs (metadata, sources/,
// state/: the state stores' delta, snapshot and RocksDB version files, the
// state schemas) are read and written by the same code as a local
// checkpoint, in a private local folder. Open downloads the checkpoint into
// it; Upload puts the files written or changed since into the store and
// deletes the objects of files removed. The query uploads before it writes
// a batch's offsets entry and before its commit entry, so every object a log
// entry relies on is in the store before the entry is. The offsets and
// commits logs themselves live in the store only (MetadataLog with a store),
// each entry written once under its final name.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/common/object_store.h"

namespace spate {

class RuntimeConfig;

class CheckpointMirror {
 public:
  /// Downloads the checkpoint at `uri` (an object store URI; nothing there yet
  /// is a new checkpoint) into a fresh local folder. Missing credentials, a
  /// bucket that does not exist and an unreachable store are errors naming `uri`.
  static arrow::Result<std::unique_ptr<CheckpointMirror>> Open(const RuntimeConfig& conf, const std::string& uri);
  /// Removes the local folder (the store keeps everything uploaded).
  ~CheckpointMirror();

  CheckpointMirror(const CheckpointMirror&) = delete;
  CheckpointMirror& operator=(const CheckpointMirror&) = delete;

  const std::string& uri() const { return uri_; }
  const std::string& local_dir() const { return local_dir_; }
  const FileSystemPtr& store() const { return store_; }

  /// Puts every local file new or changed since it was downloaded or last
  /// uploaded, and deletes the objects of the files removed locally since.
  /// One Upload at a time; it may run on another thread than the one writing
  /// the local files (the epoch committer's): every file is written under a
  /// temp name and renamed, so a listed file is complete, and a file removed
  /// while Upload runs is left out of it.
  arrow::Status Upload();

  /// The objects and bytes put by Upload so far (for the query's metrics and the bench).
  int64_t objects_uploaded() const { return objects_uploaded_; }

 private:
  CheckpointMirror(std::string uri, std::string local_dir, FileSystemPtr store)
      : uri_(std::move(uri)), local_dir_(std::move(local_dir)), store_(std::move(store)) {}

  arrow::Status Download();

  // A local file as last synchronized with its object.
  struct Stamp {
    uintmax_t size = 0;
    int64_t modified_ns = 0;
  };
  arrow::Result<Stamp> StampOf(const std::string& relative) const;
  // The local files that are uploaded, with their stamps.
  arrow::Result<std::map<std::string, Stamp>> ListLocal() const;
  // Puts / deletes the objects of `files` (relative paths), several requests at once.
  arrow::Status Put(const std::vector<std::string>& files);
  arrow::Status Delete(const std::vector<std::string>& files);

  std::string uri_;
  std::string local_dir_;
  FileSystemPtr store_;
  std::map<std::string, Stamp> synced_;  // by path relative to local_dir_ ('/'-separated)
  int64_t objects_uploaded_ = 0;
};

/// Whether a checkpoint file at `relative` (a '/'-separated path inside the
/// checkpoint) stays local: the batch logs (in the store only), temp files,
/// the lock, and RocksDB's working databases.
bool IsLocalOnlyCheckpointFile(const std::string& relative);

}  // namespace spate
