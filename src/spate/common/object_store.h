#pragma once

// Object storage paths on Arrow's file systems, configured with the keys of
// Hadoop's connectors from the session's spark.hadoop.* settings: s3a://,
// s3://, s3n:// on the S3 file system (fs.s3a.*), gs:// on the GCS file
// system (fs.gs.*, gcs_store.h), abfs:// and abfss:// on the Azure file system
// (fs.azure.*, azure_store.h). Local paths have no object store: the file
// code keeps its own local path handling for them.

#include <memory>
#include <string>

#include <arrow/result.h>

namespace arrow::fs {
class FileSystem;
}  // namespace arrow::fs

namespace spate {

class RuntimeConfig;

using FileSystemPtr = std::shared_ptr<arrow::fs::FileSystem>;

/// Whether `path` is an object store URI: s3a://, s3://, s3n://, gs://, abfs://
/// or abfss:// (any case).
bool IsObjectStorePath(const std::string& path);

/// The file system holding `path`: null for a local path, Arrow's S3, GCS or
/// Azure file system for an object store URI, configured from `conf` (endpoint, keys,
/// path style, region, SSL; per-bucket fs.s3a.bucket.<b>.* settings win). A
/// missing bucket name or missing credentials is an error naming the setting
/// to add. File systems are shared between calls with equal settings.
arrow::Result<FileSystemPtr> FileSystemFor(const RuntimeConfig& conf, const std::string& path);

/// The name of an object store URI's object within its file system: "bucket/key"
/// for "s3a://bucket/key/" (no trailing slash), "container/key" for
/// "abfss://container@account.dfs.core.windows.net/key".
std::string ObjectPathOf(const std::string& uri);

/// The URI of object `object_path` ("bucket/key", as a listing of the store
/// holding `uri` names it): the inverse of ObjectPathOf, with `uri`'s scheme
/// (and, for Azure, its account).
std::string ObjectUriOf(const std::string& uri, const std::string& object_path);

/// `dir` joined with `name` by one '/': for object store URIs and local paths alike.
std::string JoinPath(const std::string& dir, const std::string& name);

/// A whole object's bytes / writes (replacing) a whole object. One PUT: the
/// object appears whole or not at all, which makes a new object name a
/// write-once, atomic commit on a store without rename. Errors name `uri`.
arrow::Result<std::string> ReadObject(const FileSystemPtr& store, const std::string& uri);
arrow::Status WriteObject(const FileSystemPtr& store, const std::string& uri, const std::string& contents);
/// Writes `uri` only when no object has that name yet (a write-once commit, as
/// a checkpoint log entry): true when written, false when an object was there.
arrow::Result<bool> WriteObjectIfAbsent(const FileSystemPtr& store, const std::string& uri,
                                        const std::string& contents);

/// An error naming the bucket when the bucket of `uri` does not exist in `store`
/// (Hadoop's "Bucket b does not exist"); OK when it does.
arrow::Status CheckBucketExists(const FileSystemPtr& store, const std::string& uri);

/// `status` of an object store call on `uri`, with the URI named when the message
/// does not already.
arrow::Status ObjectStoreError(const std::string& uri, const arrow::Status& status);

}  // namespace spate
