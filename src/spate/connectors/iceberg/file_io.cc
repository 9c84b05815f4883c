#include "spate/connectors/iceberg/file_io.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <arrow/filesystem/filesystem.h>
#include <fmt/format.h>

#include "spate/common/object_store.h"
#include "spate/common/runtime_config.h"
#include "spate/connectors/iceberg/table_metadata.h"

namespace spate::iceberg {

namespace fs = std::filesystem;

namespace {

arrow::Status WriteLocal(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  if (!out) return arrow::Status::IOError("cannot write ", path);
  return arrow::Status::OK();
}

std::string TempNameFor(const std::string& path) {
  fs::path p(path);
  return (p.parent_path() / fmt::format(".{}.{}.tmp", p.filename().string(), NewUuid())).string();
}

arrow::Result<arrow::fs::FileInfo> InfoOf(const FileSystemPtr& store, const std::string& uri) {
  auto info = store->GetFileInfo(ObjectPathOf(uri));
  if (!info.ok()) return ObjectStoreError(uri, info.status());
  return info;
}

}  // namespace

FileIO::FileIO(const RuntimeConfig& conf) : conf_(std::make_shared<const RuntimeConfig>(conf)) {}

arrow::Result<FileSystemPtr> FileIO::StoreFor(const std::string& location) const {
  if (!IsObjectStorePath(location)) return FileSystemPtr();
  if (!conf_) return arrow::Status::Invalid("No object store settings to read ", location);
  return FileSystemFor(*conf_, location);
}

arrow::Result<std::string> FileIO::Read(const std::string& location) const {
  ARROW_ASSIGN_OR_RAISE(auto store, StoreFor(location));
  if (store) return ReadObject(store, location);
  std::ifstream in(LocalPath(location), std::ios::binary);
  if (!in) return arrow::Status::IOError("cannot read ", location);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

arrow::Status FileIO::Write(const std::string& location, const std::string& contents) const {
  ARROW_ASSIGN_OR_RAISE(auto store, StoreFor(location));
  if (store) return WriteObject(store, location, contents);  // one PUT: whole or nothing
  std::string path = LocalPath(location);
  std::string tmp = TempNameFor(path);
  ARROW_RETURN_NOT_OK(WriteLocal(tmp, contents));
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return arrow::Status::IOError("cannot rename ", tmp, ": ", ec.message());
  return arrow::Status::OK();
}

arrow::Result<bool> FileIO::WriteIfAbsent(const std::string& location, const std::string& contents) const {
  ARROW_ASSIGN_OR_RAISE(auto store, StoreFor(location));
  if (store) return WriteObjectIfAbsent(store, location, contents);
  // A hard link from a finished temp file publishes it whole, and fails if
  // the name is taken.
  std::string path = LocalPath(location);
  std::string tmp = TempNameFor(path);
  ARROW_RETURN_NOT_OK(WriteLocal(tmp, contents));
  int rc = ::link(tmp.c_str(), path.c_str());
  int err = errno;
  std::error_code ec;
  fs::remove(tmp, ec);
  if (rc != 0 && err == EEXIST) return false;
  if (rc != 0) return arrow::Status::IOError("cannot create ", path, ": ", std::strerror(err));
  return true;
}

arrow::Result<bool> FileIO::Exists(const std::string& location) const {
  ARROW_ASSIGN_OR_RAISE(auto store, StoreFor(location));
  if (!store) return fs::exists(LocalPath(location));
  ARROW_ASSIGN_OR_RAISE(auto info, InfoOf(store, location));
  return info.type() != arrow::fs::FileType::NotFound;
}

arrow::Result<int64_t> FileIO::Size(const std::string& location) const {
  ARROW_ASSIGN_OR_RAISE(auto store, StoreFor(location));
  if (!store) {
    std::error_code ec;
    auto size = fs::file_size(LocalPath(location), ec);
    if (ec) return arrow::Status::IOError("cannot stat ", location, ": ", ec.message());
    return static_cast<int64_t>(size);
  }
  ARROW_ASSIGN_OR_RAISE(auto info, InfoOf(store, location));
  return info.size();
}

arrow::Status FileIO::Delete(const std::string& location) const {
  ARROW_ASSIGN_OR_RAISE(auto store, StoreFor(location));
  if (!store) {
    std::error_code ec;
    fs::remove(LocalPath(location), ec);
    return arrow::Status::OK();
  }
  auto st = store->DeleteFile(ObjectPathOf(location));
  if (!st.ok() && st.IsIOError()) {
    ARROW_ASSIGN_OR_RAISE(bool exists, Exists(location));
    if (!exists) return arrow::Status::OK();
  }
  return ObjectStoreError(location, st);
}

arrow::Result<bool> FileIO::IsDir(const std::string& location) const {
  ARROW_ASSIGN_OR_RAISE(auto store, StoreFor(location));
  if (!store) {
    std::error_code ec;
    return fs::is_directory(LocalPath(location), ec);
  }
  ARROW_ASSIGN_OR_RAISE(auto info, InfoOf(store, location));
  return info.type() == arrow::fs::FileType::Directory;
}

arrow::Status FileIO::MakeDir(const std::string& location) const {
  ARROW_ASSIGN_OR_RAISE(auto store, StoreFor(location));
  if (store) return ObjectStoreError(location, store->CreateDir(ObjectPathOf(location), /*recursive=*/true));
  std::error_code ec;
  fs::create_directories(LocalPath(location), ec);
  if (ec) return arrow::Status::IOError("cannot create ", location, ": ", ec.message());
  return arrow::Status::OK();
}

arrow::Result<std::vector<std::string>> FileIO::ListDirs(const std::string& location) const {
  std::vector<std::string> out;
  ARROW_ASSIGN_OR_RAISE(auto store, StoreFor(location));
  if (!store) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(LocalPath(location), ec)) {
      if (e.is_directory()) out.push_back(e.path().filename().string());
    }
    return out;
  }
  arrow::fs::FileSelector selector;
  selector.base_dir = ObjectPathOf(location);
  selector.allow_not_found = true;
  auto infos = store->GetFileInfo(selector);
  if (!infos.ok()) return ObjectStoreError(location, infos.status());
  for (const auto& info : *infos) {
    if (info.type() == arrow::fs::FileType::Directory) out.push_back(info.base_name());
  }
  return out;
}

arrow::Result<bool> FileIO::IsEmptyDir(const std::string& location) const {
  ARROW_ASSIGN_OR_RAISE(auto store, StoreFor(location));
  if (!store) {
    std::error_code ec;
    return fs::is_empty(LocalPath(location), ec);
  }
  arrow::fs::FileSelector selector;
  selector.base_dir = ObjectPathOf(location);
  selector.allow_not_found = true;
  auto infos = store->GetFileInfo(selector);
  if (!infos.ok()) return ObjectStoreError(location, infos.status());
  return infos->empty();
}

arrow::Status FileIO::DeleteDir(const std::string& location) const {
  ARROW_ASSIGN_OR_RAISE(auto store, StoreFor(location));
  if (store) return ObjectStoreError(location, store->DeleteDir(ObjectPathOf(location)));
  std::error_code ec;
  fs::remove_all(LocalPath(location), ec);
  if (ec) return arrow::Status::IOError("cannot remove ", location, ": ", ec.message());
  return arrow::Status::OK();
}

const FileIO& IoOrLocal(const FileIOPtr& io) {
  static const FileIO local;
  return io ? *io : local;
}

std::string LocalPath(const std::string& location) {
  if (location.starts_with("file://")) return location.substr(7);
  if (location.starts_with("file:")) return location.substr(5);
  return location;
}

}  // namespace spate::iceberg
