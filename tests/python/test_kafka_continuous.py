"""The continuous trigger and real-time mode on the real broker: a Kafka -> Kafka query
processes records as they arrive and checkpoints epochs, and a query killed with SIGKILL
and restarted from its checkpoint loses nothing (at-least-once), nor writes anything twice
with the sink's exactlyOnce option, checked by an outside consumer (confluent-kafka,
read_committed for exactlyOnce). Waits are bounded; nothing is asserted on timing."""

import signal
import subprocess
import sys
import textwrap
import time

import pytest

from spate.errors import PySparkNotImplementedError
from test_stream_crash_recovery import wait_for_line


def kafka_stream(spark, kafka, topic):
    return (spark.readStream.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap)
            .option("subscribe", topic).option("startingOffsets", "earliest").load())


def wait_for_values(kafka, topic, count, timeout=60, read_committed=False):
    deadline = time.monotonic() + timeout
    values = []
    while time.monotonic() < deadline:
        values = [m.value() for m in kafka.consume_all(topic, read_committed=read_committed)]
        if len(set(values)) >= count:
            break
        time.sleep(0.2)
    return values


@pytest.mark.parametrize("trigger", [{"continuous": "1 second"}, {"realTime": "5 seconds"}])
def test_kafka_to_kafka_as_records_arrive(spark, kafka, tmp_path, trigger):
    src, dst = kafka.new_topic(partitions=2), kafka.new_topic()
    kafka.produce(src, [b"a%d" % i for i in range(20)])
    out = (kafka_stream(spark, kafka, src)
           .selectExpr("CAST(key AS STRING)", "CAST(value AS STRING)", "UPPER(CAST(value AS STRING)) AS value_upper")
           .filter("length(value) > 0").selectExpr("value_upper AS value"))
    query = (out.writeStream.format("kafka").outputMode("update").option("kafka.bootstrap.servers", kafka.bootstrap)
             .option("topic", dst).option("checkpointLocation", str(tmp_path / "cp")).trigger(**trigger).start())
    try:
        assert sorted(set(wait_for_values(kafka, dst, 20))) == sorted(b"A%d" % i for i in range(20))
        kafka.produce(src, [b"b%d" % i for i in range(5)])  # records of a running query
        got = wait_for_values(kafka, dst, 25)
        assert sorted(set(got)) == sorted([b"A%d" % i for i in range(20)] + [b"B%d" % i for i in range(5)])
        assert query.isActive and query.exception() is None
    finally:
        query.stop()
    # A stopped query committed its last epoch: offsets and commits hold the same epochs.
    commits = sorted(int(p.name) for p in (tmp_path / "cp" / "commits").iterdir() if p.name.isdigit())
    assert commits and (tmp_path / "cp" / "offsets" / str(commits[-1])).exists()


def test_restart_resumes_after_the_last_committed_epoch(spark, kafka, tmp_path):
    src, dst = kafka.new_topic(), kafka.new_topic()
    kafka.produce(src, [b"m%d" % i for i in range(10)])

    def run():
        q = (kafka_stream(spark, kafka, src).selectExpr("value").writeStream.format("kafka")
             .option("kafka.bootstrap.servers", kafka.bootstrap).option("topic", dst)
             .option("checkpointLocation", str(tmp_path / "cp")).trigger(continuous="1 second").start())
        return q

    query = run()
    try:
        assert len(set(wait_for_values(kafka, dst, 10))) == 10
    finally:
        query.stop()
    kafka.produce(src, [b"n%d" % i for i in range(5)])
    query = run()
    try:
        values = wait_for_values(kafka, dst, 15)
    finally:
        query.stop()
    # The first run committed its epochs when it stopped: nothing is read twice.
    assert sorted(values) == sorted([b"m%d" % i for i in range(10)] + [b"n%d" % i for i in range(5)])


@pytest.mark.parametrize("trigger", ["continuous", "realTime"])
def test_exactly_once_skips_an_epoch_whose_transaction_committed(spark, kafka, tmp_path, trigger):
    # A crash between an epoch's transaction commit and its commit entry, made exactly: the
    # query stops, then its last commit entry is removed. The restart runs that epoch again
    # over its recorded offsets and finds its transaction committed.
    spark.conf.set("spark.sql.streaming.realTimeMode.minBatchDuration", "100ms")
    src, dst = kafka.new_topic(), kafka.new_topic()
    checkpoint = tmp_path / "cp"

    def run():
        return (kafka_stream(spark, kafka, src).selectExpr("upper(CAST(value AS STRING)) AS value")
                .writeStream.format("kafka").outputMode("update").option("kafka.bootstrap.servers", kafka.bootstrap)
                .option("topic", dst).option("exactlyOnce", True).option("checkpointLocation", str(checkpoint))
                .trigger(**{trigger: "200 milliseconds"}).start())

    kafka.produce(src, [b"m%d" % i for i in range(10)])
    query = run()
    try:
        assert len(set(wait_for_values(kafka, dst, 10, read_committed=True))) == 10
    finally:
        query.stop()
    commits = sorted(int(p.name) for p in (checkpoint / "commits").iterdir() if p.name.isdigit())
    (checkpoint / "commits" / str(commits[-1])).unlink()
    kafka.produce(src, [b"n%d" % i for i in range(5)])
    query = run()
    try:
        values = wait_for_values(kafka, dst, 15, read_committed=True)
        assert query.exception() is None
    finally:
        query.stop()
    assert sorted(values) == sorted([b"M%d" % i for i in range(10)] + [b"N%d" % i for i in range(5)])


def test_exactly_once_sink_refuses_complete_mode(spark, kafka, tmp_path):
    counts = kafka_stream(spark, kafka, kafka.new_topic()).groupBy("key").count().selectExpr(
        "CAST(count AS STRING) AS value")
    with pytest.raises(PySparkNotImplementedError, match="exactlyOnce option needs outputMode append or update"):
        (counts.writeStream.format("kafka").outputMode("complete").option("kafka.bootstrap.servers", kafka.bootstrap)
         .option("topic", "x").option("exactlyOnce", True).option("checkpointLocation", str(tmp_path / "cp"))
         .start())


CHILD = textwrap.dedent("""
    import sys
    from spate.sql import SparkSession

    bootstrap, src, dst, checkpoint, trigger, exactly_once = sys.argv[1:7]
    spark = SparkSession.builder.appName("kafka-continuous-child").getOrCreate()
    spark.conf.set("spark.sql.streaming.realTimeMode.minBatchDuration", "100ms")  # epochs of 200 ms
    stream = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", bootstrap)
              .option("subscribe", src).option("startingOffsets", "earliest").load())
    query = (stream.selectExpr("key", "upper(CAST(value AS STRING)) AS value").writeStream.format("kafka")
             .outputMode("update").option("kafka.bootstrap.servers", bootstrap).option("topic", dst)
             .option("exactlyOnce", exactly_once).option("checkpointLocation", checkpoint).trigger(**{trigger: "200 milliseconds"}).start())
    print("started", flush=True)
    query.awaitTermination()
""")

MESSAGES = 300
RESTARTS = 5


def kill_and_restart(kafka, tmp_path, trigger, exactly_once):
    """Runs the child RESTARTS times, each killed with SIGKILL after a produce, then once more
    until the output holds every message; returns the output as a read_committed consumer
    sees it with `exactly_once`, else as any consumer."""
    src, dst = kafka.new_topic(partitions=3), kafka.new_topic(partitions=2)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    args = [sys.executable, str(script), kafka.bootstrap, src, dst, str(tmp_path / "cp"), trigger,
            str(exactly_once).lower()]
    sent = 0
    for run in range(RESTARTS):
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert wait_for_line(proc, "started", 60), proc.stderr.read() if proc.poll() is not None else ""
            batch = MESSAGES // RESTARTS
            kafka.produce(src, [(b"k%d" % i, b"m%d" % i) for i in range(sent, sent + batch)])
            sent += batch
            time.sleep(0.2 + 0.3 * run)  # where the kill lands, not an assertion
            proc.send_signal(signal.SIGKILL)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=60)
            proc.stdout.close()
            proc.stderr.close()
    # A last run, stopped once everything is out.
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for_line(proc, "started", 60)
        return wait_for_values(kafka, dst, MESSAGES, timeout=90, read_committed=exactly_once)
    finally:
        proc.kill()
        proc.wait(timeout=60)
        proc.stdout.close()
        proc.stderr.close()


@pytest.mark.parametrize("trigger", ["continuous", "realTime"])
def test_sigkill_loses_nothing(kafka, tmp_path, trigger):
    values = kill_and_restart(kafka, tmp_path, trigger, exactly_once=False)
    assert set(values) == {b"M%d" % i for i in range(MESSAGES)}  # every message, some maybe twice


@pytest.mark.parametrize("trigger", ["continuous", "realTime"])
def test_exactly_once_sink_writes_each_message_once_across_sigkills(kafka, tmp_path, trigger):
    # Each epoch is one transaction, committed between its offsets and commits entries.
    values = kill_and_restart(kafka, tmp_path, trigger, exactly_once=True)
    assert sorted(values) == sorted(b"M%d" % i for i in range(MESSAGES))
