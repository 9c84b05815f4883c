"""The Nexmark queries of bench/nexmark run on Spate and on PySpark 4.1 and compared batch by
batch. PySpark has no Nexmark source: both engines read the same seeded events, which Spate
generates into Parquet files (one file a micro-batch per table). Spate also runs each query
straight over format("nexmark") and must give the rows it gives over the files."""

import os
import sys

import pytest

from oracle import plain

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "bench"))
from nexmark import QUERIES, runner  # noqa: E402

NUM_EVENTS = 20_000
NUM_FILES = 4


@pytest.fixture(scope="module")
def events(oracle, tmp_path_factory):
    """The events' folder; 20,000 events, 4 files a table."""
    folder = str(tmp_path_factory.mktemp("nexmark"))
    return runner.write_events(oracle.spate.spark, folder, NUM_EVENTS, NUM_FILES)


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
        return run_batches(spark, runner.file_streams(spark, events), name, os.path.join(tmp, "cp"))

    _, batches = oracle.check(program)
    assert len(batches) == NUM_FILES, "one batch a file"
    assert any(rows for _, rows in batches), "the query selects some rows"


@pytest.mark.parametrize("name", QUERIES)
def test_nexmark_query_over_the_source_gives_the_rows_it_gives_over_files(oracle, events, tmp_path, name):
    spate = oracle.spate.spark
    over_files = run_batches(spate, runner.file_streams(spate, events), name, str(tmp_path / "files"))
    direct = run_batches(spate, runner.nexmark_streams(spate, NUM_EVENTS), name, str(tmp_path / "direct"))

    def rows(result):
        return sorted((row for _, batch in result[1] for row in batch), key=repr)
    assert rows(over_files), "the query selects some rows"
    assert rows(direct) == rows(over_files)


def test_an_unknown_query_names_the_queries(oracle):
    with pytest.raises(ValueError, match=r"unknown Nexmark query 'q99': the queries are q0, q1, q2, q3"):
        runner.query("q99", oracle.spate.spark, {})
