"""The Nexmark queries of bench/nexmark run on Spate and on PySpark 4.1 and compared batch by
batch. PySpark has no Nexmark source: both engines read the same seeded events, which Spate
generates into Parquet files (one file a micro-batch per table). Spate also runs each query
straight over format("nexmark") and must give the batches it gives over the files.

20,000 events come at 10,000 a second of event time, 2 seconds in all; the queries over
10-second windows, sessions or auctions' expiry take them at 500 a second (40 seconds, four
windows). The source paces such a rate in real time, so those run over files only. q12
counts in windows of processing time, which no two runs share: its own test compares the
counts' totals."""

import collections
import os
import sys

import pytest

from oracle import plain

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "bench"))
from nexmark import QUERIES, runner  # noqa: E402

NUM_EVENTS = 20_000
NUM_FILES = 4
WINDOWED = {"q4", "q5", "q6", "q7", "q8", "q9", "q11"}
PROCESSING_TIME = {"q12"}
REPRODUCIBLE = [name for name in QUERIES if name not in PROCESSING_TIME]


@pytest.fixture(scope="module")
def events(oracle, tmp_path_factory):
    """The folder of the events a query reads (20,000 events, 4 files a table), written once
    for each rate: of(name) for query `name`'s, or of(rate=...)."""
    folders = {}

    def of(name=None, rate=None):
        rate = rate or (500 if name in WINDOWED else 10_000)
        if rate not in folders:
            folder = str(tmp_path_factory.mktemp("nexmark"))
            folders[rate] = runner.write_events(oracle.spate.spark, folder, NUM_EVENTS, NUM_FILES,
                                                events_per_second=rate)
        return folders[rate]
    return of


def run_batches(spark, streams, name, checkpoint):
    """Query `name`'s columns, and per batch [batch id, its rows in a fixed order]."""
    df, mode = runner.query(name, spark, streams)
    batches = []
    runner.run(df, mode, checkpoint, lambda batch, batch_id: batches.append(
        [batch_id, sorted((plain(row) for row in batch.collect()), key=repr)]))
    columns = [[f.name, f.dataType.simpleString(), f.nullable] for f in df.schema.fields]
    return columns, sorted(batches)


@pytest.mark.parametrize("name", REPRODUCIBLE)
def test_nexmark_query_matches_pyspark_batch_by_batch(oracle, events, name):
    def program(sql, spark, tmp):
        return run_batches(spark, runner.file_streams(spark, events(name)), name, os.path.join(tmp, "cp"))

    _, batches = oracle.check(program)
    # A batch a file; with windows, then the no-data batch that closes the last ones.
    assert len(batches) == NUM_FILES + (name in WINDOWED)
    assert any(rows for _, rows in batches), "the query selects some rows"


@pytest.mark.parametrize("name", [name for name in REPRODUCIBLE if name not in WINDOWED])
def test_nexmark_query_over_the_source_gives_the_batches_it_gives_over_files(oracle, events, tmp_path, name):
    """A file holds the events of a quarter of the time, so the source gives the same batches
    when it takes a quarter of the events a batch."""
    spate = oracle.spate.spark
    over_files = run_batches(spate, runner.file_streams(spate, events(name)), name, str(tmp_path / "files"))
    direct = run_batches(spate, runner.nexmark_streams(spate, NUM_EVENTS,
                                                       maxEventsPerTrigger=NUM_EVENTS // NUM_FILES),
                         name, str(tmp_path / "direct"))
    assert any(rows for _, rows in over_files[1]), "the query selects some rows"
    assert direct == over_files


def test_q10_writes_the_files_pyspark_writes_partitioned_by_date_and_minute(oracle, events):
    # At 100 events a second, the 20,000 events span 200 seconds: four minutes, four partitions.
    def program(sql, spark, tmp):
        df, mode = runner.query("q10", spark, runner.file_streams(spark, events(rate=100)))
        runner.start_stream("q10", df, mode, tmp).awaitTermination()
        output = os.path.join(tmp, "output")
        partitions = sorted(os.path.relpath(folder, output) for folder, _, files in os.walk(output)
                            if any(name.endswith(".parquet") for name in files))
        written = spark.read.parquet(output)
        columns = [[f.name, f.dataType.simpleString()] for f in written.schema.fields]
        return partitions, columns, sorted((plain(row) for row in written.collect()), key=repr)

    partitions, _, rows = oracle.check(program)
    assert len(partitions) == 4 and len(rows) == NUM_EVENTS * 46 // 50  # 46 bids in 50 events


def test_q12_counts_each_bid_once_in_the_processing_time_windows(oracle, events):
    # Each (bidder, window)'s last count, summed per bidder, is the bidder's number of bids.
    def program(sql, spark, tmp):
        streams = runner.file_streams(spark, events("q12"))
        df, mode = runner.query("q12", spark, streams)
        last = {}
        runner.run(df, mode, os.path.join(tmp, "cp"), lambda batch, _: last.update(
            ((row.bidder, row.starttime), row.bid_count) for row in batch.collect()))
        totals = collections.Counter()
        for (bidder, _), count in last.items():
            totals[bidder] += count
        bids = spark.read.parquet(os.path.join(events("q12"), "bid")).groupBy("bidder").count()
        return sorted(totals.items()), sorted((row.bidder, row["count"]) for row in bids.collect())

    totals, bids = oracle.check(program)
    assert totals == bids


def test_an_unknown_query_names_the_queries(oracle):
    with pytest.raises(ValueError, match="unknown Nexmark query 'q99': the queries are q0, q1, q2"):
        runner.query("q99", oracle.spate.spark, {})
