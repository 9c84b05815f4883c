#pragma once

// gs:// URIs on Arrow's GCS file system, configured as Hadoop's GCS connector
// is, from the session's spark.hadoop.fs.gs.* settings. Used by
// object_store.cc, which shares the file systems it makes.

#include <memory>
#include <string>

#include <arrow/result.h>

namespace arrow::fs {
class FileSystem;
}  // namespace arrow::fs

namespace spate {

class RuntimeConfig;

/// A GCS file system for `uri` ("gs://bucket/key"), from fs.gs.storage.root.url
/// (the endpoint), fs.gs.auth.type (UNAUTHENTICATED, SERVICE_ACCOUNT_JSON_KEYFILE
/// with fs.gs.auth.service.account.json.keyfile, or the application default
/// credentials), fs.gs.project.id.
arrow::Result<std::shared_ptr<arrow::fs::FileSystem>> MakeGcsFileSystem(const RuntimeConfig& conf,
                                                                        const std::string& uri);

/// The settings MakeGcsFileSystem reads, as one string: equal strings can share a file system.
std::string GcsCacheKey(const RuntimeConfig& conf);

}  // namespace spate
