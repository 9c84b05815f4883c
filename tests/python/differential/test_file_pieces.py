"""File pipelines on every task thread, against PySpark 4.1: the projections and filters above
a scan (from_json, a filter, the JSON source's own parsing) run over pieces of its rows on
spark.master's threads, and the rows come out in the order one thread reads them. Each program
reads one JSON-lines file of several pieces (a piece is 16384 rows), with \\r\\n and \\n line
ends, blank lines and malformed records, and runs on Spate with one, two and four threads.
PySpark cuts the file into splits of 64 KiB (maxPartitionBytes), so lines cross split edges
there; its partitions come in file order, so the rows are compared in order."""

import os

import pytest

from oracle import difference
from test_json_inference import malformed_condition

MASTERS = ["local[1]", "local[2]", "local[4]"]
LINES = 70000
SCHEMA = "id BIGINT, kind STRING, amount DOUBLE"
KINDS = ["buy", "sell", "view"]


def line(i, bad):
    if i in bad:
        return '{"id":%d,"kind":"broken' % i  # unterminated: a malformed record
    if i % 1000 == 999:
        return ""
    return '{"id":%d,"kind":"%s","amount":%d.5}' % (i, KINDS[i % 3], i % 97)


def write_lines(tmp, bad=()):
    """LINES records, every 7th ending in \\r\\n, every 1000th blank, those of `bad` malformed."""
    path = os.path.join(tmp, "records.json")
    with open(path, "w", newline="") as out:
        out.write("".join(line(i, bad) + ("\r\n" if i % 7 == 0 else "\n") for i in range(LINES)))
    return path


def collected(frame):
    """The program's outcome: its rows, as a list compared in order."""
    return frame.collect()


def check_on_every_master(oracle, program):
    """PySpark's outcome, with 64 KiB splits, against Spate's on each of MASTERS, in order."""
    pyspark = oracle.pyspark.spark
    pyspark.conf.set("spark.sql.files.maxPartitionBytes", "65536")
    try:
        want = oracle.pyspark.run(program, False)
    finally:
        pyspark.conf.unset("spark.sql.files.maxPartitionBytes")
    same_on_every_master(oracle, program, want)
    return want


def same_on_every_master(oracle, program, want):
    """Spate's outcome on each of MASTERS is `want`, in order."""
    spate = oracle.spate.spark
    master = spate.conf.get("spark.master")
    try:
        for m in MASTERS:
            spate.conf.set("spark.master", m)
            why = difference(oracle.spate.run(program, False), want, ordered=True)
            assert why is None, "%s: %s" % (m, why)
    finally:
        spate.conf.set("spark.master", master)


def test_text_from_json_filter_in_file_order(oracle):
    """text -> from_json -> filter: the same rows in file order on every thread count (blank and
    malformed lines parse to NULL fields, which the filter drops)."""
    def program(sql, spark, tmp):
        f = sql.functions
        lines = spark.read.text(write_lines(tmp, bad={5, 40000}))
        parsed = lines.select(f.from_json("value", SCHEMA).alias("r"), "value").select("r.*", "value")
        return collected(parsed.filter((f.col("id") % 3 != 0) | f.col("id").isNull()))
    check_on_every_master(oracle, program)


@pytest.mark.parametrize("mode", ["PERMISSIVE", "DROPMALFORMED"])
def test_json_source_modes_in_file_order(oracle, mode):
    """The JSON source's parse runs in pieces too: PERMISSIVE keeps a malformed record's text in
    _corrupt_record at its place, DROPMALFORMED drops it, on every thread count."""
    def program(sql, spark, tmp):
        read = spark.read.schema(SCHEMA + ", _corrupt_record STRING").option("mode", mode)
        return collected(read.json(write_lines(tmp, bad={3, 20000, 69000})).filter("kind != 'view' OR id IS NULL"))
    check_on_every_master(oracle, program)


@pytest.mark.parametrize("array_first", [True, False])
@pytest.mark.parametrize("reader", ["from_json", "json"])
def test_fail_fast_raises_for_the_first_bad_record(oracle, reader, array_first):
    """FAILFAST with two bad records of different errors, in the second and the fourth piece
    (an array of numbers under a struct schema, an unterminated record): the error is the one
    of the first in file order, on every thread count."""
    array, unterminated = (30000, 60000) if array_first else (60000, 30000)

    def program(sql, spark, tmp):
        path = write_lines(tmp, bad={unterminated})
        with open(path) as f:
            lines = f.read().split("\n")
        lines[array] = "[1, 2]"
        with open(path, "w", newline="") as out:
            out.write("\n".join(lines))
        def read():
            if reader == "json":
                return spark.read.schema(SCHEMA).option("mode", "FAILFAST").json(path).collect()
            options = {"mode": "FAILFAST"}
            return spark.read.text(path).select(sql.functions.from_json("value", SCHEMA, options)).collect()
        return malformed_condition(read)
    check_on_every_master(oracle, program)


def test_from_json_fail_fast_after_a_satisfied_limit(oracle):
    """A LIMIT above from_json (FAILFAST) stops the reading: a malformed record far past the
    rows it takes is never parsed, on every thread count; without the LIMIT it fails."""
    def program(sql, spark, tmp):
        f = sql.functions
        lines = spark.read.text(write_lines(tmp, bad={LINES - 2}))
        parsed = lines.select(f.from_json("value", SCHEMA, {"mode": "FAILFAST"}).alias("r")).select("r.*")
        return [collected(parsed.limit(5)), malformed_condition(parsed.collect)]
    check_on_every_master(oracle, program)


def test_monotonically_increasing_id_keeps_its_values(oracle):
    """monotonically_increasing_id above a file scan does not run in pieces: the ids of a file
    Spark reads as one partition are 0, 1, 2, ... in file order, on every thread count."""
    def program(sql, spark, tmp):
        f = sql.functions
        lines = spark.read.text(write_lines(tmp)).filter(f.col("value") != "")
        return collected(lines.select(f.monotonically_increasing_id().alias("n"), "value"))
    # One split on PySpark: ids without a partition index.
    same_on_every_master(oracle, program, oracle.pyspark.run(program, False))


def test_csv_filter_in_file_order(oracle):
    """CSV with a filter and a projection above it: the same rows in file order on every thread
    count, a malformed value NULL in PERMISSIVE mode."""
    def program(sql, spark, tmp):
        path = os.path.join(tmp, "records.csv")
        with open(path, "w", newline="") as out:
            out.write("".join("%d,%s,%s\r\n" % (i, KINDS[i % 3], "x" if i == 33333 else "%d.5" % (i % 97))
                              for i in range(LINES)))
        rows = spark.read.schema(SCHEMA).csv(path)
        return collected(rows.filter("kind = 'buy' OR amount IS NULL").selectExpr("id * 2 AS twice", "amount"))
    check_on_every_master(oracle, program)
