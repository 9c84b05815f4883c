"""The console progress line: a bar of the input an availableNow or once run has read (files, Kafka
offsets, Iceberg snapshots) and a status line for a long batch, on stderr only when it is a
terminal, off with spark.ui.showConsoleProgress=false. Each program runs in a fresh process, its
stderr a pseudo-terminal or a pipe."""

import os
import subprocess
import sys

CHILD = """
import sys, time
from spate.sql import SparkSession
src, chk, show = sys.argv[1], sys.argv[2], sys.argv[3]
trigger = {sys.argv[4]: True} if len(sys.argv) > 4 else {"availableNow": True}
spark = (SparkSession.builder.config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", show).getOrCreate())
df = spark.readStream.schema("a INT").option("maxFilesPerTrigger", 1).json(src)
def slow_first(batch, batch_id):
    if batch_id == 0:
        time.sleep(4.5)
q = (df.writeStream.queryName("console_bar").foreachBatch(slow_first).trigger(**trigger)
     .option("checkpointLocation", chk).start())
q.awaitTermination()
print("done", file=sys.stderr)
"""


def run_child(tmp_path, show, tty, trigger="availableNow"):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(4):
        (src / ("f%d.json" % i)).write_text('{"a": %d}\n' % i)
    return run_program(CHILD, [str(src), str(tmp_path / "chk"), show, trigger], tty)


def run_program(program, argv, tty):
    """Runs `program` in a fresh Python process; its stderr, read from a terminal when `tty`."""
    args = [sys.executable, "-c", program] + argv
    if not tty:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return proc.stderr
    master, slave = os.openpty()
    proc = subprocess.Popen(args, stderr=slave, stdout=subprocess.DEVNULL)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert proc.wait(timeout=120) == 0, out.decode(errors="replace")
    return out.decode(errors="replace")


FULL = "[" + "=" * 30 + "]"


def test_bar_and_long_batch_status_on_a_terminal(tmp_path):
    out = run_child(tmp_path, "true", tty=True)
    assert "[console_bar] batch 0 running for 3 s" in out
    assert "[console_bar] [" in out and "] 1/4 files" in out
    assert FULL + " 4/4 files" in out
    assert "\r" in out and "done" in out


def test_once_run_reads_every_file_in_its_one_batch_and_shows_them(tmp_path):
    # Trigger.Once ignores maxFilesPerTrigger, as in Spark: the bar is full after its batch.
    out = run_child(tmp_path, "true", tty=True, trigger="once")
    assert "[console_bar] batch 0 running for 3 s" in out
    assert FULL + " 4/4 files" in out
    assert "done" in out


def test_silent_when_off_or_not_a_terminal(tmp_path):
    (tmp_path / "off").mkdir()
    (tmp_path / "pipe").mkdir()
    assert "[console_bar]" not in run_child(tmp_path / "off", "false", tty=True)
    assert "[console_bar]" not in run_child(tmp_path / "pipe", "true", tty=False)


KAFKA_CHILD = """
import sys
from spate.sql import SparkSession
bootstrap, topic, chk, show = sys.argv[1:5]
spark = (SparkSession.builder.config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", show).getOrCreate())
df = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", bootstrap)
      .option("subscribe", topic).option("startingOffsets", "earliest")
      .option("maxOffsetsPerTrigger", 25).load())
q = (df.writeStream.format("noop").queryName("kafka_bar").trigger(availableNow=True)
     .option("checkpointLocation", chk).start())
q.awaitTermination()
print("read", sum(p["numInputRows"] for p in q.recentProgress), file=sys.stderr)
"""


def test_kafka_offsets_bar(tmp_path, kafka):
    topic = kafka.new_topic()
    kafka.produce(topic, [b"m%d" % i for i in range(100)])
    run = lambda name, show, tty: run_program(  # noqa: E731
        KAFKA_CHILD, [kafka.bootstrap, topic, str(tmp_path / name), show], tty)
    out = run("chk", "true", True)
    for done in (25, 50, 75):
        assert "] %d/100 offsets" % done in out
    assert "[kafka_bar] " + FULL + " 100/100 offsets" in out
    assert "read 100" in out
    # A second run from the same checkpoint: only what came since.
    kafka.produce(topic, [b"n%d" % i for i in range(30)])
    out = run("chk", "true", True)
    assert "] 25/30 offsets" in out and FULL + " 30/30 offsets" in out
    assert "[kafka_bar]" not in run("off", "false", True)
    assert "[kafka_bar]" not in run("pipe", "true", False)


ICEBERG_CHILD = """
import sys
from spate.sql import SparkSession
warehouse, chk, show = sys.argv[1:4]
spark = (SparkSession.builder.config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", show)
         .config("spark.sql.catalog.ice", "org.apache.iceberg.spark.SparkCatalog")
         .config("spark.sql.catalog.ice.type", "hadoop")
         .config("spark.sql.catalog.ice.warehouse", warehouse).getOrCreate())
def append(first, n):
    spark.range(first, first + n).writeTo("ice.db.t").append()
def read():
    q = (spark.readStream.table("ice.db.t").writeStream.format("noop").queryName("iceberg_bar")
         .trigger(availableNow=True).option("checkpointLocation", chk).start())
    q.awaitTermination()
    print("read", sum(p["numInputRows"] for p in q.recentProgress), file=sys.stderr)
spark.range(0, 10).writeTo("ice.db.t").create()
append(10, 10)
append(20, 10)
read()
append(30, 5)
append(35, 5)
read()
"""


def test_iceberg_snapshots_bar(tmp_path):
    def run(name, show, tty):
        return run_program(ICEBERG_CHILD, [str(tmp_path / name / "wh"), str(tmp_path / name / "chk"), show], tty)

    out = run("on", "true", True)
    first, second = out.split("read 30")
    assert "[iceberg_bar] " + FULL + " 3/3 snapshots" in first
    assert "[iceberg_bar] " + FULL + " 2/2 snapshots" in second and "read 10" in second
    assert "[iceberg_bar]" not in run("off", "false", True)
    assert "[iceberg_bar]" not in run("pipe", "true", False)
