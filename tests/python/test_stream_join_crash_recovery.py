"""Exactly-once across crashes for stream-stream joins (inner, left outer, full outer and left
semi), with both state store providers: impressions joined with the clicks that come within 10
minutes of them (watermarks of 10 minutes on both sides, JSON files -> Parquet files) run in a
child process killed with SIGKILL at random points and restarted from its checkpoint. The sink
must end up with exactly the rows of an uninterrupted run: every match once (a left semi join's
impression once), every unmatched row of an outer join's preserved side padded with NULLs once
its state is evicted, no row lost or emitted twice by a replayed batch.

A kill can land after a source logged the file of its next batch but before the batch's offsets
were written: the restarted query then reads that file and the next one in one batch (Spark's
file source does the same), while the other side reads one, so the batches of the two sides no
longer pair up as in a run without kills. And a restarted query knows only the watermark of the
checkpoint, not each side's (Spark keeps those in memory too): when its first batch has rows
of one side only, the watermark moves to that side's. Both legitimately change which rows are
padded and when. So the uninterrupted reference replays the killed run: per batch and side, one
file with the rows that batch read, stopped and restarted (cleanly) where the killed run
restarted, without no-data batches (which a killed run may or may not have reached).

differential/test_stream_join_state.py runs the same programs uninterrupted on PySpark 4.1,
one file of each side per batch."""

import json
import os
import random
import textwrap

import pytest

from stateful_crash_support import PROVIDERS
from test_stream_crash_recovery import crash_then_finish, run_to_end
from test_file_stream import read_parquet_folder

CHILD = textwrap.dedent("""
    import os
    import sys
    sys.path.insert(0, %r)
    from spate import sql
    from spate.sql import SparkSession
    from test_stream_join_crash_recovery import impressions_join_clicks

    src, out, checkpoint, provider = sys.argv[1:5]
    commits = os.path.join(checkpoint, "commits")
    with open(checkpoint + ".starts", "a") as starts:  # the batch this run starts at
        print(len([n for n in os.listdir(commits) if n.isdigit()]) if os.path.isdir(commits) else 0, file=starts)
    spark = SparkSession.builder.appName("join-crash-child").getOrCreate()
    spark.conf.set("spate.streaming.checkpoint.fsync", "false")
    spark.conf.set("spark.sql.streaming.stateStore.providerClass", provider)
    spark.conf.set("spark.sql.streaming.stateStore.minDeltasForSnapshot", "3")
    spark.conf.set("spark.sql.streaming.noDataMicroBatches.enabled", "false")
    query = (impressions_join_clicks(sql, spark, src, %r).writeStream.format("parquet").outputMode("append")
             .option("checkpointLocation", checkpoint).trigger(availableNow=True).start(out))
    print("started", flush=True)
    query.awaitTermination()
    if query.exception() is not None:
        print("failed:", query.exception(), flush=True)
        sys.exit(3)
    print("done", flush=True)
""")  # % (the folder of this file, the join type)

FILES = 12
RESTARTS = 10
JOIN_TYPES = ["inner", "left_outer", "full_outer", "left_semi"]
IMPRESSION_COLUMNS = "id BIGINT, it TIMESTAMP, note STRING"
CLICK_COLUMNS = "cid BIGINT, ct TIMESTAMP"


def impressions_join_clicks(sql, spark, src, how):
    """Impressions (id, it, note) joined (`how`) with clicks (cid, ct) on id = cid with
    it <= ct <= it + 10 minutes; one file of each side per micro-batch."""
    def side(name, schema, column):
        return (spark.readStream.option("maxFilesPerTrigger", 1).schema(schema)
                .json(os.path.join(str(src), name)).withWatermark(column, "10 minutes"))
    impressions = side("impressions", IMPRESSION_COLUMNS, "it")
    clicks = side("clicks", CLICK_COLUMNS, "ct")
    condition = sql.functions.expr("id = cid AND ct >= it AND ct <= it + interval 10 minutes")
    return impressions.join(clicks, condition, how)


def _time(minute):
    return "2024-01-01T%02d:%02d:00" % (10 + minute // 60, minute % 60)


def _write(folder, index, rows):
    """Writes file `index` atomically, with a modification time after the previous file's (the
    order in which the file source takes files, one per batch)."""
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, ".tmp-%d" % index)
    with open(tmp, "w") as out:
        out.write("".join(json.dumps(r) + "\n" for r in rows))
    os.utime(tmp, (1_700_000_000 + index * 10, 1_700_000_000 + index * 10))
    os.rename(tmp, os.path.join(folder, "part-%03d.json" % index))


def add_input_file(src, index):
    """File i of each side. Impressions at minutes m = 5i .. 5i+4, ids 4m .. 4m+3: id 4m is
    clicked 3 minutes later in the same batch, 4m+1 too and again 20 minutes later (out of
    range), 4m+2 8 minutes later in the next batch (so its click joins a stored impression),
    4m+3 never (padded with NULLs once the watermark evicts it). A click on id -1-m has no
    impression. From file 4 on an impression 40 minutes old is late however the batches fall
    (batch i-1 leaves a watermark of 5i - 11 minutes) and the other rows never are, and batch i
    reads file i of both sides, so the rows do not depend on where the crashes fall."""
    impressions, clicks = [], []
    for m in range(5 * index, 5 * index + 5):
        impressions += [{"id": 4 * m + k, "it": _time(m), "note": "n%d" % (4 * m + k)} for k in range(4)]
        clicks += [{"cid": 4 * m, "ct": _time(m + 3)}, {"cid": 4 * m + 1, "ct": _time(m + 3)},
                   {"cid": 4 * m + 1, "ct": _time(m + 20)}, {"cid": -1 - m, "ct": _time(m + 1)}]
        if index > 0:
            previous = m - 5
            clicks.append({"cid": 4 * previous + 2, "ct": _time(previous + 8)})
    if index >= 4:
        impressions.append({"id": 100000 + index, "it": _time(5 * index - 40), "note": "late"})
    _write(os.path.join(str(src), "impressions"), index, impressions)
    _write(os.path.join(str(src), "clicks"), index, clicks)


def _log_lines(path):
    """The JSON lines of a checkpoint log entry (after its version line)."""
    with open(path) as entry:
        return [json.loads(line) for line in entry.read().splitlines()[1:] if line.strip()]


def files_per_batch(checkpoint, side):
    """Per batch of a finished run, the input files that the source of `side` read: the
    files its log holds after the previous batch's offset up to this batch's."""
    sources = os.path.join(str(checkpoint), "sources")
    for source in sorted(os.listdir(sources)):
        log = {}
        for name in os.listdir(os.path.join(sources, source)):
            if not name.startswith("."):
                for entry in _log_lines(os.path.join(sources, source, name)):
                    log.setdefault(entry["batchId"], []).append(entry["path"].replace("file://", ""))
        if any("/%s/" % side in path for paths in log.values() for path in paths):
            break
    offsets_dir = os.path.join(str(checkpoint), "offsets")
    batches, previous = [], -1
    for batch in sorted(int(n) for n in os.listdir(offsets_dir) if n.isdigit()):
        offset = _log_lines(os.path.join(offsets_dir, str(batch)))[1 + int(source)].get("logOffset", previous)
        batches.append([path for n in range(previous + 1, offset + 1) for path in log.get(n, [])])
        previous = offset
    return batches


def replay_input(checkpoint, folder, batches):
    """Input for a run whose batches read what `batches` (a range) of the run at `checkpoint`
    read: per batch and side, one file with the rows of the files that batch read (empty if
    none)."""
    for side in ("impressions", "clicks"):
        files = files_per_batch(checkpoint, side)
        for index in batches:
            rows = [json.loads(line) for path in files[index] for line in open(path).read().splitlines()]
            _write(os.path.join(str(folder), side), index, rows)


def replay(script, checkpoint, src, out, ref_checkpoint, provider):
    """Runs the query uninterrupted over the batches of the killed run at `checkpoint`, ending
    a run where a killed run restarted and starting the next one from its checkpoint."""
    with open(str(checkpoint) + ".starts") as starts:
        restarts = sorted({int(line) for line in starts if int(line) > 0})
    total = len(files_per_batch(checkpoint, "impressions"))
    begin = 0
    for end in restarts + [total]:
        replay_input(checkpoint, src, range(begin, end))
        run_to_end(script, (src, out, ref_checkpoint, provider))
        begin = end


def results(spark, out, tmp_path, name, how):
    schema = IMPRESSION_COLUMNS if how == "left_semi" else IMPRESSION_COLUMNS + ", " + CLICK_COLUMNS
    rows = read_parquet_folder(spark, out, schema, tmp_path / name)
    return sorted((tuple(r) for r in rows), key=repr)


def check_kinds_of_rows(how, rows):
    """The run covers what the join type can emit, over many batches: matches, and for an
    outer join impressions (and, full outer, clicks) padded with NULLs; never a late row."""
    assert not any(r[2] == "late" for r in rows)
    if how == "left_semi":
        assert len(rows) > 80 and len(set(rows)) == len(rows)  # an impression once
        return
    matched = [r for r in rows if r[0] is not None and r[3] is not None]
    padded_impressions = [r for r in rows if r[3] is None]
    padded_clicks = [r for r in rows if r[0] is None]
    assert len(matched) > 60
    assert (len(padded_impressions) > 20) == (how in ("left_outer", "full_outer"))
    assert (len(padded_clicks) > 20) == (how == "full_outer")


@pytest.mark.parametrize("how", JOIN_TYPES)
@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_sigkill_restarts_of_a_join_match_an_uninterrupted_run(spark, tmp_path, provider, how):
    script = tmp_path / "child.py"
    script.write_text(CHILD % (os.path.dirname(os.path.abspath(__file__)), how))
    src, out, checkpoint = tmp_path / "in", tmp_path / "out", tmp_path / "cp"
    src.mkdir()
    crash_then_finish(script, (src, out, checkpoint, PROVIDERS[provider]), RESTARTS, FILES,
                      lambda i: add_input_file(src, i), random.Random(20241204), 0.05)
    ref_out = tmp_path / "ref-out"
    replay(script, checkpoint, tmp_path / "ref-in", ref_out, tmp_path / "ref-cp", PROVIDERS[provider])
    expected = results(spark, ref_out, tmp_path, "ref-read", how)
    check_kinds_of_rows(how, expected)
    assert results(spark, out, tmp_path, "read", how) == expected
