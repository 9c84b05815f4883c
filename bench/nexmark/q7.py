"""Nexmark q7, highest bid: the bids whose price is the highest of a 10-second tumbling
window, each beside that window's end. As in the Nexmark project's SQL, the highest prices
per window (a windowed aggregation) are joined back to the bids of the 10 seconds up to the
window's end, both ends included, so a bid at the very end of a window also meets it.

The watermark (no delay: the events come in event-time order) closes each window and lets
the join evict the bids it no longer needs."""

from .runner import functions_of

OUTPUT_MODE = "append"


def build(spark, bids, auctions, persons):
    F = functions_of(bids)
    bids = bids.withWatermark("dateTime", "0 seconds")
    highest = (bids.groupBy(F.window("dateTime", "10 seconds"))
               .agg(F.max("price").alias("maxprice"))
               .select(F.col("window.end").alias("windowEnd"), "maxprice"))
    during = (bids.dateTime >= highest.windowEnd - F.expr("INTERVAL 10 SECONDS")) & \
             (bids.dateTime <= highest.windowEnd)
    return (bids.join(highest, (bids.price == highest.maxprice) & during)
            .select("auction", "price", "bidder", "dateTime", "extra"))
