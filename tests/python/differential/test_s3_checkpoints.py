"""Checkpoints on S3 (s3a://, against the moto server of the `s3` fixture): a query stopped and
restarted from its checkpoint on S3, each run in a fresh process, writes exactly the rows that
PySpark 4.1 writes when it stops and restarts the same query from its checkpoint (a local one:
PySpark has no S3 file system without hadoop-aws). Both state store providers keep the windowed
aggregation's state in the bucket. (The late row of BATCHES is dropped or counted depending on
where the restart falls, in Spark too: its window closes in the no-data batch that ends the
first run. test_stateful_crash_recovery.py compares restarts on S3 with an uninterrupted run
on input where that cannot happen.)"""

import json
import os
import subprocess
import sys

import pytest

from s3_restart_child import PROVIDER_KEY, SCHEMA, start
from test_streaming_programs import BATCHES, write_batches

CHILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "s3_restart_child.py")
PROVIDERS = {
    "hdfs": "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider",
    "rocksdb": "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider",
}

# What the queries write, read back with this schema on both engines.
OUTPUT = {"windowed": "start TIMESTAMP, user STRING, n BIGINT, total BIGINT",
          "stateless": "ts TIMESTAMP, user STRING, twice INT"}


def run_child(kind, src, out, checkpoint, provider, conf):
    done = subprocess.run([sys.executable, CHILD, kind, src, out, checkpoint, provider, json.dumps(conf)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "done" in done.stdout, done.stdout + done.stderr


def restarted_on_s3(kind, provider, s3, checkpoint):
    """The program: the query runs over the first two files, stops, and runs again after the
    other files arrived. Spate runs each in its own process with its checkpoint at
    `checkpoint`; PySpark runs them in its session with a local checkpoint."""
    def program(sql, spark, tmp):
        src, out = os.path.join(tmp, "in"), os.path.join(tmp, "out")
        for files in (BATCHES[:2], BATCHES):
            write_batches(src, files)
            if sql.__name__.startswith("spate"):
                run_child(kind, src, out, checkpoint, PROVIDERS[provider], s3.conf())
                continue
            spark.conf.set(PROVIDER_KEY, PROVIDERS[provider])
            try:
                start(spark, sql.functions, kind, src, out, os.path.join(tmp, "cp")).awaitTermination()
            finally:
                spark.conf.unset(PROVIDER_KEY)
        return spark.read.schema(OUTPUT[kind]).parquet(out)
    return program


@pytest.mark.parametrize("kind,provider", [("stateless", "hdfs"), ("windowed", "hdfs"), ("windowed", "rocksdb")])
def test_a_query_restarted_from_an_s3_checkpoint_writes_the_rows_of_an_uninterrupted_run(oracle, s3, kind,
                                                                                         provider):
    bucket = s3.new_bucket()
    oracle.check(restarted_on_s3(kind, provider, s3, "s3a://%s/cp" % bucket))
    keys = s3.keys(bucket, "cp/")
    assert {"cp/metadata", "cp/offsets/0", "cp/commits/0", "cp/sources/0/0"} <= set(keys), keys
    assert not any(k.endswith(".lock") or k.endswith(".tmp") for k in keys), keys
    state = [k for k in keys if k.startswith("cp/state/0/0/")]
    if kind == "stateless":
        assert state == []
    elif provider == "hdfs":
        assert "cp/state/0/0/1.delta" in state, state
    else:  # the RocksDB provider's versions, their SST files shared in SSTs/
        assert "cp/state/0/0/checkpoint-1/spate-state.json" in state, state
        assert any(k.startswith("cp/state/0/0/SSTs/") and k.endswith(".sst") for k in state), state
        assert not any("/working-" in k for k in state), state


def test_the_state_of_a_checkpoint_on_s3_reads_back_as_pysparks(oracle, s3):
    # spark.read.format("statestore") of an s3a:// checkpoint: downloaded, then read as a
    # local one. PySpark reads its local checkpoint of the same query.
    bucket = s3.new_bucket()

    def program(sql, spark, tmp):
        spate = sql.__name__.startswith("spate")
        settings = s3.conf() if spate else {}
        for key, value in settings.items():
            spark.conf.set(key, value)
        try:
            checkpoint = "s3a://%s/cp" % bucket if spate else os.path.join(tmp, "cp")
            src = write_batches(os.path.join(tmp, "in"))
            events = spark.readStream.schema(SCHEMA).option("maxFilesPerTrigger", 1).json(src)
            (events.groupBy("user").agg(sql.functions.count("*").alias("n")).writeStream.format("noop")
             .outputMode("update").option("checkpointLocation", checkpoint).trigger(availableNow=True)
             .start().awaitTermination())
            # The value's field names differ (Spate's b0, Spark's count): compared by position.
            return spark.read.format("statestore").load(checkpoint).select("key.user", "value.*").toDF("user", "n")
        finally:
            for key in settings:
                spark.conf.unset(key)
    oracle.check(program, schema=False)
