#pragma once

// The logs of Spark's streaming file connectors, as Spark writes them so a
// folder written by either engine reads the same:
//  - the file sink's `_spark_metadata/<batchId>` entries: "v1", then one
//    JSON line per part file a batch added (SinkFileStatus);
//  - the file source's seen-files log (`sources/<i>/<logOffset>`): "v1",
//    then one JSON line per file a batch read (FileEntry).
// Paths in both are file URIs ("file:///abs/path").

#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/common/object_store.h"

namespace spate {

inline constexpr const char* kSinkMetadataDir = "_spark_metadata";

/// "file:///abs/path" for a local path (made absolute); an object store URI as it is.
std::string ToFileUri(const std::string& path);
/// The local path of "file:///p", "file:/p" or a plain path.
std::string FromFileUri(const std::string& uri);

/// A local file's size in bytes and modification time in ms since the epoch.
struct FileStatus {
  int64_t size = 0;
  int64_t modification_ms = 0;
};
arrow::Result<FileStatus> StatFile(const std::string& path);
/// The same for an object in `store` (null: a local file).
arrow::Result<FileStatus> StatFile(const std::string& path, const FileSystemPtr& store);

/// One line of a `_spark_metadata` entry, for a part file the sink added.
std::string SinkFileLine(const std::string& path, const FileStatus& status);

/// The data files the sink log under `dir` lists (added, not deleted), as
/// local paths in log order; nullopt when `dir` has no `_spark_metadata`.
/// Compacted entries ("<n>.compact") are read as well as plain ones.
arrow::Result<std::optional<std::vector<std::string>>> ReadSinkLogFiles(const std::string& dir);
/// The same for a folder (an object store URI) in `store` (null: a local folder).
arrow::Result<std::optional<std::vector<std::string>>> ReadSinkLogFiles(const std::string& dir,
                                                                        const FileSystemPtr& store);

/// One file a streaming file source read in a batch.
struct SourceFileEntry {
  std::string path;  // local path
  int64_t timestamp_ms = 0;
  int64_t batch_id = 0;
};
std::string SourceFileEntryLine(const SourceFileEntry& entry);
/// The entries of one seen-files log entry's text ("v1" then JSON lines); `where`
/// (the entry's file) is named in errors.
arrow::Result<std::vector<SourceFileEntry>> ParseSourceFileEntries(const std::string& text,
                                                                   const std::string& where);

}  // namespace spate
