"""Stateful real-time mode on the real broker: a 1-second tumbling-window count and a
dropDuplicates run Kafka -> Kafka with trigger(realTime=...) in update mode, and a
windowed count killed with SIGKILL and restarted from its checkpoint. An outside
consumer reads the output; the expected result is the same aggregation run by PySpark
4.1 over the same input as a batch (PySpark 4.1 has no stateful real-time mode).

Update mode emits a window's new count each time it changes, so the final count of a
window is the largest one emitted: it equals the window's input records only when no
record was lost nor counted twice, also across kills (state and offsets restore
together). With the sink's exactlyOnce option a read_committed consumer sees no count
twice. A checkpoint on S3 (moto) restarts from its last epoch. Waits are bounded;
nothing is asserted on timing."""

import datetime
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from test_stream_crash_recovery import wait_for_line

BASE = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def events(count, start=0):
    """JSON records of keys k0..k2 and ids 0..39 whose event times rise by 30 ms (about 33
    per second): in order on one partition, so none is behind the watermark."""
    return [json.dumps({"id": i % 40, "k": "k%d" % (i % 3),
                        "t": (BASE + datetime.timedelta(milliseconds=30 * i)).isoformat()}).encode()
            for i in range(start, start + count)]


def windowed_counts(f, df):
    """The program under test, for a DataFrame of JSON strings in `value`."""
    rows = df.select(f.from_json("value", "id INT, k STRING, t TIMESTAMP").alias("r")).select("r.*")
    return (rows.withWatermark("t", "2 seconds").groupBy(f.window("t", "1 second"), "k").count()
            .select(f.unix_millis(f.col("window.start")).alias("start"), "k", "count"))


def distinct_ids(f, df):
    rows = df.select(f.from_json("value", "id INT, k STRING, t TIMESTAMP").alias("r")).select("r.*")
    return rows.dropDuplicates(["id"]).select("id")


def distinct_ids_within_watermark(f, df):
    rows = df.select(f.from_json("value", "id INT, k STRING, t TIMESTAMP").alias("r")).select("r.*")
    return rows.withWatermark("t", "10 seconds").dropDuplicatesWithinWatermark(["id"]).select("id")


def expected(oracle, program, values):
    """PySpark 4.1's result of `program` over the input, as a batch."""
    spark = oracle.pyspark.spark
    df = spark.createDataFrame([(v.decode(),) for v in values], "value STRING")
    return program(oracle.pyspark.sql.functions, df).collect()


def final_counts(messages):
    """The largest count emitted for each (window start, key)."""
    out = {}
    for m in messages:
        row = json.loads(m)
        key = (row["start"], row["k"])
        out[key] = max(out.get(key, 0), row["count"])
    return out


def real_time_query(spark, bootstrap, program, src, dst, checkpoint, exactly_once=False):
    from spate.sql import functions as f

    stream = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", bootstrap)
              .option("subscribe", src).option("startingOffsets", "earliest").load()
              .selectExpr("CAST(value AS STRING) AS value"))
    out = program(f, stream)
    return (out.select(f.to_json(f.struct(*out.columns)).alias("value")).writeStream.format("kafka")
            .outputMode("update").option("kafka.bootstrap.servers", bootstrap).option("topic", dst)
            .option("exactlyOnce", exactly_once).option("checkpointLocation", checkpoint).trigger(realTime="200 milliseconds").start())


def wait_for(kafka, topic, done, timeout=90):
    deadline = time.monotonic() + timeout
    values = []
    while time.monotonic() < deadline:
        values = [m.value() for m in kafka.consume_all(topic)]
        if done(values):
            break
        time.sleep(0.2)
    return values


def wait_for_epochs(query, src, rows, timeout=90):
    """Until an epoch that read the first `rows` records of `src` (one partition) ended:
    their output is in the sink."""
    def read():
        last = query.lastProgress
        return json.loads(last.sources[0].endOffset or "{}").get(src, {}).get("0", 0) if last else 0

    deadline = time.monotonic() + timeout
    while read() < rows and time.monotonic() < deadline:
        time.sleep(0.1)


def test_windowed_count_updates_each_window_as_records_arrive(oracle, spark, kafka, tmp_path):
    spark.conf.set("spark.sql.streaming.realTimeMode.minBatchDuration", "100ms")
    src, dst = kafka.new_topic(), kafka.new_topic()
    first, second = events(120), events(80, start=120)
    want = {(r["start"], r["k"]): r["count"] for r in expected(oracle, windowed_counts, first + second)}
    kafka.produce(src, first)
    query = real_time_query(spark, kafka.bootstrap, windowed_counts, src, dst, str(tmp_path / "cp"))
    try:
        wait_for_epochs(query, src, 120)
        kafka.produce(src, second)  # records of a running query update its windows
        got = final_counts(wait_for(kafka, dst, lambda v: final_counts(v) == want))
        assert query.isActive and query.exception() is None
    finally:
        query.stop()
    assert got == want
    # The records of the second produce ran with the watermark the first moved (their
    # newest event time, 3.57 s, less 2 s), and the windows it closed left the state.
    assert max(p.eventTime.get("watermark", "") for p in query.recentProgress) >= "2026-01-01T00:00:01.570Z"
    assert query.lastProgress.stateOperators[0].numRowsTotal < len(want)


@pytest.mark.parametrize("program", [distinct_ids, distinct_ids_within_watermark])
def test_drop_duplicates_emits_each_id_once(oracle, spark, kafka, tmp_path, program):
    spark.conf.set("spark.sql.streaming.realTimeMode.minBatchDuration", "100ms")
    src, dst = kafka.new_topic(), kafka.new_topic()
    values = events(60)  # ids 0..39, 0..19 twice (1.2 s apart: within the watermark's 10 s)
    # PySpark refuses dropDuplicatesWithinWatermark on a batch; duplicates within its
    # delay leave what dropDuplicates leaves.
    want = sorted(r["id"] for r in expected(oracle, distinct_ids, values))
    kafka.produce(src, values[:30])
    query = real_time_query(spark, kafka.bootstrap, program, src, dst, str(tmp_path / "cp"))
    try:
        wait_for_epochs(query, src, 30)
        kafka.produce(src, values[30:])  # new ids 30..39, then ids 0..19 the state has seen
        wait_for_epochs(query, src, 60)
        got = sorted(json.loads(m.value())["id"] for m in kafka.consume_all(dst))
    finally:
        query.stop()
    assert got == want  # each id once: the state spans the epochs


def test_idle_intervals_commit_no_epoch(spark, kafka, tmp_path):
    spark.conf.set("spark.sql.streaming.realTimeMode.minBatchDuration", "100ms")
    src, dst = kafka.new_topic(), kafka.new_topic()
    checkpoint = tmp_path / "cp"
    kafka.produce(src, events(30))
    query = real_time_query(spark, kafka.bootstrap, windowed_counts, src, dst, str(checkpoint))
    try:
        wait_for_epochs(query, src, 30)
        time.sleep(2)  # about ten intervals without records, not an assertion
        kafka.produce(src, events(10, start=30))
        wait_for_epochs(query, src, 40)
    finally:
        query.stop()
    # Only epochs that read records were committed: consecutive ids, one state version each.
    epochs = [(p.batchId, p.numInputRows) for p in query.recentProgress]
    assert [e for e, _ in epochs] == list(range(len(epochs))) and all(n > 0 for _, n in epochs)
    assert sorted(int(p.name) for p in (checkpoint / "commits").iterdir() if p.name.isdigit()) == \
        list(range(len(epochs)))
    partitions = [d for d in (checkpoint / "state" / "0").iterdir() if d.name.isdigit()]
    assert partitions
    for d in partitions:
        assert sorted(int(f.name.split(".")[0]) for f in d.glob("*.delta")) == list(range(1, len(epochs) + 1))


@pytest.mark.parametrize("provider", ["hdfs", "rocksdb"])
def test_checkpoint_on_s3_restarts_from_the_last_epoch(oracle, spark, kafka, s3, provider):
    conf = dict(s3.conf(), **{
        "spark.sql.streaming.realTimeMode.minBatchDuration": "100ms",
        "spark.sql.streaming.stateStore.providerClass": STORES[provider == "rocksdb"],
        # Each epoch's end deletes old state versions while the previous epoch's files upload.
        "spark.sql.streaming.minBatchesToRetain": "2",
    })
    bucket = s3.new_bucket()
    checkpoint = "s3a://%s/cp" % bucket
    src, dst = kafka.new_topic(), kafka.new_topic()
    first, second = events(120), events(80, start=120)
    want = {(r["start"], r["k"]): r["count"] for r in expected(oracle, windowed_counts, first + second)}
    for key, value in conf.items():
        spark.conf.set(key, value)
    try:
        kafka.produce(src, first)
        query = real_time_query(spark, kafka.bootstrap, windowed_counts, src, dst, checkpoint)
        try:
            wait_for_epochs(query, src, 120)
            kafka.produce(src, second[:40])
            wait_for_epochs(query, src, 160)
        finally:
            query.stop()
        assert query.exception() is None
        kafka.produce(src, second[40:])
        # A new run downloads the checkpoint: the windows spanning the restart go on
        # from the state of the last epoch.
        query = real_time_query(spark, kafka.bootstrap, windowed_counts, src, dst, checkpoint)
        try:
            got = final_counts(wait_for(kafka, dst, lambda v: final_counts(v) == want))
            assert query.exception() is None
        finally:
            query.stop()
    finally:
        for key in conf:
            spark.conf.unset(key)
    assert got == want
    assert any("/state/0/" in key for key in s3.keys(bucket, "cp/"))


CHILD = textwrap.dedent("""
    import os
    import sys
    from spate.sql import SparkSession

    sys.path[:0] = [sys.argv[5], os.path.dirname(sys.argv[5])]  # this test module and its imports
    from test_real_time_state import real_time_query, windowed_counts

    bootstrap, src, dst, checkpoint, _, provider, exactly_once = sys.argv[1:8]
    spark = SparkSession.builder.appName("real-time-state-child").getOrCreate()
    spark.conf.set("spark.sql.streaming.realTimeMode.minBatchDuration", "100ms")
    spark.conf.set("spark.sql.shuffle.partitions", "2")
    spark.conf.set("spark.sql.streaming.stateStore.providerClass", provider)
    query = real_time_query(spark, bootstrap, windowed_counts, src, dst, checkpoint, exactly_once == "true")
    print("started", flush=True)
    query.awaitTermination()
""")

MESSAGES = 400
RESTARTS = 5


def run_child(script, kafka, src, dst, checkpoint, provider, exactly_once=False):
    proc = subprocess.Popen([sys.executable, str(script), kafka.bootstrap, src, dst, str(checkpoint),
                             os.path.dirname(os.path.abspath(__file__)), provider, str(exactly_once).lower()],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert wait_for_line(proc, "started", 60), proc.stderr.read() if proc.poll() is not None else ""
    return proc


def end(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    proc.stdout.close()
    proc.stderr.close()


STORES = ["org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider",
          "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"]


def kill_and_restart(oracle, kafka, tmp_path, provider, exactly_once):
    """The windowed count killed RESTARTS times with SIGKILL after a produce, then run until
    its output holds the expected final counts: (expected counts, output messages), the
    output as a read_committed consumer sees it with `exactly_once`."""
    src, dst = kafka.new_topic(), kafka.new_topic(partitions=2)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    checkpoint = tmp_path / "cp"
    values = events(MESSAGES)
    want = {(r["start"], r["k"]): r["count"] for r in expected(oracle, windowed_counts, values)}
    batch = MESSAGES // RESTARTS
    for run in range(RESTARTS):
        proc = run_child(script, kafka, src, dst, checkpoint, provider, exactly_once)
        try:
            kafka.produce(src, values[run * batch:(run + 1) * batch])
            time.sleep(0.2 + 0.3 * run)  # where the kill lands, not an assertion
        finally:
            end(proc)
    proc = run_child(script, kafka, src, dst, checkpoint, provider, exactly_once)  # a last run
    try:
        consume = lambda: [m.value() for m in kafka.consume_all(dst, read_committed=exactly_once)]
        deadline = time.monotonic() + 90
        while final_counts(consume()) != want and time.monotonic() < deadline:
            time.sleep(0.2)
        return want, consume()
    finally:
        end(proc)


@pytest.mark.parametrize("provider", STORES, ids=["hdfs", "rocksdb"])
def test_sigkill_then_restart_counts_each_record_once(oracle, kafka, tmp_path, provider):
    want, messages = kill_and_restart(oracle, kafka, tmp_path, provider, exactly_once=False)
    assert final_counts(messages) == want


@pytest.mark.parametrize("provider", STORES, ids=["hdfs", "rocksdb"])
def test_exactly_once_sink_emits_each_count_once_across_sigkills(oracle, kafka, tmp_path, provider):
    want, messages = kill_and_restart(oracle, kafka, tmp_path, provider, exactly_once=True)
    assert final_counts(messages) == want
    # Each epoch's updates commit with it, once: a window's count is never emitted twice
    # (a replayed epoch's output is aborted, or skipped if its transaction committed).
    emitted = [(r["start"], r["k"], r["count"]) for r in map(json.loads, messages)]
    assert len(emitted) == len(set(emitted))
