#pragma once

// The StatefulProcessorHandle of transformWithState's operator
// (transform_with_state.cc): the state variables a processor declares, kept
// in the operator's state stores, and its timers.
//
// Store layout (one store per state variable, named after it, then one for
// the timers; each partitioned by the grouping key):
//   value state  key = grouping key            value = the value row
//   list state   key = grouping key            value = the element rows, one after another
//   map state    key = grouping key ++ user key  value = the value row
//   timers       key = grouping key ++ expiry (ms, BIGINT)  value = empty,
//                with the event-time index (state/event_time_index.h) by expiry
// A state variable with a TTL adds its expiry to each value (list element,
// map value) and keeps a TTL index in its store (transform_with_state_ttl.h).

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "spate/plan/stateful_processor.h"

namespace spate {

class RowEncoder;
class StateStore;
class StatefulOperatorState;

/// A declared state variable, as the query plans it.
struct StateVariable {
  enum class Kind { kValue, kList, kMap };
  Kind kind = Kind::kValue;
  std::string name;
  std::shared_ptr<arrow::Schema> user_key;  // map state
  std::shared_ptr<arrow::Schema> value;
  int64_t ttl_ms = 0;  // 0: no TTL
};

/// Row 0 of `row` encoded; its columns must be those of `schema` (`what` names it in the error).
arrow::Result<std::string> EncodeStateRow(const arrow::RecordBatch& row, const std::shared_ptr<arrow::Schema>& schema,
                                          const std::string& what);
/// Spark's refusal of a list state's put or appendList without elements
/// (ILLEGAL_STATE_STORE_VALUE.EMPTY_LIST_VALUE); OK when `values` has rows.
arrow::Status RequireListElements(const arrow::RecordBatch& values, const std::string& state_name);
/// Every row of `bytes` (encodings one after another).
arrow::Result<RecordBatchPtr> DecodeStateRows(std::string_view bytes, const std::shared_ptr<arrow::Schema>& schema);

/// The name of the timers' store, by time mode ("" for TimeMode::kNone).
std::string TimerStoreName(TimeMode mode);

/// Calls the processor's Init with a handle that only records the state
/// variables it declares: what the query plans its stores by.
arrow::Result<std::vector<StateVariable>> DeclaredStateVariables(const TransformWithStateSpec& spec);

/// The handle of one micro-batch: state calls act on the current key.
class BatchStateHandle final : public StatefulProcessorHandle {
 public:
  /// `variables` are the ones the query planned (store i is variables[i]);
  /// `timer_store` the timers' store index or -1; `batch_ms` the batch's
  /// processing time, which TTLs count from.
  BatchStateHandle(StatefulOperatorState& op, const std::vector<StateVariable>& variables, int timer_store,
                   int64_t batch_ms);
  ~BatchStateHandle() override;

  /// The key the next calls act on: its encoding and its partition.
  void SetCurrentKey(std::string_view key_bytes);

  arrow::Result<ValueState*> GetValueState(const std::string& name, std::shared_ptr<arrow::Schema> schema,
                                           TTLConfig ttl) override;
  arrow::Result<ListState*> GetListState(const std::string& name, std::shared_ptr<arrow::Schema> schema,
                                         TTLConfig ttl) override;
  arrow::Result<MapState*> GetMapState(const std::string& name, std::shared_ptr<arrow::Schema> user_key,
                                       std::shared_ptr<arrow::Schema> value, TTLConfig ttl) override;
  arrow::Status RegisterTimer(int64_t expiry_ms) override;
  arrow::Status DeleteTimer(int64_t expiry_ms) override;
  arrow::Result<std::vector<int64_t>> ListTimers() override;
  arrow::Status DeleteIfExists(const std::string& name) override;

  /// Removes what expired by the batch's time from every variable with a
  /// TTL (Spark does at the end of each batch); the number of values removed.
  arrow::Result<int64_t> ClearExpiredState();

  /// This batch's calls, for the operator's metrics: every RegisterTimer and
  /// DeleteTimer call counts (as Spark's), a DeleteIfExists once per
  /// partition store it emptied.
  int64_t registered_timers() const { return registered_timers_; }
  int64_t deleted_timers() const { return deleted_timers_; }
  int64_t deleted_state_vars() const { return deleted_state_vars_; }

  /// What the state variables reach through the handle.
  arrow::Result<StateStore*> StoreOf(int variable);
  const std::string& key() const { return key_; }

 private:
  arrow::Result<int> Declared(const std::string& name, StateVariable::Kind kind);
  arrow::Result<StateStore*> TimerStore();
  std::string TimerKey(int64_t expiry_ms) const;

  StatefulOperatorState& op_;
  const std::vector<StateVariable>& variables_;
  int timer_store_;
  int64_t batch_ms_;
  std::string key_;
  int partition_ = 0;
  int64_t registered_timers_ = 0;
  int64_t deleted_timers_ = 0;
  int64_t deleted_state_vars_ = 0;
  std::map<std::string, std::unique_ptr<ValueState>> values_;
  std::map<std::string, std::unique_ptr<ListState>> lists_;
  std::map<std::string, std::unique_ptr<MapState>> maps_;
};

}  // namespace spate
