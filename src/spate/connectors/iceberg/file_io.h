#pragma once

// How an Iceberg table's files (metadata JSON, manifests, data files) are
// read and written, by location: local paths and file: URIs on the local
// disk, s3a:// (s3://, s3n://) URIs on the object store, configured by the
// session's spark.hadoop.fs.s3a.* settings (common/object_store.h). Iceberg's
// FileIO: the catalog that loads a table hands it over in TableMetadata::io.

#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>

namespace arrow::fs {
class FileSystem;
}  // namespace arrow::fs

namespace spate {
class RuntimeConfig;
}

namespace spate::iceberg {

class FileIO {
 public:
  /// Local files only.
  FileIO() = default;
  /// Local files, and object store URIs configured by (a copy of) `conf`.
  explicit FileIO(const RuntimeConfig& conf);

  /// The object store holding `location`; null for a local path.
  arrow::Result<std::shared_ptr<arrow::fs::FileSystem>> StoreFor(const std::string& location) const;

  arrow::Result<std::string> Read(const std::string& location) const;
  /// Replaces the file whole: readers see the old or the new contents.
  arrow::Status Write(const std::string& location, const std::string& contents) const;
  /// Creates the file only if none has its name (a commit's new metadata
  /// version): true when written, false when it existed. One step, so of two
  /// writers exactly one wins: a hard link locally, a conditional request on
  /// an object store where Spate can send one (WriteObjectIfAbsent).
  arrow::Result<bool> WriteIfAbsent(const std::string& location, const std::string& contents) const;
  arrow::Result<bool> Exists(const std::string& location) const;
  /// The size in bytes of an existing file.
  arrow::Result<int64_t> Size(const std::string& location) const;
  /// Removes a file; a missing one is no error.
  arrow::Status Delete(const std::string& location) const;

  // Directories (on S3, key prefixes; MakeDir leaves a marker object, as
  // Hadoop's S3A mkdirs does).
  arrow::Result<bool> IsDir(const std::string& location) const;
  arrow::Status MakeDir(const std::string& location) const;
  /// The names of the directories directly in `location` (none if it is missing).
  arrow::Result<std::vector<std::string>> ListDirs(const std::string& location) const;
  arrow::Result<bool> IsEmptyDir(const std::string& location) const;
  /// Removes `location` and everything below it.
  arrow::Status DeleteDir(const std::string& location) const;

 private:
  std::shared_ptr<const RuntimeConfig> conf_;
};

using FileIOPtr = std::shared_ptr<const FileIO>;

/// The FileIO of `io`, or the local one when `io` is null.
const FileIO& IoOrLocal(const FileIOPtr& io);

/// A local path for a location that may be a file: URI; object store URIs unchanged.
std::string LocalPath(const std::string& location);

}  // namespace spate::iceberg
