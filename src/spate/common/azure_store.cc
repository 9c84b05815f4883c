#include "spate/common/azure_store.h"

#include <optional>

#include <arrow/util/config.h>
#ifdef ARROW_AZURE
#include <arrow/filesystem/azurefs.h>
#endif
#include <fmt/format.h>

#include "spate/common/crypto.h"
#include "spate/common/runtime_config.h"
#include "spate/common/strings.h"

namespace spate {

namespace {

constexpr const char* kPrefix = "spark.hadoop.fs.azure.";

std::optional<std::string> Setting(const RuntimeConfig& conf, const std::string& key) {
  if (auto v = conf.Get(kPrefix + key); v && !v->empty()) return v;
  return std::nullopt;
}

// "container@account.dfs.core.windows.net/path" of "abfss://container@account.dfs.core.windows.net/path".
std::string AfterScheme(const std::string& uri) {
  size_t at = uri.find("://");
  return at == std::string::npos ? uri : uri.substr(at + 3);
}

std::string Authority(const std::string& uri) {
  std::string rest = AfterScheme(uri);
  return rest.substr(0, rest.find('/'));
}

bool IsTls(const std::string& uri) { return AsciiLower(uri).starts_with("abfss://"); }

// The account's shared key: fs.azure.account.key.<account>.dfs.core.windows.net
// (or the blob endpoint's name), or the account-agnostic fs.azure.account.key.
std::optional<std::string> AccountKey(const RuntimeConfig& conf, const std::string& account) {
  for (const std::string& key : {"account.key." + account + ".dfs.core.windows.net",
                                 "account.key." + account + ".blob.core.windows.net", std::string("account.key")}) {
    if (auto v = Setting(conf, key)) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string AzureAccountOf(const std::string& uri) {
  std::string authority = Authority(uri);
  size_t at = authority.find('@');
  if (at == std::string::npos) return "";
  std::string host = authority.substr(at + 1);
  return host.substr(0, host.find('.'));
}

std::string AzureObjectPathOf(const std::string& uri) {
  std::string rest = AfterScheme(uri);
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  std::string out = authority.substr(0, authority.find('@')) + path;
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

arrow::Result<std::shared_ptr<arrow::fs::FileSystem>> MakeAzureFileSystem(const RuntimeConfig& conf,
                                                                          const std::string& uri) {
  std::string account = AzureAccountOf(uri);
  if (account.empty() || AzureObjectPathOf(uri).empty()) {
    return arrow::Status::Invalid(fmt::format("The path {} names no container and account: write "
                                              "abfss://<container>@<account>.dfs.core.windows.net/<path>.",
                                              uri));
  }
#ifndef ARROW_AZURE
  return arrow::Status::NotImplemented(uri, ": this build's Arrow has no Azure file system.");
#else
  arrow::fs::AzureOptions options;
  options.account_name = account;
  // Hadoop's ABFS talks TLS for abfss://, and for abfs:// too unless
  // fs.azure.always.use.https is false.
  bool https = IsTls(uri) || AsciiLower(Setting(conf, "always.use.https").value_or("true")) == "true";
  options.blob_storage_scheme = options.dfs_storage_scheme = https ? "https" : "http";
  // An emulator or private endpoint (host:port): the account then goes in the
  // URL path, as Azurite expects.
  if (auto endpoint = Setting(conf, "abfs.endpoint")) {
    options.blob_storage_authority = options.dfs_storage_authority = *endpoint;
  }
  if (auto key = AccountKey(conf, account)) {
    if (!Base64Decode(*key)) {
      return arrow::Status::Invalid(fmt::format(
          "{}: the shared key of Azure storage account {} is not base64: set "
          "spark.hadoop.fs.azure.account.key.{}.dfs.core.windows.net to one of the account's access keys.",
          uri, account, account));
    }
    ARROW_RETURN_NOT_OK(options.ConfigureAccountKeyCredential(*key));
  } else {
    ARROW_RETURN_NOT_OK(options.ConfigureDefaultCredential());
  }
  auto fs = arrow::fs::AzureFileSystem::Make(options);
  if (!fs.ok()) return fs.status().WithMessage(uri, ": ", fs.status().message());
  return std::shared_ptr<arrow::fs::FileSystem>(*fs);
#endif
}

std::string AzureCacheKey(const RuntimeConfig& conf, const std::string& uri) {
  std::string account = AzureAccountOf(uri);
  return fmt::format("abfs\n{}\n{}\n{}\n{}\n{}", account, IsTls(uri), Setting(conf, "always.use.https").value_or(""),
                     Setting(conf, "abfs.endpoint").value_or(""), AccountKey(conf, account).value_or(""));
}

}  // namespace spate
