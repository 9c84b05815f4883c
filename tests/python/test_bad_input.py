"""Adversarial input gets a clear error, never a crash or a hang. Each case runs in
a fresh process: a crash there fails one test instead of the test run."""

import json
import os
import re
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


def test_a_lateral_view_without_its_name_fails_with_a_parse_error_at_its_place():
    # LATERAL VIEW runs (differential/test_lateral_view.py); the view's name after the
    # generator is required, as in PySpark 4.1, which stops at the same place.
    got = outcome_of("spark.sql(%r)" % "SELECT s FROM VALUES (1) AS v(i) LATERAL VIEW explode(array('a'))")
    assert (got["error"], got["class"]) == ("ParseException", "PARSE_SYNTAX_ERROR"), got
    assert "(line 1, pos 65)" in got["message"], got


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


# --- Formats, schemes, paths and options (PySpark 4.1's outcome in each comment) ------------------


def test_a_format_spark_has_and_spate_not_yet_says_so(spark, tmp_path):
    from spate.errors import IllegalArgumentException, PySparkNotImplementedError
    # jdbc is supported (PostgreSQL): without a URL, PySpark 4.1's message.
    with pytest.raises(IllegalArgumentException, match="requirement failed: Option 'url' is required."):
        spark.range(1).write.format("jdbc").save()
    with pytest.raises(PySparkNotImplementedError, match="The orc data source is not supported"):
        spark.read.format("orc").load(str(tmp_path))
    with pytest.raises(Exception, match=r"\[DATA_SOURCE_NOT_FOUND\] Failed to find the data source: nosuch"):
        spark.range(1).write.format("nosuch").save(str(tmp_path / "x"))


@pytest.mark.parametrize("use", ["read", "write", "readStream", "file sink", "checkpoint"])
def test_object_storage_paths_are_refused_not_read_as_local_folders(spark, tmp_path, use):
    # PySpark 4.1 without hadoop-aws: ClassNotFoundException S3AFileSystem. Spate names the
    # scheme where it has no file system for it (hdfs://); reads, writes, stream sources and
    # checkpoints go to S3 (tests/python/test_object_storage.py, test_s3_checkpoints.py), here
    # without credentials, which the error names. Nothing is created under the working directory.
    from spate.errors import IllegalArgumentException
    os_cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        rate = spark.readStream.format("rate").load()
        actions = {
            "read": lambda: spark.read.parquet("s3a://bucket/in"),
            "write": lambda: spark.range(1).write.parquet("s3://bucket/out"),
            "readStream": lambda: spark.readStream.schema("a INT").json("s3a://bucket/in"),
            "file sink": lambda: rate.writeStream.format("parquet").option("path", "hdfs://namenode/out")
            .option("checkpointLocation", str(tmp_path / "cp")).start(),
            "checkpoint": lambda: rate.writeStream.format("noop")
            .option("checkpointLocation", "s3a://bucket/cp").start(),
        }
        expected = (r"No credentials for s3a?://bucket/.*spark\.hadoop\.fs\.s3a\.access\.key"
                    if use != "file sink" else r'No FileSystem for scheme "hdfs"')
        with pytest.raises(IllegalArgumentException, match=expected):
            actions[use]()
        assert os.listdir(tmp_path) == [] or "cp" in os.listdir(tmp_path)
        assert not any(name.endswith(":") for name in os.listdir(tmp_path))
    finally:
        os.chdir(os_cwd)


def test_a_missing_stream_source_folder_is_path_not_found_at_load(spark, tmp_path):
    # PySpark 4.1: [PATH_NOT_FOUND] Path does not exist: /definitely/not/here. (no file: prefix)
    from spate.errors import AnalysisException
    missing = str(tmp_path / "not-here")
    with pytest.raises(AnalysisException, match=r"\[PATH_NOT_FOUND\] Path does not exist: %s\." % re.escape(missing)):
        spark.readStream.schema("a INT").json(missing)


def test_a_path_with_a_nul_byte_is_path_not_found(spark, tmp_path):
    # The NUL would cut the path short: /tmp/x/a would be read for "/tmp/x/a\0b".
    (tmp_path / "a").write_text('{"v": 1}\n')
    from spate.errors import AnalysisException
    with pytest.raises(AnalysisException, match=r"\[PATH_NOT_FOUND\]"):
        spark.read.json(str(tmp_path / "a") + "\x00b").collect()


def test_an_empty_checkpoint_location_is_refused(spark):
    from spate.errors import IllegalArgumentException
    with pytest.raises(IllegalArgumentException, match="Can not create a Path from an empty string"):
        spark.readStream.format("rate").load().writeStream.format("noop") \
            .option("checkpointLocation", "").start()


@pytest.mark.parametrize("names", [(), (1,), ("a", None)])
def test_alias_takes_names(spark, names):
    from spate.errors import PySparkTypeError
    from spate.sql import functions as F
    with pytest.raises(PySparkTypeError, match=r"NOT_STR.*Argument `alias` should be a str"):
        F.col("a").alias(*names)


@pytest.mark.parametrize("fmt,options_name", [("json", "JSONOptionsInRead"), ("csv", "CSVOptions")])
def test_an_unknown_encoding_is_invalid_charset(spark, tmp_path, fmt, options_name):
    (tmp_path / ("a." + fmt)).write_text('{"v": 1}\n' if fmt == "json" else "1\n")
    with pytest.raises(Exception, match=r"\[INVALID_PARAMETER_VALUE.CHARSET\] The value of parameter\(s\) "
                                        r"`charset` in `%s` is invalid: expects one of the iso-8859-1, "
                                        r"us-ascii, utf-16, utf-16be, utf-16le, utf-32, utf-8, but got "
                                        r"BOGUS-8\." % options_name):
        spark.read.option("encoding", "BOGUS-8").format(fmt).load(str(tmp_path)).collect()
    assert spark.read.option("encoding", "UTF-8").format(fmt).load(str(tmp_path)).count() == 1


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_multiline_must_be_true_or_false(spark, tmp_path, fmt):
    # PySpark 4.1: For input string: "yes" (csv: "multiLine flag can be true or false.").
    (tmp_path / ("a." + fmt)).write_text('{"v": 1}\n' if fmt == "json" else "v\n1\n")
    with pytest.raises(Exception, match=r'For input string: "yes"|multiLine flag can be true or false'):
        spark.read.option("multiLine", "yes").format(fmt).load(str(tmp_path)).collect()


@pytest.mark.parametrize("option", ["primitivesAsString", "prefersDecimal", "dropFieldIfAllNull"])
def test_json_inference_options_must_be_true_or_false(spark, tmp_path, option):
    # PySpark 4.1: For input string: "yes"; Spate names the option and what it takes.
    (tmp_path / "a.json").write_text('{"v": 1}\n')
    with pytest.raises(Exception, match=r'For input string: "yes" \(the option \'%s\' is true or false\)' % option):
        spark.read.option(option, "yes").json(str(tmp_path)).collect()
    assert spark.read.option(option, "TRUE").json(str(tmp_path)).count() == 1


# --- Parquet files that are empty, missing or corrupt ----------------------------------------------


@pytest.fixture
def parquet_folders(spark, tmp_path):
    """A good 5-row file beside, in turn, an empty, a garbage and a truncated one."""
    import shutil
    spark.range(5).write.parquet(str(tmp_path / "good"))
    [good] = [p for p in (tmp_path / "good").iterdir() if p.suffix == ".parquet"]
    folders = {}
    for name, content in (("empty", b""), ("garbage", os.urandom(2003)),
                          ("truncated", good.read_bytes()[:good.stat().st_size // 2])):
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(good, folder / "good.parquet")
        (folder / ("%s.parquet" % name)).write_bytes(content)
        folders[name] = str(folder)
    return folders


def test_a_zero_byte_parquet_file_is_skipped(spark, parquet_folders):
    # PySpark 4.1: count() == 5, no error.
    assert spark.read.parquet(parquet_folders["empty"]).count() == 5


@pytest.mark.parametrize("name", ["garbage", "truncated"])
def test_a_corrupt_parquet_file_fails_naming_the_file_unless_ignored(spark, parquet_folders, name):
    folder = parquet_folders[name]
    with pytest.raises(Exception, match=r"\[FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER\] Encountered error "
                                        r"while reading file file:%s/%s.parquet" % (re.escape(folder), name)):
        spark.read.parquet(folder).count()
    with pytest.raises(Exception, match=r"\[FAILED_READ_FILE.NO_HINT\] .*%s.parquet" % name):
        spark.read.schema("id BIGINT").parquet(folder).count()
    assert spark.read.option("ignoreCorruptFiles", "true").parquet(folder).count() == 5
    spark.conf.set("spark.sql.files.ignoreCorruptFiles", "true")
    try:
        assert spark.read.schema("id BIGINT").parquet(folder).count() == 5
    finally:
        spark.conf.unset("spark.sql.files.ignoreCorruptFiles")


def test_a_garbage_seen_files_log_entry_is_named(spark, tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "1.json").write_text('{"a": 1}\n')

    def run():
        q = (spark.readStream.schema("a INT").json(str(source)).writeStream.format("noop")
             .option("checkpointLocation", str(tmp_path / "cp")).trigger(availableNow=True).start())
        q.awaitTermination()
        return q

    assert run().exception() is None
    entry = tmp_path / "cp" / "sources" / "0" / "0"
    entry.write_bytes(b"\x00garbage\xff" * 5)
    # Its checksum would catch it first (test_an_edited_offsets_entry_fails_its_checksum):
    # without it, the reader itself must name the file.
    (entry.parent / ".0.checksum").unlink()
    with pytest.raises(Exception, match=r"\[INVALID_CHECKPOINT\].*%s" % re.escape(str(entry))):
        q = run()
        if q.exception():
            raise q.exception()


# --- Kafka -----------------------------------------------------------------------------------------


def test_kafka_without_a_broker_starts_then_fails_naming_the_servers():
    # As in Spark, start() does not wait for the brokers; the query then fails on its
    # own thread, saying which servers it could not reach, and librdkafka's repeated
    # connection errors are printed once each.
    code = """
import time
from spate.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
q = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", "127.0.0.1:1")
     .option("kafka.default.api.timeout.ms", "3000").option("subscribe", "t").load()
     .writeStream.format("noop").start())
print("active after start:", q.isActive, flush=True)
try:
    q.awaitTermination(120)
except Exception as e:
    print("failed:", e)
"""
    proc = run_fresh(code, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "active after start: True" in proc.stdout
    assert "failed:" in proc.stdout and "brokers at 127.0.0.1:1" in proc.stdout, proc.stdout
    lines = [l for l in proc.stderr.splitlines() if "Kafka client:" in l]
    assert 0 < len(lines) <= 5, proc.stderr[-3000:]


def test_kafka_min_offsets_per_trigger_does_not_delay_the_first_batch(spark, kafka, tmp_path):
    topic = kafka.new_topic()
    kafka.produce(topic, [b"m%d" % i for i in range(10)])
    q = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap)
         .option("subscribe", topic).option("startingOffsets", "earliest")
         .option("minOffsetsPerTrigger", 1000).option("maxTriggerDelay", "1h").load()
         .writeStream.format("memory").queryName("min_offsets_first")
         .option("checkpointLocation", str(tmp_path / "cp")).start())
    try:
        for _ in range(300):  # bounded wait for the first batch, not a timing assert
            if spark.sql("SELECT * FROM min_offsets_first").count() == 10:
                break
            q.awaitTermination(0.1)
        assert spark.sql("SELECT * FROM min_offsets_first").count() == 10
    finally:
        q.stop()


# --- A full disk ---------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 256 KiB tmpfs: a real full disk (mounting needs root, as CI has)."""
    import subprocess
    mount = tmp_path / "small"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("cannot mount a tmpfs for the disk-full test: " + proc.stderr)
        pytest.skip("mounting a tmpfs needs root: " + proc.stderr.strip())
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.parametrize("fmt", ["parquet", "json", "csv"])
def test_a_full_disk_names_the_file_and_the_reason(spark, small_disk, fmt):
    df = spark.range(200000).selectExpr("id", "repeat(CAST(id AS STRING), 20) AS u")
    with pytest.raises(Exception, match=r"cannot write %s/out/part-00000-.*: .*No space left on device"
                                        % re.escape(str(small_disk))):
        df.write.format(fmt).save(str(small_disk / "out"))


# --- Checkpoints that do not fit ------------------------------------------------------------------


def run_available_now(df, checkpoint, mode="append"):
    q = (df.writeStream.format("noop").outputMode(mode).option("checkpointLocation", str(checkpoint))
         .trigger(availableNow=True).start())
    q.awaitTermination()
    return q


@pytest.fixture
def json_stream(spark, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "1.json").write_text('{"a": 1}\n{"a": 2}\n')
    return spark.readStream.schema("a INT").json(str(folder))


def test_an_aggregation_checkpoint_is_refused_by_a_plain_query(json_stream, tmp_path):
    checkpoint = tmp_path / "cp"
    run_available_now(json_stream.groupBy("a").count(), checkpoint, "complete")
    with pytest.raises(Exception, match=r"(?s)\[STREAMING_STATEFUL_OPERATOR_NOT_MATCH_IN_STATE_METADATA\].*"
                                        r"OperatorName: stateStoreSave\)\]; Stateful operators in current batch: \[\]"):
        run_available_now(json_stream, checkpoint)
    # and a deduplication is not an aggregation
    with pytest.raises(Exception, match=r"STREAMING_STATEFUL_OPERATOR_NOT_MATCH_IN_STATE_METADATA"):
        run_available_now(json_stream.dropDuplicates(["a"]), checkpoint)


def test_deleted_offsets_with_commits_left_are_refused(json_stream, tmp_path):
    import shutil
    checkpoint = tmp_path / "cp"
    run_available_now(json_stream, checkpoint)
    shutil.rmtree(checkpoint / "offsets")
    with pytest.raises(Exception, match=r"\[INVALID_CHECKPOINT\] The checkpoint at .* is inconsistent: "
                                        r".*commits/0 records batch 0 as committed"):
        run_available_now(json_stream, checkpoint)


def test_an_edited_offsets_entry_fails_its_checksum(json_stream, tmp_path):
    # Editing logOffset by hand would skip or repeat rows: the checksum beside the
    # entry catches it.
    checkpoint = tmp_path / "cp"
    run_available_now(json_stream, checkpoint)
    offsets = checkpoint / "offsets" / "0"
    text = offsets.read_text()
    assert '"logOffset":0' in text, text
    offsets.write_text(text.replace('"logOffset":0', '"logOffset":7'))
    with pytest.raises(Exception, match=r"(?s)\[CHECKPOINT_FILE_CHECKSUM_VERIFICATION_FAILED\] .*"
                                        r"File: %s" % re.escape(str(offsets))):
        run_available_now(json_stream, checkpoint)


def test_a_stale_state_delta_copied_over_a_newer_one_is_detected(spark, tmp_path):
    import shutil
    folder = tmp_path / "in"
    folder.mkdir()
    counts = spark.readStream.schema("k STRING").json(str(folder)).groupBy("k").count()
    checkpoint = tmp_path / "cp"
    for batch in range(2):
        (folder / ("%d.json" % batch)).write_text('{"k": "a"}\n' * (batch + 1))
        run_available_now(counts, checkpoint, "complete")
    store = checkpoint / "state" / "0"
    deltas = sorted(store.glob("*/1.delta"))
    assert deltas, list(store.rglob("*"))
    for delta in deltas:  # yesterday's state, well formed, over today's
        shutil.copy(delta, delta.parent / "2.delta")
    (folder / "2.json").write_text('{"k": "a"}\n')
    with pytest.raises(Exception, match=r"CHECKPOINT_FILE_CHECKSUM_VERIFICATION_FAILED.*2\.delta"):
        q = run_available_now(counts, checkpoint, "complete")
        if q.exception():
            raise q.exception()


# --- Intervals -------------------------------------------------------------------------------------


def test_an_interval_column_has_a_schema_and_collects(spark):
    # PySpark 4.1: timedelta(days=1) (its type is the ANSI `interval day`; Spate's is
    # CalendarIntervalType: docs/compatibility.md).
    import datetime
    from spate.sql.types import CalendarIntervalType
    df = spark.sql("SELECT interval 1 day AS i, interval 2 hours 30 minutes AS j")
    assert [f.dataType for f in df.schema.fields] == [CalendarIntervalType(), CalendarIntervalType()]
    assert df.collect()[0] == (datetime.timedelta(days=1), datetime.timedelta(hours=2, minutes=30))


def test_intervals_add_up_and_move_dates(spark):
    import datetime
    # PySpark 4.1: date(2024, 1, 3) both ways.
    for sql in ("SELECT interval 1 day + interval 1 day + DATE'2024-01-01'",
                "SELECT DATE'2024-01-01' + interval 1 day + interval 1 day"):
        assert spark.sql(sql).collect()[0][0] == datetime.date(2024, 1, 3)
    assert spark.sql("SELECT interval 1 day - interval 2 hours").collect()[0][0] == datetime.timedelta(hours=22)
    with pytest.raises(Exception, match=r"DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES"):
        spark.sql("SELECT 1 + interval 1 day").collect()


def test_a_binary_garbage_csv_file_reads_as_rows(spark, tmp_path):
    # PySpark 4.1 reads such a file as rows of garbage strings (17 rows for its sample);
    # the query used to fail on the invalid UTF-8 without naming the file.
    import random
    rng = random.Random(11)
    (tmp_path / "g.csv").write_bytes(bytes(rng.randrange(256) for _ in range(2000)))
    rows = spark.read.csv(str(tmp_path)).collect()
    assert rows and all(isinstance(v, str) for r in rows for v in r if v is not None)


# --- Subtracting timestamps or dates ------------------------------------------------------------
# Spark gives an INTERVAL DAY TO SECOND (timestamps) or INTERVAL DAY (dates); Spate has no ANSI
# day-time interval type yet and refuses the operator (docs/compatibility.md).


@pytest.mark.parametrize("query", ["SELECT TIMESTAMP'2024-01-02 03:04:05' - TIMESTAMP'2024-01-01 00:00:00'",
                                   "SELECT DATE'2024-03-01' - DATE'2024-01-01'"])
def test_subtracting_timestamps_or_dates_is_not_supported_yet(spark, query):
    from spate.errors import AnalysisException
    with pytest.raises(AnalysisException, match=re.escape("[DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE]")):
        spark.sql(query)
