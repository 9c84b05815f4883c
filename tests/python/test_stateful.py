"""Watermarks, windowed and session aggregation and deduplication from Python, on a
streaming JSON folder. Expected rows are worked out from Spark's semantics: a batch
drops groups the previous batch's watermark closed, evicts (append: emits) what its
own watermark closes, and a no-data batch follows when the watermark moves."""

import json

import pytest

from spate.errors import AnalysisException, IllegalArgumentException
from spate.sql import functions as f

TIMEOUT = 120
SCHEMA = "ts TIMESTAMP, user STRING, v INT"


class Events:
    """A folder the query reads; each add() is one more file."""

    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        folder.mkdir(parents=True, exist_ok=True)

    def add(self, *rows):
        self.count += 1
        with open(self.folder / ("%03d.json" % self.count), "w") as out:
            for ts, user, v in rows:
                out.write(json.dumps({"ts": "2024-01-01T%s" % ts, "user": user, "v": v}) + "\n")


def windows(rows):
    return sorted((r.window.start.strftime("%H:%M"), r.window.end.strftime("%H:%M"), r.user, r.n)
                  for r in rows)


def step(query, events, *rows):
    events.add(*rows)
    query.processAllAvailable()


def start_collecting(df, checkpoint):
    """The query (append mode) and the list its batches' rows land in: a sink that resumes
    from a checkpoint (Spark's memory sink refuses to in append and update modes)."""
    rows = []
    query = (df.writeStream.option("checkpointLocation", str(checkpoint))
             .foreachBatch(lambda batch, _: rows.extend(batch.collect())).start())
    return query, rows


def test_tumbling_window_append_emits_closed_windows_once(spark, tmp_path):
    events = Events(tmp_path / "in")
    counts = (spark.readStream.schema(SCHEMA).json(str(events.folder))
              .withWatermark("ts", "10 minutes")
              .groupBy(f.window("ts", "10 minutes"), "user")
              .agg(f.count("*").alias("n")))
    q = (counts.writeStream.format("memory").queryName("tumbling").outputMode("append")
         .option("checkpointLocation", str(tmp_path / "cp")).start())
    try:
        step(q, events, ("12:07:00", "a", 1), ("12:14:00", "b", 1))
        assert spark.sql("SELECT * FROM tumbling").collect() == []  # watermark 12:04 closes nothing
        assert q.lastProgress["eventTime"]["watermark"] == "2024-01-01T12:04:00.000Z"
        # 12:03 still counts (its window ends after 12:04); watermark 12:15 closes [12:00, 12:10).
        step(q, events, ("12:03:00", "a", 1), ("12:25:00", "c", 1))
        assert windows(spark.sql("SELECT * FROM tumbling").collect()) == [("12:00", "12:10", "a", 2)]
        step(q, events, ("12:01:00", "a", 1))  # late: [12:00, 12:10) is closed
        assert len(spark.sql("SELECT * FROM tumbling").collect()) == 1
        ops = q.lastProgress.stateOperators
        assert ops[0]["operatorName"] == "stateStoreSave"
        assert ops[0]["numRowsDroppedByWatermark"] == 1
        assert ops[0]["numRowsTotal"] == 2  # b's [12:10, 12:20) and c's [12:20, 12:30)
    finally:
        q.stop()


def test_session_window_complete_mode(spark, tmp_path):
    events = Events(tmp_path / "in")
    sessions = (spark.readStream.schema(SCHEMA).json(str(events.folder))
                .groupBy(f.session_window("ts", "10 minutes"), "user")
                .agg(f.count("*").alias("n")))
    q = (sessions.writeStream.format("memory").queryName("sessions").outputMode("complete")
         .option("checkpointLocation", str(tmp_path / "cp")).start())
    try:
        step(q, events, ("12:00:00", "a", 1), ("12:25:00", "a", 1), ("12:05:00", "b", 1))
        got = sorted((r.session_window.start.strftime("%H:%M"), r.session_window.end.strftime("%H:%M"),
                      r.user, r.n) for r in spark.sql("SELECT * FROM sessions").collect())
        assert got == [("12:00", "12:10", "a", 1), ("12:05", "12:15", "b", 1), ("12:25", "12:35", "a", 1)]
        # [12:09, 12:19) and [12:17, 12:27) merge, reach back into [12:00, 12:10) and on
        # into [12:25, 12:35): one session [12:00, 12:35) of 4 events.
        step(q, events, ("12:09:00", "a", 1), ("12:17:00", "a", 1))
        got = sorted((r.session_window.start.strftime("%H:%M"), r.session_window.end.strftime("%H:%M"),
                      r.user, r.n) for r in spark.sql("SELECT * FROM sessions").collect())
        assert got == [("12:00", "12:35", "a", 4), ("12:05", "12:15", "b", 1)]
    finally:
        q.stop()


def test_drop_duplicates_within_watermark(spark, tmp_path):
    events = Events(tmp_path / "in")
    deduped = (spark.readStream.schema(SCHEMA).json(str(events.folder))
               .withWatermark("ts", "5 minutes").dropDuplicatesWithinWatermark(["user"]))
    q = (deduped.writeStream.format("memory").queryName("dedup")
         .option("checkpointLocation", str(tmp_path / "cp")).start())
    try:
        step(q, events, ("12:00:00", "a", 1), ("12:01:00", "a", 2))
        step(q, events, ("12:30:00", "b", 3))  # watermark 12:25 expires a (12:00 + 5 min)
        step(q, events, ("12:31:00", "a", 4))
        assert sorted((r.user, r.v) for r in spark.sql("SELECT * FROM dedup").collect()) == [
            ("a", 1), ("a", 4), ("b", 3)]
        assert q.lastProgress["stateOperators"][0]["operatorName"] == "dedupeWithinWatermark"
    finally:
        q.stop()


def test_state_can_be_read_back_with_the_statestore_reader(spark, tmp_path):
    events = Events(tmp_path / "in")
    counts = (spark.readStream.schema(SCHEMA).json(str(events.folder))
              .groupBy("user").agg(f.count("*").alias("n"), f.sum("v").alias("total")))
    q = (counts.writeStream.format("memory").queryName("by_user").outputMode("update")
         .option("checkpointLocation", str(tmp_path / "cp")).start())
    try:
        step(q, events, ("12:00:00", "a", 1), ("12:01:00", "a", 2), ("12:02:00", "b", 5))
    finally:
        q.stop()
    state = spark.read.format("statestore").load(str(tmp_path / "cp"))
    assert state.columns == ["key", "value", "partition_id"]
    rows = {r.key.user: r.value for r in state.collect()}
    assert set(rows) == {"a", "b"}
    # The partial states of count(*) and sum(v) per user: the count, then sum's (sum, count)
    # (Spark keeps only the sum for a BIGINT sum; see docs/compatibility.md).
    assert [tuple(v) for v in (rows["a"], rows["b"])] == [(2, 3, 2), (1, 5, 1)]


def _unshare_rocksdb_ssts(checkpoint):
    """Rewrites RocksDB stores in the layout from before their versions shared SST files: each
    version's SSTs and CURRENT in its own folder, its metadata without the list."""
    import shutil
    shared = list((checkpoint / "state" / "0").glob("*/SSTs"))
    assert shared
    for folder in shared:
        for metadata in folder.parent.glob("checkpoint-*/spate-state.json"):
            entry = json.loads(metadata.read_text())
            for name in entry.pop("sstFiles"):
                shutil.copy(folder / name, metadata.parent / (name.split("-")[0] + ".sst"))
            (manifest,) = metadata.parent.glob("MANIFEST-*")
            (metadata.parent / "CURRENT").write_text(manifest.name + "\n")
            metadata.write_text(json.dumps(entry))
            (metadata.parent / ".spate-state.json.checksum").unlink(missing_ok=True)
        shutil.rmtree(folder)


@pytest.mark.parametrize("provider,earlier_layout", [("HDFSBackedStateStoreProvider", False),
                                                     ("RocksDBStateStoreProvider", False),
                                                     ("RocksDBStateStoreProvider", True)],
                         ids=["hdfs", "rocksdb", "rocksdb-unshared-ssts"])
def test_watermarked_state_reads_back_rows_only_and_evicts_after_a_restart(spark, tmp_path, provider,
                                                                           earlier_layout):
    """The state keeps an event-time index next to the rows (docs/checkpoint-format.md): the
    statestore reader and numRowsTotal show the rows only, and a restarted query evicts by it.
    RocksDB state written before its versions shared SST files reads back and restarts the same."""
    spark.conf.set("spark.sql.streaming.stateStore.providerClass",
                   "org.apache.spark.sql.execution.streaming.state." + provider)
    events = Events(tmp_path / "in")
    counts = (spark.readStream.schema(SCHEMA).json(str(events.folder))
              .withWatermark("ts", "10 minutes")
              .groupBy(f.window("ts", "10 minutes"), "user")
              .agg(f.count("*").alias("n")))

    def state_rows():
        return sorted((r.key.window.start.strftime("%H:%M"), r.key.user, r.value[0])
                      for r in spark.read.format("statestore").load(str(tmp_path / "cp")).collect())

    try:
        q, _ = start_collecting(counts, tmp_path / "cp")
        try:
            step(q, events, ("12:07:00", "a", 1), ("12:14:00", "b", 1), ("12:15:00", "b", 1))
        finally:
            q.stop()
        if earlier_layout:
            _unshare_rocksdb_ssts(tmp_path / "cp")
        assert state_rows() == [("12:00", "a", 1), ("12:10", "b", 2)]
        q, emitted = start_collecting(counts, tmp_path / "cp")
        try:
            step(q, events, ("12:25:00", "c", 1))  # watermark 12:15 closes [12:00, 12:10)
            assert windows(emitted) == [("12:00", "12:10", "a", 1)]
            assert q.lastProgress.stateOperators[0]["numRowsTotal"] == 2
        finally:
            q.stop()
        assert state_rows() == [("12:10", "b", 2), ("12:20", "c", 1)]
    finally:
        spark.conf.unset("spark.sql.streaming.stateStore.providerClass")


def _drop_index_records(delta_path):
    """Rewrites an HDFS-backed delta file without its index keys (as written before the index)."""
    import os
    import struct
    with open(delta_path, "rb") as f:
        data = f.read()
    out, at = b"", 0
    while True:
        (key_size,) = struct.unpack(">i", data[at:at + 4])
        if key_size == -1:
            break
        key = data[at + 4:at + 4 + key_size]
        (value_size,) = struct.unpack(">i", data[at + 4 + key_size:at + 8 + key_size])
        end = at + 8 + key_size + max(value_size, 0)
        if not key.startswith(b"\xff"):
            out += data[at:end]
        at = end
    with open(delta_path, "wb") as f:
        f.write(out + struct.pack(">i", -1))
    checksum = os.path.join(os.path.dirname(delta_path), "." + os.path.basename(delta_path) + ".checksum")
    if os.path.exists(checksum):
        os.remove(checksum)


def test_state_written_without_the_index_is_indexed_and_evicted_after_a_restart(spark, tmp_path):
    events = Events(tmp_path / "in")
    counts = (spark.readStream.schema(SCHEMA).json(str(events.folder))
              .withWatermark("ts", "10 minutes")
              .groupBy(f.window("ts", "10 minutes"), "user")
              .agg(f.count("*").alias("n")))

    q, _ = start_collecting(counts, tmp_path / "cp")
    try:
        step(q, events, ("12:07:00", "a", 1), ("12:14:00", "b", 1))
    finally:
        q.stop()
    deltas = list((tmp_path / "cp" / "state" / "0").glob("*/*.delta"))
    assert deltas
    for delta in deltas:
        _drop_index_records(str(delta))
    q, emitted = start_collecting(counts, tmp_path / "cp")
    try:
        step(q, events, ("12:25:00", "c", 1))  # watermark 12:15 closes [12:00, 12:10)
        assert windows(emitted) == [("12:00", "12:10", "a", 1)]
        assert q.lastProgress.stateOperators[0]["numRowsTotal"] == 2
    finally:
        q.stop()


def test_dedup_state_written_without_the_index_expires_after_a_restart(spark, tmp_path):
    events = Events(tmp_path / "in")
    deduped = (spark.readStream.schema(SCHEMA).json(str(events.folder))
               .withWatermark("ts", "5 minutes").dropDuplicatesWithinWatermark(["user"]))

    q, _ = start_collecting(deduped, tmp_path / "cp")
    try:
        step(q, events, ("12:00:00", "a", 1))
    finally:
        q.stop()
    for delta in (tmp_path / "cp" / "state" / "0").glob("*/*.delta"):
        _drop_index_records(str(delta))
    q, emitted = start_collecting(deduped, tmp_path / "cp")
    try:
        step(q, events, ("12:30:00", "b", 3))  # watermark 12:25 expires a (12:00 + 5 min)
        step(q, events, ("12:31:00", "a", 4))
        assert ("a", 4) in [(r.user, r.v) for r in emitted]
    finally:
        q.stop()


def test_rejected_queries_raise_analysis_exceptions(spark, tmp_path):
    stream = spark.readStream.schema(SCHEMA).json(str(tmp_path))
    counts = stream.groupBy("user").count()
    with pytest.raises(AnalysisException, match="Invalid streaming output mode: append. This output mode is not "
                                                "supported for streaming aggregations without watermark"):
        counts.writeStream.format("console").outputMode("append").start()
    sessions = stream.withWatermark("ts", "1 minute").groupBy(f.session_window("ts", "1 minute")).count()
    with pytest.raises(AnalysisException, match="Invalid streaming output mode: update. This output mode is not "
                                                "supported for session window streaming aggregations"):
        sessions.writeStream.format("console").outputMode("update").start()
    with pytest.raises(AnalysisException, match="EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE"):
        stream.withWatermark("user", "1 minute")
    with pytest.raises(AnalysisException, match="dropDuplicatesWithinWatermark is not supported with batch"):
        spark.createDataFrame([(1,)], "x INT").dropDuplicatesWithinWatermark(["x"])


@pytest.mark.parametrize("master, message", [
    ("local[0]", "Asked to run locally with 0 threads"),
    ("local[two]", "Could not parse Master URL: 'local[two]'"),
    ("yarn", "Could not parse Master URL: 'yarn'. Spate runs tasks in its own process: spark.master is "
             "local, local[N], local[N,F], local[*] or local[*,F]."),
])
def test_a_master_spate_cannot_run_fails_the_query(spark, tmp_path, master, message):
    """Spark checks spark.master when its context starts; Spate when a query starts, with
    Spark's messages (a cluster master is refused: Spate runs tasks in its own process)."""
    (tmp_path / "in").mkdir()
    counts = spark.readStream.schema(SCHEMA).json(str(tmp_path / "in")).groupBy("user").count()
    previous = spark.conf.get("spark.master")
    spark.conf.set("spark.master", master)
    try:
        query = (counts.writeStream.format("noop").outputMode("update")
                 .option("checkpointLocation", str(tmp_path / "cp")).start())
    finally:
        spark.conf.set("spark.master", previous)
    with pytest.raises(IllegalArgumentException) as info:
        query.awaitTermination(TIMEOUT)
    assert message in str(info.value)


def test_window_time_is_the_last_instant_of_the_window(spark):
    df = spark.sql("SELECT window_time(window(TIMESTAMP'2024-01-01 12:07:00', '10 minutes')) AS t")
    assert df.collect()[0].t.strftime("%H:%M:%S.%f") == "12:09:59.999999"


@pytest.mark.parametrize("master, message", [
    ("local[0]", "Asked to run locally with 0 threads"),
    ("yarn", "Could not parse Master URL: 'yarn'. Spate runs tasks in its own process"),
])
def test_a_master_spate_cannot_run_fails_a_batch_query(spark, master, message):
    """A batch query reads spark.master's threads when it runs (its projections and filters
    run on them): a master Spate cannot run fails it with Spark's message."""
    df = spark.range(3).filter("id > 0")
    previous = spark.conf.get("spark.master")
    spark.conf.set("spark.master", master)
    try:
        with pytest.raises(IllegalArgumentException) as info:
            df.collect()
    finally:
        spark.conf.set("spark.master", previous)
    assert message in str(info.value)
