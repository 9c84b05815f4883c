#include "spate/connectors/save_mode.h"

#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"

namespace spate {

arrow::Result<SaveMode> ParseSaveMode(const std::string& mode) {
  std::string m = AsciiLower(mode);
  if (m == "append") return SaveMode::kAppend;
  if (m == "overwrite") return SaveMode::kOverwrite;
  if (m == "ignore") return SaveMode::kIgnore;
  if (m == "error" || m == "errorifexists" || m == "default") return SaveMode::kErrorIfExists;
  return SparkError("INVALID_SAVE_MODE", "42000",
                    fmt::format("The specified save mode \"{}\" is invalid. Valid save modes "
                                "include \"append\", \"overwrite\", \"ignore\", \"error\", "
                                "\"errorifexists\", and \"default\".",
                                mode));
}

}  // namespace spate
