"""The nexmark source from Python: spark.readStream.format("nexmark") and spark.read.format("nexmark"),
Nexmark's person / auction / bid events. Spark has no such source, so there is no PySpark oracle:
the expectations below are the reference generator's rules (1 person, 3 auctions and 46 bids in
every 50 events, ids from 1000, 10,000 events a second of event time from 2015-07-15T00:00:00Z).
Each test runs in a fresh process that imports Spate first (the fresh_process mark)."""

import datetime as dt

import pytest

from spate.errors import AnalysisException, IllegalArgumentException
from spate.sql import functions as F

pytestmark = pytest.mark.fresh_process

TIMEOUT = 120
BASE = dt.datetime(2015, 7, 15)


def nexmark_stream(spark, **options):
    return spark.readStream.format("nexmark").options(**options).load()


def run_to_end(df, checkpoint):
    """Runs the stream to its last event; the rows of each batch, in batch order."""
    batches = []
    q = (df.writeStream.foreachBatch(lambda batch, batch_id: batches.append((batch_id, batch.collect())))
         .option("checkpointLocation", str(checkpoint)).start())
    q.processAllAvailable()
    q.stop()
    return [rows for _, rows in sorted(batches, key=lambda b: b[0])]


def test_nexmark_stream_restarts_exactly_and_matches_a_batch_read(spark, tmp_path):
    checkpoint = tmp_path / "cp"
    first = run_to_end(nexmark_stream(spark, numEvents=300, maxEventsPerTrigger=100), checkpoint)
    assert [len(rows) for rows in first] == [100, 100, 100]
    second = run_to_end(nexmark_stream(spark, numEvents=1000, maxEventsPerTrigger=400), checkpoint)
    assert [len(rows) for rows in second] == [400, 300]  # continues at event 300
    streamed = [row for rows in first + second for row in rows]
    batch = spark.read.format("nexmark").option("numEvents", 1000).load()
    assert batch.columns == ["event_type", "person", "auction", "bid", "dateTime"]
    assert streamed == batch.collect()

    kinds = [row.event_type for row in streamed]
    assert (kinds.count(0), kinds.count(1), kinds.count(2)) == (20, 60, 920)
    assert [row.person.id for row in streamed if row.event_type == 0] == list(range(1000, 1020))
    assert [row.auction.id for row in streamed if row.event_type == 1] == list(range(1000, 1060))
    assert all(row.person is None and row.auction is None for row in streamed if row.event_type == 2)
    assert [row.dateTime for row in streamed[:21:10]] == [BASE, BASE + dt.timedelta(milliseconds=1),
                                                          BASE + dt.timedelta(milliseconds=2)]


def test_nexmark_tables_are_flat_and_seeded(spark):
    def bids(**options):
        return spark.read.format("nexmark").options(numEvents=5000, table="bid", **options).load()

    df = bids()
    assert df.columns == ["auction", "bidder", "price", "channel", "url", "dateTime", "extra"]
    assert dict(df.dtypes)["dateTime"] == "timestamp"
    assert df.count() == 4600
    assert bids().collect() == df.collect()
    other = bids(seed=42).collect()
    assert other != df.collect()
    # The seed changes the random values, not which events are bids nor their times.
    assert [r.dateTime for r in other] == [r.dateTime for r in df.collect()]
    # The same events whatever the partitions, partition after partition.
    assert sorted(bids(numPartitions=3).collect()) == sorted(df.collect())
    # Half the bids go to the hot auction at the default hotAuctionRatio 2; with 1, none do
    # but by chance.
    hot = F.col("auction") == F.lit(1000) + F.floor((F.col("auction") - 1000) / 100) * 100
    assert 0.45 < df.filter(hot).count() / 4600 < 0.6
    assert bids(hotAuctionRatio=1).filter(hot).count() / 4600 < 0.1
    people = spark.read.format("nexmark").options(numEvents=5000, table="person").load()
    assert people.columns == ["id", "name", "emailAddress", "creditCard", "city", "state", "dateTime", "extra"]
    assert people.agg(F.min("id"), F.max("id")).first() == (1000, 1099)


def test_nexmark_bids_in_event_time_windows_with_a_watermark(spark, tmp_path):
    bids = nexmark_stream(spark, table="bid", numEvents=250000, maxEventsPerTrigger=50000)
    counts = (bids.withWatermark("dateTime", "4 seconds")
              .groupBy(F.window("dateTime", "10 seconds")).count())
    q = (counts.writeStream.format("memory").queryName("nexmark_windows").outputMode("append")
         .option("checkpointLocation", str(tmp_path / "cp")).trigger(availableNow=True).start())
    assert q.awaitTermination(TIMEOUT) is True
    rows = spark.sql("SELECT window.start, count FROM nexmark_windows ORDER BY 1").collect()
    # 100,000 events in every 10 s, 92,000 of them bids; the watermark (25 s - 4 s) closes two.
    assert [tuple(r) for r in rows] == [(BASE, 92000), (BASE + dt.timedelta(seconds=10), 92000)]


@pytest.mark.parametrize("option,value,message", [
    ("table", "bids", "The option 'table' must be person, auction or bid"),
    ("numPartitions", 0, "Invalid value '0'. The option 'numPartitions' must be positive"),
    ("eventsPerSecond", -1, "The option 'eventsPerSecond' must be non-negative"),
    ("hotBiddersRatio", 0, "The option 'hotBiddersRatio' must be at least 1"),
])
def test_nexmark_bad_options_name_the_option(spark, option, value, message):
    with pytest.raises(IllegalArgumentException, match=message):
        nexmark_stream(spark, **{option: value}).writeStream.format("noop").start()


def test_nexmark_batch_read_needs_num_events(spark):
    with pytest.raises(IllegalArgumentException, match="'numEvents' is required for a batch read"):
        spark.read.format("nexmark").load()


@pytest.mark.parametrize("reader", ["read", "readStream"])
def test_nexmark_refuses_a_user_schema(spark, reader):
    with pytest.raises(AnalysisException, match="The nexmark source does not support a user-specified schema"):
        getattr(spark, reader).format("nexmark").schema("a INT").option("numEvents", 10).load()
