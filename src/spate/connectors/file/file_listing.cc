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
#include <arrow/filesystem/filesystem.h>
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

// The objects below `root` (an object name "bucket/dir") as a directory's data
// files: hidden names skipped at any level, `col=value` levels as partitions.
arrow::Status CollectObjectDirectory(const FileSystemPtr& store, const std::string& uri,
                                     const std::string& root, std::vector<DataFile>* out) {
  arrow::fs::FileSelector selector;
  selector.base_dir = root;
  selector.recursive = true;
  ARROW_ASSIGN_OR_RAISE(auto infos, store->GetFileInfo(selector));
  std::sort(infos.begin(), infos.end(), [](const auto& a, const auto& b) { return a.path() < b.path(); });
  for (const auto& info : infos) {
    if (!info.IsFile()) continue;
    std::string relative = info.path().substr(root.size() + 1);
    std::vector<std::pair<std::string, std::string>> parts;
    bool hidden = false;
    for (size_t start = 0; start <= relative.size();) {
      size_t end = std::min(relative.find('/', start), relative.size());
      std::string name = relative.substr(start, end - start);
      hidden = hidden || IsHidden(name);
      if (end < relative.size()) {
        if (auto p = PartitionOf(name)) parts.push_back(*p);
      }
      start = end + 1;
    }
    if (!hidden) out->push_back({ObjectUriOf(uri, info.path()), std::move(parts)});
  }
  return arrow::Status::OK();
}

// The object names a glob in the last component of `root` matches.
arrow::Result<std::vector<std::string>> ExpandObjectGlob(const FileSystemPtr& store, const std::string& root) {
  std::vector<std::string> matches;
  size_t slash = root.rfind('/');
  if (slash == std::string::npos) return matches;
  arrow::fs::FileSelector selector;
  selector.base_dir = root.substr(0, slash);
  selector.allow_not_found = true;
  ARROW_ASSIGN_OR_RAISE(auto infos, store->GetFileInfo(selector));
  std::string glob = root.substr(slash + 1);
  for (const auto& info : infos) {
    if (fnmatch(glob.c_str(), info.base_name().c_str(), 0) == 0) matches.push_back(info.path());
  }
  std::sort(matches.begin(), matches.end());
  return matches;
}

// The data files of an object store URI: an object, or the objects under a prefix.
arrow::Status CollectObjects(const RuntimeConfig& conf, const std::string& uri, std::vector<DataFile>* out) {
  ARROW_ASSIGN_OR_RAISE(FileSystemPtr store, FileSystemFor(conf, uri));
  std::string root = ObjectPathOf(uri);
  std::vector<std::string> roots{root};
  if (HasGlob(root)) {
    auto expanded = ExpandObjectGlob(store, root);
    if (!expanded.ok()) return ObjectStoreError(uri, expanded.status());
    roots = *std::move(expanded);
  }
  bool found = false;
  for (const auto& r : roots) {
    auto info = store->GetFileInfo(r);
    if (!info.ok()) return ObjectStoreError(uri, info.status());
    if (info->IsFile()) {
      out->push_back({ObjectUriOf(uri, r), {}});
    } else if (info->IsDirectory()) {
      // A folder a streaming file sink wrote: only the files its log committed.
      ARROW_ASSIGN_OR_RAISE(auto logged, ReadSinkLogFiles(ObjectUriOf(uri, r), store));
      if (logged && !HasGlob(root)) {
        for (const auto& path : *logged) out->push_back({path, PartitionValuesOf(ObjectUriOf(uri, r), path)});
      } else {
        ARROW_RETURN_NOT_OK(ObjectStoreError(uri, CollectObjectDirectory(store, uri, r, out)));
      }
    }
    found = found || info->type() != arrow::fs::FileType::NotFound;
  }
  if (found) return arrow::Status::OK();
  ARROW_RETURN_NOT_OK(CheckBucketExists(store, uri));
  return PathNotFound(uri);
}

// An object store result with its URI named in the error.
arrow::Result<std::string> NamingUri(const std::string& uri, arrow::Result<std::string> result) {
  if (!result.ok()) return ObjectStoreError(uri, result.status());
  return result;
}

arrow::Result<std::string> ReadStream(arrow::io::InputStream* in) {
  std::string out;
  while (true) {
    ARROW_ASSIGN_OR_RAISE(auto chunk, in->Read(1 << 20));
    if (chunk->size() == 0) break;
    out.append(reinterpret_cast<const char*>(chunk->data()), static_cast<size_t>(chunk->size()));
  }
  ARROW_RETURN_NOT_OK(in->Close());
  return out;
}

// A gzip-compressed object's text.
arrow::Result<std::string> ReadGzipObject(const std::string& uri, const FileSystemPtr& store) {
  ARROW_ASSIGN_OR_RAISE(auto codec, arrow::util::Codec::Create(arrow::Compression::GZIP));
  ARROW_ASSIGN_OR_RAISE(auto object, store->OpenInputStream(ObjectPathOf(uri)));
  ARROW_ASSIGN_OR_RAISE(auto in, arrow::io::CompressedInputStream::Make(codec.get(), object));
  return ReadStream(in.get());
}

arrow::Status WriteGzipObject(const std::string& uri, const std::string& contents, const FileSystemPtr& store) {
  ARROW_ASSIGN_OR_RAISE(auto codec, arrow::util::Codec::Create(arrow::Compression::GZIP));
  ARROW_ASSIGN_OR_RAISE(auto object, store->OpenOutputStream(ObjectPathOf(uri)));
  ARROW_ASSIGN_OR_RAISE(auto out, arrow::io::CompressedOutputStream::Make(codec.get(), object));
  ARROW_RETURN_NOT_OK(out->Write(contents.data(), static_cast<int64_t>(contents.size())));
  return out->Close();
}

}  // namespace

std::vector<std::pair<std::string, std::string>> PartitionValuesOf(const std::string& root,
                                                                   const std::string& file) {
  std::vector<std::pair<std::string, std::string>> values;
  if (IsObjectStorePath(root)) {  // URIs: the levels between them by name, not as local paths
    std::string dir = ObjectPathOf(root) + "/";
    std::string name = ObjectPathOf(file);
    if (!name.starts_with(dir)) return values;
    std::string relative = name.substr(dir.size());
    for (size_t slash = relative.find('/'); slash != std::string::npos; slash = relative.find('/')) {
      if (auto p = PartitionOf(relative.substr(0, slash))) values.push_back(*p);
      relative = relative.substr(slash + 1);
    }
    return values;
  }
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

arrow::Result<std::vector<DataFile>> ListDataFiles(const RuntimeConfig& conf, const std::vector<std::string>& paths) {
  std::vector<DataFile> files;
  for (const auto& path : paths) {
    if (IsObjectStorePath(path)) {
      ARROW_RETURN_NOT_OK(CollectObjects(conf, path, &files));
    } else {
      ARROW_ASSIGN_OR_RAISE(auto local, ListDataFiles(std::vector<std::string>{path}));
      files.insert(files.end(), std::make_move_iterator(local.begin()), std::make_move_iterator(local.end()));
    }
  }
  return files;
}

std::string QualifiedPath(const std::string& path) {
  if (IsObjectStorePath(path)) return path.ends_with('/') ? path.substr(0, path.size() - 1) : path;
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
          "No FileSystem for scheme \"{}\" (the {} {}). Spate reads and writes local paths and "
          "object stores: S3 (s3a://, s3://, s3n://), Google Cloud Storage (gs://) and Azure "
          "(abfs://, abfss://); HDFS is not supported yet.",
          scheme, what, path));
    }
  }
  return arrow::Status::OK();
}

arrow::Status CheckFilePath(const std::string& path, const std::string& what) {
  return IsObjectStorePath(path) ? arrow::Status::OK() : CheckLocalPath(path, what);
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

arrow::Result<std::string> ReadWholeFile(const std::string& path, const FileSystemPtr& store) {
  if (store) return ReadObject(store, path);
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return arrow::Status::IOError("cannot open ", path);
  std::streamoff size = in.tellg();
  if (size < 0) {  // not a regular file: read to its end
    std::ostringstream buffer;
    in.seekg(0);
    buffer << in.rdbuf();
    return buffer.str();
  }
  // Read straight into a string of the file's size, not through a growing buffer.
  std::string text(static_cast<size_t>(size), '\0');
  in.seekg(0);
  in.read(text.data(), size);
  if (in.bad()) return arrow::Status::IOError("cannot read ", path);
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

arrow::Status WriteWholeFile(const std::string& path, const std::string& contents, const FileSystemPtr& store) {
  if (store) return WriteObject(store, path, contents);
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

arrow::Result<std::string> ReadTextFile(const std::string& path, const FileSystemPtr& store) {
  if (store) return path.ends_with(".gz") ? NamingUri(path, ReadGzipObject(path, store)) : ReadObject(store, path);
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

arrow::Status WriteGzipFile(const std::string& path, const std::string& contents, const FileSystemPtr& store) {
  if (store) return ObjectStoreError(path, WriteGzipObject(path, contents, store));
  ARROW_ASSIGN_OR_RAISE(auto codec, arrow::util::Codec::Create(arrow::Compression::GZIP));
  ARROW_ASSIGN_OR_RAISE(auto file, arrow::io::FileOutputStream::Open(path));
  ARROW_ASSIGN_OR_RAISE(auto out, arrow::io::CompressedOutputStream::Make(codec.get(), file));
  ARROW_RETURN_NOT_OK(out->Write(contents.data(), static_cast<int64_t>(contents.size())));
  return out->Close();
}

arrow::Result<bool> PathExists(const std::string& path, const FileSystemPtr& store) {
  if (!store) {
    std::error_code ec;
    return fs::exists(path, ec);
  }
  auto info = store->GetFileInfo(ObjectPathOf(path));
  if (!info.ok()) return ObjectStoreError(path, info.status());
  return info->type() != arrow::fs::FileType::NotFound;
}

arrow::Status RemoveAll(const std::string& path, const FileSystemPtr& store) {
  if (!store) {
    std::error_code ec;
    fs::remove_all(path, ec);
    if (ec) return arrow::Status::IOError("cannot remove ", path, ": ", ec.message());
    return arrow::Status::OK();
  }
  std::string name = ObjectPathOf(path);
  auto info = store->GetFileInfo(name);
  if (!info.ok()) return ObjectStoreError(path, info.status());
  if (info->IsFile()) return ObjectStoreError(path, store->DeleteFile(name));
  if (info->IsDirectory()) return ObjectStoreError(path, store->DeleteDir(name));
  return arrow::Status::OK();
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
