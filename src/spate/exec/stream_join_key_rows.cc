#include "spate/exec/stream_join_key_rows.h"

#include <algorithm>

#include "spate/state/row_codec.h"
#include "spate/state/state_store.h"

namespace spate {

namespace {

std::string_view JoinKeyOf(std::string_view row_key) {
  return row_key.substr(0, row_key.size() - kEncodedInt64Bytes);
}
std::string_view SuffixOf(std::string_view row_key) { return row_key.substr(row_key.size() - kEncodedInt64Bytes); }

}  // namespace

arrow::Status JoinKeyRows::BeginBatch(StateStore& store, const RowTimes& times) {
  const int64_t loaded = store.version();
  if (loaded != version_) {
    ARROW_RETURN_NOT_OK(Rebuild(store, times));
  } else {
    suffixes_.Compact();  // what the last batch's removes freed
  }
  version_ = loaded + 1;
  return arrow::Status::OK();
}

// Every stored row, with its time; and the index keys of an older store go.
arrow::Status JoinKeyRows::Rebuild(StateStore& store, const RowTimes& times) {
  suffixes_.Clear();
  timed_.clear();
  EncodedRows keys, values;
  ARROW_RETURN_NOT_OK(store.ScanAll([&](std::string_view key, std::string_view value) {
    keys.bytes.append(key);
    keys.ends.push_back(keys.bytes.size());
    values.bytes.append(value);
    values.ends.push_back(values.bytes.size());
    return arrow::Status::OK();
  }));
  std::vector<std::string_view> key_views(keys.size()), value_views(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    key_views[i] = keys[i];
    value_views[i] = values[i];
  }
  ARROW_ASSIGN_OR_RAISE(auto micros, times(key_views, value_views));
  for (size_t i = 0; i < keys.size(); ++i) Add(keys[i], micros.empty() ? std::nullopt : micros[i]);
  StateWriteBatch index_keys;
  ARROW_RETURN_NOT_OK(store.PrefixScan(std::string(1, kIndexKeyByte), [&](std::string_view key, std::string_view) {
    index_keys.Remove(key);
    return arrow::Status::OK();
  }));
  return index_keys.empty() ? arrow::Status::OK() : store.Write(index_keys);
}

std::string_view JoinKeyRows::Find(std::string_view join_key, uint64_t hash) const {
  const ByteHashTable::Entry* e = suffixes_.Find(join_key, hash);
  return e == nullptr ? std::string_view() : e->value();
}

void JoinKeyRows::Add(std::string_view row_key, std::optional<int64_t> micros) {
  suffixes_.Append(JoinKeyOf(row_key), SuffixOf(row_key));
  if (!micros) return;
  if (timed_.empty() || timed_.back().sorted) timed_.emplace_back();
  TimedRows& t = timed_.back();
  t.rows.push_back({*micros, static_cast<uint32_t>(t.keys.size()), static_cast<uint32_t>(row_key.size())});
  t.keys.append(row_key);
}

void JoinKeyRows::TakeUpTo(int64_t up_to_micros, EncodedRows* out) {
  std::vector<std::pair<int64_t, std::string_view>> taken;
  for (TimedRows& t : timed_) {
    if (!t.sorted) {
      std::sort(t.rows.begin(), t.rows.end(), [&](const TimedRows::Row& a, const TimedRows::Row& b) {
        return std::pair(a.micros, t.key(a)) < std::pair(b.micros, t.key(b));
      });
      t.sorted = true;
    }
    for (; t.taken < t.rows.size() && t.rows[t.taken].micros <= up_to_micros; ++t.taken) {
      taken.emplace_back(t.rows[t.taken].micros, t.key(t.rows[t.taken]));
    }
  }
  std::sort(taken.begin(), taken.end());
  EncodedRows gone;
  for (const auto& [micros, key] : taken) {
    gone.bytes.append(key);
    gone.ends.push_back(gone.bytes.size());
  }
  std::erase_if(timed_, [](const TimedRows& t) { return t.sorted && t.taken == t.rows.size(); });
  Remove(gone);
  out->bytes.append(gone.bytes);
  const size_t base = out->ends.empty() ? 0 : out->ends.back();
  for (size_t end : gone.ends) out->ends.push_back(base + end);
}

// Grouped by join key, so that each key's suffixes are rewritten once
// however many of its rows go.
void JoinKeyRows::Remove(const EncodedRows& row_keys) {
  std::vector<std::string_view> sorted(row_keys.size());
  for (size_t i = 0; i < row_keys.size(); ++i) sorted[i] = row_keys[i];
  auto by_key = [](std::string_view a, std::string_view b) {
    return std::pair(JoinKeyOf(a), SuffixOf(a)) < std::pair(JoinKeyOf(b), SuffixOf(b));
  };
  std::sort(sorted.begin(), sorted.end(), by_key);
  std::vector<std::string_view> gone;  // one key's suffixes that go, in order
  for (size_t begin = 0, end = 0; begin < sorted.size(); begin = end) {
    const std::string_view join_key = JoinKeyOf(sorted[begin]);
    gone.clear();
    for (end = begin; end < sorted.size() && JoinKeyOf(sorted[end]) == join_key; ++end) {
      gone.push_back(SuffixOf(sorted[end]));
    }
    const std::string_view kept = Find(join_key);
    scratch_.clear();
    for (size_t at = 0; at < kept.size(); at += kEncodedInt64Bytes) {
      std::string_view suffix = kept.substr(at, kEncodedInt64Bytes);
      if (!std::binary_search(gone.begin(), gone.end(), suffix)) scratch_.append(suffix);
    }
    if (scratch_.empty()) {
      suffixes_.Remove(join_key);
    } else {
      suffixes_.Put(join_key, scratch_);
    }
  }
}

int64_t JoinKeyRows::bytes() const {
  int64_t total = suffixes_.bytes();
  for (const TimedRows& t : timed_) {
    total += static_cast<int64_t>(t.keys.capacity() + t.rows.capacity() * sizeof(TimedRows::Row));
  }
  return total;
}

}  // namespace spate
