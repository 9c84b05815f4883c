"""Stream-stream joins run on Spate and on PySpark 4.1 and compared batch by batch: inner joins
on a key alone and with a time range, left/right/full outer and left semi joins whose NULL-padded
rows appear when the watermark evicts them (also in the no-data batch that availableNow runs
at the end), joins on equal event-time windows, late rows, the state rows of the join operator
in the progress reports, chained joins and aggregations around joins, and the errors of the
combinations Spark refuses.

Two file sources with maxFilesPerTrigger=1 and one JSON file per micro-batch on each side, so
that each micro-batch reads one file of each side; availableNow runs them all, then the no-data
batch when the watermark moved. A foreachBatch sink records each batch's rows with its id."""

import json
import os

import pytest

from oracle import Failure, plain
# The reference's block, as test_spec_examples.py keeps it (and checks it against the reference).
from test_spec_examples import STREAM_STREAM_JOIN

# Left side: impressions (ad, it); right side: clicks (cad, ct). Each inner list is one file,
# hence one micro-batch. With watermarks of 10 minutes on it and ct, the watermark a batch
# runs with (the minimum of both sides', from the batches before it; its progress'
# eventTime.watermark) is 11:52 in batch 1, 12:10 in batch 2 and 12:30 in batch 3, the no-data
# batch availableNow adds. Batch N evicts state with its own watermark, and drops as late the
# rows whose event time is at or before batch N-1's: in batch 2 (11:52) the rows of ad 6 and
# ad 11 are late, the left row of ad 12 (11:53) is not.
IMPRESSIONS = [
    [(0, "11:50"), (1, "12:00"), (2, "12:01"), (3, "12:02")],
    [(4, "12:20")],
    [(5, "12:40"), (6, "11:00"), (11, "11:52"), (12, "11:53")],
]
CLICKS = [
    [(1, "12:05"), (7, "12:03")],
    [(1, "12:07"), (2, "12:08"), (4, "12:25"), (8, "12:22"), (5, "12:41")],
    [(9, "12:45"), (6, "11:01")],
]
# A click counts when it comes within 10 minutes after the impression of its ad.
TIME_RANGE = "ad = cad AND ct >= it AND ct <= it + interval 10 minutes"


def write_side(folder, batches, names, first=0):
    """One JSON file per batch with increasing modification times (the file source's order),
    numbered from `first`; "HH:MM" strings are times of 2024-01-01."""
    os.makedirs(folder, exist_ok=True)
    for i, rows in enumerate(batches, first):
        path = os.path.join(folder, "part-%03d.json" % i)
        with open(path, "w") as out:
            for row in rows:
                values = ["2024-01-01T%s:00" % v if isinstance(v, str) else v for v in row]
                out.write(json.dumps(dict(zip(names, values))) + "\n")
        os.utime(path, (1_700_000_000 + i * 10, 1_700_000_000 + i * 10))
    return folder


def side(spark, tmp, name, schema, batches, watermark=None):
    """A stream of `batches` (one file each) with columns of the DDL `schema`, with a
    10-minute watermark on the column `watermark` when given."""
    names = [part.split()[0] for part in schema.split(",")]
    stream = (spark.readStream.schema(schema).option("maxFilesPerTrigger", 1)
              .json(write_side(os.path.join(tmp, name), batches, names)))
    return stream.withWatermark(watermark, "10 minutes") if watermark else stream


def impressions(spark, tmp, watermark=True, batches=IMPRESSIONS):
    return side(spark, tmp, "impressions", "ad INT, it TIMESTAMP", batches, "it" if watermark else None)


def clicks(spark, tmp, watermark=True, batches=CLICKS):
    return side(spark, tmp, "clicks", "cad INT, ct TIMESTAMP", batches, "ct" if watermark else None)


def run_batches(df, tmp, name="out"):
    """Runs `df` with availableNow into a foreachBatch sink; returns the query and, per batch,
    [batch id, its rows in a fixed order]."""
    batches = []

    def sink(batch_df, batch_id):
        batches.append([batch_id, sorted((plain(row) for row in batch_df.collect()), key=repr)])

    query = (df.writeStream.foreachBatch(sink).outputMode("append")
             .option("checkpointLocation", os.path.join(tmp, "cp-" + name))
             .trigger(availableNow=True).start())
    query.awaitTermination()
    return query, batches


def columns(df):
    """Names, types and nullability of a DataFrame's columns."""
    return [[field.name, field.dataType.simpleString(), field.nullable] for field in df.schema.fields]


def state_history(query, input_rows=True):
    """Per progress report: batch id, input rows (unless not `input_rows`), watermark, and the
    counts of each state operator (for a join, Spark counts as removed only the rows evicted
    from a side that emits nothing on eviction: an outer side's evicted rows are never
    counted)."""
    history = []
    for progress in query.recentProgress:
        operators = [[op["operatorName"], op["numRowsTotal"], op["numRowsUpdated"], op["numRowsRemoved"],
                      op["numRowsDroppedByWatermark"]] for op in progress["stateOperators"]]
        history.append([progress["batchId"], progress["numInputRows"] if input_rows else None,
                        progress["eventTime"].get("watermark"), operators])
    return history


def joined_batches(join, tmp, input_rows=True):
    """The batches of a join, its columns, and its state history."""
    query, batches = run_batches(join, tmp)
    return {"columns": columns(join), "batches": batches, "state": state_history(query, input_rows)}


# --- Inner joins -------------------------------------------------------------------------------


def test_inner_join_on_key_keeps_all_rows(oracle):
    """An inner join on the key alone without watermarks: every row stays in the state (the
    total grows each batch), rows of any age join, and there is no no-data batch."""
    def program(sql, spark, tmp):
        join = impressions(spark, tmp, False).join(clicks(spark, tmp, False), sql.functions.expr("ad = cad"))
        return joined_batches(join, tmp)
    oracle.check(program)


def test_inner_join_with_time_range(oracle):
    """An inner join with a time range and watermarks on both sides: matches across batches in
    both directions (a click joining a stored impression and the other way round), late rows
    dropped, state evicted as the watermark passes, the no-data batch at the end."""
    def program(sql, spark, tmp):
        join = impressions(spark, tmp).join(clicks(spark, tmp), sql.functions.expr(TIME_RANGE))
        return joined_batches(join, tmp)
    oracle.check(program)


# --- Outer and semi joins ----------------------------------------------------------------------


@pytest.mark.parametrize("how", ["left", "right", "full", "left_semi", "leftOuter", "fullouter"])
def test_outer_and_semi_joins_with_time_range(oracle, how):
    """Outer joins emit an unmatched row padded with NULLs in the batch whose watermark evicts
    it: ad 0 (left) and ad 7 (right) in batch 2, ad 3 (left) and ad 8 (right) in the no-data
    batch 3; a left row matched twice (ad 1) is never padded. The late rows (ad 6, ad 11) give
    no padded rows. The semi join emits each matched left row once, at its first match."""
    def program(sql, spark, tmp):
        join = impressions(spark, tmp).join(clicks(spark, tmp), sql.functions.expr(TIME_RANGE), how)
        return joined_batches(join, tmp)
    oracle.check(program)


def test_left_outer_join_with_watermark_on_the_right_only(oracle):
    """Spark starts a left outer join with the watermark on its nullable (right) side only, but
    with one side's watermark neither side's state has an eviction bound: no row is evicted,
    none is padded with NULLs, the state grows and no no-data batch runs. The clicks' late row
    is still dropped; the impressions, without a watermark, are never late."""
    def program(sql, spark, tmp):
        join = impressions(spark, tmp, False).join(clicks(spark, tmp), sql.functions.expr(TIME_RANGE), "left")
        return joined_batches(join, tmp)
    oracle.check(program)


# --- Window-equality joins ---------------------------------------------------------------------

WINDOW_IMPRESSIONS = [[(1, "12:01"), (2, "12:02"), (3, "12:06")], [(4, "12:12")],
                      [(5, "12:31"), (6, "11:52"), (7, "11:51")]]
WINDOW_CLICKS = [[(1, "12:04"), (2, "12:07")], [(3, "12:09"), (4, "12:14"), (9, "12:20")],
                 [(5, "12:33"), (6, "11:52")]]


@pytest.mark.parametrize("how", ["inner", "left"])
def test_join_on_equal_windows(oracle, how):
    """A join on the key and equal 5-minute windows (`l.window = r.window` after
    withColumn("window", window(ts, ...)) on each side; the timestamp is dropped so that each
    side has one event-time column). The window is in the state key: a key's rows go once the
    watermark reaches the window's end, ad 2 (its click falls in the next window) is padded in
    the no-data batch, and rows whose window ends at or before the previous batch's watermark
    are late."""
    def program(sql, spark, tmp):
        f = sql.functions
        left = (impressions(spark, tmp, batches=WINDOW_IMPRESSIONS)
                .withColumn("window", f.window("it", "5 minutes")).drop("it"))
        right = (clicks(spark, tmp, batches=WINDOW_CLICKS)
                 .withColumn("window", f.window("ct", "5 minutes")).drop("ct"))
        join = left.alias("l").join(right.alias("r"), f.expr("l.ad = r.cad AND l.window = r.window"), how)
        return joined_batches(join, tmp)
    oracle.check(program)


# --- Late rows and state -----------------------------------------------------------------------


def test_late_rows_are_dropped_without_time_range(oracle):
    """With watermarks but a join on the key alone, nothing is evicted (no no-data batch) but
    late rows are still dropped and counted in numRowsDroppedByWatermark: ad 6's impression and
    click, which would match, and ad 11's impression (exactly at the watermark)."""
    def program(sql, spark, tmp):
        join = impressions(spark, tmp).join(clicks(spark, tmp), sql.functions.expr("ad = cad"))
        return joined_batches(join, tmp)
    oracle.check(program)


@pytest.mark.parametrize("how", ["inner", "left", "right", "full"])
def test_state_rows_fall_after_eviction(oracle, how):
    """The join's progress entry (operatorName symmetricHashJoin) per batch: numRowsTotal grows
    with the stored rows and falls in batches 2 and 3 as the watermark evicts them (impressions
    older than the watermark minus 10 minutes, clicks older than the watermark);
    numRowsRemoved counts the evicted rows of inner sides only, so a full outer join reports 0."""
    def program(sql, spark, tmp):
        join = impressions(spark, tmp).join(clicks(spark, tmp), sql.functions.expr(TIME_RANGE), how)
        query, _ = run_batches(join, tmp)
        return state_history(query)
    oracle.check(program)


def test_join_state_survives_a_restart(oracle):
    """A left outer join run to the end on the first two files of each side, then restarted
    from its checkpoint after the third files arrive: the stored rows of the first run still
    match and are still padded when evicted. Batch ids go on from the first run (its no-data
    batch 2 included), and the watermark is recovered from the checkpoint."""
    def program(sql, spark, tmp):
        left = impressions(spark, tmp, batches=IMPRESSIONS[:2])
        right = clicks(spark, tmp, batches=CLICKS[:2])
        join = left.join(right, sql.functions.expr(TIME_RANGE), "left")
        first, before = run_batches(join, tmp)
        write_side(os.path.join(tmp, "impressions"), IMPRESSIONS[2:], ["ad", "it"], first=2)
        write_side(os.path.join(tmp, "clicks"), CLICKS[2:], ["cad", "ct"], first=2)
        second, after = run_batches(join, tmp)
        return {"first": [before, state_history(first)], "second": [after, state_history(second)]}
    oracle.check(program)


# --- NULL keys ---------------------------------------------------------------------------------

# Rows with NULL ads on both sides; a NULL-ad click at 12:40 is the right side's latest event.
NULL_KEY_IMPRESSIONS = [[(None, "12:00"), (1, "12:00"), (None, "12:01")], [(None, "12:02"), (2, "12:30")],
                        [(3, "13:00")]]
NULL_KEY_CLICKS = [[(None, "12:01"), (1, "12:01")], [(None, "12:03"), (None, "12:40")], [(3, "13:00")]]


@pytest.mark.parametrize("how", ["inner", "left", "right", "full", "left_semi"])
def test_null_keys(oracle, how):
    """NULL join keys, as Spark's state keys compare them: in a full outer join two rows with
    NULL keys match (within the time range); the other joins drop the NULL-key rows of the
    sides that emit nothing unmatched before the join, and below withWatermark, so those rows
    never move the watermark (the 12:40 click does not in an inner join). An outer join's
    preserved NULL-key rows are padded with NULLs once evicted. Spark also filters those rows
    inside the JSON reader, so its numInputRows does not count them: not compared."""
    def program(sql, spark, tmp):
        join = (impressions(spark, tmp, batches=NULL_KEY_IMPRESSIONS)
                .join(clicks(spark, tmp, batches=NULL_KEY_CLICKS), sql.functions.expr(TIME_RANGE), how))
        return joined_batches(join, tmp, input_rows=False)
    oracle.check(program)


@pytest.mark.parametrize("condition", ["ad <=> cad", "ad <=> cad AND ct >= it AND ct <= it + interval 10 minutes"])
def test_null_safe_equality_is_a_join_key(oracle, condition):
    """`<=>` is an equi-join key of a stream-stream join, as Spark extracts it (coalesce and
    isnull of each side): NULL ads meet each other in the state, nothing is filtered."""
    def program(sql, spark, tmp):
        join = (impressions(spark, tmp, batches=NULL_KEY_IMPRESSIONS)
                .join(clicks(spark, tmp, batches=NULL_KEY_CLICKS), sql.functions.expr(condition)))
        return joined_batches(join, tmp)
    oracle.check(program)


# --- Batch 0 at the epoch ----------------------------------------------------------------------


@pytest.mark.parametrize("how", ["inner", "left"])
def test_rows_at_the_epoch_are_late_in_batch_0(oracle, how):
    """Batch 0 runs with a watermark of 0 for late rows: rows at or before 1970-01-01 00:00:00
    are dropped (counted in numRowsDroppedByWatermark), those after it are joined."""
    def program(sql, spark, tmp):
        def epoch_side(name, schema, rows):
            folder = os.path.join(tmp, name)
            os.makedirs(folder)
            names = [part.split()[0] for part in schema.split(",")]
            with open(os.path.join(folder, "part-000.json"), "w") as out:
                out.writelines(json.dumps(dict(zip(names, row))) + "\n" for row in rows)
            time_column = names[1]
            return (spark.readStream.schema(schema).option("maxFilesPerTrigger", 1).json(folder)
                    .withWatermark(time_column, "0 seconds"))
        rows = [(0, "1970-01-01T00:00:00"), (1, "1970-01-01T00:00:00.001"), (2, "1969-12-31T23:59:00"),
                (3, "1970-01-01T00:00:05")]
        left = epoch_side("left", "ad INT, it TIMESTAMP", rows)
        right = epoch_side("right", "cad INT, ct TIMESTAMP", rows)
        condition = sql.functions.expr("ad = cad AND ct >= it AND ct <= it + interval 1 second")
        return joined_batches(left.join(right, condition, how), tmp)
    oracle.check(program)


def test_rate_micro_batch_rows_at_the_epoch_are_late_in_batch_0(oracle):
    """rate-micro-batch starts at the epoch (startTimestamp 0): a join of two such streams with
    zero-delay watermarks drops batch 0's rows (their event time is the watermark, 0) and joins
    the later batches' rows."""
    def program(sql, spark, tmp):
        def rate(name):
            return (spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 3)
                    .option("advanceMillisPerBatch", 1000).load()
                    .selectExpr("value AS " + name, "timestamp AS " + name + "_time")
                    .withWatermark(name + "_time", "0 seconds"))
        batches = []
        join = rate("a").join(rate("b"), sql.functions.expr("a = b AND a_time = b_time"))
        query = (join.writeStream.option("checkpointLocation", os.path.join(tmp, "cp"))
                 .foreachBatch(lambda df, batch_id: batches.append(
                     [batch_id, sorted((plain(r) for r in df.collect()), key=repr)])).start())
        while len(query.recentProgress) < 3:
            query.awaitTermination(0.1)
        query.stop()
        history = [[p["batchId"], p["numInputRows"], p["eventTime"].get("watermark"),
                    [op["numRowsDroppedByWatermark"] for op in p["stateOperators"]]]
                   for p in query.recentProgress[:3]]
        return {"batches": batches[:3], "state": history}
    oracle.check(program)


# --- Joins with other operators ----------------------------------------------------------------

TARGETS = [[(1, "12:06")], [(2, "12:09"), (4, "12:26")], [(5, "12:42")]]


@pytest.mark.parametrize("watermarks", [False, True])
def test_chained_joins(oracle, watermarks):
    """Three streams joined in a chain on the key: two join operators, each with its state.
    With watermarks on the first and the third stream (the first join's output keeps one
    event-time column)."""
    def program(sql, spark, tmp):
        expr = sql.functions.expr
        targets = side(spark, tmp, "targets", "tad INT, tt TIMESTAMP", TARGETS, "tt" if watermarks else None)
        join = (impressions(spark, tmp, watermarks).join(clicks(spark, tmp, False), expr("ad = cad"))
                .join(targets, expr("ad = tad")))
        return joined_batches(join, tmp)
    oracle.check(program)


def test_window_aggregation_after_a_join(oracle):
    """A time-range join followed by a count per 5-minute window of the impression time, in
    append mode: a window's count comes out once the watermark passes its end."""
    def program(sql, spark, tmp):
        f = sql.functions
        join = impressions(spark, tmp).join(clicks(spark, tmp), f.expr(TIME_RANGE))
        return joined_batches(join.groupBy(f.window("it", "5 minutes")).count(), tmp)
    oracle.check(program)


def test_join_after_a_window_aggregation(oracle):
    """Impressions counted per window and ad (append mode emits a window once closed), then
    joined with the clicks on the ad."""
    def program(sql, spark, tmp):
        f = sql.functions
        counts = impressions(spark, tmp).groupBy(f.window("it", "5 minutes").alias("w"), "ad").count()
        return joined_batches(counts.join(clicks(spark, tmp), f.expr("ad = cad")), tmp)
    oracle.check(program)


# --- The reference's block ---------------------------------------------------------------------

ORDERS = [[(1, "12:00"), (2, "12:05")], [(3, "13:00")], [(4, "14:00")]]
PAYMENTS = [[(1, "12:30")], [(3, "13:10")], [(9, "14:20")]]


def test_reference_stream_stream_join_block(oracle):
    """The reference's "Stream-Stream Joins" block as written (only `expr` comes from the
    engine's module): order 2, never paid, comes out padded with NULLs in the no-data batch
    once the watermark passes its hour."""
    def program(sql, spark, tmp):
        namespace = {
            "expr": sql.functions.expr,
            "orders": side(spark, tmp, "orders", "order_id INT, order_time TIMESTAMP", ORDERS),
            "payments": side(spark, tmp, "payments", "payment_order_id INT, payment_time TIMESTAMP", PAYMENTS),
        }
        exec(STREAM_STREAM_JOIN, namespace)
        return joined_batches(namespace["df_joined"], tmp)
    oracle.check(program)


# --- Refused combinations ----------------------------------------------------------------------


def outcome(start):
    """Where a query fails and how: [stage, error condition, message], the stage being "start"
    (writeStream.start()) or "run" (the query fails: awaitTermination raises). The message is
    its first line without Spark's ";" before the plan, and for a failed query what follows
    "terminated with exception: " up to the attribute ids."""
    stage = "start"
    try:
        query = start()
        stage = "run"
        query.awaitTermination()
        return ["no error"]
    except Exception as exc:  # noqa: BLE001 - the failure is the outcome compared
        failure = Failure(exc)
        message = failure.message.split("terminated with exception: ", 1)[-1]
        return [stage, failure.condition, message.split(" event time columns: (")[0].rstrip(";")]


def start_join(join, tmp, mode="append"):
    return lambda: (join.writeStream.foreachBatch(lambda batch_df, batch_id: None).outputMode(mode)
                    .option("checkpointLocation", os.path.join(tmp, "cp-refused"))
                    .trigger(availableNow=True).start())


def check_refused(oracle, program, condition):
    """Runs a program returning outcome(...) on both engines: PySpark must refuse it with
    `condition`, and Spate the same way, at the same stage, with the same message."""
    want = oracle.check(program)
    assert want[1:2] == [condition], "PySpark was expected to raise %s: %r" % (condition, want)


CONDITIONS = {"range": TIME_RANGE, "key": "ad = cad"}


@pytest.mark.parametrize("how,left_watermark,right_watermark,condition", [
    ("left", False, False, "range"),
    ("left", True, True, "key"),
    ("left", True, False, "range"),
    ("right", False, False, "range"),
    ("right", True, True, "key"),
    ("full", False, False, "range"),
    ("full", True, True, "key"),
    ("left_semi", False, False, "range"),
    ("left_semi", True, True, "key"),
    ("left_semi", False, False, "key"),
    ("left_anti", True, True, "range"),
    ("left_anti", False, False, "key"),
])
def test_joins_without_watermark_or_time_range_are_refused(oracle, how, left_watermark, right_watermark,
                                                           condition):
    """Outer and semi stream-stream joins without a watermark on the nullable side and a time
    range (or a watermarked join key), and every left anti stream-stream join: Spark's
    message at start()."""
    def program(sql, spark, tmp):
        join = impressions(spark, tmp, left_watermark).join(
            clicks(spark, tmp, right_watermark), sql.functions.expr(CONDITIONS[condition]), how)
        return outcome(start_join(join, tmp))
    check_refused(oracle, program, "_LEGACY_ERROR_TEMP_3102")


@pytest.mark.parametrize("mode,aggregate,condition", [
    ("update", None, "_LEGACY_ERROR_TEMP_3102"),
    ("complete", None, "STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION"),
    ("update", "after", "_LEGACY_ERROR_TEMP_3102"),
    ("complete", "after", "_LEGACY_ERROR_TEMP_3102"),
    ("update", "before", "_LEGACY_ERROR_TEMP_3102"),
    ("append", "after", "STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION"),
])
def test_join_output_modes_are_refused(oracle, mode, aggregate, condition):
    """A stream-stream join runs in append mode only: update and complete are refused, with or
    without an aggregation after or before it; an aggregation without event time after a join
    cannot run in append mode either."""
    def program(sql, spark, tmp):
        f = sql.functions
        left = impressions(spark, tmp)
        if aggregate == "before":
            left = left.groupBy(f.window("it", "5 minutes"), "ad").count()
        join = left.join(clicks(spark, tmp), f.expr("ad = cad"))
        if aggregate == "after":
            join = join.groupBy("ad").count()
        return outcome(start_join(join, tmp, mode))
    check_refused(oracle, program, condition)


@pytest.mark.parametrize("shape", ["cross", "no_equality", "two_event_times"])
def test_joins_that_fail_when_the_query_runs(oracle, shape):
    """Refusals Spark makes when the query plans its first batch (the query fails with
    STREAM_FAILED, start() returns): a cross join of two streams, a join without an equality,
    and a join side with two event-time columns (a window column computed from a watermarked
    timestamp that is kept)."""
    def program(sql, spark, tmp):
        f = sql.functions
        left, right = impressions(spark, tmp, shape != "cross"), clicks(spark, tmp, shape != "cross")
        if shape == "cross":
            join = left.crossJoin(right)
        elif shape == "no_equality":
            join = left.join(right, f.expr("ct >= it AND ct <= it + interval 10 minutes"))
        else:
            left = left.withColumn("lw", f.window("it", "5 minutes"))
            right = right.withColumn("rw", f.window("ct", "5 minutes"))
            join = left.join(right, f.expr("ad = cad AND lw = rw"))
        return outcome(start_join(join, tmp))
    check_refused(oracle, program, "STREAM_FAILED")


@pytest.mark.parametrize("how,stream_side", [
    ("left", "right"), ("full", "right"), ("left_semi", "right"), ("left_anti", "right"),
    ("right", "left"), ("full", "left"),
])
def test_stream_static_joins_are_refused(oracle, how, stream_side):
    """Stream-static joins whose static side would need state to be right: an outer join
    preserving the static side, a semi or anti join with the stream on the right."""
    def program(sql, spark, tmp):
        names = spark.createDataFrame([(1, "one"), (5, "five")], "k INT, name STRING")
        stream = clicks(spark, tmp, False)
        join = (names.join(stream, sql.functions.expr("k = cad"), how) if stream_side == "right"
                else stream.join(names, sql.functions.expr("cad = k"), how))
        return outcome(start_join(join, tmp))
    check_refused(oracle, program, "_LEGACY_ERROR_TEMP_3102")


def test_stream_static_joins_that_run(oracle):
    """The stream-static joins Spark allows besides inner: a right outer join with the stream on
    the right, left semi and left anti joins with the stream on the left."""
    def program(sql, spark, tmp):
        expr = sql.functions.expr
        names = spark.createDataFrame([(1, "one"), (5, "five")], "k INT, name STRING")
        stream = clicks(spark, tmp, False)
        return {how: run_batches(join, tmp, how)[1] for how, join in [
            ("right", names.join(stream, expr("k = cad"), "right")),
            ("left_semi", stream.join(names, expr("cad = k"), "left_semi")),
            ("left_anti", stream.join(names, expr("cad = k"), "left_anti")),
        ]}
    oracle.check(program)


def test_stream_static_join_rereads_changed_static_files(oracle):
    """A static DataFrame over files keeps the listing made when it was created, and its files
    are read again in each micro-batch: after batch 0 (in its foreachBatch) one static file is
    rewritten and another added; batch 1 and 2 see the rewritten rows, never the added file.
    A createDataFrame side stays as it was."""
    def program(sql, spark, tmp):
        expr = sql.functions.expr
        folder = os.path.join(tmp, "names")
        write_side(folder, [[(1, "one")]], ["k", "name"])
        names = spark.read.schema("k INT, name STRING").json(folder)
        extra = spark.createDataFrame([(2, "two")], "x INT, label STRING")
        stream = clicks(spark, tmp, False, batches=[[(1, "12:00"), (2, "12:00")]] * 3)
        join = stream.join(names, expr("cad = k"), "left").join(extra, expr("cad = x"), "left")
        batches = []

        def sink(batch_df, batch_id):
            batches.append([batch_id, sorted((plain(row) for row in batch_df.collect()), key=repr)])
            if batch_id == 0:
                write_side(folder, [[(2, "two")]], ["k", "name"], first=1)
                with open(os.path.join(folder, "part-000.json"), "w") as out:
                    out.write(json.dumps({"k": 1, "name": "uno"}) + "\n")

        query = (join.writeStream.foreachBatch(sink).option("checkpointLocation", os.path.join(tmp, "cp"))
                 .trigger(availableNow=True).start())
        query.awaitTermination()
        return batches
    oracle.check(program)


def test_a_static_side_on_the_left_rereads_changed_files(oracle):
    """The same with the static side on the left of the stream (inner and right outer): after
    batch 0 the static file is rewritten, and batches 1 and 2 see its new rows."""
    def program(sql, spark, tmp):
        expr = sql.functions.expr
        folder = os.path.join(tmp, "names")
        write_side(folder, [[(1, "one"), (3, "three")]], ["k", "name"])
        names = spark.read.schema("k INT, name STRING").json(folder)
        stream = clicks(spark, tmp, False, batches=[[(1, "12:00"), (2, "12:00")]] * 3)
        join = names.join(stream, expr("k = cad"), "right").join(names.alias("n2"), expr("n2.k = cad"))
        batches = []

        def sink(batch_df, batch_id):
            batches.append([batch_id, sorted((plain(row) for row in batch_df.collect()), key=repr)])
            if batch_id == 0:
                with open(os.path.join(folder, "part-000.json"), "w") as out:
                    out.write(json.dumps({"k": 1, "name": "uno"}) + "\n")
                    out.write(json.dumps({"k": 2, "name": "dos"}) + "\n")

        query = (join.writeStream.foreachBatch(sink).option("checkpointLocation", os.path.join(tmp, "cp"))
                 .trigger(availableNow=True).start())
        query.awaitTermination()
        return batches
    oracle.check(program)


def test_right_semi_is_not_a_join_type(oracle):
    """There is no right semi join: join() itself raises, stream or not."""
    def program(sql, spark, tmp):
        return impressions(spark, tmp).join(clicks(spark, tmp), sql.functions.expr("ad = cad"), "right_semi")
    oracle.check(program, error="UNSUPPORTED_JOIN_TYPE")
