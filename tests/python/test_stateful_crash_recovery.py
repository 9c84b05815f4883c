"""Exactly-once state across crashes, with both state store providers: a windowed
aggregation (JSON files -> withWatermark -> 10-minute windows -> count/sum, append mode ->
Parquet files) runs in a child process killed with SIGKILL at random points and restarted
from its checkpoint. The sink must end up with exactly the rows of an uninterrupted run:
no window lost, none emitted twice, no count off by a replayed batch."""

import json
import os
import random
import textwrap

import pytest

from stateful_crash_support import PROVIDERS, uninterrupted_and_crashed_outputs
from test_file_stream import read_parquet_folder

CHILD = textwrap.dedent("""
    import json
    import os
    import sys
    from spate.sql import SparkSession
    from spate.sql import functions as f

    src, out, checkpoint, provider = sys.argv[1:5]
    spark = SparkSession.builder.appName("stateful-crash-child").getOrCreate()
    for key, value in json.loads(os.environ.get("SPATE_TEST_CHILD_CONF", "{}")).items():
        spark.conf.set(key, value)  # the s3a:// settings of a checkpoint on S3
    spark.conf.set("spate.streaming.checkpoint.fsync", "false")
    spark.conf.set("spark.sql.streaming.stateStore.providerClass", provider)
    spark.conf.set("spark.sql.streaming.stateStore.minDeltasForSnapshot", "3")
    events = (spark.readStream.option("maxFilesPerTrigger", 1)
              .json(src, schema="ts TIMESTAMP, key STRING, amount BIGINT"))
    counts = (events.withWatermark("ts", "10 minutes")
              .groupBy(f.window("ts", "10 minutes"), "key")
              .agg(f.count("*").alias("n"), f.sum("amount").alias("total")))
    query = (counts.select(f.col("window.start").alias("start"), "key", "n", "total")
             .writeStream.format("parquet").outputMode("append")
             .option("checkpointLocation", checkpoint).trigger(availableNow=True).start(out))
    print("started", flush=True)
    query.awaitTermination()
    if query.exception() is not None:
        print("failed:", query.exception(), flush=True)
        sys.exit(3)
    print("done", flush=True)
""")

FILES = 16
RESTARTS = 15


def add_input_file(src, index):
    """File i: events at minutes 5i .. 5i+4 for keys k0..k3 and, from file 8 on, a row 40
    minutes older. That row is late however batches fall (the previous batch's watermark
    is at least 5i - 16 minutes, its window ends by 5i - 30), and the others never are, so
    the result does not depend on which batches a crash splits the input into."""
    rows = []
    for minute in range(5 * index, 5 * index + 5):
        for k in range(4):
            rows.append({"ts": "2024-01-01T%02d:%02d:00" % (10 + minute // 60, minute % 60),
                         "key": "k%d" % k, "amount": minute * 10 + k})
    if index >= 8:
        late = 5 * index - 40
        rows.append({"ts": "2024-01-01T%02d:%02d:00" % (10 + late // 60, late % 60), "key": "k0", "amount": 1})
    tmp = src / (".tmp-%d" % index)
    tmp.write_text("".join(json.dumps(r) + "\n" for r in rows))
    os.rename(tmp, src / ("part-%03d.json" % index))


def results(spark, out, tmp_path, name):
    rows = read_parquet_folder(spark, out, "start TIMESTAMP, key STRING, n BIGINT, total BIGINT",
                               tmp_path / name)
    return sorted((r.start, r.key, r.n, r.total) for r in rows)


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_sigkill_restarts_of_a_windowed_aggregation_match_an_uninterrupted_run(spark, tmp_path, provider):
    ref_out, out = uninterrupted_and_crashed_outputs(tmp_path, CHILD, provider, FILES, add_input_file,
                                                     RESTARTS, random.Random(20241124), 0.03)
    expected = results(spark, ref_out, tmp_path, "ref-read")
    assert len(expected) > 20  # many windows closed, so the comparison means something
    assert results(spark, out, tmp_path, "read") == expected


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_sigkill_restarts_with_the_checkpoint_on_s3_match_an_uninterrupted_run(spark, tmp_path, provider, s3,
                                                                               monkeypatch):
    # The same query and kills, with the crashed runs' checkpoint in a bucket of the moto server:
    # offsets and commits entries written once, state files uploaded before the commit.
    monkeypatch.setenv("SPATE_TEST_CHILD_CONF", json.dumps(s3.conf()))
    bucket = s3.new_bucket()
    ref_out, out = uninterrupted_and_crashed_outputs(tmp_path, CHILD, provider, FILES, add_input_file,
                                                     RESTARTS, random.Random(20241205), 0.3,
                                                     checkpoint="s3a://%s/cp" % bucket)
    expected = results(spark, ref_out, tmp_path, "ref-read")
    assert len(expected) > 20
    assert results(spark, out, tmp_path, "read") == expected
    # The runs' logs and state are in the bucket (a batch may read two files: one logged by the
    # source of a run killed before its offsets entry, as in Spark).
    keys = s3.keys(bucket, "cp/")
    assert "cp/commits/0" in keys and any(k.startswith("cp/state/0/0/") for k in keys), keys
