"""Nexmark q5, hot items: the auctions with the most bids in each 10-second window sliding
every 2 seconds. As in the Nexmark project's SQL, the bids are counted per auction and window,
the counts' maximum is taken per window, and the counts are joined back to it on the window.

Spark chains the three stateful operators in append mode: the watermark (no delay: the
events come in event-time order) closes a window's counts, then its maximum, then the join."""

from .runner import functions_of

OUTPUT_MODE = "append"


def build(spark, bids, auctions, persons):
    F = functions_of(bids)
    counts = (bids.withWatermark("dateTime", "0 seconds")
              .groupBy(F.window("dateTime", "10 seconds", "2 seconds"), "auction")
              .agg(F.count("*").alias("num")))
    highest = (counts.groupBy(F.col("window").alias("maxWindow"))
               .agg(F.max("num").alias("maxn")))
    hot = (counts.window == highest.maxWindow) & (counts.num >= highest.maxn)
    return counts.join(highest, hot).select("auction", "num")
