#include "spate/common/huge_pages.h"

#include <fmt/format.h>

#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include "spate/common/runtime_config.h"
#include "spate/common/strings.h"

namespace spate {

namespace {

constexpr const char* kKey = "spate.streaming.disableTransparentHugePages";

}  // namespace

arrow::Status ApplyHugePagesSetting(const RuntimeConfig& conf) {
  std::string given = conf.Get(kKey, "true");
  std::string value = AsciiLower(given);
  if (value != "true" && value != "false") {
    return arrow::Status::Invalid(fmt::format("{} must be true or false, got '{}'", kKey, given));
  }
#if defined(__linux__)
  // A kernel without the setting (before 3.15) keeps its pages as they are.
  if (value == "true") prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
#endif
  return arrow::Status::OK();
}

bool TransparentHugePagesDisabled() {
#if defined(__linux__)
  return prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1;
#else
  return false;
#endif
}

}  // namespace spate
