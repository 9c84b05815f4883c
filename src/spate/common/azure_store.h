#pragma once

// abfs:// and abfss:// URIs (abfss://container@account.dfs.core.windows.net/path)
// on Arrow's Azure file system, configured as Hadoop's ABFS connector is, from
// the session's spark.hadoop.fs.azure.* settings. Used by object_store.cc,
// which shares the file systems it makes.

#include <memory>
#include <string>

#include <arrow/result.h>

namespace arrow::fs {
class FileSystem;
}  // namespace arrow::fs

namespace spate {

class RuntimeConfig;

/// The storage account of an abfs[s]:// URI ("account" of container@account.dfs...); empty if none.
std::string AzureAccountOf(const std::string& uri);
/// "container/path": the URI's name within Arrow's Azure file system.
std::string AzureObjectPathOf(const std::string& uri);

/// An Azure file system for `uri`'s account, from
/// fs.azure.account.key.<account>.dfs.core.windows.net (shared key; without one,
/// Azure's default credentials), fs.azure.abfs.endpoint (host:port of an
/// emulator or private endpoint) and fs.azure.always.use.https.
arrow::Result<std::shared_ptr<arrow::fs::FileSystem>> MakeAzureFileSystem(const RuntimeConfig& conf,
                                                                          const std::string& uri);

/// The settings MakeAzureFileSystem reads for `uri`, as one string.
std::string AzureCacheKey(const RuntimeConfig& conf, const std::string& uri);

}  // namespace spate
