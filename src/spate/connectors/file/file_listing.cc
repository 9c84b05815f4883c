#include "spate/connectors/file/file_listing.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <arrow/buffer.h>
#include <arrow/io/compressed.h>
#include <arrow/io/file.h>
#include <arrow/util/compression.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/connectors/file/file_log.h"

namespace spate {

namespace fs = std::filesystem;

namespace {

bool IsHidden(const std::string& name) { return name.empty() || name[0] == '_' || name[0] == '.'; }

bool HasGlob(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

// A directory name "k=v" as a partition value; nullopt for other names.
std::optional<std::pair<std::string, std::string>> PartitionOf(const std::string& name) {
  size_t eq = name.find('=');
  if (eq == std::string::npos || eq == 0) return std::nullopt;
  return std::make_pair(UnescapePartitionValue(name.substr(0, eq)),
                        UnescapePartitionValue(name.substr(eq + 1)));
}

void CollectDirectory(const fs::path& dir, std::vector<std::pair<std::string, std::string>> parts,
                      std::vector<DataFile>* out) {
  std::vector<fs::directory_entry> entries;
  for (const auto& e : fs::directory_iterator(dir)) entries.push_back(e);
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path() < b.path(); });
  for (const auto& e : entries) {
    std::string name = e.path().filename().string();
    if (IsHidden(name)) continue;
    if (e.is_directory()) {
      auto sub = parts;
      if (auto p = PartitionOf(name)) sub.push_back(*p);
      CollectDirectory(e.path(), std::move(sub), out);
    } else {
      out->push_back({e.path().string(), parts});
    }
  }
}

// The paths a glob in the last component matches.
std::vector<fs::path> ExpandGlob(const fs::path& pattern) {
  std::vector<fs::path> matches;
  fs::path dir = pattern.has_parent_path() ? pattern.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return matches;
  std::string glob = pattern.filename().string();
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (fnmatch(glob.c_str(), name.c_str(), 0) == 0) matches.push_back(e.path());
  }
  std::sort(matches.begin(), matches.end());
  return matches;
}

// The files a streaming file sink committed to `dir`'s `_spark_metadata`
// log: files of a crashed attempt that never reached the log are not data.
arrow::Status CollectSinkOutput(const fs::path& dir, const std::vector<std::string>& logged,
                                std::vector<DataFile>* out) {
  std::error_code ec;
  for (const auto& path : logged) {
    if (!fs::exists(path, ec)) continue;  // removed since: Spark would fail, reading nothing is kinder
    out->push_back({path, PartitionValuesOf(dir.string(), path)});
  }
  return arrow::Status::OK();
}

}  // namespace

std::vector<std::pair<std::string, std::string>> PartitionValuesOf(const std::string& root,
                                                                   const std::string& file) {
  std::vector<std::pair<std::string, std::string>> values;
  fs::path relative = fs::path(file).lexically_relative(fs::path(root).lexically_normal());
  if (relative.empty() || *relative.begin() == "..") return values;
  for (const auto& part : relative.parent_path()) {
    if (auto p = PartitionOf(part.string())) values.push_back(*p);
  }
  return values;
}

arrow::Result<std::vector<DataFile>> ListDataFiles(const std::vector<std::string>& paths) {
  std::vector<DataFile> files;
  for (const auto& path : paths) {
    ARROW_RETURN_NOT_OK(CheckLocalPath(path, "path"));
    // A NUL byte would end the path early in every system call.
    if (path.find('\0') != std::string::npos) return PathNotFound(path);
    std::vector<fs::path> roots;
    std::error_code ec;
    if (HasGlob(path)) {
      roots = ExpandGlob(path);
    } else if (fs::exists(path, ec)) {
      roots.push_back(path);
    }
    if (roots.empty()) return PathNotFound(path);
    for (const auto& root : roots) {
      if (fs::is_directory(root, ec)) {
        ARROW_ASSIGN_OR_RAISE(auto logged, ReadSinkLogFiles(root.string()));
        if (logged && !HasGlob(path)) {
          ARROW_RETURN_NOT_OK(CollectSinkOutput(root, *logged, &files));
        } else {
          CollectDirectory(root, {}, &files);
        }
      } else {
        files.push_back({root.string(), {}});
      }
    }
  }
  return files;
}

std::string QualifiedPath(const std::string& path) {
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec).lexically_normal();
  std::string text = abs.string();
  if (text.size() > 1 && text.back() == '/') text.pop_back();
  return "file:" + text;
}

arrow::Status CheckLocalPath(const std::string& path, const std::string& what) {
  size_t colon = path.find("://");
  if (colon != std::string::npos && colon > 0) {
    std::string scheme = path.substr(0, colon);
    bool is_scheme = std::isalpha(static_cast<unsigned char>(scheme[0])) != 0;
    for (char c : scheme) {
      is_scheme = is_scheme && (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.');
    }
    if (is_scheme && AsciiLower(scheme) != "file") {
      return arrow::Status::Invalid(fmt::format(
          "No FileSystem for scheme \"{}\" (the {} {}). Spate reads and writes local paths; "
          "object storage (s3a://, s3://, gs://, abfs://) and HDFS are not supported yet.",
          scheme, what, path));
    }
  }
  return arrow::Status::OK();
}

arrow::Status PathNotFound(const std::string& path) {
  return SparkError("PATH_NOT_FOUND", "42K03",
                    fmt::format("Path does not exist: {}.", QualifiedPath(path)));
}

arrow::Status PathAlreadyExists(const std::string& path) {
  return SparkError("PATH_ALREADY_EXISTS", "42K04",
                    fmt::format("Path {} already exists. Set mode as \"overwrite\" to overwrite "
                                "the existing path.",
                                QualifiedPath(path)));
}

std::string PartFileName(int index, const std::string& job_uuid, const std::string& extension, int file_count) {
  return fmt::format("part-{:05d}-{}-c{:03d}{}", index, job_uuid, file_count, extension);
}

std::string RandomUuid() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                       // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF,
                     hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

arrow::Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return arrow::Status::IOError("cannot open ", path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

arrow::Status WriteWholeFile(const std::string& path, const std::string& contents) {
  FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) return arrow::Status::IOError("cannot create ", path, ": ", std::strerror(errno));
  bool written = std::fwrite(contents.data(), 1, contents.size(), out) == contents.size();
  int write_errno = errno;
  bool closed = std::fclose(out) == 0;  // flushes: a full disk may show only here
  if (!written || !closed) {
    return arrow::Status::IOError("cannot write ", path, ": ", std::strerror(written ? errno : write_errno));
  }
  return arrow::Status::OK();
}

arrow::Status WriteErrorOf(const std::string& path, const arrow::Status& status) {
  if (status.ok() || status.message().find(path) != std::string::npos) return status;
  // Arrow keeps the errno ("[errno 28] No space left on device") in the detail.
  std::string detail = status.detail() ? ": " + status.detail()->ToString() : "";
  return status.WithMessage("cannot write ", path, ": ", status.message(), detail);
}

arrow::Result<std::string> ReadTextFile(const std::string& path) {
  if (!path.ends_with(".gz")) return ReadWholeFile(path);
  ARROW_ASSIGN_OR_RAISE(auto codec, arrow::util::Codec::Create(arrow::Compression::GZIP));
  ARROW_ASSIGN_OR_RAISE(auto file, arrow::io::ReadableFile::Open(path));
  ARROW_ASSIGN_OR_RAISE(auto in, arrow::io::CompressedInputStream::Make(codec.get(), file));
  std::string out;
  while (true) {
    ARROW_ASSIGN_OR_RAISE(auto chunk, in->Read(1 << 20));
    if (chunk->size() == 0) break;
    out.append(reinterpret_cast<const char*>(chunk->data()), static_cast<size_t>(chunk->size()));
  }
  ARROW_RETURN_NOT_OK(in->Close());
  return out;
}

arrow::Status WriteGzipFile(const std::string& path, const std::string& contents) {
  ARROW_ASSIGN_OR_RAISE(auto codec, arrow::util::Codec::Create(arrow::Compression::GZIP));
  ARROW_ASSIGN_OR_RAISE(auto file, arrow::io::FileOutputStream::Open(path));
  ARROW_ASSIGN_OR_RAISE(auto out, arrow::io::CompressedOutputStream::Make(codec.get(), file));
  ARROW_RETURN_NOT_OK(out->Write(contents.data(), static_cast<int64_t>(contents.size())));
  return out->Close();
}

// Hive escapes control characters and "\"#%'*/:=?\\{[]^" as %XX.
std::string EscapePartitionValue(const std::string& value) {
  static const std::string kSpecial = "\"#%'*/:=?\\\x7f{[]^";
  std::string out;
  for (unsigned char c : value) {
    if (c < 0x20 || kSpecial.find(static_cast<char>(c)) != std::string::npos) {
      out += fmt::format("%{:02X}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string UnescapePartitionValue(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace spate
