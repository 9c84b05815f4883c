// SchemaRegistryClient: Confluent's REST API over SendHttpRequest, its JSON
// answers read with RapidJSON.

#include "spate/expr/avro_schema_registry.h"

#include <cctype>
#include <mutex>
#include <utility>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "spate/common/error.h"
#include "spate/common/http_request.h"
#include "spate/common/strings.h"

namespace spate {

namespace {

constexpr const char* kCredentialsSource = "confluent.schema.registry.basic.auth.credentials.source";
constexpr const char* kUserInfo = "confluent.schema.registry.basic.auth.user.info";

// Confluent's error codes in a 404 answer.
constexpr int kSubjectNotFound = 40401;
constexpr int kSchemaNotFound = 40403;



struct Answer {
  long status = 0;
  rapidjson::Document json;
  std::string body;

  int ErrorCode() const {
    if (!json.IsObject() || !json.HasMember("error_code") || !json["error_code"].IsInt()) return 0;
    return json["error_code"].GetInt();
  }
  std::string Message() const {
    if (json.IsObject() && json.HasMember("message") && json["message"].IsString()) {
      return json["message"].GetString();
    }
    return body;
  }
};

// The value of a string or integer member, or fails naming what the answer lacks.
arrow::Result<std::string> StringMember(const Answer& a, const char* name, const std::string& what) {
  if (!a.json.IsObject() || !a.json.HasMember(name) || !a.json[name].IsString()) {
    return arrow::Status::IOError(fmt::format("The schema registry's answer to {} has no \"{}\": {}", what, name, a.body));
  }
  return std::string(a.json[name].GetString());
}

arrow::Result<int32_t> IntMember(const Answer& a, const char* name, const std::string& what) {
  if (!a.json.IsObject() || !a.json.HasMember(name) || !a.json[name].IsInt()) {
    return arrow::Status::IOError(fmt::format("The schema registry's answer to {} has no \"{}\": {}", what, name, a.body));
  }
  return a.json[name].GetInt();
}

std::mutex cache_mutex;
std::map<std::pair<std::string, int32_t>, std::string>& SchemaCache() {
  static auto* cache = new std::map<std::pair<std::string, int32_t>, std::string>();
  return *cache;
}

}  // namespace

arrow::Result<SchemaRegistryClient> SchemaRegistryClient::Make(
    std::string address, const std::map<std::string, std::string>& options) {
  while (!address.empty() && address.back() == '/') address.pop_back();
  if (address.empty()) return arrow::Status::Invalid("schemaRegistryAddress must not be empty.");
  if (address.find("://") == std::string::npos) address = "http://" + address;
  SchemaRegistryClient client;
  client.address_ = std::move(address);
  auto source = options.find(AsciiLower(kCredentialsSource));
  auto user_info = options.find(AsciiLower(kUserInfo));
  if (source != options.end()) {
    if (AsciiUpper(source->second) != "USER_INFO") {
      return arrow::Status::Invalid(fmt::format(
          "{} '{}' is not supported: only USER_INFO (with {} as 'user:password').", kCredentialsSource,
          source->second, kUserInfo));
    }
    if (user_info == options.end()) {
      return arrow::Status::Invalid(fmt::format("{} USER_INFO needs {} ('user:password').", kCredentialsSource, kUserInfo));
    }
    client.basic_auth_ = user_info->second;
  }
  return client;
}

namespace {

arrow::Result<Answer> Send(const std::string& address, const std::string& basic_auth, const std::string& method,
                           const std::string& path, const std::string& body) {
  HttpRequest request;
  request.method = method;
  request.url = address + path;
  request.body = body;
  request.headers = {"Accept: application/vnd.schemaregistry.v1+json, application/json",
                     "Content-Type: application/vnd.schemaregistry.v1+json"};
  request.basic_auth = basic_auth;
  auto response = SendHttpRequest(request);
  if (!response.ok()) {
    return arrow::Status::IOError(
        fmt::format("Cannot reach the schema registry at {}: {}", address, response.status().message()));
  }
  Answer a;
  a.status = response->status;
  a.body = std::move(response->body);
  a.json.Parse(a.body.c_str(), a.body.size());
  if (a.status == 401 || a.status == 403) {
    return arrow::Status::IOError(fmt::format("The schema registry at {} refused the credentials ({} {}): {}",
                                              address, a.status, method + " " + path, a.Message()));
  }
  return a;
}

arrow::Status Unexpected(const std::string& address, const std::string& what, const Answer& a) {
  return arrow::Status::IOError(
      fmt::format("The schema registry at {} answered {} to {}: {}", address, a.status, what, a.Message()));
}

}  // namespace

arrow::Result<std::string> SchemaRegistryClient::SchemaById(int32_t id) const {
  std::pair<std::string, int32_t> key(address_, id);
  {
    std::lock_guard<std::mutex> lock(cache_mutex);
    auto it = SchemaCache().find(key);
    if (it != SchemaCache().end()) return it->second;
  }
  std::string what = fmt::format("GET /schemas/ids/{}", id);
  ARROW_ASSIGN_OR_RAISE(auto a, Send(address_, basic_auth_, "GET", fmt::format("/schemas/ids/{}", id), ""));
  if (a.status == 404) {
    return arrow::Status::KeyError(
        fmt::format("Schema id {} is not found in the schema registry at {}: {}", id, address_, a.Message()));
  }
  if (a.status != 200) return Unexpected(address_, what, a);
  ARROW_ASSIGN_OR_RAISE(std::string schema, StringMember(a, "schema", what));
  std::lock_guard<std::mutex> lock(cache_mutex);
  SchemaCache()[key] = schema;
  return schema;
}

arrow::Result<RegisteredSchema> SchemaRegistryClient::LatestSchema(const std::string& subject) const {
  std::string path = "/subjects/" + PercentEncode(subject) + "/versions/latest";
  ARROW_ASSIGN_OR_RAISE(auto a, Send(address_, basic_auth_, "GET", path, ""));
  if (a.status == 404) {
    return arrow::Status::KeyError(fmt::format("Schema registry subject `{}` is not found at {}: {}", subject,
                                               address_, a.Message()));
  }
  if (a.status != 200) return Unexpected(address_, "GET " + path, a);
  RegisteredSchema out;
  ARROW_ASSIGN_OR_RAISE(out.id, IntMember(a, "id", "GET " + path));
  ARROW_ASSIGN_OR_RAISE(out.version, IntMember(a, "version", "GET " + path));
  ARROW_ASSIGN_OR_RAISE(out.schema, StringMember(a, "schema", "GET " + path));
  std::lock_guard<std::mutex> lock(cache_mutex);
  SchemaCache()[{address_, out.id}] = out.schema;
  return out;
}

arrow::Result<int32_t> SchemaRegistryClient::RegisteredId(const std::string& subject, const std::string& schema) const {
  std::string path = "/subjects/" + PercentEncode(subject);
  ARROW_ASSIGN_OR_RAISE(auto a, Send(address_, basic_auth_, "POST", path, "{\"schema\":" + JsonQuoted(schema) + "}"));
  if (a.status == 200) return IntMember(a, "id", "POST " + path);
  if (a.status != 404) return Unexpected(address_, "POST " + path, a);
  std::string message = fmt::format(
      "Schema Registry subject `{}` has no exact match for the to_avro schema. Register this schema, or pass a "
      "registered schema as jsonFormatSchema. Avro schema used by to_avro: `{}`",
      subject, schema);
  bool subject_missing = a.ErrorCode() == kSubjectNotFound;
  if (!subject_missing && a.ErrorCode() != kSchemaNotFound) return Unexpected(address_, "POST " + path, a);
  if (subject_missing) {
    return SparkError("AVRO_SCHEMA_NOT_REGISTERED.SUBJECT_NOT_FOUND", "42704",
                      message + " The subject does not exist. Check the subject name.");
  }
  auto latest = LatestSchema(subject);
  if (!latest.ok()) {
    return SparkError("AVRO_SCHEMA_NOT_REGISTERED.WITHOUT_LATEST_SCHEMA", "42704",
                      message + " Cannot retrieve the latest schema registered under the subject.");
  }
  return SparkError("AVRO_SCHEMA_NOT_REGISTERED.WITH_LATEST_SCHEMA", "42704",
                    message + fmt::format(" Latest schema registered under the subject: `{}`", latest->schema));
}

int64_t RegistrySchemaId(const uint8_t* data, size_t size) {
  if (size < kRegistryHeaderSize || data[0] != 0) return -1;
  uint32_t id = (uint32_t{data[1]} << 24) | (uint32_t{data[2]} << 16) | (uint32_t{data[3]} << 8) | uint32_t{data[4]};
  return id;
}

void AppendRegistryHeader(int32_t id, std::string* out) {
  auto u = static_cast<uint32_t>(id);
  out->push_back('\0');
  out->push_back(static_cast<char>(u >> 24));
  out->push_back(static_cast<char>((u >> 16) & 0xff));
  out->push_back(static_cast<char>((u >> 8) & 0xff));
  out->push_back(static_cast<char>(u & 0xff));
}

}  // namespace spate
