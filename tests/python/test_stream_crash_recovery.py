"""Exactly-once across crashes: a JSON file source -> projection -> Parquet file sink query
runs in a child process that is killed with SIGKILL at random points and restarted from its
checkpoint; the sink must end up holding every input row exactly once.

Kills land anywhere: while the source logs a batch's files, while the sink writes part
files or its `_spark_metadata` entry, between the offsets and the commits logs. Waits are
bounded and nothing is asserted on timing.
"""

import json
import os
import random
import select
import signal
import subprocess
import sys
import textwrap
import time

from test_file_stream import read_parquet_folder

CHILD = textwrap.dedent("""
    import sys
    from spate.sql import SparkSession
    from spate.sql import functions as f

    src, out, checkpoint = sys.argv[1:4]
    spark = SparkSession.builder.appName("crash-child").getOrCreate()
    # Renames stay atomic without fsync: enough for a killed process (not a power loss).
    spark.conf.set("spate.streaming.checkpoint.fsync", "false")
    stream = (spark.readStream.option("maxFilesPerTrigger", 1)
              .json(src, schema="id BIGINT, name STRING, amount DOUBLE"))
    query = (stream.select("id", f.upper("name").alias("name"), (f.col("amount") * 2).alias("twice"))
             .writeStream.format("parquet").option("checkpointLocation", checkpoint)
             .trigger(availableNow=True).start(out))
    print("started", flush=True)
    query.awaitTermination()
    if query.exception() is not None:
        print("failed:", query.exception(), flush=True)
        sys.exit(3)
    print("done", flush=True)
""")

FILES = 20
ROWS_PER_FILE = 15
RESTARTS = 20
STARTUP_TIMEOUT = 30  # seconds for a child to start its query
FINISH_TIMEOUT = 90


def add_input_file(src, index):
    """Writes one input file atomically (a hidden temp file renamed into place)."""
    rows = [{"id": index * ROWS_PER_FILE + k, "name": "n%d" % k, "amount": k * 0.5}
            for k in range(ROWS_PER_FILE)]
    tmp = src / (".tmp-%d" % index)
    tmp.write_text("".join(json.dumps(r) + "\n" for r in rows))
    os.rename(tmp, src / ("part-%03d.json" % index))


def start_child(script, *args):
    return subprocess.Popen([sys.executable, str(script)] + [str(a) for a in args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_line(proc, expected, timeout):
    """Reads the child's stdout until `expected` (True) or it exits / times out (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        line = proc.stdout.readline()
        if not line:
            return False
        if line.strip() == expected:
            return True
    return False


def run_with_random_kills(script, args, restarts, before_run, rng, max_delay):
    """Starts the child `restarts` times (calling before_run(run) first) and kills each run
    with SIGKILL up to `max_delay` seconds after it started its query."""
    for run in range(restarts):
        before_run(run)
        proc = start_child(script, *args)
        try:
            started = wait_for_line(proc, "started", STARTUP_TIMEOUT)
            assert started or proc.poll() is not None, "child did not start in time"
            if started:
                time.sleep(rng.uniform(0.0, max_delay))  # where the kill lands, not an assertion
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.wait(timeout=STARTUP_TIMEOUT)
            proc.stdout.close()
            proc.stderr.close()


def run_to_end(script, args):
    """Runs the child until its query finishes; it must succeed."""
    proc = start_child(script, *args)
    try:
        stdout, stderr = proc.communicate(timeout=FINISH_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, stderr
    assert "done" in stdout


def crash_then_finish(script, args, restarts, files, add_file, rng, max_delay):
    """Runs the child with random kills while input files keep arriving (one more before each
    run, add_file(index) writes one), then adds the rest and runs it to the end."""
    added = 0

    def add_files(upto):
        nonlocal added
        while added < min(files, upto):
            add_file(added)
            added += 1

    run_with_random_kills(script, args, restarts, lambda run: add_files(run + 1), rng, max_delay)
    add_files(files)
    run_to_end(script, args)


def test_sigkill_restarts_keep_exactly_once(spark, tmp_path):
    rng = random.Random(20240611)
    src, out, checkpoint = tmp_path / "in", tmp_path / "out", tmp_path / "checkpoint"
    src.mkdir()
    script = tmp_path / "child.py"
    script.write_text(CHILD)

    crash_then_finish(script, (src, out, checkpoint), RESTARTS, FILES, lambda i: add_input_file(src, i), rng, 0.02)

    result = read_parquet_folder(spark, out, "id BIGINT, name STRING, twice DOUBLE",
                                 tmp_path / "read-back")
    ids = sorted(r.id for r in result)
    assert ids == list(range(FILES * ROWS_PER_FILE))
    by_id = {r.id: r for r in result}
    assert by_id[16].name == "N1" and by_id[16].twice == 1.0
