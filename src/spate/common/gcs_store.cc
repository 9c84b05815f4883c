#include "spate/common/gcs_store.h"

#include <fstream>
#include <optional>
#include <sstream>

#include <arrow/util/config.h>
#ifdef ARROW_GCS
#include <arrow/filesystem/gcsfs.h>
#endif
#include <fmt/format.h>

#include "spate/common/runtime_config.h"
#include "spate/common/strings.h"

namespace spate {

namespace {

constexpr const char* kPrefix = "spark.hadoop.fs.gs.";
// Seconds a request is retried: an unreachable endpoint fails in seconds, not
// in Arrow's default 15 minutes.
constexpr double kRetrySeconds = 10;

std::optional<std::string> Setting(const RuntimeConfig& conf, const std::string& key) {
  if (auto v = conf.Get(kPrefix + key); v && !v->empty()) return v;
  return std::nullopt;
}

#ifdef ARROW_GCS
arrow::Result<arrow::fs::GcsOptions> Credentials(const RuntimeConfig& conf) {
  std::string type = AsciiLower(Setting(conf, "auth.type").value_or("APPLICATION_DEFAULT"));
  if (type == "unauthenticated") return arrow::fs::GcsOptions::Anonymous();
  if (type == "service_account_json_keyfile") {
    auto file = Setting(conf, "auth.service.account.json.keyfile");
    if (!file) {
      return arrow::Status::Invalid(fmt::format("{}auth.type SERVICE_ACCOUNT_JSON_KEYFILE needs "
                                                "{}auth.service.account.json.keyfile: the key file's path.",
                                                kPrefix, kPrefix));
    }
    std::ifstream in(*file);
    if (!in) return arrow::Status::IOError(fmt::format("Cannot read {}auth.service.account.json.keyfile {}", kPrefix, *file));
    std::stringstream json;
    json << in.rdbuf();
    return arrow::fs::GcsOptions::FromServiceAccountCredentials(json.str());
  }
  if (type == "application_default" || type == "compute_engine") return arrow::fs::GcsOptions::Defaults();
  return arrow::Status::Invalid(fmt::format("Unsupported {}auth.type '{}': allowed are APPLICATION_DEFAULT, "
                                            "COMPUTE_ENGINE, SERVICE_ACCOUNT_JSON_KEYFILE and UNAUTHENTICATED.",
                                            kPrefix, *Setting(conf, "auth.type")));
}
#endif

}  // namespace

arrow::Result<std::shared_ptr<arrow::fs::FileSystem>> MakeGcsFileSystem(const RuntimeConfig& conf,
                                                                        const std::string& uri) {
#ifndef ARROW_GCS
  return arrow::Status::NotImplemented(uri, ": this build's Arrow has no GCS file system.");
#else
  ARROW_ASSIGN_OR_RAISE(arrow::fs::GcsOptions options, Credentials(conf));
  // fs.gs.storage.root.url: "https://storage.googleapis.com/" by default.
  if (auto root = Setting(conf, "storage.root.url")) {
    std::string url = *root;
    options.scheme = "https";
    for (const char* scheme : {"http", "https"}) {
      std::string prefix = std::string(scheme) + "://";
      if (AsciiLower(url).starts_with(prefix)) {
        options.scheme = scheme;
        url = url.substr(prefix.size());
      }
    }
    while (!url.empty() && url.back() == '/') url.pop_back();
    options.endpoint_override = url;
  }
  if (auto project = Setting(conf, "project.id")) options.project_id = *project;
  options.retry_limit_seconds = kRetrySeconds;
  auto fs = arrow::fs::GcsFileSystem::Make(options);
  if (!fs.ok()) return fs.status().WithMessage(uri, ": ", fs.status().message());
  return std::shared_ptr<arrow::fs::FileSystem>(*fs);
#endif
}

std::string GcsCacheKey(const RuntimeConfig& conf) {
  std::string key = "gs\n";
  for (const char* name : {"auth.type", "auth.service.account.json.keyfile", "storage.root.url", "project.id"}) {
    key += Setting(conf, name).value_or("") + '\n';
  }
  return key;
}

}  // namespace spate
