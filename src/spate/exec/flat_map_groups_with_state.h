#pragma once

// flatMapGroupsWithState and mapGroupsWithState on the transformWithState
// operator: a StatefulProcessor that keeps a key's GroupState value in one
// value state ("groupState") and its timeout in one timer, and calls the
// user's function as Spark's FlatMapGroupsWithStateExec does.

#include <memory>

#include "spate/plan/group_state.h"
#include "spate/plan/stateful_processor.h"

namespace spate {

/// The state variable that holds a key's GroupState value.
inline constexpr const char* kGroupStateName = "groupState";

struct GroupsWithStateSpec {
  GroupsWithStateFunction func;
  std::shared_ptr<arrow::Schema> state;  // the state value's columns
  std::shared_ptr<arrow::Schema> input;  // the rows' columns (a timed-out call gets none of them)
  GroupStateTimeout timeout = GroupStateTimeout::kNoTimeout;
  bool watermark_present = false;
  bool one_row_per_call = false;  // mapGroupsWithState
  /// Spark's spark.sql.streaming.flatMapGroupsWithState.skipEmittingInitialStateKeys: no
  /// call for a key of the initial state the first batch has no rows of.
  bool skip_initial_keys_without_rows = false;
};

/// The transformWithState time mode that fires `timeout`.
TimeMode TimeModeOf(GroupStateTimeout timeout);

/// Makes the processor that runs `spec`.
StatefulProcessorFactory GroupsWithStateProcessorFactory(std::shared_ptr<const GroupsWithStateSpec> spec);

}  // namespace spate
