"""Catalog SQL (SHOW / DESCRIBE / USE / CREATE and DROP NAMESPACE) and spark.catalog on the
session catalog: temp views and parquet tables of the warehouse, against PySpark 4.1."""

import tempfile

import pytest

TABLES = [
    "CREATE TABLE cat_t1 (a INT, b STRING COMMENT 'bee') USING parquet",
    "CREATE TABLE cat_pt (a INT, p STRING) USING parquet PARTITIONED BY (p)",
]
VIEW = "CREATE OR REPLACE TEMP VIEW cat_v1 AS SELECT 1 AS x, 'a' AS y"


@pytest.fixture(scope="module", autouse=True)
def tables(oracle):
    """Two tables in each engine's warehouse (Spate's in a temp directory) for the module."""
    spate = oracle.spate.spark
    old = spate.conf.get("spark.sql.warehouse.dir", None)
    spate.conf.set("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="spate-catalog-wh-"))
    for spark in (spate, oracle.pyspark.spark):
        for name in ("cat_t1", "cat_pt"):
            spark.sql("DROP TABLE IF EXISTS %s" % name)
        for ddl in TABLES:
            spark.sql(ddl)
    yield
    for spark in (spate, oracle.pyspark.spark):
        spark.sql("USE spark_catalog.default")
        for name in ("cat_t1", "cat_pt"):
            spark.sql("DROP TABLE IF EXISTS %s" % name)
    if old is None:
        spate.conf.unset("spark.sql.warehouse.dir")
    else:
        spate.conf.set("spark.sql.warehouse.dir", old)


def with_view(text):
    def program(sql, spark):
        spark.sql(VIEW)
        return spark.sql(text)
    return program


def columns_and_rows(df):
    """A DESCRIBE answer without its fields' metadata (Spark puts a comment on each output column,
    which Spate's plans do not carry): names, types, nullability and the rows in order."""
    return [[(f.name, f.dataType.simpleString(), f.nullable) for f in df.schema], df.collect()]


@pytest.mark.parametrize("text", [
    "SHOW TABLES", "SHOW TABLES IN default", "SHOW TABLES FROM spark_catalog.default",
    "SHOW TABLES LIKE 'cat_t*'", "SHOW TABLES IN spark_catalog.default LIKE 'cat_v*|cat_p*'",
    "SHOW TABLES LIKE 'CAT_T1'", "SHOW TABLES 'nothing*'",
])
def test_show_tables(oracle, text):
    """SHOW TABLES: (namespace, tableName, isTemporary), tables of `default` then temp views with namespace ''."""
    oracle.check(with_view(text))


@pytest.mark.parametrize("text", ["SHOW TABLES IN nope", "SHOW VIEWS IN nope", "SHOW TABLES IN spark_catalog.nope"])
def test_show_in_missing_namespace(oracle, text):
    """SHOW TABLES / VIEWS in a database that does not exist fail with SCHEMA_NOT_FOUND."""
    oracle.check_sql(text, error="SCHEMA_NOT_FOUND")


@pytest.mark.parametrize("text", ["SHOW VIEWS", "SHOW VIEWS IN default", "SHOW VIEWS LIKE 'cat*'",
                                  "SHOW VIEWS LIKE 'x*'"])
def test_show_views(oracle, text):
    """SHOW VIEWS: (namespace, viewName, isTemporary) of the temp views."""
    oracle.check(with_view(text))


@pytest.mark.parametrize("text", [
    "SHOW NAMESPACES", "SHOW DATABASES", "SHOW SCHEMAS", "SHOW NAMESPACES IN spark_catalog",
    "SHOW NAMESPACES LIKE 'def*'", "SHOW DATABASES LIKE 'x*'", "SHOW NAMESPACES IN default",
])
def test_show_namespaces(oracle, text):
    """SHOW NAMESPACES / DATABASES / SCHEMAS: one `namespace` column, filtered by LIKE."""
    oracle.check_sql(text)


def test_show_namespaces_in_missing(oracle):
    """SHOW NAMESPACES IN a name that is no catalog nor database: SCHEMA_NOT_FOUND."""
    oracle.check_sql("SHOW NAMESPACES IN nocat", error="SCHEMA_NOT_FOUND")


def test_show_current_namespace(oracle):
    """SHOW CURRENT NAMESPACE: (catalog, namespace) = (spark_catalog, default)."""
    oracle.check_sql("SHOW CURRENT NAMESPACE")


@pytest.mark.parametrize("text", [
    "DESCRIBE TABLE cat_t1", "DESC cat_t1", "DESCRIBE default.cat_t1", "DESCRIBE spark_catalog.default.cat_t1",
    "DESCRIBE cat_pt", "DESCRIBE TABLE cat_v1", "DESCRIBE EXTENDED cat_v1", "DESC FORMATTED cat_v1",
])
def test_describe(oracle, text):
    """DESCRIBE: (col_name, data_type, comment) with the comment, and the partition section."""
    oracle.check(lambda sql, spark: columns_and_rows(with_view(text)(sql, spark)))


@pytest.mark.parametrize("text", [
    "DESCRIBE QUERY SELECT x, CAST(x AS STRING) AS s, 1.5 AS d FROM cat_v1",
    "DESCRIBE SELECT y AS renamed FROM cat_v1", "DESC QUERY WITH a AS (SELECT 1 AS one) SELECT * FROM a",
    "DESCRIBE QUERY SELECT struct(1 AS a, 'x' AS b) AS st, array(1) AS arr, map('k', 1) AS m",
    "DESCRIBE (SELECT 1 AS p)", "DESCRIBE QUERY SELECT * FROM cat_t1 WHERE a > 0",
])
def test_describe_query(oracle, text):
    """DESCRIBE [QUERY] query: the query's columns as (col_name, data_type, comment), a column's
    comment carried from its table."""
    oracle.check(lambda sql, spark: columns_and_rows(with_view(text)(sql, spark)))


def test_describe_query_of_a_missing_column(oracle):
    """DESCRIBE QUERY analyzes its query: a missing column is UNRESOLVED_COLUMN."""
    oracle.check_sql("DESCRIBE QUERY SELECT nope FROM cat_t1", error="UNRESOLVED_COLUMN.WITH_SUGGESTION")


@pytest.mark.parametrize("table", ["cat_t1", "cat_pt"])
def test_describe_extended(oracle, table):
    """DESCRIBE EXTENDED adds Spark's '# Detailed Table Information' rows (times, author and paths differ)."""
    def program(sql, spark):
        return columns_and_rows(spark.sql("DESCRIBE TABLE EXTENDED %s" % table).filter(
            "col_name NOT IN ('Created Time', 'Created By', 'Location')"))
    oracle.check(program)


@pytest.mark.parametrize("text", ["DESCRIBE nope", "DESCRIBE default.nope", "DESCRIBE nodb.t",
                                  "SHOW COLUMNS IN nope"])
def test_describe_missing(oracle, text):
    """DESCRIBE / SHOW COLUMNS of a missing table: TABLE_OR_VIEW_NOT_FOUND."""
    oracle.check_sql(text, error="TABLE_OR_VIEW_NOT_FOUND")


@pytest.mark.parametrize("text", ["DESCRIBE NAMESPACE default", "DESCRIBE DATABASE EXTENDED default",
                                  "DESCRIBE SCHEMA spark_catalog.default"])
def test_describe_namespace(oracle, text):
    """DESCRIBE NAMESPACE: (info_name, info_value) rows Catalog Name, Namespace Name, Comment, Location, Owner."""
    def program(sql, spark):
        return columns_and_rows(spark.sql(text).filter("info_name <> 'Location'"))
    oracle.check(program)


def test_describe_missing_namespace(oracle):
    """DESCRIBE DATABASE of a missing database: SCHEMA_NOT_FOUND."""
    oracle.check_sql("DESCRIBE DATABASE nope", error="SCHEMA_NOT_FOUND")


@pytest.mark.parametrize("text", ["SHOW COLUMNS IN cat_t1", "SHOW COLUMNS FROM cat_pt",
                                  "SHOW COLUMNS IN cat_t1 IN default", "SHOW COLUMNS IN cat_v1"])
def test_show_columns(oracle, text):
    """SHOW COLUMNS: one col_name row per column."""
    oracle.check(with_view(text), ordered=True)


@pytest.mark.parametrize("table", ["cat_t1", "cat_pt"])
def test_show_create_table(oracle, table):
    """SHOW CREATE TABLE of a parquet table: columns with comments, USING, PARTITIONED BY."""
    oracle.check_sql("SHOW CREATE TABLE %s" % table)


def test_show_create_table_of_temp_view(oracle):
    """SHOW CREATE TABLE of a temp view: EXPECT_PERMANENT_VIEW_NOT_TEMP."""
    oracle.check(with_view("SHOW CREATE TABLE cat_v1"), error="EXPECT_PERMANENT_VIEW_NOT_TEMP")


@pytest.mark.parametrize("text", ["CREATE NAMESPACE IF NOT EXISTS default", "CREATE DATABASE IF NOT EXISTS default",
                                  "DROP NAMESPACE IF EXISTS nope", "DROP SCHEMA IF EXISTS nope CASCADE",
                                  "USE default", "USE spark_catalog.default", "USE NAMESPACE default",
                                  "USE spark_catalog"])
def test_namespace_commands(oracle, text):
    """CREATE / DROP NAMESPACE that change nothing and USE of the current namespace return no rows."""
    oracle.check_sql(text)


@pytest.mark.parametrize("text,error", [
    ("CREATE NAMESPACE default", "SCHEMA_ALREADY_EXISTS"),
    ("CREATE SCHEMA a.b", "REQUIRES_SINGLE_PART_NAMESPACE"),
    ("DROP NAMESPACE default", "UNSUPPORTED_FEATURE.DROP_DATABASE"),
    ("DROP DATABASE default CASCADE", "UNSUPPORTED_FEATURE.DROP_DATABASE"),
    ("DROP NAMESPACE nope", "SCHEMA_NOT_FOUND"),
    ("USE nope", "SCHEMA_NOT_FOUND"),
    ("USE NAMESPACE nope", "SCHEMA_NOT_FOUND"),
])
def test_namespace_command_errors(oracle, text, error):
    """Spark's errors of namespace commands on the session catalog."""
    oracle.check_sql(text, error=error)


def test_use_then_show_current_namespace(oracle):
    """USE spark_catalog.default keeps (spark_catalog, default) current."""
    def program(sql, spark):
        spark.sql("USE spark_catalog.default")
        return spark.sql("SHOW CURRENT NAMESPACE")
    oracle.check(program)


# --- spark.catalog -----------------------------------------------------------------------------


def test_catalog_current(oracle):
    """currentCatalog, currentDatabase and listCatalogs of a session without other catalogs."""
    oracle.check(lambda sql, spark: [spark.catalog.currentCatalog(), spark.catalog.currentDatabase(),
                                     spark.catalog.listCatalogs(), spark.catalog.listCatalogs("spark*"),
                                     spark.catalog.listCatalogs("x*")])


def test_catalog_set_current(oracle):
    """setCurrentCatalog / setCurrentDatabase to the current ones return None."""
    def program(sql, spark):
        return [spark.catalog.setCurrentCatalog("spark_catalog"), spark.catalog.setCurrentDatabase("default"),
                spark.catalog.currentDatabase()]
    oracle.check(program)


def test_catalog_databases(oracle):
    """listDatabases / getDatabase give Database(name, catalog, description, locationUri); databaseExists."""
    def program(sql, spark):
        c = spark.catalog
        dbs = [d[:3] for d in c.listDatabases()] + [d[:3] for d in c.listDatabases("def*")]
        return [dbs, c.listDatabases("x*"), c.getDatabase("default")[:3], c.databaseExists("default"),
                c.databaseExists("nope"), c.databaseExists("spark_catalog.default"),
                type(c.getDatabase("default")).__name__, c.getDatabase("default")._fields]
    oracle.check(program)


def test_catalog_list_tables(oracle):
    """listTables: Table(name, catalog, namespace, description, tableType, isTemporary) for tables and views."""
    def program(sql, spark):
        spark.sql(VIEW)
        c = spark.catalog
        tables = c.listTables()
        return [sorted(tables), sorted(c.listTables("default")), c.listTables("default", "cat_t*"),
                c.listTables(pattern="cat_v*"), [t.database for t in sorted(tables)], tables[0]._fields]
    oracle.check(program)


def test_catalog_get_table(oracle):
    """getTable of a table, a qualified table and a temp view."""
    def program(sql, spark):
        spark.sql(VIEW)
        c = spark.catalog
        return [c.getTable("cat_t1"), c.getTable("default.cat_pt"), c.getTable("spark_catalog.default.cat_t1"),
                c.getTable("cat_v1")]
    oracle.check(program)


def test_catalog_table_exists(oracle):
    """tableExists of tables, views, qualified names and missing names."""
    def program(sql, spark):
        spark.sql(VIEW)
        c = spark.catalog
        return [c.tableExists("cat_t1"), c.tableExists("cat_v1"), c.tableExists("nope"),
                c.tableExists("default.cat_t1"), c.tableExists("spark_catalog.default.cat_pt"),
                c.tableExists("nodb.cat_t1")]
    oracle.check(program)


def test_catalog_list_columns(oracle):
    """listColumns: Column(name, description, dataType, nullable, isPartition, isBucket, isCluster)."""
    def program(sql, spark):
        spark.sql(VIEW)
        c = spark.catalog
        return [c.listColumns("cat_t1"), c.listColumns("cat_pt"), c.listColumns("cat_v1"),
                c.listColumns("spark_catalog.default.cat_pt")]
    oracle.check(program)


@pytest.mark.parametrize("call,error", [
    (lambda c: c.getTable("nope"), "TABLE_OR_VIEW_NOT_FOUND"),
    (lambda c: c.listColumns("nope"), "TABLE_OR_VIEW_NOT_FOUND"),
    (lambda c: c.setCurrentDatabase("nope"), "SCHEMA_NOT_FOUND"),
    (lambda c: c.listTables("nope"), "SCHEMA_NOT_FOUND"),
    (lambda c: c.getDatabase("nope"), "SCHEMA_NOT_FOUND"),
    (lambda c: c.isCached("nope"), "TABLE_OR_VIEW_NOT_FOUND"),
    (lambda c: c.cacheTable("nope"), "TABLE_OR_VIEW_NOT_FOUND"),
    (lambda c: c.uncacheTable("nope"), "TABLE_OR_VIEW_NOT_FOUND"),
    (lambda c: c.refreshTable("nope"), "TABLE_OR_VIEW_NOT_FOUND"),
])
def test_catalog_errors(oracle, call, error):
    """spark.catalog methods on missing tables and databases raise Spark's conditions."""
    oracle.check(lambda sql, spark: call(spark.catalog), error=error)


def test_catalog_cache_and_drop(oracle):
    """cacheTable / isCached / uncacheTable / clearCache / refreshTable and dropTempView return Spark's values."""
    def program(sql, spark):
        spark.sql(VIEW)
        c = spark.catalog
        return [c.isCached("cat_t1"), c.cacheTable("cat_t1"), c.isCached("cat_t1"), c.isCached("default.cat_t1"),
                c.uncacheTable("cat_t1"), c.isCached("cat_t1"), c.cacheTable("cat_v1"), c.isCached("cat_v1"),
                c.clearCache(), c.isCached("cat_v1"), c.refreshTable("cat_t1"), c.dropTempView("cat_v1"),
                c.dropTempView("cat_v1"), c.dropGlobalTempView("nope")]
    oracle.check(program)
