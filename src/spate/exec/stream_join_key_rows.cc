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

arrow::Status JoinKeyRows::BeginBatch(StateStore& store) {
  const int64_t loaded = store.version();
  if (loaded != version_) {
    suffixes_.Clear();
    ARROW_RETURN_NOT_OK(store.ScanAll([&](std::string_view key, std::string_view) {
      Add(key);
      return arrow::Status::OK();
    }));
  } else {
    suffixes_.Compact();  // what the last batch's removes freed
  }
  version_ = loaded + 1;
  return arrow::Status::OK();
}

std::string_view JoinKeyRows::Find(std::string_view join_key, uint64_t hash) const {
  const ByteHashTable::Entry* e = suffixes_.Find(join_key, hash);
  return e == nullptr ? std::string_view() : e->value();
}

void JoinKeyRows::Add(std::string_view row_key) { suffixes_.Append(JoinKeyOf(row_key), SuffixOf(row_key)); }

// Grouped by join key, so that each key's suffixes are rewritten once
// however many of its rows go.
void JoinKeyRows::Remove(std::vector<std::string_view> row_keys) {
  auto by_key = [](std::string_view a, std::string_view b) {
    return std::pair(JoinKeyOf(a), SuffixOf(a)) < std::pair(JoinKeyOf(b), SuffixOf(b));
  };
  std::sort(row_keys.begin(), row_keys.end(), by_key);
  std::vector<std::string_view> gone;  // one key's suffixes that go, in order
  for (size_t begin = 0, end = 0; begin < row_keys.size(); begin = end) {
    const std::string_view join_key = JoinKeyOf(row_keys[begin]);
    gone.clear();
    for (end = begin; end < row_keys.size() && JoinKeyOf(row_keys[end]) == join_key; ++end) {
      gone.push_back(SuffixOf(row_keys[end]));
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

}  // namespace spate
