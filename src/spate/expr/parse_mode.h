#pragma once

// The parse modes of the text-based file sources (JSON, CSV): what happens
// to a record that does not parse or does not fit the schema.

#include <string>
#include <string_view>

#include <arrow/status.h>

namespace spate {

enum class ParseMode {
  kPermissive,     // keep the row: NULLs where values fail, the text in _corrupt_record
  kDropMalformed,  // leave the row out
  kFailFast,       // stop with an error
};

/// The "mode" option, case-insensitive; Spark takes anything unknown as PERMISSIVE.
ParseMode ParseModeOf(std::string_view option);

/// [MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] for FAILFAST mode, quoting the record.
arrow::Status MalformedRecordError(std::string_view record);

}  // namespace spate
