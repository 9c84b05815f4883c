#include "spate/streaming/metadata_log.h"

#include <algorithm>
#include <filesystem>

#include <arrow/filesystem/filesystem.h>
#include <fmt/format.h>

#include "spate/common/atomic_file.h"
#include "spate/common/error.h"

namespace spate {

namespace fs = std::filesystem;

namespace {

bool IsBatchFile(const std::string& name) {
  return !name.empty() && name.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

// Spark's error for an entry that is there already: another run wrote it.
arrow::Status MetadataLog::ConcurrentUpdate(int64_t batch_id) const {
  return SparkError("CONCURRENT_STREAM_LOG_UPDATE", "40000",
                    fmt::format("Concurrent update to the log. Multiple streaming jobs detected for {}.\n"
                                "Please make sure only one streaming job runs on a specific checkpoint location "
                                "at a time. ({}/{} exists already)",
                                batch_id, dir_, batch_id));
}

arrow::Result<std::vector<int64_t>> MetadataLog::ObjectBatchIds() const {
  arrow::fs::FileSelector selector;
  selector.base_dir = ObjectPathOf(dir_);
  selector.allow_not_found = true;
  auto infos = store_->GetFileInfo(selector);
  if (!infos.ok()) return ObjectStoreError(dir_, infos.status());
  std::vector<int64_t> ids;
  for (const auto& info : *infos) {
    if (info.IsFile() && IsBatchFile(info.base_name())) ids.push_back(std::stoll(info.base_name()));
  }
  return ids;
}

arrow::Status MetadataLog::Add(int64_t batch_id, const std::string& content, bool overwrite) {
  if (store_) {
    std::string uri = JoinPath(dir_, std::to_string(batch_id));
    if (overwrite) return WriteObject(store_, uri, content);
    ARROW_ASSIGN_OR_RAISE(bool written, WriteObjectIfAbsent(store_, uri, content));
    return written ? arrow::Status::OK() : ConcurrentUpdate(batch_id);
  }
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return arrow::Status::IOError("cannot create ", dir_, ": ", ec.message());
  std::string path = dir_ + "/" + std::to_string(batch_id);
  if (!overwrite && fs::exists(path)) return ConcurrentUpdate(batch_id);
  return WriteFileAtomically(path, content, durable_);
}

arrow::Result<std::optional<std::string>> MetadataLog::Get(int64_t batch_id) const {
  if (store_) {
    std::string uri = JoinPath(dir_, std::to_string(batch_id));
    auto info = store_->GetFileInfo(ObjectPathOf(uri));
    if (!info.ok()) return ObjectStoreError(uri, info.status());
    if (!info->IsFile()) return std::nullopt;
    return ReadObject(store_, uri);
  }
  std::string path = dir_ + "/" + std::to_string(batch_id);
  if (!fs::exists(path)) return std::nullopt;
  ARROW_ASSIGN_OR_RAISE(auto content, ReadFileToString(path));
  return content;
}

arrow::Result<std::optional<int64_t>> MetadataLog::Latest() const {
  std::optional<int64_t> latest;
  if (store_) {
    ARROW_ASSIGN_OR_RAISE(auto ids, ObjectBatchIds());
    if (!ids.empty()) latest = *std::max_element(ids.begin(), ids.end());
    return latest;
  }
  std::error_code ec;
  if (!fs::exists(dir_, ec)) return latest;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    std::string name = entry.path().filename().string();
    if (!IsBatchFile(name)) continue;
    int64_t id = std::stoll(name);
    if (!latest || id > *latest) latest = id;
  }
  if (ec) return arrow::Status::IOError("cannot list ", dir_, ": ", ec.message());
  return latest;
}

arrow::Status MetadataLog::PurgeBefore(int64_t batch_id) {
  if (store_) {
    ARROW_ASSIGN_OR_RAISE(auto ids, ObjectBatchIds());
    for (int64_t id : ids) {
      std::string uri = JoinPath(dir_, std::to_string(id));
      if (id < batch_id) ARROW_RETURN_NOT_OK(ObjectStoreError(uri, store_->DeleteFile(ObjectPathOf(uri))));
    }
    return arrow::Status::OK();
  }
  std::error_code ec;
  if (!fs::exists(dir_, ec)) return arrow::Status::OK();
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    std::string name = entry.path().filename().string();
    if (IsBatchFile(name) && std::stoll(name) < batch_id) {
      fs::remove(entry.path(), ec);
      fs::remove(ChecksumFile(entry.path().string()), ec);
    }
  }
  return arrow::Status::OK();
}

}  // namespace spate
