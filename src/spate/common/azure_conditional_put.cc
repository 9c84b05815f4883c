#include "spate/common/azure_conditional_put.h"

#include <ctime>
#include <string>
#include <vector>

#include <arrow/util/config.h>
#ifdef ARROW_AZURE
#include <arrow/filesystem/azurefs.h>
#endif
#include <fmt/format.h>

#include "spate/common/crypto.h"
#include "spate/common/http_request.h"

namespace spate {

namespace {

#ifdef ARROW_AZURE
constexpr const char* kApiVersion = "2023-11-03";
constexpr const char* kContentType = "application/octet-stream";

const arrow::fs::AzureOptions* SharedKeyOptions(const arrow::fs::FileSystem& fs) {
  auto* azure = dynamic_cast<const arrow::fs::AzureFileSystem*>(&fs);
  if (azure == nullptr || azure->options().AccountKey().empty()) return nullptr;
  return &azure->options();
}

// RFC 1123's date ("Sat, 05 Dec 2026 10:37:29 GMT"), in English whatever the locale.
std::string HttpDate() {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} GMT", kDays[utc.tm_wday], utc.tm_mday, kMonths[utc.tm_mon],
                     utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

// The path of `url` ("/account/container/blob" on an emulator, "/container/blob" on Azure).
std::string UrlPath(const std::string& url) {
  size_t host = url.find("://");
  size_t slash = url.find('/', host == std::string::npos ? 0 : host + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

// The Authorization header of Azure's Shared Key scheme for a Put Blob of
// `length` bytes to `url`, with the x-ms- headers `ms_headers` ("name:value",
// sorted by name): an HMAC-SHA256 under the decoded account key over the
// standard headers, the x-ms- headers and the account's resource path.
std::string SharedKeyAuthorization(const arrow::fs::AzureOptions& options, const std::string& url, size_t length,
                                   const std::vector<std::string>& ms_headers) {
  // MakeAzureFileSystem refused a key that is not base64.
  std::string key = Base64Decode(options.AccountKey()).value_or("");
  std::string canonical_headers;
  for (const auto& header : ms_headers) canonical_headers += header + "\n";
  // Content-Encoding, -Language, -Length (empty for none), -MD5, -Type, Date,
  // If-Modified-Since, If-Match, If-None-Match, If-Unmodified-Since, Range.
  std::string to_sign =
      fmt::format("PUT\n\n\n{}\n\n{}\n\n\n\n*\n\n\n{}/{}{}", length == 0 ? "" : std::to_string(length), kContentType,
                  canonical_headers, options.account_name, UrlPath(url));
  return fmt::format("Authorization: SharedKey {}:{}", options.account_name, Base64Encode(HmacSha256(key, to_sign)));
}
#endif

}  // namespace

bool CanPutBlobIfAbsent([[maybe_unused]] const arrow::fs::FileSystem& fs) {
#ifdef ARROW_AZURE
  return SharedKeyOptions(fs) != nullptr;
#else
  return false;
#endif
}

arrow::Result<bool> PutBlobIfAbsent([[maybe_unused]] const arrow::fs::FileSystem& fs, const std::string& uri,
                                    [[maybe_unused]] const std::string& container_and_blob,
                                    [[maybe_unused]] const std::string& contents) {
#ifndef ARROW_AZURE
  return arrow::Status::NotImplemented(uri, ": this build's Arrow has no Azure file system.");
#else
  const arrow::fs::AzureOptions* options = SharedKeyOptions(fs);
  if (options == nullptr) return arrow::Status::Invalid(uri, ": no Azure account key to sign with");
  HttpRequest request;
  request.method = "PUT";
  request.url = options->AccountBlobUrl(options->account_name) + PercentEncode(container_and_blob, "/");
  request.body = contents;
  std::vector<std::string> ms_headers = {"x-ms-blob-type:BlockBlob", "x-ms-date:" + HttpDate(),
                                         std::string("x-ms-version:") + kApiVersion};
  request.headers = ms_headers;
  request.headers.insert(request.headers.end(),
                         {std::string("Content-Type: ") + kContentType, "If-None-Match: *", "Expect:",
                          SharedKeyAuthorization(*options, request.url, contents.size(), ms_headers)});
  auto response = SendHttpRequest(request);
  if (!response.ok()) return arrow::Status::IOError(uri, ": ", response.status().message());
  if (response->status / 100 == 2) return true;
  // 409: a blob has the name (BlobAlreadyExists); 412: a condition failed against one.
  if (response->status == 409 || response->status == 412) return false;
  return arrow::Status::IOError(uri, ": Put Blob failed with HTTP status ", response->status, ": ",
                                response->body.substr(0, 500));
#endif
}

}  // namespace spate
