#include "spate/common/s3_conditional_put.h"

#include <ctime>
#include <vector>

#include <arrow/filesystem/s3fs.h>
#include <fmt/format.h>

#include "spate/common/crypto.h"
#include "spate/common/http_request.h"

namespace spate {

namespace {

struct Target {
  std::string url;
  std::string host;  // as sent in the Host header and signed
  std::string path;  // encoded
};

// Path style (endpoint/bucket/key) for an endpoint unless virtual hosts are
// forced, as Arrow addresses the same store.
Target TargetOf(const arrow::fs::S3Options& options, const std::string& bucket, const std::string& key) {
  Target t;
  std::string endpoint = options.endpoint_override;
  if (endpoint.empty()) {
    endpoint = options.region.empty() || options.region == "us-east-1"
                   ? std::string("s3.amazonaws.com")
                   : fmt::format("s3.{}.amazonaws.com", options.region);
  }
  bool virtual_host = options.force_virtual_addressing || options.endpoint_override.empty();
  t.host = virtual_host ? bucket + "." + endpoint : endpoint;
  t.path = PercentEncode(virtual_host ? "/" + key : "/" + bucket + "/" + key, "/");  // as SigV4 canonicalizes it
  t.url = options.scheme + "://" + t.host + t.path;
  return t;
}

std::string AmzDate() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

// The headers of a PUT signed with AWS Signature Version 4.
std::vector<std::string> SignedHeaders(const arrow::fs::S3Options& options, const Target& target,
                                       const std::string& contents) {
  std::string amz_date = AmzDate();
  std::string date = amz_date.substr(0, 8);
  std::string region = options.region.empty() ? "us-east-1" : options.region;
  std::string payload_hash = Hex(Sha256(contents));
  std::string token = options.GetSessionToken();
  std::string canonical_headers =
      fmt::format("host:{}\nx-amz-content-sha256:{}\nx-amz-date:{}\n", target.host, payload_hash, amz_date);
  std::string signed_names = "host;x-amz-content-sha256;x-amz-date";
  if (!token.empty()) {
    canonical_headers += "x-amz-security-token:" + token + "\n";
    signed_names += ";x-amz-security-token";
  }
  std::string canonical_request =
      fmt::format("PUT\n{}\n\n{}\n{}\n{}", target.path, canonical_headers, signed_names, payload_hash);
  std::string scope = fmt::format("{}/{}/s3/aws4_request", date, region);
  std::string to_sign = fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", amz_date, scope, Hex(Sha256(canonical_request)));
  std::string key = HmacSha256(HmacSha256(HmacSha256(HmacSha256("AWS4" + options.GetSecretKey(), date), region), "s3"),
                               "aws4_request");
  std::string signature = Hex(HmacSha256(key, to_sign));
  std::vector<std::string> headers = {
      "Host: " + target.host,
      "x-amz-content-sha256: " + payload_hash,
      "x-amz-date: " + amz_date,
      "If-None-Match: *",
      "Content-Type: application/octet-stream",
      "Expect:",
      fmt::format("Authorization: AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}",
                  options.GetAccessKey(), scope, signed_names, signature)};
  if (!token.empty()) headers.push_back("x-amz-security-token: " + token);
  return headers;
}

}  // namespace

bool CanPutIfAbsent(const arrow::fs::S3Options& options) {
  return options.credentials_kind == arrow::fs::S3CredentialsKind::Explicit;
}

arrow::Result<bool> PutIfAbsent(const arrow::fs::S3Options& options, const std::string& uri,
                                const std::string& bucket_and_key, const std::string& contents) {
  size_t slash = bucket_and_key.find('/');
  if (slash == std::string::npos) return arrow::Status::Invalid(uri, ": no object key");
  Target target = TargetOf(options, bucket_and_key.substr(0, slash), bucket_and_key.substr(slash + 1));
  HttpRequest request;
  request.method = "PUT";
  request.url = target.url;
  request.body = contents;
  request.headers = SignedHeaders(options, target, contents);
  request.connect_timeout_seconds = options.connect_timeout > 0 ? options.connect_timeout : 5;
  request.timeout_seconds = options.request_timeout > 0 ? options.request_timeout : 60;
  auto response = SendHttpRequest(request);
  if (!response.ok()) return arrow::Status::IOError(uri, ": ", response.status().message());
  long status = response->status;
  if (status / 100 == 2) return true;
  // 412: the name is taken; 409: another conditional write of the name is under way.
  if (status == 412 || status == 409) return false;
  return arrow::Status::IOError(uri, ": PUT failed with HTTP status ", status, ": ", response->body.substr(0, 500));
}

}  // namespace spate
