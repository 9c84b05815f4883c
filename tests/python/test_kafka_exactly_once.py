"""The Kafka sink's exactlyOnce mode across crashes: a Kafka -> Kafka query runs in a child
process that is killed with SIGKILL at random points and restarted from its checkpoint; a
read_committed consumer (confluent-kafka) must then see every input message exactly once.
The default (at-least-once) mode is shown to be able to write a re-run batch twice.

Kills land anywhere: inside a transaction, between the commit of a transaction and the
commits log, while the offsets log is written. Waits are bounded; nothing is asserted on timing.
"""

import random
import signal
import subprocess
import sys
import textwrap
import time

from test_stream_crash_recovery import wait_for_line

CHILD = textwrap.dedent("""
    import sys
    from spate.sql import SparkSession

    bootstrap, src, dst, checkpoint, mode = sys.argv[1:6]
    spark = SparkSession.builder.appName("kafka-crash-child").getOrCreate()
    spark.conf.set("spate.streaming.checkpoint.fsync", "false")
    stream = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", bootstrap)
              .option("subscribe", src).option("startingOffsets", "earliest")
              .option("maxOffsetsPerTrigger", 7).load())
    query = (stream.selectExpr("key", "upper(CAST(value AS STRING)) AS value").writeStream.format("kafka")
             .option("kafka.bootstrap.servers", bootstrap).option("topic", dst)
             .option("exactlyOnce", mode == "exactly-once")
             .option("checkpointLocation", checkpoint).trigger(availableNow=True).start())
    print("started", flush=True)
    query.awaitTermination()
    if query.exception() is not None:
        print("failed:", query.exception(), flush=True)
        sys.exit(3)
    print("done", flush=True)
""")

MESSAGES = 120
RESTARTS = 8


def run_child(script, kafka, src, dst, checkpoint, mode, kill_after=None):
    proc = subprocess.Popen([sys.executable, str(script), kafka.bootstrap, src, dst, str(checkpoint), mode],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        if kill_after is None:
            stdout, stderr = proc.communicate(timeout=120)
            assert proc.returncode == 0, stdout + stderr
            return
        started = wait_for_line(proc, "started", 60)
        assert started or proc.poll() is not None, "child did not start in time"
        if started:
            time.sleep(kill_after)  # where the kill lands, not an assertion
        proc.send_signal(signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=60)
        proc.stdout.close()
        proc.stderr.close()


def test_exactly_once_sink_survives_sigkill_restarts(kafka, tmp_path):
    rng = random.Random(20261124)
    src, dst = kafka.new_topic(partitions=3), kafka.new_topic(partitions=2)
    kafka.produce(src, [(b"k%d" % i, b"m%d" % i) for i in range(MESSAGES)])
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    checkpoint = tmp_path / "cp"
    for _ in range(RESTARTS):
        run_child(script, kafka, src, dst, checkpoint, "exactly-once", kill_after=rng.uniform(0.3, 1.5))
    run_child(script, kafka, src, dst, checkpoint, "exactly-once")

    committed = [m.value() for m in kafka.consume_all(dst, read_committed=True)]
    assert sorted(committed) == sorted(b"M%d" % i for i in range(MESSAGES))
    assert len(committed) == len(set(committed))


def test_at_least_once_sink_rewrites_a_rerun_batch(kafka, tmp_path):
    # Spark's default: a batch re-run after a crash is written again. Simulated exactly: the
    # query finishes, then its last commit is removed, so the restart re-runs that batch.
    src, dst = kafka.new_topic(), kafka.new_topic()
    kafka.produce(src, [b"m%d" % i for i in range(10)])
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    checkpoint = tmp_path / "cp"
    run_child(script, kafka, src, dst, checkpoint, "at-least-once")
    commits = sorted((p for p in (checkpoint / "commits").iterdir() if p.name.isdigit()), key=lambda p: int(p.name))
    commits[-1].unlink()
    run_child(script, kafka, src, dst, checkpoint, "at-least-once")
    values = [m.value() for m in kafka.consume_all(dst)]
    assert sorted(set(values)) == sorted(b"M%d" % i for i in range(10))
    assert len(values) == 10 + 3  # the last batch (maxOffsetsPerTrigger 7: 7 + 3) twice


def test_exactly_once_skips_a_rerun_batch(kafka, tmp_path):
    src, dst = kafka.new_topic(), kafka.new_topic()
    kafka.produce(src, [b"m%d" % i for i in range(10)])
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    checkpoint = tmp_path / "cp"
    run_child(script, kafka, src, dst, checkpoint, "exactly-once")
    commits = sorted((p for p in (checkpoint / "commits").iterdir() if p.name.isdigit()), key=lambda p: int(p.name))
    commits[-1].unlink()
    run_child(script, kafka, src, dst, checkpoint, "exactly-once")
    values = [m.value() for m in kafka.consume_all(dst, read_committed=True)]
    assert sorted(values) == sorted(b"M%d" % i for i in range(10))
