"""Nexmark q12, processing-time windows: how many bids each bidder made in each 10-second
tumbling window of processing time.

Spark's processing time is the micro-batch's (current_timestamp()). Without a watermark,
the counts come in update mode, each window's count again whenever it grows: a watermark
on processing time would close a window only in a later batch, so the last windows of a
finite run would never be emitted. Which window a bid falls in depends on when its batch
runs: the counts are not reproducible, their total per bidder is."""

from .runner import functions_of

OUTPUT_MODE = "update"


def build(spark, bids, auctions, persons):
    F = functions_of(bids)
    return (bids.groupBy("bidder", F.window(F.current_timestamp(), "10 seconds"))
            .agg(F.count("*").alias("bid_count"))
            .select("bidder", "bid_count", F.col("window.start").alias("starttime"),
                    F.col("window.end").alias("endtime")))
