#pragma once

// Google Cloud Storage's conditional write: one upload request with
// ifGenerationMatch=0, which the store refuses (412 Precondition Failed) when
// an object has the name already, so of two writers racing for a name exactly
// one wins. Arrow's GCS file system has no precondition, so the request is
// sent here with libcurl. Only for a file system without credentials
// (fs.gs.auth.type UNAUTHENTICATED: an emulator, or a bucket open to all):
// Google's OAuth tokens stay with Arrow's client, which signs everything else.

#include <string>

#include <arrow/result.h>

namespace arrow::fs {
class FileSystem;
}  // namespace arrow::fs

namespace spate {

/// Whether `fs` is a GCS file system without credentials, so that
/// UploadIfAbsent can send its request.
bool CanUploadIfAbsent(const arrow::fs::FileSystem& fs);

/// Uploads `contents` as object `bucket_and_key` ("bucket/key") only if there
/// is none: true when written, false when an object had the name. Errors name
/// `uri`.
arrow::Result<bool> UploadIfAbsent(const arrow::fs::FileSystem& fs, const std::string& uri,
                                   const std::string& bucket_and_key, const std::string& contents);

}  // namespace spate
