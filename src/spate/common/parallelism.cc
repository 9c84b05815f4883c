#include "spate/common/parallelism.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "spate/common/runtime_config.h"

namespace spate {

namespace {

int Cores() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

// The threads of "N" or "*" (Spark's local[N] and local[N,F]); nullopt when it is neither.
std::optional<int> Threads(std::string_view text) {
  if (text == "*") return Cores();
  int n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return n;
}

}  // namespace

arrow::Result<int> MasterThreads(const RuntimeConfig& conf) {
  const std::string master = conf.Get("spark.master", "local[*]");
  if (master == "local") return 1;
  std::string_view inside(master);
  if (inside.starts_with("local[") && inside.ends_with("]")) {
    inside = inside.substr(6, inside.size() - 7);
    inside = inside.substr(0, inside.find(','));  // local[N,F]: F is the task retries
    if (auto n = Threads(inside)) {
      if (*n <= 0) return arrow::Status::Invalid("Asked to run locally with ", *n, " threads");
      return *n;
    }
  }
  return arrow::Status::Invalid("Could not parse Master URL: '", master,
                                "'. Spate runs tasks in its own process: spark.master is local, local[N], "
                                "local[N,F], local[*] or local[*,F].");
}

arrow::Result<int64_t> DefaultParallelism(const RuntimeConfig& conf) {
  if (auto value = conf.Get("spark.default.parallelism")) {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
    if (ec == std::errc() && end == value->data() + value->size() && n > 0) return n;
  }
  return MasterThreads(conf);
}

}  // namespace spate
