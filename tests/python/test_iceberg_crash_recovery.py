"""Exactly-once into Iceberg across crashes: a JSON file source -> projection ->
Iceberg table query runs in a child process that is killed with SIGKILL at
random points and restarted from its checkpoint. The table must end up with
exactly the rows of an uninterrupted run and one snapshot per committed batch
(a batch re-run after a crash finds its query id and batch id in a snapshot
summary and commits nothing).
"""

import json
import random
import textwrap

from iceberg_util import pyiceberg_table, pyiceberg_table_on_s3, snapshot_props
from test_stream_crash_recovery import add_input_file, crash_then_finish

CHILD = textwrap.dedent("""
    import json
    import os
    import sys
    from spate.sql import SparkSession
    from spate.sql import functions as f

    src, warehouse, checkpoint = sys.argv[1:4]
    spark = SparkSession.builder.appName("iceberg-crash-child").getOrCreate()
    for key, value in json.loads(os.environ.get("SPATE_TEST_CHILD_CONF", "{}")).items():
        spark.conf.set(key, value)  # the s3a:// settings of a warehouse and checkpoint on S3
    spark.conf.set("spate.streaming.checkpoint.fsync", "false")
    spark.conf.set("spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog")
    spark.conf.set("spark.sql.catalog.lake.type", "hadoop")
    spark.conf.set("spark.sql.catalog.lake.warehouse", warehouse)
    stream = (spark.readStream.option("maxFilesPerTrigger", 1)
              .json(src, schema="id BIGINT, name STRING, amount DOUBLE"))
    query = (stream.select("id", f.upper("name").alias("name"), (f.col("amount") * 2).alias("twice"))
             .writeStream.option("checkpointLocation", checkpoint)
             .trigger(availableNow=True).toTable("lake.bronze.events"))
    print("started", flush=True)
    query.awaitTermination()
    if query.exception() is not None:
        print("failed:", query.exception(), flush=True)
        sys.exit(3)
    print("done", flush=True)
""")

FILES = 12
ROWS_PER_FILE = 15  # as add_input_file writes them
RESTARTS = 12


def test_sigkill_restarts_leave_exactly_the_rows_of_one_run(tmp_path):
    rng = random.Random(20261124)
    src, warehouse, checkpoint = tmp_path / "in", tmp_path / "warehouse", tmp_path / "checkpoint"
    src.mkdir()
    script = tmp_path / "child.py"
    script.write_text(CHILD)

    crash_then_finish(script, (src, warehouse, checkpoint), RESTARTS, FILES, lambda i: add_input_file(src, i),
                      rng, 0.03)

    table = pyiceberg_table(warehouse, "bronze", "events")
    rows = table.scan().to_arrow()
    assert sorted(rows.column("id").to_pylist()) == list(range(FILES * ROWS_PER_FILE))
    by_id = {r["id"]: r for r in rows.to_pylist()}
    assert by_id[16]["name"] == "N1" and by_id[16]["twice"] == 1.0
    # One snapshot per committed batch (the commits log), each batch id once, from one query.
    props = snapshot_props(table)
    committed = sorted(int(p.name) for p in (checkpoint / "commits").iterdir() if p.name.isdigit())
    assert [int(p["spark.sql.streaming.epochId"]) for p in props] == committed == list(range(len(committed)))
    assert len({p["spark.sql.streaming.queryId"] for p in props}) == 1
    assert sum(int(p["added-records"]) for p in props) == FILES * ROWS_PER_FILE


def test_sigkill_restarts_with_the_warehouse_and_checkpoint_on_s3(tmp_path, s3, monkeypatch):
    # The same query and kills with the table in an s3a:// warehouse and the checkpoint in the same
    # bucket of the moto server: metadata versions are conditional PUTs, the checkpoint's log
    # entries write-once objects.
    monkeypatch.setenv("SPATE_TEST_CHILD_CONF", json.dumps(s3.conf()))
    rng = random.Random(20261205)
    bucket = s3.new_bucket()
    src = tmp_path / "in"
    src.mkdir()
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    warehouse, checkpoint = "s3a://%s/warehouse" % bucket, "s3a://%s/checkpoint" % bucket

    crash_then_finish(script, (src, warehouse, checkpoint), RESTARTS // 2, FILES,
                      lambda i: add_input_file(src, i), rng, 0.3)

    table = pyiceberg_table_on_s3(s3, bucket, "warehouse", "bronze", "events")
    rows = table.scan().to_arrow()
    assert sorted(rows.column("id").to_pylist()) == list(range(FILES * ROWS_PER_FILE))
    props = snapshot_props(table)
    committed = sorted(int(k.rsplit("/", 1)[1]) for k in s3.keys(bucket, "checkpoint/commits/")
                       if k.rsplit("/", 1)[1].isdigit())
    assert [int(p["spark.sql.streaming.epochId"]) for p in props] == committed == list(range(len(committed)))
    assert len({p["spark.sql.streaming.queryId"] for p in props}) == 1
    assert sum(int(p["added-records"]) for p in props) == FILES * ROWS_PER_FILE
