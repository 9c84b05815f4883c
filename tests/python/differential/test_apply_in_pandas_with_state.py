"""groupBy(...).applyInPandasWithState(...) on Spate and on PySpark 4.1, batch by batch: state
update and remove in the Append and Update output modes, event-time timeouts with a watermark
(in the batch without data the moved watermark brings too), processing-time timeouts, and
Spark's refusals.

The programs read one JSON file per micro-batch (maxFilesPerTrigger=1) into a foreachBatch
sink that keeps every batch's rows (the helpers of test_transform_with_state)."""

import pytest

from test_transform_with_state import BATCHES, HDFS, ROCKSDB, run_batches, run_until, stream


def state_module(sql):
    import importlib
    return importlib.import_module(sql.__name__ + ".streaming.state")


def functions():
    """The user functions of the tests, made inside a function so that PySpark's workers
    receive them by value."""

    def running_count(key, pdfs, state):
        """The key's count and sum so far; the third row of a key removes its state."""
        import pandas as pd
        n, s = state.getOption or (0, 0)
        for pdf in pdfs:
            n, s = n + len(pdf), s + int(pdf["v"].sum())
        if n >= 3:
            state.remove()
        else:
            state.update((n, s))
        yield pd.DataFrame({"k": [key[0]], "n": [n], "s": [s], "exists": [state.exists]})

    def event_time_session(key, pdfs, state):
        """A key times out 5 seconds of event time after its latest row (at the watermark when
        that is earlier); a timed-out key says so and goes. Rows carry the watermark the function saw."""
        import pandas as pd
        if state.hasTimedOut:
            n = state.get[0]
            state.remove()
            yield pd.DataFrame({"k": [key[0]], "n": [n], "timed_out": [True],
                                "watermark": [state.getCurrentWatermarkMs()]})
            return
        n = state.getOption[0] if state.exists else 0
        latest = None
        for pdf in pdfs:
            n += len(pdf)
            ms = int(pdf["ts"].max().value // 1_000_000)
            latest = ms if latest is None else max(latest, ms)
        state.update((n,))
        state.setTimeoutTimestamp(max(latest + 5000, state.getCurrentWatermarkMs()))
        yield pd.DataFrame({"k": [key[0]], "n": [n], "timed_out": [False],
                            "watermark": [state.getCurrentWatermarkMs()]})

    def idle_keys(key, pdfs, state):
        """A key times out 1 ms of processing time after its batch: in the next batch that has no
        rows for it. The times themselves differ between runs and stay out of the output."""
        import pandas as pd
        if state.hasTimedOut:
            n = state.get[0]
            state.remove()
            yield pd.DataFrame({"k": [key[0]], "n": [n], "timed_out": [True]})
            return
        n = (state.getOption or (0,))[0] + sum(len(pdf) for pdf in pdfs)
        state.update((n,))
        state.setTimeoutDuration(1)
        assert state.getCurrentProcessingTimeMs() > 0
        yield pd.DataFrame({"k": [key[0]], "n": [n], "timed_out": [False]})

    def first_rows_only(key, pdfs, state):
        """The key's first batch sets its state and a timeout 5 seconds after its latest row;
        later batches leave both alone, so the first timeout stays."""
        import pandas as pd
        if state.hasTimedOut:
            state.remove()
            yield pd.DataFrame({"k": [key[0]], "n": [state.getOption], "timed_out": [True]})
            return
        if state.exists:
            yield pd.DataFrame({"k": [key[0]], "n": [state.get[0]], "timed_out": [False]})
            return
        n, latest = 0, state.getCurrentWatermarkMs()
        for pdf in pdfs:
            n += len(pdf)
            latest = max(latest, int(pdf["ts"].max().value // 1_000_000) + 5000)
        state.update((n,))
        state.setTimeoutTimestamp(latest)
        yield pd.DataFrame({"k": [key[0]], "n": [n], "timed_out": [False]})

    return running_count, event_time_session, idle_keys, first_rows_only


@pytest.mark.parametrize("mode", ["update", "append"])
@pytest.mark.parametrize("provider", [ROCKSDB, HDFS])
def test_update_and_remove(oracle, mode, provider):
    """update, getOption, remove and exists without a timeout, on both state stores."""
    def program(sql, spark, tmp):
        timeout = state_module(sql).GroupStateTimeout.NoTimeout
        out = stream(spark, tmp).groupBy("k").applyInPandasWithState(
            functions()[0], "k STRING, n LONG, s LONG, exists BOOLEAN", "n LONG, s LONG", mode, timeout)
        return run_batches(spark, out, tmp, mode, provider)
    oracle.check(program)


@pytest.mark.parametrize("mode", ["update", "append"])
def test_event_time_timeout(oracle, mode):
    """Timeouts fire when the watermark (max event time minus 10 seconds) passes them, in a
    batch with data and in the no-data batch after the last; late rows are dropped."""
    def program(sql, spark, tmp):
        timeout = state_module(sql).GroupStateTimeout.EventTimeTimeout
        out = (stream(spark, tmp).withWatermark("ts", "10 seconds").groupBy("k")
               .applyInPandasWithState(functions()[1], "k STRING, n LONG, timed_out BOOLEAN, watermark LONG",
                                       "n LONG", mode, timeout))
        return run_batches(spark, out, tmp, mode)
    oracle.check(program)


def test_a_call_that_leaves_the_state_alone_keeps_the_timeout(oracle):
    """A call that neither updates nor removes the state nor sets a timeout keeps the key's
    timeout (a's, set in the first batch, fires after its second batch)."""
    def program(sql, spark, tmp):
        timeout = state_module(sql).GroupStateTimeout.EventTimeTimeout
        out = (stream(spark, tmp).withWatermark("ts", "10 seconds").groupBy("k")
               .applyInPandasWithState(functions()[3], "k STRING, n LONG, timed_out BOOLEAN", "n LONG", "update",
                                       timeout))
        return run_batches(spark, out, tmp, "update")
    oracle.check(program)


def test_processing_time_timeout(oracle):
    """A key without rows in a batch after its timeout passed times out (in the no-data batches
    too); a key with rows does not."""
    def program(sql, spark, tmp):
        timeout = state_module(sql).GroupStateTimeout.ProcessingTimeTimeout
        out = stream(spark, tmp).groupBy("k").applyInPandasWithState(
            functions()[2], "k STRING, n LONG, timed_out BOOLEAN", "n LONG", "update", timeout)
        return run_until(spark, out, tmp, "update", len(BATCHES) + 1)
    oracle.check(program)


def test_complete_output_mode_is_refused(oracle):
    """The function's output mode is append or update."""
    def program(sql, spark, tmp):
        timeout = state_module(sql).GroupStateTimeout.NoTimeout
        out = stream(spark, tmp).groupBy("k").applyInPandasWithState(
            functions()[0], "k STRING, n LONG, s LONG, exists BOOLEAN", "n LONG, s LONG", "complete", timeout)
        return run_batches(spark, out, tmp, "update")
    oracle.check(program, error="IllegalArgumentException")


def test_unknown_output_mode_is_refused(oracle):
    """An output mode Spark does not know."""
    def program(sql, spark, tmp):
        timeout = state_module(sql).GroupStateTimeout.NoTimeout
        out = stream(spark, tmp).groupBy("k").applyInPandasWithState(
            functions()[0], "k STRING, n LONG, s LONG, exists BOOLEAN", "n LONG, s LONG", "sometimes", timeout)
        return run_batches(spark, out, tmp, "update")
    oracle.check(program, error="STREAMING_OUTPUT_MODE.INVALID")


def test_event_time_timeout_without_watermark_is_refused(oracle):
    """An event-time timeout needs a watermark on the input."""
    def program(sql, spark, tmp):
        timeout = state_module(sql).GroupStateTimeout.EventTimeTimeout
        out = stream(spark, tmp).groupBy("k").applyInPandasWithState(
            functions()[1], "k STRING, n LONG, timed_out BOOLEAN, watermark LONG", "n LONG", "update", timeout)
        return run_batches(spark, out, tmp, "update")
    oracle.check(program, error="_LEGACY_ERROR_TEMP_3102")



def test_an_output_mode_other_than_the_querys_is_refused(oracle):
    """Without an aggregation, the function's output mode must be the query's."""
    def program(sql, spark, tmp):
        timeout = state_module(sql).GroupStateTimeout.NoTimeout
        out = stream(spark, tmp).groupBy("k").applyInPandasWithState(
            functions()[0], "k STRING, n LONG, s LONG, exists BOOLEAN", "n LONG, s LONG", "update", timeout)
        return run_batches(spark, out, tmp, "append")
    oracle.check(program, error="_LEGACY_ERROR_TEMP_3102")


def test_clocks_without_a_timeout(oracle):
    """Under NoTimeout a GroupState still has the batch's clocks: the watermark of the query's
    withWatermark (as the batch evicts with it) and the batch's processing time."""
    def clocks(key, pdfs, state):
        import pandas as pd
        n = sum(len(pdf) for pdf in pdfs)
        yield pd.DataFrame({"k": [key[0]], "n": [n], "watermark": [state.getCurrentWatermarkMs()],
                            "now_is_set": [state.getCurrentProcessingTimeMs() > 1_600_000_000_000]})

    def program(sql, spark, tmp):
        timeout = state_module(sql).GroupStateTimeout.NoTimeout
        out = (stream(spark, tmp).withWatermark("ts", "10 seconds").groupBy("k")
               .applyInPandasWithState(clocks, "k STRING, n LONG, watermark LONG, now_is_set BOOLEAN", "n LONG",
                                       "update", timeout))
        return run_batches(spark, out, tmp, "update")
    oracle.check(program)


def test_a_timed_out_call_that_changes_nothing_times_out_again(oracle):
    """A timed-out call that neither updates nor removes the state nor sets a timeout keeps the
    key's timeout, so the key times out again in every later batch (PySpark's pandas rule)."""
    def sticky(key, pdfs, state):
        import pandas as pd
        if state.hasTimedOut:
            yield pd.DataFrame({"k": [key[0]], "n": [state.get[0]], "timed_out": [True]})
            return
        n = (state.getOption or (0,))[0] + sum(len(pdf) for pdf in pdfs)
        state.update((n,))
        state.setTimeoutTimestamp(max(1704067205000, state.getCurrentWatermarkMs()))  # 00:00:05 at the earliest
        yield pd.DataFrame({"k": [key[0]], "n": [n], "timed_out": [False]})

    def program(sql, spark, tmp):
        timeout = state_module(sql).GroupStateTimeout.EventTimeTimeout
        out = (stream(spark, tmp).withWatermark("ts", "10 seconds").groupBy("k")
               .applyInPandasWithState(sticky, "k STRING, n LONG, timed_out BOOLEAN", "n LONG", "update", timeout))
        return run_batches(spark, out, tmp, "update")
    oracle.check(program)
