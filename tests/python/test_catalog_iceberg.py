"""Catalog SQL and spark.catalog on Iceberg catalogs (a hadoop catalog on a temp warehouse
and a REST catalog server backed by pyiceberg). PySpark has no Iceberg jars here: the
expected rows are the shapes Spark 4.1 gives for catalogs of its v2 API (SHOW TABLES
without temp views, DESCRIBE with the v2 partitioning and detail sections)."""

import os

import pytest

from iceberg_rest_server import RestCatalogServer
from iceberg_util import use_hadoop_catalog


def condition(excinfo):
    return excinfo.value.getCondition()


@pytest.fixture(params=["hadoop", "rest"])
def ice(request, spark, tmp_path):
    """An Iceberg catalog named `ice`; yields a function listing its namespaces as the
    catalog itself stores them (directories, or pyiceberg's REST client)."""
    server = None
    if request.param == "hadoop":
        warehouse = tmp_path / "wh"
        warehouse.mkdir()
        use_hadoop_catalog(spark, warehouse, name="ice")

        def namespaces():
            return sorted((d,) for d in os.listdir(warehouse)
                          if os.path.isdir(os.path.join(warehouse, d)))
    else:
        server = RestCatalogServer(tmp_path).start()
        spark.conf.set("spark.sql.catalog.ice", "org.apache.iceberg.spark.SparkCatalog")
        spark.conf.set("spark.sql.catalog.ice.type", "rest")
        spark.conf.set("spark.sql.catalog.ice.uri", server.uri)
        from pyiceberg.catalog import load_catalog
        client = load_catalog("client", type="rest", uri=server.uri)

        def namespaces():
            return sorted(client.list_namespaces())
    yield namespaces
    spark.sql("USE spark_catalog.default")
    for key in ("spark.sql.catalog.ice", "spark.sql.catalog.ice.type", "spark.sql.catalog.ice.uri",
                "spark.sql.catalog.ice.warehouse"):
        spark.conf.unset(key)
    if server is not None:
        server.stop()


def rows(df):
    return [tuple(r) for r in df.collect()]


def test_create_and_show_namespaces(spark, ice):
    """CREATE NAMESPACE creates it in the catalog (the catalog's own client sees it); SHOW NAMESPACES
    lists it; a second CREATE fails with SCHEMA_ALREADY_EXISTS unless IF NOT EXISTS."""
    assert rows(spark.sql("SHOW NAMESPACES IN ice")) == []
    spark.sql("CREATE NAMESPACE ice.bronze")
    spark.sql("CREATE DATABASE IF NOT EXISTS ice.silver")
    spark.sql("CREATE NAMESPACE IF NOT EXISTS ice.bronze")
    assert ice() == [("bronze",), ("silver",)]
    df = spark.sql("SHOW NAMESPACES IN ice")
    assert [(f.name, f.dataType.simpleString(), f.nullable) for f in df.schema] == [("namespace", "string", False)]
    assert rows(df) == [("bronze",), ("silver",)]
    assert rows(spark.sql("SHOW SCHEMAS IN ice LIKE 'b*'")) == [("bronze",)]
    with pytest.raises(Exception) as e:
        spark.sql("CREATE NAMESPACE ice.bronze")
    assert condition(e) == "SCHEMA_ALREADY_EXISTS"
    assert "`bronze`" in str(e.value)
    with pytest.raises(Exception) as e:
        spark.sql("SHOW NAMESPACES IN ice.nope")
    assert condition(e) == "SCHEMA_NOT_FOUND"
    assert "`ice`.`nope`" in str(e.value)


def test_show_tables_in_iceberg_namespace(spark, ice):
    """SHOW TABLES IN cat.ns: (namespace, tableName, isTemporary=false) of the catalog's tables only
    (temp views belong to the session catalog); LIKE filters; a missing namespace is SCHEMA_NOT_FOUND."""
    spark.sql("CREATE TABLE ice.bronze.events (id BIGINT, kind STRING) USING iceberg")
    spark.sql("CREATE TABLE ice.bronze.users (id BIGINT) USING iceberg")
    spark.range(2).createOrReplaceTempView("cat_ice_view")
    try:
        df = spark.sql("SHOW TABLES IN ice.bronze")
        assert [f.name for f in df.schema] == ["namespace", "tableName", "isTemporary"]
        assert rows(df) == [("bronze", "events", False), ("bronze", "users", False)]
        assert rows(spark.sql("SHOW TABLES FROM ice.bronze LIKE 'ev*'")) == [("bronze", "events", False)]
        assert rows(spark.sql("SHOW VIEWS IN ice.bronze")) == []
        with pytest.raises(Exception) as e:
            spark.sql("SHOW TABLES IN ice.nope")
        assert condition(e) == "SCHEMA_NOT_FOUND"
    finally:
        spark.catalog.dropTempView("cat_ice_view")


def test_describe_iceberg_table(spark, ice):
    """DESCRIBE TABLE of an Iceberg table: its columns with their comments; identity partitions under
    '# Partition Information', other transforms under '# Partitioning' as Part i."""
    spark.sql("CREATE TABLE ice.bronze.events (id BIGINT, kind STRING COMMENT 'what', ts TIMESTAMP) "
              "USING iceberg PARTITIONED BY (kind)")
    df = spark.sql("DESCRIBE TABLE ice.bronze.events")
    assert [(f.name, f.nullable) for f in df.schema] == [("col_name", False), ("data_type", False), ("comment", True)]
    assert rows(df) == [("id", "bigint", None), ("kind", "string", "what"), ("ts", "timestamp", None),
                        ("# Partition Information", "", ""), ("# col_name", "data_type", "comment"),
                        ("kind", "string", None)]
    spark.sql("CREATE TABLE ice.bronze.clicks (id BIGINT, ts TIMESTAMP) USING iceberg "
              "PARTITIONED BY (days(ts), bucket(4, id))")
    assert rows(spark.sql("DESC ice.bronze.clicks")) == [
        ("id", "bigint", None), ("ts", "timestamp", None), ("", "", ""), ("# Partitioning", "", ""),
        ("Part 0", "days(ts)", ""), ("Part 1", "bucket(4, id)", "")]
    with pytest.raises(Exception) as e:
        spark.sql("DESCRIBE ice.bronze.nope")
    assert condition(e) == "TABLE_OR_VIEW_NOT_FOUND"


def test_describe_extended_iceberg_table(spark, ice):
    """DESCRIBE EXTENDED adds '# Detailed Table Information': Name, Type, Location, Provider and
    Table Properties (current-snapshot-id, format, format-version, the table's properties)."""
    spark.sql("CREATE TABLE ice.bronze.events (id BIGINT) USING iceberg")
    spark.range(3).writeTo("ice.bronze.events").append()
    got = rows(spark.sql("DESCRIBE EXTENDED ice.bronze.events"))
    assert got[0] == ("id", "bigint", None)
    assert got[1:4] == [("", "", ""), ("# Detailed Table Information", "", ""),
                        ("Name", "ice.bronze.events", "")]
    details = {r[0]: r[1] for r in got[4:]}
    assert details["Type"] == "MANAGED"
    assert details["Provider"] == "iceberg"
    assert "events" in details["Location"]
    props = details["Table Properties"]
    assert props.startswith("[current-snapshot-id=") and props.endswith("]")
    assert "current-snapshot-id=none" not in props
    assert "format=iceberg/parquet" in props and "format-version=2" in props


def test_use_iceberg_namespace(spark, ice):
    """USE cat.ns makes unqualified names resolve in that catalog and namespace (SELECT, spark.table,
    SHOW TABLES, DESCRIBE); USE of a missing namespace is SCHEMA_NOT_FOUND; USE spark_catalog goes back."""
    spark.sql("CREATE TABLE ice.bronze.events (id BIGINT) USING iceberg")
    spark.range(3).writeTo("ice.bronze.events").append()
    spark.sql("USE ice.bronze")
    assert rows(spark.sql("SHOW CURRENT NAMESPACE")) == [("ice", "bronze")]
    assert spark.catalog.currentCatalog() == "ice"
    assert spark.catalog.currentDatabase() == "bronze"
    assert rows(spark.sql("SHOW TABLES")) == [("bronze", "events", False)]
    assert sorted(rows(spark.sql("SELECT id FROM events"))) == [(0,), (1,), (2,)]
    assert spark.table("events").count() == 3
    assert rows(spark.sql("DESCRIBE events")) == [("id", "bigint", None)]
    assert rows(spark.sql("SHOW COLUMNS IN events")) == [("id",)]
    spark.sql("CREATE TABLE more (x INT) USING iceberg")
    assert rows(spark.sql("SHOW TABLES IN ice.bronze LIKE 'more'")) == [("bronze", "more", False)]
    with pytest.raises(Exception) as e:
        spark.sql("USE ice.nope")
    assert condition(e) == "SCHEMA_NOT_FOUND"
    assert rows(spark.sql("SHOW CURRENT NAMESPACE")) == [("ice", "bronze")]
    spark.sql("USE spark_catalog")
    assert rows(spark.sql("SHOW CURRENT NAMESPACE")) == [("spark_catalog", "default")]
    spark.sql("USE ice")
    assert rows(spark.sql("SHOW CURRENT NAMESPACE")) == [("ice", "default")]
    spark.sql("USE NAMESPACE bronze")
    assert rows(spark.sql("SHOW CURRENT NAMESPACE")) == [("ice", "bronze")]


def test_drop_iceberg_namespace(spark, ice):
    """DROP NAMESPACE: SCHEMA_NOT_EMPTY while it holds tables, CASCADE drops them; a missing one is
    SCHEMA_NOT_FOUND unless IF EXISTS. The catalog's own client no longer sees it."""
    spark.sql("CREATE NAMESPACE ice.tmp")
    spark.sql("CREATE TABLE ice.tmp.t (id BIGINT) USING iceberg")
    with pytest.raises(Exception) as e:
        spark.sql("DROP NAMESPACE ice.tmp")
    assert condition(e) == "SCHEMA_NOT_EMPTY"
    spark.sql("DROP NAMESPACE ice.tmp CASCADE")
    assert ice() == []
    with pytest.raises(Exception) as e:
        spark.sql("DROP SCHEMA ice.tmp")
    assert condition(e) == "SCHEMA_NOT_FOUND"
    assert "`ice`.`tmp`" in str(e.value)
    spark.sql("DROP DATABASE IF EXISTS ice.tmp")
    spark.sql("CREATE NAMESPACE ice.empty")
    spark.sql("DROP NAMESPACE ice.empty RESTRICT")
    assert ice() == []


def test_describe_iceberg_namespace(spark, ice):
    """DESCRIBE NAMESPACE: (info_name, info_value) with Catalog Name and Namespace Name; EXTENDED adds
    Properties; a missing namespace is SCHEMA_NOT_FOUND."""
    spark.sql("CREATE NAMESPACE ice.bronze")
    df = spark.sql("DESCRIBE NAMESPACE ice.bronze")
    assert [(f.name, f.nullable) for f in df.schema] == [("info_name", False), ("info_value", True)]
    got = rows(df)
    assert got[:2] == [("Catalog Name", "ice"), ("Namespace Name", "bronze")]
    assert rows(spark.sql("DESCRIBE NAMESPACE EXTENDED ice.bronze"))[-1][0] == "Properties"
    with pytest.raises(Exception) as e:
        spark.sql("DESCRIBE DATABASE ice.nope")
    assert condition(e) == "SCHEMA_NOT_FOUND"


def test_rest_namespace_comment_and_properties(spark, ice):
    """CREATE NAMESPACE ... COMMENT / WITH PROPERTIES stores them in a REST catalog: DESCRIBE shows the
    comment and the owner, EXTENDED the other properties."""
    if spark.conf.get("spark.sql.catalog.ice.type") != "rest":
        pytest.skip("a hadoop catalog keeps no namespace properties")
    spark.sql("CREATE NAMESPACE ice.gold COMMENT 'curated' WITH PROPERTIES ('team' = 'data')")
    got = dict(rows(spark.sql("DESCRIBE NAMESPACE EXTENDED ice.gold")))
    assert got["Comment"] == "curated"
    assert got["Owner"]
    assert got["Properties"] == "((team,data))"
    db = spark.catalog.getDatabase("ice.gold")
    assert (db.name, db.catalog, db.description) == ("gold", "ice", "curated")


def test_catalog_api_on_iceberg(spark, ice):
    """spark.catalog over an Iceberg catalog: listCatalogs, setCurrentCatalog, listDatabases,
    databaseExists, listTables, getTable, tableExists, listColumns (isPartition), setCurrentDatabase."""
    from spate.sql.catalog import CatalogMetadata, Column, Database, Table
    spark.sql("CREATE TABLE ice.bronze.events (id BIGINT, kind STRING) USING iceberg PARTITIONED BY (kind)")
    c = spark.catalog
    assert CatalogMetadata("ice", None) in c.listCatalogs()
    assert c.listCatalogs("ic*") == [CatalogMetadata("ice", None)]
    assert c.databaseExists("ice.bronze") and not c.databaseExists("ice.nope")
    assert c.listTables("ice.bronze") == [Table("events", "ice", ["bronze"], None, "MANAGED", False)]
    assert c.getTable("ice.bronze.events") == Table("events", "ice", ["bronze"], None, "MANAGED", False)
    assert c.tableExists("ice.bronze.events") and not c.tableExists("ice.bronze.nope")
    assert c.listColumns("ice.bronze.events") == [
        Column("id", None, "bigint", True, False, False, False),
        Column("kind", None, "string", True, True, False, False)]
    c.setCurrentCatalog("ice")
    assert (c.currentCatalog(), c.currentDatabase()) == ("ice", "default")
    dbs = c.listDatabases()
    assert [(d.name, d.catalog) for d in dbs] == [("bronze", "ice")]
    assert isinstance(dbs[0], Database)
    c.setCurrentDatabase("bronze")
    assert c.currentDatabase() == "bronze"
    assert [t.name for t in c.listTables()] == ["events"]
    assert c.tableExists("events")
    with pytest.raises(Exception) as e:
        c.setCurrentDatabase("nope")
    assert condition(e) == "SCHEMA_NOT_FOUND"
    with pytest.raises(Exception) as e:
        c.setCurrentCatalog("nope")
    assert condition(e) == "CATALOG_NOT_FOUND"
    c.setCurrentCatalog("spark_catalog")
    assert (c.currentCatalog(), c.currentDatabase()) == ("spark_catalog", "default")
