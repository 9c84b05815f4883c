#pragma once

// Iceberg catalogs, configured with the keys Spark users write:
//   spark.sql.catalog.<name>            = org.apache.iceberg.spark.SparkCatalog
//   spark.sql.catalog.<name>.type       = hadoop | rest
//   spark.sql.catalog.<name>.warehouse  = a directory, file: URI or s3a:// URI (hadoop)
//   spark.sql.catalog.<name>.uri        = the REST catalog's base URL (rest)
// A table name "<name>.ns.table" then names table `table` of namespace `ns`.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/connectors/iceberg/file_io.h"
#include "spate/connectors/iceberg/table_metadata.h"

namespace spate {
class RuntimeConfig;
}

namespace spate::iceberg {

struct TableIdent {
  std::vector<std::string> ns;
  std::string name;
  std::string ToString() const;
};

/// A table's metadata as loaded, with where it was read from (the base of
/// the next commit).
struct LoadedTable {
  TableMetadata metadata;
  std::string metadata_location;
};

class IcebergCatalog {
 public:
  virtual ~IcebergCatalog() = default;
  const std::string& name() const { return name_; }

  /// The table, or nullopt when there is none.
  virtual arrow::Result<std::optional<LoadedTable>> LoadTable(const TableIdent& ident) = 0;
  /// Creates the table (and its namespace when missing); `metadata`'s
  /// location is set by the catalog when empty. Fails if it exists.
  virtual arrow::Result<LoadedTable> CreateTable(const TableIdent& ident, TableMetadata metadata) = 0;
  /// Replaces `base` by `updated` atomically; false when another writer
  /// committed first (the caller reloads and retries).
  virtual arrow::Result<bool> CommitTable(const TableIdent& ident, const LoadedTable& base,
                                          TableMetadata updated) = 0;
  /// Removes the table (metadata and data); false if there was none.
  virtual arrow::Result<bool> DropTable(const TableIdent& ident) = 0;
  virtual arrow::Result<std::vector<std::string>> ListTables(const std::vector<std::string>& ns) = 0;

  // Namespaces (SHOW NAMESPACES, CREATE / DROP / DESCRIBE NAMESPACE).
  /// The namespaces directly under `parent` (the top level when empty), sorted.
  virtual arrow::Result<std::vector<std::vector<std::string>>> ListNamespaces(
      const std::vector<std::string>& parent) = 0;
  /// The namespace's properties, or nullopt when there is no such namespace.
  virtual arrow::Result<std::optional<std::map<std::string, std::string>>> LoadNamespace(
      const std::vector<std::string>& ns) = 0;
  /// Creates the namespace; false when it exists.
  virtual arrow::Result<bool> CreateNamespace(const std::vector<std::string>& ns,
                                              const std::map<std::string, std::string>& properties) = 0;
  /// Removes an empty namespace; false when there was none, [SCHEMA_NOT_EMPTY]
  /// when it still holds tables or namespaces.
  virtual arrow::Result<bool> DropNamespace(const std::vector<std::string>& ns) = 0;

 protected:
  explicit IcebergCatalog(std::string name) : name_(std::move(name)) {}

 private:
  std::string name_;
};

/// Whether spark.sql.catalog.<name> names an Iceberg catalog.
bool IsIcebergCatalog(const RuntimeConfig& conf, const std::string& name);

/// The catalog named `name`, made from the configuration (cached per
/// configuration), or a clear error naming the bad or missing key.
arrow::Result<std::shared_ptr<IcebergCatalog>> GetCatalog(const RuntimeConfig& conf, const std::string& name);

/// "cat.ns.t" split into the catalog and the table, when `cat` is an
/// Iceberg catalog; nullopt otherwise.
struct CatalogTableName {
  std::string catalog;
  TableIdent ident;
};
std::optional<CatalogTableName> ResolveName(const RuntimeConfig& conf, const std::vector<std::string>& parts);
/// [SCHEMA_NOT_EMPTY] for namespace `ns` (shown as Spark quotes it).
arrow::Status NamespaceNotEmpty(const std::vector<std::string>& ns);
/// `a`.`b`: a multi-part name as Spark quotes it in messages.
std::string QuoteParts(const std::vector<std::string>& parts);

/// Splits a dotted name (backquotes allowed) into its parts.
std::vector<std::string> SplitName(const std::string& name);

/// A filesystem (Hadoop-style) catalog: <warehouse>/<ns>/<table>/metadata/
/// vN.metadata.json and version-hint.text; commits create the next version
/// file without overwriting (a hard link locally, a conditional PUT on S3),
/// so two writers cannot both win. `io` reads and writes the files (null:
/// local files only).
std::shared_ptr<IcebergCatalog> MakeHadoopCatalog(const std::string& name, const std::string& warehouse,
                                                  FileIOPtr io = nullptr);

/// A REST catalog client (Iceberg REST OpenAPI) at `uri`; `io` reads and
/// writes the tables' data and manifests at the locations the server gives.
std::shared_ptr<IcebergCatalog> MakeRestCatalog(const std::string& name, const std::string& uri,
                                                const std::map<std::string, std::string>& properties,
                                                FileIOPtr io = nullptr);

}  // namespace spate::iceberg
