#include "spate/common/gcs_conditional_put.h"

#include <arrow/util/config.h>
#ifdef ARROW_GCS
#include <arrow/filesystem/gcsfs.h>
#endif
#include <fmt/format.h>

#include "spate/common/http_request.h"

namespace spate {

namespace {

#ifdef ARROW_GCS
const arrow::fs::GcsOptions* AnonymousOptions(const arrow::fs::FileSystem& fs) {
  auto* gcs = dynamic_cast<const arrow::fs::GcsFileSystem*>(&fs);
  if (gcs == nullptr || !gcs->options().credentials.anonymous()) return nullptr;
  return &gcs->options();
}
#endif

}  // namespace

bool CanUploadIfAbsent([[maybe_unused]] const arrow::fs::FileSystem& fs) {
#ifdef ARROW_GCS
  return AnonymousOptions(fs) != nullptr;
#else
  return false;
#endif
}

arrow::Result<bool> UploadIfAbsent([[maybe_unused]] const arrow::fs::FileSystem& fs, const std::string& uri,
                                   [[maybe_unused]] const std::string& bucket_and_key,
                                   [[maybe_unused]] const std::string& contents) {
#ifndef ARROW_GCS
  return arrow::Status::NotImplemented(uri, ": this build's Arrow has no GCS file system.");
#else
  const arrow::fs::GcsOptions* options = AnonymousOptions(fs);
  if (options == nullptr) return arrow::Status::Invalid(uri, ": not a GCS file system without credentials");
  size_t slash = bucket_and_key.find('/');
  if (slash == std::string::npos) return arrow::Status::Invalid(uri, ": no object name");
  std::string host = options->endpoint_override.empty() ? "storage.googleapis.com" : options->endpoint_override;
  std::string scheme = options->scheme.empty() ? "https" : options->scheme;
  HttpRequest request;
  request.method = "POST";
  request.url = fmt::format("{}://{}/upload/storage/v1/b/{}/o?uploadType=media&ifGenerationMatch=0&name={}", scheme,
                            host, PercentEncode(bucket_and_key.substr(0, slash)),
                            PercentEncode(bucket_and_key.substr(slash + 1)));
  request.body = contents;
  request.headers = {"Content-Type: application/octet-stream", "Expect:"};
  auto response = SendHttpRequest(request);
  if (!response.ok()) return arrow::Status::IOError(uri, ": ", response.status().message());
  if (response->status / 100 == 2) return true;
  if (response->status == 412) return false;  // an object has the name
  return arrow::Status::IOError(uri, ": upload failed with HTTP status ", response->status, ": ",
                                response->body.substr(0, 500));
#endif
}

}  // namespace spate
