#include "spate/state/event_time_index.h"

#include <limits>
#include <optional>

#include "spate/state/state_store.h"

namespace spate {

namespace {

constexpr size_t kTimeBytes = kIndexTimePrefixBytes - 1;

void AppendTime(int64_t micros, std::string* out) {
  const uint64_t biased = static_cast<uint64_t>(micros) ^ (uint64_t{1} << 63);
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(biased >> shift));
}

}  // namespace

void AppendIndexKey(int64_t micros, std::string_view row_key, std::string* out) {
  out->push_back(kIndexKeyByte);
  AppendTime(micros, out);
  out->append(row_key);
}

namespace {

// The index key of a row, built in a buffer that is reused: operators put
// one per new row, and an allocation each showed in profiles.
std::string_view IndexKey(int64_t micros, std::string_view row_key) {
  thread_local std::string key;
  key.clear();
  AppendIndexKey(micros, row_key, &key);
  return key;
}

}  // namespace

void PutIndexKey(int64_t micros, std::string_view row_key, StateWriteBatch* batch) {
  batch->Put(IndexKey(micros, row_key), {}, true);
}

void RemoveIndexKey(int64_t micros, std::string_view row_key, StateWriteBatch* batch) {
  batch->Remove(IndexKey(micros, row_key));
}

arrow::Result<bool> HasIndexKeys(StateStore& store) {
  bool found = false;
  arrow::Status scanned = store.PrefixScan(std::string(1, kIndexKeyByte), [&](std::string_view, std::string_view) {
    found = true;
    return arrow::Status::Cancelled("found");  // one is enough
  });
  if (!found) ARROW_RETURN_NOT_OK(scanned);
  return found;
}

arrow::Status EvictUpTo(StateStore& store, int64_t up_to_micros, EvictedRows* out) {
  std::string begin(1, kIndexKeyByte);
  std::string end(1, kIndexKeyByte);
  if (up_to_micros == std::numeric_limits<int64_t>::max()) {
    end.clear();  // to the last key
  } else {
    AppendTime(up_to_micros + 1, &end);
  }
  // The index keys, back to back in one buffer: one allocation, not one a key.
  std::string bytes;
  std::vector<size_t> ends;
  ARROW_RETURN_NOT_OK(store.Scan(begin, end, [&](std::string_view key, std::string_view) {
    bytes.append(key);
    ends.push_back(bytes.size());
    return arrow::Status::OK();
  }));
  if (ends.empty()) return arrow::Status::OK();
  std::vector<std::string_view> index_keys, row_keys;
  index_keys.reserve(ends.size());
  row_keys.reserve(ends.size());
  for (size_t i = 0; i < ends.size(); ++i) {
    const size_t at = i == 0 ? 0 : ends[i - 1];
    index_keys.push_back(std::string_view(bytes).substr(at, ends[i] - at));
    row_keys.push_back(index_keys.back().substr(1 + kTimeBytes));
  }
  std::vector<std::optional<std::string>> values;
  ARROW_RETURN_NOT_OK(store.MultiGet(row_keys, &values));
  StateWriteBatch batch;
  for (size_t i = 0; i < index_keys.size(); ++i) {
    batch.Remove(index_keys[i]);
    if (!values[i]) continue;  // the row went another way (a merged session)
    batch.Remove(row_keys[i]);
    out->keys.emplace_back(row_keys[i]);
    out->values.push_back(std::move(*values[i]));
  }
  return store.Write(batch);
}

}  // namespace spate
