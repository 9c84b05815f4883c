// RocksDBStateStoreProvider: the state in a RocksDB database on local disk,
// for state larger than memory.
//
// Files in the store folder: the versions (rocksdb_version_files_internal.h:
// SST files shared between versions in SSTs/, the rest in checkpoint-<v>/), and
//   working-<pid>-<n>/  the open database of provider n of process pid (built
//                       from a version on load; removed with the provider,
//                       or by the next load once that process is gone)
// Updates go straight into the working database (no WAL: the checkpoints are
// the durable copies), as Spark's provider writes them since 3.5: faster than
// buffering them in a WriteBatchWithIndex, whose index dominated the profile.
// Commit flushes the memtable and takes a RocksDB checkpoint, stored as the
// next version (its new SST files moved into SSTs/, the others only listed);
// Abort drops the working database, and the next GetStore rebuilds it from
// the loaded version.
//
// The provider keeps the values of the rows its stores read or wrote in an
// in-memory cache (kValueCacheBytes at most, dropped whole when it outgrows
// that), so that the read of a read-modify-write (an aggregate's MultiGet of
// the groups it updates batch after batch) skips RocksDB for rows seen
// recently. Every update goes through the store, which updates the cache
// with the database; rebuilding the working database drops it.

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include <fmt/format.h>
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include "spate/state/byte_hash_table.h"
#include "spate/state/rocksdb_version_files_internal.h"
#include "spate/state/state_store.h"
#include "spate/state/state_store_providers.h"

namespace spate {

namespace {

namespace fs = std::filesystem;

// The value cache's budget per provider (one per operator partition).
constexpr int64_t kValueCacheBytes = int64_t{128} << 20;

// A write batch of at least this many ops is written as an SST file and
// ingested, rather than inserted into the memtable key by key and flushed
// at commit: a batch's writes are written once and then only read, so the
// skip list's inserts (a fifth of a window count's time) buy nothing.
constexpr size_t kIngestOps = 4096;

// RocksDB's info LOG files would otherwise land in every folder it opens.
class SilentLogger final : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char*, va_list) override {}
};

arrow::Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return arrow::Status::OK();
  return arrow::Status::IOError("RocksDB state store: ", what, ": ", s.ToString());
}

// Spark's RocksDB settings: 4 KB blocks, an 8 MB block cache, bloom filters
// (10 bits a key), LZ4 compression; and fewer compactions.
rocksdb::Options DbOptions() {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.info_log = std::make_shared<SilentLogger>();
  options.compression = rocksdb::kLZ4Compression;
  rocksdb::BlockBasedTableOptions table;
  table.block_size = 4 * 1024;
  table.block_cache = rocksdb::NewLRUCache(8 << 20);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.format_version = 5;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Each commit flushes a level-0 file whose keys span the key range (a
  // window count's groups do), so each compaction into level 1 rewrites all
  // of level 1: compacting every 8 files rather than RocksDB's 4 halves those
  // rewrites. Reads go mostly to the value cache, and past level-0 files
  // without the key by their bloom filters.
  options.level0_file_num_compaction_trigger = 8;
  return options;
}

// RocksDB counts into its per-thread perf context on every read and write
// unless told not to; nothing here reads those counts.
void NoPerfCounters() {
  if (rocksdb::GetPerfLevel() != rocksdb::PerfLevel::kDisable) rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
}

int64_t MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

// Each provider opens its own copy, so that two providers of one folder (a
// query restarted in the same process while the old one winds down) never
// share a database.
std::string WorkingFolderName() {
  static std::atomic<int64_t> next{0};
  return fmt::format("working-{}-{}", ::getpid(), next++);
}

// Working copies left by killed processes (their pid no longer runs).
void RemoveWorkingFoldersOfDeadProcesses(const fs::path& dir) {
  std::vector<fs::path> stale;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!name.starts_with("working-")) continue;
    long pid = std::strtol(name.c_str() + 8, nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) stale.push_back(it->path());
  }
  for (const auto& path : stale) fs::remove_all(path, ec);
}

// Sorts `positions` by their keys (key_at(p): the key at p) in byte order;
// equal keys keep their order. The keys of a batch mostly share a long
// prefix (a window count's keys start with their window), so keys are
// compared by the 8 bytes after the prefix they all share first, as one
// number, and by all their bytes only when those are equal: a fraction of
// the time of a memcmp on every comparison. (Give row keys and index keys
// apart: they share no prefix.)
template <typename KeyAt>
void SortByKey(std::vector<uint32_t>* positions, const KeyAt& key_at) {
  const size_t n = positions->size();
  if (n < 2) return;
  const std::string_view first = key_at((*positions)[0]);
  size_t shared = first.size();
  for (size_t i = 1; i < n && shared > 0; ++i) {
    const std::string_view key = key_at((*positions)[i]);
    shared = static_cast<size_t>(
        std::mismatch(first.begin(), first.begin() + shared, key.begin(), key.end()).first - first.begin());
  }
  struct Head {
    uint64_t bytes;  // big-endian, zero-padded: orders as the keys do, up to ties
    uint32_t position;
  };
  std::vector<Head> heads(n);
  for (size_t i = 0; i < n; ++i) {
    const std::string_view rest = key_at((*positions)[i]).substr(shared);
    uint64_t bytes = 0;
    for (size_t b = 0; b < 8; ++b) bytes = bytes << 8 | (b < rest.size() ? static_cast<unsigned char>(rest[b]) : 0);
    heads[i] = {bytes, (*positions)[i]};
  }
  std::stable_sort(heads.begin(), heads.end(), [&](const Head& a, const Head& b) {
    if (a.bytes != b.bytes) return a.bytes < b.bytes;
    return key_at(a.position) < key_at(b.position);
  });
  for (size_t i = 0; i < n; ++i) (*positions)[i] = heads[i].position;
}

class RocksDbStateStoreProvider;

class RocksDbStateStore final : public StateStore {
 public:
  RocksDbStateStore(RocksDbStateStoreProvider* provider, int64_t version) : provider_(provider), version_(version) {}

  int64_t version() const override { return version_; }
  arrow::Result<std::optional<std::string>> Get(std::string_view key) override;
  arrow::Status Put(std::string_view key, std::string_view value) override;
  arrow::Status Remove(std::string_view key) override;
  arrow::Status MultiGet(const std::vector<std::string_view>& keys,
                         std::vector<std::optional<std::string>>* values) override;
  arrow::Status Write(const StateWriteBatch& batch) override;
  arrow::Status Scan(std::string_view begin, std::string_view end, const Visitor& visit) override;
  arrow::Status PrefixScan(std::string_view prefix, const Visitor& visit) override;
  arrow::Result<int64_t> Commit() override;
  void Abort() override;
  StateStoreMetrics metrics() const override;

  bool has_updates() const { return updating_ && wrote_; }

 private:
  arrow::Status CheckUpdating() const {
    if (updating_) return arrow::Status::OK();
    return arrow::Status::Invalid(
        fmt::format("the state store of version {} was already committed or aborted", version_));
  }
  arrow::Result<bool> Exists(std::string_view key);
  // Keeps the cache equal to the database for a row put or removed.
  void CachePut(std::string_view key, std::string_view value);
  void CacheRemove(std::string_view key);
  void UpdateCache(const StateWriteBatch& batch);
  rocksdb::Status WriteSorted(const StateWriteBatch& batch, const std::vector<uint32_t>& sorted, size_t bytes);
  rocksdb::Status Ingest(const StateWriteBatch& batch, const std::vector<uint32_t>& sorted);
  // Drops the cache once it outgrows its budget.
  void TrimCache();
  // Visits keys in [begin, end) (an empty `end`: to the last key). The end
  // is the iterator's upper bound, so a seek does not walk past it over
  // deleted keys (eviction leaves many) to find the next live one.
  arrow::Status Iterate(std::string_view begin, std::string_view end, const Visitor& visit);

  RocksDbStateStoreProvider* provider_;
  int64_t version_;
  bool updating_ = true;
  rocksdb::WriteOptions write_options_ = [] {
    rocksdb::WriteOptions options;
    options.disableWAL = true;
    return options;
  }();
  bool wrote_ = false;  // any put or remove, of rows or index keys
  int64_t updated_ = 0;
  int64_t removed_ = 0;
  int64_t num_keys_delta_ = 0;
  // Whether the key last read or written exists, so that the Put after a Get
  // of the same key (read-modify-write) needs no second lookup.
  std::string last_key_;
  std::optional<bool> last_exists_;
  int64_t gets_ = 0;
  int64_t flush_ms_ = 0;
  int64_t checkpoint_ms_ = 0;
};

class RocksDbStateStoreProvider final : public StateStoreProvider {
 public:
  RocksDbStateStoreProvider(std::string dir, StateStoreConf conf)
      : dir_(std::move(dir)), conf_(std::move(conf)), files_(dir_), working_(dir_ / WorkingFolderName()) {}

  ~RocksDbStateStoreProvider() override {
    store_.reset();
    db_.reset();
    std::error_code ec;
    fs::remove_all(working_, ec);
  }

  arrow::Result<StateStore*> GetStore(int64_t version) override {
    if (version < 0) return NegativeStateVersion(version);
    if (store_) store_->Abort();
    store_.reset();
    if (version != loaded_version_ || !db_) ARROW_RETURN_NOT_OK(Load(version));
    store_ = std::make_unique<RocksDbStateStore>(this, version);
    return store_.get();
  }

  arrow::Status ReadVersion(int64_t version, const StateStore::Visitor& visit) override {
    if (version < 0) return NegativeStateVersion(version);
    if (version == 0) return arrow::Status::OK();
    if (db_ && version == loaded_version_ && !(store_ && store_->has_updates())) return VisitAll(db_.get(), visit);
    ARROW_ASSIGN_OR_RAISE(RocksDbVersion stored, files_.Read(version));
    // A database of its own, read-only, removed after the read.
    fs::path folder = dir_ / WorkingFolderName();
    arrow::Status status = files_.Assemble(stored, folder);
    if (status.ok()) {
      rocksdb::DB* raw = nullptr;
      status = FromRocks(rocksdb::DB::OpenForReadOnly(DbOptions(), folder.string(), &raw), "cannot open " +
                                                                                            folder.string());
      std::unique_ptr<rocksdb::DB> db(raw);
      if (status.ok()) status = VisitAll(db.get(), visit);
    }
    std::error_code ec;
    fs::remove_all(folder, ec);
    return status;
  }

  arrow::Status DoMaintenance() override {
    if (loaded_version_ <= 0) return arrow::Status::OK();
    return files_.DeleteVersionsBefore(loaded_version_ - conf_.min_batches_to_retain + 1);
  }

 private:
  friend class RocksDbStateStore;

  // Rebuilds the working database from version `version`'s files.
  arrow::Status Load(int64_t version) {
    RocksDbVersion stored;
    if (version > 0) {
      ARROW_ASSIGN_OR_RAISE(stored, files_.Read(version));
    }
    db_.reset();
    cache_.Clear();
    loaded_version_ = -1;
    RemoveWorkingFoldersOfDeadProcesses(dir_);
    fs::path working = working_;
    std::error_code ec;
    fs::remove_all(working, ec);
    if (version > 0) ARROW_RETURN_NOT_OK(files_.Assemble(stored, working));
    num_keys_ = stored.num_keys;
    rocksdb::DB* raw = nullptr;
    ARROW_RETURN_NOT_OK(FromRocks(rocksdb::DB::Open(DbOptions(), working.string(), &raw), "cannot open " +
                                                                                          working.string()));
    db_.reset(raw);
    loaded_version_ = version;
    loaded_ = std::move(stored);
    return arrow::Status::OK();
  }

  // Every row: the index keys sort after them.
  static arrow::Status VisitAll(rocksdb::DB* db, const StateStore::Visitor& visit) {
    rocksdb::Slice index_start(&kIndexKeyByte, 1);
    rocksdb::ReadOptions options;
    options.iterate_upper_bound = &index_start;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ARROW_RETURN_NOT_OK(visit(std::string_view(it->key().data(), it->key().size()),
                                std::string_view(it->value().data(), it->value().size())));
    }
    return FromRocks(it->status(), "cannot scan");
  }

  // Stores version `version`: the working database as it is.
  arrow::Status WriteVersion(int64_t version, int64_t num_keys) {
    fs::path tmp = files_.TempPath(version);
    std::error_code ec;
    fs::remove_all(tmp, ec);
    rocksdb::Checkpoint* raw = nullptr;
    ARROW_RETURN_NOT_OK(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "cannot make a checkpoint"));
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    ARROW_RETURN_NOT_OK(FromRocks(checkpoint->CreateCheckpoint(tmp.string()), "cannot write " + tmp.string()));
    sst_counts_ = {};
    ARROW_ASSIGN_OR_RAISE(loaded_, files_.Store(version, num_keys, loaded_, conf_.fsync, &sst_counts_));
    return arrow::Status::OK();
  }

  int64_t DbProperty(const char* name) const {
    uint64_t v = 0;
    return db_ && db_->GetIntProperty(name, &v) ? static_cast<int64_t>(v) : 0;
  }

  fs::path dir_;
  StateStoreConf conf_;
  RocksDbVersionFiles files_;
  fs::path working_;
  std::unique_ptr<rocksdb::DB> db_;
  int64_t loaded_version_ = -1;
  int64_t num_keys_ = 0;  // keys of the loaded version
  RocksDbVersion loaded_;  // the files of the version the working database was built from or last stored as
  RocksDbVersionFiles::SstCounts sst_counts_;  // of the last version stored
  // Row values as the working database holds them, for the rows read or
  // written since it was last rebuilt (or since the cache was dropped).
  ByteHashTable cache_;
  std::unique_ptr<RocksDbStateStore> store_;
};

void RocksDbStateStore::CachePut(std::string_view key, std::string_view value) {
  if (!IsIndexKey(key)) provider_->cache_.Put(key, value);
}

void RocksDbStateStore::CacheRemove(std::string_view key) {
  if (!IsIndexKey(key)) provider_->cache_.Remove(key);
}

void RocksDbStateStore::TrimCache() {
  if (provider_->cache_.bytes() > kValueCacheBytes) provider_->cache_.Clear();
}

arrow::Result<bool> RocksDbStateStore::Exists(std::string_view key) {
  if (last_exists_ && key == last_key_) return *last_exists_;
  if (provider_->cache_.Find(key) != nullptr) return true;
  NoPerfCounters();
  rocksdb::PinnableSlice value;
  ++gets_;
  rocksdb::Status s = provider_->db_->Get(rocksdb::ReadOptions(), provider_->db_->DefaultColumnFamily(),
                                          rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return false;
  ARROW_RETURN_NOT_OK(FromRocks(s, "cannot read a key"));
  return true;
}

arrow::Result<std::optional<std::string>> RocksDbStateStore::Get(std::string_view key) {
  NoPerfCounters();
  last_key_.assign(key);
  if (const ByteHashTable::Entry* cached = provider_->cache_.Find(key)) {
    last_exists_ = true;
    return std::string(cached->value());
  }
  std::string value;
  ++gets_;
  rocksdb::Status s = provider_->db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
  last_exists_ = !s.IsNotFound();
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) last_exists_.reset();
  ARROW_RETURN_NOT_OK(FromRocks(s, "cannot read a key"));
  CachePut(key, value);
  TrimCache();
  return value;
}

// A single put or remove looks the key up to keep the row count exact; the
// index keys are not counted, so they need no lookup.
arrow::Status RocksDbStateStore::Put(std::string_view key, std::string_view value) {
  ARROW_RETURN_NOT_OK(CheckUpdating());
  bool exists = true;
  if (!IsIndexKey(key)) {
    ARROW_ASSIGN_OR_RAISE(exists, Exists(key));
  }
  wrote_ = true;
  CacheRemove(key);  // until the database has the value
  ARROW_RETURN_NOT_OK(FromRocks(provider_->db_->Put(write_options_, rocksdb::Slice(key.data(), key.size()),
                                                    rocksdb::Slice(value.data(), value.size())),
                                "cannot put"));
  CachePut(key, value);
  TrimCache();
  if (!exists) ++num_keys_delta_;
  updated_ += !IsIndexKey(key);
  last_key_.assign(key);
  last_exists_ = true;
  return arrow::Status::OK();
}

arrow::Status RocksDbStateStore::Remove(std::string_view key) {
  ARROW_RETURN_NOT_OK(CheckUpdating());
  if (!IsIndexKey(key)) {
    ARROW_ASSIGN_OR_RAISE(bool exists, Exists(key));
    if (!exists) return arrow::Status::OK();
    --num_keys_delta_;
    ++removed_;
  }
  wrote_ = true;
  CacheRemove(key);
  ARROW_RETURN_NOT_OK(
      FromRocks(provider_->db_->Delete(write_options_, rocksdb::Slice(key.data(), key.size())), "cannot remove"));
  last_key_.assign(key);
  last_exists_ = false;
  return arrow::Status::OK();
}

// Cached rows first; the others in one RocksDB MultiGet, then cached. The
// misses go to RocksDB in key order: sorted here, with string_view's compare,
// rather than by RocksDB through its comparator object (most of a MultiGet's
// time when it sorted them).
arrow::Status RocksDbStateStore::MultiGet(const std::vector<std::string_view>& keys,
                                          std::vector<std::optional<std::string>>* values) {
  NoPerfCounters();
  const size_t n = keys.size();
  values->clear();
  values->resize(n);
  std::vector<const ByteHashTable::Entry*> cached;
  provider_->cache_.FindMany(keys, &cached);
  std::vector<uint32_t> misses;
  for (size_t i = 0; i < n; ++i) {
    if (cached[i] != nullptr) {
      (*values)[i].emplace(cached[i]->value());
    } else {
      misses.push_back(static_cast<uint32_t>(i));
    }
  }
  last_exists_.reset();
  if (misses.empty()) return arrow::Status::OK();
  SortByKey(&misses, [&](uint32_t i) { return keys[i]; });
  std::vector<rocksdb::Slice> slices;
  slices.reserve(misses.size());
  for (size_t i : misses) slices.emplace_back(keys[i].data(), keys[i].size());
  std::vector<rocksdb::PinnableSlice> found(misses.size());
  std::vector<rocksdb::Status> statuses(misses.size());
  rocksdb::DB& db = *provider_->db_;
  db.MultiGet(rocksdb::ReadOptions(), db.DefaultColumnFamily(), misses.size(), slices.data(), found.data(),
              statuses.data(), /*sorted_input=*/true);
  gets_ += static_cast<int64_t>(misses.size());
  for (size_t j = 0; j < misses.size(); ++j) {
    if (statuses[j].IsNotFound()) continue;
    ARROW_RETURN_NOT_OK(FromRocks(statuses[j], "cannot read a key"));
    std::string_view value(found[j].data(), found[j].size());
    (*values)[misses[j]].emplace(value);
    CachePut(keys[misses[j]], value);
  }
  TrimCache();
  return arrow::Status::OK();
}

// The batch's row puts and removes applied to the cache, prefetching ahead.
void RocksDbStateStore::UpdateCache(const StateWriteBatch& batch) {
  ByteHashTable& cache = provider_->cache_;
  const size_t n = batch.size();
  std::vector<uint64_t> hashes(n);
  for (size_t i = 0; i < n; ++i) hashes[i] = ByteHashTable::Hash(batch.op(i).key);
  constexpr size_t kAhead = ByteHashTable::kPrefetchDistance;
  for (size_t i = 0; i < n; ++i) {
    if (i + kAhead < n) cache.PrefetchSlot(hashes[i + kAhead]);
    if (i + kAhead / 2 < n) cache.PrefetchEntry(hashes[i + kAhead / 2]);
    const StateWriteBatch::Op op = batch.op(i);
    if (IsIndexKey(op.key)) continue;
    if (op.kind == StateWriteBatch::kPut) {
      cache.Put(op.key, hashes[i], op.value);
    } else {
      cache.Remove(op.key, hashes[i]);
    }
  }
  TrimCache();
}

// The ops of `batch` in the `sorted` order, through the memtable.
rocksdb::Status RocksDbStateStore::WriteSorted(const StateWriteBatch& batch, const std::vector<uint32_t>& sorted,
                                               size_t bytes) {
  rocksdb::WriteBatch rocks(bytes);
  for (uint32_t i : sorted) {
    StateWriteBatch::Op op = batch.op(i);
    rocksdb::Slice key(op.key.data(), op.key.size());
    rocksdb::Status s = op.kind == StateWriteBatch::kPut
                            ? rocks.Put(key, rocksdb::Slice(op.value.data(), op.value.size()))
                            : rocks.Delete(key);
    if (!s.ok()) return s;
  }
  return provider_->db_->Write(write_options_, &rocks);
}

// The ops of `batch` in the `sorted` order (by key, ops of one key in
// theirs) as one SST file, moved into the database. A file holds each key
// once: the last op of a key is the one that counts.
rocksdb::Status RocksDbStateStore::Ingest(const StateWriteBatch& batch, const std::vector<uint32_t>& sorted) {
  const std::string file = (provider_->working_ / fmt::format("ingest-{}.sst", version_)).string();
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), DbOptions());
  rocksdb::Status s = writer.Open(file);
  for (size_t j = 0; s.ok() && j < sorted.size(); ++j) {
    StateWriteBatch::Op op = batch.op(sorted[j]);
    if (j + 1 < sorted.size() && batch.op(sorted[j + 1]).key == op.key) continue;
    rocksdb::Slice key(op.key.data(), op.key.size());
    s = op.kind == StateWriteBatch::kPut ? writer.Put(key, rocksdb::Slice(op.value.data(), op.value.size()))
                                         : writer.Delete(key);
  }
  if (s.ok()) s = writer.Finish();
  if (s.ok()) {
    rocksdb::IngestExternalFileOptions options;
    options.move_files = true;
    options.write_global_seqno = false;  // kept in the manifest: the file stays as written
    s = provider_->db_->IngestExternalFile({file}, options);
  }
  std::error_code ec;
  fs::remove(file, ec);  // moved in, or left by a failure
  return s;
}

// One RocksDB write batch, or one ingested file when the batch is large;
// the key count follows the caller's `is_new`.
arrow::Status RocksDbStateStore::Write(const StateWriteBatch& batch) {
  ARROW_RETURN_NOT_OK(CheckUpdating());
  NoPerfCounters();
  // In key order (ops of one key keep theirs): each memtable insert then
  // starts where the one before it ended instead of at the skip list's top,
  // and an SST file needs it.
  size_t bytes = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    StateWriteBatch::Op op = batch.op(i);
    bytes += op.key.size() + op.value.size() + 16;  // and the record's tag and lengths
  }
  std::vector<uint32_t> sorted, index_ops;  // index keys sort after every row key
  for (uint32_t i = 0; i < batch.size(); ++i) (IsIndexKey(batch.op(i).key) ? index_ops : sorted).push_back(i);
  auto key_of = [&](uint32_t i) { return batch.op(i).key; };
  SortByKey(&sorted, key_of);
  SortByKey(&index_ops, key_of);
  sorted.insert(sorted.end(), index_ops.begin(), index_ops.end());
  for (uint32_t i : sorted) {
    StateWriteBatch::Op op = batch.op(i);
    const bool row = !IsIndexKey(op.key);
    if (op.kind == StateWriteBatch::kPut) {
      num_keys_delta_ += row && op.is_new;
      updated_ += row;
    } else {
      num_keys_delta_ -= row;
      removed_ += row;
    }
  }
  last_exists_.reset();
  wrote_ = true;
  rocksdb::Status written = sorted.size() >= kIngestOps ? Ingest(batch, sorted) : WriteSorted(batch, sorted, bytes);
  if (!written.ok()) {
    provider_->cache_.Clear();  // the database may hold part of the batch
    return FromRocks(written, "cannot write a batch");
  }
  UpdateCache(batch);
  return arrow::Status::OK();
}

arrow::Status RocksDbStateStore::Iterate(std::string_view begin, std::string_view end, const Visitor& visit) {
  rocksdb::ReadOptions options;
  rocksdb::Slice upper(end.data(), end.size());
  if (!end.empty()) options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(provider_->db_->NewIterator(options));
  for (it->Seek(rocksdb::Slice(begin.data(), begin.size())); it->Valid(); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    ARROW_RETURN_NOT_OK(visit(key, std::string_view(it->value().data(), it->value().size())));
  }
  return FromRocks(it->status(), "cannot scan");
}

arrow::Status RocksDbStateStore::Scan(std::string_view begin, std::string_view end, const Visitor& visit) {
  return Iterate(begin, end, visit);
}

arrow::Status RocksDbStateStore::PrefixScan(std::string_view prefix, const Visitor& visit) {
  // An all-0xFF prefix has no end, and needs none: every key after it starts with it.
  return Iterate(prefix, PrefixEnd(prefix), visit);
}

arrow::Result<int64_t> RocksDbStateStore::Commit() {
  ARROW_RETURN_NOT_OK(CheckUpdating());
  auto start = std::chrono::steady_clock::now();
  ARROW_RETURN_NOT_OK(FromRocks(provider_->db_->Flush(rocksdb::FlushOptions()), "cannot flush"));
  flush_ms_ = MillisSince(start);
  // From here the working database holds version_ + 1, whatever happens next.
  updating_ = false;
  provider_->num_keys_ += num_keys_delta_;
  provider_->loaded_version_ = version_ + 1;
  provider_->cache_.Compact();
  start = std::chrono::steady_clock::now();
  arrow::Status written = provider_->WriteVersion(version_ + 1, provider_->num_keys_);
  checkpoint_ms_ = MillisSince(start);
  if (!written.ok()) {
    provider_->loaded_version_ = -1;  // reload from the files next time
    return written;
  }
  return version_ + 1;
}

void RocksDbStateStore::Abort() {
  if (!updating_) return;
  if (has_updates()) {
    provider_->loaded_version_ = -1;  // reloaded from its checkpoint by the next GetStore
    provider_->cache_.Clear();
  }
  num_keys_delta_ = 0;
  updating_ = false;
}

StateStoreMetrics RocksDbStateStore::metrics() const {
  const RocksDbStateStoreProvider& p = *provider_;
  StateStoreMetrics m;
  m.num_rows_total = p.num_keys_ + (updating_ ? num_keys_delta_ : 0);
  m.num_rows_updated = updated_;
  m.num_rows_removed = removed_;
  int64_t memtables = p.DbProperty("rocksdb.cur-size-all-mem-tables");
  int64_t readers = p.DbProperty("rocksdb.estimate-table-readers-mem");
  int64_t cache = p.DbProperty("rocksdb.block-cache-usage");
  m.memory_used_bytes = memtables + readers + cache + p.cache_.bytes();
  m.custom = {{"rocksdbCommitFlushLatency", flush_ms_},
              {"rocksdbCommitCheckpointLatency", checkpoint_ms_},
              {"rocksdbGetCount", gets_},
              {"rocksdbPutCount", updated_},
              {"rocksdbFilesReused", p.sst_counts_.reused},
              {"rocksdbFilesCopied", p.sst_counts_.stored},
              {"rocksdbSstFileSize", p.DbProperty("rocksdb.total-sst-files-size")},
              {"rocksdbPinnedBlocksMemoryUsage", p.DbProperty("rocksdb.block-cache-pinned-usage")}};
  return m;
}

}  // namespace

arrow::Result<std::unique_ptr<StateStoreProvider>> MakeRocksDbStateStoreProvider(const std::string& dir,
                                                                                const StateStoreConf& conf) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return arrow::Status::IOError("cannot create the state store folder ", dir, ": ", ec.message());
  return std::make_unique<RocksDbStateStoreProvider>(dir, conf);
}

}  // namespace spate
