"""Iceberg tables on S3: a hadoop catalog whose warehouse is an s3a:// URI, against a real
S3-compatible server (moto, tests/python/s3_support.py). Batch writes and reads, concurrent
commits (each new metadata version is a conditional PUT: of two writers racing for a version
exactly one wins), the streaming sink with its checkpoint on S3, DROP TABLE. pyiceberg, with its
own S3 client, reads what Spate wrote; boto3 lists the objects."""

import pytest

from iceberg_util import append_concurrently, pyiceberg_table_on_s3, snapshot_props, use_hadoop_catalog

pytestmark = pytest.mark.fresh_process


@pytest.fixture
def s3_lake(spark, s3):
    """The session with s3a:// pointed at the test server and catalog `lake` on a new bucket."""
    for key, value in s3.conf().items():
        spark.conf.set(key, value)
    bucket = s3.new_bucket()
    use_hadoop_catalog(spark, "s3a://%s/warehouse" % bucket, name="lake")
    yield bucket
    for key in s3.conf():
        spark.conf.unset(key)


def events(spark, n, start=0):
    return spark.range(start, start + n).selectExpr("id", "concat('user-', cast(id % 3 as string)) AS user",
                                                    "cast(id * 1.5 AS double) AS amount")


def test_batch_writes_to_an_s3a_warehouse_read_back_by_pyiceberg(spark, s3, s3_lake):
    bucket = s3_lake
    spark.sql("CREATE NAMESPACE lake.db")
    events(spark, 10).write.format("iceberg").saveAsTable("lake.db.events")
    events(spark, 5, start=10).writeTo("lake.db.events").append()

    keys = s3.keys(bucket, "warehouse/db/events/")
    # The table's creation, then one version per append.
    assert [k for k in keys if k.endswith(".metadata.json")] == [
        "warehouse/db/events/metadata/v%d.metadata.json" % v for v in (1, 2, 3)]
    assert s3.get(bucket, "warehouse/db/events/metadata/version-hint.text") == b"3"
    assert len([k for k in keys if k.startswith("warehouse/db/events/data/") and k.endswith(".parquet")]) == 2
    table = pyiceberg_table_on_s3(s3, bucket, "warehouse", "db", "events")
    assert table.metadata.location == "s3a://%s/warehouse/db/events" % bucket
    rows = table.scan().to_arrow().sort_by("id")
    assert rows.column("id").to_pylist() == list(range(15))
    assert rows.column("user").to_pylist()[:4] == ["user-0", "user-1", "user-2", "user-0"]
    assert [s["operation"] for s in snapshot_props(table)] == ["append", "append"]

    back = spark.table("lake.db.events")
    assert sorted(r.id for r in back.collect()) == list(range(15))
    assert spark.sql("SELECT sum(amount) AS s FROM lake.db.events").collect()[0].s == 1.5 * sum(range(15))
    assert [r.namespace for r in spark.sql("SHOW NAMESPACES IN lake").collect()] == ["db"]
    assert [r.tableName for r in spark.sql("SHOW TABLES IN lake.db").collect()] == ["events"]

    spark.sql("INSERT OVERWRITE lake.db.events SELECT 100 AS id, 'x' AS user, 1.0 AS amount")
    assert [r.id for r in spark.table("lake.db.events").collect()] == [100]
    assert pyiceberg_table_on_s3(s3, bucket, "warehouse", "db", "events").scan().to_arrow() \
        .column("id").to_pylist() == [100]


def test_concurrent_appends_on_s3_lose_no_commit(spark, s3, s3_lake):
    # Four writers commit at once: each new vN.metadata.json is a conditional PUT, so a writer
    # that loses the race for a version reloads and commits on top of the winner.
    bucket = s3_lake
    spark.range(1).writeTo("lake.db.shared").create()

    def versions():
        return sorted(int(k.rsplit("/v", 1)[1].split(".")[0]) for k in s3.keys(bucket, "warehouse/db/shared/metadata/v")
                      if k.endswith(".metadata.json"))

    before = versions()
    assert append_concurrently(spark, "lake.db.shared", writers=4, appends_each=3) == []
    table = pyiceberg_table_on_s3(s3, bucket, "warehouse", "db", "shared")
    assert sorted(table.scan().to_arrow().column("id").to_pylist()) == sorted(
        [0] + [k * 1000 + i for k in range(4) for i in range(30)])
    assert len(table.snapshots()) == 1 + 4 * 3
    # One new version per commit, none overwritten: a lost race left no gap and no double.
    assert versions() == list(range(1, before[-1] + 4 * 3 + 1))


def test_streaming_sink_into_an_s3a_warehouse_with_its_checkpoint_on_s3(spark, s3, s3_lake, tmp_path):
    bucket = s3_lake
    src = tmp_path / "in"
    src.mkdir()
    checkpoint = "s3a://%s/checkpoints/events" % bucket

    def run():
        query = (spark.readStream.schema("id BIGINT, user STRING").json(str(src))
                 .writeStream.option("checkpointLocation", checkpoint).trigger(availableNow=True)
                 .toTable("lake.bronze.events"))
        query.awaitTermination()
        assert query.exception() is None

    (src / "a.json").write_text("".join('{"id": %d, "user": "u%d"}\n' % (i, i) for i in range(5)))
    run()
    (src / "b.json").write_text("".join('{"id": %d, "user": "u%d"}\n' % (i, i) for i in range(5, 8)))
    run()
    run()  # nothing new: no snapshot

    table = pyiceberg_table_on_s3(s3, bucket, "warehouse", "bronze", "events")
    assert sorted(table.scan().to_arrow().column("id").to_pylist()) == list(range(8))
    props = snapshot_props(table)
    assert [p["spark.sql.streaming.epochId"] for p in props] == ["0", "1"]
    assert "checkpoints/events/commits/1" in s3.keys(bucket, "checkpoints/events/commits/")


def test_drop_table_and_namespace_on_s3(spark, s3, s3_lake):
    bucket = s3_lake
    spark.sql("CREATE NAMESPACE lake.tmp")
    events(spark, 3).writeTo("lake.tmp.t").create()
    assert s3.keys(bucket, "warehouse/tmp/t/")
    spark.sql("DROP TABLE lake.tmp.t")
    assert s3.keys(bucket, "warehouse/tmp/t/") == []
    assert spark.sql("SHOW TABLES IN lake.tmp").collect() == []
    spark.sql("DROP NAMESPACE lake.tmp")
    assert spark.sql("SHOW NAMESPACES IN lake").collect() == []


def test_rest_catalog_tables_at_s3_locations(spark, s3, tmp_path):
    # The REST server keeps its tables in an s3:// warehouse of the moto server (pyiceberg's
    # SqlCatalog writes the metadata there); Spate writes the data files and manifests at the
    # table's s3:// location with the spark.hadoop.fs.s3a.* settings.
    from iceberg_rest_server import RestCatalogServer
    from pyiceberg.catalog import load_catalog

    bucket = s3.new_bucket()
    props = {"s3.endpoint": s3.endpoint, "s3.access-key-id": s3.access_key,
             "s3.secret-access-key": s3.secret_key, "s3.region": "us-east-1"}
    server = RestCatalogServer(tmp_path, "s3://%s/rest" % bucket, props)
    try:
        for key, value in s3.conf().items():
            spark.conf.set(key, value)
        spark.conf.set("spark.sql.catalog.rs3", "org.apache.iceberg.spark.SparkCatalog")
        spark.conf.set("spark.sql.catalog.rs3.type", "rest")
        spark.conf.set("spark.sql.catalog.rs3.uri", server.uri)
        events(spark, 4).writeTo("rs3.db.t").create()
        events(spark, 2, start=4).writeTo("rs3.db.t").append()
        assert sorted(r.id for r in spark.table("rs3.db.t").collect()) == list(range(6))
        keys = s3.keys(bucket, "rest/")
        assert any(k.endswith(".parquet") and "/data/" in k for k in keys), keys
        assert any(k.endswith(".avro") and "/metadata/" in k for k in keys), keys
        client = load_catalog("client", type="rest", uri=server.uri, **props)
        table = client.load_table("db.t")
        assert table.metadata.location.startswith("s3://%s/rest" % bucket)
        assert sorted(table.scan().to_arrow().column("id").to_pylist()) == list(range(6))
    finally:
        for key in s3.conf():
            spark.conf.unset(key)
        server.stop()
