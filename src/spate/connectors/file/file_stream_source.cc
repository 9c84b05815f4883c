// The streaming file source, as Spark's FileStreamSource: each trigger lists
// the source folder, picks the files not seen before (oldest first, or newest
// with latestFirst, within maxFilesPerTrigger / maxBytesPerTrigger), and
// records them as the next entry of its seen-files log before the batch is
// planned. The offset is that entry's number ({"logOffset":N}), so a batch
// run again after a crash reads exactly the files its entries list, and a
// restart never picks a logged file again.

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include <arrow/api.h>
#include <arrow/filesystem/filesystem.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/runtime_config.h"
#include "spate/common/strings.h"
#include "spate/connectors/file/file_listing.h"
#include "spate/connectors/file/file_log.h"
#include "spate/connectors/file/file_stream.h"
#include "spate/connectors/file/format_readers.h"
#include "spate/streaming/metadata_log.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace fs = std::filesystem;

namespace {

// "123" followed by an optional unit, as Spark's size and duration strings.
bool SplitNumber(const std::string& text, int64_t* number, std::string* unit) {
  std::string t = AsciiLower(text);
  t.erase(0, t.find_first_not_of(' '));
  t.erase(t.find_last_not_of(' ') + 1);
  size_t digits = 0;
  while (digits < t.size() && std::isdigit(static_cast<unsigned char>(t[digits]))) ++digits;
  if (digits == 0 || digits > 18) return false;
  *number = std::stoll(t.substr(0, digits));
  *unit = t.substr(digits);
  return true;
}

arrow::Status BadPositiveInteger(const std::string& value, const std::string& option) {
  return arrow::Status::Invalid(
      fmt::format("Invalid value '{}' for option '{}', must be a positive integer", value, option));
}

arrow::Result<std::optional<int64_t>> PositiveIntOption(const Options& options, const std::string& key) {
  auto v = options.Get(key);
  if (!v) return std::nullopt;
  int64_t n = 0;
  std::string unit;
  if (!SplitNumber(*v, &n, &unit) || !unit.empty() || n <= 0 || n > INT32_MAX) return BadPositiveInteger(*v, key);
  return n;
}

// maxBytesPerTrigger: bytes, or a size with a unit ("10m", "1g").
arrow::Result<std::optional<int64_t>> ByteSizeOption(const Options& options, const std::string& key) {
  auto v = options.Get(key);
  if (!v) return std::nullopt;
  static const std::map<std::string, int64_t> kUnits = {
      {"", 1}, {"b", 1}, {"k", 1LL << 10}, {"kb", 1LL << 10}, {"m", 1LL << 20}, {"mb", 1LL << 20},
      {"g", 1LL << 30}, {"gb", 1LL << 30}, {"t", 1LL << 40}, {"tb", 1LL << 40}};
  int64_t n = 0;
  std::string unit;
  if (!SplitNumber(*v, &n, &unit) || !kUnits.count(unit) || n <= 0) return BadPositiveInteger(*v, key);
  return n * kUnits.at(unit);
}

// maxFileAge: a duration ("7d", "1h", "500ms"; milliseconds without a unit).
arrow::Result<int64_t> DurationMsOption(const Options& options, const std::string& key, int64_t fallback) {
  auto v = options.Get(key);
  if (!v) return fallback;
  static const std::map<std::string, int64_t> kUnits = {
      {"", 1}, {"ms", 1}, {"s", 1000}, {"m", 60000}, {"min", 60000}, {"h", 3600000}, {"d", 86400000}};
  int64_t n = 0;
  std::string unit;
  if (!SplitNumber(*v, &n, &unit) || !kUnits.count(unit)) {
    return arrow::Status::Invalid(fmt::format(
        "Invalid value '{}' for option '{}': a time such as '7d', '1h' or '500ms' is expected.", *v, key));
  }
  return n * kUnits.at(unit);
}

arrow::Result<std::string> CleanSourceOption(const Options& options) {
  std::string mode = AsciiLower(options.Get("cleanSource", "off"));
  if (mode != "off" && mode != "archive" && mode != "delete") {
    return arrow::Status::Invalid(fmt::format(
        "Invalid mode for clean source option {}. Must be one of ARCHIVE,DELETE,OFF", options.Get("cleanSource", "")));
  }
  if (mode == "archive" && !options.Has("sourceArchiveDir")) {
    return arrow::Status::Invalid("Archive mode must be used with 'sourceArchiveDir' option.");
  }
  return mode;
}

std::string OffsetJson(int64_t log_offset) { return fmt::format("{{\"logOffset\":{}}}", log_offset); }

// {"logOffset":N}, or a bare number as older Spark checkpoints store it.
arrow::Result<int64_t> ParseOffset(const std::string& text) {
  std::string digits;
  size_t key = text.find("\"logOffset\"");
  size_t from = key == std::string::npos ? 0 : text.find(':', key) + 1;
  for (size_t i = from; i < text.size(); ++i) {
    char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '-' && digits.empty())) {
      digits += c;
    } else if (!digits.empty() || (c != ' ' && c != '"')) {
      break;
    }
  }
  try {
    if (!digits.empty()) return std::stoll(digits);
  } catch (const std::exception&) {
  }
  return arrow::Status::Invalid("[INVALID_CHECKPOINT] The file source's offset '", text,
                                "' is not a log offset: the checkpoint belongs to another source.");
}

struct Candidate {
  std::string path;
  int64_t timestamp_ms;
  int64_t size;
};

struct FileSourceConfig {
  const RuntimeConfig* conf = nullptr;  // the session's settings
  std::string format;
  std::string path;
  StructTypePtr schema;  // the stream's rows: data then partition columns
  std::vector<std::string> partition_columns;
  std::map<std::string, std::string> read_options;  // the format's parse options, keys lower case
  FileSourceOptions options;
  FileSystemPtr store;  // the object store holding `path`; null: a local path
};

// The data files under the source path now; a path that does not exist yet
// has none (the folder may be created after the query starts).
arrow::Result<std::vector<DataFile>> ListSourceFiles(const FileSourceConfig& config) {
  bool glob = config.path.find_first_of("*?[") != std::string::npos;
  if (!glob) {
    ARROW_ASSIGN_OR_RAISE(bool exists, PathExists(config.path, config.store));
    if (!exists) return std::vector<DataFile>{};
  }
  auto listed = ListDataFiles(*config.conf, {config.path});
  if (!listed.ok()) return glob ? std::vector<DataFile>{} : listed;
  std::vector<DataFile> files;
  for (auto& f : *listed) {
    std::string name = fs::path(f.path).filename().string();
    const std::string& filter = config.options.path_glob_filter;
    if (!filter.empty() && fnmatch(filter.c_str(), name.c_str(), 0) != 0) continue;
    files.push_back(std::move(f));
  }
  return files;
}

class FileStreamSource final : public StreamSource {
 public:
  FileStreamSource(const FileSourceConfig& config, const std::string& checkpoint_dir)
      : config_(config), log_(checkpoint_dir) {}

  // Loads the seen-files log: every file a batch has taken is seen.
  arrow::Status Init() {
    ARROW_ASSIGN_OR_RAISE(auto latest, log_.Latest());
    if (!latest) return arrow::Status::OK();
    current_offset_ = *latest;
    for (int64_t id = 0; id <= *latest; ++id) {
      ARROW_ASSIGN_OR_RAISE(auto entries, Entries(id));
      for (const auto& e : entries) MarkSeen(e.path, e.timestamp_ms);
    }
    return arrow::Status::OK();
  }

  StructTypePtr schema() const override { return config_.schema; }
  std::string description() const override { return "FileStreamSource[" + QualifiedPath(config_.path) + "]"; }

  arrow::Result<std::optional<std::string>> LatestOffset(const std::optional<std::string>&,
                                                         const ReadLimit& limit) override {
    ARROW_ASSIGN_OR_RAISE(auto picked, PickNewFiles(limit));
    if (!picked.empty()) {
      ++current_offset_;
      std::string entry = "v1";
      for (const auto& c : picked) {
        entry += "\n" + SourceFileEntryLine({c.path, c.timestamp_ms, current_offset_});
      }
      // Written before the engine plans the batch: a crash in between leaves
      // an entry the next run's batch picks up, never files read twice.
      ARROW_RETURN_NOT_OK(log_.Add(current_offset_, entry, /*overwrite=*/true));
      for (const auto& c : picked) MarkSeen(c.path, c.timestamp_ms);
    }
    if (current_offset_ < 0) return std::nullopt;
    return OffsetJson(current_offset_);
  }

  arrow::Status PrepareForAvailableNow() override {
    ARROW_ASSIGN_OR_RAISE(auto files, ListSourceFiles(config_));
    available_now_.emplace();
    for (const auto& f : files) available_now_->insert(f.path);
    seen_at_prepare_ = SeenOfAvailableNow();
    return arrow::Status::OK();
  }

  std::optional<InputBacklog> AvailableNowBacklog() const override {
    if (!available_now_) return std::nullopt;
    int64_t total = static_cast<int64_t>(available_now_->size()) - seen_at_prepare_;
    return InputBacklog{SeenOfAvailableNow() - seen_at_prepare_, total, "files"};
  }

  void ReadOnlyColumns(const std::vector<bool>& columns) override { columns_ = columns; }

  arrow::Result<std::shared_ptr<arrow::Table>> GetBatch(const std::optional<std::string>& start,
                                                        const std::string& end) override {
    int64_t first = 0;
    if (start) {
      ARROW_ASSIGN_OR_RAISE(int64_t s, ParseOffset(*start));
      first = s + 1;
    }
    ARROW_ASSIGN_OR_RAISE(int64_t last, ParseOffset(end));
    std::vector<DataFile> files;
    for (int64_t id = first; id <= last; ++id) {
      ARROW_ASSIGN_OR_RAISE(auto entries, Entries(id));
      for (const auto& e : entries) files.push_back({e.path, PartitionValues(e.path)});
    }
    ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*config_.schema));
    if (files.empty()) return arrow::Table::MakeEmpty(schema);
    ARROW_ASSIGN_OR_RAISE(FileTable read, ReadDataFiles(*config_.conf, config_.format, files, config_.schema,
                                                        config_.read_options, config_.partition_columns, columns_));
    return ConformTable(*read.table, *config_.schema);
  }

  // cleanSource: a committed batch's files are archived or deleted.
  arrow::Status Commit(const std::string& end) override {
    if (config_.options.clean_source == "off") return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(int64_t id, ParseOffset(end));
    ARROW_ASSIGN_OR_RAISE(auto entries, Entries(id));
    for (const auto& e : entries) CleanFile(e.path);
    return arrow::Status::OK();
  }

 private:
  int64_t SeenOfAvailableNow() const {
    int64_t seen = 0;
    for (const auto& path : *available_now_) seen += static_cast<int64_t>(seen_.count(SeenKey(path)));
    return seen;
  }

  arrow::Result<std::vector<SourceFileEntry>> Entries(int64_t id) const {
    ARROW_ASSIGN_OR_RAISE(auto text, log_.Get(id));
    if (!text) {
      return arrow::Status::Invalid("[INVALID_CHECKPOINT] The file source's log ", log_.dir(), " has no entry ",
                                    id, ": the checkpoint is incomplete.");
    }
    return ParseSourceFileEntries(*text, (fs::path(log_.dir()) / std::to_string(id)).string());
  }

  std::string SeenKey(const std::string& path) const {
    return config_.options.file_name_only ? fs::path(path).filename().string() : path;
  }

  void MarkSeen(const std::string& path, int64_t timestamp_ms) {
    seen_[SeenKey(path)] = timestamp_ms;
    latest_seen_ms_ = std::max(latest_seen_ms_, timestamp_ms);
  }

  // maxFileAge counts back from the newest file seen, not from the clock; it
  // does not apply when latestFirst takes a bounded number of files.
  bool IsNew(const Candidate& c) const {
    if (seen_.count(SeenKey(c.path))) return false;
    if (available_now_ && !available_now_->count(c.path)) return false;
    bool age_applies = !(config_.options.latest_first && config_.options.max_files_per_trigger);
    return !age_applies || seen_.empty() || c.timestamp_ms >= latest_seen_ms_ - config_.options.max_file_age_ms;
  }

  arrow::Result<std::vector<Candidate>> PickNewFiles(const ReadLimit& limit) const {
    ARROW_ASSIGN_OR_RAISE(auto files, ListSourceFiles(config_));
    std::vector<Candidate> fresh;
    for (const auto& f : files) {
      auto status = StatFile(f.path, config_.store);
      if (!status.ok()) continue;  // removed while listing
      Candidate c{f.path, status->modification_ms, status->size};
      if (IsNew(c)) fresh.push_back(std::move(c));
    }
    std::stable_sort(fresh.begin(), fresh.end(), [&](const Candidate& a, const Candidate& b) {
      if (a.timestamp_ms != b.timestamp_ms) {
        return config_.options.latest_first ? a.timestamp_ms > b.timestamp_ms : a.timestamp_ms < b.timestamp_ms;
      }
      return a.path < b.path;
    });
    if (limit.all_available) return fresh;
    return Limit(std::move(fresh));
  }

  // maxFilesPerTrigger / maxBytesPerTrigger; a batch takes at least one file.
  std::vector<Candidate> Limit(std::vector<Candidate> files) const {
    const auto& o = config_.options;
    if (o.max_files_per_trigger && static_cast<int64_t>(files.size()) > *o.max_files_per_trigger) {
      files.resize(static_cast<size_t>(*o.max_files_per_trigger));
    }
    if (o.max_bytes_per_trigger) {
      size_t keep = 0;
      int64_t bytes = 0;
      while (keep < files.size() && (keep == 0 || bytes + files[keep].size <= *o.max_bytes_per_trigger)) {
        bytes += files[keep++].size;
      }
      files.resize(keep);
    }
    return files;
  }

  std::vector<std::pair<std::string, std::string>> PartitionValues(const std::string& file) const {
    if (config_.options.recursive_file_lookup || !IsDirectory(config_.path)) return {};
    return PartitionValuesOf(config_.path, file);
  }

  bool IsDirectory(const std::string& path) const {
    if (config_.store) {
      auto info = config_.store->GetFileInfo(ObjectPathOf(path));
      return info.ok() && info->IsDirectory();
    }
    std::error_code ec;
    return fs::is_directory(path, ec);
  }

  // Archived files keep their full path under the archive folder, as Spark's
  // (on S3, the key under the archive prefix: a copy, then a delete). Failures
  // are left alone, as Spark only logs them.
  void CleanFile(const std::string& path) const {
    std::error_code ec;
    if (config_.store) {
      std::string object = ObjectPathOf(path);
      if (config_.options.clean_source == "delete") {
        (void)config_.store->DeleteFile(object);
        return;
      }
      std::string key = object.substr(object.find('/') + 1);
      (void)config_.store->Move(object, ObjectPathOf(JoinPath(config_.options.source_archive_dir, key)));
      return;
    }
    if (config_.options.clean_source == "delete") {
      fs::remove(path, ec);
      return;
    }
    fs::path target = fs::path(config_.options.source_archive_dir) / fs::path(path).relative_path();
    fs::create_directories(target.parent_path(), ec);
    fs::rename(path, target, ec);
  }

  FileSourceConfig config_;
  std::vector<bool> columns_;  // of the schema, those the query reads (empty: all)
  MetadataLog log_;
  std::map<std::string, int64_t> seen_;
  int64_t latest_seen_ms_ = 0;
  int64_t current_offset_ = -1;
  std::optional<std::set<std::string>> available_now_;
  int64_t seen_at_prepare_ = 0;  // of available_now_, seen by earlier runs
};

class FileStreamSourceFactory final : public StreamSourceFactory {
 public:
  explicit FileStreamSourceFactory(FileSourceConfig config) : config_(std::move(config)) {}
  StructTypePtr schema() const override { return config_.schema; }
  std::string name() const override { return "FileSource[" + config_.path + "]"; }
  arrow::Result<std::shared_ptr<StreamSource>> Create(const std::string& checkpoint_dir) override {
    auto source = std::make_shared<FileStreamSource>(config_, checkpoint_dir);
    ARROW_RETURN_NOT_OK(source->Init());
    return source;
  }

 private:
  FileSourceConfig config_;
};

arrow::Status SchemaNotSpecified() {
  return arrow::Status::Invalid(
      "Schema must be specified when creating a streaming source DataFrame. If some files already exist in "
      "the directory, then depending on the file format you may be able to create a static DataFrame on "
      "that directory with 'spark.read.load(directory)' and infer schema from it.");
}

// The stream's schema: the user's; text's fixed one; or, with
// spark.sql.streaming.schemaInference, the files present at load time.
arrow::Status ResolveSchema(const SourceRequest& request, FileSourceConfig* config) {
  ARROW_ASSIGN_OR_RAISE(auto existing, ListSourceFiles(*config));
  std::set<std::string> partitions;
  if (!config->options.recursive_file_lookup) {
    for (const auto& f : existing) {
      for (const auto& [k, v] : f.partition_values) {
        if (partitions.insert(AsciiLower(k)).second) config->partition_columns.push_back(k);
      }
    }
  }
  if (request.user_schema) {
    config->schema = request.user_schema;
    return arrow::Status::OK();
  }
  if (config->format == "text") {
    config->schema = types::Struct({{"value", types::String(), true}});
    return arrow::Status::OK();
  }
  bool infer = AsciiLower(request.conf->Get("spark.sql.streaming.schemaInference", "false")) == "true";
  if (!infer) return SchemaNotSpecified();
  if (existing.empty()) {
    return UnableToInferSchema(config->format == "json"  ? "JSON"
                               : config->format == "csv" ? "CSV"
                               : config->format == "avro" ? "Avro"
                                                          : "Parquet");
  }
  ARROW_ASSIGN_OR_RAISE(FileTable read, ReadDataFiles(*request.conf, config->format, existing, nullptr,
                                                      config->read_options, config->partition_columns));
  config->schema = read.schema;
  return arrow::Status::OK();
}

}  // namespace

arrow::Result<FileSourceOptions> ParseFileSourceOptions(const Options& options) {
  FileSourceOptions o;
  ARROW_ASSIGN_OR_RAISE(o.max_files_per_trigger, PositiveIntOption(options, "maxFilesPerTrigger"));
  ARROW_ASSIGN_OR_RAISE(o.max_bytes_per_trigger, ByteSizeOption(options, "maxBytesPerTrigger"));
  if (o.max_files_per_trigger && o.max_bytes_per_trigger) {
    return arrow::Status::Invalid(
        "Options 'maxFilesPerTrigger' and 'maxBytesPerTrigger' can't be both set at the same time");
  }
  ARROW_ASSIGN_OR_RAISE(o.latest_first, options.GetBool("latestFirst", false));
  ARROW_ASSIGN_OR_RAISE(o.file_name_only, options.GetBool("fileNameOnly", false));
  ARROW_ASSIGN_OR_RAISE(o.recursive_file_lookup, options.GetBool("recursiveFileLookup", false));
  ARROW_ASSIGN_OR_RAISE(o.max_file_age_ms, DurationMsOption(options, "maxFileAge", o.max_file_age_ms));
  ARROW_ASSIGN_OR_RAISE(o.clean_source, CleanSourceOption(options));
  o.source_archive_dir = options.Get("sourceArchiveDir", "");
  o.path_glob_filter = options.Get("pathGlobFilter", "");
  return o;
}

// Spark archives by a rename, within the source's file system only: on S3, in its bucket.
static arrow::Status CheckArchiveOnSameStore(const std::string& source, const std::string& archive) {
  auto bucket = [](const std::string& uri) {
    std::string object = ObjectPathOf(uri);
    return object.substr(0, object.find('/'));
  };
  if (IsObjectStorePath(archive) && bucket(archive) == bucket(source)) return arrow::Status::OK();
  return arrow::Status::Invalid(fmt::format(
      "Base archive path is located on a different file system than the source files. source path: {} / "
      "base archive path: {}",
      source, archive));
}

arrow::Result<std::shared_ptr<StreamSourceFactory>> MakeFileStreamSource(const std::string& format,
                                                                         const SourceRequest& request) {
  auto path = request.path ? request.path : request.options.Get("path");
  if (!path || path->empty()) return arrow::Status::Invalid("'path' is not specified");
  ARROW_RETURN_NOT_OK(CheckFilePath(*path, "path"));
  FileSourceConfig config;
  config.conf = request.conf;
  config.format = format;
  config.path = *path;
  ARROW_ASSIGN_OR_RAISE(config.store, FileSystemFor(*request.conf, *path));
  if (config.store) ARROW_RETURN_NOT_OK(CheckBucketExists(config.store, *path));
  // As Spark, a source folder that does not exist is refused when the stream is
  // defined (a glob may match files later).
  bool glob = path->find_first_of("*?[") != std::string::npos;
  if (!glob && (path->find('\0') != std::string::npos || !PathExists(*path, config.store).ValueOr(false))) {
    return SparkError("PATH_NOT_FOUND", "42K03", fmt::format("Path does not exist: {}.", *path));
  }
  ARROW_ASSIGN_OR_RAISE(config.options, ParseFileSourceOptions(request.options));
  if (config.store && config.options.clean_source == "archive") {
    ARROW_RETURN_NOT_OK(CheckArchiveOnSameStore(*path, config.options.source_archive_dir));
  }
  config.read_options = request.options.all();
  ARROW_RETURN_NOT_OK(ResolveSchema(request, &config));
  return std::make_shared<FileStreamSourceFactory>(std::move(config));
}

void RegisterFileConnectors(std::map<std::string, StreamingFormat>& formats) {
  for (const std::string format : {"parquet", "json", "csv", "text", "avro"}) {
    auto& f = formats[format];
    f.source = [format](const SourceRequest& r) { return MakeFileStreamSource(format, r); };
    f.sink = [format](const SinkRequest& r) { return MakeFileStreamSink(format, r); };
  }
}

}  // namespace spate
