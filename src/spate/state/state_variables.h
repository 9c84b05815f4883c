#pragma once

// transformWithState's state variables as a checkpoint records them, as
// Spark does (its TransformWithStateVariableInfo): in the operator's metadata
// file <checkpoint>/state/<operatorId>/_metadata/metadata, "v2", then
//   {"operatorInfo":{...},"stateStoreInfo":[{"storeName":"default",...}],
//    "operatorPropertiesJson":"{\"timeMode\":\"NoTime\",\"outputMode\":\"Update\",
//      \"stateVariables\":[{\"stateName\":\"total\",\"stateVariableType\":\"ValueState\",
//      \"ttlEnabled\":false}, ...]}"}
// A restart checks its variables against the recorded ones: a variable that
// keeps its name but changes kind is refused; one added or dropped is not.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>

namespace spate {

struct StateVariableInfo {
  std::string name;
  std::string type;  // "ValueState", "ListState", "MapState" or "TimerState"
  bool ttl_enabled = false;
};

struct TransformWithStateProperties {
  std::string time_mode;    // "NoTime", "ProcessingTime", "EventTime"
  std::string output_mode;  // "Update", "Append", "Complete"
  std::vector<StateVariableInfo> variables;

  /// The variable named `name`, or null.
  const StateVariableInfo* Find(const std::string& name) const;
};

/// Spark's operatorPropertiesJson of a transformWithState operator.
std::string PropertiesJson(const TransformWithStateProperties& properties);

/// The recorded properties of operator `operator_id`; nullopt when its
/// metadata records none (another kind of operator, or no run yet).
arrow::Result<std::optional<TransformWithStateProperties>> ReadTransformWithStateProperties(
    const std::string& checkpoint, int64_t operator_id);

/// The operatorPropertiesJson text recorded for operator `operator_id` ("" when none).
std::string RecordedOperatorProperties(const std::string& checkpoint, int64_t operator_id);

/// A variable of `now` recorded with another kind fails with Spark's
/// [STATE_STORE_INVALID_VARIABLE_TYPE_CHANGE].
arrow::Status CheckStateVariableTypes(const TransformWithStateProperties& recorded,
                                      const TransformWithStateProperties& now);

/// Writes the operator's metadata file with `properties` (one store, "default").
arrow::Status WriteTransformWithStateMetadata(const std::string& checkpoint, int64_t operator_id,
                                              const std::string& operator_name, int num_partitions,
                                              const TransformWithStateProperties& properties);

/// The store of the timers of a time mode ("$procTimers", "$eventTimers"; "" for NoTime),
/// and the name Spark gives their variable ("$eventTimers_keyToTimestamp", ...).
std::string TimerStoreOfTimeMode(const std::string& time_mode);
std::string TimerVariableName(const std::string& time_mode);

}  // namespace spate
