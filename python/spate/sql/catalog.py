"""``spark.catalog``: the catalogs, namespaces, tables and temp views, as
``pyspark.sql.catalog.Catalog``.

The session catalog (``spark_catalog``) has the database ``default`` (tables under
``spark.sql.warehouse.dir``) and the temp views; Iceberg catalogs configured with
``spark.sql.catalog.<name>`` add their namespaces and tables. Spate keeps no cached
data: ``cacheTable`` only records the name, which ``isCached`` then reports.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, List, NamedTuple, Optional

from spate import _native

if TYPE_CHECKING:
    from spate.sql.session import SparkSession


class CatalogMetadata(NamedTuple):
    name: str
    description: Optional[str]


class Database(NamedTuple):
    name: str
    catalog: Optional[str]
    description: Optional[str]
    locationUri: str


class Table(NamedTuple):
    name: str
    catalog: Optional[str]
    namespace: Optional[List[str]]
    description: Optional[str]
    tableType: str
    isTemporary: bool

    @property
    def database(self) -> Optional[str]:
        if self.namespace is not None and len(self.namespace) == 1:
            return self.namespace[0]
        return None


class Column(NamedTuple):
    name: str
    description: Optional[str]
    dataType: str
    nullable: bool
    isPartition: bool
    isBucket: bool
    isCluster: bool


def _table(t: Any) -> Table:
    name, catalog, namespace, description, table_type, temporary = t
    return Table(name, catalog, list(namespace), description, table_type, temporary)


class Catalog:
    """The session's catalogs (``spark.catalog``)."""

    def __init__(self, sparkSession: "SparkSession") -> None:
        self._sparkSession = sparkSession
        self._jsession = sparkSession._jsession

    # --- catalogs -----------------------------------------------------------------------------

    def currentCatalog(self) -> str:
        """The current catalog (``spark_catalog`` until changed)."""
        return _native.catalog_current_catalog(self._jsession)

    def setCurrentCatalog(self, catalogName: str) -> None:
        """Makes ``catalogName`` (``spark_catalog`` or a configured Iceberg catalog) current."""
        _native.catalog_set_current_catalog(self._jsession, catalogName)

    def listCatalogs(self, pattern: Optional[str] = None) -> List[CatalogMetadata]:
        """The catalogs, optionally those whose name matches ``pattern`` (``*`` and ``|``)."""
        return [CatalogMetadata(*c) for c in _native.catalog_list_catalogs(self._jsession, pattern)]

    # --- databases ----------------------------------------------------------------------------

    def currentDatabase(self) -> str:
        """The current namespace of the current catalog."""
        return _native.catalog_current_database(self._jsession)

    def setCurrentDatabase(self, dbName: str) -> None:
        """Makes ``dbName``, a namespace of the current catalog, current."""
        _native.catalog_set_current_database(self._jsession, dbName)

    def listDatabases(self, pattern: Optional[str] = None) -> List[Database]:
        """The namespaces of the current catalog."""
        return [Database(*d) for d in _native.catalog_list_databases(self._jsession, pattern)]

    def getDatabase(self, dbName: str) -> Database:
        """The namespace ``dbName`` (``ns`` or ``catalog.ns``); SCHEMA_NOT_FOUND when missing."""
        return Database(*_native.catalog_get_database(self._jsession, dbName))

    def databaseExists(self, dbName: str) -> bool:
        return _native.catalog_database_exists(self._jsession, dbName)

    # --- tables -------------------------------------------------------------------------------

    def listTables(self, dbName: Optional[str] = None, pattern: Optional[str] = None) -> List[Table]:
        """The tables of ``dbName`` (the current namespace by default) and the temp views."""
        return [_table(t) for t in _native.catalog_list_tables(self._jsession, dbName, pattern)]

    def getTable(self, tableName: str) -> Table:
        """The table or view ``tableName``; TABLE_OR_VIEW_NOT_FOUND when missing."""
        return _table(_native.catalog_get_table(self._jsession, tableName))

    def listColumns(self, tableName: str, dbName: Optional[str] = None) -> List[Column]:
        """The columns of a table or view."""
        if dbName is not None:
            warnings.warn(
                "`dbName` has been deprecated since Spark 3.4 and might be removed in "
                "a future version. Use listColumns(`dbName.tableName`) instead.",
                FutureWarning,
            )
        return [Column(*c) for c in _native.catalog_list_columns(self._jsession, tableName, dbName)]

    def tableExists(self, tableName: str, dbName: Optional[str] = None) -> bool:
        """Whether the table or view exists."""
        if dbName is not None:
            warnings.warn(
                "`dbName` has been deprecated since Spark 3.4 and might be removed in "
                "a future version. Use tableExists(`dbName.tableName`) instead.",
                FutureWarning,
            )
        return _native.catalog_table_exists(self._jsession, tableName, dbName)

    # --- views --------------------------------------------------------------------------------

    def dropTempView(self, viewName: str) -> bool:
        """Drops the temp view; False when there was none."""
        return _native.catalog_drop_temp_view(self._jsession, viewName)

    def dropGlobalTempView(self, viewName: str) -> bool:
        """Spate has no global temp views: always False."""
        return _native.catalog_drop_global_temp_view(self._jsession, viewName)

    # --- caching (Spate recomputes every query; these keep Spark's answers) -------------------

    def isCached(self, tableName: str) -> bool:
        return _native.catalog_is_cached(self._jsession, tableName)

    def cacheTable(self, tableName: str, storageLevel: Optional[Any] = None) -> None:
        _native.catalog_cache_table(self._jsession, tableName)

    def uncacheTable(self, tableName: str) -> None:
        _native.catalog_uncache_table(self._jsession, tableName)

    def clearCache(self) -> None:
        _native.catalog_clear_cache(self._jsession)

    def refreshTable(self, tableName: str) -> None:
        """Each query reads a table afresh: only checks that the table exists."""
        _native.catalog_refresh_table(self._jsession, tableName)


__all__ = ["Catalog", "CatalogMetadata", "Database", "Table", "Column"]
