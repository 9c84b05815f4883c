#pragma once

// Azure's conditional write: one Put Blob request with "If-None-Match: *",
// which the store refuses (409 BlobAlreadyExists) when a blob has the name
// already. Of two writers racing for a name exactly one wins, and the blob
// appears whole: Arrow's output stream instead creates it empty and fills it
// when closed, and has no precondition. Signed with the account's Shared Key
// (the key MakeAzureFileSystem configured) and sent with libcurl.

#include <string>

#include <arrow/result.h>

namespace arrow::fs {
class FileSystem;
}  // namespace arrow::fs

namespace spate {

/// Whether `fs` is an Azure file system with an account key, so that
/// PutBlobIfAbsent can sign (other credentials are left to Arrow).
bool CanPutBlobIfAbsent(const arrow::fs::FileSystem& fs);

/// Creates the blob `container_and_blob` ("container/path") holding `contents`
/// only if there is none: true when written, false when a blob had the name.
/// Errors name `uri`.
arrow::Result<bool> PutBlobIfAbsent(const arrow::fs::FileSystem& fs, const std::string& uri,
                                    const std::string& container_and_blob, const std::string& contents);

}  // namespace spate
