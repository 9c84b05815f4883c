#include "spate/state/rocksdb_version_files_internal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <random>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <rapidjson/document.h>

#include "spate/common/atomic_file.h"
#include "spate/state/state_store_providers.h"

namespace spate {

namespace {

namespace fs = std::filesystem;

constexpr const char* kMetadataFile = "spate-state.json";
// RocksDB's CURRENT names the MANIFEST, and its OPTIONS file records the
// options the provider opens the database with anyway: a version keeps
// neither (two objects less to put on an object store), and CURRENT is
// written again when the version is loaded.
constexpr const char* kCurrentFile = "CURRENT";

void SyncFolder(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

std::optional<int64_t> CheckpointVersion(const std::string& name) {
  constexpr std::string_view kPrefix = "checkpoint-";
  if (!name.starts_with(kPrefix)) return std::nullopt;
  std::string digits = name.substr(kPrefix.size());
  if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(digits);
}

arrow::Status MissingStateFile(const fs::path& path) {
  return CannotLoadStateStore(
      "CANNOT_READ_STREAMING_STATE_FILE",
      fmt::format("Error reading streaming state file of {} does not exist. If the stream job is restarted "
                  "with a new or updated state operation, please create a new checkpoint location or clear "
                  "the existing checkpoint location.",
                  path.string()));
}

// "000012-3f9a...e1.sst" is RocksDB's "000012.sst".
std::string LocalSstName(const std::string& shared) { return shared.substr(0, shared.find('-')) + ".sst"; }

// "000012.sst" stored as "000012-<16 random hex digits>.sst": unique, since a
// database rebuilt from an older version reuses its file numbers.
std::string NewSharedSstName(const std::string& local) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return fmt::format("{}-{:016x}.sst", local.substr(0, local.size() - 4), random());
}

bool IsSharedSstName(const std::string& name) {
  return name.ends_with(".sst") && name.find('-') != std::string::npos && name.find('/') == std::string::npos &&
         !name.starts_with('.');
}

bool SameSize(const fs::path& a, const fs::path& b) {
  std::error_code ec_a, ec_b;
  uintmax_t size_a = fs::file_size(a, ec_a);
  uintmax_t size_b = fs::file_size(b, ec_b);
  return !ec_a && !ec_b && size_a == size_b;
}

arrow::Status LinkOrCopy(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_hard_link(from, to, ec);
  if (!ec) return arrow::Status::OK();
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) return arrow::Status::IOError("cannot copy ", from.string(), ": ", ec.message());
  return arrow::Status::OK();
}

arrow::Status WriteCurrent(const fs::path& folder, const std::string& manifest) {
  std::ofstream current(folder / kCurrentFile, std::ios::trunc);
  current << manifest << "\n";
  current.close();
  if (!current) return arrow::Status::IOError("cannot write ", (folder / kCurrentFile).string());
  return arrow::Status::OK();
}

arrow::Result<RocksDbVersion> ParseMetadata(const std::string& text) {
  rapidjson::Document doc;
  if (doc.Parse(text.c_str()).HasParseError() || !doc.IsObject() || !doc.HasMember("version") ||
      !doc["version"].IsInt64() || !doc.HasMember("numKeys") || !doc["numKeys"].IsInt64()) {
    return arrow::Status::Invalid("corrupt");
  }
  RocksDbVersion v{doc["version"].GetInt64(), doc["numKeys"].GetInt64(), {}};
  if (!doc.HasMember("sstFiles")) return v;  // written before the SSTs were shared
  if (!doc["sstFiles"].IsArray()) return arrow::Status::Invalid("corrupt");
  for (const auto& name : doc["sstFiles"].GetArray()) {
    if (!name.IsString() || !IsSharedSstName(name.GetString())) return arrow::Status::Invalid("corrupt");
    v.shared_ssts.emplace_back(name.GetString());
  }
  return v;
}

std::string MetadataJson(const RocksDbVersion& v) {
  std::vector<std::string> quoted;
  for (const auto& name : v.shared_ssts) quoted.push_back(fmt::format("\"{}\"", name));
  return fmt::format(R"({{"version":{},"numKeys":{},"sstFiles":[{}]}})", v.version, v.num_keys,
                     fmt::join(quoted, ","));
}

}  // namespace

fs::path RocksDbVersionFiles::CheckpointPath(int64_t version) const {
  return dir_ / fmt::format("checkpoint-{}", version);
}

fs::path RocksDbVersionFiles::TempPath(int64_t version) const { return CheckpointPath(version).string() + ".tmp"; }

arrow::Result<RocksDbVersion> RocksDbVersionFiles::Read(int64_t version) const {
  fs::path checkpoint = CheckpointPath(version);
  if (!fs::is_directory(checkpoint)) return MissingStateFile(checkpoint);
  fs::path path = checkpoint / kMetadataFile;
  auto text = ReadFileToString(path.string());
  auto parsed = text.ok() ? ParseMetadata(*text) : text.status();
  if (!parsed.ok()) {
    return CannotLoadStateStore("UNCATEGORIZED",
                                fmt::format("The RocksDB checkpoint metadata {} is missing or corrupt.", path.string()));
  }
  if (parsed->version != version) {
    return CannotLoadStateStore("CANNOT_READ_CHECKPOINT",
                                fmt::format("Cannot read RocksDB checkpoint metadata. Expected {}, but found {}.",
                                            version, parsed->version));
  }
  return parsed;
}

arrow::Status RocksDbVersionFiles::Assemble(const RocksDbVersion& version, const fs::path& to) const {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) return arrow::Status::IOError("cannot create ", to.string(), ": ", ec.message());
  fs::path checkpoint = CheckpointPath(version.version);
  std::string manifest;
  for (const auto& entry : fs::directory_iterator(checkpoint)) {
    std::string name = entry.path().filename().string();
    if (name == kMetadataFile || name.starts_with('.')) continue;
    if (name.starts_with("MANIFEST-")) manifest = name;
    if (entry.path().extension() == ".sst") {  // a version written before the SSTs were shared
      ARROW_RETURN_NOT_OK(LinkOrCopy(entry.path(), to / name));
      continue;
    }
    fs::copy_file(entry.path(), to / name, fs::copy_options::overwrite_existing, ec);
    if (ec) return arrow::Status::IOError("cannot copy ", entry.path().string(), ": ", ec.message());
  }
  for (const auto& shared : version.shared_ssts) {
    fs::path from = SharedPath() / shared;
    if (!fs::exists(from)) return MissingStateFile(from);
    ARROW_RETURN_NOT_OK(LinkOrCopy(from, to / LocalSstName(shared)));
  }
  if (fs::exists(to / kCurrentFile)) return arrow::Status::OK();  // a version written before it was left out
  return WriteCurrent(to, manifest);
}

arrow::Result<RocksDbVersion> RocksDbVersionFiles::Store(int64_t version, int64_t num_keys,
                                                         const RocksDbVersion& base, bool fsync,
                                                         SstCounts* counts) {
  fs::path tmp = TempPath(version);
  RocksDbVersion stored{version, num_keys, {}};
  ARROW_ASSIGN_OR_RAISE(stored.shared_ssts, ShareSsts(tmp, base, counts));
  if (fsync) SyncFolder(SharedPath());  // makes the moves durable before the version lists them
  ARROW_RETURN_NOT_OK(WriteFileAtomically((tmp / kMetadataFile).string(), MetadataJson(stored), fsync));
  fs::path target = CheckpointPath(version);
  std::error_code ec;
  fs::remove_all(target, ec);  // left by an earlier run of this batch
  fs::rename(tmp, target, ec);
  if (ec) return arrow::Status::IOError("cannot rename ", tmp.string(), ": ", ec.message());
  if (fsync) SyncFolder(dir_);
  return stored;
}

arrow::Result<std::vector<std::string>> RocksDbVersionFiles::ShareSsts(const fs::path& checkpoint,
                                                                       const RocksDbVersion& base,
                                                                       SstCounts* counts) {
  std::map<std::string, std::string> base_ssts;  // by RocksDB's name
  for (const auto& shared : base.shared_ssts) base_ssts[LocalSstName(shared)] = shared;
  std::error_code ec;
  fs::create_directories(SharedPath(), ec);
  if (ec) return arrow::Status::IOError("cannot create ", SharedPath().string(), ": ", ec.message());
  std::vector<fs::path> ssts, unkept;
  for (const auto& entry : fs::directory_iterator(checkpoint)) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".sst") ssts.push_back(entry.path());
    if (name == kCurrentFile || name.starts_with("OPTIONS-")) unkept.push_back(entry.path());
  }
  for (const auto& path : unkept) fs::remove(path, ec);
  std::vector<std::string> listed;
  for (const auto& sst : ssts) {
    auto base_sst = base_ssts.find(sst.filename().string());
    if (base_sst != base_ssts.end() && SameSize(sst, SharedPath() / base_sst->second)) {
      listed.push_back(base_sst->second);
      ++counts->reused;
      fs::remove(sst, ec);
      continue;
    }
    std::string shared = NewSharedSstName(sst.filename().string());
    fs::rename(sst, SharedPath() / shared, ec);
    if (ec) return arrow::Status::IOError("cannot move ", sst.string(), " into ", SharedPath().string(), ": ",
                                          ec.message());
    listed.push_back(shared);
    ++counts->stored;
  }
  std::sort(listed.begin(), listed.end());
  return listed;
}

arrow::Status RocksDbVersionFiles::DeleteVersionsBefore(int64_t earliest) {
  std::error_code ec;
  std::vector<fs::path> doomed;
  std::vector<int64_t> kept;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    std::string name = entry.path().filename().string();
    auto v = CheckpointVersion(name);
    if ((v && *v < earliest) || name.ends_with(".tmp")) {
      doomed.push_back(entry.path());
    } else if (v) {
      kept.push_back(*v);
    }
  }
  for (const auto& path : doomed) {
    fs::remove_all(path, ec);
    if (ec) return arrow::Status::IOError("cannot delete old state ", path.string(), ": ", ec.message());
  }
  if (doomed.empty()) return arrow::Status::OK();
  return DeleteUnlistedSsts(kept);
}

// The versions go first: a crash in between leaves SSTs that no version
// lists, deleted next time, never a version without its SSTs. A version that
// cannot be read keeps every SST, since it may list any.
arrow::Status RocksDbVersionFiles::DeleteUnlistedSsts(const std::vector<int64_t>& versions) {
  std::set<std::string> listed;
  for (int64_t v : versions) {
    auto listing = Listing(v);
    if (!listing.ok()) return arrow::Status::OK();
    listed.insert((*listing)->begin(), (*listing)->end());
  }
  std::erase_if(listings_, [&](const auto& cached) {
    return std::find(versions.begin(), versions.end(), cached.first) == versions.end();
  });
  std::error_code ec;
  std::vector<fs::path> unlisted;
  for (const auto& entry : fs::directory_iterator(SharedPath(), ec)) {
    if (!listed.count(entry.path().filename().string())) unlisted.push_back(entry.path());
  }
  for (const auto& path : unlisted) {
    fs::remove(path, ec);
    if (ec) return arrow::Status::IOError("cannot delete old state ", path.string(), ": ", ec.message());
  }
  return arrow::Status::OK();
}

// A version's metadata is replaced only by a new file (a rename), so its
// inode and modification time tell whether the cached listing is current.
arrow::Result<const std::vector<std::string>*> RocksDbVersionFiles::Listing(int64_t version) {
  struct stat st;
  if (::stat((CheckpointPath(version) / kMetadataFile).c_str(), &st) != 0) {
    return arrow::Status::IOError("no metadata for version ", version);
  }
  int64_t modified_ns = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
  auto cached = listings_.find(version);
  if (cached == listings_.end() || cached->second.inode != st.st_ino || cached->second.modified_ns != modified_ns) {
    ARROW_ASSIGN_OR_RAISE(RocksDbVersion read, Read(version));
    cached = listings_.insert_or_assign(version, CachedListing{st.st_ino, modified_ns, std::move(read.shared_ssts)})
                 .first;
  }
  return &cached->second.ssts;
}

}  // namespace spate
