#pragma once

// Inside the state folder: the provider classes by Spark's names, their
// factories and the load errors they share. Engine code uses state_store.h.

#include <memory>
#include <string>
#include <string_view>

#include <arrow/result.h>
#include <arrow/status.h>

#include "spate/state/state_store.h"

namespace spate {

inline constexpr std::string_view kHdfsStateStoreProviderClass =
    "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider";
inline constexpr std::string_view kRocksDbStateStoreProviderClass =
    "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider";

arrow::Result<std::unique_ptr<StateStoreProvider>> MakeHdfsStateStoreProvider(const std::string& dir,
                                                                             const StateStoreConf& conf);
arrow::Result<std::unique_ptr<StateStoreProvider>> MakeRocksDbStateStoreProvider(const std::string& dir,
                                                                                const StateStoreConf& conf);

/// [CANNOT_LOAD_STATE_STORE.<sub_class>] An error occurred during loading state. <detail>
arrow::Status CannotLoadStateStore(std::string_view sub_class, std::string_view detail);
/// [CANNOT_LOAD_STATE_STORE.UNEXPECTED_VERSION] for a negative version.
arrow::Status NegativeStateVersion(int64_t version);

}  // namespace spate
