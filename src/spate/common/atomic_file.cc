#include "spate/common/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "spate/common/crc32.h"

namespace spate {

namespace fs = std::filesystem;

namespace {

arrow::Status Errno(const std::string& what, const std::string& path) {
  return arrow::Status::IOError(what, " ", path, ": ", std::strerror(errno));
}

}  // namespace

std::string ChecksumFile(const std::string& path) {
  fs::path p(path);
  return (p.parent_path() / ("." + p.filename().string() + ".checksum")).string();
}

namespace {

std::string ChecksumText(const std::string& content) {
  char text[64];
  std::snprintf(text, sizeof(text), "v1 crc32=%08x size=%zu\n", Crc32(content), content.size());
  return text;
}

// Writes `content` to `path` through a temp file and a rename.
arrow::Status WriteAndRename(const std::string& path, const std::string& content, bool durable) {
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

}  // namespace

// The old checksum goes first and the new one comes last: a crash in between
// leaves a file without a checksum (read unverified), never one with a wrong one.
arrow::Status WriteFileAtomically(const std::string& path, const std::string& content, bool durable) {
  std::error_code ec;
  std::string checksum = ChecksumFile(path);
  fs::remove(checksum, ec);
  ARROW_RETURN_NOT_OK(WriteAndRename(path, content, durable));
  // Not fsynced: after a power loss a missing checksum only skips the check.
  return WriteAndRename(checksum, ChecksumText(content), /*durable=*/false);
}

arrow::Result<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return arrow::Status::IOError("cannot read ", path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string content = ss.str();
  std::ifstream sum(ChecksumFile(path), std::ios::binary);
  if (!sum) return content;  // written before checksums, or by another writer
  std::string expected((std::istreambuf_iterator<char>(sum)), std::istreambuf_iterator<char>());
  std::string computed = ChecksumText(content);
  if (expected != computed) {
    auto field = [](const std::string& text, const char* key) {
      size_t at = text.find(key);
      if (at == std::string::npos) return std::string("?");
      at += std::strlen(key);
      return text.substr(at, text.find_first_of(" \n", at) - at);
    };
    return arrow::Status::Invalid(fmt::format(
        "[CHECKPOINT_FILE_CHECKSUM_VERIFICATION_FAILED] Checksum verification failed, the file may be "
        "corrupted. File: {}\nExpected (file size: {}, checksum: {}), Computed (file size: {}, "
        "checksum: {}). SQLSTATE: XX000",
        path, field(expected, "size="), field(expected, "crc32="), content.size(), field(computed, "crc32=")));
  }
  return content;
}

}  // namespace spate
