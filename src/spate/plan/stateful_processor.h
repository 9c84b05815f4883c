#pragma once

// Arbitrary stateful processing, Spark's transformWithState: a user's
// StatefulProcessor is called once per grouping key of a micro-batch with
// that key's rows, keeps state in named state variables (value, list and
// map state) through its StatefulProcessorHandle, and registers timers that
// call it back when they expire. The operator that runs it is
// exec/transform_with_state.cc; the API is GroupedData::TransformWithState.
//
// Rows, keys and state values cross as Arrow record batches: a key is one
// row of the grouping columns, a value-state value one row of its schema, a
// list one row per element, a map's keys and values one row each.
//
// A state variable may have a time to live (TTL, ProcessingTime mode only):
// each value expires its TTL after the batch that last wrote it, as Spark's
// TTLConfig; expired values are invisible to reads and removed from the
// store at the end of the batch. A query may start from an initial state
// (transformWithState's initialState): in its first batch the processor's
// HandleInitialState is called once per key of it, before any input row.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>
#include <arrow/type_fwd.h>

#include "spate/expr/expression.h"
#include "spate/plan/logical_plan.h"
#include "spate/plan/output_mode.h"

namespace spate {

/// Spark's TimeMode: which clock timers (and TTL) follow.
enum class TimeMode { kNone, kProcessingTime, kEventTime };
/// "None", "ProcessingTime", "EventTime" (case-insensitive), as Spark reads them.
arrow::Result<TimeMode> ParseTimeMode(const std::string& text);

/// The batch's clocks, as the processor sees them (-1 when the time mode has none).
struct TimerValues {
  int64_t current_processing_time_ms = -1;
  int64_t current_watermark_ms = -1;
};

/// The timer that fired.
struct ExpiredTimerInfo {
  int64_t expiry_time_ms = -1;
};

using RecordBatchPtr = std::shared_ptr<arrow::RecordBatch>;

/// Spark's TTLConfig: how long a state variable's values live after the
/// batch that last updated them, in processing time (ProcessingTime mode
/// only). 0 is no TTL; a negative duration is refused.
struct TTLConfig {
  int64_t ttl_duration_ms = 0;
};

/// One value per grouping key.
class ValueState {
 public:
  virtual ~ValueState() = default;
  virtual arrow::Result<bool> Exists() = 0;
  /// One row, or null when there is no value.
  virtual arrow::Result<RecordBatchPtr> Get() = 0;
  /// Stores the first row of `value` (its schema is the state's).
  virtual arrow::Status Update(const arrow::RecordBatch& value) = 0;
  virtual arrow::Status Clear() = 0;
};

/// A list of rows per grouping key.
class ListState {
 public:
  virtual ~ListState() = default;
  virtual arrow::Result<bool> Exists() = 0;
  /// Every element, one row each (no rows when there is no list).
  virtual arrow::Result<RecordBatchPtr> Get() = 0;
  /// Replaces the list with the rows of `values`. Both need at least one row
  /// (Spark's ILLEGAL_STATE_STORE_VALUE.EMPTY_LIST_VALUE otherwise); Clear empties a list.
  virtual arrow::Status Put(const arrow::RecordBatch& values) = 0;
  /// Adds the rows of `values` at the end.
  virtual arrow::Status AppendList(const arrow::RecordBatch& values) = 0;
  virtual arrow::Status Clear() = 0;
};

/// A map from user keys to values per grouping key.
class MapState {
 public:
  virtual ~MapState() = default;
  virtual arrow::Result<bool> Exists() = 0;
  /// The value of the first row of `key`, or null.
  virtual arrow::Result<RecordBatchPtr> GetValue(const arrow::RecordBatch& key) = 0;
  virtual arrow::Result<bool> ContainsKey(const arrow::RecordBatch& key) = 0;
  virtual arrow::Status UpdateValue(const arrow::RecordBatch& key, const arrow::RecordBatch& value) = 0;
  /// Every entry in key order: the keys and the values, one row each.
  virtual arrow::Result<std::pair<RecordBatchPtr, RecordBatchPtr>> Entries() = 0;
  virtual arrow::Status RemoveKey(const arrow::RecordBatch& key) = 0;
  virtual arrow::Status Clear() = 0;
};

/// What a processor reaches its state and timers through. State variables
/// are declared in Init; the state and timer calls act on the key being processed.
class StatefulProcessorHandle {
 public:
  virtual ~StatefulProcessorHandle() = default;
  /// `schema`: the value's columns. A repeated name with the same kind returns the same variable.
  /// With a `ttl`, each value (list element, map entry) expires on its own.
  virtual arrow::Result<ValueState*> GetValueState(const std::string& name, std::shared_ptr<arrow::Schema> schema,
                                                   TTLConfig ttl = {}) = 0;
  virtual arrow::Result<ListState*> GetListState(const std::string& name, std::shared_ptr<arrow::Schema> schema,
                                                 TTLConfig ttl = {}) = 0;
  virtual arrow::Result<MapState*> GetMapState(const std::string& name, std::shared_ptr<arrow::Schema> user_key,
                                               std::shared_ptr<arrow::Schema> value, TTLConfig ttl = {}) = 0;
  /// Timers of the current key, in milliseconds (of processing or event time, by the time mode).
  virtual arrow::Status RegisterTimer(int64_t expiry_ms) = 0;
  virtual arrow::Status DeleteTimer(int64_t expiry_ms) = 0;
  virtual arrow::Result<std::vector<int64_t>> ListTimers() = 0;
  /// Removes every value of the state variable `name` (all keys).
  virtual arrow::Status DeleteIfExists(const std::string& name) = 0;
};

/// The keys of a micro-batch's input with their rows, in the order of the
/// HandleInputRows calls: `keys` has one row per key, `rows` the keys' rows one
/// key after another (key k's are rows offsets[k] to offsets[k + 1]).
/// `select_key(k)` points the handle's state and timer calls at key k.
struct InputGroups {
  RecordBatchPtr keys;
  RecordBatchPtr rows;
  std::vector<int64_t> offsets;
  std::function<void(int64_t)> select_key;
};

/// The user's logic. Per micro-batch the operator calls Init, then (in the
/// first batch of a query with an initial state) HandleInitialState once per
/// key of the initial state, HandleInputRows once per key of the batch,
/// HandleExpiredTimer once per expired timer, then Close. Returned batches
/// have the output schema (null: no rows).
class StatefulProcessor {
 public:
  virtual ~StatefulProcessor() = default;
  virtual arrow::Status Init(StatefulProcessorHandle& handle) = 0;
  /// `key`: one row of the grouping columns; `rows`: the key's rows of the batch.
  virtual arrow::Result<RecordBatchPtr> HandleInputRows(const arrow::RecordBatch& key, const arrow::RecordBatch& rows,
                                                        const TimerValues& timer_values) = 0;
  /// Every key of the batch's input: by default HandleInputRows per key, each
  /// after select_key. A processor in another runtime (Python) overrides it to
  /// cross into it once for all keys. The output rows of the calls, in order.
  virtual arrow::Result<std::vector<RecordBatchPtr>> HandleInputGroups(const InputGroups& groups,
                                                                       const TimerValues& timer_values);
  virtual arrow::Result<RecordBatchPtr> HandleExpiredTimer(const arrow::RecordBatch& key,
                                                           const TimerValues& timer_values,
                                                           const ExpiredTimerInfo& expired) {
    (void)key, (void)timer_values, (void)expired;
    return nullptr;
  }
  /// `rows`: the key's rows of the initial state (its columns). Sets up state; returns no rows.
  virtual arrow::Status HandleInitialState(const arrow::RecordBatch& key, const arrow::RecordBatch& rows,
                                           const TimerValues& timer_values) {
    (void)key, (void)rows, (void)timer_values;
    return arrow::Status::OK();
  }
  virtual arrow::Status Close() { return arrow::Status::OK(); }
};

/// Makes the processor of a query; called when the query plans its state
/// and at each micro-batch.
using StatefulProcessorFactory = std::function<arrow::Result<std::shared_ptr<StatefulProcessor>>()>;

/// The rows of an initial state: the grouping key's columns first (the
/// query's key types), then the initial state's own columns.
using InitialStateRows = std::function<arrow::Result<std::shared_ptr<arrow::Table>>()>;

/// What a kTransformWithState node runs (its output columns are the node's output).
struct TransformWithStateSpec {
  StatefulProcessorFactory factory;
  OutputMode output_mode = OutputMode::kUpdate;
  TimeMode time_mode = TimeMode::kNone;
  /// The output column that carries event time on (eventTimeColumnName), or empty.
  std::string event_time_column;
  /// "flatMapGroupsWithState", "mapGroupsWithState" or "applyInPandasWithState" when
  /// the node runs that API (exec/flat_map_groups_with_state.h): Spark's output-mode checks.
  std::string legacy_api;
  /// initialState: read in the query's first batch only; empty without one.
  InitialStateRows initial_state;
  /// Spark's name for the operator (progress, state metadata): the API that made it.
  std::string operator_name = "transformWithStateExec";
};

/// groupBy(groups).transformWithState(...) over `child`: checks the modes and
/// binds the grouping expressions (node.exprs).
arrow::Result<PlanPtr> MakeTransformWithState(const PlanPtr& child, const std::vector<ExprPtr>& groups,
                                              const StructType& output, std::shared_ptr<TransformWithStateSpec> spec);

}  // namespace spate
