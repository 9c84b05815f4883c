#pragma once

// spark.conf: the string settings of a session (and the frozen copy a
// streaming query runs with), with Spark's defaults for the keys Spate reads.

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace spate {

/// spark.conf: string keys and values with Spark's defaults.
class RuntimeConfig {
 public:
  RuntimeConfig();
  /// A copy of another's values at this moment (a query's settings, frozen at start).
  RuntimeConfig(const RuntimeConfig& other);
  RuntimeConfig& operator=(const RuntimeConfig&) = delete;
  void Set(const std::string& key, const std::string& value);
  /// The value, else the default given, else Spark's default; nullopt if unknown.
  std::optional<std::string> Get(const std::string& key) const;
  std::string Get(const std::string& key, const std::string& fallback) const;
  void Unset(const std::string& key);
  bool GetBool(const std::string& key) const;
  std::map<std::string, std::string> GetAll() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> values_;
  std::map<std::string, std::string> defaults_;
};

}  // namespace spate
