"""Iceberg tables written by Spate and read back by pyiceberg (and the other
way round): batch writes, partition specs, streaming appends with one
snapshot per batch and exactly-once re-runs, streaming reads, maintenance."""

import datetime
import os
import shutil

import pyarrow as pa
import pytest

from iceberg_util import (append_concurrently, metadata_versions, pyiceberg_table, snapshot_props,
                          use_hadoop_catalog)
from spate import iceberg
from spate.errors import AnalysisException


@pytest.fixture
def warehouse(spark, tmp_path):
    wh = tmp_path / "warehouse"
    use_hadoop_catalog(spark, wh)
    return wh


def events(spark, n, start=0):
    return spark.range(start, start + n).selectExpr(
        "id", "concat('user-', cast(id % 3 as string)) AS user",
        "cast(1704067200 + id * 36000 AS timestamp) AS ts", "cast(id * 1.5 AS double) AS amount")


def test_batch_append_round_trips_through_pyiceberg(spark, warehouse):
    events(spark, 10).write.format("iceberg").mode("append").saveAsTable("ice.db.events")
    events(spark, 5, start=10).writeTo("ice.db.events").append()

    table = pyiceberg_table(warehouse, "db", "events")
    assert [(f.field_id, f.name, str(f.field_type)) for f in table.schema().fields] == [
        (1, "id", "long"), (2, "user", "string"), (3, "ts", "timestamptz"), (4, "amount", "double")]
    rows = table.scan().to_arrow().sort_by("id")
    assert rows.column("id").to_pylist() == list(range(15))
    assert rows.column("user").to_pylist()[:4] == ["user-0", "user-1", "user-2", "user-0"]
    assert rows.schema.field("ts").type == pa.timestamp("us", tz="UTC")
    assert [s["operation"] for s in snapshot_props(table)] == ["append", "append"]
    assert snapshot_props(table)[-1]["total-records"] == "15"
    # Column statistics let pyiceberg prune files: ids 10..14 are all in the second file.
    assert len(list(table.scan(row_filter="id >= 10").plan_files())) == 1

    back = spark.table("ice.db.events")
    assert back.columns == ["id", "user", "ts", "amount"]
    assert sorted(r.id for r in back.collect()) == list(range(15))
    assert spark.sql("SELECT sum(amount) AS s FROM ice.db.events").collect()[0].s == 1.5 * sum(range(15))


def test_save_modes_and_write_to(spark, warehouse):
    events(spark, 3).write.format("iceberg").saveAsTable("ice.db.t")
    with pytest.raises(AnalysisException, match="TABLE_OR_VIEW_ALREADY_EXISTS"):
        events(spark, 3).write.format("iceberg").saveAsTable("ice.db.t")
    events(spark, 3).write.mode("ignore").saveAsTable("ice.db.t")
    assert spark.table("ice.db.t").count() == 3
    events(spark, 2, start=100).write.mode("overwrite").saveAsTable("ice.db.t")
    assert sorted(r.id for r in spark.table("ice.db.t").collect()) == [100, 101]
    table = pyiceberg_table(warehouse, "db", "t")
    assert [s["operation"] for s in snapshot_props(table)] == ["append", "overwrite"]
    assert table.scan().to_arrow().num_rows == 2
    with pytest.raises(AnalysisException, match="TABLE_OR_VIEW_NOT_FOUND"):
        events(spark, 1).writeTo("ice.db.missing").append()
    spark.range(3).writeTo("ice.db.t").createOrReplace()  # a new schema replaces the table
    assert spark.table("ice.db.t").columns == ["id"]


def test_partitioned_table_spec_and_values_match_pyiceberg(spark, warehouse):
    from pyiceberg.transforms import BucketTransform
    from pyiceberg.types import LongType

    spark.sql("CREATE TABLE ice.db.p (id BIGINT, ts TIMESTAMP, user STRING) USING iceberg "
              "PARTITIONED BY (days(ts), bucket(4, id), user)")
    events(spark, 20).select("id", "ts", "user").writeTo("ice.db.p").append()

    table = pyiceberg_table(warehouse, "db", "p")
    spec = table.spec()
    assert [(f.name, str(f.transform), f.source_id) for f in spec.fields] == [
        ("ts_day", "day", 2), ("id_bucket", "bucket[4]", 1), ("user", "identity", 3)]
    bucket = BucketTransform(4).transform(LongType())
    files = table.inspect.files().to_pylist()
    assert sum(f["record_count"] for f in files) == 20
    for f in files:
        ids = pa.parquet.read_table(f["file_path"]).column("id").to_pylist()
        assert {bucket(i) for i in ids} == {f["partition"]["id_bucket"]}
        assert {"user-%d" % (i % 3) for i in ids} == {f["partition"]["user"]}
    # pyiceberg prunes by the day partition: ids 10..19 are on or after 2024-01-05.
    assert table.scan(row_filter="ts >= '2024-01-05T00:00:00+00:00'").to_arrow().num_rows == 10
    assert sorted(r.id for r in spark.table("ice.db.p").filter("user = 'user-1'").collect()) == [1, 4, 7, 10, 13, 16, 19]


def test_partition_by_on_save_as_table_is_identity(spark, warehouse):
    events(spark, 6).write.format("iceberg").partitionBy("user").saveAsTable("ice.db.byuser")
    table = pyiceberg_table(warehouse, "db", "byuser")
    assert [(f.name, str(f.transform)) for f in table.spec().fields] == [("user", "identity")]
    assert len(table.inspect.files()) == 3


def test_partition_column_names_outside_avro_names(spark, warehouse):
    spark.createDataFrame([(1, "a"), (2, "b"), (3, "a")], "id BIGINT, `event-type` STRING") \
        .write.format("iceberg").partitionBy("event-type").saveAsTable("ice.db.odd")
    table = pyiceberg_table(warehouse, "db", "odd")
    files = table.inspect.files().to_pylist()
    assert sorted(f["partition"]["event-type"] for f in files) == ["a", "b"]
    assert sorted(table.scan().to_arrow().column("id").to_pylist()) == [1, 2, 3]
    assert sorted(r.id for r in spark.table("ice.db.odd").collect()) == [1, 2, 3]


def test_bad_partition_transform_is_explained(spark, warehouse):
    with pytest.raises(Exception, match=r"bucket\(N, col\)"):
        spark.sql("CREATE TABLE ice.db.bad (id BIGINT) USING iceberg PARTITIONED BY (zorder(id))")


def test_reads_a_table_written_by_pyiceberg(spark, warehouse, tmp_path):
    from pyiceberg.catalog.sql import SqlCatalog

    catalog = SqlCatalog("py", uri="sqlite:///%s" % (tmp_path / "py.db"), warehouse="file://%s" % warehouse)
    catalog.create_namespace("db")
    data = pa.table({"id": pa.array([1, 2, 3], pa.int64()), "name": ["a", "b", None],
                     "day": pa.array([19000, 19001, 19002], pa.date32())})
    table = catalog.create_table("db.frompy", schema=data.schema, location=str(warehouse / "db" / "frompy"))
    table.append(data)
    table.append(data.slice(0, 1))
    # A hadoop catalog finds a table by its version-hint.text: publish pyiceberg's latest metadata as v1.
    meta_dir = warehouse / "db" / "frompy" / "metadata"
    os.link(table.metadata_location.replace("file://", ""), meta_dir / "v1.metadata.json")
    (meta_dir / "version-hint.text").write_text("1")

    rows = spark.table("ice.db.frompy").orderBy("id").collect()
    assert [(r.id, r.name, str(r.day)) for r in rows] == [
        (1, "a", "2022-01-08"), (1, "a", "2022-01-08"), (2, "b", "2022-01-09"), (3, None, "2022-01-10")]
    # Spate appends on top of pyiceberg's snapshots, and pyiceberg reads both.
    spark.createDataFrame([(4, "d")], "id BIGINT, name STRING").selectExpr(
        "id", "name", "date'2022-01-11' AS day").writeTo("ice.db.frompy").append()
    assert sorted(pyiceberg_table(warehouse, "db", "frompy").scan().to_arrow().column("id").to_pylist()) == [1, 1, 2, 3, 4]


def write_json_files(folder, first, count, rows=10):
    folder.mkdir(exist_ok=True)
    for i in range(first, first + count):
        tmp = folder / (".f%d.tmp" % i)
        tmp.write_text("".join('{"id": %d}\n' % (i * rows + k) for k in range(rows)))
        os.rename(tmp, folder / ("f%03d.json" % i))


def json_stream(spark, folder):
    return spark.readStream.schema("id BIGINT").option("maxFilesPerTrigger", 1).json(str(folder))


def test_streaming_append_one_snapshot_per_batch(spark, warehouse, tmp_path):
    src, ck = tmp_path / "in", tmp_path / "ck"
    write_json_files(src, 0, 3)
    query = (json_stream(spark, src).selectExpr("id", "id % 2 = 0 AS even").writeStream
             .option("checkpointLocation", str(ck)).trigger(availableNow=True).toTable("ice.bronze.events"))
    query.awaitTermination()
    write_json_files(src, 3, 2)
    query = (json_stream(spark, src).selectExpr("id", "id % 2 = 0 AS even").writeStream.format("iceberg")
             .option("checkpointLocation", str(ck)).trigger(availableNow=True).start("ice.bronze.events"))
    query.awaitTermination()

    table = pyiceberg_table(warehouse, "bronze", "events")
    props = snapshot_props(table)
    assert {p["spark.sql.streaming.queryId"] for p in props} == {query.id}
    # One snapshot per batch (one file each), in batch order, across the two runs.
    assert [int(p["spark.sql.streaming.epochId"]) for p in props] == [0, 1, 2, 3, 4]
    assert [p["added-records"] for p in props] == ["10"] * 5
    assert sorted(table.scan().to_arrow().column("id").to_pylist()) == list(range(50))


def test_rerun_batch_commits_nothing_twice(spark, warehouse, tmp_path):
    src, ck = tmp_path / "in", tmp_path / "ck"
    write_json_files(src, 0, 3)

    def run():
        q = (json_stream(spark, src).writeStream.option("checkpointLocation", str(ck)).trigger(availableNow=True)
             .toTable("ice.db.once"))
        q.awaitTermination()

    run()
    before = snapshot_props(pyiceberg_table(warehouse, "db", "once"))
    assert len(before) == 3
    # As after a crash between the sink's commit and the commits log: batch 2 runs again.
    os.remove(ck / "commits" / "2")
    run()
    table = pyiceberg_table(warehouse, "db", "once")
    assert snapshot_props(table) == before
    assert sorted(table.scan().to_arrow().column("id").to_pylist()) == list(range(30))


def test_complete_mode_overwrites_each_batch(spark, warehouse, tmp_path):
    src = tmp_path / "in"
    write_json_files(src, 0, 2, rows=5)
    query = (json_stream(spark, src).selectExpr("id % 3 AS k").groupBy("k").count().writeStream
             .outputMode("complete").option("checkpointLocation", str(tmp_path / "ck"))
             .trigger(availableNow=True).toTable("ice.db.counts"))
    query.awaitTermination()
    table = pyiceberg_table(warehouse, "db", "counts")
    rows = sorted(table.scan().to_arrow().to_pylist(), key=lambda r: r["k"])
    assert rows == [{"k": 0, "count": 4}, {"k": 1, "count": 3}, {"k": 2, "count": 3}]
    assert [s["operation"] for s in snapshot_props(table)] == ["overwrite", "overwrite"]
    assert spark.read.format("iceberg").load("ice.db.counts").count() == 3


def test_update_mode_is_rejected(spark, warehouse, tmp_path):
    with pytest.raises(AnalysisException, match="does not support Update output mode"):
        (spark.readStream.format("rate").load().writeStream.outputMode("update")
         .option("checkpointLocation", str(tmp_path / "ck")).toTable("ice.db.upd"))


def test_streaming_schema_mismatch_fails_at_start(spark, warehouse, tmp_path):
    spark.sql("CREATE TABLE ice.db.narrow (id BIGINT) USING iceberg")
    with pytest.raises(AnalysisException, match=r"INCOMPATIBLE_DATA_FOR_TABLE.EXTRA_COLUMNS.*`timestamp`"):
        (spark.readStream.format("rate").load().withColumnRenamed("value", "id").writeStream
         .option("checkpointLocation", str(tmp_path / "ck")).toTable("ice.db.narrow"))


def test_concurrent_appends_are_retried_not_lost(spark, warehouse):
    spark.sql("CREATE TABLE ice.db.shared (id BIGINT) USING iceberg")
    assert append_concurrently(spark, "ice.db.shared", writers=3, appends_each=8) == []
    table = pyiceberg_table(warehouse, "db", "shared")
    assert len(table.snapshots()) == 24
    expected = sorted(k * 1000 + i for k in range(3) for i in range(80))
    assert sorted(table.scan().to_arrow().column("id").to_pylist()) == expected


def test_read_stream_of_appended_snapshots(spark, warehouse, tmp_path):
    events(spark, 5).select("id").writeTo("ice.db.src").create()
    stream = spark.readStream.table("ice.db.src")
    query = (stream.writeStream.format("memory").queryName("iceberg_src")
             .option("checkpointLocation", str(tmp_path / "ck")).start())
    try:
        query.processAllAvailable()
        assert sorted(r.id for r in spark.table("iceberg_src").collect()) == list(range(5))
        events(spark, 3, start=5).select("id").writeTo("ice.db.src").append()
        events(spark, 2, start=8).select("id").writeTo("ice.db.src").append()
        iceberg.rewrite_data_files(spark, "ice.db.src")  # a replace snapshot adds no rows to the stream
        query.processAllAvailable()
        assert sorted(r.id for r in spark.table("iceberg_src").collect()) == list(range(10))
    finally:
        query.stop()


def test_expire_snapshots_and_compaction(spark, warehouse):
    for i in range(5):
        events(spark, 4, start=i * 4).writeTo("ice.db.small").append() if i else \
            events(spark, 4).write.format("iceberg").saveAsTable("ice.db.small")
    assert iceberg.rewrite_data_files(spark, "ice.db.small") == 5
    table = pyiceberg_table(warehouse, "db", "small")
    assert len(table.inspect.files()) == 1
    assert snapshot_props(table)[-1]["operation"] == "replace"
    assert sorted(table.scan().to_arrow().column("id").to_pylist()) == list(range(20))

    data_dir = warehouse / "db" / "small" / "data"
    assert len(os.listdir(data_dir)) == 6
    assert iceberg.expire_snapshots(spark, "ice.db.small", retain_last=1) == 5
    table = pyiceberg_table(warehouse, "db", "small")
    assert len(table.snapshots()) == 1
    assert len(os.listdir(data_dir)) == 1  # files only expired snapshots referenced are gone
    assert sorted(r.id for r in spark.table("ice.db.small").collect()) == list(range(20))
    with pytest.raises(ValueError, match="retain_last"):
        iceberg.expire_snapshots(spark, "ice.db.small", retain_last=0)


def test_drop_table(spark, warehouse):
    events(spark, 2).writeTo("ice.db.gone").create()
    spark.sql("DROP TABLE ice.db.gone")
    assert not (warehouse / "db" / "gone").exists()
    with pytest.raises(AnalysisException, match="TABLE_OR_VIEW_NOT_FOUND"):
        spark.table("ice.db.gone")
    spark.sql("DROP TABLE IF EXISTS ice.db.gone")


def test_unknown_catalog_type_is_explained(spark, tmp_path):
    spark.conf.set("spark.sql.catalog.bad", "org.apache.iceberg.spark.SparkCatalog")
    spark.conf.set("spark.sql.catalog.bad.type", "glue")
    with pytest.raises(Exception, match=r"spark.sql.catalog.bad.type: allowed are hadoop and rest"):
        spark.table("bad.db.t")


def test_reads_prune_partitions_by_the_filter(spark, warehouse):
    spark.sql("CREATE TABLE ice.db.pruned (id BIGINT, ts TIMESTAMP, user STRING) USING iceberg "
              "PARTITIONED BY (days(ts), user)")
    events(spark, 20).select("id", "ts", "user").writeTo("ice.db.pruned").append()
    files = pyiceberg_table(warehouse, "db", "pruned").inspect.files().to_pylist()
    # Remove the data files of user-0 before 2024-01-05: a query that reads them fails,
    # so a query that succeeds did not open them.
    cutoff = datetime.date(2024, 1, 5)
    for f in files:
        day = f["partition"]["ts_day"]
        if isinstance(day, int):
            day = datetime.date(1970, 1, 1) + datetime.timedelta(days=day)
        if f["partition"]["user"] == "user-0" and day < cutoff:
            os.remove(f["file_path"].replace("file://", ""))
    late_user0 = spark.table("ice.db.pruned").filter("user = 'user-0' AND ts >= '2024-01-05 00:00:00'")
    assert sorted(r.id for r in late_user0.select("id").collect()) == [12, 15, 18]
    others = spark.table("ice.db.pruned").where("user = 'user-1'").select("id", "user")
    assert sorted(r.id for r in others.collect()) == [1, 4, 7, 10, 13, 16, 19]
    with pytest.raises(Exception):
        spark.table("ice.db.pruned").filter("user = 'user-0'").collect()  # needs the removed files
