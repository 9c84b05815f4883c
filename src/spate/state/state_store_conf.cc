#include <fmt/format.h>

#include "spate/common/runtime_config.h"
#include "spate/common/error.h"
#include "spate/state/state_store.h"
#include "spate/state/state_store_providers.h"

namespace spate {

namespace {

// The fully qualified class name, as Spark loads the class by that name.
arrow::Result<std::string> ResolveProviderClass(const std::string& name) {
  for (std::string_view known : {kHdfsStateStoreProviderClass, kRocksDbStateStoreProviderClass}) {
    if (name == known) return std::string(known);
  }
  return arrow::Status::Invalid(fmt::format(
      "Unknown state store provider class '{}' (spark.sql.streaming.stateStore.providerClass); "
      "supported: {} (the default) and {}",
      name, kHdfsStateStoreProviderClass, kRocksDbStateStoreProviderClass));
}

arrow::Result<int64_t> PositiveIntConf(const RuntimeConfig& conf, const std::string& key, int64_t fallback) {
  auto text = conf.Get(key);
  if (!text) return fallback;
  try {
    size_t used = 0;
    int64_t v = std::stoll(*text, &used);
    if (used == text->size() && v >= 1) return v;
  } catch (const std::exception&) {
  }
  return arrow::Status::Invalid(
      fmt::format("{} must be a positive integer, got '{}'", key, *text));
}

}  // namespace

arrow::Result<StateStoreConf> StateStoreConf::FromConf(const RuntimeConfig& conf) {
  StateStoreConf out;
  ARROW_ASSIGN_OR_RAISE(out.provider_class,
                        ResolveProviderClass(conf.Get("spark.sql.streaming.stateStore.providerClass",
                                                      std::string(kHdfsStateStoreProviderClass))));
  ARROW_ASSIGN_OR_RAISE(out.min_deltas_for_snapshot,
                        PositiveIntConf(conf, "spark.sql.streaming.stateStore.minDeltasForSnapshot", 10));
  ARROW_ASSIGN_OR_RAISE(out.min_batches_to_retain,
                        PositiveIntConf(conf, "spark.sql.streaming.minBatchesToRetain", 100));
  std::string fsync = conf.Get("spate.streaming.checkpoint.fsync", "true");
  if (fsync != "true" && fsync != "false") {
    return arrow::Status::Invalid(
        fmt::format("spate.streaming.checkpoint.fsync must be true or false, got '{}'", fsync));
  }
  out.fsync = fsync == "true";
  return out;
}

arrow::Result<std::unique_ptr<StateStoreProvider>> StateStoreProvider::Create(const std::string& dir,
                                                                              const StateStoreConf& conf) {
  ARROW_ASSIGN_OR_RAISE(std::string provider, ResolveProviderClass(conf.provider_class));
  if (provider == kRocksDbStateStoreProviderClass) return MakeRocksDbStateStoreProvider(dir, conf);
  return MakeHdfsStateStoreProvider(dir, conf);
}

arrow::Status CannotLoadStateStore(std::string_view sub_class, std::string_view detail) {
  std::string message = "An error occurred during loading state.";
  if (!detail.empty()) message += fmt::format(" {}", detail);
  return SparkError(fmt::format("CANNOT_LOAD_STATE_STORE.{}", sub_class), "58030", message);
}

arrow::Status NegativeStateVersion(int64_t version) {
  return CannotLoadStateStore("UNEXPECTED_VERSION",
                              fmt::format("Version cannot be {} because it is less than 0.", version));
}

}  // namespace spate
