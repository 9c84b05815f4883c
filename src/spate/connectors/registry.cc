#include "spate/connectors/registry.h"

#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"

namespace spate {

namespace {

const std::map<std::string, StreamingFormat>& Formats() {
  static const auto* formats = [] {
    auto* f = new std::map<std::string, StreamingFormat>();
    RegisterRateConnectors(*f);
    RegisterMemoryConnectors(*f);
    RegisterConsoleConnectors(*f);
    RegisterNoopConnectors(*f);
    RegisterSocketConnectors(*f);
    RegisterFileConnectors(*f);
    RegisterKafkaConnectors(*f);
    RegisterIcebergConnectors(*f);
    RegisterNexmarkConnectors(*f);
    return f;
  }();
  return *formats;
}

}  // namespace

void Options::Set(const std::string& key, const std::string& value) { values_[AsciiLower(key)] = value; }

std::optional<std::string> Options::Get(const std::string& key) const {
  auto it = values_.find(AsciiLower(key));
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Options::Get(const std::string& key, const std::string& fallback) const {
  return Get(key).value_or(fallback);
}

arrow::Result<int64_t> Options::GetInt(const std::string& key, int64_t fallback) const {
  auto v = Get(key);
  if (!v) return fallback;
  try {
    size_t used = 0;
    int64_t n = std::stoll(*v, &used);
    if (used == v->size()) return n;
  } catch (const std::exception&) {
  }
  return arrow::Status::Invalid(fmt::format("Invalid value '{}' for option '{}': an integer is expected.", *v, key));
}

arrow::Result<bool> Options::GetBool(const std::string& key, bool fallback) const {
  auto v = Get(key);
  if (!v) return fallback;
  std::string l = AsciiLower(*v);
  if (l == "true") return true;
  if (l == "false") return false;
  return arrow::Status::Invalid(fmt::format("Invalid value '{}' for option '{}': true or false is expected.", *v, key));
}

arrow::Result<const StreamingFormat*> FindStreamingFormat(const std::string& name) {
  const auto& formats = Formats();
  auto it = formats.find(AsciiLower(name));
  if (it == formats.end()) {
    return SparkError("DATA_SOURCE_NOT_FOUND", "42K02",
                      fmt::format("Failed to find the data source: {}. Make sure the provider name "
                                  "is correct and the package is properly registered and compatible "
                                  "with your Spark version.",
                                  name));
  }
  return &it->second;
}

}  // namespace spate
