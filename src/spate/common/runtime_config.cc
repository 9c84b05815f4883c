#include "spate/common/runtime_config.h"

#include <algorithm>
#include <thread>

#include "spate/common/strings.h"

namespace spate {

RuntimeConfig::RuntimeConfig() {
  defaults_ = {
      {"spark.sql.ansi.enabled", "true"},
      {"spark.sql.session.timeZone", "UTC"},
      {"spark.sql.caseSensitive", "false"},
      {"spark.sql.optimizer.enableJsonExpressionOptimization", "true"},
      {"spark.sql.shuffle.partitions", std::to_string(std::max(1u, std::thread::hardware_concurrency()))},
      {"spark.sql.warehouse.dir", "spark-warehouse"},
      {"spark.sql.streaming.schemaInference", "false"},
      {"spark.sql.streaming.multipleWatermarkPolicy", "min"},
      {"spark.sql.streaming.noDataMicroBatches.enabled", "true"},
      {"spark.sql.streaming.statefulOperator.checkCorrectness.enabled", "true"},
      {"spark.sql.streaming.stateStore.providerClass",
       "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider"},
      {"spark.sql.streaming.stateStore.minDeltasForSnapshot", "10"},
      {"spark.sql.streaming.minBatchesToRetain", "100"},
      {"spark.app.name", "spate"},
  };
}

RuntimeConfig::RuntimeConfig(const RuntimeConfig& other) {
  std::lock_guard<std::mutex> lock(other.mutex_);
  values_ = other.values_;
  defaults_ = other.defaults_;
}

void RuntimeConfig::Set(const std::string& key, const std::string& value) {
  std::lock_guard<std::mutex> lock(mutex_);
  values_[key] = value;
}

std::optional<std::string> RuntimeConfig::Get(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = values_.find(key); it != values_.end()) return it->second;
  if (auto it = defaults_.find(key); it != defaults_.end()) return it->second;
  return std::nullopt;
}

std::string RuntimeConfig::Get(const std::string& key, const std::string& fallback) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = values_.find(key); it != values_.end()) return it->second;
  return fallback;
}

void RuntimeConfig::Unset(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  values_.erase(key);
}

bool RuntimeConfig::GetBool(const std::string& key) const {
  return AsciiLower(Get(key).value_or("false")) == "true";
}

std::map<std::string, std::string> RuntimeConfig::GetAll() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<std::string, std::string> all = defaults_;
  for (const auto& [k, v] : values_) all[k] = v;
  return all;
}

}  // namespace spate
