"""The REST catalog: Spate's client (libcurl) against a REST catalog server
(tests/python/iceberg_rest_server.py, backed by pyiceberg's SqlCatalog), with
pyiceberg's own REST client reading what Spate writes and writing what Spate
reads."""


import pyarrow as pa
import pytest

from iceberg_rest_server import RestCatalogServer
from iceberg_util import append_concurrently


@pytest.fixture
def rest(spark, tmp_path):
    server = RestCatalogServer(tmp_path).start()
    spark.conf.set("spark.sql.catalog.rest", "org.apache.iceberg.spark.SparkCatalog")
    spark.conf.set("spark.sql.catalog.rest.type", "rest")
    spark.conf.set("spark.sql.catalog.rest.uri", server.uri)
    yield server
    server.stop()


def pyiceberg_client(server):
    from pyiceberg.catalog import load_catalog
    return load_catalog("client", type="rest", uri=server.uri)


def test_spate_writes_pyiceberg_reads_through_rest(spark, rest, tmp_path):
    df = spark.range(6).selectExpr("id", "concat('n', cast(id AS string)) AS name")
    df.write.format("iceberg").saveAsTable("rest.db.t")
    spark.range(6, 9).selectExpr("id", "concat('n', cast(id AS string)) AS name").writeTo("rest.db.t").append()

    table = pyiceberg_client(rest).load_table("db.t")
    rows = table.scan().to_arrow().sort_by("id")
    assert rows.column("id").to_pylist() == list(range(9))
    assert rows.column("name").to_pylist()[8] == "n8"
    assert [s.summary.operation.value for s in table.snapshots()] == ["append", "append"]
    assert sorted(r.id for r in spark.table("rest.db.t").collect()) == list(range(9))


def test_streaming_into_rest_table_once_per_batch(spark, rest, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / ("f%d.json" % i)).write_text("".join('{"id": %d}\n' % (i * 4 + k) for k in range(4)))
    query = (spark.readStream.schema("id BIGINT").option("maxFilesPerTrigger", 1).json(str(src))
             .writeStream.option("checkpointLocation", str(tmp_path / "ck")).trigger(availableNow=True)
             .toTable("rest.bronze.events"))
    query.awaitTermination()
    table = pyiceberg_client(rest).load_table("bronze.events")
    epochs = [s.summary.additional_properties["spark.sql.streaming.epochId"] for s in table.snapshots()]
    assert epochs == ["0", "1", "2"]
    assert sorted(table.scan().to_arrow().column("id").to_pylist()) == list(range(12))


def test_spate_reads_a_table_pyiceberg_wrote_through_rest(spark, rest):
    client = pyiceberg_client(rest)
    client.create_namespace("py")
    data = pa.table({"id": pa.array([1, 2], pa.int64()), "tag": ["x", None]})
    table = client.create_table("py.t", schema=data.schema)
    table.append(data)
    rows = spark.table("rest.py.t").orderBy("id").collect()
    assert [(r.id, r.tag) for r in rows] == [(1, "x"), (2, None)]


def test_concurrent_rest_commits_are_retried(spark, rest):
    spark.sql("CREATE TABLE rest.db.shared (id BIGINT) USING iceberg")
    assert append_concurrently(spark, "rest.db.shared", writers=3, appends_each=5) == []
    table = pyiceberg_client(rest).load_table("db.shared")
    assert len(table.snapshots()) == 15
    assert len(table.scan().to_arrow()) == 150


def test_rest_catalog_needs_a_uri(spark):
    spark.conf.set("spark.sql.catalog.nouri", "org.apache.iceberg.spark.SparkCatalog")
    spark.conf.set("spark.sql.catalog.nouri.type", "rest")
    with pytest.raises(Exception, match=r"spark.sql.catalog.nouri.uri"):
        spark.table("nouri.db.t")
