#include "spate/streaming/checkpoint_mirror.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <algorithm>
#include <vector>

#include <arrow/filesystem/filesystem.h>
#include <fmt/format.h>

#include "spate/common/atomic_file.h"

namespace spate {

namespace fs = std::filesystem;

namespace {

constexpr const char* kLocalPrefix = "spate-s3-checkpoint-";

// The local folders of processes that are gone (killed before removing theirs).
void RemoveFoldersOfDeadProcesses(const fs::path& parent) {
  std::error_code ec;
  std::vector<fs::path> stale;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!name.starts_with(kLocalPrefix)) continue;
    long pid = std::atol(name.c_str() + std::char_traits<char>::length(kLocalPrefix));
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) stale.push_back(it->path());
  }
  for (const auto& path : stale) fs::remove_all(path, ec);
}

arrow::Result<std::string> NewLocalFolder() {
  static std::atomic<int64_t> counter{0};
  fs::path parent = fs::temp_directory_path();
  RemoveFoldersOfDeadProcesses(parent);
  auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  fs::path dir = parent / fmt::format("{}{}-{}-{}", kLocalPrefix, ::getpid(), counter++, now);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return arrow::Status::IOError("cannot create ", dir.string(), ": ", ec.message());
  return dir.string();
}

arrow::Status WriteLocal(const fs::path& path, const std::string& contents) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  if (!out) return arrow::Status::IOError("cannot write ", path.string());
  return arrow::Status::OK();
}

arrow::Result<std::string> ReadLocal(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return arrow::Status::IOError("cannot read ", path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Requests to the store in flight at once: each costs a round trip, and a
// RocksDB version is a dozen files.
constexpr size_t kParallelRequests = 8;

// fn(0) ... fn(n - 1) on up to kParallelRequests threads; the first error.
arrow::Status ForEachInParallel(size_t n, const std::function<arrow::Status(size_t)>& fn) {
  std::atomic<size_t> next{0};
  std::mutex mutex;
  arrow::Status first_error;
  auto work = [&] {
    for (size_t i = next++; i < n; i = next++) {
      arrow::Status status = fn(i);
      std::lock_guard<std::mutex> lock(mutex);
      if (!status.ok() && first_error.ok()) first_error = status;
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 1; t < std::min(n, kParallelRequests); ++t) threads.emplace_back(work);
  work();
  for (auto& thread : threads) thread.join();
  return first_error;
}

bool IsChecksumFile(const std::string& relative) {
  std::string name = fs::path(relative).filename().string();
  return name.starts_with('.') && name.ends_with(".checksum");
}

}  // namespace

bool IsLocalOnlyCheckpointFile(const std::string& relative) {
  if (relative.starts_with("offsets/") || relative.starts_with("commits/") || relative == ".lock") return true;
  for (const auto& part : fs::path(relative)) {
    std::string name = part.string();
    if (name.ends_with(".tmp") || name.starts_with("working-")) return true;
  }
  return false;
}

arrow::Result<std::unique_ptr<CheckpointMirror>> CheckpointMirror::Open(const RuntimeConfig& conf,
                                                                        const std::string& uri) {
  ARROW_ASSIGN_OR_RAISE(FileSystemPtr store, FileSystemFor(conf, uri));
  ARROW_RETURN_NOT_OK(CheckBucketExists(store, uri));
  ARROW_ASSIGN_OR_RAISE(std::string local, NewLocalFolder());
  std::string trimmed = uri;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  std::unique_ptr<CheckpointMirror> mirror(new CheckpointMirror(trimmed, local, std::move(store)));
  ARROW_RETURN_NOT_OK(mirror->Download());
  return mirror;
}

CheckpointMirror::~CheckpointMirror() {
  std::error_code ec;
  fs::remove_all(local_dir_, ec);
}

arrow::Status CheckpointMirror::Download() {
  arrow::fs::FileSelector selector;
  selector.base_dir = ObjectPathOf(uri_);
  selector.allow_not_found = true;
  selector.recursive = true;
  auto infos = store_->GetFileInfo(selector);
  if (!infos.ok()) return ObjectStoreError(uri_, infos.status());
  std::vector<std::string> files;
  for (const auto& info : *infos) {
    if (!info.IsFile() || info.path().size() <= selector.base_dir.size() + 1) continue;
    std::string relative = info.path().substr(selector.base_dir.size() + 1);
    if (!IsLocalOnlyCheckpointFile(relative)) files.push_back(relative);
  }
  ARROW_RETURN_NOT_OK(ForEachInParallel(files.size(), [&](size_t i) {
    ARROW_ASSIGN_OR_RAISE(std::string contents, ReadObject(store_, JoinPath(uri_, files[i])));
    return WriteLocal(fs::path(local_dir_) / files[i], contents);
  }));
  for (const auto& relative : files) {
    ARROW_ASSIGN_OR_RAISE(synced_[relative], StampOf(relative));
  }
  return arrow::Status::OK();
}

arrow::Result<CheckpointMirror::Stamp> CheckpointMirror::StampOf(const std::string& relative) const {
  std::error_code ec;
  fs::path path = fs::path(local_dir_) / relative;
  Stamp stamp;
  stamp.size = fs::file_size(path, ec);
  if (!ec) stamp.modified_ns = fs::last_write_time(path, ec).time_since_epoch().count();
  if (ec) return arrow::Status::IOError("cannot read ", path.string(), ": ", ec.message());
  return stamp;
}

// The stamp is taken before the file is read: a file changed while it is put
// is put again by the next Upload. A file removed since it was listed (an old
// state version the query's maintenance deleted meanwhile) is left out; if it
// was put before it went, the next Upload deletes its object.
arrow::Status CheckpointMirror::Put(const std::vector<std::string>& files) {
  std::vector<std::optional<Stamp>> stamps(files.size());
  ARROW_RETURN_NOT_OK(ForEachInParallel(files.size(), [&](size_t i) -> arrow::Status {
    fs::path path = fs::path(local_dir_) / files[i];
    auto stamp = StampOf(files[i]);
    auto contents = stamp.ok() ? ReadLocal(path) : stamp.status();
    if (!contents.ok()) {
      std::error_code ec;
      return fs::exists(path, ec) || ec ? contents.status() : arrow::Status::OK();
    }
    stamps[i] = *stamp;
    return WriteObject(store_, JoinPath(uri_, files[i]), *contents);
  }));
  for (size_t i = 0; i < files.size(); ++i) {
    if (!stamps[i]) continue;
    synced_[files[i]] = *stamps[i];
    ++objects_uploaded_;
  }
  return arrow::Status::OK();
}

arrow::Status CheckpointMirror::Delete(const std::vector<std::string>& files) {
  ARROW_RETURN_NOT_OK(ForEachInParallel(files.size(), [&](size_t i) {
    std::string uri = JoinPath(uri_, files[i]);
    auto deleted = store_->DeleteFile(ObjectPathOf(uri));
    if (deleted.ok()) return arrow::Status::OK();
    auto info = store_->GetFileInfo(ObjectPathOf(uri));  // fine if it is gone already
    if (info.ok() && info->type() == arrow::fs::FileType::NotFound) return arrow::Status::OK();
    return ObjectStoreError(uri, deleted);
  }));
  for (const auto& relative : files) synced_.erase(relative);
  return arrow::Status::OK();
}

// A folder removed while it is walked (an old RocksDB version the query's
// maintenance deleted meanwhile) ends the walk with "no such file": walked again.
arrow::Result<std::map<std::string, CheckpointMirror::Stamp>> CheckpointMirror::ListLocal() const {
  std::error_code ec;
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::map<std::string, Stamp> present;
    ec.clear();
    for (fs::recursive_directory_iterator it(local_dir_, ec), end; !ec && it != end; it.increment(ec)) {
      std::string relative = it->path().generic_string().substr(local_dir_.size() + 1);
      if (IsLocalOnlyCheckpointFile(relative)) {
        it.disable_recursion_pending();  // a RocksDB working database: not walked
        continue;
      }
      std::error_code file_ec;
      if (!it->is_regular_file(file_ec)) continue;
      auto stamp = StampOf(relative);
      if (stamp.ok()) present[relative] = *stamp;  // else removed while listed
    }
    if (!ec) return present;
    if (ec != std::errc::no_such_file_or_directory) break;
  }
  return arrow::Status::IOError("cannot list ", local_dir_, ": ", ec.message());
}

// Data files go before checksums, and a changed file's old checksum object is
// deleted before the file is put: an interrupted upload leaves a file without
// a checksum (read unverified), never one with a stale checksum.
arrow::Status CheckpointMirror::Upload() {
  ARROW_ASSIGN_OR_RAISE(auto present, ListLocal());
  std::vector<std::string> changed_files, changed_checksums;
  for (const auto& [relative, stamp] : present) {
    auto it = synced_.find(relative);
    if (it != synced_.end() && it->second.size == stamp.size && it->second.modified_ns == stamp.modified_ns) continue;
    (IsChecksumFile(relative) ? changed_checksums : changed_files).push_back(relative);
  }
  std::vector<std::string> stale_checksums;
  for (const auto& relative : changed_files) {
    std::string checksum = fs::path(ChecksumFile(relative)).generic_string();
    if (synced_.count(checksum) && std::find(changed_checksums.begin(), changed_checksums.end(), checksum) !=
                                       changed_checksums.end()) {
      stale_checksums.push_back(checksum);
    }
  }
  ARROW_RETURN_NOT_OK(Delete(stale_checksums));
  ARROW_RETURN_NOT_OK(Put(changed_files));
  ARROW_RETURN_NOT_OK(Put(changed_checksums));
  std::vector<std::string> removed;
  for (const auto& [relative, _] : synced_) {
    if (!present.count(relative)) removed.push_back(relative);
  }
  return Delete(removed);
}

}  // namespace spate
