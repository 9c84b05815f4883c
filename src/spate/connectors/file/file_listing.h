#pragma once

// The files behind a batch read and the part files a write produces, laid out
// as Spark's file sources do: a path is a file or a directory of part files
// (hidden names starting with '_' or '.' are skipped, so `_SUCCESS` and
// metadata never read as data), with Hive-style `col=value` directories for
// partitions.

#include <string>
#include <utility>
#include <vector>

#include <arrow/result.h>

#include "spate/common/object_store.h"

namespace spate {

class RuntimeConfig;

/// One data file and the partition directory values on its path, outermost first.
struct DataFile {
  std::string path;
  std::vector<std::pair<std::string, std::string>> partition_values;
};

/// The data files of `paths` (files, directories, or globs in the last path
/// component), in a stable order. A path that matches nothing is
/// [PATH_NOT_FOUND]. A directory a streaming file sink wrote (with a
/// `_spark_metadata` log) yields only the files its log lists.
arrow::Result<std::vector<DataFile>> ListDataFiles(const std::vector<std::string>& paths);
/// The same, where object store URIs (s3a://bucket/dir) are listed on the
/// object store that `conf` configures (common/object_store.h).
arrow::Result<std::vector<DataFile>> ListDataFiles(const RuntimeConfig& conf, const std::vector<std::string>& paths);

/// The `col=value` directories between `root` and `file`, outermost first.
std::vector<std::pair<std::string, std::string>> PartitionValuesOf(const std::string& root,
                                                                   const std::string& file);

/// The path as Spark prints it in messages: "file:/abs/path" ("s3a://bucket/key" as given).
std::string QualifiedPath(const std::string& path);

/// Whether Spate can use `path` as a local file system path: a path with a URI
/// scheme other than file: (s3a://, s3://, gs://, abfs://, hdfs://, ...) is refused
/// the way Hadoop refuses a scheme it has no file system for, naming the scheme
/// instead of being read as a local folder called "s3a:". `what` says where the
/// path was given ("path", "checkpointLocation", ...).
arrow::Status CheckLocalPath(const std::string& path, const std::string& what);
/// Like CheckLocalPath, but object store URIs (s3a://, s3://, s3n://) are accepted:
/// batch reads and writes take them.
arrow::Status CheckFilePath(const std::string& path, const std::string& what);

/// [PATH_NOT_FOUND] / [PATH_ALREADY_EXISTS] for `path`.
arrow::Status PathNotFound(const std::string& path);
arrow::Status PathAlreadyExists(const std::string& path);

/// A new part file name: "part-00000-<uuid>-c000<extension>", `extension`
/// like ".snappy.parquet". One uuid per write job keeps names unique.
std::string PartFileName(int index, const std::string& job_uuid, const std::string& extension,
                         int file_count = 0);
/// A random version-4 UUID in text form.
std::string RandomUuid();

/// Reads a whole file / writes (replacing) a whole file. With a `store`
/// (FileSystemFor), `path` is an object store URI in it; null: a local path.
arrow::Result<std::string> ReadWholeFile(const std::string& path, const FileSystemPtr& store = nullptr);
arrow::Status WriteWholeFile(const std::string& path, const std::string& contents,
                             const FileSystemPtr& store = nullptr);
/// `status` of writing `path`, naming the path and the system's reason (ENOSPC:
/// "No space left on device") when it does not already.
arrow::Status WriteErrorOf(const std::string& path, const arrow::Status& status);
/// Like ReadWholeFile, but a name ending in ".gz" is gunzipped, as Hadoop
/// picks a codec by extension.
arrow::Result<std::string> ReadTextFile(const std::string& path, const FileSystemPtr& store = nullptr);
/// Writes text gzip-compressed.
arrow::Status WriteGzipFile(const std::string& path, const std::string& contents,
                            const FileSystemPtr& store = nullptr);

/// Whether anything exists at `path` (a file or a directory; on an object store, an
/// object or objects under that prefix), and removing all of it.
arrow::Result<bool> PathExists(const std::string& path, const FileSystemPtr& store);
arrow::Status RemoveAll(const std::string& path, const FileSystemPtr& store);

/// Hive's escaping of a partition value in a directory name ('/' -> "%2F", ...).
std::string EscapePartitionValue(const std::string& value);
std::string UnescapePartitionValue(const std::string& text);
/// The directory name Hive uses for a NULL partition value.
inline constexpr const char* kDefaultPartitionName = "__HIVE_DEFAULT_PARTITION__";

}  // namespace spate
