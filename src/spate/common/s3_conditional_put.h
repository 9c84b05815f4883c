#pragma once

// S3's conditional write: a PUT with "If-None-Match: *", which the store
// refuses (412 Precondition Failed) when an object has the name already. One
// request, so of two writers racing for a name exactly one wins: the
// write-once commit of a checkpoint log entry on a store without rename.
// Arrow's S3 file system has no such call, so the request is signed here
// (AWS Signature Version 4) and sent with libcurl.

#include <string>

#include <arrow/result.h>

namespace arrow::fs {
struct S3Options;
}  // namespace arrow::fs

namespace spate {

/// Whether PutIfAbsent can sign for `options` (static access keys; other
/// credential providers are left to Arrow).
bool CanPutIfAbsent(const arrow::fs::S3Options& options);

/// PUTs `contents` as the object `bucket_and_key` ("bucket/key") only if there
/// is none: true when written, false when an object was there already. Errors
/// name `uri`.
arrow::Result<bool> PutIfAbsent(const arrow::fs::S3Options& options, const std::string& uri,
                                const std::string& bucket_and_key, const std::string& contents);

}  // namespace spate
