#include "spate/expr/parse_mode.h"

#include <cctype>

#include <fmt/format.h>

#include "spate/common/error.h"

namespace spate {

ParseMode ParseModeOf(std::string_view option) {
  std::string upper;
  for (char c : option) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "DROPMALFORMED") return ParseMode::kDropMalformed;
  if (upper == "FAILFAST") return ParseMode::kFailFast;
  return ParseMode::kPermissive;
}

arrow::Status MalformedRecordError(std::string_view record) {
  return SparkError("MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION", "22023",
                    fmt::format("Malformed records are detected in record parsing: {}.\nParse "
                                "Mode: FAILFAST. To process malformed records as null result, try "
                                "setting the option 'mode' as 'PERMISSIVE'.",
                                record));
}

}  // namespace spate
