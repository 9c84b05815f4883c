"""The Nexmark queries of bench/nexmark run on Spate and on PySpark 4.1 and compared batch by
batch. PySpark has no Nexmark source: both engines read the same seeded events, which Spate
generates into Parquet files (one file a micro-batch per table). Spate also runs each query
straight over format("nexmark") and must give the batches it gives over the files.

20,000 events come at 10,000 a second of event time, 2 seconds in all; the queries over
10-second windows take them at 500 a second (40 seconds, four windows). The source paces
such a rate in real time, so those run over files only."""

import os
import sys

import pytest

from oracle import plain

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "bench"))
from nexmark import QUERIES, runner  # noqa: E402

NUM_EVENTS = 20_000
NUM_FILES = 4
WINDOWED = {"q5", "q7", "q8"}


@pytest.fixture(scope="module")
def events(oracle, tmp_path_factory):
    """The folder of the events a query reads (20,000 events, 4 files a table), written once
    for each rate."""
    folders = {}

    def of(name):
        rate = 500 if name in WINDOWED else 10_000
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


@pytest.mark.parametrize("name", QUERIES)
def test_nexmark_query_matches_pyspark_batch_by_batch(oracle, events, name):
    def program(sql, spark, tmp):
        return run_batches(spark, runner.file_streams(spark, events(name)), name, os.path.join(tmp, "cp"))

    _, batches = oracle.check(program)
    # A batch a file; with windows, then the no-data batch that closes the last ones.
    assert len(batches) == NUM_FILES + (name in WINDOWED)
    assert any(rows for _, rows in batches), "the query selects some rows"


@pytest.mark.parametrize("name", [name for name in QUERIES if name not in WINDOWED])
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


def test_an_unknown_query_names_the_queries(oracle):
    with pytest.raises(ValueError, match="unknown Nexmark query 'q99': the queries are q0, q1, q2"):
        runner.query("q99", oracle.spate.spark, {})
