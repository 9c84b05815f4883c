#pragma once

// Versioned key/value state of one stateful operator's partition, as Spark's
// state stores work. Batch N of a query loads version N (the state after
// batch N-1 committed), reads and updates it, and commits version N+1. A
// re-run of batch N after a crash loads version N again, so its updates are
// applied once. Keys and values are opaque bytes (state/row_codec.h turns
// Arrow rows into them).
//
// Layout under the checkpoint: state/<operatorId>/<partitionId>/, as Spark's.
// Providers (spark.sql.streaming.stateStore.providerClass):
//   - HDFSBackedStateStoreProvider (the default): the state in memory, a
//     delta file per version and a snapshot every minDeltasForSnapshot versions.
//   - RocksDBStateStoreProvider: the state in RocksDB on local disk, for
//     state larger than memory; a RocksDB checkpoint per version.
//
// Threading: one store is used by one thread at a time.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>

namespace spate {

class RuntimeConfig;

/// Keys that start with this byte form a second key space, the event-time
/// index (state/event_time_index.h); the others are the operator's rows.
/// Row keys never start with it (RowEncoder's first byte is a null flag, 0
/// or 1). ScanAll, ReadVersion and numRowsTotal cover rows only.
inline constexpr char kIndexKeyByte = '\xff';
inline bool IsIndexKey(std::string_view key) { return !key.empty() && key.front() == kIndexKeyByte; }

/// The first key after every key that starts with `prefix` ("" when there
/// is none: the prefix is all 0xFF bytes), so that a prefix is a key range.
inline std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && end.back() == '\xff') end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

/// Puts and removes applied together by StateStore::Write. The caller says
/// whether each put adds a key (it knows, from a MultiGet or a scan), so the
/// store keeps its key count without reading before writing.
class StateWriteBatch {
 public:
  /// `is_new`: the key is absent from the store (and from earlier ops of this batch).
  void Put(std::string_view key, std::string_view value, bool is_new) { Add(kPut, key, value, is_new); }
  /// The key is present in the store.
  void Remove(std::string_view key) { Add(kRemove, key, {}, false); }
  void Clear() {
    bytes_.clear();
    ops_.clear();
  }
  size_t size() const { return ops_.size(); }
  bool empty() const { return ops_.empty(); }

  enum Kind : uint8_t { kPut, kRemove };
  struct Op {
    Kind kind;
    bool is_new;
    std::string_view key;
    std::string_view value;
  };
  /// Op i, its key and value viewing the batch's buffer.
  Op op(size_t i) const {
    const Entry& e = ops_[i];
    std::string_view bytes = bytes_;
    return {e.kind, e.is_new, bytes.substr(e.offset, e.key_size), bytes.substr(e.offset + e.key_size, e.value_size)};
  }

 private:
  struct Entry {
    Kind kind;
    bool is_new;
    uint32_t key_size;
    uint32_t value_size;
    size_t offset;
  };
  void Add(Kind kind, std::string_view key, std::string_view value, bool is_new) {
    ops_.push_back({kind, is_new, static_cast<uint32_t>(key.size()), static_cast<uint32_t>(value.size()),
                    bytes_.size()});
    bytes_.append(key);
    bytes_.append(value);
  }
  std::string bytes_;  // keys and values, one after the other
  std::vector<Entry> ops_;
};

/// Spark's state store metrics (StateOperatorProgress), plus the provider's own.
struct StateStoreMetrics {
  int64_t num_rows_total = 0;    // row keys in the store after the updates
  int64_t num_rows_updated = 0;  // row puts since the version was loaded
  int64_t num_rows_removed = 0;  // row removes that removed a key
  int64_t memory_used_bytes = 0;
  /// Provider metrics under Spark's names ("loadedMapCacheHitCount", ...).
  std::vector<std::pair<std::string, int64_t>> custom{};
};

/// The store of one (operator, partition) at one version, being updated.
class StateStore {
 public:
  virtual ~StateStore() = default;

  /// The version this store was loaded at; Commit() writes version() + 1.
  virtual int64_t version() const = 0;

  virtual arrow::Result<std::optional<std::string>> Get(std::string_view key) = 0;
  virtual arrow::Status Put(std::string_view key, std::string_view value) = 0;
  virtual arrow::Status Remove(std::string_view key) = 0;

  /// The values of `keys` (nullopt: absent), in one pass over the store.
  virtual arrow::Status MultiGet(const std::vector<std::string_view>& keys,
                                 std::vector<std::optional<std::string>>* values) = 0;
  /// Applies the batch's puts and removes in order.
  virtual arrow::Status Write(const StateWriteBatch& batch) = 0;

  /// Visits pairs in key byte order. A visitor must not update the store
  /// (collect the keys, then Remove them). Returning an error stops the scan.
  using Visitor = std::function<arrow::Status(std::string_view key, std::string_view value)>;
  /// Keys in [begin, end); an empty `end` means to the last key (index keys included).
  virtual arrow::Status Scan(std::string_view begin, std::string_view end, const Visitor& visit) = 0;
  /// Keys that start with `prefix`.
  virtual arrow::Status PrefixScan(std::string_view prefix, const Visitor& visit) = 0;
  /// Every row (not the index).
  arrow::Status ScanAll(const Visitor& visit) { return Scan("", std::string_view(&kIndexKeyByte, 1), visit); }

  /// Makes the updates durable as version() + 1 and returns it. The store
  /// cannot be updated afterwards.
  virtual arrow::Result<int64_t> Commit() = 0;
  /// Drops the updates since the version was loaded.
  virtual void Abort() = 0;

  virtual StateStoreMetrics metrics() const = 0;
};

/// Settings from the session conf, with Spark's names and defaults.
struct StateStoreConf {
  /// spark.sql.streaming.stateStore.providerClass
  std::string provider_class =
      "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider";
  /// spark.sql.streaming.stateStore.minDeltasForSnapshot
  int64_t min_deltas_for_snapshot = 10;
  /// spark.sql.streaming.minBatchesToRetain: versions kept recoverable.
  int64_t min_batches_to_retain = 100;
  /// spark.sql.streaming.stateStore.maintenanceInterval is not used: the
  /// engine calls DoMaintenance() after each commit.
  /// spate.streaming.checkpoint.fsync: fsync state files (default true).
  bool fsync = true;

  /// Reads the settings above from the session conf; an unknown provider
  /// class is an error naming the two that exist.
  static arrow::Result<StateStoreConf> FromConf(const RuntimeConfig& conf);
};

/// The state of one (operator, partition) across versions. Keeps the
/// latest version loaded so that the next batch starts without reading files.
class StateStoreProvider {
 public:
  virtual ~StateStoreProvider() = default;

  /// `dir` is <checkpoint>/state/<operatorId>/<partitionId>.
  static arrow::Result<std::unique_ptr<StateStoreProvider>> Create(const std::string& dir,
                                                                   const StateStoreConf& conf);

  /// The store at `version` (0: empty), ready to update. Fails with Spark's
  /// CANNOT_LOAD_STATE_STORE error class when the version's files are missing.
  /// Only one store per provider is open at a time.
  virtual arrow::Result<StateStore*> GetStore(int64_t version) = 0;

  /// Read-only: every row of `version` (not the index), in key order (the statestore reader).
  virtual arrow::Status ReadVersion(int64_t version, const StateStore::Visitor& visit) = 0;

  /// Writes snapshots and deletes files older than min_batches_to_retain versions.
  virtual arrow::Status DoMaintenance() = 0;
};

}  // namespace spate
