#include "spate/connectors/file/file_log.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>

#include <arrow/filesystem/filesystem.h>
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "spate/common/atomic_file.h"

namespace spate {

namespace fs = std::filesystem;

namespace {

// Hadoop's local file system reports this block size for every file.
constexpr int64_t kLocalBlockSize = 33554432;

std::string JsonString(const std::string& s) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  return buffer.GetString();
}

// The lines of an entry after its version line; an unknown version is refused
// rather than misread.
arrow::Result<std::vector<std::string>> EntryLines(const std::string& text, const std::string& where) {
  std::istringstream in(text);
  std::string line;
  std::vector<std::string> lines;
  if (!std::getline(in, line) || line != "v1") {
    return arrow::Status::Invalid("[INVALID_CHECKPOINT] The log entry ", where, " has version '", line,
                                  "'; this version of Spate reads version v1 only.");
  }
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

arrow::Result<rapidjson::Document> ParseLine(const std::string& line, const std::string& where) {
  rapidjson::Document doc;
  doc.Parse(line.c_str(), line.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("path") || !doc["path"].IsString()) {
    return arrow::Status::Invalid("[INVALID_CHECKPOINT] Malformed file log line in ", where, ": ", line);
  }
  return doc;
}

// A log file name as a batch number and whether it is a compacted entry;
// nullopt for other names (temp files).
std::optional<std::pair<int64_t, bool>> LogFileBatch(const std::string& name) {
  std::string digits = name;
  bool compact = false;
  if (digits.ends_with(".compact")) {
    digits.resize(digits.size() - 8);
    compact = true;
  }
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::make_pair(std::stoll(digits), compact);
}

// The entry names in a sink log folder; nullopt when there is no such folder.
arrow::Result<std::optional<std::vector<std::string>>> LogEntryNames(const std::string& log_dir,
                                                                     const FileSystemPtr& store) {
  std::vector<std::string> names;
  if (store) {
    arrow::fs::FileSelector selector;
    selector.base_dir = ObjectPathOf(log_dir);
    selector.allow_not_found = true;
    auto infos = store->GetFileInfo(selector);
    if (!infos.ok()) return ObjectStoreError(log_dir, infos.status());
    if (infos->empty()) return std::nullopt;
    for (const auto& info : *infos) names.push_back(info.base_name());
    return names;
  }
  std::error_code ec;
  if (!fs::is_directory(log_dir, ec)) return std::nullopt;
  for (const auto& e : fs::directory_iterator(log_dir, ec)) names.push_back(e.path().filename().string());
  return names;
}

}  // namespace

std::string ToFileUri(const std::string& path) {
  if (IsObjectStorePath(path)) return path;  // already a URI
  std::error_code ec;
  return "file://" + fs::absolute(path, ec).lexically_normal().string();
}

std::string FromFileUri(const std::string& uri) {
  if (!uri.starts_with("file:")) return uri;
  std::string rest = uri.substr(5);
  // "file:///p" and "file:/p" both name /p.
  if (rest.starts_with("//")) rest = rest.substr(2);
  return rest;
}

arrow::Result<FileStatus> StatFile(const std::string& path, const FileSystemPtr& store) {
  if (!store) return StatFile(path);
  auto info = store->GetFileInfo(ObjectPathOf(path));
  if (!info.ok()) return ObjectStoreError(path, info.status());
  FileStatus status;
  status.size = info->size();
  status.modification_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               info->mtime().time_since_epoch()).count();
  return status;
}

arrow::Result<FileStatus> StatFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return arrow::Status::IOError("cannot stat ", path, ": ", std::strerror(errno));
  }
  FileStatus status;
  status.size = static_cast<int64_t>(st.st_size);
  status.modification_ms = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
  return status;
}

std::string SinkFileLine(const std::string& path, const FileStatus& status) {
  return fmt::format(
      "{{\"path\":{},\"size\":{},\"isDir\":false,\"modificationTime\":{},\"blockReplication\":1,"
      "\"blockSize\":{},\"action\":\"add\"}}",
      JsonString(ToFileUri(path)), status.size, status.modification_ms, kLocalBlockSize);
}

arrow::Result<std::optional<std::vector<std::string>>> ReadSinkLogFiles(const std::string& dir) {
  return ReadSinkLogFiles(dir, nullptr);
}

arrow::Result<std::optional<std::vector<std::string>>> ReadSinkLogFiles(const std::string& dir,
                                                                        const FileSystemPtr& store) {
  std::string log_dir = store ? JoinPath(dir, kSinkMetadataDir) : (fs::path(dir) / kSinkMetadataDir).string();
  ARROW_ASSIGN_OR_RAISE(auto names, LogEntryNames(log_dir, store));
  if (!names) return std::nullopt;
  // A compacted entry holds every file up to its batch, so reading starts at
  // the latest one.
  std::vector<std::pair<int64_t, bool>> batches;
  for (const auto& name : *names) {
    if (auto b = LogFileBatch(name)) batches.push_back(*b);
  }
  std::sort(batches.begin(), batches.end());
  size_t first = 0;
  for (size_t i = 0; i < batches.size(); ++i) {
    if (batches[i].second) first = i;
  }
  std::vector<std::string> files;
  std::set<std::string> deleted;
  for (size_t i = first; i < batches.size(); ++i) {
    std::string name = std::to_string(batches[i].first) + (batches[i].second ? ".compact" : "");
    std::string where = store ? JoinPath(log_dir, name) : (fs::path(log_dir) / name).string();
    ARROW_ASSIGN_OR_RAISE(std::string text, store ? ReadObject(store, where) : ReadFileToString(where));
    ARROW_ASSIGN_OR_RAISE(auto lines, EntryLines(text, where));
    for (const auto& line : lines) {
      ARROW_ASSIGN_OR_RAISE(auto doc, ParseLine(line, where));
      std::string path = FromFileUri(doc["path"].GetString());
      bool is_delete = doc.HasMember("action") && doc["action"].IsString() &&
                       std::string(doc["action"].GetString()) == "delete";
      if (is_delete) {
        deleted.insert(path);
      } else {
        files.push_back(path);
      }
    }
  }
  std::vector<std::string> live;
  std::set<std::string> seen;
  for (const auto& f : files) {
    if (!deleted.count(f) && seen.insert(f).second) live.push_back(f);
  }
  return live;
}

std::string SourceFileEntryLine(const SourceFileEntry& entry) {
  return fmt::format("{{\"path\":{},\"timestamp\":{},\"batchId\":{}}}", JsonString(ToFileUri(entry.path)),
                     entry.timestamp_ms, entry.batch_id);
}

arrow::Result<std::vector<SourceFileEntry>> ParseSourceFileEntries(const std::string& text,
                                                                   const std::string& where) {
  ARROW_ASSIGN_OR_RAISE(auto lines, EntryLines(text, where));
  std::vector<SourceFileEntry> entries;
  for (const auto& line : lines) {
    ARROW_ASSIGN_OR_RAISE(auto doc, ParseLine(line, where));
    SourceFileEntry e;
    e.path = FromFileUri(doc["path"].GetString());
    if (doc.HasMember("timestamp") && doc["timestamp"].IsInt64()) e.timestamp_ms = doc["timestamp"].GetInt64();
    if (doc.HasMember("batchId") && doc["batchId"].IsInt64()) e.batch_id = doc["batchId"].GetInt64();
    entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace spate
