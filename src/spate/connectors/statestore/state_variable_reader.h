#pragma once

// format("statestore") on a transformWithState operator: one state variable's
// rows, or the timers, with the columns Spark's state data source gives:
//   value state  key, value, partition_id
//   list state   key, list_element, partition_id (a row per element);
//                key, list_value (array), partition_id with flattenCollectionTypes=false
//   map state    key, user_map_key, user_map_value, partition_id (a row per entry);
//                key, map_value (map), partition_id with flattenCollectionTypes=false
//   timers       key, expiration_timestamp_ms, partition_id (readRegisteredTimers)

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <arrow/result.h>

#include "spate/connectors/statestore/state_reader.h"
#include "spate/state/state_variables.h"

namespace spate {

struct StateVariableRequest {
  std::string checkpoint;
  int64_t operator_id = 0;
  int64_t batch_id = 0;
  std::optional<std::string> variable;  // stateVarName
  bool timers = false;                  // readRegisteredTimers
  bool flatten = true;                  // flattenCollectionTypes
};

/// The options as a request; Spark's errors for a missing, conflicting or bad option.
arrow::Result<StateVariableRequest> StateVariableRequestOf(const std::map<std::string, std::string>& options);

/// `options` (lower-case keys) only name them in errors.
arrow::Result<StateTable> ReadStateVariable(const StateVariableRequest& request,
                                            const TransformWithStateProperties& properties,
                                            const std::map<std::string, std::string>& options);

}  // namespace spate
