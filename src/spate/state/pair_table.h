#pragma once

// The pairs of an in-memory state store (HDFSBackedStateStoreProvider's
// loaded version), laid out for the way operators use them:
//   - rows in a hash table (state/byte_hash_table.h): lookups and updates of
//     a key cost no tree walk and no string allocation;
//   - event-time index keys (state/event_time_index.h) grouped by their
//     time: one small hash set of row keys per event time, in a map ordered
//     by time, so that adding a row's index key is a hash insert and
//     eviction walks only the times the watermark closed;
//   - an ordered copy of the row keys, built the first time a store is
//     scanned over part of its rows (session windows scan by key prefix)
//     and kept up to date from then on. Stores that are never scanned so
//     never pay for it; a scan of every row sorts them instead.
// A read-modify-write looks each row up once: Write overwrites in place the
// entries the last FindMany found when its row puts come in the same order
// (as an operator's MultiGet then write batch do), all of them or some.
// Write sizes the slots of the rows and of each time's index keys for the
// new keys its batch says it adds (StateWriteBatch's is_new) before the
// first, so a batch rehashes each table at most once.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/status.h>

#include "spate/state/byte_hash_table.h"

namespace spate {

class StateWriteBatch;

class PairTable {
 public:
  using Visitor = std::function<arrow::Status(std::string_view key, std::string_view value)>;

  /// Row keys (index keys are not rows).
  int64_t rows() const { return static_cast<int64_t>(rows_.size()); }
  /// Roughly the heap bytes the pairs take.
  int64_t bytes() const;
  /// Times the slots of the rows or of a time's index keys were resized (ByteHashTable::rehashes).
  int64_t rehashes() const;

  /// The value of `key`, or nullopt; the view is valid until the next update.
  std::optional<std::string_view> Find(std::string_view key) const;
  /// The values of `keys`, prefetching ahead; the views are valid until the next update.
  void FindMany(const std::vector<std::string_view>& keys, std::vector<std::optional<std::string_view>>* out);
  /// Whether the key is new.
  bool Put(std::string_view key, std::string_view value);
  /// Whether the key was there.
  bool Remove(std::string_view key);
  /// Applies a batch's puts and removes in order, prefetching ahead; row puts
  /// of keys the last FindMany found, in its order (all or some), need no lookup.
  /// `changed[i]`: op i added a key (a put) or removed one (a remove).
  void Write(const StateWriteBatch& batch, std::vector<bool>* changed);
  void Clear();
  /// Between versions: gives back the space of the entries freed since the
  /// last time (ByteHashTable::Compact). Entries do not move in between.
  void Compact();

  /// Pairs with keys in [begin, end) in key byte order (an empty `end`: to the last key).
  arrow::Status Scan(std::string_view begin, std::string_view end, const Visitor& visit);
  /// Every pair, rows and index keys, in no particular order.
  arrow::Status ForEach(const Visitor& visit) const;

 private:
  arrow::Status ScanRows(std::string_view begin, std::string_view end, const Visitor& visit);
  arrow::Status ScanIndex(std::string_view begin, std::string_view end, const Visitor& visit) const;
  // The index bucket of an index key's time prefix (created when `create`).
  ByteHashTable* Bucket(std::string_view time_prefix, bool create);
  // Sizes each time's index keys (by time prefix) for as many more.
  void ReserveIndex(const std::map<std::string_view, size_t>& new_by_time);
  // Put of an index key whose member's hash is known.
  bool PutIndexEntry(std::string_view key, uint64_t member_hash);
  // Prefetches the entry found for an op's key, or else the slot its hash
  // leads to (in its time's bucket for an index key).
  void Prefetch(std::string_view key, const ByteHashTable::Entry* found, uint64_t hash);
  // Put and Remove of a row key whose hash is known.
  bool PutRow(std::string_view key, uint64_t hash, std::string_view value);
  bool RemoveRow(std::string_view key, uint64_t hash);
  // Per op of `batch`: for its row puts in order, the entries the last
  // FindMany found in its key order (null: none, or they may be stale).
  std::vector<const ByteHashTable::Entry*> FoundForPuts(const StateWriteBatch& batch) const;

  ByteHashTable rows_;
  // The row entries the last FindMany found (null: absent), valid while
  // rows_.frees() is found_frees_.
  std::vector<const ByteHashTable::Entry*> found_;
  uint64_t found_frees_ = 0;
  // Index keys: time prefix (kIndexKeyByte and the 8 time bytes) -> the row keys after it.
  std::map<std::string, ByteHashTable, std::less<>> index_;
  int64_t index_keys_ = 0;
  // The row keys in order, once a partial scan asked for them.
  std::unique_ptr<std::set<std::string, std::less<>>> ordered_rows_;
};

}  // namespace spate
