#pragma once

// Which buffered rows each join key has, for one side of a stream-stream
// join in one partition: the join key's encoding -> the `index` suffixes
// (kEncodedInt64Bytes each, in index order) of its rows' state keys. It
// plays the part of Spark's keyToNumValues store, in memory: a key's rows
// are point lookups (the join key then each suffix) rather than an ordered
// scan of the store.
//
// It is derived from the side's store, not written to the checkpoint: it
// holds the rows of the version the current batch loaded plus the batch's
// updates. A batch that loads any other version than the one the previous
// batch committed (the first batch of a run, a batch run again after a
// failure) rebuilds it with one scan of the store.
//
// Memory: each join key once and kEncodedInt64Bytes a row, with either store
// provider (RocksDB included), counted in the join's memoryUsedBytes.
//
// Threading: as its store, one thread at a time.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/status.h>

#include "spate/state/byte_hash_table.h"

namespace spate {

class StateStore;

class JoinKeyRows {
 public:
  /// Called once per batch, before any other call, with the side's store of
  /// the partition as the batch loaded it.
  arrow::Status BeginBatch(StateStore& store);

  /// The suffixes of `join_key`'s rows, back to back (empty: none); valid until the next update.
  std::string_view Find(std::string_view join_key) const { return Find(join_key, ByteHashTable::Hash(join_key)); }
  std::string_view Find(std::string_view join_key, uint64_t hash) const;
  /// Adds the row whose state key is `row_key` (its join key then a suffix
  /// greater than those of the key's rows already there).
  void Add(std::string_view row_key);
  /// Removes the rows of these state keys.
  void Remove(std::vector<std::string_view> row_keys);

  /// Heap bytes held: the join adds them to its stores' memoryUsedBytes.
  int64_t bytes() const { return suffixes_.bytes(); }

 private:
  ByteHashTable suffixes_;
  // The version of the store this holds once the current batch commits.
  int64_t version_ = -1;
  std::string scratch_;
};

}  // namespace spate
