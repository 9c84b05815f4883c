// The Iceberg REST catalog client (the REST OpenAPI's config, namespace and
// table endpoints) over libcurl (common/http_request.h). Commits send the new snapshots as
// add-snapshot / set-snapshot-ref updates with an assert-ref-snapshot-id
// requirement on the base, so the server refuses (409) a commit whose base
// another writer moved, and the caller retries on the new base.

#include <algorithm>
#include <mutex>
#include <set>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "spate/common/error.h"
#include "spate/common/http_request.h"
#include "spate/connectors/iceberg/catalog.h"

namespace spate::iceberg {

namespace {

struct Response {
  long status = 0;
  std::string body;
};



std::string JsonArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + JsonQuoted(items[i]);
  return out + "]";
}

std::string ToJson(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return buf.GetString();
}

class RestCatalog final : public IcebergCatalog {
 public:
  RestCatalog(std::string name, std::string uri, std::map<std::string, std::string> properties)
      : IcebergCatalog(std::move(name)), uri_(std::move(uri)), properties_(std::move(properties)) {
    while (!uri_.empty() && uri_.back() == '/') uri_.pop_back();
  }

  arrow::Result<std::optional<LoadedTable>> LoadTable(const TableIdent& ident) override {
    ARROW_ASSIGN_OR_RAISE(auto path, TablePath(ident));
    ARROW_ASSIGN_OR_RAISE(auto r, Call("GET", path, ""));
    if (r.status == 404) return std::nullopt;
    ARROW_RETURN_NOT_OK(Check(r, "load table " + ident.ToString()));
    ARROW_ASSIGN_OR_RAISE(auto loaded, ParseLoadResult(r.body));
    return loaded;
  }

  arrow::Result<LoadedTable> CreateTable(const TableIdent& ident, TableMetadata metadata) override {
    ARROW_ASSIGN_OR_RAISE(auto prefix, Prefix());
    // The namespace is created on demand (409: it exists).
    ARROW_ASSIGN_OR_RAISE(auto ns, Call("POST", prefix + "/namespaces",
                                        fmt::format(R"({{"namespace":{},"properties":{{}}}})", JsonArray(ident.ns))));
    if (ns.status != 409) ARROW_RETURN_NOT_OK(Check(ns, "create namespace"));
    std::string props;
    for (const auto& [k, v] : metadata.properties) props += (props.empty() ? "" : ",") + JsonQuoted(k) + ":" + JsonQuoted(v);
    std::string body = fmt::format(
        R"({{"name":{},"schema":{},"partition-spec":{},"write-order":{{"order-id":0,"fields":[]}},)"
        R"("stage-create":false,"properties":{{{}}}{}}})",
        JsonQuoted(ident.name), SchemaJson(metadata.schema()), SpecJson(metadata.spec()), props,
        metadata.location.empty() ? "" : ",\"location\":" + JsonQuoted(metadata.location));
    ARROW_ASSIGN_OR_RAISE(auto r, Call("POST", prefix + "/namespaces/" + NamespacePath(ident.ns) + "/tables", body));
    if (r.status == 409) {
      return SparkError("TABLE_OR_VIEW_ALREADY_EXISTS", "42P07",
                        fmt::format("Cannot create table or view {} because it already exists.", ident.ToString()));
    }
    ARROW_RETURN_NOT_OK(Check(r, "create table " + ident.ToString()));
    return ParseLoadResult(r.body);
  }

  arrow::Result<bool> CommitTable(const TableIdent& ident, const LoadedTable& base, TableMetadata updated) override {
    const TableMetadata& b = base.metadata;
    std::string base_snapshot = b.current_snapshot_id ? std::to_string(*b.current_snapshot_id) : "null";
    std::string requirements = fmt::format(
        R"([{{"type":"assert-table-uuid","uuid":{}}},{{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":{}}}])",
        JsonQuoted(b.table_uuid), base_snapshot);
    std::vector<std::string> updates;
    std::set<int64_t> before, after;
    for (const auto& s : b.snapshots) before.insert(s.snapshot_id);
    for (const auto& s : updated.snapshots) {
      after.insert(s.snapshot_id);
      if (!before.count(s.snapshot_id)) {
        updates.push_back(R"({"action":"add-snapshot","snapshot":)" + SnapshotJson(s) + "}");
      }
    }
    std::string removed;
    for (int64_t id : before) {
      if (!after.count(id)) removed += (removed.empty() ? "" : ",") + std::to_string(id);
    }
    if (!removed.empty()) updates.push_back(R"({"action":"remove-snapshots","snapshot-ids":[)" + removed + "]}");
    if (updated.current_snapshot_id && updated.current_snapshot_id != b.current_snapshot_id) {
      updates.push_back(fmt::format(R"({{"action":"set-snapshot-ref","ref-name":"main","type":"branch","snapshot-id":{}}})",
                                    *updated.current_snapshot_id));
    }
    std::string list;
    for (const auto& u : updates) list += (list.empty() ? "" : ",") + u;
    std::string body = fmt::format(R"({{"identifier":{{"namespace":{},"name":{}}},"requirements":{},"updates":[{}]}})",
                                   JsonArray(ident.ns), JsonQuoted(ident.name), requirements, list);
    ARROW_ASSIGN_OR_RAISE(auto path, TablePath(ident));
    ARROW_ASSIGN_OR_RAISE(auto r, Call("POST", path, body));
    if (r.status == 409) return false;
    ARROW_RETURN_NOT_OK(Check(r, "commit to " + ident.ToString()));
    return true;
  }

  arrow::Result<bool> DropTable(const TableIdent& ident) override {
    ARROW_ASSIGN_OR_RAISE(auto path, TablePath(ident));
    ARROW_ASSIGN_OR_RAISE(auto r, Call("DELETE", path + "?purgeRequested=true", ""));
    if (r.status == 404) return false;
    ARROW_RETURN_NOT_OK(Check(r, "drop table " + ident.ToString()));
    return true;
  }

  arrow::Result<std::vector<std::string>> ListTables(const std::vector<std::string>& ns) override {
    ARROW_ASSIGN_OR_RAISE(auto prefix, Prefix());
    ARROW_ASSIGN_OR_RAISE(auto r, Call("GET", prefix + "/namespaces/" + NamespacePath(ns) + "/tables", ""));
    ARROW_RETURN_NOT_OK(Check(r, "list tables"));
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    std::vector<std::string> out;
    if (d.IsObject() && d.HasMember("identifiers")) {
      for (const auto& id : d["identifiers"].GetArray()) out.push_back(id["name"].GetString());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  arrow::Result<std::vector<std::vector<std::string>>> ListNamespaces(const std::vector<std::string>& parent) override {
    ARROW_ASSIGN_OR_RAISE(auto prefix, Prefix());
    std::string query = parent.empty() ? "" : "?parent=" + NamespacePath(parent);
    ARROW_ASSIGN_OR_RAISE(auto r, Call("GET", prefix + "/namespaces" + query, ""));
    ARROW_RETURN_NOT_OK(Check(r, "list namespaces"));
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    std::vector<std::vector<std::string>> out;
    if (d.IsObject() && d.HasMember("namespaces") && d["namespaces"].IsArray()) {
      for (const auto& ns : d["namespaces"].GetArray()) {
        std::vector<std::string> parts;
        for (const auto& p : ns.GetArray()) parts.emplace_back(p.GetString());
        out.push_back(std::move(parts));
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  arrow::Result<std::optional<std::map<std::string, std::string>>> LoadNamespace(
      const std::vector<std::string>& ns) override {
    ARROW_ASSIGN_OR_RAISE(auto prefix, Prefix());
    ARROW_ASSIGN_OR_RAISE(auto r, Call("GET", prefix + "/namespaces/" + NamespacePath(ns), ""));
    if (r.status == 404) return std::nullopt;
    ARROW_RETURN_NOT_OK(Check(r, "load namespace"));
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    std::map<std::string, std::string> properties;
    if (d.IsObject() && d.HasMember("properties") && d["properties"].IsObject()) {
      for (const auto& m : d["properties"].GetObject()) {
        if (m.value.IsString()) properties[m.name.GetString()] = m.value.GetString();
      }
    }
    return properties;
  }

  arrow::Result<bool> CreateNamespace(const std::vector<std::string>& ns,
                                      const std::map<std::string, std::string>& properties) override {
    ARROW_ASSIGN_OR_RAISE(auto prefix, Prefix());
    std::string props;
    for (const auto& [k, v] : properties) props += (props.empty() ? "" : ",") + JsonQuoted(k) + ":" + JsonQuoted(v);
    ARROW_ASSIGN_OR_RAISE(auto r, Call("POST", prefix + "/namespaces",
                                       fmt::format(R"({{"namespace":{},"properties":{{{}}}}})", JsonArray(ns), props)));
    if (r.status == 409) return false;
    ARROW_RETURN_NOT_OK(Check(r, "create namespace"));
    return true;
  }

  arrow::Result<bool> DropNamespace(const std::vector<std::string>& ns) override {
    ARROW_ASSIGN_OR_RAISE(auto prefix, Prefix());
    ARROW_ASSIGN_OR_RAISE(auto r, Call("DELETE", prefix + "/namespaces/" + NamespacePath(ns), ""));
    if (r.status == 404) return false;
    if (r.status == 409) return NamespaceNotEmpty(ns);
    ARROW_RETURN_NOT_OK(Check(r, "drop namespace"));
    return true;
  }

 private:
  static std::string NamespacePath(const std::vector<std::string>& ns) {
    std::string joined;
    for (size_t i = 0; i < ns.size(); ++i) joined += (i ? "\x1F" : "") + ns[i];
    return PercentEncode(joined);
  }

  arrow::Result<std::string> TablePath(const TableIdent& ident) {
    ARROW_ASSIGN_OR_RAISE(auto prefix, Prefix());
    return prefix + "/namespaces/" + NamespacePath(ident.ns) + "/tables/" + PercentEncode(ident.name);
  }

  // "/v1" or "/v1/<prefix>", from the server's GET /v1/config overrides.
  arrow::Result<std::string> Prefix() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (prefix_) return *prefix_;
    std::string query;
    if (auto wh = properties_.find("warehouse"); wh != properties_.end()) query = "?warehouse=" + PercentEncode(wh->second);
    ARROW_ASSIGN_OR_RAISE(auto r, Call("GET", "/v1/config" + query, ""));
    ARROW_RETURN_NOT_OK(Check(r, "read the catalog configuration"));
    std::string prefix = "/v1";
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    if (d.IsObject() && d.HasMember("overrides") && d["overrides"].IsObject() &&
        d["overrides"].HasMember("prefix") && d["overrides"]["prefix"].IsString()) {
      prefix += "/" + std::string(d["overrides"]["prefix"].GetString());
    }
    prefix_ = prefix;
    return prefix;
  }

  arrow::Result<LoadedTable> ParseLoadResult(const std::string& body) {
    rapidjson::Document d;
    d.Parse(body.c_str());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("metadata")) {
      return arrow::Status::IOError("REST catalog ", uri_, " answered a table without metadata");
    }
    std::string location = d.HasMember("metadata-location") && d["metadata-location"].IsString()
                               ? d["metadata-location"].GetString()
                               : "";
    ARROW_ASSIGN_OR_RAISE(auto metadata, ParseTableMetadata(ToJson(d["metadata"]), location));
    metadata.io = io();
    return LoadedTable{std::move(metadata), location};
  }

  arrow::Status Check(const Response& r, const std::string& what) const {
    if (r.status >= 200 && r.status < 300) return arrow::Status::OK();
    std::string message = r.body;
    rapidjson::Document d;
    d.Parse(r.body.c_str());
    if (!d.HasParseError() && d.IsObject() && d.HasMember("error") && d["error"].IsObject() &&
        d["error"].HasMember("message") && d["error"]["message"].IsString()) {
      message = d["error"]["message"].GetString();
    }
    return arrow::Status::IOError(fmt::format("REST catalog {} could not {}: HTTP {}: {}", uri_, what, r.status, message));
  }

  arrow::Result<Response> Call(const std::string& method, const std::string& path, const std::string& body) const {
    HttpRequest request;
    request.method = method;
    request.url = uri_ + path;
    request.body = body;
    request.headers = {"Content-Type: application/json", "Accept: application/json"};
    if (auto token = properties_.find("token"); token != properties_.end()) {
      request.headers.push_back("Authorization: Bearer " + token->second);
    }
    request.timeout_seconds = 60;
    auto response = SendHttpRequest(request);
    if (!response.ok()) {
      return arrow::Status::IOError(fmt::format("REST catalog {}: {}", uri_, response.status().message()));
    }
    return Response{response->status, std::move(response->body)};
  }

  std::string uri_;
  std::map<std::string, std::string> properties_;
  mutable std::mutex mutex_;
  std::optional<std::string> prefix_;
  FileIOPtr io_;

 public:
  // The session's object store settings of the latest GetCatalog: the
  // tables' files are read and written with them.
  void set_io(FileIOPtr io) {
    std::lock_guard<std::mutex> lock(mutex_);
    io_ = std::move(io);
  }
  FileIOPtr io() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return io_;
  }
};

}  // namespace

std::shared_ptr<IcebergCatalog> MakeRestCatalog(const std::string& name, const std::string& uri,
                                                const std::map<std::string, std::string>& properties,
                                                FileIOPtr io) {
  // One client per catalog configuration: the prefix is read from the server once.
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<RestCatalog>> clients;
  std::string key = name + "\n" + uri;
  for (const auto& [k, v] : properties) key += "\n" + k + "=" + v;
  std::lock_guard<std::mutex> lock(mutex);
  auto& client = clients[key];
  if (!client) client = std::make_shared<RestCatalog>(name, uri, properties);
  client->set_io(std::move(io));
  return client;
}

}  // namespace spate::iceberg
