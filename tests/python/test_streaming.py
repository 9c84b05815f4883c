"""Structured Streaming from Python: readStream/writeStream, sinks, foreachBatch,
StreamingQuery, progress, spark.streams, listeners, and the GIL around blocking calls.

Queries use the rate-micro-batch source (a fixed number of rows per batch) with an
availableNow trigger where a test needs a known result: one batch per run.
"""

import json
import threading
import uuid

import pytest

from spate.errors import (
    AnalysisException, PySparkNotImplementedError, PySparkValueError, StreamingQueryException,
)
from spate.sql import functions as f
from spate.sql.streaming import (
    DataStreamWriter, StreamingQuery, StreamingQueryListener, StreamingQueryProgress,
)

TIMEOUT = 120  # generous: queries finish in well under a second


def micro_batches(spark, rows_per_batch=5):
    return (spark.readStream.format("rate-micro-batch")
            .option("rowsPerBatch", rows_per_batch).option("numPartitions", 1).load())


def run_available_now(writer, checkpoint):
    q = writer.trigger(availableNow=True).option("checkpointLocation", str(checkpoint)).start()
    assert q.awaitTermination(TIMEOUT) is True
    return q


# --- Sinks -----------------------------------------------------------------------------------

def test_memory_sink_end_to_end(spark, tmp_path):
    stream = micro_batches(spark)
    assert stream.isStreaming is True
    assert stream.columns == ["timestamp", "value"]
    q = (stream.select((f.col("value") * 10).alias("v10")).writeStream
         .format("memory").queryName("mem_end_to_end").trigger(availableNow=True)
         .option("checkpointLocation", str(tmp_path / "cp")).start())
    assert isinstance(q, StreamingQuery)
    assert q.name == "mem_end_to_end"
    q.processAllAvailable()
    assert q.awaitTermination(TIMEOUT) is True
    rows = spark.sql("SELECT * FROM mem_end_to_end ORDER BY v10").collect()
    assert [r.v10 for r in rows] == [0, 10, 20, 30, 40]
    assert q.exception() is None


def test_console_sink_prints_batch_banner_and_table(spark, tmp_path, capfd):
    q = run_available_now(micro_batches(spark, 3).select("value").writeStream.format("console"),
                          tmp_path / "cp")
    out = capfd.readouterr().out
    assert ("-------------------------------------------\n"
            "Batch: 0\n"
            "-------------------------------------------\n"
            "+-----+\n"
            "|value|\n"
            "+-----+\n"
            "|    0|\n"
            "|    1|\n"
            "|    2|\n"
            "+-----+\n") in out
    assert q.lastProgress.sink.description == "org.apache.spark.sql.execution.streaming.ConsoleTable$"


def test_start_options_and_unknown_sink(spark, tmp_path):
    stream = micro_batches(spark)
    q = stream.writeStream.trigger(availableNow=True).start(
        format="memory", outputMode="append", queryName="mem_start_args",
        checkpointLocation=str(tmp_path / "cp"))
    q.processAllAvailable()
    assert spark.sql("SELECT count(*) AS n FROM mem_start_args").collect()[0].n == 5
    with pytest.raises(AnalysisException, match="DATA_SOURCE_NOT_FOUND"):
        stream.writeStream.format("no-such-sink").start()


# --- foreachBatch ----------------------------------------------------------------------------

def test_foreach_batch_gets_working_batch_dataframes(spark, tmp_path):
    seen = {}

    def handle(df, batch_id):
        seen["batch_id"] = batch_id
        seen["isStreaming"] = df.isStreaming
        seen["count"] = df.count()
        seen["rows"] = sorted(r.value for r in df.collect())
        seen["json"] = sorted(df.select("value").toJSON().collect())
        seen["groups"] = sorted((r.parity, r["count"]) for r in df.groupBy("parity").count().collect())
        df.createOrReplaceTempView("fb_batch")
        seen["sql"] = spark.sql("SELECT max(value) AS m FROM fb_batch").collect()[0].m

    stream = micro_batches(spark, 4).withColumn("parity", f.col("value") % 2)
    q = run_available_now(stream.writeStream.foreachBatch(handle), tmp_path / "cp")
    assert q.exception() is None
    assert seen == {
        "batch_id": 0, "isStreaming": False, "count": 4, "rows": [0, 1, 2, 3],
        "json": ['{"value":0}', '{"value":1}', '{"value":2}', '{"value":3}'],
        "groups": [(0, 2), (1, 2)], "sql": 3,
    }


def _failing_batch_function(df, batch_id):
    raise ValueError("no batch %d for you" % batch_id)


def test_foreach_batch_error_stops_the_query(spark, tmp_path):
    q = (micro_batches(spark).writeStream.foreachBatch(_failing_batch_function)
         .option("checkpointLocation", str(tmp_path / "cp")).start())
    with pytest.raises(StreamingQueryException) as info:
        q.awaitTermination(TIMEOUT)
    message = str(info.value)
    assert info.value.getCondition() == "STREAM_FAILED"
    assert "FOREACH_BATCH_USER_FUNCTION_ERROR" in message
    assert "Traceback (most recent call last)" in message
    assert "in _failing_batch_function" in message
    assert "ValueError: no batch 0 for you" in message
    assert q.isActive is False
    error = q.exception()
    assert isinstance(error, StreamingQueryException)
    assert "ValueError: no batch 0 for you" in str(error)
    with pytest.raises(StreamingQueryException, match="no batch 0 for you"):
        q.awaitTermination()


def test_checkpoint_restart_continues_with_the_next_batch(spark, tmp_path):
    batches = []

    def record(df, batch_id):
        batches.append((batch_id, sorted(r.value for r in df.collect())))

    checkpoint = tmp_path / "cp"
    first = run_available_now(micro_batches(spark, 3).writeStream.foreachBatch(record), checkpoint)
    second = run_available_now(micro_batches(spark, 3).writeStream.foreachBatch(record), checkpoint)
    assert batches == [(0, [0, 1, 2]), (1, [3, 4, 5])]
    assert second.id == first.id
    assert second.runId != first.runId
    assert second.lastProgress.batchId == 1


def test_foreach_batch_needs_a_callable(spark):
    with pytest.raises(TypeError, match="NOT_CALLABLE"):
        micro_batches(spark).writeStream.foreachBatch(42)


# --- Triggers ----------------------------------------------------------------------------------

def test_trigger_validation_errors(spark):
    w = micro_batches(spark).writeStream
    assert isinstance(w, DataStreamWriter)
    cases = [
        ({}, "[ONLY_ALLOW_SINGLE_TRIGGER] Only a single trigger is allowed."),
        ({"processingTime": "1 second", "once": True},
         "[ONLY_ALLOW_SINGLE_TRIGGER] Only a single trigger is allowed."),
        ({"processingTime": ""},
         "[VALUE_NOT_NON_EMPTY_STR] Value for `processingTime` must be a non-empty string, got ''."),
        ({"processingTime": 5},
         "[VALUE_NOT_NON_EMPTY_STR] Value for `processingTime` must be a non-empty string, got '5'."),
        ({"continuous": " "},
         "[VALUE_NOT_NON_EMPTY_STR] Value for `continuous` must be a non-empty string, got ' '."),
        ({"once": False}, "[VALUE_NOT_TRUE] Value for `once` must be True, got 'False'."),
        ({"availableNow": False}, "[VALUE_NOT_TRUE] Value for `availableNow` must be True, got 'False'."),
    ]
    for kwargs, message in cases:
        with pytest.raises(PySparkValueError) as info:
            w.trigger(**kwargs)
        assert str(info.value) == message, kwargs
    with pytest.raises(TypeError):
        w.trigger("1 second")  # keyword-only, as in PySpark
    with pytest.raises(PySparkValueError, match="VALUE_NOT_NON_EMPTY_STR"):
        w.queryName("")
    with pytest.raises(PySparkValueError, match="VALUE_NOT_NON_EMPTY_STR"):
        w.outputMode(" ")
    assert w.trigger(processingTime="2 seconds") is w


def test_trigger_once_runs_one_batch(spark, tmp_path):
    ids = []
    q = (micro_batches(spark).writeStream.foreachBatch(lambda df, i: ids.append(i))
         .trigger(once=True).option("checkpointLocation", str(tmp_path / "cp")).start())
    assert q.awaitTermination(TIMEOUT) is True
    assert ids == [0]


# --- StreamingQuery: progress, status, explain -----------------------------------------------

def test_progress_dict_and_attribute_access(spark, tmp_path):
    q = run_available_now(micro_batches(spark).writeStream.format("memory").queryName("mem_progress"),
                          tmp_path / "cp")
    p = q.lastProgress
    assert isinstance(p, StreamingQueryProgress) and isinstance(p, dict)
    for key in ["id", "runId", "name", "timestamp", "batchId", "batchDuration", "numInputRows",
                "inputRowsPerSecond", "processedRowsPerSecond", "durationMs", "stateOperators",
                "sources", "sink"]:
        assert key in p, key
    assert p["numInputRows"] == p.numInputRows == 5
    assert p["batchId"] == p.batchId == 0
    assert p["name"] == p.name == "mem_progress"
    assert p["id"] == q.id and p.id == uuid.UUID(q.id)
    assert p["runId"] == q.runId and p.runId == uuid.UUID(q.runId)
    assert "triggerExecution" in p.durationMs and "addBatch" in p["durationMs"]
    source = p.sources[0]
    assert source is p["sources"][0]
    assert source.description.startswith("RatePerMicroBatchStream[rowsPerBatch=5")
    assert source.numInputRows == source["numInputRows"] == 5
    assert source["startOffset"] is None and source.startOffset is None
    assert source["endOffset"]["offset"] == 5  # parsed JSON in the dict ...
    assert json.loads(source.endOffset)["offset"] == 5  # ... JSON text as the attribute
    assert p.sink.description == p["sink"]["description"] == "MemorySink"
    assert json.loads(p.json)["numInputRows"] == 5
    assert '"numInputRows" : 5,' in p.prettyJson  # Spark's (Jackson's) layout
    assert str(p) == p.prettyJson
    with pytest.raises(AttributeError):
        p.noSuchField
    recent = q.recentProgress
    assert [r.batchId for r in recent] == [0]
    assert recent[0] == p


def test_status_and_identity(spark, tmp_path):
    q = (micro_batches(spark).writeStream.format("noop").queryName("noop_status")
         .option("checkpointLocation", str(tmp_path / "cp")).start())
    try:
        assert q.isActive is True
        status = q.status
        assert set(status) == {"message", "isDataAvailable", "isTriggerActive"}
        assert isinstance(status["message"], str)
        assert uuid.UUID(q.id) and uuid.UUID(q.runId)
        assert "noop_status" in repr(q)
    finally:
        q.stop()
    assert q.isActive is False
    assert q.status == {"message": "Stopped", "isDataAvailable": False, "isTriggerActive": False}
    assert q.awaitTermination(1) is True


def test_explain_prints_the_plan(spark, tmp_path, capsys):
    q = run_available_now(micro_batches(spark).filter("value > 2").writeStream.format("noop"),
                          tmp_path / "cp")
    q.explain()
    out = capsys.readouterr().out
    assert out.startswith("== Physical Plan ==\nWriteToMicroBatchDataSource")
    q.explain(extended=True)
    assert "== Analyzed Logical Plan ==" in capsys.readouterr().out


def test_await_termination_timeout_validation(spark, tmp_path):
    q = run_available_now(micro_batches(spark).writeStream.format("noop"), tmp_path / "cp")
    for bad in [0, -1, "5"]:
        with pytest.raises(PySparkValueError, match="VALUE_NOT_POSITIVE"):
            q.awaitTermination(bad)
    assert q.awaitTermination() is None


# --- spark.streams -----------------------------------------------------------------------------

def test_streams_active_get_await_any_and_reset(spark, tmp_path):
    spark.streams.resetTerminated()
    q = (micro_batches(spark).writeStream.format("noop").queryName("noop_manager")
         .option("checkpointLocation", str(tmp_path / "cp")).start())
    try:
        assert q.id in [a.id for a in spark.streams.active]
        got = spark.streams.get(q.id)
        assert got is not None and got.runId == q.runId and got.name == "noop_manager"
        assert spark.streams.awaitAnyTermination(0.05) is False
    finally:
        q.stop()
    assert spark.streams.awaitAnyTermination(TIMEOUT) is True
    assert spark.streams.awaitAnyTermination() is None
    assert spark.streams.get(q.id) is None
    assert q.id not in [a.id for a in spark.streams.active]
    spark.streams.resetTerminated()
    assert spark.streams.awaitAnyTermination(0.05) is False

    failing = (micro_batches(spark).writeStream.foreachBatch(_failing_batch_function)
               .option("checkpointLocation", str(tmp_path / "cp2")).start())
    with pytest.raises(StreamingQueryException, match="no batch 0 for you"):
        spark.streams.awaitAnyTermination(TIMEOUT)
    assert failing.isActive is False
    spark.streams.resetTerminated()


def test_listener_receives_started_progress_and_terminated(spark, tmp_path):
    events = []
    terminated = threading.Event()

    class Recorder(StreamingQueryListener):
        def onQueryStarted(self, event):
            events.append(("started", str(event.id), event.name))

        def onQueryProgress(self, event):
            events.append(("progress", event.progress.batchId, event.progress.numInputRows))

        def onQueryTerminated(self, event):
            events.append(("terminated", str(event.id), event.exception))
            terminated.set()

    listener = Recorder()
    spark.streams.addListener(listener)
    try:
        q = run_available_now(micro_batches(spark).writeStream.format("noop").queryName("listened"),
                              tmp_path / "cp")
        assert terminated.wait(TIMEOUT)
    finally:
        spark.streams.removeListener(listener)
    assert events == [("started", q.id, "listened"), ("progress", 0, 5), ("terminated", q.id, None)]


# --- The GIL -----------------------------------------------------------------------------------

def test_gil_is_released_while_waiting(spark, tmp_path):
    # foreachBatch runs on the engine's thread and needs the GIL while the main thread
    # waits in awaitTermination; a second Python thread stops the query after a few
    # batches. If any of these held the GIL, awaitTermination would time out.
    batches = []
    enough = threading.Event()

    def handle(df, batch_id):
        batches.append(df.count())
        if len(batches) >= 3:
            enough.set()

    q = (micro_batches(spark, 2).writeStream.foreachBatch(handle)
         .option("checkpointLocation", str(tmp_path / "cp")).start())
    other_thread_ran = []

    def stopper():
        other_thread_ran.append(enough.wait(TIMEOUT))
        q.stop()

    t = threading.Thread(target=stopper)
    t.start()
    assert q.awaitTermination(TIMEOUT) is True
    t.join(TIMEOUT)
    assert other_thread_ran == [True]
    assert len(batches) >= 3 and set(batches) == {2}
    assert q.exception() is None


# --- Errors ------------------------------------------------------------------------------------

def test_batch_actions_on_a_stream_raise(spark):
    stream = micro_batches(spark)
    message = "Queries with streaming sources must be executed with writeStream.start()"
    for action in [lambda: stream.collect(), lambda: stream.count(), lambda: stream.show(),
                   lambda: stream.toPandas(), lambda: stream.select("value").take(1)]:
        with pytest.raises(AnalysisException, match=message.replace("(", r"\(").replace(")", r"\)")):
            action()


def test_write_stream_on_a_batch_dataframe_raises(spark):
    assert spark.range(3).isStreaming is False
    with pytest.raises(AnalysisException, match="'writeStream' can be called only on streaming"):
        spark.range(3).writeStream.format("console").start()


def test_read_stream_errors(spark):
    with pytest.raises(PySparkNotImplementedError, match="readStream.orc"):
        spark.readStream.orc("/tmp/in")
    with pytest.raises(PySparkNotImplementedError, match="readStream.table"):
        spark.readStream.table("t")
    with pytest.raises(AnalysisException, match="does not support a user-specified schema"):
        spark.readStream.format("rate").schema("a INT").load()
    with pytest.raises(TypeError, match="NOT_STR_OR_STRUCT"):
        spark.readStream.schema(42)
    with pytest.raises(AnalysisException, match="DATA_SOURCE_NOT_FOUND"):
        spark.readStream.format("no-such-source").load()
    df = spark.readStream.load(format="rate", rowsPerSecond=2)
    assert df.isStreaming and df.columns == ["timestamp", "value"]


def test_foreach_writer_object_gets_open_process_close(spark):
    calls = []

    class Writer:
        def open(self, partition_id, epoch_id):
            calls.append(("open", partition_id, epoch_id))
            return True

        def process(self, row):
            calls.append(("process", row.value))

        def close(self, error):
            calls.append(("close", error))

    df = spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 3).option("numPartitions", 1).load()
    q = df.writeStream.foreach(Writer()).trigger(availableNow=True).start()
    assert q.awaitTermination(30)
    assert calls == [("open", 0, 0), ("process", 0), ("process", 1), ("process", 2), ("close", None)]


def test_foreach_function_and_errors(spark):
    seen = []
    df = spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 2).option("numPartitions", 1).load()
    q = df.writeStream.foreach(lambda row: seen.append(row.value)).trigger(availableNow=True).start()
    assert q.awaitTermination(30)
    assert seen == [0, 1]

    from spate.errors import PySparkTypeError, StreamingQueryException
    with pytest.raises(PySparkTypeError):
        df.writeStream.foreach(42)

    def explode(row):
        raise ValueError("row rejected")

    q = df.writeStream.foreach(explode).start()
    with pytest.raises(StreamingQueryException) as info:
        q.awaitTermination(30)
    assert "row rejected" in str(info.value)


def test_listener_receives_idle_after_progress(spark, tmp_path):
    # As Spark: once a query waits without new data, onQueryIdle follows its progress,
    # then again every spark.sql.streaming.noDataProgressEventInterval.
    events = []
    two_idle = threading.Event()

    class Recorder(StreamingQueryListener):
        def onQueryProgress(self, event):
            events.append(("progress", str(event.progress.runId), event.progress.batchId))

        def onQueryIdle(self, event):
            events.append(("idle", str(event.runId), None))
            if sum(1 for e in events if e[0] == "idle") >= 2:
                two_idle.set()

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "1.txt").write_text("a\nb\n")
    spark.conf.set("spark.sql.streaming.noDataProgressEventInterval", "50ms")
    listener = Recorder()
    spark.streams.addListener(listener)
    try:
        q = (spark.readStream.text(str(folder)).writeStream.format("noop")
             .option("checkpointLocation", str(tmp_path / "cp")).start())
        try:
            assert two_idle.wait(TIMEOUT)
        finally:
            q.stop()
    finally:
        spark.streams.removeListener(listener)
        spark.conf.unset("spark.sql.streaming.noDataProgressEventInterval")
    assert events[0] == ("progress", q.runId, 0)
    assert events[1:3] == [("idle", q.runId, None)] * 2


# Spark's settings a checkpoint records (OffsetSeqMetadata), plus the time zone.
PINNED = {"spark.sql.shuffle.partitions", "spark.sql.streaming.stateStore.providerClass",
          "spark.sql.streaming.multipleWatermarkPolicy", "spark.sql.streaming.aggregation.stateFormatVersion",
          "spark.sql.streaming.join.stateFormatVersion", "spark.sql.streaming.stateStore.compression.codec",
          "spark.sql.streaming.flatMapGroupsWithState.stateFormatVersion", "spark.sql.session.timeZone"}


def test_a_query_keeps_its_settings_while_it_runs_and_after_a_restart(spark, tmp_path):
    src, ck = tmp_path / "in", tmp_path / "ck"
    src.mkdir()
    for i in range(2):
        (src / ("%d.json" % i)).write_text('{"ts": "1970-01-01T00:00:00Z"}\n')
    seen = []

    def record(df, batch_id):
        seen.append((batch_id, [r.h for r in df.collect()]))
        spark.conf.set("spark.sql.session.timeZone", "UTC")  # the session's, not the running query's

    def run():
        (spark.readStream.schema("ts TIMESTAMP").option("maxFilesPerTrigger", 1).json(str(src))
         .selectExpr("hour(ts) AS h").writeStream.foreachBatch(record)
         .option("checkpointLocation", str(ck)).trigger(availableNow=True).start().awaitTermination())

    try:
        spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
        spark.conf.set("spark.sql.shuffle.partitions", "3")
        run()
        assert seen == [(0, [16]), (1, [16])]  # midnight UTC is 16:00 the day before in Los Angeles
        # The session now says UTC and 5 partitions; the restarted query keeps its checkpoint's.
        spark.conf.set("spark.sql.shuffle.partitions", "5")
        (src / "2.json").write_text('{"ts": "1970-01-01T00:00:00Z"}\n')
        run()
        assert seen[2:] == [(2, [16])]
        conf = json.loads((ck / "offsets" / "2").read_text().splitlines()[1])["conf"]
        assert PINNED <= set(conf), PINNED - set(conf)
        assert conf["spark.sql.session.timeZone"] == "America/Los_Angeles"
        assert conf["spark.sql.shuffle.partitions"] == "3"
    finally:
        spark.conf.unset("spark.sql.session.timeZone")
        spark.conf.unset("spark.sql.shuffle.partitions")


_FSYNC_PROGRAM = """
import sys
from spate.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
sink, checkpoint, out = sys.argv[1:4]
rows = (spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 3)
        .option("numPartitions", 1).load())
writer = rows.writeStream.format(sink).option("checkpointLocation", checkpoint)
writer = writer.queryName("fsynced") if sink == "memory" else writer.option("path", out)
query = writer.trigger(availableNow=True).start()
assert query.awaitTermination(120)
"""


@pytest.mark.parametrize("sink, fsynced", [("memory", False), ("parquet", True)])
def test_log_entries_are_fsynced_only_for_exactly_once_sinks(tmp_path, sink, fsynced):
    """The offsets/ and commits/ entries are fsynced for an exactly-once sink (a power loss must
    not replay a batch into different rows under the same id) and not for an at-least-once one,
    whose replayed rows are written again anyway: seen from outside with strace."""
    import os
    import shutil
    import subprocess
    import sys

    if shutil.which("strace") is None:
        message = "strace is not installed (scripts/bootstrap.sh installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    checkpoint = tmp_path / "checkpoint"
    trace = subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=fsync", "-y", sys.executable, "-c", _FSYNC_PROGRAM,
         sink, str(checkpoint), str(tmp_path / "out")],
        capture_output=True, text=True, timeout=300)
    assert trace.returncode == 0, trace.stderr[-3000:]
    assert (checkpoint / "commits" / "0").exists()
    logs = [line for line in trace.stderr.splitlines()
            if line.lstrip().startswith(("fsync(", "[pid")) and "fsync(" in line
            and ("/offsets" in line or "/commits" in line)]
    assert bool(logs) == fsynced, "\n".join(logs) or "no fsync of offsets/ or commits/"


def _allow_thp():
    """Transparent huge pages allowed again for this process: the setting is inherited from
    the process that started it, which may have run a streaming query already."""
    import ctypes
    assert ctypes.CDLL(None).prctl(41, 0, 0, 0, 0) == 0  # PR_SET_THP_DISABLE, 0


def _thp_enabled():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("THP_enabled:"):
                return line.split()[1] == "1"
    pytest.fail("this kernel does not report THP_enabled in /proc/self/status")


@pytest.mark.fresh_process
@pytest.mark.parametrize("trigger", [{"processingTime": "0 seconds"}, {"continuous": "1 second"}])
@pytest.mark.parametrize("setting, disabled", [(None, True), ("false", False)])
def test_streaming_query_turns_transparent_huge_pages_off(spark, trigger, setting, disabled):
    """A streaming query turns the process's transparent huge pages off unless
    spate.streaming.disableTransparentHugePages is false (docs/low-latency.md)."""
    if setting is not None:
        spark.conf.set("spate.streaming.disableTransparentHugePages", setting)
    _allow_thp()
    assert _thp_enabled()
    spark.range(3).collect()
    assert _thp_enabled(), "a batch query leaves the pages as they are"
    rate = spark.readStream.format("rate").option("rowsPerSecond", 10).load()
    q = rate.writeStream.format("memory").queryName("thp").trigger(**trigger).start()
    try:
        assert _thp_enabled() is not disabled
    finally:
        q.stop()


@pytest.mark.fresh_process
def test_transparent_huge_pages_setting_must_be_a_boolean(spark):
    spark.conf.set("spate.streaming.disableTransparentHugePages", "sometimes")
    _allow_thp()
    rate = spark.readStream.format("rate").load()
    with pytest.raises(Exception, match="spate.streaming.disableTransparentHugePages must be true or false, "
                                        "got 'sometimes'"):
        rate.writeStream.format("memory").queryName("thp_bad").trigger(continuous="1 second").start()
    assert _thp_enabled()
