// HDFSBackedStateStoreProvider: the state of the latest version in an
// ordered map, made durable as one file per version.
//
// Files in the store folder (names as Spark's):
//   <v>.delta     the puts and removes of the batch that made version v
//   <v>.snapshot  every pair of version v (written by DoMaintenance)
// Both hold records [int32 key size][key][int32 value size][value], a value
// size of -1 meaning "removed", and end with a key size of -1 (Spark's
// framing, without its compression). Version v is loaded from the latest
// snapshot at or below v plus the deltas after it.

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "spate/state/pair_table.h"
#include "spate/state/state_store.h"
#include "spate/state/state_store_providers.h"
#include "spate/common/atomic_file.h"

namespace spate {

namespace {

namespace fs = std::filesystem;

void StoreInt32(int32_t v, char* out) {
  auto u = static_cast<uint32_t>(v);
  out[0] = static_cast<char>(u >> 24);
  out[1] = static_cast<char>(u >> 16);
  out[2] = static_cast<char>(u >> 8);
  out[3] = static_cast<char>(u);
}

void PutInt32(int32_t v, std::string* out) {
  char buf[4];
  StoreInt32(v, buf);
  out->append(buf, 4);
}

// `value` null: a removal. One resize per record: deltas hold a record per update.
void AppendRecord(std::string_view key, const std::string_view* value, std::string* out) {
  const size_t at = out->size();
  out->resize(at + 8 + key.size() + (value ? value->size() : 0));
  char* p = out->data() + at;
  StoreInt32(static_cast<int32_t>(key.size()), p);
  std::memcpy(p + 4, key.data(), key.size());
  p += 4 + key.size();
  StoreInt32(value ? static_cast<int32_t>(value->size()) : -1, p);
  if (value && !value->empty()) std::memcpy(p + 4, value->data(), value->size());
}

struct StateFile {
  int64_t version;
  bool snapshot;
};

std::optional<StateFile> ParseStateFileName(const std::string& name) {
  size_t dot = name.find('.');
  if (dot == 0 || dot == std::string::npos) return std::nullopt;
  std::string digits = name.substr(0, dot);
  std::string ext = name.substr(dot + 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 18) return std::nullopt;
  if (ext != "delta" && ext != "snapshot") return std::nullopt;
  return StateFile{std::stoll(digits), ext == "snapshot"};
}

std::vector<StateFile> ListStateFiles(const fs::path& dir) {
  std::vector<StateFile> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (auto f = ParseStateFileName(it->path().filename().string())) files.push_back(*f);
  }
  std::sort(files.begin(), files.end(), [](const StateFile& a, const StateFile& b) {
    return a.version != b.version ? a.version < b.version : a.snapshot < b.snapshot;
  });
  return files;
}

fs::path FilePath(const fs::path& dir, int64_t version, bool snapshot) {
  return dir / fmt::format("{}.{}", version, snapshot ? "snapshot" : "delta");
}

class FileReader {
 public:
  explicit FileReader(std::string_view bytes) : rest_(bytes) {}
  bool ReadInt32(int32_t* v) {
    if (rest_.size() < 4) return false;
    uint32_t u = 0;
    for (int i = 0; i < 4; ++i) u = (u << 8) | static_cast<uint8_t>(rest_[i]);
    *v = static_cast<int32_t>(u);
    rest_.remove_prefix(4);
    return true;
  }
  bool ReadBytes(int32_t n, std::string_view* out) {
    if (n < 0 || rest_.size() < static_cast<size_t>(n)) return false;
    *out = rest_.substr(0, static_cast<size_t>(n));
    rest_.remove_prefix(static_cast<size_t>(n));
    return true;
  }
  size_t left() const { return rest_.size(); }

 private:
  std::string_view rest_;
};

// Applies one delta or snapshot file to `table`.
arrow::Status ApplyStateFile(const fs::path& path, bool snapshot, const std::string& clazz, PairTable* table) {
  std::string kind = snapshot ? "snapshot" : "delta";
  if (!fs::exists(path)) {
    return CannotLoadStateStore(
        snapshot ? "CANNOT_READ_MISSING_SNAPSHOT_FILE" : "CANNOT_READ_DELTA_FILE_NOT_EXISTS",
        fmt::format("Error reading {} file {} of {}: {} does not exist.", kind, path.string(), clazz,
                    path.string()));
  }
  ARROW_ASSIGN_OR_RAISE(std::string bytes, ReadFileToString(path.string()));
  std::string upper = snapshot ? "SNAPSHOT" : "DELTA";
  FileReader in(bytes);
  while (true) {
    int32_t key_size = 0;
    if (!in.ReadInt32(&key_size)) break;
    if (key_size == -1) {
      if (in.left() == 0) return arrow::Status::OK();
      break;
    }
    std::string_view key;
    if (!in.ReadBytes(key_size, &key)) {
      return CannotLoadStateStore(fmt::format("CANNOT_READ_{}_FILE_KEY_SIZE", upper),
                                  fmt::format("Error reading {} file {} of {}: key size cannot be {}.", kind,
                                              path.string(), clazz, key_size));
    }
    int32_t value_size = 0;
    std::string_view value;
    bool ok = in.ReadInt32(&value_size) && (value_size == -1 ? !snapshot : in.ReadBytes(value_size, &value));
    if (!ok && snapshot) {
      return CannotLoadStateStore("CANNOT_READ_SNAPSHOT_FILE_VALUE_SIZE",
                                  fmt::format("Error reading snapshot file {} of {}: value size cannot be {}.",
                                              path.string(), clazz, value_size));
    }
    if (!ok) break;
    if (value_size == -1) {
      table->Remove(key);
    } else {
      table->Put(key, value);
    }
  }
  return CannotLoadStateStore("UNCATEGORIZED", fmt::format("The state file {} is truncated or corrupt.", path.string()));
}

class HdfsStateStoreProvider;

class HdfsStateStore final : public StateStore {
 public:
  HdfsStateStore(HdfsStateStoreProvider* provider, int64_t version, std::string delta_buffer)
      : provider_(provider), version_(version), delta_(std::move(delta_buffer)) {
    delta_.clear();
  }

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

  bool has_updates() const { return updating_ && !delta_.empty(); }

 private:
  arrow::Status CheckUpdating() const {
    if (updating_) return arrow::Status::OK();
    return arrow::Status::Invalid(
        fmt::format("the state store of version {} was already committed or aborted", version_));
  }
  // Hands the delta's buffer back to the provider for the next version.
  void ReturnDeltaBuffer();

  HdfsStateStoreProvider* provider_;
  int64_t version_;
  bool updating_ = true;
  std::string delta_;  // the records of the delta file
  int64_t updated_ = 0;
  int64_t removed_ = 0;
};

class HdfsStateStoreProvider final : public StateStoreProvider {
 public:
  HdfsStateStoreProvider(std::string dir, StateStoreConf conf) : dir_(std::move(dir)), conf_(std::move(conf)) {}

  arrow::Result<StateStore*> GetStore(int64_t version) override {
    if (version < 0) return NegativeStateVersion(version);
    if (store_ && store_->has_updates()) store_->Abort();
    store_.reset();
    if (version == loaded_version_) {
      ++cache_hits_;
    } else {
      ++cache_misses_;
      loaded_version_ = -1;
      table_.Clear();
      ARROW_RETURN_NOT_OK(LoadVersion(version, &table_));
      table_.Compact();
      loaded_version_ = version;
    }
    store_ = std::make_unique<HdfsStateStore>(this, version, std::move(delta_buffer_));
    return store_.get();
  }

  arrow::Status ReadVersion(int64_t version, const StateStore::Visitor& visit) override {
    if (version < 0) return NegativeStateVersion(version);
    PairTable* table = &table_;
    PairTable loaded;
    if (version != loaded_version_ || (store_ && store_->has_updates())) {
      ARROW_RETURN_NOT_OK(LoadVersion(version, &loaded));
      table = &loaded;
    }
    return table->Scan("", std::string_view(&kIndexKeyByte, 1), visit);
  }

  arrow::Status DoMaintenance() override {
    if (loaded_version_ <= 0 || (store_ && store_->has_updates())) return arrow::Status::OK();
    std::vector<StateFile> files = ListStateFiles(dir_);
    ARROW_RETURN_NOT_OK(MaybeWriteSnapshot(files));
    return DeleteOldFiles(ListStateFiles(dir_));
  }

  std::string clazz() const { return fmt::format("HDFSStateStoreProvider[dir = {}]", dir_.string()); }

 private:
  friend class HdfsStateStore;

  arrow::Status LoadVersion(int64_t version, PairTable* table) const {
    if (version == 0) return arrow::Status::OK();
    int64_t base = 0;
    for (const auto& f : ListStateFiles(dir_)) {
      if (f.snapshot && f.version <= version) base = f.version;
    }
    if (base > 0) ARROW_RETURN_NOT_OK(ApplyStateFile(FilePath(dir_, base, true), true, clazz(), table));
    for (int64_t v = base + 1; v <= version; ++v) {
      ARROW_RETURN_NOT_OK(ApplyStateFile(FilePath(dir_, v, false), false, clazz(), table));
    }
    return arrow::Status::OK();
  }

  // A snapshot of the loaded version once min_deltas_for_snapshot deltas
  // have piled up since the last one.
  arrow::Status MaybeWriteSnapshot(const std::vector<StateFile>& files) {
    int64_t last_snapshot = 0;
    for (const auto& f : files) {
      if (f.snapshot && f.version <= loaded_version_) last_snapshot = f.version;
    }
    if (loaded_version_ - last_snapshot < conf_.min_deltas_for_snapshot) return arrow::Status::OK();
    std::string bytes;
    bytes.reserve(static_cast<size_t>(table_.bytes()));
    ARROW_RETURN_NOT_OK(table_.ForEach([&](std::string_view k, std::string_view v) {
      AppendRecord(k, &v, &bytes);
      return arrow::Status::OK();
    }));
    PutInt32(-1, &bytes);
    return WriteFileAtomically(FilePath(dir_, loaded_version_, true).string(), bytes, conf_.fsync);
  }

  // Keeps what loading any of the last min_batches_to_retain versions needs:
  // the latest snapshot at or below the earliest of them, and what follows.
  arrow::Status DeleteOldFiles(const std::vector<StateFile>& files) {
    int64_t earliest = loaded_version_ - conf_.min_batches_to_retain + 1;
    int64_t base = 0;
    for (const auto& f : files) {
      if (f.snapshot && f.version <= earliest) base = f.version;
    }
    for (const auto& f : files) {
      if (f.version >= base) break;
      std::error_code ec;
      fs::path old_file = FilePath(dir_, f.version, f.snapshot);
      fs::remove(old_file, ec);
      if (ec) return arrow::Status::IOError("cannot delete old state file: ", ec.message());
      fs::remove(ChecksumFile(old_file.string()), ec);
    }
    return arrow::Status::OK();
  }

  fs::path dir_;
  StateStoreConf conf_;
  PairTable table_;
  int64_t loaded_version_ = -1;  // the version table_ holds (with the open store's updates; -1: none)
  int64_t cache_hits_ = 0;
  int64_t cache_misses_ = 0;
  // The last delta's buffer: the next version's delta reuses its memory
  // rather than growing a new one through fresh pages.
  std::string delta_buffer_;
  std::unique_ptr<HdfsStateStore> store_;
};

arrow::Result<std::optional<std::string>> HdfsStateStore::Get(std::string_view key) {
  std::optional<std::string_view> value = provider_->table_.Find(key);
  if (!value) return std::nullopt;
  return std::string(*value);
}

arrow::Status HdfsStateStore::Put(std::string_view key, std::string_view value) {
  ARROW_RETURN_NOT_OK(CheckUpdating());
  provider_->table_.Put(key, value);
  AppendRecord(key, &value, &delta_);
  updated_ += !IsIndexKey(key);
  return arrow::Status::OK();
}

arrow::Status HdfsStateStore::Remove(std::string_view key) {
  ARROW_RETURN_NOT_OK(CheckUpdating());
  if (!provider_->table_.Remove(key)) return arrow::Status::OK();
  removed_ += !IsIndexKey(key);
  AppendRecord(key, nullptr, &delta_);
  return arrow::Status::OK();
}

arrow::Status HdfsStateStore::MultiGet(const std::vector<std::string_view>& keys,
                                       std::vector<std::optional<std::string>>* values) {
  std::vector<std::optional<std::string_view>> found;
  provider_->table_.FindMany(keys, &found);
  values->clear();
  values->reserve(keys.size());
  for (const auto& value : found) {
    if (value) {
      values->emplace_back(std::in_place, *value);
    } else {
      values->emplace_back();
    }
  }
  return arrow::Status::OK();
}

// The table looks keys up anyway, so `is_new` is not needed.
arrow::Status HdfsStateStore::Write(const StateWriteBatch& batch) {
  ARROW_RETURN_NOT_OK(CheckUpdating());
  std::vector<bool> changed;
  provider_->table_.Write(batch, &changed);
  for (size_t i = 0; i < batch.size(); ++i) {
    const StateWriteBatch::Op op = batch.op(i);
    const bool row = !IsIndexKey(op.key);
    if (op.kind == StateWriteBatch::kPut) {
      AppendRecord(op.key, &op.value, &delta_);
      updated_ += row;
    } else if (changed[i]) {
      AppendRecord(op.key, nullptr, &delta_);
      removed_ += row;
    }
  }
  return arrow::Status::OK();
}

arrow::Status HdfsStateStore::Scan(std::string_view begin, std::string_view end, const Visitor& visit) {
  return provider_->table_.Scan(begin, end, visit);
}

arrow::Status HdfsStateStore::PrefixScan(std::string_view prefix, const Visitor& visit) {
  return provider_->table_.Scan(prefix, PrefixEnd(prefix), visit);
}

arrow::Result<int64_t> HdfsStateStore::Commit() {
  ARROW_RETURN_NOT_OK(CheckUpdating());
  int64_t next = version_ + 1;
  PutInt32(-1, &delta_);
  arrow::Status written =
      WriteFileAtomically(FilePath(provider_->dir_, next, false).string(), delta_, provider_->conf_.fsync);
  if (!written.ok()) {
    delta_.resize(delta_.size() - 4);  // the store stays open, as before the attempt
    return written;
  }
  // A snapshot left by an earlier run of this batch would shadow the new delta.
  std::error_code ec;
  fs::remove(FilePath(provider_->dir_, next, true), ec);
  fs::remove(ChecksumFile(FilePath(provider_->dir_, next, true).string()), ec);
  provider_->loaded_version_ = next;
  provider_->table_.Compact();
  updating_ = false;
  ReturnDeltaBuffer();
  return next;
}

void HdfsStateStore::ReturnDeltaBuffer() {
  delta_.clear();
  provider_->delta_buffer_ = std::move(delta_);
  delta_.clear();
}

// The table holds the updates: the next GetStore reloads the version from its files.
void HdfsStateStore::Abort() {
  if (!updating_) return;
  if (!delta_.empty()) provider_->loaded_version_ = -1;
  ReturnDeltaBuffer();
  updating_ = false;
}

StateStoreMetrics HdfsStateStore::metrics() const {
  StateStoreMetrics m;
  m.num_rows_total = provider_->table_.rows();
  m.num_rows_updated = updated_;
  m.num_rows_removed = removed_;
  m.memory_used_bytes = provider_->table_.bytes() + static_cast<int64_t>(delta_.capacity());
  m.custom = {{"loadedMapCacheHitCount", provider_->cache_hits_},
              {"loadedMapCacheMissCount", provider_->cache_misses_},
              {"stateOnCurrentVersionSizeBytes", provider_->table_.bytes()}};
  return m;
}

}  // namespace

arrow::Result<std::unique_ptr<StateStoreProvider>> MakeHdfsStateStoreProvider(const std::string& dir,
                                                                             const StateStoreConf& conf) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return arrow::Status::IOError("cannot create the state store folder ", dir, ": ", ec.message());
  return std::make_unique<HdfsStateStoreProvider>(dir, conf);
}

}  // namespace spate
