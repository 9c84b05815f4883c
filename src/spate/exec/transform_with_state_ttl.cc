#include "spate/exec/transform_with_state_ttl.h"

#include <algorithm>
#include <limits>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/exec/encoded_value_state.h"
#include "spate/state/event_time_index.h"
#include "spate/state/row_codec.h"
#include "spate/state/state_store.h"

namespace spate {

arrow::Status CheckTTL(const std::string& name, int64_t ttl_ms, TimeMode mode) {
  if (mode != TimeMode::kProcessingTime) {
    const char* text = mode == TimeMode::kEventTime ? "EventTime" : "NoTime";
    return SparkError("STATEFUL_PROCESSOR_INCORRECT_TIME_MODE_TO_ASSIGN_TTL", "42802",
                      fmt::format("Cannot use TTL for state={} in timeMode={}, use TimeMode.ProcessingTime() "
                                  "instead.",
                                  name, text));
  }
  if (ttl_ms < 0) {
    return SparkError("STATEFUL_PROCESSOR_TTL_DURATION_MUST_BE_POSITIVE", "42802",
                      fmt::format("TTL duration must be greater than zero for State store operation=update on "
                                  "state={}.",
                                  name));
  }
  return arrow::Status::OK();
}

std::shared_ptr<arrow::Schema> WithExpiryColumn(const std::shared_ptr<arrow::Schema>& value) {
  arrow::FieldVector fields = value->fields();
  fields.push_back(arrow::field("ttlExpirationMs", arrow::int64(), false));
  return arrow::schema(fields);
}

int64_t TtlClock::NewExpiry() const {
  if (batch_ms_ > std::numeric_limits<int64_t>::max() - ttl_ms_) return std::numeric_limits<int64_t>::max();
  return batch_ms_ + ttl_ms_;
}

void AppendExpiry(int64_t expiry_ms, std::string* value) { AppendEncodedInt64(expiry_ms, value); }

int64_t ExpiryOf(std::string_view stored) {
  if (stored.size() < kEncodedInt64Bytes) return std::numeric_limits<int64_t>::max();  // not a TTL value
  return DecodeEncodedInt64(stored.substr(stored.size() - kEncodedInt64Bytes));
}

std::string_view WithoutExpiry(std::string_view stored) {
  if (stored.size() < kEncodedInt64Bytes) return stored;
  return stored.substr(0, stored.size() - kEncodedInt64Bytes);
}

arrow::Result<std::vector<std::string_view>> ListElements(std::string_view stored,
                                                          const std::shared_ptr<arrow::Schema>& stored_schema) {
  ARROW_ASSIGN_OR_RAISE(auto decoder, RowDecoder::Make(stored_schema));
  std::vector<std::string_view> out;
  while (!stored.empty()) {
    std::string_view rest = stored;
    ARROW_RETURN_NOT_OK(decoder->Append(&rest));
    out.push_back(stored.substr(0, stored.size() - rest.size()));
    stored = rest;
  }
  return out;
}

void MoveTtlIndexKey(std::optional<int64_t> from, std::optional<int64_t> to, std::string_view element_key,
                     StateWriteBatch* batch) {
  if (from == to) return;
  if (from) RemoveIndexKey(*from, element_key, batch);
  if (to) PutIndexKey(*to, element_key, batch);
}

namespace {

// The earliest expiry of a list's elements, if it has any.
std::optional<int64_t> EarliestExpiry(const std::vector<std::string_view>& elements) {
  std::optional<int64_t> out;
  for (auto e : elements) {
    const int64_t expiry = ExpiryOf(e);
    if (!out || expiry < *out) out = expiry;
  }
  return out;
}

// Puts `key` -> `value` into the batch, or removes it when `value` is empty.
void PutOrRemove(std::string_view key, const std::optional<std::string>& old, const std::string& value,
                 StateWriteBatch* batch) {
  if (!value.empty()) {
    batch->Put(key, value, !old.has_value());
  } else if (old) {
    batch->Remove(key);
  }
}

class ValueWithTTL final : public ValueState, public EncodedValueState {
 public:
  ValueWithTTL(BatchStateHandle& handle, int store, const StateVariable& v, const TtlClock& clock)
      : h_(handle), store_(store), v_(v), clock_(clock) {}
  arrow::Result<bool> Exists() override {
    ARROW_ASSIGN_OR_RAISE(auto got, Live());
    return got.has_value();
  }
  arrow::Result<RecordBatchPtr> Get() override {
    ARROW_ASSIGN_OR_RAISE(auto got, Live());
    if (!got) return nullptr;
    return DecodeStateRows(WithoutExpiry(*got), v_.value);
  }
  arrow::Status Update(const arrow::RecordBatch& value) override {
    ARROW_ASSIGN_OR_RAISE(std::string bytes, EncodeStateRow(value, v_.value, "the value of state " + v_.name));
    return UpdateEncoded(std::move(bytes));
  }
  arrow::Status UpdateEncoded(std::string bytes) override {
    const int64_t expiry = clock_.NewExpiry();
    AppendExpiry(expiry, &bytes);
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    ARROW_ASSIGN_OR_RAISE(auto old, s->Get(h_.key()));
    StateWriteBatch batch;
    batch.Put(h_.key(), bytes, !old.has_value());
    MoveTtlIndexKey(old ? std::optional(ExpiryOf(*old)) : std::nullopt, expiry, h_.key(), &batch);
    return s->Write(batch);
  }
  arrow::Status Clear() override {
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    ARROW_ASSIGN_OR_RAISE(auto old, s->Get(h_.key()));
    if (!old) return arrow::Status::OK();
    StateWriteBatch batch;
    batch.Remove(h_.key());
    MoveTtlIndexKey(ExpiryOf(*old), std::nullopt, h_.key(), &batch);
    return s->Write(batch);
  }

 private:
  // The stored value, unless it is absent or expired.
  arrow::Result<std::optional<std::string>> Live() {
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    ARROW_ASSIGN_OR_RAISE(auto got, s->Get(h_.key()));
    if (got && clock_.Expired(ExpiryOf(*got))) got.reset();
    return got;
  }

  BatchStateHandle& h_;
  int store_;
  const StateVariable& v_;
  TtlClock clock_;
};

class ListWithTTL final : public ListState {
 public:
  ListWithTTL(BatchStateHandle& handle, int store, const StateVariable& v, const TtlClock& clock)
      : h_(handle), store_(store), v_(v), stored_(WithExpiryColumn(v.value)), clock_(clock) {}
  arrow::Result<bool> Exists() override {
    ARROW_ASSIGN_OR_RAISE(std::string live, LiveValues());
    return !live.empty();
  }
  arrow::Result<RecordBatchPtr> Get() override {
    ARROW_ASSIGN_OR_RAISE(std::string live, LiveValues());
    return DecodeStateRows(live, v_.value);
  }
  arrow::Status Put(const arrow::RecordBatch& values) override { return Write(values, /*append=*/false); }
  arrow::Status AppendList(const arrow::RecordBatch& values) override { return Write(values, /*append=*/true); }
  arrow::Status Clear() override {
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    ARROW_ASSIGN_OR_RAISE(auto old, s->Get(h_.key()));
    if (!old) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(auto elements, ListElements(*old, stored_));
    StateWriteBatch batch;
    batch.Remove(h_.key());
    MoveTtlIndexKey(EarliestExpiry(elements), std::nullopt, h_.key(), &batch);
    return s->Write(batch);
  }

 private:
  // The values of the elements that have not expired, one after another.
  arrow::Result<std::string> LiveValues() {
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    ARROW_ASSIGN_OR_RAISE(auto got, s->Get(h_.key()));
    std::string out;
    if (!got) return out;
    ARROW_ASSIGN_OR_RAISE(auto elements, ListElements(*got, stored_));
    for (auto e : elements) {
      if (!clock_.Expired(ExpiryOf(e))) out.append(WithoutExpiry(e));
    }
    return out;
  }
  // Stores the rows of `values` stamped with this batch's expiry, after the
  // stored elements when appending; the index follows the earliest expiry.
  arrow::Status Write(const arrow::RecordBatch& values, bool append) {
    if (!values.schema()->Equals(*v_.value, /*check_metadata=*/false)) {
      return arrow::Status::Invalid(fmt::format("the elements of state {} must be rows of {}, got {}", v_.name,
                                                v_.value->ToString(), values.schema()->ToString()));
    }
    ARROW_RETURN_NOT_OK(RequireListElements(values, v_.name));
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    ARROW_ASSIGN_OR_RAISE(auto old, s->Get(h_.key()));
    std::vector<std::string_view> old_elements;
    if (old) {
      ARROW_ASSIGN_OR_RAISE(old_elements, ListElements(*old, stored_));
    }
    std::string bytes = append && old ? *old : std::string();
    ARROW_ASSIGN_OR_RAISE(auto encoder, RowEncoder::Make(v_.value));
    const int64_t expiry = clock_.NewExpiry();
    for (int64_t i = 0; i < values.num_rows(); ++i) {
      encoder->Encode(values, i, &bytes);
      AppendExpiry(expiry, &bytes);
    }
    std::optional<int64_t> earliest = append ? EarliestExpiry(old_elements) : std::nullopt;
    if (!earliest || expiry < *earliest) earliest = expiry;
    StateWriteBatch batch;
    PutOrRemove(h_.key(), old, bytes, &batch);
    MoveTtlIndexKey(EarliestExpiry(old_elements), earliest, h_.key(), &batch);
    return s->Write(batch);
  }

  BatchStateHandle& h_;
  int store_;
  const StateVariable& v_;
  std::shared_ptr<arrow::Schema> stored_;
  TtlClock clock_;
};

class MapWithTTL final : public MapState {
 public:
  MapWithTTL(BatchStateHandle& handle, int store, const StateVariable& v, const TtlClock& clock)
      : h_(handle), store_(store), v_(v), clock_(clock) {}
  arrow::Result<bool> Exists() override {
    bool any = false;
    ARROW_RETURN_NOT_OK(ScanLive([&](std::string_view, std::string_view) {
      any = true;
      return arrow::Status::Cancelled("found");  // one entry is enough
    }));
    return any;
  }
  arrow::Result<RecordBatchPtr> GetValue(const arrow::RecordBatch& key) override {
    ARROW_ASSIGN_OR_RAISE(auto got, LiveEntry(key));
    if (!got) return nullptr;
    return DecodeStateRows(WithoutExpiry(*got), v_.value);
  }
  arrow::Result<bool> ContainsKey(const arrow::RecordBatch& key) override {
    ARROW_ASSIGN_OR_RAISE(auto got, LiveEntry(key));
    return got.has_value();
  }
  arrow::Status UpdateValue(const arrow::RecordBatch& key, const arrow::RecordBatch& value) override {
    ARROW_ASSIGN_OR_RAISE(std::string k, EntryKey(key));
    ARROW_ASSIGN_OR_RAISE(std::string bytes, EncodeStateRow(value, v_.value, "the value of map state " + v_.name));
    const int64_t expiry = clock_.NewExpiry();
    AppendExpiry(expiry, &bytes);
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    ARROW_ASSIGN_OR_RAISE(auto old, s->Get(k));
    StateWriteBatch batch;
    batch.Put(k, bytes, !old.has_value());
    MoveTtlIndexKey(old ? std::optional(ExpiryOf(*old)) : std::nullopt, expiry, k, &batch);
    return s->Write(batch);
  }
  arrow::Result<std::pair<RecordBatchPtr, RecordBatchPtr>> Entries() override {
    std::string keys, values;
    ARROW_RETURN_NOT_OK(ScanLive([&](std::string_view k, std::string_view v) {
      keys.append(k.substr(h_.key().size()));
      values.append(WithoutExpiry(v));
      return arrow::Status::OK();
    }));
    ARROW_ASSIGN_OR_RAISE(auto key_rows, DecodeStateRows(keys, v_.user_key));
    ARROW_ASSIGN_OR_RAISE(auto value_rows, DecodeStateRows(values, v_.value));
    return std::make_pair(key_rows, value_rows);
  }
  arrow::Status RemoveKey(const arrow::RecordBatch& key) override {
    ARROW_ASSIGN_OR_RAISE(std::string k, EntryKey(key));
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    ARROW_ASSIGN_OR_RAISE(auto old, s->Get(k));
    if (!old) return arrow::Status::OK();
    StateWriteBatch batch;
    batch.Remove(k);
    MoveTtlIndexKey(ExpiryOf(*old), std::nullopt, k, &batch);
    return s->Write(batch);
  }
  arrow::Status Clear() override {
    StateWriteBatch batch;
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    ARROW_RETURN_NOT_OK(s->PrefixScan(h_.key(), [&](std::string_view k, std::string_view v) {
      batch.Remove(k);
      MoveTtlIndexKey(ExpiryOf(v), std::nullopt, k, &batch);
      return arrow::Status::OK();
    }));
    return s->Write(batch);
  }

 private:
  arrow::Result<std::string> EntryKey(const arrow::RecordBatch& key) {
    ARROW_ASSIGN_OR_RAISE(std::string user, EncodeStateRow(key, v_.user_key, "the key of map state " + v_.name));
    return h_.key() + user;
  }
  arrow::Result<std::optional<std::string>> LiveEntry(const arrow::RecordBatch& key) {
    ARROW_ASSIGN_OR_RAISE(std::string k, EntryKey(key));
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    ARROW_ASSIGN_OR_RAISE(auto got, s->Get(k));
    if (got && clock_.Expired(ExpiryOf(*got))) got.reset();
    return got;
  }
  // The key's entries that have not expired, in key order.
  arrow::Status ScanLive(const StateStore::Visitor& visit) {
    ARROW_ASSIGN_OR_RAISE(StateStore * s, h_.StoreOf(store_));
    arrow::Status st = s->PrefixScan(h_.key(), [&](std::string_view k, std::string_view v) {
      return clock_.Expired(ExpiryOf(v)) ? arrow::Status::OK() : visit(k, v);
    });
    return st.IsCancelled() ? arrow::Status::OK() : st;
  }

  BatchStateHandle& h_;
  int store_;
  const StateVariable& v_;
  TtlClock clock_;
};

// Lists: each list the index lists as expired keeps its live elements and
// is indexed again at the earliest of theirs.
arrow::Result<int64_t> ClearExpiredListElements(StateStore& store, const StateVariable& v, const TtlClock& clock) {
  std::string end;  // the first index key after the batch's time
  AppendIndexKey(clock.batch_ms() + 1, "", &end);
  std::vector<std::string> index_keys;
  ARROW_RETURN_NOT_OK(store.Scan(std::string(1, kIndexKeyByte), end, [&](std::string_view k, std::string_view) {
    index_keys.emplace_back(k);
    return arrow::Status::OK();
  }));
  const auto stored_schema = WithExpiryColumn(v.value);
  int64_t removed = 0;
  StateWriteBatch batch;
  for (const std::string& index_key : index_keys) {
    const std::string_view key = std::string_view(index_key).substr(kIndexTimePrefixBytes);
    batch.Remove(index_key);
    ARROW_ASSIGN_OR_RAISE(auto old, store.Get(key));
    if (!old) continue;
    ARROW_ASSIGN_OR_RAISE(auto elements, ListElements(*old, stored_schema));
    std::string live;
    std::vector<std::string_view> kept;
    for (auto e : elements) {
      if (clock.Expired(ExpiryOf(e))) continue;
      live.append(e);
      kept.push_back(e);
    }
    removed += static_cast<int64_t>(elements.size() - kept.size());
    PutOrRemove(key, old, live, &batch);
    if (auto earliest = EarliestExpiry(kept)) PutIndexKey(*earliest, key, &batch);
  }
  ARROW_RETURN_NOT_OK(store.Write(batch));
  return removed;
}

}  // namespace

std::unique_ptr<ValueState> MakeValueStateWithTTL(BatchStateHandle& handle, int store, const StateVariable& v,
                                                  const TtlClock& clock) {
  return std::make_unique<ValueWithTTL>(handle, store, v, clock);
}

std::unique_ptr<ListState> MakeListStateWithTTL(BatchStateHandle& handle, int store, const StateVariable& v,
                                                const TtlClock& clock) {
  return std::make_unique<ListWithTTL>(handle, store, v, clock);
}

std::unique_ptr<MapState> MakeMapStateWithTTL(BatchStateHandle& handle, int store, const StateVariable& v,
                                              const TtlClock& clock) {
  return std::make_unique<MapWithTTL>(handle, store, v, clock);
}

arrow::Result<int64_t> ClearExpired(StateStore& store, const StateVariable& v, const TtlClock& clock) {
  if (v.kind == StateVariable::Kind::kList) return ClearExpiredListElements(store, v, clock);
  EvictedRows evicted;
  ARROW_RETURN_NOT_OK(EvictUpTo(store, clock.batch_ms(), &evicted));
  return static_cast<int64_t>(evicted.keys.size());
}

}  // namespace spate
