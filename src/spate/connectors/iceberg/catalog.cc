#include "spate/connectors/iceberg/catalog.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "spate/common/runtime_config.h"
#include "spate/common/error.h"
#include "spate/common/object_store.h"
#include "spate/common/strings.h"
#include "spate/connectors/iceberg/manifest.h"

namespace spate::iceberg {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSparkCatalogClass = "org.apache.iceberg.spark.SparkCatalog";

int VersionOf(const std::string& metadata_location) {
  std::string file = fs::path(metadata_location).filename().string();
  int v = 0;
  return std::sscanf(file.c_str(), "v%d.metadata.json", &v) == 1 ? v : 0;
}

// The hadoop catalog's layout: <warehouse>/<ns...>/<table>/metadata/
// vN.metadata.json and version-hint.text, on local disk or an object store
// (through FileIO). A commit creates vN+1 only if absent (a hard link
// locally, a conditional PUT on S3, where there is no rename; a check, then a
// PUT on GCS and Azure), then rewrites the hint, which readers only use as a
// starting point.
class HadoopCatalog final : public IcebergCatalog {
 public:
  HadoopCatalog(std::string name, std::string warehouse, FileIOPtr io)
      : IcebergCatalog(std::move(name)), warehouse_(LocalPath(std::move(warehouse))), io_(std::move(io)) {
    while (warehouse_.size() > 1 && warehouse_.back() == '/') warehouse_.pop_back();
    if (!io_) io_ = std::make_shared<const FileIO>();
  }

  arrow::Result<std::optional<LoadedTable>> LoadTable(const TableIdent& ident) override {
    std::string meta = MetaDir(ident);
    int version = 0;
    if (auto hint = io_->Read(JoinPath(meta, "version-hint.text")); hint.ok()) version = std::atoi(hint->c_str());
    // The hint may lag behind the newest version (a writer died between the two).
    while (true) {
      ARROW_ASSIGN_OR_RAISE(bool next, io_->Exists(JoinPath(meta, VersionFile(version + 1))));
      if (!next) break;
      ++version;
    }
    while (version > 0) {
      ARROW_ASSIGN_OR_RAISE(bool exists, io_->Exists(JoinPath(meta, VersionFile(version))));
      if (exists) break;
      --version;
    }
    if (version == 0) return std::nullopt;
    std::string location = JoinPath(meta, VersionFile(version));
    ARROW_ASSIGN_OR_RAISE(auto text, io_->Read(location));
    // On Azure an object is there, empty, while it is written (Arrow's Azure
    // output stream creates it first): an empty newest version is a commit in
    // progress, and the version before it is the table (a commit on top of it
    // then finds its version taken and retries).
    if (text.empty() && version > 1) {
      location = JoinPath(meta, VersionFile(--version));
      ARROW_ASSIGN_OR_RAISE(text, io_->Read(location));
    }
    ARROW_ASSIGN_OR_RAISE(auto metadata, ParseTableMetadata(text, location));
    metadata.io = io_;
    return LoadedTable{std::move(metadata), location};
  }

  arrow::Result<LoadedTable> CreateTable(const TableIdent& ident, TableMetadata metadata) override {
    if (metadata.location.empty()) metadata.location = TableDir(ident);
    std::string meta = MetaDir(ident);
    ARROW_RETURN_NOT_OK(io_->MakeDir(meta));
    ARROW_ASSIGN_OR_RAISE(bool created, WriteVersion(meta, 1, metadata));
    if (!created) return TableExists(ident);
    metadata.io = io_;
    return LoadedTable{std::move(metadata), JoinPath(meta, VersionFile(1))};
  }

  arrow::Result<bool> CommitTable(const TableIdent& ident, const LoadedTable& base, TableMetadata updated) override {
    int next = VersionOf(base.metadata_location) + 1;
    updated.metadata_log.emplace_back(base.metadata.last_updated_ms, base.metadata_location);
    return WriteVersion(MetaDir(ident), next, updated);
  }

  arrow::Result<bool> DropTable(const TableIdent& ident) override {
    ARROW_ASSIGN_OR_RAISE(bool exists, io_->IsDir(MetaDir(ident)));
    if (!exists) return false;
    ARROW_RETURN_NOT_OK(io_->DeleteDir(TableDir(ident)));
    return true;
  }

  arrow::Result<std::vector<std::string>> ListTables(const std::vector<std::string>& ns) override {
    std::vector<std::string> out;
    ARROW_ASSIGN_OR_RAISE(auto names, io_->ListDirs(NamespaceDir(ns)));
    for (const auto& name : names) {
      ARROW_ASSIGN_OR_RAISE(bool table, io_->IsDir(JoinPath(JoinPath(NamespaceDir(ns), name), "metadata")));
      if (table) out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // A namespace is a directory that is not a table (no metadata/ in it).
  arrow::Result<std::vector<std::vector<std::string>>> ListNamespaces(const std::vector<std::string>& parent) override {
    std::vector<std::vector<std::string>> out;
    ARROW_ASSIGN_OR_RAISE(auto names, io_->ListDirs(NamespaceDir(parent)));
    for (const auto& name : names) {
      if (name.starts_with(".")) continue;
      ARROW_ASSIGN_OR_RAISE(bool table, io_->IsDir(JoinPath(JoinPath(NamespaceDir(parent), name), "metadata")));
      if (table) continue;
      out.push_back(parent);
      out.back().push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  arrow::Result<std::optional<std::map<std::string, std::string>>> LoadNamespace(
      const std::vector<std::string>& ns) override {
    ARROW_ASSIGN_OR_RAISE(bool exists, IsNamespace(ns));
    if (!exists) return std::nullopt;
    return std::map<std::string, std::string>{{"location", NamespaceDir(ns)}};
  }

  arrow::Result<bool> CreateNamespace(const std::vector<std::string>& ns,
                                      const std::map<std::string, std::string>&) override {
    ARROW_ASSIGN_OR_RAISE(bool exists, IsNamespace(ns));
    if (exists) return false;
    ARROW_RETURN_NOT_OK(io_->MakeDir(NamespaceDir(ns)));
    return true;
  }

  arrow::Result<bool> DropNamespace(const std::vector<std::string>& ns) override {
    ARROW_ASSIGN_OR_RAISE(bool exists, IsNamespace(ns));
    if (!exists) return false;
    ARROW_ASSIGN_OR_RAISE(bool empty, io_->IsEmptyDir(NamespaceDir(ns)));
    if (!empty) return NamespaceNotEmpty(ns);
    ARROW_RETURN_NOT_OK(io_->DeleteDir(NamespaceDir(ns)));
    return true;
  }

 private:
  std::string NamespaceDir(const std::vector<std::string>& ns) const {
    std::string dir = warehouse_;
    for (const auto& n : ns) dir = JoinPath(dir, n);
    return dir;
  }

  arrow::Result<bool> IsNamespace(const std::vector<std::string>& ns) const {
    if (ns.empty()) return false;
    ARROW_ASSIGN_OR_RAISE(bool dir, io_->IsDir(NamespaceDir(ns)));
    if (!dir) return false;
    ARROW_ASSIGN_OR_RAISE(bool table, io_->IsDir(JoinPath(NamespaceDir(ns), "metadata")));
    return !table;
  }

  static std::string VersionFile(int v) { return fmt::format("v{}.metadata.json", v); }

  std::string TableDir(const TableIdent& ident) const { return JoinPath(NamespaceDir(ident.ns), ident.name); }
  std::string MetaDir(const TableIdent& ident) const { return JoinPath(TableDir(ident), "metadata"); }

  static arrow::Status TableExists(const TableIdent& ident) {
    return SparkError("TABLE_OR_VIEW_ALREADY_EXISTS", "42P07",
                      fmt::format("Cannot create table or view {} because it already exists.\nChoose a "
                                  "different name, drop or replace the existing object, or add the IF NOT "
                                  "EXISTS clause to tolerate pre-existing objects.",
                                  ident.ToString()));
  }

  // Writes version `v` unless it exists (then false: another writer won),
  // then points the hint at it.
  arrow::Result<bool> WriteVersion(const std::string& meta, int v, const TableMetadata& metadata) const {
    ARROW_ASSIGN_OR_RAISE(bool created,
                          io_->WriteIfAbsent(JoinPath(meta, VersionFile(v)), SerializeTableMetadata(metadata)));
    if (!created) return false;
    ARROW_RETURN_NOT_OK(io_->Write(JoinPath(meta, "version-hint.text"), std::to_string(v)));
    return true;
  }

  std::string warehouse_;
  FileIOPtr io_;
};

}  // namespace

std::string TableIdent::ToString() const {
  std::string out;
  for (const auto& n : ns) out += "`" + n + "`.";
  return out + "`" + name + "`";
}

std::string QuoteParts(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    out += out.empty() ? "`" : ".`";
    for (char c : p) out += c == '`' ? std::string("``") : std::string(1, c);
    out += "`";
  }
  return out;
}

arrow::Status NamespaceNotEmpty(const std::vector<std::string>& ns) {
  return SparkError("SCHEMA_NOT_EMPTY", "2BP01",
                    fmt::format("Cannot drop a schema {} because it contains objects.\nUse DROP SCHEMA ... "
                                "CASCADE to drop the schema and all its objects.",
                                QuoteParts(ns)));
}

bool IsIcebergCatalog(const RuntimeConfig& conf, const std::string& name) {
  auto impl = conf.Get("spark.sql.catalog." + name);
  return impl && (*impl == kSparkCatalogClass || *impl == "org.apache.iceberg.spark.SparkSessionCatalog");
}

arrow::Result<std::shared_ptr<IcebergCatalog>> GetCatalog(const RuntimeConfig& conf, const std::string& name) {
  std::string prefix = "spark.sql.catalog." + name;
  if (!IsIcebergCatalog(conf, name)) {
    return SparkError("CATALOG_NOT_FOUND", "42P08",
                      fmt::format("The catalog `{}` not found. Consider to set the SQL config {} to a catalog "
                                  "plugin (for Iceberg: {}).",
                                  name, prefix, kSparkCatalogClass));
  }
  std::string type = AsciiLower(conf.Get(prefix + ".type").value_or("hadoop"));
  if (type == "hadoop") {
    auto warehouse = conf.Get(prefix + ".warehouse");
    if (!warehouse || warehouse->empty()) {
      return arrow::Status::Invalid(fmt::format("Iceberg catalog '{}' of type hadoop needs a warehouse: set {}.warehouse "
                                                "to a directory.",
                                                name, prefix));
    }
    return MakeHadoopCatalog(name, *warehouse, std::make_shared<const FileIO>(conf));
  }
  if (type == "rest") {
    auto uri = conf.Get(prefix + ".uri");
    if (!uri || uri->empty()) {
      return arrow::Status::Invalid(
          fmt::format("Iceberg catalog '{}' of type rest needs a URI: set {}.uri to the catalog's base URL.", name,
                      prefix));
    }
    std::map<std::string, std::string> props;
    for (const auto& [k, v] : conf.GetAll()) {
      if (k.starts_with(prefix + ".")) props[k.substr(prefix.size() + 1)] = v;
    }
    return MakeRestCatalog(name, *uri, props, std::make_shared<const FileIO>(conf));
  }
  return arrow::Status::Invalid(fmt::format("Unsupported Iceberg catalog type '{}' for {}.type: allowed are hadoop and rest.",
                                            type, prefix));
}

std::vector<std::string> SplitName(const std::string& name) {
  std::vector<std::string> parts;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '`') {
      if (quoted && i + 1 < name.size() && name[i + 1] == '`') {
        cur += '`';
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (c == '.' && !quoted) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

std::optional<CatalogTableName> ResolveName(const RuntimeConfig& conf, const std::vector<std::string>& parts) {
  if (parts.size() < 2 || !IsIcebergCatalog(conf, parts[0])) return std::nullopt;
  CatalogTableName out;
  out.catalog = parts[0];
  out.ident.ns.assign(parts.begin() + 1, parts.end() - 1);
  out.ident.name = parts.back();
  return out;
}

std::shared_ptr<IcebergCatalog> MakeHadoopCatalog(const std::string& name, const std::string& warehouse,
                                                  FileIOPtr io) {
  return std::make_shared<HadoopCatalog>(name, warehouse, std::move(io));
}

}  // namespace spate::iceberg
