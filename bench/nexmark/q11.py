"""Nexmark q11, user sessions: how many bids each bidder made in each session, a session
ending after 10 seconds without a bid (a session window of event time). A session is
emitted once the watermark (no delay: the events come in event-time order) has passed its
end."""

from .runner import functions_of

OUTPUT_MODE = "append"


def build(spark, bids, auctions, persons):
    F = functions_of(bids)
    return (bids.withWatermark("dateTime", "0 seconds")
            .groupBy("bidder", F.session_window("dateTime", "10 seconds"))
            .agg(F.count("*").alias("bid_count"))
            .select("bidder", "bid_count", F.col("session_window.start").alias("starttime"),
                    F.col("session_window.end").alias("endtime")))
