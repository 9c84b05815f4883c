"""Exactly-once across crashes for transformWithState with event-time timers, with both state
store providers: a processor keeps a value, a list and a map state per key and an event-time
timer, writes Parquet files in Append mode, and runs in a child process killed with SIGKILL at
random points and restarted from its checkpoint. The sink must end up with exactly the rows
of an uninterrupted run: each batch's rows once, each timer fired once, with the state it
had, however the crashes fall (a replayed batch reloads its state and timers).

A second query keeps state with a TTL (ProcessingTime mode) and reads each key's values again
in a later batch, after the short TTLs passed: expired on either side of a restart, as in the
uninterrupted run; a replayed batch runs at the batch timestamp its offsets log recorded, so
its values expire as they did the first time."""

import importlib
import json
import os
import random
import textwrap

import pytest

from stateful_crash_support import PROVIDERS, uninterrupted_and_crashed_outputs
from test_file_stream import read_parquet_folder

CHILD = textwrap.dedent("""
    import sys
    sys.path.insert(0, %r)
    from spate import sql
    from spate.sql import SparkSession
    from test_transform_with_state_crash_recovery import closed_groups as query_of

    src, out, checkpoint, provider = sys.argv[1:5]
    spark = SparkSession.builder.appName("tws-crash-child").getOrCreate()
    spark.conf.set("spate.streaming.checkpoint.fsync", "false")
    spark.conf.set("spark.sql.streaming.stateStore.providerClass", provider)
    spark.conf.set("spark.sql.streaming.stateStore.minDeltasForSnapshot", "3")
    query = (query_of(sql, spark, src).writeStream.format("parquet").outputMode("append")
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
OUTPUT_SCHEMA = "k STRING, n INT, vals STRING, odd INT, fired BIGINT"


def closed_groups(sql, spark, src):
    """Per key: a row for each batch with the key's count so far, and, when the watermark (max
    event time - 1 minute) passes one minute after the key's latest row, a row with its
    values (a list state) and its count of odd values (a map state); the state is then cleared."""
    streaming = importlib.import_module(sql.__name__ + ".streaming")
    Row = sql.Row

    class CloseWhenQuiet(streaming.StatefulProcessor):
        def init(self, handle):
            self.handle = handle
            self.count = handle.getValueState("count", "n INT")
            self.values = handle.getListState("values", "v INT")
            self.parity = handle.getMapState("parity", "odd BOOLEAN", "n INT")

        def handleInputRows(self, key, rows, timerValues):
            n = (self.count.get() or (0,))[0]
            latest = None
            for row in rows:
                n += 1
                self.values.appendValue((row.v,))
                odd = (row.v % 2 == 1,)
                self.parity.updateValue(odd, ((self.parity.getValue(odd) or (0,))[0] + 1,))
                ms = int(row.ts.replace(tzinfo=__import__("datetime").timezone.utc).timestamp() * 1000)
                latest = ms if latest is None else max(latest, ms)
            self.count.update((n,))
            self.handle.registerTimer(latest + 60_000)
            yield Row(k=key[0], n=n, vals=None, odd=None, fired=None)

        def handleExpiredTimer(self, key, timerValues, expiredTimerInfo):
            values = sorted(v for (v,) in self.values.get())
            odd = (self.parity.getValue((True,)) or (0,))[0]
            yield Row(k=key[0], n=self.count.get()[0], vals=",".join(map(str, values)), odd=odd,
                      fired=expiredTimerInfo.getExpiryTimeInMs())
            self.count.clear()
            self.values.clear()
            self.parity.clear()

    stream = (spark.readStream.option("maxFilesPerTrigger", 1).schema("ts TIMESTAMP, k STRING, v INT")
              .json(str(src)).withWatermark("ts", "1 minute"))
    return stream.groupBy("k").transformWithState(CloseWhenQuiet(), OUTPUT_SCHEMA, "Append", "EventTime")


TTL_OUTPUT_SCHEMA = "k STRING, n INT, recent STRING, before BOOLEAN, last INT, seen BOOLEAN"


def ttl_counts(sql, spark, src):
    """Per key: its count of rows so far (a value state with an hour's TTL), the values of this
    batch (a list state with a 1 ms TTL: what earlier batches appended has expired, each batch
    running at least a millisecond after the one before) and whether the list still held
    anything before this batch's rows, the key's last value read before this batch's rows (a
    value state with a 1 ms TTL: gone in a later batch) and whether the key's map of values (a
    map state with a 1 ms TTL) held an entry then."""
    streaming = importlib.import_module(sql.__name__ + ".streaming")
    Row = sql.Row

    class TtlCounts(streaming.StatefulProcessor):
        def init(self, handle):
            self.count = handle.getValueState("count", "n INT", 3_600_000)
            self.recent = handle.getListState("recent", "v INT", 1)
            self.last = handle.getValueState("last", "v INT", 1)
            self.seen = handle.getMapState("seen", "v INT", "n INT", 1)

        def handleInputRows(self, key, rows, timerValues):
            before, last, seen = self.recent.exists(), self.last.get(), self.seen.exists()
            n = (self.count.get() or (0,))[0]
            for row in rows:
                n += 1
                self.recent.appendValue((row.v,))
                self.last.update((row.v,))
                self.seen.updateValue((row.v,), (n,))
            self.count.update((n,))
            recent = ",".join(str(v) for v in sorted(v for (v,) in self.recent.get()))
            yield Row(k=key[0], n=n, recent=recent, before=before, last=last[0] if last else None, seen=seen)

    stream = (spark.readStream.option("maxFilesPerTrigger", 1).schema("ts TIMESTAMP, k STRING, v INT")
              .json(str(src)))
    return stream.groupBy("k").transformWithState(TtlCounts(), TTL_OUTPUT_SCHEMA, "Append", "ProcessingTime")


def write_file(src, index, rows):
    """Writes `rows` as JSON lines into part-<index>.json of `src` at once (a rename), with a
    modification time that orders the files by index."""
    os.makedirs(str(src), exist_ok=True)
    tmp = os.path.join(str(src), ".tmp-%d" % index)
    with open(tmp, "w") as out:
        out.write("".join(json.dumps(r) + "\n" for r in rows))
    os.utime(tmp, (1_700_000_000 + index * 10, 1_700_000_000 + index * 10))
    os.rename(tmp, os.path.join(str(src), "part-%03d.json" % index))


def add_input_file(src, index):
    """File i: keys k<i> (three rows at minutes 5i .. 5i+2) and k<i>-b (two rows); no key has
    rows in two files, so its timer (5i+3 minutes) fires in whichever later batch first sees
    the watermark pass it, with the same state wherever the crashes fall."""
    rows = []
    for j in range(3):
        rows.append({"ts": "2024-01-01T%02d:%02d:00" % (10 + (5 * index + j) // 60, (5 * index + j) % 60),
                     "k": "k%d" % index, "v": index * 10 + j})
    for j in range(2):
        rows.append({"ts": "2024-01-01T%02d:%02d:30" % (10 + (5 * index + j) // 60, (5 * index + j) % 60),
                     "k": "k%d-b" % index, "v": index + j})
    write_file(src, index, rows)


def add_revisiting_file(src, index):
    """File i: key k<i> (values 10i .. 10i+2) and, after the first, one more row of the key
    before it (value 10(i-1)+5): with one file a batch, each key comes back in the next batch,
    where its values with a 1 ms TTL have expired."""
    rows = [{"ts": "2024-01-01T10:00:00", "k": "k%d" % index, "v": index * 10 + j} for j in range(3)]
    if index > 0:
        rows.append({"ts": "2024-01-01T10:00:00", "k": "k%d" % (index - 1), "v": (index - 1) * 10 + 5})
    write_file(src, index, rows)


def results(spark, out, tmp_path, name):
    rows = read_parquet_folder(spark, out, OUTPUT_SCHEMA, tmp_path / name)
    return sorted(((r.k, r.n, r.vals, r.odd, r.fired) for r in rows), key=repr)


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_sigkill_restarts_of_transform_with_state_match_an_uninterrupted_run(spark, tmp_path, provider):
    ref_out, out = uninterrupted_and_crashed_outputs(tmp_path, CHILD, provider, FILES, add_input_file,
                                                     RESTARTS, random.Random(20241205), 0.05)
    expected = results(spark, ref_out, tmp_path, "ref-read")
    fired = [r for r in expected if r[4] is not None]
    assert len(expected) - len(fired) == 2 * FILES  # a row per key's batch
    assert len(fired) >= 2 * (FILES - 2)  # every key's timer but the last files' fired
    assert ("k0", 3, "0,1,2", 1, 1704103380000) in expected
    assert results(spark, out, tmp_path, "read") == expected


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_sigkill_restarts_of_transform_with_state_with_ttl_match_an_uninterrupted_run(spark, tmp_path, provider):
    # A processing-time transformWithState asks for a batch at every trigger; without those
    # batches the availableNow run ends with its last file.
    child = CHILD.replace("closed_groups as query_of", "ttl_counts as query_of").replace(
        'spark.conf.set("spate.streaming.checkpoint.fsync", "false")',
        'spark.conf.set("spate.streaming.checkpoint.fsync", "false")\n'
        'spark.conf.set("spark.sql.streaming.noDataMicroBatches.enabled", "false")')
    # Each key has rows in two files, one batch apart (one file a batch, in the files' order,
    # however the crashes fall): its second batch reads its 1 ms values after their expiry, on
    # either side of a restart, and its hour-long count. A replayed batch runs at the batch
    # timestamp its offsets log recorded, so it sees the values its first run saw.
    ref_out, out = uninterrupted_and_crashed_outputs(tmp_path, child, provider, FILES, add_revisiting_file,
                                                     RESTARTS, random.Random(20241206), 0.05)

    def ttl_results(folder, name):
        rows = read_parquet_folder(spark, folder, TTL_OUTPUT_SCHEMA, tmp_path / name)
        return sorted(((r.k, r.n, r.recent, r.before, r.last, r.seen) for r in rows), key=repr)

    first_batches = [("k%d" % i, 3, "%d,%d,%d" % (10 * i, 10 * i + 1, 10 * i + 2), False, None, False)
                     for i in range(FILES)]
    second_batches = [("k%d" % i, 4, str(10 * i + 5), False, None, False) for i in range(FILES - 1)]
    expected = sorted(first_batches + second_batches, key=repr)
    assert ttl_results(ref_out, "ref-read") == expected
    assert ttl_results(out, "read") == expected
