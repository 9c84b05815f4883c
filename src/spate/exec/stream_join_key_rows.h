#pragma once

// Which buffered rows each join key has, and when the watermark evicts them,
// for one side of a stream-stream join in one partition:
//   - the join key's encoding -> the `index` suffixes (kEncodedInt64Bytes
//     each, in index order) of its rows' state keys. It plays the part of
//     Spark's keyToNumValues store, in memory: a key's rows are point
//     lookups (the join key then each suffix) rather than an ordered scan
//     of the store;
//   - the row keys by the event time their side is evicted by, for the rows
//     that have one: eviction takes the rows the watermark closed from here
//     rather than from an index in the store, so a buffered row is one
//     store key, put once and removed once.
//
// It is derived from the side's store, not written to the checkpoint: it
// holds the rows of the version the current batch loaded plus the batch's
// updates. A batch that loads any other version than the one the previous
// batch committed (the first batch of a run, a batch run again after a
// failure) rebuilds it with one scan of the store.
//
// Memory: each join key once, kEncodedInt64Bytes a row, and each evictable
// row's key and time, with either store provider (RocksDB included),
// counted in the join's memoryUsedBytes.
//
// Threading: as its store, one thread at a time.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>

#include "spate/state/byte_hash_table.h"

namespace spate {

class StateStore;
struct EncodedRows;

class JoinKeyRows {
 public:
  /// The event times (microseconds; nullopt: never evicted) of stored rows,
  /// given their keys and values; empty when the side's rows are never evicted.
  using RowTimes = std::function<arrow::Result<std::vector<std::optional<int64_t>>>(
      const std::vector<std::string_view>& keys, const std::vector<std::string_view>& values)>;

  /// Called once per batch, before any other call, with the side's store of
  /// the partition as the batch loaded it; `times` gives a rebuild the
  /// stored rows' event times. A rebuild also removes the event-time index
  /// keys (state/event_time_index.h) of a store written before the join
  /// kept its index in memory.
  arrow::Status BeginBatch(StateStore& store, const RowTimes& times);

  /// The suffixes of `join_key`'s rows, back to back (empty: none); valid until the next update.
  std::string_view Find(std::string_view join_key) const { return Find(join_key, ByteHashTable::Hash(join_key)); }
  std::string_view Find(std::string_view join_key, uint64_t hash) const;
  /// Adds the row whose state key is `row_key` (its join key then a suffix
  /// greater than those of the key's rows already there), evicted once the
  /// watermark passes `micros` when it has one.
  void Add(std::string_view row_key, std::optional<int64_t> micros);
  /// Removes the rows whose event time is at or before `up_to_micros` and
  /// appends their keys to `out`, in event-time order (then key order).
  void TakeUpTo(int64_t up_to_micros, EncodedRows* out);

  /// Heap bytes held: the join adds them to its stores' memoryUsedBytes.
  int64_t bytes() const;

 private:
  // The evictable rows added in a run of Adds (a batch's, or a rebuild's),
  // sorted by time when eviction first reads them; rows before `taken` are gone.
  struct TimedRows {
    struct Row {
      int64_t micros;
      uint32_t begin, size;  // of its key in `keys`
    };
    std::string keys;
    std::vector<Row> rows;
    size_t taken = 0;
    bool sorted = false;
    std::string_view key(const Row& row) const { return std::string_view(keys).substr(row.begin, row.size); }
  };

  arrow::Status Rebuild(StateStore& store, const RowTimes& times);
  void Remove(const EncodedRows& row_keys);

  ByteHashTable suffixes_;
  std::vector<TimedRows> timed_;
  // The version of the store this holds once the current batch commits.
  int64_t version_ = -1;
  std::string scratch_;
};

}  // namespace spate
