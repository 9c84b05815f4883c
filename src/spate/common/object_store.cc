#include "spate/common/object_store.h"

#include <cctype>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>

#include <arrow/buffer.h>
#include <arrow/filesystem/filesystem.h>
#include <arrow/filesystem/s3fs.h>
#include <arrow/io/interfaces.h>
#include <fmt/format.h>

#include "spate/common/azure_conditional_put.h"
#include "spate/common/azure_store.h"
#include "spate/common/gcs_conditional_put.h"
#include "spate/common/gcs_store.h"
#include "spate/common/runtime_config.h"
#include "spate/common/s3_conditional_put.h"
#include "spate/common/strings.h"

namespace spate {

namespace {

constexpr const char* kPrefix = "spark.hadoop.fs.s3a.";

enum class Store { kNone, kS3, kGcs, kAzure };

bool HasScheme(const std::string& path, const std::string& scheme) {
  return path.size() >= scheme.size() && AsciiLower(path.substr(0, scheme.size())) == scheme;
}

Store StoreOf(const std::string& path) {
  for (const char* scheme : {"s3a://", "s3n://", "s3://"}) {
    if (HasScheme(path, scheme)) return Store::kS3;
  }
  if (HasScheme(path, "gs://")) return Store::kGcs;
  if (HasScheme(path, "abfs://") || HasScheme(path, "abfss://")) return Store::kAzure;
  return Store::kNone;
}

// The scheme's length including "://" for an object store URI, 0 for anything else.
size_t SchemeLength(const std::string& path) {
  return StoreOf(path) == Store::kNone ? 0 : path.find("://") + 3;
}

// The bucket (S3, GCS) or container (Azure) of an object store URI.
std::string BucketOf(const std::string& uri) {
  std::string rest = ObjectPathOf(uri);
  return rest.substr(0, rest.find('/'));
}

// An fs.s3a setting (`key` without the "fs.s3a." prefix): the bucket's own
// fs.s3a.bucket.<bucket>.<key> first, as Hadoop's per-bucket configuration.
std::optional<std::string> Setting(const RuntimeConfig& conf, const std::string& bucket, const std::string& key) {
  if (auto v = conf.Get(kPrefix + std::string("bucket.") + bucket + "." + key); v && !v->empty()) return v;
  if (auto v = conf.Get(kPrefix + key); v && !v->empty()) return v;
  return std::nullopt;
}

// A Hadoop duration: a number of milliseconds, or with a unit ("5s", "200ms", "1m").
arrow::Result<double> Seconds(const std::string& key, const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.')) {
    ++digits;
  }
  std::string unit = AsciiLower(text.substr(digits));
  double value = digits == 0 ? -1 : std::atof(text.substr(0, digits).c_str());
  if (value >= 0 && (unit.empty() || unit == "ms")) return value / 1000;
  if (value >= 0 && unit == "s") return value;
  if (value >= 0 && unit == "m") return value * 60;
  return arrow::Status::Invalid(fmt::format("{}{} must be a duration such as 5s or 5000 (milliseconds), got '{}'.",
                                            kPrefix, key, text));
}

bool Flag(const RuntimeConfig& conf, const std::string& bucket, const std::string& key, bool fallback) {
  auto v = Setting(conf, bucket, key);
  return v ? AsciiLower(*v) == "true" : fallback;
}

bool HasAwsEnvironmentCredentials() {
  for (const char* name : {"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') return true;
  }
  return false;
}

arrow::Status Credentials(const RuntimeConfig& conf, const std::string& bucket, const std::string& uri,
                          arrow::fs::S3Options* options) {
  auto access = Setting(conf, bucket, "access.key");
  auto secret = Setting(conf, bucket, "secret.key");
  std::string provider = Setting(conf, bucket, "aws.credentials.provider").value_or("");
  if (access && secret) {
    options->ConfigureAccessKey(*access, *secret, Setting(conf, bucket, "session.token").value_or(""));
  } else if (provider.find("Anonymous") != std::string::npos) {
    options->ConfigureAnonymousCredentials();
  } else if (HasAwsEnvironmentCredentials()) {
    options->ConfigureDefaultCredentials();
  } else {
    return arrow::Status::Invalid(fmt::format(
        "No credentials for {}: set {}access.key and {}secret.key (or the AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY environment variables), or {}aws.credentials.provider to "
        "org.apache.hadoop.fs.s3a.AnonymousAWSCredentialsProvider for a public bucket.",
        uri, kPrefix, kPrefix, kPrefix));
  }
  return arrow::Status::OK();
}

// The endpoint setting: "http://host:port", "https://host", or "host[:port]" (then
// fs.s3a.connection.ssl.enabled picks the scheme, https by default).
void Endpoint(const RuntimeConfig& conf, const std::string& bucket, arrow::fs::S3Options* options) {
  bool ssl = Flag(conf, bucket, "connection.ssl.enabled", true);
  options->scheme = ssl ? "https" : "http";
  auto endpoint = Setting(conf, bucket, "endpoint");
  if (!endpoint) return;
  std::string e = *endpoint;
  for (const char* scheme : {"http", "https"}) {
    std::string prefix = std::string(scheme) + "://";
    if (AsciiLower(e).starts_with(prefix)) {
      options->scheme = scheme;
      e = e.substr(prefix.size());
    }
  }
  while (!e.empty() && e.back() == '/') e.pop_back();
  options->endpoint_override = e;
  // Hadoop addresses buckets by virtual host unless path style access is set;
  // Arrow uses path style for an endpoint unless told otherwise.
  options->force_virtual_addressing = !Flag(conf, bucket, "path.style.access", false);
}

arrow::Result<arrow::fs::S3Options> OptionsFor(const RuntimeConfig& conf, const std::string& uri) {
  std::string bucket = BucketOf(uri);
  if (bucket.empty()) return arrow::Status::Invalid(fmt::format("The path {} names no bucket.", uri));
  arrow::fs::S3Options options;
  ARROW_RETURN_NOT_OK(Credentials(conf, bucket, uri, &options));
  Endpoint(conf, bucket, &options);
  options.region = Setting(conf, bucket, "endpoint.region").value_or("us-east-1");
  // Short timeouts and few attempts: an unreachable endpoint fails in seconds, not minutes.
  ARROW_ASSIGN_OR_RAISE(options.connect_timeout,
                        Seconds("connection.establish.timeout",
                                Setting(conf, bucket, "connection.establish.timeout").value_or("5s")));
  ARROW_ASSIGN_OR_RAISE(options.request_timeout,
                        Seconds("connection.timeout", Setting(conf, bucket, "connection.timeout").value_or("60s")));
  int attempts = std::atoi(Setting(conf, bucket, "attempts.maximum").value_or("3").c_str());
  options.retry_strategy = arrow::fs::S3RetryStrategy::GetAwsStandardRetryStrategy(attempts < 1 ? 1 : attempts);
  return options;
}

// The settings a file system is made from, as one string: equal strings share a
// file system. (Read from the settings, not from the options: asking options for
// their keys may query a credentials provider.)
std::string CacheKey(const RuntimeConfig& conf, const std::string& bucket) {
  std::string key;
  for (const char* name : {"endpoint", "connection.ssl.enabled", "access.key", "secret.key", "session.token",
                           "aws.credentials.provider", "path.style.access", "endpoint.region",
                           "connection.establish.timeout", "connection.timeout", "attempts.maximum"}) {
    key += Setting(conf, bucket, name).value_or("") + '\n';
  }
  return key;
}

// The file systems made so far, shared by equal settings. Never destroyed: the
// exit handler below uses it after static destructors may have run.
struct S3State {
  std::mutex mutex;
  std::map<std::string, FileSystemPtr> file_systems;
  bool exit_handler_registered = false;
};

S3State& State() {
  static auto* state = new S3State();
  return *state;
}

// At exit the file systems are dropped and the AWS SDK shut down (Arrow requires it
// before the process ends). Registered after the first file system is made, so that
// it runs before the destructors of the statics Arrow's S3 code made up to then.
void FinalizeAtExit() {
  {
    std::lock_guard<std::mutex> lock(State().mutex);
    State().file_systems.clear();
  }
  (void)arrow::fs::EnsureS3Finalized();
}

// Arrow's S3 support (the AWS SDK) is started once per process, shared with pyarrow
// when both use it.
arrow::Status EnsureInitialized() {
  if (arrow::fs::IsS3Finalized()) {
    return arrow::Status::Invalid("Object storage is shut down: the process is exiting.");
  }
  if (arrow::fs::IsS3Initialized()) return arrow::Status::OK();
  arrow::fs::S3GlobalOptions global = arrow::fs::S3GlobalOptions::Defaults();
  if (std::getenv("ARROW_S3_LOG_LEVEL") == nullptr) global.log_level = arrow::fs::S3LogLevel::Fatal;
  return arrow::fs::InitializeS3(global);
}

// A GCS or Azure file system, shared by equal settings.
arrow::Result<FileSystemPtr> CloudFileSystemFor(const RuntimeConfig& conf, const std::string& path, Store store) {
  if (BucketOf(path).empty()) return arrow::Status::Invalid(fmt::format("The path {} names no bucket.", path));
  std::string key = store == Store::kGcs ? GcsCacheKey(conf) : AzureCacheKey(conf, path);
  S3State& state = State();
  std::lock_guard<std::mutex> lock(state.mutex);
  auto it = state.file_systems.find(key);
  if (it != state.file_systems.end()) return it->second;
  ARROW_ASSIGN_OR_RAISE(auto fs, store == Store::kGcs ? MakeGcsFileSystem(conf, path) : MakeAzureFileSystem(conf, path));
  state.file_systems[key] = fs;
  return fs;
}

}  // namespace

bool IsObjectStorePath(const std::string& path) { return SchemeLength(path) > 0; }

arrow::Result<FileSystemPtr> FileSystemFor(const RuntimeConfig& conf, const std::string& path) {
  Store store = StoreOf(path);
  if (store == Store::kNone) return FileSystemPtr();
  if (store != Store::kS3) return CloudFileSystemFor(conf, path, store);
  ARROW_ASSIGN_OR_RAISE(arrow::fs::S3Options options, OptionsFor(conf, path));
  std::string key = CacheKey(conf, BucketOf(path));
  S3State& state = State();
  std::lock_guard<std::mutex> lock(state.mutex);
  auto it = state.file_systems.find(key);
  if (it != state.file_systems.end()) return it->second;
  ARROW_RETURN_NOT_OK(EnsureInitialized());
  ARROW_ASSIGN_OR_RAISE(auto fs, arrow::fs::S3FileSystem::Make(options));
  state.file_systems[key] = fs;
  if (!state.exit_handler_registered) {
    std::atexit(FinalizeAtExit);
    state.exit_handler_registered = true;
  }
  return FileSystemPtr(fs);
}

std::string ObjectPathOf(const std::string& uri) {
  if (StoreOf(uri) == Store::kAzure) return AzureObjectPathOf(uri);
  std::string rest = uri.substr(SchemeLength(uri));
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  return rest;
}

std::string ObjectUriOf(const std::string& uri, const std::string& object_path) {
  std::string scheme = uri.substr(0, SchemeLength(uri));
  if (StoreOf(uri) != Store::kAzure) return scheme + object_path;
  // abfss://container@account.dfs.core.windows.net/key for "container/key".
  std::string authority = uri.substr(scheme.size());
  authority = authority.substr(0, authority.find('/'));
  std::string host = authority.substr(authority.find('@'));
  size_t slash = object_path.find('/');
  std::string container = object_path.substr(0, slash);
  return scheme + container + host + (slash == std::string::npos ? "" : object_path.substr(slash));
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

arrow::Result<std::string> ReadObject(const FileSystemPtr& store, const std::string& uri) {
  auto read = [&]() -> arrow::Result<std::string> {
    ARROW_ASSIGN_OR_RAISE(auto in, store->OpenInputStream(ObjectPathOf(uri)));
    std::string out;
    while (true) {
      ARROW_ASSIGN_OR_RAISE(auto chunk, in->Read(1 << 20));
      if (chunk->size() == 0) break;
      out.append(reinterpret_cast<const char*>(chunk->data()), static_cast<size_t>(chunk->size()));
    }
    ARROW_RETURN_NOT_OK(in->Close());
    return out;
  };
  auto result = read();
  if (!result.ok()) return ObjectStoreError(uri, result.status());
  return result;
}

arrow::Status WriteObject(const FileSystemPtr& store, const std::string& uri, const std::string& contents) {
  auto write = [&]() -> arrow::Status {
    ARROW_ASSIGN_OR_RAISE(auto out, store->OpenOutputStream(ObjectPathOf(uri)));
    ARROW_RETURN_NOT_OK(out->Write(contents.data(), static_cast<int64_t>(contents.size())));
    return out->Close();
  };
  return ObjectStoreError(uri, write());
}

// One conditional request where the store has one and Spate can send it: S3's
// PUT with static keys, Azure's Put Blob with a shared key, GCS's upload
// without credentials. Otherwise a check, then a write, under one lock that
// makes the two one step for the threads of this process; a writer in another
// process between them would go unnoticed (docs/object-storage.md).
arrow::Result<bool> WriteObjectIfAbsent(const FileSystemPtr& store, const std::string& uri,
                                        const std::string& contents) {
  std::string name = ObjectPathOf(uri);
  if (auto* s3 = dynamic_cast<arrow::fs::S3FileSystem*>(store.get())) {
    arrow::fs::S3Options options = s3->options();
    if (CanPutIfAbsent(options)) return PutIfAbsent(options, uri, name, contents);
  }
  if (CanPutBlobIfAbsent(*store)) return PutBlobIfAbsent(*store, uri, name, contents);
  if (CanUploadIfAbsent(*store)) return UploadIfAbsent(*store, uri, name, contents);
  static std::mutex check_then_write;
  std::lock_guard<std::mutex> lock(check_then_write);
  auto info = store->GetFileInfo(name);
  if (!info.ok()) return ObjectStoreError(uri, info.status());
  if (info->type() != arrow::fs::FileType::NotFound) return false;
  ARROW_RETURN_NOT_OK(WriteObject(store, uri, contents));
  return true;
}

arrow::Status CheckBucketExists(const FileSystemPtr& store, const std::string& uri) {
  std::string bucket = BucketOf(uri);
  auto info = store->GetFileInfo(bucket);
  if (!info.ok()) return ObjectStoreError(uri, info.status());
  if (info->type() != arrow::fs::FileType::NotFound) return arrow::Status::OK();
  return arrow::Status::IOError(fmt::format("{}: Bucket {} does not exist", uri, bucket));
}

arrow::Status ObjectStoreError(const std::string& uri, const arrow::Status& status) {
  if (status.ok() || status.message().find(uri) != std::string::npos) return status;
  return status.WithMessage(uri, ": ", status.message());
}

}  // namespace spate
