#include "spate/api/catalog.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <regex>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "spate/api/session.h"
#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/connectors/file/file_listing.h"
#include "spate/connectors/iceberg/catalog.h"
#include "spate/types/json_schema.h"

namespace spate {

namespace fs = std::filesystem;

namespace {

constexpr const char* kMetadataFile = "_spate_table.json";

std::string Unquote(std::string part) {
  if (part.size() >= 2 && part.front() == '`' && part.back() == '`') return part.substr(1, part.size() - 2);
  return part;
}

std::vector<std::string> SplitName(const std::string& name) {
  std::vector<std::string> parts;
  std::string current;
  bool quoted = false;
  for (char c : name) {
    if (c == '`') quoted = !quoted;
    if (c == '.' && !quoted) {
      parts.push_back(Unquote(current));
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(Unquote(current));
  return parts;
}

std::string MetadataJson(const CatalogTable& t) {
  std::string out = "{\"provider\":";
  AppendJsonString(t.provider, &out);
  out += ",\"schema\":" + ToJson(*t.schema) + ",\"partitionColumns\":[";
  for (size_t i = 0; i < t.partition_columns.size(); ++i) {
    if (i > 0) out += ",";
    AppendJsonString(t.partition_columns[i], &out);
  }
  return out + "]}";
}

arrow::Result<CatalogTable> ParseMetadata(const std::string& name, const std::string& location,
                                          const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("schema") || !doc.HasMember("provider")) {
    return arrow::Status::IOError("corrupt table metadata in ", location);
  }
  CatalogTable t;
  t.name = name;
  t.location = location;
  t.provider = doc["provider"].GetString();
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc["schema"].Accept(writer);
  ARROW_ASSIGN_OR_RAISE(auto schema, ParseJsonType({buffer.GetString(), buffer.GetSize()}));
  t.schema = std::static_pointer_cast<const StructType>(schema);
  if (doc.HasMember("partitionColumns") && doc["partitionColumns"].IsArray()) {
    for (const auto& c : doc["partitionColumns"].GetArray()) t.partition_columns.emplace_back(c.GetString());
  }
  return t;
}

}  // namespace

arrow::Status TableAlreadyExists(const std::string& name) {
  return SparkError("TABLE_OR_VIEW_ALREADY_EXISTS", "42P07",
                    fmt::format("Cannot create table or view {} because it already exists.\n"
                                "Choose a different name, drop or replace the existing object, or "
                                "add the IF NOT EXISTS clause to tolerate pre-existing objects.",
                                Catalog::QualifiedName(name)));
}

arrow::Result<std::string> Catalog::TableName(const std::vector<std::string>& parts) {
  if (parts.empty()) return arrow::Status::Invalid("empty table name");
  if (parts.size() >= 2) {
    std::string db = AsciiLower(parts[parts.size() - 2]);
    bool catalog_ok = parts.size() == 2 || (parts.size() == 3 && AsciiLower(parts[0]) == "spark_catalog");
    if (db != "default" || !catalog_ok) {
      std::string shown;
      for (size_t i = 0; i + 1 < parts.size(); ++i) shown += (i ? "." : "") + fmt::format("`{}`", parts[i]);
      return SparkError("SCHEMA_NOT_FOUND", "42704",
                        fmt::format("The schema {} cannot be found. Verify the spelling and "
                                    "correctness of the schema and catalog.\nIf you did not "
                                    "qualify the name with a catalog, verify the current_schema() "
                                    "output, or qualify the name with the correct catalog.\nTo "
                                    "tolerate the error on drop use DROP SCHEMA IF EXISTS.",
                                    shown));
    }
  }
  return AsciiLower(parts.back());
}

arrow::Result<std::string> Catalog::TableName(const std::string& qualified) {
  return TableName(SplitName(qualified));
}

std::string Catalog::QualifiedName(const std::string& table) {
  return fmt::format("`spark_catalog`.`default`.`{}`", table);
}

std::string Catalog::Warehouse() const {
  return conf_.Get("spark.sql.warehouse.dir").value_or("spark-warehouse");
}

std::string Catalog::DefaultLocation(const std::string& name) const {
  std::error_code ec;
  return (fs::absolute(Warehouse(), ec) / name).lexically_normal().string();
}

bool Catalog::TableExists(const std::string& name) const {
  std::error_code ec;
  return fs::exists(fs::path(DefaultLocation(name)) / kMetadataFile, ec);
}

arrow::Result<CatalogTable> Catalog::GetTable(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!TableExists(name)) return TableNotFound(name);
  std::string location = DefaultLocation(name);
  ARROW_ASSIGN_OR_RAISE(std::string json, ReadWholeFile((fs::path(location) / kMetadataFile).string()));
  return ParseMetadata(name, location, json);
}

arrow::Status Catalog::CreateTable(const CatalogTable& table) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (TableExists(table.name)) return TableAlreadyExists(table.name);
  std::string location = DefaultLocation(table.name);
  std::error_code ec;
  if (fs::exists(location, ec)) {
    return SparkError("LOCATION_ALREADY_EXISTS", "42710",
                      fmt::format("Cannot name the managed table as {}, as its associated location "
                                  "'{}' already exists. Please pick a different table name, or "
                                  "remove the existing location first.",
                                  QualifiedName(table.name), QualifiedPath(location)));
  }
  fs::create_directories(location, ec);
  if (ec) return arrow::Status::IOError("cannot create ", location, ": ", ec.message());
  CatalogTable stored = table;
  stored.location = location;
  return WriteWholeFile((fs::path(location) / kMetadataFile).string(), MetadataJson(stored));
}

arrow::Result<bool> Catalog::DropTable(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!TableExists(name)) return false;
  std::error_code ec;
  fs::remove_all(DefaultLocation(name), ec);
  if (ec) return arrow::Status::IOError("cannot remove ", DefaultLocation(name), ": ", ec.message());
  return true;
}

std::vector<std::string> Catalog::ListTables() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> names;
  std::error_code ec;
  if (!fs::is_directory(Warehouse(), ec)) return names;
  for (const auto& e : fs::directory_iterator(Warehouse(), ec)) {
    if (e.is_directory() && fs::exists(e.path() / kMetadataFile, ec)) {
      names.push_back(e.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string Catalog::WarehouseUri() const {
  std::error_code ec;
  return "file:" + fs::absolute(Warehouse(), ec).lexically_normal().string();
}

std::string Catalog::CurrentCatalog() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_catalog_;
}

std::vector<std::string> Catalog::CurrentNamespace() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_namespace_;
}

void Catalog::SetCurrent(const std::string& catalog, const std::vector<std::string>& ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  current_catalog_ = catalog;
  current_namespace_ = ns;
}

void Catalog::SetCached(const std::string& key, bool cached) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (cached) {
    cached_.insert(key);
  } else {
    cached_.erase(key);
  }
}

bool Catalog::IsCached(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return cached_.count(key) > 0;
}

void Catalog::ClearCache() {
  std::lock_guard<std::mutex> lock(mutex_);
  cached_.clear();
}

// --- names across catalogs -----------------------------------------------

namespace {

bool IsSessionCatalog(const std::string& name) { return AsciiLower(name) == kSessionCatalog; }

bool IsKnownCatalog(Session& session, const std::string& name) {
  return IsSessionCatalog(name) || iceberg::IsIcebergCatalog(session.conf(), name);
}

// The session catalog has the one database `default` (names are case-insensitive).
bool IsDefaultDatabase(const std::vector<std::string>& ns) {
  return ns.size() == 1 && AsciiLower(ns[0]) == "default";
}

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Iceberg's SparkCatalog starts in its `default-namespace` option, else `default`.
std::vector<std::string> DefaultNamespaceOf(Session& session, const std::string& catalog) {
  if (IsSessionCatalog(catalog)) return {"default"};
  auto configured = session.conf().Get("spark.sql.catalog." + catalog + ".default-namespace");
  if (configured && !configured->empty()) return iceberg::SplitName(*configured);
  return {"default"};
}

}  // namespace

std::vector<std::string> ResolvedTableName::Parts() const {
  if (catalog.empty()) return {name};
  std::vector<std::string> parts = Concat({catalog}, ns);
  parts.push_back(name);
  return parts;
}

std::vector<std::string> ResolvedNamespace::Parts() const { return Concat({catalog}, ns); }

ResolvedTableName ResolveTableName(Session& session, const std::vector<std::string>& parts) {
  ResolvedTableName out;
  out.name = parts.back();
  if (parts.size() == 1 && session.LookupTempView(parts[0])) return out;
  if (parts.size() >= 2 && IsKnownCatalog(session, parts[0])) {
    out.catalog = IsSessionCatalog(parts[0]) ? kSessionCatalog : parts[0];
    out.ns.assign(parts.begin() + 1, parts.end() - 1);
  } else {
    out.catalog = session.catalog().CurrentCatalog();
    out.ns = parts.size() == 1 ? session.catalog().CurrentNamespace()
                               : std::vector<std::string>(parts.begin(), parts.end() - 1);
  }
  out.iceberg = !IsSessionCatalog(out.catalog);
  return out;
}

std::vector<std::string> QualifyWithCurrentCatalog(Session& session, const std::vector<std::string>& parts) {
  if (parts.empty() || IsSessionCatalog(session.catalog().CurrentCatalog())) return parts;
  ResolvedTableName r = ResolveTableName(session, parts);
  return r.catalog.empty() ? parts : r.Parts();
}

ResolvedNamespace ResolveNamespaceName(Session& session, const std::vector<std::string>& parts) {
  ResolvedNamespace out;
  if (!parts.empty() && IsKnownCatalog(session, parts[0])) {
    out.catalog = IsSessionCatalog(parts[0]) ? kSessionCatalog : parts[0];
    out.ns.assign(parts.begin() + 1, parts.end());
  } else {
    out.catalog = session.catalog().CurrentCatalog();
    out.ns = parts;
  }
  out.iceberg = !IsSessionCatalog(out.catalog);
  return out;
}

ResolvedNamespace CurrentNamespaceOf(Session& session) {
  ResolvedNamespace out;
  out.catalog = session.catalog().CurrentCatalog();
  out.ns = session.catalog().CurrentNamespace();
  out.iceberg = !IsSessionCatalog(out.catalog);
  return out;
}

arrow::Status SchemaNotFound(const std::vector<std::string>& catalog_and_ns) {
  return SparkError("SCHEMA_NOT_FOUND", "42704",
                    fmt::format("The schema {} cannot be found. Verify the spelling and correctness of the "
                                "schema and catalog.\nIf you did not qualify the name with a catalog, verify "
                                "the current_schema() output, or qualify the name with the correct catalog.\n"
                                "To tolerate the error on drop use DROP SCHEMA IF EXISTS.",
                                iceberg::QuoteParts(catalog_and_ns)));
}

arrow::Status TableOrViewNotFound(const std::vector<std::string>& parts) {
  std::string quoted = iceberg::QuoteParts(parts);
  // TableNotFound adds the outer backquotes.
  return TableNotFound(quoted.substr(1, quoted.size() - 2));
}

arrow::Result<bool> NamespaceExists(Session& session, const ResolvedNamespace& ns) {
  if (!ns.iceberg) return IsDefaultDatabase(ns.ns);
  if (ns.ns.empty()) return false;
  ARROW_ASSIGN_OR_RAISE(auto catalog, iceberg::GetCatalog(session.conf(), ns.catalog));
  ARROW_ASSIGN_OR_RAISE(auto props, catalog->LoadNamespace(ns.ns));
  return props.has_value();
}

arrow::Result<std::vector<std::vector<std::string>>> ListNamespaces(Session& session,
                                                                    const ResolvedNamespace& parent) {
  if (!parent.ns.empty()) {
    ARROW_ASSIGN_OR_RAISE(bool exists, NamespaceExists(session, parent));
    if (!exists) return SchemaNotFound(parent.Parts());
  }
  if (!parent.iceberg) {
    if (parent.ns.empty()) return std::vector<std::vector<std::string>>{{"default"}};
    return std::vector<std::vector<std::string>>{};
  }
  ARROW_ASSIGN_OR_RAISE(auto catalog, iceberg::GetCatalog(session.conf(), parent.catalog));
  return catalog->ListNamespaces(parent.ns);
}

arrow::Result<std::map<std::string, std::string>> NamespaceProperties(Session& session,
                                                                     const ResolvedNamespace& ns) {
  if (!ns.iceberg) {
    if (!IsDefaultDatabase(ns.ns)) return SchemaNotFound(ns.Parts());
    return std::map<std::string, std::string>{{"comment", "default database"},
                                              {"location", session.catalog().WarehouseUri()},
                                              {"owner", CurrentUser()}};
  }
  std::optional<std::map<std::string, std::string>> props;
  if (!ns.ns.empty()) {
    ARROW_ASSIGN_OR_RAISE(auto catalog, iceberg::GetCatalog(session.conf(), ns.catalog));
    ARROW_ASSIGN_OR_RAISE(props, catalog->LoadNamespace(ns.ns));
  }
  if (!props) return SchemaNotFound(ns.Parts());
  return *props;
}

arrow::Result<std::vector<TableInfo>> ListRelations(Session& session, const ResolvedNamespace& ns,
                                                    bool with_temp_views) {
  ARROW_ASSIGN_OR_RAISE(bool exists, NamespaceExists(session, ns));
  if (!exists) return SchemaNotFound(ns.Parts());
  std::vector<TableInfo> out;
  std::vector<std::string> names;
  if (ns.iceberg) {
    ARROW_ASSIGN_OR_RAISE(auto catalog, iceberg::GetCatalog(session.conf(), ns.catalog));
    ARROW_ASSIGN_OR_RAISE(names, catalog->ListTables(ns.ns));
  } else {
    names = session.catalog().ListTables();
  }
  for (const auto& name : names) {
    out.push_back(TableInfo{name, ns.catalog, ns.iceberg ? ns.ns : std::vector<std::string>{"default"},
                            std::nullopt, "MANAGED", false});
  }
  if (with_temp_views && !ns.iceberg) {
    for (const auto& name : session.TempViewNames()) {
      out.push_back(TableInfo{name, std::nullopt, {}, std::nullopt, "TEMPORARY", true});
    }
  }
  return out;
}

bool MatchesPattern(const std::string& name, const std::string& pattern) {
  std::string trimmed = pattern;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.pop_back();
  trimmed.erase(0, trimmed.find_first_not_of(" \t\n\r"));
  size_t start = 0;
  while (start <= trimmed.size()) {
    size_t bar = trimmed.find('|', start);
    std::string alternative = trimmed.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    std::string regex;
    for (char c : alternative) regex += c == '*' ? std::string(".*") : std::string(1, c);
    try {
      if (std::regex_match(name, std::regex(regex, std::regex::icase))) return true;
    } catch (const std::regex_error&) {
      // Spark skips an alternative that is no valid regular expression.
    }
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return false;
}

std::string QuoteIfNeeded(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ".") + QuoteIfNeeded(std::string_view(p));
  return out;
}

std::string CurrentUser() {
  if (const char* user = std::getenv("SPARK_USER"); user && *user) return user;
  if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) return pw->pw_name;
  if (const char* user = std::getenv("USER"); user && *user) return user;
  return "";
}

// --- spark.catalog ----------------------------------------------------------

namespace catalog {

namespace {

std::vector<std::string> NameParts(const std::string& name, const std::optional<std::string>& db) {
  std::vector<std::string> parts = db ? iceberg::SplitName(*db) : std::vector<std::string>{};
  auto rest = iceberg::SplitName(name);
  return Concat(parts, rest);
}

// Whether a resolved (non-temp) table exists in its catalog.
arrow::Result<bool> CatalogTableExists(Session& session, const ResolvedTableName& r) {
  if (!r.iceberg) return IsDefaultDatabase(r.ns) && session.catalog().TableExists(AsciiLower(r.name));
  ARROW_ASSIGN_OR_RAISE(auto catalog, iceberg::GetCatalog(session.conf(), r.catalog));
  ARROW_ASSIGN_OR_RAISE(auto table, catalog->LoadTable(iceberg::TableIdent{r.ns, r.name}));
  return table.has_value();
}

// The key of a table in the cache bookkeeping: its resolved name.
arrow::Result<std::string> CacheKey(Session& session, const std::string& name) {
  auto parts = iceberg::SplitName(name);
  ResolvedTableName r = ResolveTableName(session, parts);
  if (!r.catalog.empty()) {
    ARROW_ASSIGN_OR_RAISE(bool exists, CatalogTableExists(session, r));
    if (!exists) return TableOrViewNotFound(parts);
  }
  std::string key;
  for (const auto& p : r.Parts()) key += (key.empty() ? "" : ".") + AsciiLower(p);
  return key;
}

DatabaseInfo MakeDatabase(const ResolvedNamespace& ns, const std::map<std::string, std::string>& props) {
  auto get = [&](const char* key) -> std::optional<std::string> {
    auto it = props.find(key);
    return it == props.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  return DatabaseInfo{QuoteIfNeeded(ns.ns), ns.catalog, get("comment"), get("location")};
}

}  // namespace

std::string currentCatalog(Session& session) { return session.catalog().CurrentCatalog(); }

arrow::Status setCurrentCatalog(Session& session, const std::string& name) {
  if (!IsKnownCatalog(session, name)) {
    return SparkError("CATALOG_NOT_FOUND", "42P08",
                      fmt::format("The catalog `{}` not found. Consider to set the SQL config "
                                  "`spark.sql.catalog.{}` to a catalog plugin.",
                                  name, name));
  }
  std::string catalog = IsSessionCatalog(name) ? kSessionCatalog : name;
  // Switching to the catalog already current keeps its namespace, as in Spark.
  if (catalog != session.catalog().CurrentCatalog()) {
    session.catalog().SetCurrent(catalog, DefaultNamespaceOf(session, catalog));
  }
  return arrow::Status::OK();
}

std::vector<CatalogMetadata> listCatalogs(Session& session, const std::optional<std::string>& pattern) {
  std::set<std::string> names = {kSessionCatalog, session.catalog().CurrentCatalog()};
  for (const auto& [key, value] : session.conf().GetAll()) {
    const std::string prefix = "spark.sql.catalog.";
    if (!key.starts_with(prefix)) continue;
    std::string name = key.substr(prefix.size());
    if (name.find('.') == std::string::npos && iceberg::IsIcebergCatalog(session.conf(), name)) names.insert(name);
  }
  std::vector<CatalogMetadata> out;
  for (const auto& name : names) {
    if (!pattern || MatchesPattern(name, *pattern)) out.push_back(CatalogMetadata{name, std::nullopt});
  }
  return out;
}

std::string currentDatabase(Session& session) { return QuoteIfNeeded(session.catalog().CurrentNamespace()); }

arrow::Status setCurrentDatabase(Session& session, const std::string& name) {
  ResolvedNamespace ns{session.catalog().CurrentCatalog(), iceberg::SplitName(name), false};
  ns.iceberg = !IsSessionCatalog(ns.catalog);
  ARROW_ASSIGN_OR_RAISE(bool exists, NamespaceExists(session, ns));
  if (!exists) return SchemaNotFound(ns.Parts());
  session.catalog().SetCurrent(ns.catalog, ns.iceberg ? ns.ns : std::vector<std::string>{"default"});
  return arrow::Status::OK();
}

arrow::Result<std::vector<DatabaseInfo>> listDatabases(Session& session, const std::optional<std::string>& pattern) {
  ResolvedNamespace top{session.catalog().CurrentCatalog(), {}, false};
  top.iceberg = !IsSessionCatalog(top.catalog);
  ARROW_ASSIGN_OR_RAISE(auto namespaces, ListNamespaces(session, top));
  std::vector<DatabaseInfo> out;
  for (const auto& parts : namespaces) {
    if (pattern && !MatchesPattern(QuoteIfNeeded(parts), *pattern)) continue;
    ResolvedNamespace ns{top.catalog, parts, top.iceberg};
    ARROW_ASSIGN_OR_RAISE(auto props, NamespaceProperties(session, ns));
    out.push_back(MakeDatabase(ns, props));
  }
  return out;
}

arrow::Result<DatabaseInfo> getDatabase(Session& session, const std::string& name) {
  ResolvedNamespace ns = ResolveNamespaceName(session, iceberg::SplitName(name));
  ARROW_ASSIGN_OR_RAISE(auto props, NamespaceProperties(session, ns));
  return MakeDatabase(ns, props);
}

arrow::Result<bool> databaseExists(Session& session, const std::string& name) {
  return NamespaceExists(session, ResolveNamespaceName(session, iceberg::SplitName(name)));
}

arrow::Result<std::vector<TableInfo>> listTables(Session& session, const std::optional<std::string>& db,
                                                 const std::optional<std::string>& pattern) {
  ResolvedNamespace ns = db ? ResolveNamespaceName(session, iceberg::SplitName(*db)) : CurrentNamespaceOf(session);
  ARROW_ASSIGN_OR_RAISE(auto all, ListRelations(session, ns, true));
  std::vector<TableInfo> out;
  for (auto& t : all) {
    if (!pattern || MatchesPattern(t.name, *pattern)) out.push_back(std::move(t));
  }
  return out;
}

arrow::Result<TableInfo> getTable(Session& session, const std::string& name) {
  auto parts = iceberg::SplitName(name);
  ResolvedTableName r = ResolveTableName(session, parts);
  if (r.catalog.empty()) return TableInfo{AsciiLower(r.name), std::nullopt, {}, std::nullopt, "TEMPORARY", true};
  ARROW_ASSIGN_OR_RAISE(bool exists, CatalogTableExists(session, r));
  if (!exists) return TableOrViewNotFound(parts);
  if (!r.iceberg) return TableInfo{AsciiLower(r.name), kSessionCatalog, {"default"}, std::nullopt, "MANAGED", false};
  return TableInfo{r.name, r.catalog, r.ns, std::nullopt, "MANAGED", false};
}

arrow::Result<bool> tableExists(Session& session, const std::string& name, const std::optional<std::string>& db) {
  auto parts = NameParts(name, db);
  ResolvedTableName r = ResolveTableName(session, parts);
  if (r.catalog.empty()) return true;
  return CatalogTableExists(session, r);
}

arrow::Result<DescribedColumns> describeColumns(Session& session, const std::vector<std::string>& parts) {
  ResolvedTableName r = ResolveTableName(session, parts);
  if (r.catalog.empty()) return DescribedColumns{(*session.LookupTempView(r.name))->Schema(), {}};
  if (!r.iceberg) {
    if (!IsDefaultDatabase(r.ns) || !session.catalog().TableExists(AsciiLower(r.name))) {
      return TableOrViewNotFound(parts);
    }
    ARROW_ASSIGN_OR_RAISE(CatalogTable table, session.catalog().GetTable(AsciiLower(r.name)));
    return DescribedColumns{table.schema, table.partition_columns};
  }
  ARROW_ASSIGN_OR_RAISE(auto catalog, iceberg::GetCatalog(session.conf(), r.catalog));
  ARROW_ASSIGN_OR_RAISE(auto loaded, catalog->LoadTable(iceberg::TableIdent{r.ns, r.name}));
  if (!loaded) return TableOrViewNotFound(parts);
  DescribedColumns out{loaded->metadata.schema().ToSpark(), {}};
  for (const auto& f : loaded->metadata.spec().fields) {
    const auto* source = loaded->metadata.schema().FindId(f.source_id);
    if (f.transform == "identity" && source) out.partition_columns.push_back(source->name);
  }
  return out;
}

arrow::Result<std::vector<ColumnInfo>> listColumns(Session& session, const std::string& name,
                                                   const std::optional<std::string>& db) {
  ARROW_ASSIGN_OR_RAISE(auto described, describeColumns(session, NameParts(name, db)));
  std::vector<ColumnInfo> out;
  for (const auto& f : described.schema->fields()) {
    std::string comment = f.Comment();
    bool partition = std::find(described.partition_columns.begin(), described.partition_columns.end(), f.name) !=
                     described.partition_columns.end();
    out.push_back(ColumnInfo{f.name, comment.empty() ? std::nullopt : std::optional<std::string>(comment),
                             f.type->SimpleString(), f.nullable, partition});
  }
  return out;
}

bool dropTempView(Session& session, const std::string& name) { return session.DropTempView(name); }

bool dropGlobalTempView(Session&, const std::string&) { return false; }

arrow::Result<bool> isCached(Session& session, const std::string& name) {
  ARROW_ASSIGN_OR_RAISE(auto key, CacheKey(session, name));
  return session.catalog().IsCached(key);
}

arrow::Status cacheTable(Session& session, const std::string& name) {
  ARROW_ASSIGN_OR_RAISE(auto key, CacheKey(session, name));
  session.catalog().SetCached(key, true);
  return arrow::Status::OK();
}

arrow::Status uncacheTable(Session& session, const std::string& name) {
  ARROW_ASSIGN_OR_RAISE(auto key, CacheKey(session, name));
  session.catalog().SetCached(key, false);
  return arrow::Status::OK();
}

void clearCache(Session& session) { session.catalog().ClearCache(); }

arrow::Status refreshTable(Session& session, const std::string& name) { return CacheKey(session, name).status(); }

}  // namespace catalog

}  // namespace spate
