#include "spate/connectors/iceberg/catalog.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "spate/common/runtime_config.h"
#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/connectors/iceberg/manifest.h"

namespace spate::iceberg {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSparkCatalogClass = "org.apache.iceberg.spark.SparkCatalog";

arrow::Result<std::string> ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return arrow::Status::IOError("cannot read ", path.string());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

arrow::Status WriteAtomically(const fs::path& path, const std::string& text) {
  fs::path tmp = path;
  tmp += fmt::format(".{}.tmp", NewUuid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return arrow::Status::IOError("cannot write ", tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return arrow::Status::IOError("cannot rename ", tmp.string(), ": ", ec.message());
  return arrow::Status::OK();
}

int VersionOf(const std::string& metadata_location) {
  std::string file = fs::path(metadata_location).filename().string();
  int v = 0;
  return std::sscanf(file.c_str(), "v%d.metadata.json", &v) == 1 ? v : 0;
}

class HadoopCatalog final : public IcebergCatalog {
 public:
  HadoopCatalog(std::string name, std::string warehouse)
      : IcebergCatalog(std::move(name)), warehouse_(LocalPath(std::move(warehouse))) {}

  arrow::Result<std::optional<LoadedTable>> LoadTable(const TableIdent& ident) override {
    fs::path meta = TableDir(ident) / "metadata";
    int version = 0;
    if (auto hint = ReadText(meta / "version-hint.text"); hint.ok()) version = std::atoi(hint->c_str());
    // The hint may lag behind the newest version (a writer died between the two).
    while (fs::exists(meta / VersionFile(version + 1))) ++version;
    while (version > 0 && !fs::exists(meta / VersionFile(version))) --version;
    if (version == 0) return std::nullopt;
    std::string location = (meta / VersionFile(version)).string();
    ARROW_ASSIGN_OR_RAISE(auto text, ReadText(location));
    ARROW_ASSIGN_OR_RAISE(auto metadata, ParseTableMetadata(text, location));
    return LoadedTable{std::move(metadata), location};
  }

  arrow::Result<LoadedTable> CreateTable(const TableIdent& ident, TableMetadata metadata) override {
    if (metadata.location.empty()) metadata.location = TableDir(ident).string();
    fs::path meta = TableDir(ident) / "metadata";
    std::error_code ec;
    fs::create_directories(meta, ec);
    if (ec) return arrow::Status::IOError("cannot create ", meta.string(), ": ", ec.message());
    ARROW_ASSIGN_OR_RAISE(bool created, WriteVersion(meta, 1, metadata));
    if (!created) return TableExists(ident);
    return LoadedTable{std::move(metadata), (meta / VersionFile(1)).string()};
  }

  arrow::Result<bool> CommitTable(const TableIdent& ident, const LoadedTable& base, TableMetadata updated) override {
    fs::path meta = TableDir(ident) / "metadata";
    int next = VersionOf(base.metadata_location) + 1;
    updated.metadata_log.emplace_back(base.metadata.last_updated_ms, base.metadata_location);
    return WriteVersion(meta, next, updated);
  }

  arrow::Result<bool> DropTable(const TableIdent& ident) override {
    fs::path dir = TableDir(ident);
    if (!fs::exists(dir / "metadata")) return false;
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (ec) return arrow::Status::IOError("cannot remove ", dir.string(), ": ", ec.message());
    return true;
  }

  arrow::Result<std::vector<std::string>> ListTables(const std::vector<std::string>& ns) override {
    std::vector<std::string> out;
    fs::path dir = warehouse_;
    for (const auto& n : ns) dir /= n;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (fs::exists(e.path() / "metadata")) out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // A namespace is a directory that is not a table (no metadata/ in it).
  arrow::Result<std::vector<std::vector<std::string>>> ListNamespaces(const std::vector<std::string>& parent) override {
    std::vector<std::vector<std::string>> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(NamespaceDir(parent), ec)) {
      std::string name = e.path().filename().string();
      if (!e.is_directory() || name.starts_with(".") || fs::exists(e.path() / "metadata")) continue;
      out.push_back(parent);
      out.back().push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  arrow::Result<std::optional<std::map<std::string, std::string>>> LoadNamespace(
      const std::vector<std::string>& ns) override {
    if (!IsNamespace(ns)) return std::nullopt;
    return std::map<std::string, std::string>{{"location", NamespaceDir(ns).string()}};
  }

  arrow::Result<bool> CreateNamespace(const std::vector<std::string>& ns,
                                      const std::map<std::string, std::string>&) override {
    if (IsNamespace(ns)) return false;
    std::error_code ec;
    fs::create_directories(NamespaceDir(ns), ec);
    if (ec) return arrow::Status::IOError("cannot create ", NamespaceDir(ns).string(), ": ", ec.message());
    return true;
  }

  arrow::Result<bool> DropNamespace(const std::vector<std::string>& ns) override {
    if (!IsNamespace(ns)) return false;
    std::error_code ec;
    if (!fs::is_empty(NamespaceDir(ns), ec)) return NamespaceNotEmpty(ns);
    fs::remove(NamespaceDir(ns), ec);
    if (ec) return arrow::Status::IOError("cannot remove ", NamespaceDir(ns).string(), ": ", ec.message());
    return true;
  }

 private:
  fs::path NamespaceDir(const std::vector<std::string>& ns) const {
    fs::path dir = warehouse_;
    for (const auto& n : ns) dir /= n;
    return dir;
  }

  bool IsNamespace(const std::vector<std::string>& ns) const {
    if (ns.empty()) return false;
    std::error_code ec;
    return fs::is_directory(NamespaceDir(ns), ec) && !fs::exists(NamespaceDir(ns) / "metadata", ec);
  }

  static std::string VersionFile(int v) { return fmt::format("v{}.metadata.json", v); }

  fs::path TableDir(const TableIdent& ident) const {
    fs::path dir = warehouse_;
    for (const auto& n : ident.ns) dir /= n;
    return dir / ident.name;
  }

  static arrow::Status TableExists(const TableIdent& ident) {
    return SparkError("TABLE_OR_VIEW_ALREADY_EXISTS", "42P07",
                      fmt::format("Cannot create table or view {} because it already exists.\nChoose a "
                                  "different name, drop or replace the existing object, or add the IF NOT "
                                  "EXISTS clause to tolerate pre-existing objects.",
                                  ident.ToString()));
  }

  // Writes version `v` unless it exists: a hard link from a finished temp
  // file publishes it atomically and fails if another writer got there first.
  static arrow::Result<bool> WriteVersion(const fs::path& meta, int v, const TableMetadata& metadata) {
    fs::path tmp = meta / fmt::format(".v{}-{}.metadata.json.tmp", v, NewUuid());
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << SerializeTableMetadata(metadata);
      out.flush();
      if (!out) return arrow::Status::IOError("cannot write ", tmp.string());
    }
    fs::path target = meta / VersionFile(v);
    int rc = ::link(tmp.c_str(), target.c_str());
    int err = errno;
    std::error_code ec;
    fs::remove(tmp, ec);
    if (rc != 0 && err == EEXIST) return false;
    if (rc != 0) return arrow::Status::IOError("cannot create ", target.string(), ": ", std::strerror(err));
    ARROW_RETURN_NOT_OK(WriteAtomically(meta / "version-hint.text", std::to_string(v)));
    return true;
  }

  std::string warehouse_;
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
    return MakeHadoopCatalog(name, *warehouse);
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
    return MakeRestCatalog(name, *uri, props);
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

std::shared_ptr<IcebergCatalog> MakeHadoopCatalog(const std::string& name, const std::string& warehouse) {
  return std::make_shared<HadoopCatalog>(name, warehouse);
}

}  // namespace spate::iceberg
