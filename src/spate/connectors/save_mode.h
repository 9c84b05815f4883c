#pragma once

// DataFrameWriter's save modes, shared by every batch writer (files, tables,
// Kafka, JDBC).

#include <string>

#include <arrow/result.h>

namespace spate {

enum class SaveMode { kAppend, kOverwrite, kIgnore, kErrorIfExists };

/// "append", "overwrite", "ignore", "error", "errorifexists", "default";
/// anything else is [INVALID_SAVE_MODE].
arrow::Result<SaveMode> ParseSaveMode(const std::string& mode);

}  // namespace spate
