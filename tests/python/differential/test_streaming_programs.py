"""Structured Streaming programs made deterministic (file source with maxFilesPerTrigger and
availableNow, memory / file / foreachBatch sinks), run on Spate and on PySpark 4.1 and
compared: windows, watermarks and late rows, the three output modes, deduplication,
stream-static joins, and the errors of unsupported combinations."""

import json
import os

import pytest

SCHEMA = "ts TIMESTAMP, user STRING, amount INT"

# Each inner list is one file, hence one micro-batch (maxFilesPerTrigger=1). The third file
# brings a row 12:02 that is late once the watermark (max ts - 5 minutes) passed 12:05.
BATCHES = [
    [("12:01:00", "ann", 10), ("12:04:00", "bob", 5), ("12:04:30", "ann", 1)],
    [("12:06:00", "ann", 7), ("12:12:00", "cid", 1)],
    [("12:02:00", "bob", 100), ("12:14:00", "ann", 3), ("12:09:00", "eve", 2)],
    [("12:31:00", "bob", 4)],
]


def write_batches(folder, batches=BATCHES):
    """One JSON file per batch, with increasing modification times (the file source's order)."""
    os.makedirs(folder, exist_ok=True)
    for i, rows in enumerate(batches):
        path = os.path.join(folder, "part-%03d.json" % i)
        with open(path, "w") as out:
            for ts, user, amount in rows:
                out.write(json.dumps({"ts": "2024-01-01T%s" % ts, "user": user, "amount": amount}) + "\n")
        os.utime(path, (1_700_000_000 + i * 10, 1_700_000_000 + i * 10))
    return folder


def events(spark, tmp):
    return (spark.readStream.schema(SCHEMA).option("maxFilesPerTrigger", 1)
            .json(write_batches(os.path.join(tmp, "in"))))


def run_to_end(writer, tmp, name="out"):
    """Starts the query with availableNow and waits for it to finish."""
    query = (writer.option("checkpointLocation", os.path.join(tmp, "cp-" + name))
             .trigger(availableNow=True).start())
    query.awaitTermination()
    return query


def memory_table(spark, writer, tmp, name):
    run_to_end(writer.format("memory").queryName(name), tmp, name)
    return spark.sql("SELECT * FROM %s" % name)


@pytest.mark.parametrize("mode", ["complete", "update", "append"])
def test_window_aggregation_output_modes(oracle, mode):
    """Tumbling-window counts with a watermark in each output mode: append emits a window once
    the watermark passes its end, update the changed windows per batch, complete all of them;
    the late 12:02 row is dropped once its window is closed. The window column is a
    struct<start, end> that is not nullable."""
    def program(sql, spark, tmp):
        f = sql.functions
        counts = (events(spark, tmp).withWatermark("ts", "5 minutes")
                  .groupBy(f.window("ts", "5 minutes"))
                  .agg(f.count("*").alias("n"), f.sum("amount").alias("total")))
        return memory_table(spark, counts.writeStream.outputMode(mode), tmp, "win_" + mode)
    oracle.check(program)


def test_sliding_windows_with_key(oracle):
    """Sliding windows (10 minutes every 5) grouped with a key, complete mode."""
    def program(sql, spark, tmp):
        f = sql.functions
        counts = (events(spark, tmp).groupBy(f.window("ts", "10 minutes", "5 minutes"), "user")
                  .agg(f.max("amount").alias("top")))
        return memory_table(spark, counts.writeStream.outputMode("complete"), tmp, "sliding")
    oracle.check(program)


def test_session_windows(oracle):
    """Session windows with a 5-minute gap, append mode with a watermark."""
    def program(sql, spark, tmp):
        f = sql.functions
        sessions = (events(spark, tmp).withWatermark("ts", "5 minutes")
                    .groupBy(f.session_window("ts", "5 minutes"), "user").count())
        return memory_table(spark, sessions.writeStream.outputMode("append"), tmp, "sessions")
    oracle.check(program)


def test_global_aggregation_complete_mode(oracle):
    """A keyed aggregation without windows in complete mode: the whole result each batch."""
    def program(sql, spark, tmp):
        f = sql.functions
        totals = events(spark, tmp).groupBy("user").agg(f.sum("amount").alias("total"))
        return memory_table(spark, totals.writeStream.outputMode("complete"), tmp, "totals")
    oracle.check(program)


def test_projection_and_filter_append(oracle):
    """A stateless query in append mode: every input row passes through once."""
    def program(sql, spark, tmp):
        f = sql.functions
        out = (events(spark, tmp).where("amount > 2")
               .select(f.upper("user").alias("u"), (f.col("amount") * 2).alias("a2"), "ts"))
        return memory_table(spark, out.writeStream.outputMode("append"), tmp, "stateless")
    oracle.check(program)


def test_several_generators_on_a_stream(oracle):
    """Generators are stateless: several in one select nest on a stream as on a table."""
    def program(sql, spark, tmp):
        f = sql.functions
        out = events(spark, tmp).select("user", f.explode(f.array("amount", f.lit(0))).alias("v"),
                                        f.posexplode(f.split("user", "")).alias("i", "ch"))
        return memory_table(spark, out.writeStream.outputMode("append"), tmp, "generators")
    oracle.check(program)


def test_drop_duplicates_with_watermark(oracle):
    """dropDuplicates on (user, ts) with a watermark, and without one on user alone."""
    def program(sql, spark, tmp):
        stream = events(spark, tmp)
        with_wm = stream.withWatermark("ts", "5 minutes").dropDuplicates(["user", "ts"])
        first = memory_table(spark, with_wm.writeStream, tmp, "dedup_wm")
        users = memory_table(spark, stream.dropDuplicates(["user"]).select("user").writeStream,
                             tmp, "dedup_users")
        return {"wm": sorted(map(str, first.collect())), "users": sorted(map(str, users.collect()))}
    oracle.check(program)


def test_drop_duplicates_within_watermark(oracle):
    """dropDuplicatesWithinWatermark on user: a user's later row within the delay is dropped."""
    def program(sql, spark, tmp):
        out = (events(spark, tmp).withWatermark("ts", "5 minutes")
               .dropDuplicatesWithinWatermark(["user"]))
        return memory_table(spark, out.writeStream, tmp, "dedup_within")
    oracle.check(program)


def test_stream_static_join(oracle):
    """An inner and a left outer stream-static join on user."""
    def program(sql, spark, tmp):
        teams = spark.createDataFrame([("ann", "red"), ("bob", "blue"), ("zed", "none")],
                                      "user STRING, team STRING")
        stream = events(spark, tmp)
        inner = memory_table(spark, stream.join(teams, "user").writeStream, tmp, "join_inner")
        left = memory_table(spark, stream.join(teams, "user", "left").writeStream, tmp, "join_left")
        return {"inner": sorted(map(str, inner.collect())), "left": sorted(map(str, left.collect()))}
    oracle.check(program)


def test_foreach_batch_sees_each_micro_batch(oracle):
    """foreachBatch gets one batch per file with its id, and ordinary batch DataFrame code runs
    inside it."""
    def program(sql, spark, tmp):
        seen = []

        def sink(batch_df, batch_id):
            rows = batch_df.groupBy("user").count().orderBy("user").collect()
            seen.append([batch_id, [(r["user"], r["count"]) for r in rows]])

        run_to_end(events(spark, tmp).writeStream.foreachBatch(sink), tmp, "feb")
        return seen
    oracle.check(program)


def test_trigger_once_reads_every_file_in_one_batch(oracle):
    """Trigger.Once runs one batch over everything there: maxFilesPerTrigger does not apply."""
    def program(sql, spark, tmp):
        seen = []

        def sink(batch_df, batch_id):
            seen.append([batch_id, batch_df.count()])

        query = (events(spark, tmp).writeStream.foreachBatch(sink)
                 .option("checkpointLocation", os.path.join(tmp, "cp-once")).trigger(once=True).start())
        query.awaitTermination()
        return seen
    oracle.check(program)


def test_file_sink_parquet(oracle):
    """A parquet file sink written by a stream reads back as a batch DataFrame."""
    def program(sql, spark, tmp):
        out = os.path.join(tmp, "sink")
        run_to_end(events(spark, tmp).writeStream.format("parquet").option("path", out), tmp, "fs")
        return spark.read.parquet(out)
    oracle.check(program)


def test_streaming_parquet_reads_only_the_selected_columns(oracle):
    """A streaming Parquet query selecting 2 of many columns (through a watermark) reads only
    those: the files' `note` column holds text where the schema says INT, which fails a query
    that reads it and not one that does not."""
    def program(sql, spark, tmp):
        import pyarrow as pa
        import pyarrow.parquet as pq
        folder = os.path.join(tmp, "wide")
        os.makedirs(folder)
        for i in range(2):
            ids = list(range(i * 3, i * 3 + 3))
            table = pa.table({"id": pa.array(ids, pa.int64()),
                              "t": pa.array([1_700_000_000_000_000 + k * 1_000_000 for k in ids],
                                            pa.timestamp("us", tz="UTC")),
                              "url": ["https://example.com/%d" % k for k in ids],
                              "channel": ["channel-%d" % k for k in ids],
                              "price": pa.array([k * 1.5 for k in ids]),
                              "note": ["text %d" % k for k in ids]})
            path = os.path.join(folder, "part-%03d.parquet" % i)
            pq.write_table(table, path)
            os.utime(path, (1_700_000_000 + i * 10, 1_700_000_000 + i * 10))
        stream = (spark.readStream.schema("id BIGINT, t TIMESTAMP, url STRING, channel STRING, "
                                          "price DOUBLE, note INT")
                  .option("maxFilesPerTrigger", 1).parquet(folder))
        selected = stream.withWatermark("t", "0 seconds").select("t", "id")
        return memory_table(spark, selected.writeStream, tmp, "two_of_six")
    oracle.check(program)


def test_append_aggregation_without_watermark_is_refused(oracle):
    """Append mode over an aggregation with no watermark: Spark's error at start()."""
    def program(sql, spark, tmp):
        counts = events(spark, tmp).groupBy("user").count()
        return run_to_end(counts.writeStream.format("memory").queryName("bad_append")
                          .outputMode("append"), tmp, "bad_append")
    got, want = oracle.outcomes(program)
    assert want.condition == got.condition and want.message == got.message, (got, want)


def test_complete_mode_without_aggregation_is_refused(oracle):
    """Complete mode without an aggregation: Spark's error at start()."""
    def program(sql, spark, tmp):
        return run_to_end(events(spark, tmp).writeStream.format("memory").queryName("bad_complete")
                          .outputMode("complete"), tmp, "bad_complete")
    got, want = oracle.outcomes(program)
    assert want.condition == got.condition and want.message == got.message, (got, want)


@pytest.mark.parametrize("mode", ["append", "update", "complete"])
def test_memory_sink_resumes_from_its_checkpoint_only_in_complete_mode(oracle, mode):
    """A memory sink's query started again on its checkpoint: Spark refuses it at start() in
    append and update modes (the rows lived in the stopped query), naming the offsets folder
    to delete; complete mode resumes, its state giving the whole result."""
    def program(sql, spark, tmp):
        folder = write_batches(os.path.join(tmp, "in"), BATCHES[:3])
        third, aside = os.path.join(folder, "part-002.json"), os.path.join(tmp, "part-002.json")
        os.rename(third, aside)  # added after the first run
        stream = spark.readStream.schema(SCHEMA).option("maxFilesPerTrigger", 1).json(folder)
        if mode != "append":
            stream = stream.groupBy("user").count()
        writer = stream.writeStream.format("memory").queryName("resumed_" + mode).outputMode(mode)
        run_to_end(writer, tmp)
        os.rename(aside, third)
        try:
            run_to_end(writer, tmp)
        except Exception as exc:  # noqa: BLE001 - the refusal is the outcome compared
            return [exc.getCondition(), type(exc).__name__, str(exc).splitlines()[0].replace(tmp, "<tmp>")]
        return spark.sql("SELECT * FROM resumed_" + mode)
    want = oracle.check(program)
    assert isinstance(want, list) == (mode != "complete"), want


def test_progress_report_fields(oracle):
    """lastProgress carries Spark 4.1's fields: sources[] and sink each with a metrics map,
    stateOperators, eventTime, durationMs. (Values differ from run to run; the dict view's
    offsets are parsed JSON in Spate, Python's str() of it in PySpark: see
    docs/compatibility.md.)"""
    def program(sql, spark, tmp):
        f = sql.functions
        counts = (events(spark, tmp).withWatermark("ts", "5 minutes")
                  .groupBy(f.window("ts", "5 minutes")).count())
        query = run_to_end(counts.writeStream.format("memory").queryName("progress")
                           .outputMode("append"), tmp, "progress")
        progress = query.lastProgress
        return {"top": sorted(progress.keys()), "sources": sorted(progress["sources"][0].keys()),
                "sink": sorted(progress["sink"].keys()), "metrics": progress["sink"]["metrics"],
                "state": sorted(progress["stateOperators"][0].keys()),
                "event_time": sorted(progress["eventTime"].keys())}
    oracle.check(program)


def test_session_settings_changed_while_a_file_query_runs(oracle):
    """A running query's expressions keep the settings of its start (current_timezone and
    date_format stay in UTC), while the file source and the file sink read the session's as
    they are at each batch, as Spark's do (they hold the session, not the query's clone): the
    second file's text is read in the new zone and its part file takes the new Parquet codec and
    the new spark.sql.files.maxRecordsPerFile (one row per file, then no limit)."""
    def program(sql, spark, tmp):
        import glob
        import pyarrow.parquet as pq
        src, out = os.path.join(tmp, "in"), os.path.join(tmp, "out")
        os.makedirs(src)

        def put(name, ids):
            with open(os.path.join(src, name + ".tmp"), "w") as fh:
                for i in ids:
                    fh.write(json.dumps({"id": i, "t": "2021-06-01T12:00:00"}) + "\n")
            os.rename(os.path.join(src, name + ".tmp"), os.path.join(src, name))

        keys = ["spark.sql.session.timeZone", "spark.sql.parquet.compression.codec",
                "spark.sql.files.maxRecordsPerFile"]
        try:
            spark.conf.set("spark.sql.parquet.compression.codec", "gzip")
            spark.conf.set("spark.sql.files.maxRecordsPerFile", "1")
            put("a.json", [1, 2])
            query = (spark.readStream.schema("id INT, t TIMESTAMP").json(src)
                     .selectExpr("id", "t", "date_format(t, 'HH:mm') AS h", "current_timezone() AS tz")
                     .writeStream.format("parquet").option("checkpointLocation", os.path.join(tmp, "ck"))
                     .start(out))
            query.processAllAvailable()
            spark.conf.set("spark.sql.session.timeZone", "GMT+8")
            spark.conf.set("spark.sql.parquet.compression.codec", "zstd")
            spark.conf.set("spark.sql.files.maxRecordsPerFile", "0")
            put("b.json", [3, 4])
            query.processAllAvailable()
            query.stop()
        finally:
            spark.conf.set("spark.sql.session.timeZone", "UTC")
            spark.conf.unset(keys[1])
            spark.conf.unset(keys[2])
        codecs = []
        for path in glob.glob(os.path.join(out, "*.parquet")):
            meta = pq.ParquetFile(path).metadata
            ids = sorted(pq.read_table(path).column("id").to_pylist())
            codecs.append((ids, meta.row_group(0).column(0).compression))
        rows = [tuple(r) for r in spark.read.parquet(out).selectExpr(
            "id", "CAST(t AS STRING)", "h", "tz").collect()]
        return sorted(codecs), sorted(rows)
    oracle.check(program)


def test_max_records_per_file_option(oracle):
    """A batch write's maxRecordsPerFile option splits each task's rows into part files of at
    most that many rows (c000, c001, ...), per partition folder too."""
    def program(sql, spark, tmp):
        import glob
        import re
        import pyarrow.parquet as pq

        def counter(path):  # the file counter: part-00000-<uuid>-c001.snappy.parquet
            return re.search(r"[-.](c\d{3})\.", os.path.basename(path)).group(1)
        df = spark.range(7).selectExpr("id", "id % 2 AS p").coalesce(1)
        df.write.option("maxRecordsPerFile", 2).parquet(tmp + "/flat")
        df.write.option("maxRecordsPerFile", "3").partitionBy("p").json(tmp + "/parts")
        flat = sorted((counter(f), pq.read_metadata(f).num_rows)
                      for f in glob.glob(tmp + "/flat/*.parquet"))
        parts = sorted((os.path.basename(os.path.dirname(f)), counter(f),
                        sum(1 for _ in open(f))) for f in glob.glob(tmp + "/parts/*/*.json"))
        return flat, parts
    oracle.check(program)
