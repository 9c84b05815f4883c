"""The continuous trigger's refusals, run on Spate and on PySpark 4.1 and compared: Spark
accepts only map-like plans (projections and filters, no current time) over the rate, Kafka
and socket sources, and refuses foreachBatch; each refusal comes at start() with Spark's
error condition, exception class and message.

A program that starts a continuous query runs on PySpark in a process and JVM of its own
(Oracle.check_in_child): a continuous task still running after stop() must not leave the
shared JVM, or this test session, waiting."""

import os
import time

import pytest


def rate(spark, partitions=None):
    reader = spark.readStream.format("rate")
    return (reader.option("numPartitions", partitions) if partitions else reader).load()


def start_continuous(df, tmp, sink="console", mode="append"):
    return (df.writeStream.format(sink).outputMode(mode).queryName("continuous_out")
            .option("checkpointLocation", os.path.join(tmp, "cp"))
            .trigger(continuous="1 second").start())


def started(query):
    """Spate's engine stops the query after the program; PySpark's child process exits
    without stopping it, since a continuous query's stop() there can wait on its task."""
    assert query.isActive
    return "started"


REFUSED = {
    "aggregation": lambda sql, spark, tmp: start_continuous(rate(spark).groupBy("value").count(), tmp,
                                                            mode="complete"),
    "aggregation_update": lambda sql, spark, tmp: start_continuous(rate(spark).groupBy("value").count(), tmp,
                                                                   mode="update"),
    "drop_duplicates": lambda sql, spark, tmp: start_continuous(rate(spark).dropDuplicates(["value"]), tmp),
    "limit": lambda sql, spark, tmp: start_continuous(rate(spark).limit(3), tmp),
    "union": lambda sql, spark, tmp: start_continuous(rate(spark).union(rate(spark)), tmp),
    "explode": lambda sql, spark, tmp: start_continuous(
        rate(spark).select(sql.functions.explode(sql.functions.array("value", "value"))), tmp),
    "watermark": lambda sql, spark, tmp: start_continuous(rate(spark).withWatermark("timestamp", "1 second"), tmp),
    "current_timestamp": lambda sql, spark, tmp: start_continuous(
        rate(spark).select(sql.functions.current_timestamp()), tmp),
    "current_time_filter": lambda sql, spark, tmp: start_continuous(
        rate(spark).filter(sql.functions.col("timestamp") < sql.functions.current_timestamp()), tmp),
    "rate_micro_batch": lambda sql, spark, tmp: start_continuous(
        spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 1).load(), tmp),
    "file_source": lambda sql, spark, tmp: start_continuous(spark.readStream.schema("a INT").json(tmp), tmp),
    "foreach_batch": lambda sql, spark, tmp: (rate(spark).writeStream.foreachBatch(lambda df, i: None)
                                              .trigger(continuous="1 second").start()),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_at_start(oracle, case):
    got, want = oracle.outcomes(REFUSED[case])
    assert want.condition == got.condition and want.kind == got.kind, (got, want)
    # PySpark's first line ends with ";" before the plan it prints below.
    assert want.message.rstrip(";") == got.message.rstrip(";"), (got, want)


ACCEPTED = {
    "select_filter_memory": lambda sql, spark, tmp: started(start_continuous(
        rate(spark, 1).select((sql.functions.col("value") * 2).alias("v")).filter("v % 3 = 0"), tmp, sink="memory")),
    "window_in_select": lambda sql, spark, tmp: started(start_continuous(
        rate(spark, 1).select(sql.functions.window("timestamp", "1 second")), tmp)),
    "noop_sink": lambda sql, spark, tmp: started(start_continuous(rate(spark, 1), tmp, sink="noop")),
    "foreach": lambda sql, spark, tmp: started(rate(spark, 1).writeStream.foreach(lambda row: None)
                                               .trigger(continuous="1 second").start()),
}


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_map_like_queries_start(oracle, case):
    oracle.check_in_child(__file__, "ACCEPTED[%s]" % case)


def no_progress_reports(sql, spark, tmp):
    query = start_continuous(rate(spark), tmp, sink="noop")
    # Until the first epoch commits, the status says the query is starting ("Running").
    deadline = time.monotonic() + 60
    while not query.status["message"].startswith("Committing") and time.monotonic() < deadline:
        query.awaitTermination(0.2)
    status = query.status
    return {"last": query.lastProgress, "recent": query.recentProgress,
            "message": status["message"].split(" ")[:2], "data": status["isDataAvailable"],
            "trigger": status["isTriggerActive"]}  # not stopped: see started()


def test_no_progress_reports(oracle):
    """Spark 4.1 reports no progress for a continuous query: lastProgress is None and
    recentProgress empty, while the status names the epoch being committed."""
    oracle.check_in_child(__file__, "no_progress_reports")


def file_sink_fails_after_start(sql, spark, tmp):
    query = (rate(spark).writeStream.format("parquet").option("path", os.path.join(tmp, "out"))
             .option("checkpointLocation", os.path.join(tmp, "cp")).trigger(continuous="1 second").start())
    try:
        query.awaitTermination(30)
    except Exception:  # noqa: BLE001 - the failure is the query's exception, compared below
        pass
    return {"active": query.isActive,
            "error": "Unknown type of trigger: ContinuousTrigger(1000)" in str(query.exception())}


def test_file_sink_fails_after_start(oracle):
    """A file sink has no continuous writer: Spark starts the query, which then fails."""
    oracle.check_in_child(__file__, "file_sink_fails_after_start")
