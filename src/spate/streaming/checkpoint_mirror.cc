#include "spate/streaming/checkpoint_mirror.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
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
  for (const auto& info : *infos) {
    if (!info.IsFile() || info.path().size() <= selector.base_dir.size() + 1) continue;
    std::string relative = info.path().substr(selector.base_dir.size() + 1);
    if (IsLocalOnlyCheckpointFile(relative)) continue;
    ARROW_ASSIGN_OR_RAISE(std::string contents, ReadObject(store_, JoinPath(uri_, relative)));
    ARROW_RETURN_NOT_OK(WriteLocal(fs::path(local_dir_) / relative, contents));
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

arrow::Status CheckpointMirror::Put(const std::string& relative) {
  ARROW_ASSIGN_OR_RAISE(Stamp stamp, StampOf(relative));
  ARROW_ASSIGN_OR_RAISE(std::string contents, ReadLocal(fs::path(local_dir_) / relative));
  ARROW_RETURN_NOT_OK(WriteObject(store_, JoinPath(uri_, relative), contents));
  synced_[relative] = stamp;
  ++objects_uploaded_;
  return arrow::Status::OK();
}

arrow::Status CheckpointMirror::Delete(const std::string& relative) {
  std::string uri = JoinPath(uri_, relative);
  auto deleted = store_->DeleteFile(ObjectPathOf(uri));
  if (!deleted.ok()) {  // fine if it is gone already
    auto info = store_->GetFileInfo(ObjectPathOf(uri));
    if (!info.ok() || info->type() != arrow::fs::FileType::NotFound) return ObjectStoreError(uri, deleted);
  }
  synced_.erase(relative);
  return arrow::Status::OK();
}

// Data files go before checksums, and a changed file's old checksum object is
// deleted before the file is put: an interrupted upload leaves a file without
// a checksum (read unverified), never one with a stale checksum.
arrow::Status CheckpointMirror::Upload() {
  std::map<std::string, Stamp> present;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(local_dir_, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string relative = fs::relative(it->path(), local_dir_, ec).generic_string();
    if (ec || IsLocalOnlyCheckpointFile(relative)) continue;
    auto stamp = StampOf(relative);
    if (stamp.ok()) present[relative] = *stamp;  // else removed while listed
  }
  if (ec) return arrow::Status::IOError("cannot list ", local_dir_, ": ", ec.message());
  std::vector<std::string> changed_files, changed_checksums;
  for (const auto& [relative, stamp] : present) {
    auto it = synced_.find(relative);
    if (it != synced_.end() && it->second.size == stamp.size && it->second.modified_ns == stamp.modified_ns) continue;
    (IsChecksumFile(relative) ? changed_checksums : changed_files).push_back(relative);
  }
  for (const auto& relative : changed_files) {
    std::string checksum = fs::path(ChecksumFile(relative)).generic_string();
    if (synced_.count(checksum) && std::find(changed_checksums.begin(), changed_checksums.end(), checksum) !=
                                       changed_checksums.end()) {
      ARROW_RETURN_NOT_OK(Delete(checksum));
    }
    ARROW_RETURN_NOT_OK(Put(relative));
  }
  for (const auto& relative : changed_checksums) ARROW_RETURN_NOT_OK(Put(relative));
  std::vector<std::string> removed;
  for (const auto& [relative, _] : synced_) {
    if (!present.count(relative)) removed.push_back(relative);
  }
  for (const auto& relative : removed) ARROW_RETURN_NOT_OK(Delete(relative));
  return arrow::Status::OK();
}

}  // namespace spate
