#include "spate/state/pair_table.h"

#include <algorithm>

#include "spate/state/event_time_index.h"
#include "spate/state/state_store.h"

namespace spate {

namespace {

// A batch's new index keys by time prefix, counted as its ops go by (in runs of one time, mostly).
struct NewIndexKeys {
  std::map<std::string_view, size_t> by_time;
  std::string_view time;
  size_t* count = nullptr;  // by_time[time]

  void Add(std::string_view index_key) {
    const std::string_view t = index_key.substr(0, kIndexTimePrefixBytes);
    if (count == nullptr || t != time) count = &by_time[time = t];
    ++*count;
  }
};

// A std::set node, its string and the string's heap block, roughly.
constexpr int64_t kOrderedNodeBytes = 32 + 32 + 24;
// A std::map node and its bucket table, roughly.
constexpr int64_t kBucketBytes = 32 + 32 + 64;

const std::string_view kIndexBegin(&kIndexKeyByte, 1);

// Whether `key` goes to the index's buckets (a shorter index key is kept as a row).
bool InIndex(std::string_view key) { return IsIndexKey(key) && key.size() >= kIndexTimePrefixBytes; }
// The part of an index key its time's bucket holds: the row key.
std::string_view Member(std::string_view index_key) { return index_key.substr(kIndexTimePrefixBytes); }

// Whether [begin, end) reaches the row keys (those before kIndexBegin).
bool RowRange(std::string_view begin) { return begin < kIndexBegin; }
// Whether [begin, end) reaches the index keys.
bool IndexRange(std::string_view end) { return end.empty() || end > kIndexBegin; }

}  // namespace

int64_t PairTable::bytes() const {
  int64_t total = rows_.bytes();
  for (const auto& [prefix, members] : index_) total += kBucketBytes + members.bytes();
  if (ordered_rows_) total += static_cast<int64_t>(ordered_rows_->size()) * kOrderedNodeBytes;
  return total;
}

int64_t PairTable::rehashes() const {
  auto total = static_cast<int64_t>(rows_.rehashes());
  for (const auto& [prefix, members] : index_) total += static_cast<int64_t>(members.rehashes());
  return total;
}

ByteHashTable* PairTable::Bucket(std::string_view time_prefix, bool create) {
  auto it = index_.find(time_prefix);
  if (it != index_.end()) return &it->second;
  if (!create) return nullptr;
  // Sized as the latest time's: the times of a stream's rows tend to hold as many rows each.
  const size_t expected = index_.empty() ? 0 : index_.rbegin()->second.size();
  ByteHashTable* bucket = &index_.emplace(std::string(time_prefix), ByteHashTable()).first->second;
  bucket->Reserve(expected);
  return bucket;
}

std::optional<std::string_view> PairTable::Find(std::string_view key) const {
  if (IsIndexKey(key)) {
    if (key.size() < kIndexTimePrefixBytes) return std::nullopt;
    auto it = index_.find(key.substr(0, kIndexTimePrefixBytes));
    if (it == index_.end() || it->second.Find(key.substr(kIndexTimePrefixBytes)) == nullptr) return std::nullopt;
    return std::string_view();
  }
  const ByteHashTable::Entry* e = rows_.Find(key);
  if (e == nullptr) return std::nullopt;
  return e->value();
}

void PairTable::FindMany(const std::vector<std::string_view>& keys,
                         std::vector<std::optional<std::string_view>>* out) {
  rows_.FindMany(keys, &found_);
  found_frees_ = rows_.frees();
  out->assign(keys.size(), std::nullopt);
  for (size_t i = 0; i < keys.size(); ++i) {
    if (IsIndexKey(keys[i])) {
      found_[i] = nullptr;
      (*out)[i] = Find(keys[i]);
    } else if (found_[i] != nullptr) {
      (*out)[i] = found_[i]->value();
    }
  }
}

bool PairTable::Put(std::string_view key, std::string_view value) {
  if (InIndex(key)) return PutIndexEntry(key, ByteHashTable::Hash(Member(key)));
  return PutRow(key, ByteHashTable::Hash(key), value);
}

// Index values are empty; a value given is not kept.
bool PairTable::PutIndexEntry(std::string_view key, uint64_t member_hash) {
  bool added = Bucket(key.substr(0, kIndexTimePrefixBytes), true)->Put(Member(key), member_hash, {});
  index_keys_ += added;
  return added;
}

bool PairTable::PutRow(std::string_view key, uint64_t hash, std::string_view value) {
  bool added = rows_.Put(key, hash, value);
  if (added && ordered_rows_) ordered_rows_->emplace(key);
  return added;
}

bool PairTable::Remove(std::string_view key) {
  if (IsIndexKey(key) && key.size() >= kIndexTimePrefixBytes) {
    auto it = index_.find(key.substr(0, kIndexTimePrefixBytes));
    if (it == index_.end() || !it->second.Remove(key.substr(kIndexTimePrefixBytes))) return false;
    if (it->second.empty()) index_.erase(it);
    --index_keys_;
    return true;
  }
  return RemoveRow(key, ByteHashTable::Hash(key));
}

bool PairTable::RemoveRow(std::string_view key, uint64_t hash) {
  if (!rows_.Remove(key, hash)) return false;
  if (ordered_rows_) {
    auto it = ordered_rows_->find(key);
    if (it != ordered_rows_->end()) ordered_rows_->erase(it);
  }
  return true;
}

std::vector<const ByteHashTable::Entry*> PairTable::FoundForPuts(const StateWriteBatch& batch) const {
  std::vector<const ByteHashTable::Entry*> out(batch.size(), nullptr);
  if (rows_.frees() != found_frees_) return out;
  size_t next = 0;
  for (size_t i = 0; i < batch.size() && next < found_.size(); ++i) {
    const StateWriteBatch::Op op = batch.op(i);
    if (op.kind != StateWriteBatch::kPut || IsIndexKey(op.key)) continue;
    // The puts may leave out keys FindMany found (a join writes back only
    // the rows whose flag changed): those are passed over.
    while (next < found_.size() && found_[next] != nullptr && found_[next]->key() != op.key) ++next;
    if (next < found_.size()) out[i] = found_[next++];
  }
  return out;
}

void PairTable::Prefetch(std::string_view key, const ByteHashTable::Entry* found, uint64_t hash) {
  if (found != nullptr) {
    __builtin_prefetch(found);
  } else if (!InIndex(key)) {
    rows_.PrefetchSlot(hash);
  } else if (const ByteHashTable* bucket = Bucket(key.substr(0, kIndexTimePrefixBytes), false)) {
    bucket->PrefetchSlot(hash);
  }
}

// A time's index keys would otherwise grow from empty by doubling, each
// time rehashing all of them, as a batch adds its new rows' keys.
void PairTable::ReserveIndex(const std::map<std::string_view, size_t>& new_by_time) {
  for (const auto& [time_prefix, n] : new_by_time) {
    auto it = index_.find(time_prefix);
    if (it == index_.end()) it = index_.emplace(std::string(time_prefix), ByteHashTable()).first;
    it->second.Reserve(it->second.size() + n);
  }
}

void PairTable::Write(const StateWriteBatch& batch, std::vector<bool>* changed) {
  const size_t n = batch.size();
  std::vector<const ByteHashTable::Entry*> found = FoundForPuts(batch);
  found_.clear();
  std::vector<uint64_t> hashes(n);  // of the row key, or of an index key's member
  size_t new_rows = 0;
  NewIndexKeys new_index_keys;
  for (size_t i = 0; i < n; ++i) {
    const StateWriteBatch::Op op = batch.op(i);
    if (found[i] == nullptr) hashes[i] = ByteHashTable::Hash(InIndex(op.key) ? Member(op.key) : op.key);
    if (op.kind != StateWriteBatch::kPut || !op.is_new) continue;
    if (!IsIndexKey(op.key)) {
      ++new_rows;
    } else if (InIndex(op.key)) {
      new_index_keys.Add(op.key);
    }
  }
  rows_.Reserve(rows_.size() + new_rows);
  ReserveIndex(new_index_keys.by_time);
  changed->assign(n, false);
  constexpr size_t kAhead = ByteHashTable::kPrefetchDistance;
  for (size_t i = 0; i < n; ++i) {
    if (i + kAhead < n) Prefetch(batch.op(i + kAhead).key, found[i + kAhead], hashes[i + kAhead]);
    if (i + kAhead / 2 < n && found[i + kAhead / 2] == nullptr && !IsIndexKey(batch.op(i + kAhead / 2).key)) {
      rows_.PrefetchEntry(hashes[i + kAhead / 2]);
    }
    const StateWriteBatch::Op op = batch.op(i);
    if (InIndex(op.key) && op.kind == StateWriteBatch::kPut) {
      (*changed)[i] = PutIndexEntry(op.key, hashes[i]);
      continue;
    }
    if (IsIndexKey(op.key)) {
      (*changed)[i] = op.kind == StateWriteBatch::kPut ? Put(op.key, op.value) : Remove(op.key);
      continue;
    }
    const ByteHashTable::Entry* entry = found[i];
    // Found by FindMany and not freed since: the value goes into its block.
    if (entry != nullptr && rows_.frees() == found_frees_ && entry->key() == op.key &&
        rows_.Overwrite(entry, op.value)) {
      continue;
    }
    const uint64_t hash = entry != nullptr ? ByteHashTable::Hash(op.key) : hashes[i];
    (*changed)[i] = op.kind == StateWriteBatch::kPut ? PutRow(op.key, hash, op.value) : RemoveRow(op.key, hash);
  }
}

void PairTable::Clear() {
  rows_.Clear();
  found_.clear();
  index_.clear();
  index_keys_ = 0;
  ordered_rows_.reset();
}

void PairTable::Compact() {
  rows_.Compact();
  for (auto& [prefix, members] : index_) members.Compact();
}

arrow::Status PairTable::Scan(std::string_view begin, std::string_view end, const Visitor& visit) {
  if (RowRange(begin)) ARROW_RETURN_NOT_OK(ScanRows(begin, end, visit));
  if (IndexRange(end)) ARROW_RETURN_NOT_OK(ScanIndex(begin, end, visit));
  return arrow::Status::OK();
}

arrow::Status PairTable::ScanRows(std::string_view begin, std::string_view end, const Visitor& visit) {
  std::string_view last = end.empty() || end > kIndexBegin ? kIndexBegin : end;
  if (!ordered_rows_ && begin.empty() && last == kIndexBegin) {
    // Every row: sorted once here rather than kept in order for good.
    std::vector<const ByteHashTable::Entry*> entries;
    entries.reserve(rows_.size());
    rows_.ForEach([&](const ByteHashTable::Entry& e) { entries.push_back(&e); });
    std::sort(entries.begin(), entries.end(), [](const auto* a, const auto* b) { return a->key() < b->key(); });
    for (const auto* e : entries) ARROW_RETURN_NOT_OK(visit(e->key(), e->value()));
    return arrow::Status::OK();
  }
  if (!ordered_rows_) {
    ordered_rows_ = std::make_unique<std::set<std::string, std::less<>>>();
    rows_.ForEach([&](const ByteHashTable::Entry& e) { ordered_rows_->emplace(e.key()); });
  }
  for (auto it = ordered_rows_->lower_bound(begin); it != ordered_rows_->end() && *it < last; ++it) {
    ARROW_RETURN_NOT_OK(visit(*it, rows_.Find(*it)->value()));
  }
  return arrow::Status::OK();
}

// Each time's row keys are sorted when visited: eviction reads whole times,
// so the sort costs in proportion to what is evicted.
arrow::Status PairTable::ScanIndex(std::string_view begin, std::string_view end, const Visitor& visit) const {
  std::string_view first_bucket = begin.substr(0, std::min(begin.size(), kIndexTimePrefixBytes));
  std::vector<std::string_view> rows;  // one time's row keys
  std::string key;
  for (auto it = index_.lower_bound(first_bucket); it != index_.end(); ++it) {
    const std::string& prefix = it->first;
    if (!end.empty() && prefix >= end) break;
    rows.clear();
    it->second.ForEach([&](const ByteHashTable::Entry& e) { rows.push_back(e.key()); });
    std::sort(rows.begin(), rows.end());
    for (std::string_view row : rows) {
      key.assign(prefix);
      key.append(row);
      if (key < begin || (!end.empty() && key >= end)) continue;
      ARROW_RETURN_NOT_OK(visit(key, {}));
    }
  }
  return arrow::Status::OK();
}

arrow::Status PairTable::ForEach(const Visitor& visit) const {
  arrow::Status status;
  rows_.ForEach([&](const ByteHashTable::Entry& e) {
    if (status.ok()) status = visit(e.key(), e.value());
  });
  std::string key;
  for (const auto& [prefix, members] : index_) {
    members.ForEach([&](const ByteHashTable::Entry& e) {
      key.assign(prefix);
      key.append(e.key());
      if (status.ok()) status = visit(key, {});
    });
  }
  return status;
}

}  // namespace spate
