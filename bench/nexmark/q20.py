"""Nexmark q20, expand bid with auction: every bid on an auction of category 10, beside the
auction's columns, as a stream-stream inner join on the auction's id.

As in q3 (and the Nexmark project's SQL) the join has no time bound and no watermark: both
sides stay in state, and each match is emitted once, in the batch where its second row
arrives."""

from .runner import functions_of

OUTPUT_MODE = "append"


def build(spark, bids, auctions, persons):
    F = functions_of(bids)
    b = bids.select("auction", "bidder", "price", "channel", "url",
                    F.col("dateTime").alias("bid_dateTime"), F.col("extra").alias("bid_extra"))
    a = auctions.where(F.col("category") == 10).select(
        "id", "itemName", "description", "initialBid", "reserve",
        F.col("dateTime").alias("auction_dateTime"), "expires", "seller", "category",
        F.col("extra").alias("auction_extra"))
    return b.join(a, b.auction == a.id).drop("id")
