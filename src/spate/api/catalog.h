#pragma once

// The session catalog (spark_catalog): one database, `default`, whose
// managed tables live as directories under spark.sql.warehouse.dir/<table>.
// Each table directory holds a small metadata file (hidden from readers by
// its leading '_') with the provider, schema and partition columns, so a
// new Session on the same warehouse directory sees the same tables.
//
// The session's current catalog and namespace (USE, setCurrentCatalog) are
// kept here too; names without a catalog resolve against them. Iceberg
// catalogs (spark.sql.catalog.<name>) are the other catalogs a name can reach.
//
// namespace spate::catalog below is spark.catalog: PySpark's Catalog API
// over the session catalog, the temp views and the Iceberg catalogs.

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/types/data_type.h"

namespace spate {

class RuntimeConfig;
class Session;

struct CatalogTable {
  std::string name;  // lower case, unqualified
  std::string provider = "parquet";
  StructTypePtr schema;  // data columns, then partition columns
  std::vector<std::string> partition_columns;
  std::string location;
};

class Catalog {
 public:
  explicit Catalog(const RuntimeConfig& conf) : conf_(conf) {}

  /// "t", "default.t" or "spark_catalog.default.t" -> "t"; another
  /// database is [SCHEMA_NOT_FOUND].
  static arrow::Result<std::string> TableName(const std::string& qualified);
  static arrow::Result<std::string> TableName(const std::vector<std::string>& parts);
  /// `spark_catalog`.`default`.`t`: how Spark names a table in messages.
  static std::string QualifiedName(const std::string& table);

  bool TableExists(const std::string& name) const;
  /// The table, or [TABLE_OR_VIEW_NOT_FOUND].
  arrow::Result<CatalogTable> GetTable(const std::string& name) const;
  /// Records a new table (its directory is created). Fails with
  /// [TABLE_OR_VIEW_ALREADY_EXISTS], or [LOCATION_ALREADY_EXISTS] when a
  /// directory that is no table is in the way.
  arrow::Status CreateTable(const CatalogTable& table);
  /// Removes the table and its data; false if there was none.
  arrow::Result<bool> DropTable(const std::string& name);
  /// The tables of `default`, sorted by name.
  std::vector<std::string> ListTables() const;
  /// Where a managed table of that name lives.
  std::string DefaultLocation(const std::string& name) const;
  /// The warehouse directory as a file: URI (the location of `default`).
  std::string WarehouseUri() const;

  /// The current catalog and namespace: spark_catalog.default until USE.
  std::string CurrentCatalog() const;
  std::vector<std::string> CurrentNamespace() const;
  void SetCurrent(const std::string& catalog, const std::vector<std::string>& ns);

  /// Names given to cacheTable (Spate keeps no cached data: caching only
  /// changes what isCached answers).
  void SetCached(const std::string& key, bool cached);
  bool IsCached(const std::string& key) const;
  void ClearCache();

 private:
  std::string Warehouse() const;

  const RuntimeConfig& conf_;
  mutable std::mutex mutex_;
  std::string current_catalog_ = "spark_catalog";
  std::vector<std::string> current_namespace_ = {"default"};
  std::set<std::string> cached_;
};

// PySpark's catalog records (pyspark.sql.catalog).
struct CatalogMetadata {
  std::string name;
  std::optional<std::string> description;
};
struct DatabaseInfo {
  std::string name;
  std::optional<std::string> catalog;
  std::optional<std::string> description;
  std::optional<std::string> location_uri;
};
struct TableInfo {
  std::string name;
  std::optional<std::string> catalog;
  std::vector<std::string> ns;
  std::optional<std::string> description;
  std::string table_type;  // MANAGED, EXTERNAL, VIEW, TEMPORARY
  bool is_temporary = false;
};
struct ColumnInfo {
  std::string name;
  std::optional<std::string> description;
  std::string data_type;  // simple string: int, array<string>
  bool nullable = true;
  bool is_partition = false;
  bool is_bucket = false;
  bool is_cluster = false;
};

/// The columns of a table or view, with Spark's partition flags.
struct DescribedColumns {
  StructTypePtr schema;
  std::vector<std::string> partition_columns;  // identity partitions
};

/// The name of the session catalog.
inline constexpr const char* kSessionCatalog = "spark_catalog";

/// A table or view name resolved against the catalogs: `catalog` is empty
/// for a temp view.
struct ResolvedTableName {
  std::string catalog;
  std::vector<std::string> ns;
  std::string name;
  bool iceberg = false;
  /// catalog.ns.name as parts (the name alone for a temp view).
  std::vector<std::string> Parts() const;
};

/// What `parts` names: a temp view (one part), else a table of the catalog
/// its first part names, else of the current catalog and namespace.
ResolvedTableName ResolveTableName(Session& session, const std::vector<std::string>& parts);
/// `parts` qualified with the current Iceberg catalog (and namespace) when
/// the current catalog is one and `parts` is no temp view and names no catalog;
/// unchanged otherwise.
std::vector<std::string> QualifyWithCurrentCatalog(Session& session, const std::vector<std::string>& parts);

/// [SCHEMA_NOT_FOUND] for a namespace (catalog first).
arrow::Status SchemaNotFound(const std::vector<std::string>& catalog_and_ns);
/// [TABLE_OR_VIEW_NOT_FOUND] naming the parts as written, `a`.`b`.
arrow::Status TableOrViewNotFound(const std::vector<std::string>& parts);

/// A namespace name resolved against the catalogs: the catalog its first
/// part names, else the current catalog.
struct ResolvedNamespace {
  std::string catalog;
  std::vector<std::string> ns;
  bool iceberg = false;
  /// catalog.ns as parts (how Spark names the namespace in errors).
  std::vector<std::string> Parts() const;
};
ResolvedNamespace ResolveNamespaceName(Session& session, const std::vector<std::string>& parts);
/// The current catalog and namespace.
ResolvedNamespace CurrentNamespaceOf(Session& session);
arrow::Result<bool> NamespaceExists(Session& session, const ResolvedNamespace& ns);
/// The namespaces under `parent` (the top level when its ns is empty);
/// [SCHEMA_NOT_FOUND] when the parent does not exist.
arrow::Result<std::vector<std::vector<std::string>>> ListNamespaces(Session& session, const ResolvedNamespace& parent);
/// The properties Spark shows for a namespace (comment, location, owner
/// and the others); [SCHEMA_NOT_FOUND] when there is none.
arrow::Result<std::map<std::string, std::string>> NamespaceProperties(Session& session, const ResolvedNamespace& ns);
/// The tables (and temp views, for the session catalog when `with_temp_views`)
/// of a namespace; [SCHEMA_NOT_FOUND] when there is none.
arrow::Result<std::vector<TableInfo>> ListRelations(Session& session, const ResolvedNamespace& ns,
                                                    bool with_temp_views);
/// Spark's LIKE patterns of SHOW and list*: '*' any characters, '|' between
/// alternatives, case-insensitive.
bool MatchesPattern(const std::string& name, const std::string& pattern);
/// `a`.b: parts joined by '.', backquoted where Spark quotes them (not a plain identifier).
std::string QuoteIfNeeded(const std::vector<std::string>& parts);
/// The OS user, as Spark shows an owner.
std::string CurrentUser();

/// [TABLE_OR_VIEW_ALREADY_EXISTS] for table `name`.
arrow::Status TableAlreadyExists(const std::string& name);

/// spark.catalog, with PySpark's method names and results. Names are
/// "t", "ns.t" or "cat.ns.t"; an unqualified name may be a temp view.
namespace catalog {

std::string currentCatalog(Session& session);
/// [CATALOG_NOT_FOUND] unless `name` is spark_catalog or an Iceberg catalog.
arrow::Status setCurrentCatalog(Session& session, const std::string& name);
/// spark_catalog and the configured Iceberg catalogs, filtered by `pattern`.
std::vector<CatalogMetadata> listCatalogs(Session& session, const std::optional<std::string>& pattern = std::nullopt);

std::string currentDatabase(Session& session);
/// A namespace of the current catalog; [SCHEMA_NOT_FOUND] when there is none.
arrow::Status setCurrentDatabase(Session& session, const std::string& name);
arrow::Result<std::vector<DatabaseInfo>> listDatabases(Session& session,
                                                       const std::optional<std::string>& pattern = std::nullopt);
arrow::Result<DatabaseInfo> getDatabase(Session& session, const std::string& name);
arrow::Result<bool> databaseExists(Session& session, const std::string& name);

/// The tables of a namespace (the current one by default) and, in the
/// session catalog, the temp views.
arrow::Result<std::vector<TableInfo>> listTables(Session& session, const std::optional<std::string>& db = std::nullopt,
                                                 const std::optional<std::string>& pattern = std::nullopt);
arrow::Result<TableInfo> getTable(Session& session, const std::string& name);
arrow::Result<bool> tableExists(Session& session, const std::string& name,
                                const std::optional<std::string>& db = std::nullopt);
arrow::Result<std::vector<ColumnInfo>> listColumns(Session& session, const std::string& name,
                                                   const std::optional<std::string>& db = std::nullopt);

bool dropTempView(Session& session, const std::string& name);
/// Spate has no global temp views: always false.
bool dropGlobalTempView(Session& session, const std::string& name);

// Caching: Spate recomputes every query, so these only check that the table
// exists and remember what cacheTable was given.
arrow::Result<bool> isCached(Session& session, const std::string& name);
arrow::Status cacheTable(Session& session, const std::string& name);
arrow::Status uncacheTable(Session& session, const std::string& name);
void clearCache(Session& session);
/// Tables are read afresh by each query: only checks that it exists.
arrow::Status refreshTable(Session& session, const std::string& name);

/// The columns of a table or view (the relation DESCRIBE describes).
arrow::Result<DescribedColumns> describeColumns(Session& session, const std::vector<std::string>& parts);

}  // namespace catalog

}  // namespace spate
