"""groupBy(...).transformWithState(...) on Spate and on PySpark 4.1, batch by batch: value,
list and map state, event-time and processing-time timers, the Update and Append output
modes, transformWithStateInPandas, and the errors of a bad time mode.

Each program reads one JSON file per micro-batch (maxFilesPerTrigger=1, availableNow) into a
foreachBatch sink that keeps every batch's rows. PySpark runs transformWithState on the
RocksDB state store only; both engines run it here, and the value-state test also runs Spate's
in-memory store."""

import json
import os
import time

import pytest

from oracle import plain

ROCKSDB = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"
HDFS = "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider"
PROVIDER = "spark.sql.streaming.stateStore.providerClass"

# One inner list per file, hence per micro-batch: (event time, key, value).
BATCHES = [
    [("00:00:00", "a", 1), ("00:00:05", "b", 2), ("00:00:07", "a", 3)],
    [("00:00:20", "a", 4), ("00:00:21", "c", 5)],
    [("00:01:00", "b", 6), ("00:00:01", "a", 7)],
]
SCHEMA = "ts TIMESTAMP, k STRING, v INT"


def stream(spark, tmp, batches=BATCHES):
    folder = os.path.join(tmp, "in")
    os.makedirs(folder, exist_ok=True)
    for i, rows in enumerate(batches):
        path = os.path.join(folder, "part-%03d.json" % i)
        with open(path, "w") as out:
            for ts, k, v in rows:
                out.write(json.dumps({"ts": "2024-01-01T%s" % ts, "k": k, "v": v}) + "\n")
        os.utime(path, (1_700_000_000 + i * 10, 1_700_000_000 + i * 10))
    return spark.readStream.schema(SCHEMA).option("maxFilesPerTrigger", 1).json(folder)


def run_batches(spark, df, tmp, mode, provider=ROCKSDB):
    """Runs `df` with availableNow into foreachBatch; per batch, [batch id, its sorted rows]."""
    batches = []

    def sink(batch_df, batch_id):
        batches.append([batch_id, sorted((plain(row) for row in batch_df.collect()), key=repr)])

    spark.conf.set(PROVIDER, provider)
    try:
        query = (df.writeStream.foreachBatch(sink).outputMode(mode)
                 .option("checkpointLocation", os.path.join(tmp, "cp"))
                 .trigger(availableNow=True).start())
        query.awaitTermination()
    finally:
        spark.conf.unset(PROVIDER)
    return batches


def run_until(spark, df, tmp, mode, batches_with_rows):
    """Runs `df` until `batches_with_rows` batches have emitted rows; those batches' rows, in
    order. A processing-time transformWithState asks for a batch at every trigger (as Spark
    does), so neither availableNow nor processAllAvailable would end, and the empty batches
    between the data batches vary from run to run."""
    batches = []

    def sink(batch_df, batch_id):
        rows = sorted((plain(row) for row in batch_df.collect()), key=repr)
        if rows:
            batches.append(rows)

    spark.conf.set(PROVIDER, ROCKSDB)
    try:
        query = (df.writeStream.foreachBatch(sink).outputMode(mode).trigger(processingTime="200 milliseconds")
                 .option("checkpointLocation", os.path.join(tmp, "cp")).start())
        deadline = time.monotonic() + 120
        while len(batches) < batches_with_rows and query.isActive and time.monotonic() < deadline:
            time.sleep(0.1)
        query.stop()
    finally:
        spark.conf.unset(PROVIDER)
    return batches


def processors(sql):
    """The processors of the tests, over the engine's `sql` module (as a user imports them)."""
    streaming = importlib_streaming(sql)
    Row = sql.Row

    class RunningCount(streaming.StatefulProcessor):
        """A value state: the count and sum of the key's rows so far."""
        def init(self, handle):
            self.total = handle.getValueState("total", "n BIGINT, s BIGINT")

        def handleInputRows(self, key, rows, timerValues):
            n, s = self.total.get() or (0, 0)
            for row in rows:
                n, s = n + 1, s + row.v
            self.total.update((n, s))
            yield Row(k=key[0], n=n, s=s)

    class ListAndMap(streaming.StatefulProcessor):
        """A list of the key's values, a map from value parity to count; a key whose list
        reaches three values is cleared."""
        def init(self, handle):
            self.values = handle.getListState("values", "v INT")
            self.parity = handle.getMapState("parity", "even BOOLEAN", "n INT")

        def handleInputRows(self, key, rows, timerValues):
            for row in rows:
                self.values.appendValue((row.v,))
                even = (row.v % 2 == 0,)
                count = self.parity.getValue(even)
                self.parity.updateValue(even, ((count[0] if count else 0) + 1,))
            values = [v for (v,) in self.values.get()]
            evens = self.parity.getValue((True,))
            keys = sorted(k for (k,) in self.parity.keys())
            yield Row(k=key[0], values=",".join(map(str, values)), evens=evens[0] if evens else 0,
                      parities=",".join(map(str, keys)), has_odd=self.parity.containsKey((False,)))
            if len(values) >= 3:
                self.values.clear()
                self.parity.clear()
            elif not self.parity.containsKey((False,)):
                self.values.put([(v * 10,) for v in values])

    class EventTimeTimer(streaming.StatefulProcessor):
        """An event-time timer 10 seconds after the key's latest row; when the watermark passes
        it, the key's count comes out and its state is cleared."""
        def init(self, handle):
            self.handle = handle
            self.count = handle.getValueState("count", "n INT")

        def handleInputRows(self, key, rows, timerValues):
            n = (self.count.get() or (0,))[0]
            latest = None
            for row in rows:
                n += 1
                ms = int(row.ts.replace(tzinfo=__import__("datetime").timezone.utc).timestamp() * 1000)
                latest = ms if latest is None else max(latest, ms)
            for t in list(self.handle.listTimers()):
                self.handle.deleteTimer(t)
            self.handle.registerTimer(latest + 10_000)
            self.count.update((n,))
            yield Row(k=key[0], n=n, fired=None, watermark=timerValues.getCurrentWatermarkInMs())

        def handleExpiredTimer(self, key, timerValues, expiredTimerInfo):
            n = self.count.get()[0]
            self.count.clear()
            yield Row(k=key[0], n=n, fired=expiredTimerInfo.getExpiryTimeInMs(),
                      watermark=timerValues.getCurrentWatermarkInMs())

    class ProcessingTimeTimer(streaming.StatefulProcessor):
        """A processing-time timer in the past (it fires in the key's next batch that runs its
        timers) and the key's count."""
        def init(self, handle):
            self.handle = handle
            self.count = handle.getValueState("count", "n INT")

        def handleInputRows(self, key, rows, timerValues):
            n = (self.count.get() or (0,))[0] + len(list(rows))
            self.count.update((n,))
            self.handle.registerTimer(1000 * n)
            yield Row(k=key[0], n=n, fired=None, timers=len(list(self.handle.listTimers())))

        def handleExpiredTimer(self, key, timerValues, expiredTimerInfo):
            yield Row(k=key[0], n=self.count.get()[0], fired=expiredTimerInfo.getExpiryTimeInMs(),
                      timers=len(list(self.handle.listTimers())))

    return RunningCount, ListAndMap, EventTimeTimer, ProcessingTimeTimer


def importlib_streaming(sql):
    import importlib
    return importlib.import_module(sql.__name__ + ".streaming")


@pytest.mark.parametrize("mode", ["Update", "Append"])
def test_value_state_running_count(oracle, mode):
    """A count and a sum per key across batches, in each output mode."""
    def program(sql, spark, tmp):
        RunningCount = processors(sql)[0]
        out = stream(spark, tmp).groupBy("k").transformWithState(
            RunningCount(), "k STRING, n BIGINT, s BIGINT", mode, "None")
        return run_batches(spark, out, tmp, mode.lower())
    oracle.check(program)


def test_value_state_on_the_in_memory_store(oracle):
    """Spate runs transformWithState on its in-memory store too (PySpark only on RocksDB):
    the same batches as on RocksDB."""
    def program(sql, spark, tmp):
        RunningCount = processors(sql)[0]
        out = stream(spark, tmp).groupBy("k").transformWithState(
            RunningCount(), "k STRING, n BIGINT, s BIGINT", "Update", "None")
        provider = HDFS if sql.__name__.startswith("spate") else ROCKSDB
        return run_batches(spark, out, tmp, "update", provider)
    oracle.check(program)


def test_value_state_of_many_types(oracle):
    """Values of every state column type, updated and read back in the next batches, equal
    PySpark's (in a session time zone other than UTC). Some values are None, nested values hold
    more types; the scalar columns are also a state of their own (a row without nested types
    or decimals is stored without Arrow)."""
    def program(sql, spark, tmp):
        import datetime
        import decimal
        streaming, Row = importlib_streaming(sql), sql.Row
        schema = ("i TINYINT, s SMALLINT, n INT, b BIGINT, f FLOAT, d DOUBLE, t STRING, y BINARY, ok BOOLEAN, "
                  "day DATE, at TIMESTAMP, local TIMESTAMP_NTZ, amount DECIMAL(10,2), "
                  "tags ARRAY<STRING>, attrs MAP<STRING,INT>, inner STRUCT<x: INT, w: TIMESTAMP>")
        names = [c.split()[0] for c in schema.split(", ") if not c.startswith("w:")]
        flat = schema.split(", amount")[0]  # the columns without decimals and nested types
        flat_names = [c.split()[0] for c in flat.split(", ")]

        def typed_value(v):
            at = datetime.datetime(2024, 6, 10, 1, 59, 59, 999_999) + datetime.timedelta(hours=v)
            return (-128 + v, 32767 - v, -2**31 + v, 2**62 + v, 0.1 * v, -1.5e300 / v, "wert\u00e4 %d" % v,
                    bytes([v, 0, 255]), v % 2 == 0, datetime.date(1969, 12, 31) + datetime.timedelta(days=v), at,
                    None if v == 4 else at, decimal.Decimal("%d.25" % -v),
                    ["x", None, str(v)], {"a": v, "b": None}, (v, at))

        class Typed(streaming.StatefulProcessor):
            def init(self, handle):
                self.flat = handle.getValueState("flat", flat)
                self.value = handle.getValueState("value", schema)

            def handleInputRows(self, key, rows, timerValues):
                before, flat_before = self.value.get(), self.flat.get()
                value = typed_value(min(row.v for row in rows))
                self.value.update(value)
                self.flat.update(value[:len(flat_names)])
                if before is not None:
                    yield Row(k=key[0], **dict(zip(names, flat_before + before[len(flat_names):])))

        spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
        try:
            out = stream(spark, tmp).groupBy("k").transformWithState(Typed(), "k STRING, " + schema, "Update", "None")
            return run_batches(spark, out, tmp, "update")
        finally:
            spark.conf.set("spark.sql.session.timeZone", "UTC")
    oracle.check(program)


def test_list_and_map_state(oracle):
    """appendValue, get, put and clear of a list; getValue, updateValue, keys, containsKey and
    clear of a map."""
    def program(sql, spark, tmp):
        ListAndMap = processors(sql)[1]
        out = stream(spark, tmp).groupBy("k").transformWithState(
            ListAndMap(), "k STRING, values STRING, evens INT, parities STRING, has_odd BOOLEAN",
            "Append", "None")
        return run_batches(spark, out, tmp, "append")
    oracle.check(program)


def test_event_time_timers(oracle):
    """Timers 10 seconds after each key's latest row fire when the watermark (max event time
    minus 5 seconds) passes them, in a batch with data and in the batch without data that the
    moved watermark brings; late rows (00:00:01 in the last batch) are dropped."""
    def program(sql, spark, tmp):
        EventTimeTimer = processors(sql)[2]
        out = (stream(spark, tmp).withWatermark("ts", "5 seconds").groupBy("k")
               .transformWithState(EventTimeTimer(), "k STRING, n INT, fired BIGINT, watermark BIGINT",
                                   "Update", "EventTime"))
        return run_batches(spark, out, tmp, "update")
    oracle.check(program)


def test_processing_time_timers(oracle):
    """Timers at a processing time long past fire in the batch that registers them, after its
    rows; listTimers sees the key's timers, and a fired timer is gone."""
    def program(sql, spark, tmp):
        ProcessingTimeTimer = processors(sql)[3]
        out = stream(spark, tmp).groupBy("k").transformWithState(
            ProcessingTimeTimer(), "k STRING, n INT, fired BIGINT, timers INT", "Update", "ProcessingTime")
        return run_until(spark, out, tmp, "update", len(BATCHES))
    oracle.check(program)


def test_transform_with_state_in_pandas(oracle):
    """transformWithStateInPandas: the key's rows as pandas DataFrames, the output too."""
    def program(sql, spark, tmp):
        import pandas as pd
        streaming = importlib_streaming(sql)

        class Totals(streaming.StatefulProcessor):
            def init(self, handle):
                self.total = handle.getValueState("total", "s BIGINT")

            def handleInputRows(self, key, rows, timerValues):
                s = (self.total.get() or (0,))[0]
                for pdf in rows:
                    s += int(pdf["v"].sum())
                self.total.update((s,))
                yield pd.DataFrame({"k": [key[0]], "s": [s]})

        out = stream(spark, tmp).groupBy("k").transformWithStateInPandas(
            Totals(), "k STRING, s BIGINT", "Update", "None")
        return run_batches(spark, out, tmp, "update")
    oracle.check(program)


def test_state_calls_after_a_yield_act_on_the_key(oracle):
    """handleInputRows is a generator that yields before it reads and updates its state: the
    rest of it runs when the engine takes the rows, still for that key, before the next key."""
    def program(sql, spark, tmp):
        streaming = importlib_streaming(sql)

        class YieldsFirst(streaming.StatefulProcessor):
            def init(self, handle):
                self.seen = handle.getValueState("seen", "n BIGINT")

            def handleInputRows(self, key, rows, timerValues):
                yield sql.Row(k=key[0], before=(self.seen.get() or (0,))[0])
                n = (self.seen.get() or (0,))[0] + len(list(rows))
                self.seen.update((n,))
                yield sql.Row(k=key[0], before=n)

        out = stream(spark, tmp).groupBy("k").transformWithState(
            YieldsFirst(), "k STRING, before BIGINT", "Append", "None")
        return run_batches(spark, out, tmp, "append")
    oracle.check(program)


def test_transform_with_state_in_pandas_frames_of_each_key(oracle):
    """transformWithStateInPandas hands each key a DataFrame of its own rows indexed from 0,
    in the input's order; the output DataFrames keep their own column types (a float NaN
    becomes a null)."""
    def program(sql, spark, tmp):
        import pandas as pd
        streaming = importlib_streaming(sql)

        class Frames(streaming.StatefulProcessor):
            def init(self, handle):
                self.calls = handle.getValueState("calls", "c INT")

            def handleInputRows(self, key, rows, timerValues):
                calls = (self.calls.get() or (0,))[0] + 1
                self.calls.update((calls,))
                for pdf in rows:
                    yield pd.DataFrame({"k": [key[0]], "index": [",".join(map(str, pdf.index))],
                                        "first": [int(pdf.loc[0, "v"])], "vs": [",".join(map(str, pdf["v"]))],
                                        "half": [float("nan") if calls > 1 else 0.5]})

        out = stream(spark, tmp).groupBy("k").transformWithStateInPandas(
            Frames(), "k STRING, index STRING, first INT, vs STRING, half DOUBLE", "Update", "None")
        return run_batches(spark, out, tmp, "update")
    oracle.check(program)


def test_unknown_time_mode(oracle):
    """A time mode Spark does not know: STATEFUL_PROCESSOR_UNKNOWN_TIME_MODE."""
    def program(sql, spark, tmp):
        RunningCount = processors(sql)[0]
        out = stream(spark, tmp).groupBy("k").transformWithState(
            RunningCount(), "k STRING, n BIGINT, s BIGINT", "Update", "Sometimes")
        return run_batches(spark, out, tmp, "update")
    oracle.check(program, error="STATEFUL_PROCESSOR_UNKNOWN_TIME_MODE")


def ttl_processor(sql):
    """Per key, a value, a list and a map state that live 1 ms after their last update (so
    nothing of an earlier batch, whose processing time is at least a trigger interval older,
    is left) and a value that lives an hour; the output shows what each held before the
    batch's rows and what the lists and maps hold after them."""
    streaming = importlib_streaming(sql)
    Row = sql.Row

    class Remember(streaming.StatefulProcessor):
        def init(self, handle):
            self.short = handle.getValueState("short", "v INT", 1)
            self.long = handle.getValueState("long", "v INT", 3_600_000)
            self.values = handle.getListState("values", "v INT", 1)
            self.seen = handle.getMapState("seen", "v INT", "n INT", 1)

        def handleInputRows(self, key, rows, timerValues):
            short, long = self.short.get(), self.long.get()
            before = (self.short.exists(), self.values.exists(), self.seen.exists())
            for row in rows:
                self.short.update((row.v,))
                self.long.update((row.v,))
                self.values.appendValue((row.v,))
                self.seen.updateValue((row.v,), ((self.seen.getValue((row.v,)) or (0,))[0] + 1,))
            yield Row(k=key[0], short=short[0] if short else None, long=long[0] if long else None,
                      existed=",".join(map(str, before)),
                      values=",".join(str(v) for (v,) in self.values.get()),
                      seen=",".join("%d:%d" % (k, n) for (k,), (n,) in sorted(self.seen.iterator())))

    return Remember


def test_ttl_expiry_over_batches(oracle):
    """ttlDurationMs on value, list and map state: a value is gone in the batches after its
    TTL passed, a value with a long TTL stays, and an update in the batch is visible in it."""
    def program(sql, spark, tmp):
        Remember = ttl_processor(sql)
        out = stream(spark, tmp).groupBy("k").transformWithState(
            Remember(), "k STRING, short INT, long INT, existed STRING, values STRING, seen STRING",
            "Update", "ProcessingTime")
        return run_until(spark, out, tmp, "update", len(BATCHES))
    oracle.check(program)


@pytest.mark.parametrize("ttl, mode", [(1000, "None"), (1000, "EventTime"), (-5, "ProcessingTime")])
def test_ttl_refusals(oracle, ttl, mode):
    """A TTL outside ProcessingTime mode, or a negative one: Spark's error classes, raised by
    the query (a TTL of 0 is no TTL)."""
    def program(sql, spark, tmp):
        import re
        streaming = importlib_streaming(sql)

        class WithTtl(streaming.StatefulProcessor):
            def init(self, handle):
                self.state = handle.getListState("state", "v INT", ttl)

            def handleInputRows(self, key, rows, timerValues):
                yield sql.Row(k=key[0])

        df = stream(spark, tmp)
        if mode == "EventTime":
            df = df.withWatermark("ts", "5 seconds")
        out = df.groupBy("k").transformWithState(WithTtl(), "k STRING", "Update", mode)
        spark.conf.set(PROVIDER, ROCKSDB)
        try:
            query = (out.writeStream.format("noop").outputMode("update")
                     .option("checkpointLocation", os.path.join(tmp, "cp"))
                     .trigger(processingTime="200 milliseconds").start())
            try:
                query.awaitTermination(60)
            finally:
                query.stop()
        except Exception as e:  # noqa: BLE001 - the query's failure names the processor's error
            return re.findall(r"\[(STATEFUL_PROCESSOR_[A-Z_]+)\]", str(e))[:1]
        finally:
            spark.conf.unset(PROVIDER)
        return "ran"
    oracle.check(program)


def initial_state_processor(sql):
    """A running total per key that starts from the initial state's `init` column; the
    initial state's rows as handleInitialState saw them (their fields, and the clocks)."""
    streaming = importlib_streaming(sql)
    Row = sql.Row

    class FromInitialState(streaming.StatefulProcessor):
        def init(self, handle):
            self.total = handle.getValueState("total", "n BIGINT")
            self.initial = handle.getListState("initial", "row STRING")

        def handleInitialState(self, key, initialState, timerValues):
            self.total.update(((self.total.get() or (0,))[0] + initialState.init,))
            self.initial.appendValue(("%s@%d" % (sorted(initialState.asDict().items()),
                                                 timerValues.getCurrentProcessingTimeInMs()),))

        def handleInputRows(self, key, rows, timerValues):
            n = (self.total.get() or (0,))[0] + sum(row.v for row in rows)
            self.total.update((n,))
            yield Row(k=key[0], n=n, initial="; ".join(sorted(r for (r,) in self.initial.get())))

    return FromInitialState


def initial_state(spark):
    return spark.createDataFrame([("a", 5, "x"), ("a", 6, "y"), ("c", 7, "z"), ("d", 8, "w")],
                                 "k STRING, init INT, extra STRING")


@pytest.mark.parametrize("mode", ["Update", "Append"])
def test_initial_state(oracle, mode):
    """initialState: handleInitialState once per row of the initial state (a Row of all its
    columns), in the first batch only, before that batch's rows; a key of the initial state
    without rows in the first batch (c) keeps its state for later batches."""
    def program(sql, spark, tmp):
        FromInitialState = initial_state_processor(sql)
        out = stream(spark, tmp).groupBy("k").transformWithState(
            FromInitialState(), "k STRING, n BIGINT, initial STRING", mode, "None",
            initialState=initial_state(spark).groupBy("k"))
        return run_batches(spark, out, tmp, mode.lower())
    oracle.check(program)


def test_initial_state_in_pandas(oracle):
    """transformWithStateInPandas with an initialState: handleInitialState once per key, with
    a pandas DataFrame of the key's rows."""
    def program(sql, spark, tmp):
        import pandas as pd
        streaming = importlib_streaming(sql)

        class Totals(streaming.StatefulProcessor):
            def init(self, handle):
                self.total = handle.getValueState("total", "s BIGINT")
                self.calls = handle.getValueState("calls", "c INT")

            def handleInitialState(self, key, initialState, timerValues):
                self.total.update(((self.total.get() or (0,))[0] + int(initialState["init"].sum()),))
                self.calls.update(((self.calls.get() or (0,))[0] + 1,))

            def handleInputRows(self, key, rows, timerValues):
                s = (self.total.get() or (0,))[0]
                for pdf in rows:
                    s += int(pdf["v"].sum())
                self.total.update((s,))
                yield pd.DataFrame({"k": [key[0]], "s": [s], "calls": [(self.calls.get() or (0,))[0]]})

        out = stream(spark, tmp).groupBy("k").transformWithStateInPandas(
            Totals(), "k STRING, s BIGINT, calls INT", "Update", "None",
            initialState=initial_state(spark).groupBy("k"))
        return run_batches(spark, out, tmp, "update")
    oracle.check(program)


def test_initial_state_must_be_grouped(oracle):
    """An initialState that is not a GroupedData: PySpark's assertion."""
    def program(sql, spark, tmp):
        FromInitialState = initial_state_processor(sql)
        return stream(spark, tmp).groupBy("k").transformWithState(
            FromInitialState(), "k STRING, n BIGINT, initial STRING", "Update", "None",
            initialState=initial_state(spark))
    oracle.check(program, error="AssertionError")


@pytest.mark.parametrize("api", ["transformWithState", "transformWithStateInPandas"])
@pytest.mark.parametrize("call", ["put", "appendList"])
def test_list_state_refuses_an_empty_list(oracle, api, call):
    """ListState.put([]) and appendList([]) do not clear or keep the list: the state store
    refuses them (ILLEGAL_STATE_STORE_VALUE.EMPTY_LIST_VALUE), raised to the processor as
    PySpark's PySparkRuntimeError, and the query fails; its error quotes that exception."""
    def program(sql, spark, tmp):
        import re
        import pandas as pd
        streaming = importlib_streaming(sql)

        class EmptiesTheList(streaming.StatefulProcessor):
            def init(self, handle):
                self.values = handle.getListState("values", "v INT")

            def handleInputRows(self, key, rows, timerValues):
                for row in rows:
                    self.values.appendValue((1,))
                getattr(self.values, call)([])
                if api == "transformWithState":
                    yield sql.Row(k=key[0])
                else:
                    yield pd.DataFrame({"k": [key[0]]})

        grouped = stream(spark, tmp, BATCHES[:1]).groupBy("k")
        out = getattr(grouped, api)(EmptiesTheList(), "k STRING", "Update", "None")
        try:
            run_batches(spark, out, tmp, "update")
        except Exception as e:  # noqa: BLE001 - the query's failure carries the processor's error
            return sorted(set(re.findall(r"(\w+): (Error updating value state: [^\n]*)", str(e))))
        return "ran"
    want = oracle.check(program)
    assert "PySparkRuntimeError" in repr(want) and "EMPTY_LIST_VALUE" in repr(want), want
