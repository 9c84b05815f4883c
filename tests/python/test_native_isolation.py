"""Spate in a user's process: no crash whatever is imported before or after it, no
library binding into the copies of third-party code pyarrow exports, and a clean
exit while queries run. Every check runs in a fresh process (nothing imported before
the program under test); the pytest process has loaded too much to show a crash."""

import os
import subprocess
import sys
import textwrap

import pytest

from isolation_checks import (BINDING, OTHER_MODULES, foreign_bindings, import_order_program,
                              is_pyarrow, loader_bindings, run_fresh, summarize)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_DIR = os.environ.get("SPATE_BUILD_DIR", os.path.join(REPO, "build", "release"))


def test_importing_spate_binds_nothing_into_pyarrows_copies():
    proc, bindings = loader_bindings("import spate.sql")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(bindings) > 1000  # the loader did report (LD_DEBUG works here)
    foreign = foreign_bindings(bindings)
    assert foreign == [], "foreign bindings:\n" + summarize(foreign)


def test_a_query_binds_nothing_into_pyarrows_copies():
    # Running a query loads nothing new, but the first calls of lazily bound
    # functions are reported too.
    proc, bindings = loader_bindings(import_order_program("hashlib", spate_first=True))
    assert proc.returncode == 0, proc.stderr[-2000:]
    foreign = foreign_bindings(bindings)
    assert foreign == [], "foreign bindings:\n" + summarize(foreign)


def test_cpp_program_binds_nothing_into_pyarrows_copies(tmp_path):
    # A C++ program has every library in one global scope: Spate's dependencies come
    # first, so none of them binds into pyarrow's libraries (pyarrow's libparquet, in
    # turn, uses the process's OpenSSL: docs/architecture.md).
    demo = os.path.join(BUILD_DIR, "examples", "spate-demo")
    if not os.path.exists(demo):
        pytest.fail("no C++ demo at %s (make build first, or set SPATE_BUILD_DIR)" % demo)
    env = dict(os.environ, LD_DEBUG="bindings", LD_DEBUG_OUTPUT=str(tmp_path / "ld"))
    proc = subprocess.run([demo], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    bindings = []
    for name in os.listdir(tmp_path):
        if name.startswith("ld."):
            with open(tmp_path / name, errors="replace") as log:
                bindings.extend(m.groups() for m in map(BINDING.search, log) if m)
    into_pyarrow = [b for b in foreign_bindings(bindings) if is_pyarrow(b[1])]
    assert into_pyarrow == [], "foreign bindings:\n" + summarize(into_pyarrow)


@pytest.mark.parametrize("spate_first", [True, False], ids=["spate-first", "spate-second"])
@pytest.mark.parametrize("module", sorted(OTHER_MODULES))
def test_import_order(module, spate_first):
    proc = run_fresh(import_order_program(module, spate_first))
    assert proc.returncode == 0, "exit %d\n%s" % (proc.returncode, proc.stderr[-3000:])
    assert "query ok" in proc.stdout


EXITS = {
    # The script ends while a query runs.
    "query-running": """
        q = spark.readStream.format("rate").option("rowsPerSecond", 1000).load() \\
            .writeStream.format("noop").start()
        time.sleep(0.5)
    """,
    # The script ends while another thread is inside stop() (the query's trigger
    # interval keeps that stop() waiting).
    "thread-inside-stop": """
        q = spark.readStream.format("rate").load().writeStream.format("noop") \\
            .trigger(processingTime="2 seconds").start()
        time.sleep(0.3)
        threading.Thread(target=q.stop, daemon=True).start()
        time.sleep(0.05)
    """,
    # The script ends while foreachBatch runs Python, one thread waits in
    # awaitTermination() and another runs a batch query.
    "threads-in-native-calls": """
        def slow(df, batch_id):
            time.sleep(0.2)
            df.count()
        q = spark.readStream.format("rate").option("rowsPerSecond", 1000).load() \\
            .writeStream.foreachBatch(slow).start()
        threading.Thread(target=q.awaitTermination, daemon=True).start()
        threading.Thread(target=lambda: spark.range(10**7).selectExpr("sum(id)").collect(),
                         daemon=True).start()
        time.sleep(0.5)
    """,
    # The script ends while a query's thread keeps calling a Python udf (and a
    # pandas_udf), which take the GIL for each batch.
    "udf-query-running": """
        import pandas as pd
        from spate.sql.functions import pandas_udf, udf
        slow = udf(lambda v: time.sleep(0.0005) or v + 1, "long")
        twice = pandas_udf(lambda s: s * 2, "long")
        q = spark.readStream.format("rate").option("rowsPerSecond", 1000).load() \\
            .select(slow("value"), twice("value")).writeStream.format("noop").start()
        time.sleep(0.5)
    """,
    # A batch query with a udf, then the end of the script.
    "udf-batch-query": """
        from spate.sql.functions import udf
        plus = udf(lambda v: v + 1, "long")
        assert spark.range(3).select(plus("id")).count() == 3
    """,
}


@pytest.mark.parametrize("case", sorted(EXITS))
def test_process_exits_cleanly(case):
    code = ("import threading, time\n"
            "from spate.sql import SparkSession\n"
            "spark = SparkSession.builder.getOrCreate()\n" + textwrap.dedent(EXITS[case]) +
            "print('leaving')\n")
    proc = run_fresh(code, timeout=120)
    assert proc.returncode == 0, "exit %d\n%s" % (proc.returncode, proc.stderr[-3000:])
    assert "leaving" in proc.stdout
    assert "terminate called" not in proc.stderr
    assert "leaked" not in proc.stderr, proc.stderr[-2000:]


# A program that writes and reads Parquet on S3 (the server of the `s3` fixture): Arrow's S3
# file system and its AWS SDK are loaded and started, and shut down at exit, alone or beside
# pyarrow's own use of them (pyarrow.fs, imported first or last).
S3_PROGRAM = """
{before}
from spate.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
for key, value in {conf!r}.items():
    spark.conf.set(key, value)
spark.range(5).write.parquet("s3a://{bucket}/{name}")
assert spark.read.parquet("s3a://{bucket}/{name}").count() == 5
{after}
print("leaving")
"""

PYARROW_S3 = ("import pyarrow.fs\n"
              "pyarrow.fs.S3FileSystem(endpoint_override={endpoint!r}, access_key={key!r}, "
              "secret_key={secret!r}, scheme='http').get_file_info('{bucket}')\n")


@pytest.mark.parametrize("pyarrow_fs", ["none", "before", "after"])
def test_s3_binds_nothing_foreign_and_exits_cleanly(s3, pyarrow_fs):
    bucket = s3.new_bucket()
    pa_code = PYARROW_S3.format(endpoint=s3.endpoint, key=s3.access_key, secret=s3.secret_key, bucket=bucket)
    code = S3_PROGRAM.format(before=pa_code if pyarrow_fs == "before" else "",
                             after=pa_code if pyarrow_fs == "after" else "",
                             conf=s3.conf(), bucket=bucket, name="t-" + pyarrow_fs)
    proc, bindings = loader_bindings(code)
    assert proc.returncode == 0, "exit %d\n%s" % (proc.returncode, proc.stderr[-3000:])
    assert "leaving" in proc.stdout
    assert "terminate called" not in proc.stderr
    foreign = foreign_bindings(bindings)
    if pyarrow_fs != "none":
        # pyarrow alone, loaded first, binds libstdc++ into its own libarrow_compute: only
        # what Spate adds to that counts.
        base_proc, base = loader_bindings(pa_code)
        assert base_proc.returncode == 0, base_proc.stderr[-2000:]
        foreign = sorted(set(foreign) - set(foreign_bindings(base)))
    assert foreign == [], "foreign bindings:\n" + summarize(foreign)
