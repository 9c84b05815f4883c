"""Exactly-once across crashes for applyInPandasWithState with event-time timeouts, with both
state store providers: the function keeps a count and the values of each key in its GroupState
and a timeout one minute of event time after the key's latest row, writes Parquet files in
Append mode, and runs in a child process killed with SIGKILL at random points and restarted
from its checkpoint. The sink must end up with exactly the rows of an uninterrupted run: each
batch's rows once, each timeout once, with the state it had (a replayed batch reloads both)."""

import os
import random
import textwrap

import pytest

from stateful_crash_support import PROVIDERS, uninterrupted_and_crashed_outputs
from test_file_stream import read_parquet_folder
from test_transform_with_state_crash_recovery import add_input_file

CHILD = textwrap.dedent("""
    import sys
    sys.path.insert(0, %r)
    from spate.sql import SparkSession
    from test_apply_in_pandas_with_state_crash_recovery import closed_groups

    src, out, checkpoint, provider = sys.argv[1:5]
    spark = SparkSession.builder.appName("aipws-crash-child").getOrCreate()
    spark.conf.set("spate.streaming.checkpoint.fsync", "false")
    spark.conf.set("spark.sql.streaming.stateStore.providerClass", provider)
    spark.conf.set("spark.sql.streaming.stateStore.minDeltasForSnapshot", "3")
    query = (closed_groups(spark, src).writeStream.format("parquet").outputMode("append")
             .option("checkpointLocation", checkpoint).trigger(availableNow=True).start(out))
    print("started", flush=True)
    query.awaitTermination()
    if query.exception() is not None:
        print("failed:", query.exception(), flush=True)
        sys.exit(3)
    print("done", flush=True)
""" % os.path.dirname(os.path.abspath(__file__)))

FILES = 12
RESTARTS = 10
OUTPUT_SCHEMA = "k STRING, n INT, vals STRING, timed_out BOOLEAN"


def close_when_quiet(key, pdfs, state):
    """A row per batch with the key's count so far; when the key times out, a row with its
    values, and its state goes."""
    import pandas as pd
    if state.hasTimedOut:
        n, vals = state.get
        state.remove()
        yield pd.DataFrame({"k": [key[0]], "n": [n], "vals": [vals], "timed_out": [True]})
        return
    n, vals = state.getOption or (0, "")
    values = [int(v) for v in vals.split(",") if v]
    latest = state.getCurrentWatermarkMs()
    for pdf in pdfs:
        n += len(pdf)
        values += [int(v) for v in pdf["v"]]
        latest = max(latest, int(pdf["ts"].max().value // 1_000_000))
    vals = ",".join(map(str, sorted(values)))
    state.update((n, vals))
    state.setTimeoutTimestamp(latest + 60_000)
    yield pd.DataFrame({"k": [key[0]], "n": [n], "vals": [None], "timed_out": [False]})


def closed_groups(spark, src):
    from spate.sql.streaming.state import GroupStateTimeout
    stream = (spark.readStream.option("maxFilesPerTrigger", 1).schema("ts TIMESTAMP, k STRING, v INT")
              .json(str(src)).withWatermark("ts", "1 minute"))
    return stream.groupBy("k").applyInPandasWithState(close_when_quiet, OUTPUT_SCHEMA, "n INT, vals STRING",
                                                      "append", GroupStateTimeout.EventTimeTimeout)


def results(spark, out, tmp_path, name):
    rows = read_parquet_folder(spark, out, OUTPUT_SCHEMA, tmp_path / name)
    return sorted(((r.k, r.n, r.vals, r.timed_out) for r in rows), key=repr)


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_sigkill_restarts_of_apply_in_pandas_with_state_match_an_uninterrupted_run(spark, tmp_path, provider):
    ref_out, out = uninterrupted_and_crashed_outputs(tmp_path, CHILD, provider, FILES, add_input_file,
                                                     RESTARTS, random.Random(20241206), 0.05)
    expected = results(spark, ref_out, tmp_path, "ref-read")
    timed_out = [r for r in expected if r[3]]
    assert len(expected) - len(timed_out) == 2 * FILES  # a row per key's batch
    assert len(timed_out) >= 2 * (FILES - 2)  # every key but the last files' timed out
    assert ("k0", 3, "0,1,2", True) in expected
    assert results(spark, out, tmp_path, "read") == expected
