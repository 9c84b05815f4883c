#include "spate/exec/transform_with_state_handle.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/exec/encoded_value_state.h"
#include "spate/exec/streaming_context.h"
#include "spate/exec/transform_with_state_ttl.h"
#include "spate/state/event_time_index.h"
#include "spate/state/row_codec.h"

namespace spate {

arrow::Result<std::string> EncodeStateRow(const arrow::RecordBatch& row, const std::shared_ptr<arrow::Schema>& schema,
                                          const std::string& what) {
  if (row.num_rows() < 1 || !row.schema()->Equals(*schema, /*check_metadata=*/false)) {
    return arrow::Status::Invalid(fmt::format("{} must be a row of {}, got {} rows of {}", what,
                                              schema->ToString(), row.num_rows(), row.schema()->ToString()));
  }
  ARROW_ASSIGN_OR_RAISE(auto encoder, RowEncoder::Make(schema));
  std::string out;
  encoder->Encode(row, 0, &out);
  return out;
}

arrow::Status RequireListElements(const arrow::RecordBatch& values, const std::string& state_name) {
  if (values.num_rows() > 0) return arrow::Status::OK();
  return SparkError("ILLEGAL_STATE_STORE_VALUE.EMPTY_LIST_VALUE", "42601",
                    "Illegal value provided to the State Store Cannot write empty list values to State Store for "
                    "StateName " + state_name + ".");
}

arrow::Result<RecordBatchPtr> DecodeStateRows(std::string_view bytes, const std::shared_ptr<arrow::Schema>& schema) {
  ARROW_ASSIGN_OR_RAISE(auto decoder, RowDecoder::Make(schema));
  while (!bytes.empty()) ARROW_RETURN_NOT_OK(decoder->Append(&bytes));
  return decoder->Finish();
}

namespace {

arrow::Status StateVariableError(const std::string& message) {
  return SparkError("STATEFUL_PROCESSOR_CANNOT_PERFORM_OPERATION_WITH_INVALID_HANDLE_STATE", "42802", message);
}

// A handle that only records the variables Init declares.
class DeclaringHandle final : public StatefulProcessorHandle {
 public:
  explicit DeclaringHandle(TimeMode mode) : mode_(mode) {}
  std::vector<StateVariable> variables;

  arrow::Result<ValueState*> GetValueState(const std::string& name, std::shared_ptr<arrow::Schema> schema,
                                           TTLConfig ttl) override {
    ARROW_RETURN_NOT_OK(Declare({StateVariable::Kind::kValue, name, nullptr, std::move(schema)}, ttl));
    return nullptr;
  }
  arrow::Result<ListState*> GetListState(const std::string& name, std::shared_ptr<arrow::Schema> schema,
                                         TTLConfig ttl) override {
    ARROW_RETURN_NOT_OK(Declare({StateVariable::Kind::kList, name, nullptr, std::move(schema)}, ttl));
    return nullptr;
  }
  arrow::Result<MapState*> GetMapState(const std::string& name, std::shared_ptr<arrow::Schema> user_key,
                                       std::shared_ptr<arrow::Schema> value, TTLConfig ttl) override {
    ARROW_RETURN_NOT_OK(Declare({StateVariable::Kind::kMap, name, std::move(user_key), std::move(value)}, ttl));
    return nullptr;
  }
  arrow::Status RegisterTimer(int64_t) override { return NotInInit("registerTimer"); }
  arrow::Status DeleteTimer(int64_t) override { return NotInInit("deleteTimer"); }
  arrow::Result<std::vector<int64_t>> ListTimers() override { return NotInInit("listTimers"); }
  arrow::Status DeleteIfExists(const std::string&) override { return arrow::Status::OK(); }

 private:
  // As Spark, a TTL of 0 is none; any other is checked against the time mode.
  arrow::Status Declare(StateVariable v, TTLConfig ttl) {
    if (ttl.ttl_duration_ms != 0) {
      ARROW_RETURN_NOT_OK(CheckTTL(v.name, ttl.ttl_duration_ms, mode_));
      v.ttl_ms = ttl.ttl_duration_ms;
    }
    if (v.name.empty() || v.name.front() == '$' || v.name.find('/') != std::string::npos || v.name == "default") {
      return arrow::Status::Invalid(fmt::format("'{}' cannot name a state variable", v.name));
    }
    for (const auto& d : variables) {
      if (d.name == v.name) {
        if (d.kind != v.kind) {
          return SparkError("STATEFUL_PROCESSOR_VARIABLE_ALREADY_DEFINED", "42802",
                            fmt::format("Failed to define the state variable {}: it is defined already.", v.name));
        }
        return arrow::Status::OK();
      }
    }
    variables.push_back(std::move(v));
    return arrow::Status::OK();
  }
  arrow::Status NotInInit(const char* call) {
    return StateVariableError(fmt::format("Failed to perform stateful processor operation={} with invalid handle "
                                          "state=INITIALIZED.",
                                          call));
  }

  TimeMode mode_;
};

class StoredValue final : public ValueState, public EncodedValueState {
 public:
  StoredValue(BatchStateHandle& handle, int store, const StateVariable& v) : h_(handle), store_(store), v_(v) {}
  arrow::Result<bool> Exists() override {
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    ARROW_ASSIGN_OR_RAISE(auto got, s->Get(h_.key()));
    return got.has_value();
  }
  arrow::Result<RecordBatchPtr> Get() override {
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    ARROW_ASSIGN_OR_RAISE(auto got, s->Get(h_.key()));
    if (!got) return nullptr;
    return DecodeStateRows(*got, v_.value);
  }
  arrow::Status Update(const arrow::RecordBatch& value) override {
    ARROW_ASSIGN_OR_RAISE(std::string bytes, EncodeStateRow(value, v_.value, "the value of state " + v_.name));
    return UpdateEncoded(std::move(bytes));
  }
  arrow::Status UpdateEncoded(std::string row) override {
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    return s->Put(h_.key(), row);
  }
  arrow::Status Clear() override {
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    return s->Remove(h_.key());
  }

 private:
  BatchStateHandle& h_;
  int store_;
  const StateVariable& v_;
};

class StoredList final : public ListState {
 public:
  StoredList(BatchStateHandle& handle, int store, const StateVariable& v) : h_(handle), store_(store), v_(v) {}
  arrow::Result<bool> Exists() override {
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    ARROW_ASSIGN_OR_RAISE(auto got, s->Get(h_.key()));
    return got.has_value();
  }
  arrow::Result<RecordBatchPtr> Get() override {
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    ARROW_ASSIGN_OR_RAISE(auto got, s->Get(h_.key()));
    return DecodeStateRows(got.value_or(""), v_.value);
  }
  arrow::Status Put(const arrow::RecordBatch& values) override { return Write(values, ""); }
  arrow::Status AppendList(const arrow::RecordBatch& values) override {
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    ARROW_ASSIGN_OR_RAISE(auto got, s->Get(h_.key()));
    return Write(values, got.value_or(""));
  }
  arrow::Status Clear() override {
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    return s->Remove(h_.key());
  }

 private:
  // Stores `before` followed by the rows of `values` (at least one, as Spark requires).
  arrow::Status Write(const arrow::RecordBatch& values, std::string before) {
    if (!values.schema()->Equals(*v_.value, /*check_metadata=*/false)) {
      return arrow::Status::Invalid(fmt::format("the elements of state {} must be rows of {}, got {}", v_.name,
                                                v_.value->ToString(), values.schema()->ToString()));
    }
    ARROW_RETURN_NOT_OK(RequireListElements(values, v_.name));
    ARROW_ASSIGN_OR_RAISE(auto encoder, RowEncoder::Make(v_.value));
    for (int64_t i = 0; i < values.num_rows(); ++i) encoder->Encode(values, i, &before);
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    return s->Put(h_.key(), before);
  }

  BatchStateHandle& h_;
  int store_;
  const StateVariable& v_;
};

class StoredMap final : public MapState {
 public:
  StoredMap(BatchStateHandle& handle, int store, const StateVariable& v) : h_(handle), store_(store), v_(v) {}
  arrow::Result<bool> Exists() override {
    bool any = false;
    ARROW_RETURN_NOT_OK(Scan([&](std::string_view, std::string_view) {
      any = true;
      return arrow::Status::Cancelled("found");  // one entry is enough
    }));
    return any;
  }
  arrow::Result<RecordBatchPtr> GetValue(const arrow::RecordBatch& key) override {
    ARROW_ASSIGN_OR_RAISE(std::string k, EntryKey(key));
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    ARROW_ASSIGN_OR_RAISE(auto got, s->Get(k));
    if (!got) return nullptr;
    return DecodeStateRows(*got, v_.value);
  }
  arrow::Result<bool> ContainsKey(const arrow::RecordBatch& key) override {
    ARROW_ASSIGN_OR_RAISE(std::string k, EntryKey(key));
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    ARROW_ASSIGN_OR_RAISE(auto got, s->Get(k));
    return got.has_value();
  }
  arrow::Status UpdateValue(const arrow::RecordBatch& key, const arrow::RecordBatch& value) override {
    ARROW_ASSIGN_OR_RAISE(std::string k, EntryKey(key));
    ARROW_ASSIGN_OR_RAISE(std::string bytes, EncodeStateRow(value, v_.value, "the value of map state " + v_.name));
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    return s->Put(k, bytes);
  }
  arrow::Result<std::pair<RecordBatchPtr, RecordBatchPtr>> Entries() override {
    std::string keys, values;
    ARROW_RETURN_NOT_OK(Scan([&](std::string_view k, std::string_view v) {
      keys.append(k.substr(h_.key().size()));
      values.append(v);
      return arrow::Status::OK();
    }));
    ARROW_ASSIGN_OR_RAISE(auto key_rows, DecodeStateRows(keys, v_.user_key));
    ARROW_ASSIGN_OR_RAISE(auto value_rows, DecodeStateRows(values, v_.value));
    return std::make_pair(key_rows, value_rows);
  }
  arrow::Status RemoveKey(const arrow::RecordBatch& key) override {
    ARROW_ASSIGN_OR_RAISE(std::string k, EntryKey(key));
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    return s->Remove(k);
  }
  arrow::Status Clear() override {
    std::vector<std::string> keys;
    ARROW_RETURN_NOT_OK(Scan([&](std::string_view k, std::string_view) {
      keys.emplace_back(k);
      return arrow::Status::OK();
    }));
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    for (const auto& k : keys) ARROW_RETURN_NOT_OK(s->Remove(k));
    return arrow::Status::OK();
  }

 private:
  arrow::Result<std::string> EntryKey(const arrow::RecordBatch& key) {
    ARROW_ASSIGN_OR_RAISE(std::string user, EncodeStateRow(key, v_.user_key, "the key of map state " + v_.name));
    return h_.key() + user;
  }
  arrow::Status Scan(const StateStore::Visitor& visit) {
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    arrow::Status st = s->PrefixScan(h_.key(), visit);
    return st.IsCancelled() ? arrow::Status::OK() : st;
  }

  BatchStateHandle& h_;
  int store_;
  const StateVariable& v_;
};

}  // namespace

std::string TimerStoreName(TimeMode mode) {
  switch (mode) {
    case TimeMode::kProcessingTime: return "$procTimers";
    case TimeMode::kEventTime: return "$eventTimers";
    case TimeMode::kNone: break;
  }
  return "";
}

arrow::Result<std::vector<StateVariable>> DeclaredStateVariables(const TransformWithStateSpec& spec) {
  ARROW_ASSIGN_OR_RAISE(auto processor, spec.factory());
  DeclaringHandle handle(spec.time_mode);
  ARROW_RETURN_NOT_OK(processor->Init(handle));
  ARROW_RETURN_NOT_OK(processor->Close());
  return std::move(handle.variables);
}

BatchStateHandle::BatchStateHandle(StatefulOperatorState& op, const std::vector<StateVariable>& variables,
                                   int timer_store, int64_t batch_ms)
    : op_(op), variables_(variables), timer_store_(timer_store), batch_ms_(batch_ms) {}

BatchStateHandle::~BatchStateHandle() = default;

void BatchStateHandle::SetCurrentKey(std::string_view key_bytes) {
  key_.assign(key_bytes);
  partition_ = op_.PartitionOf(key_);
}

arrow::Result<StateStore*> BatchStateHandle::StoreOf(int variable) { return op_.Store(partition_, variable); }

arrow::Result<int> BatchStateHandle::Declared(const std::string& name, StateVariable::Kind kind) {
  for (size_t i = 0; i < variables_.size(); ++i) {
    if (variables_[i].name == name && variables_[i].kind == kind) return static_cast<int>(i);
  }
  return arrow::Status::Invalid(fmt::format(
      "the state variable '{}' was not declared when the query started: declare every state variable in init()",
      name));
}

// The variables were declared (and their TTLs checked) when the query
// planned its stores: the TTL they were planned with is the one that counts.
arrow::Result<ValueState*> BatchStateHandle::GetValueState(const std::string& name, std::shared_ptr<arrow::Schema>,
                                                           TTLConfig) {
  ARROW_ASSIGN_OR_RAISE(int store, Declared(name, StateVariable::Kind::kValue));
  auto& slot = values_[name];
  const StateVariable& v = variables_[store];
  if (!slot && v.ttl_ms > 0) slot = MakeValueStateWithTTL(*this, store, v, TtlClock(v.ttl_ms, batch_ms_));
  if (!slot) slot = std::make_unique<StoredValue>(*this, store, v);
  return slot.get();
}

arrow::Result<ListState*> BatchStateHandle::GetListState(const std::string& name, std::shared_ptr<arrow::Schema>,
                                                         TTLConfig) {
  ARROW_ASSIGN_OR_RAISE(int store, Declared(name, StateVariable::Kind::kList));
  auto& slot = lists_[name];
  const StateVariable& v = variables_[store];
  if (!slot && v.ttl_ms > 0) slot = MakeListStateWithTTL(*this, store, v, TtlClock(v.ttl_ms, batch_ms_));
  if (!slot) slot = std::make_unique<StoredList>(*this, store, v);
  return slot.get();
}

arrow::Result<MapState*> BatchStateHandle::GetMapState(const std::string& name, std::shared_ptr<arrow::Schema>,
                                                       std::shared_ptr<arrow::Schema>, TTLConfig) {
  ARROW_ASSIGN_OR_RAISE(int store, Declared(name, StateVariable::Kind::kMap));
  auto& slot = maps_[name];
  const StateVariable& v = variables_[store];
  if (!slot && v.ttl_ms > 0) slot = MakeMapStateWithTTL(*this, store, v, TtlClock(v.ttl_ms, batch_ms_));
  if (!slot) slot = std::make_unique<StoredMap>(*this, store, v);
  return slot.get();
}

arrow::Result<StateStore*> BatchStateHandle::TimerStore() {
  if (timer_store_ < 0) {
    return SparkError("STATEFUL_PROCESSOR_CANNOT_PERFORM_OPERATION_WITH_INVALID_TIME_MODE", "42802",
                      "Failed to perform stateful processor operation=register_timer with invalid timeMode=NoTime");
  }
  return op_.Store(partition_, timer_store_);
}

std::string BatchStateHandle::TimerKey(int64_t expiry_ms) const {
  std::string key = key_;
  AppendEncodedInt64(expiry_ms, &key);
  return key;
}

arrow::Status BatchStateHandle::RegisterTimer(int64_t expiry_ms) {
  ARROW_ASSIGN_OR_RAISE(StateStore * s, TimerStore());
  ++registered_timers_;
  const std::string key = TimerKey(expiry_ms);
  ARROW_ASSIGN_OR_RAISE(auto got, s->Get(key));
  if (got) return arrow::Status::OK();
  StateWriteBatch batch;
  batch.Put(key, "", /*is_new=*/true);
  PutIndexKey(expiry_ms * 1000, key, &batch);
  return s->Write(batch);
}

arrow::Status BatchStateHandle::DeleteTimer(int64_t expiry_ms) {
  ARROW_ASSIGN_OR_RAISE(StateStore * s, TimerStore());
  ++deleted_timers_;
  const std::string key = TimerKey(expiry_ms);
  ARROW_ASSIGN_OR_RAISE(auto got, s->Get(key));
  if (!got) return arrow::Status::OK();
  StateWriteBatch batch;
  batch.Remove(key);
  RemoveIndexKey(expiry_ms * 1000, key, &batch);
  return s->Write(batch);
}

arrow::Result<std::vector<int64_t>> BatchStateHandle::ListTimers() {
  ARROW_ASSIGN_OR_RAISE(StateStore * s, TimerStore());
  std::vector<int64_t> out;
  auto schema = arrow::schema({arrow::field("expiryTimestampMs", arrow::int64(), false)});
  std::string encoded;
  ARROW_RETURN_NOT_OK(s->PrefixScan(key_, [&](std::string_view k, std::string_view) {
    if (k.size() == key_.size() + kEncodedInt64Bytes) encoded.append(k.substr(key_.size()));
    return arrow::Status::OK();
  }));
  ARROW_ASSIGN_OR_RAISE(auto rows, DecodeStateRows(encoded, schema));
  const auto& times = static_cast<const arrow::Int64Array&>(*rows->column(0));
  for (int64_t i = 0; i < times.length(); ++i) out.push_back(times.Value(i));
  return out;
}

arrow::Status BatchStateHandle::DeleteIfExists(const std::string& name) {
  for (size_t v = 0; v < variables_.size(); ++v) {
    if (variables_[v].name != name) continue;
    for (int p = 0; p < op_.num_partitions(); ++p) {
      ARROW_ASSIGN_OR_RAISE(StateStore * s, op_.Store(p, static_cast<int>(v)));
      std::vector<std::string> keys;  // the rows and their TTL index
      ARROW_RETURN_NOT_OK(s->Scan("", "", [&](std::string_view k, std::string_view) {
        keys.emplace_back(k);
        return arrow::Status::OK();
      }));
      for (const auto& k : keys) ARROW_RETURN_NOT_OK(s->Remove(k));
      if (!keys.empty()) ++deleted_state_vars_;
    }
  }
  return arrow::Status::OK();
}

arrow::Result<int64_t> BatchStateHandle::ClearExpiredState() {
  int64_t removed = 0;
  for (size_t v = 0; v < variables_.size(); ++v) {
    if (variables_[v].ttl_ms <= 0) continue;
    const TtlClock clock(variables_[v].ttl_ms, batch_ms_);
    for (int p = 0; p < op_.num_partitions(); ++p) {
      ARROW_ASSIGN_OR_RAISE(StateStore * s, op_.Store(p, static_cast<int>(v)));
      ARROW_ASSIGN_OR_RAISE(int64_t n, ClearExpired(*s, variables_[v], clock));
      removed += n;
    }
  }
  return removed;
}

}  // namespace spate
