#pragma once

// Files a crash cannot leave half written: checkpoint entries, state
// snapshots and schema files are written through these.

#include <string>

#include <arrow/result.h>
#include <arrow/status.h>

namespace spate {

/// Writes `content` to `path` atomically: a temp file renamed into place, so a
/// killed process leaves the old file or the new one. `durable` also fsyncs
/// the file and its folder so the entry survives a machine crash.
/// A checksum of the content goes beside the file (ChecksumFile), and
/// ReadFileToString verifies it when it is there: an edited or swapped file
/// fails with [CHECKPOINT_FILE_CHECKSUM_VERIFICATION_FAILED] naming it.
arrow::Status WriteFileAtomically(const std::string& path, const std::string& content, bool durable = true);
arrow::Result<std::string> ReadFileToString(const std::string& path);
/// The checksum of `path`: ".<name>.checksum" in its folder ("v1 crc32=<hex> size=<n>").
std::string ChecksumFile(const std::string& path);

}  // namespace spate
