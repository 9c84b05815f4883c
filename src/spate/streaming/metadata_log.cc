#include "spate/streaming/metadata_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace spate {

namespace fs = std::filesystem;

namespace {

arrow::Status Errno(const std::string& what, const std::string& path) {
  return arrow::Status::IOError(what, " ", path, ": ", std::strerror(errno));
}

bool IsBatchFile(const std::string& name) {
  return !name.empty() && name.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

arrow::Status WriteFileAtomically(const std::string& path, const std::string& content, bool durable) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return Errno("cannot create", tmp);
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      ::close(fd);
      return Errno("cannot write", tmp);
    }
    written += static_cast<size_t>(n);
  }
  if ((durable && ::fsync(fd) != 0) || ::close(fd) != 0) return Errno("cannot sync", tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Errno("cannot rename to", path);
  if (!durable) return arrow::Status::OK();
  std::string dir = fs::path(path).parent_path().string();
  int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);  // make the rename itself durable
    ::close(dir_fd);
  }
  return arrow::Status::OK();
}

arrow::Result<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return arrow::Status::IOError("cannot read ", path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

arrow::Status MetadataLog::Add(int64_t batch_id, const std::string& content, bool overwrite) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return arrow::Status::IOError("cannot create ", dir_, ": ", ec.message());
  std::string path = dir_ + "/" + std::to_string(batch_id);
  if (!overwrite && fs::exists(path)) {
    return arrow::Status::Invalid("batch ", batch_id, " already exists in ", dir_);
  }
  return WriteFileAtomically(path, content, durable_);
}

arrow::Result<std::optional<std::string>> MetadataLog::Get(int64_t batch_id) const {
  std::string path = dir_ + "/" + std::to_string(batch_id);
  if (!fs::exists(path)) return std::nullopt;
  ARROW_ASSIGN_OR_RAISE(auto content, ReadFileToString(path));
  return content;
}

arrow::Result<std::optional<int64_t>> MetadataLog::Latest() const {
  std::optional<int64_t> latest;
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
  std::error_code ec;
  if (!fs::exists(dir_, ec)) return arrow::Status::OK();
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    std::string name = entry.path().filename().string();
    if (IsBatchFile(name) && std::stoll(name) < batch_id) fs::remove(entry.path(), ec);
  }
  return arrow::Status::OK();
}

}  // namespace spate
