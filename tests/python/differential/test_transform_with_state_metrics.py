"""The operator names and customMetrics of transformWithState, transformWithStateInPandas and
applyInPandasWithState on Spate and on PySpark 4.1.

The names are compared in each batch's progress (stateOperators[0].operatorName) and in the
state metadata. Of the customMetrics, every program compares which of Spark's transformWithState
metrics are reported, and batch by batch the counts whose totals do not depend on how many
partition tasks ran: the timers registered, deleted and fired, and the values removed when
their TTL passed. (Spark counts the state variables once per partition task that ran init;
docs/compatibility.md says how Spate counts them.)

Each program reads one JSON file per micro-batch (maxFilesPerTrigger=1) into a noop sink."""

import os
import time

import pytest

from test_transform_with_state import PROVIDER, ROCKSDB, importlib_streaming, stream

# Spark 4.1's customMetrics of a transformWithState operator.
TWS_METRICS = {
    "initialStateProcessingTimeMs", "numDeletedStateVars", "numDeletedTimers", "numExpiredTimers",
    "numListStateVars", "numListStateWithTTLVars", "numMapStateVars", "numMapStateWithTTLVars",
    "numRegisteredTimers", "numValueStateVars", "numValueStateWithTTLVars",
    "numValuesRemovedDueToTTLExpiry", "timerProcessingTimeMs",
}
COUNTS = ("numRegisteredTimers", "numDeletedTimers", "numExpiredTimers", "numValuesRemovedDueToTTLExpiry")


def operator_progress(progress):
    """Per batch: its id, its input rows, the operator's name, which transformWithState metrics
    it reports and the counts among them."""
    out = []
    for p in progress:
        for op in p["stateOperators"]:
            metrics = op["customMetrics"]
            out.append([p["batchId"], p["numInputRows"], op["operatorName"],
                        sorted(TWS_METRICS & set(metrics)), [metrics.get(m) for m in COUNTS]])
    return out


def start(spark, df, tmp, **trigger):
    spark.conf.set(PROVIDER, ROCKSDB)
    try:
        return (df.writeStream.format("noop").outputMode("update")
                .option("checkpointLocation", os.path.join(tmp, "cp")).trigger(**trigger).start())
    finally:
        spark.conf.unset(PROVIDER)


def run_available_now(spark, df, tmp):
    """Runs `df` to the end of its files; its progress, then the state metadata's names."""
    query = start(spark, df, tmp, availableNow=True)
    query.awaitTermination()
    metadata = spark.read.format("state-metadata").load(os.path.join(tmp, "cp"))
    return [operator_progress(query.recentProgress),
            sorted([row.operatorId, row.operatorName] for row in metadata.collect())]


def timer_processors(sql):
    """Per key, an event-time timer 10 seconds after its latest row: each batch deletes the
    key's timers, registers the new one twice and deletes a timer that does not exist (Spark
    counts every call); a timer that fires clears the key's count. As rows and as pandas."""
    import datetime

    import pandas as pd
    streaming = importlib_streaming(sql)
    Row = sql.Row

    class Timers(streaming.StatefulProcessor):
        def init(self, handle):
            self.handle = handle
            self.count = handle.getValueState("count", "n INT")

        def renew(self, n, latest_ms):
            for t in list(self.handle.listTimers()):
                self.handle.deleteTimer(t)
            self.handle.registerTimer(latest_ms + 10_000)
            self.handle.registerTimer(latest_ms + 10_000)
            self.handle.deleteTimer(123)
            self.count.update((n,))

        def handleInputRows(self, key, rows, timerValues):
            n, latest = (self.count.get() or (0,))[0], 0
            for row in rows:
                n += 1
                latest = max(latest, int(row.ts.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000))
            self.renew(n, latest)
            yield Row(k=key[0], n=n)

        def handleExpiredTimer(self, key, timerValues, expiredTimerInfo):
            n = self.count.get()[0]
            self.count.clear()
            yield Row(k=key[0], n=-n)

    class PandasTimers(Timers):
        def handleInputRows(self, key, rows, timerValues):
            n, latest = (self.count.get() or (0,))[0], 0
            for pdf in rows:
                n += len(pdf)
                latest = max(latest, int(pdf["ts"].max().timestamp() * 1000))
            self.renew(n, latest)
            yield pd.DataFrame({"k": [key[0]], "n": [n]})

        def handleExpiredTimer(self, key, timerValues, expiredTimerInfo):
            n = self.count.get()[0]
            self.count.clear()
            yield pd.DataFrame({"k": [key[0]], "n": [-n]})

    return Timers, PandasTimers


@pytest.mark.parametrize("api", ["transformWithState", "transformWithStateInPandas"])
def test_timer_counts_batch_by_batch(oracle, api):
    """The timers registered and deleted by each batch, and the ones it fired (in the batch
    without data that the last watermark brings): PySpark's Python operators fire timers in the
    Python worker, count the deletes of the fired timers and report no expired ones."""
    def program(sql, spark, tmp):
        Timers, PandasTimers = timer_processors(sql)
        grouped = stream(spark, tmp).withWatermark("ts", "5 seconds").groupBy("k")
        if api == "transformWithState":
            out = grouped.transformWithState(Timers(), "k STRING, n INT", "Update", "EventTime")
        else:
            out = grouped.transformWithStateInPandas(PandasTimers(), "k STRING, n INT", "Update", "EventTime")
        return run_available_now(spark, out, tmp)
    oracle.check(program)


def test_apply_in_pandas_with_state_has_its_own_name(oracle):
    """applyInPandasWithState's operator is named after it and reports none of
    transformWithState's metrics."""
    def program(sql, spark, tmp):
        import pandas as pd

        def count(key, pdfs, state):
            n = (state.get[0] if state.exists else 0) + sum(len(pdf) for pdf in pdfs)
            state.update((n,))
            yield pd.DataFrame({"k": [key[0]], "n": [n]})

        out = stream(spark, tmp).groupBy("k").applyInPandasWithState(
            count, "k STRING, n LONG", "n LONG", "Update", "NoTimeout")
        return run_available_now(spark, out, tmp)
    oracle.check(program)


def ttl_processor(sql):
    """Per key a value, a list and a map state that live 1 ms after the batch that wrote them:
    the batch after (the data batches follow each other) removes what the key did not write again."""
    streaming = importlib_streaming(sql)
    Row = sql.Row

    class Briefly(streaming.StatefulProcessor):
        def init(self, handle):
            self.last = handle.getValueState("last", "v INT", 1)
            self.values = handle.getListState("values", "v INT", 1)
            self.seen = handle.getMapState("seen", "v INT", "n INT", 1)
            self.total = handle.getValueState("total", "n INT")

        def handleInputRows(self, key, rows, timerValues):
            n = (self.total.get() or (0,))[0]
            for row in rows:
                n += 1
                self.last.update((row.v,))
                self.values.appendValue((row.v,))
                self.seen.updateValue((row.v,), (n,))
            self.total.update((n,))
            yield Row(k=key[0], n=n)

    return Briefly


def test_values_removed_by_their_ttl_batch_by_batch(oracle):
    """numValuesRemovedDueToTTLExpiry of the three data batches and the two after them: a list
    counts its elements, a map its entries. A processing-time query runs a batch at every
    trigger, so the query stops once the fifth batch has reported."""
    def program(sql, spark, tmp):
        Briefly = ttl_processor(sql)
        out = stream(spark, tmp).groupBy("k").transformWithState(
            Briefly(), "k STRING, n INT", "Update", "ProcessingTime")
        query = start(spark, out, tmp, processingTime="200 milliseconds")
        deadline = time.monotonic() + 120
        while query.isActive and len(query.recentProgress) < 5 and time.monotonic() < deadline:
            time.sleep(0.1)
        query.stop()
        return [row for row in operator_progress(query.recentProgress) if row[0] < 5]
    oracle.check(program)
