"""transformWithState: a session-tracking processor (a value state per user: session start,
last event, event count; one output row per user and batch) over a rate-micro-batch source of
N rows a batch whose user is value % 1M (1M distinct keys), Update mode, a noop sink, the
RocksDB state store. Prints rows/s and batch p50/p99 for Spate's Row-based transformWithState,
Spate's transformWithStateInPandas, and PySpark 4.1's two (local[2], 2 shuffle partitions: this
machine's cores). bench/transform_with_state_bench.cc is the C++ processor.

    .venv/bin/python bench/transform_with_state_bench.py [rows_per_batch] [batches] [spate|pyspark|all]
"""

import os
import shutil
import sys
import tempfile
import time

ROCKSDB = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"
OUTPUT = "user BIGINT, events INT, session_start TIMESTAMP, last_event TIMESTAMP"


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p * (len(values) - 1) + 0.5))] if values else 0


def session_trackers(sql):
    """The processor, Row-based and pandas, over the engine's `sql` module."""
    streaming = __import__(sql.__name__ + ".streaming", fromlist=["StatefulProcessor"])
    Row = sql.Row

    class SessionTracker(streaming.StatefulProcessor):
        def init(self, handle):
            self.session = handle.getValueState("session", "start TIMESTAMP, last TIMESTAMP, events INT")

        def handleInputRows(self, key, rows, timerValues):
            start, last, events = self.session.get() or (None, None, 0)
            for row in rows:
                start = start or row.timestamp
                last = row.timestamp
                events += 1
            self.session.update((start, last, events))
            yield Row(user=key[0], events=events, session_start=start, last_event=last)

    class PandasSessionTracker(streaming.StatefulProcessor):
        def init(self, handle):
            self.session = handle.getValueState("session", "start TIMESTAMP, last TIMESTAMP, events INT")

        def handleInputRows(self, key, rows, timerValues):
            import pandas as pd
            start, last, events = self.session.get() or (None, None, 0)
            for pdf in rows:
                start = start or pdf["timestamp"].min().to_pydatetime()
                last = pdf["timestamp"].max().to_pydatetime()
                events += len(pdf)
            self.session.update((start, last, events))
            yield pd.DataFrame({"user": [key[0]], "events": [events], "session_start": [start],
                                "last_event": [last]})

    return SessionTracker, PandasSessionTracker


def run(spark, sql, pandas, rows_per_batch, batches):
    f = sql.functions
    spark.conf.set("spark.sql.streaming.stateStore.providerClass", ROCKSDB)
    spark.conf.set("spark.sql.shuffle.partitions", "2")
    events = (spark.readStream.format("rate-micro-batch").option("rowsPerBatch", rows_per_batch)
              .option("advanceMillisPerBatch", 1000).load()
              .withColumn("user", f.col("value") % 1_000_000))
    tracker, pandas_tracker = session_trackers(sql)
    grouped = events.groupBy("user")
    if pandas:
        out = grouped.transformWithStateInPandas(pandas_tracker(), OUTPUT, "Update", "None")
    else:
        out = grouped.transformWithState(tracker(), OUTPUT, "Update", "None")
    checkpoint = tempfile.mkdtemp(prefix="spate-tws-bench-")
    start = time.perf_counter()
    query = out.writeStream.format("noop").outputMode("update").option("checkpointLocation", checkpoint).start()
    try:
        while True:
            done = [p for p in query.recentProgress if p["numInputRows"] > 0]
            if len(done) >= batches:
                break
            if query.exception() is not None:
                raise RuntimeError(str(query.exception()))
            time.sleep(0.05)
        seconds = time.perf_counter() - start
    finally:
        query.stop()
        shutil.rmtree(checkpoint, ignore_errors=True)
    rows = sum(p["numInputRows"] for p in done)
    durations = [p["batchDuration"] for p in done]
    return rows / seconds, percentile(durations, 0.5), percentile(durations, 0.99)


def report(name, figures):
    rate, p50, p99 = figures
    print("%-40s %10.0f rows/s   batch p50 %7.0f ms   p99 %7.0f ms" % (name, rate, p50, p99), flush=True)


def main():
    rows_per_batch = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    batches = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    which = sys.argv[3] if len(sys.argv) > 3 else "all"
    print("transformWithState session tracker: %d rows a batch, %d batches, keys of 1M users, RocksDB"
          % (rows_per_batch, batches))
    if which in ("spate", "all"):
        from spate import sql
        spark = sql.SparkSession.builder.appName("tws-bench").getOrCreate()
        report("Spate transformWithState (Row)", run(spark, sql, False, rows_per_batch, batches))
        report("Spate transformWithStateInPandas", run(spark, sql, True, rows_per_batch, batches))
    if which in ("pyspark", "all"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        from pyspark import sql
        spark = (sql.SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
                 .config("spark.driver.memory", "2g").getOrCreate())
        spark.sparkContext.setLogLevel("OFF")
        report("PySpark 4.1 transformWithState (Row)", run(spark, sql, False, rows_per_batch, batches))
        report("PySpark 4.1 transformWithStateInPandas", run(spark, sql, True, rows_per_batch, batches))


if __name__ == "__main__":
    main()
