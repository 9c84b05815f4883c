"""Adversarial input gets a clear error, never a crash or a hang. Each case runs in
a fresh process: a crash there fails one test instead of the test run."""

import json
import textwrap

import pytest

from isolation_checks import run_fresh

PRELUDE = """
import functools, json
from spate.sql import SparkSession, functions as F
spark = SparkSession.builder.getOrCreate()
def outcome(action):
    try:
        value = action()
        print(json.dumps({"ok": repr(value)[:200]}))
    except Exception as e:
        print(json.dumps({"error": type(e).__name__, "class": getattr(e, "getErrorClass", lambda: None)(),
                          "message": str(e)[:2000]}))
"""


def outcome_of(action, timeout=120):
    """Runs `action` (a Python expression) in a fresh process; its result or error."""
    proc = run_fresh(PRELUDE + "outcome(lambda: %s)\n" % textwrap.dedent(action), timeout=timeout)
    assert proc.returncode == 0, "exit %d\n%s" % (proc.returncode, proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


N = 100000

DEEP_SHAPES = {
    "plus": 'spark.sql("SELECT " + "+".join(["1"] * %d)).collect()' % N,
    "concat": 'spark.sql("SELECT " + "||".join(["\'1\'"] * %d)).collect()' % N,
    "subscripts": 'spark.sql("SELECT array(1)" + "[0]" * %d).collect()' % N,
    "nested-ddl": 'spark.createDataFrame([], "a " + "ARRAY<" * %d + "INT" + ">" * %d)' % (N, N),
    "dataframe-reduce": ('spark.range(1).select(functools.reduce(lambda a, b: a + b, '
                         '[F.lit(1)] * %d)).collect()' % N),
}


@pytest.mark.parametrize("shape", sorted(DEEP_SHAPES))
def test_deeply_nested_input_fails_with_too_complex(shape):
    got = outcome_of(DEEP_SHAPES[shape])
    assert got.get("class") == "FAILED_TO_PARSE_TOO_COMPLEX", got


@pytest.mark.parametrize("op,value,expected", [("AND", "true", "True"), ("OR", "false", "False")])
def test_long_and_or_chains_run(op, value, expected):
    # Spark builds them as balanced trees: any length runs.
    got = outcome_of('spark.sql("SELECT " + " %s ".join(["%s"] * %d)).collect()[0][0]' % (op, value, N))
    assert got == {"ok": expected}


def test_a_long_union_all_runs():
    got = outcome_of('len(spark.sql(" UNION ALL ".join(["SELECT 1"] * %d)).collect())' % N)
    assert got == {"ok": str(N)}


def test_a_name_of_many_parts_parses_in_linear_time():
    # 100,000 parts took 27 s when each part copied the name so far; the timeout of the
    # fresh process is the guard, not a timing assert.
    got = outcome_of('spark.sql("SELECT " + ".".join(["x"] * %d)).collect()' % N, timeout=60)
    assert got["class"] == "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION", got


def test_non_ascii_text_near_a_syntax_error_gives_spark_s_parse_exception():
    # PySpark 4.1: INVALID_IDENTIFIER at (line 1, pos 7); positions count characters.
    got = outcome_of('spark.sql("SELECT \\u00e9 ! 1")')
    assert (got["error"], got["class"]) == ("ParseException", "INVALID_IDENTIFIER"), got
    assert "(line 1, pos 7)" in got["message"], got
    got = outcome_of('spark.sql("SELECT \'h\\u00e9llo\' )")')
    assert got["class"] == "PARSE_SYNTAX_ERROR", got
    assert "(line 1, pos 15)" in got["message"], got


# --- Invalid UTF-8 ------------------------------------------------------------------------------
# Spark keeps the bytes and shows each invalid sequence as U+FFFD (Java's decoder);
# Spate replaces them where the text enters, the way Python's decoder does too.


def test_cast_of_binary_to_string_replaces_invalid_utf8_like_the_decoders(spark):
    import random
    rng = random.Random(7)
    samples = [b"a\xffb", b"\xed\xa0\x80", b"\xf0\x9f\x98", b"ok \xc3\xa9", b"\xe0\x80\xaf", b""]
    samples += [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 12))) for _ in range(300)]
    df = spark.createDataFrame([(bytearray(b),) for b in samples], "b BINARY")
    got = [r.s for r in df.selectExpr("CAST(b AS STRING) AS s").collect()]
    assert got == [b.decode("utf-8", "replace") for b in samples]


def test_text_json_and_csv_files_with_invalid_utf8_read_with_replacement(spark, tmp_path, capsys):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "a.txt").write_bytes(b"ok\nbad\xff\xfe end\n")
    (tmp_path / "j").mkdir()
    (tmp_path / "j" / "a.json").write_bytes(b'{"a": "bad\xff"}\n')
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.csv").write_bytes(b"x,y\nbad\xffz,1\n")
    assert [r.value for r in spark.read.text(str(tmp_path / "t")).collect()] == ["ok", "bad\ufffd\ufffd end"]
    # JSON with invalid UTF-8 is a malformed record, as Jackson finds it in Spark.
    json_dir = str(tmp_path / "j")
    assert spark.read.json(json_dir).schema.simpleString() == "struct<_corrupt_record:string>"
    assert [r.a for r in spark.read.schema("a STRING").json(json_dir).collect()] == [None]
    rows = spark.read.schema("a STRING, _corrupt_record STRING").json(json_dir).collect()
    assert [(r.a, r._corrupt_record) for r in rows] == [(None, '{"a": "bad\ufffd"}')]
    with pytest.raises(Exception, match="MALFORMED_RECORD_IN_PARSING"):
        spark.read.schema("a STRING").option("mode", "FAILFAST").json(json_dir).collect()
    rows = spark.read.option("header", True).csv(str(tmp_path / "c")).collect()
    assert [(r.x, r.y) for r in rows] == [("bad\ufffdz", "1")]
    spark.read.text(str(tmp_path / "t")).show()
    assert "|bad\ufffd\ufffd end|" in capsys.readouterr().out


def test_a_stream_of_invalid_utf8_reaches_the_memory_sink(spark, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"x\xffy\n")
    q = (spark.readStream.text(str(folder)).writeStream.format("memory").queryName("bad_utf8")
         .option("checkpointLocation", str(tmp_path / "cp")).start())
    try:
        q.processAllAvailable()
    finally:
        q.stop()
    assert [r.value for r in spark.sql("SELECT * FROM bad_utf8").collect()] == ["x\ufffdy"]


# --- The rate source ----------------------------------------------------------------------------


@pytest.mark.parametrize("option,value", [("rowsPerSecond", 10**12), ("rowsPerSecond", 10**8)])
def test_rate_refuses_more_rows_per_second_than_one_batch_holds(spark, option, value):
    # Spark starts such a query and never finishes its first batch; Spate generates a
    # batch in memory and says how far the option can go.
    from spate.errors import IllegalArgumentException
    with pytest.raises(IllegalArgumentException, match="The option 'rowsPerSecond' must be at most 67108864"):
        spark.readStream.format("rate").option(option, value).load().writeStream.format("noop").start()


def test_rate_refuses_a_number_that_is_not_an_integer(spark):
    from spate.errors import IllegalArgumentException
    with pytest.raises(IllegalArgumentException, match="Invalid value '1e12' for option 'rowsPerSecond'"):
        spark.readStream.format("rate").option("rowsPerSecond", "1e12").load().writeStream.format("noop").start()


def test_rate_micro_batch_refuses_batches_larger_than_memory_allows(spark):
    from spate.errors import IllegalArgumentException
    with pytest.raises(IllegalArgumentException, match="'rowsPerBatch' must be at most"):
        spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 10**10).load() \
            .writeStream.format("noop").start()
