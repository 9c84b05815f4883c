"""Nexmark q9, winning bids: each auction beside its winning bid, the highest bid made
during the auction, the earliest of equal ones.

The Nexmark project's SQL numbers each auction's bids (ROW_NUMBER by price descending, then
time) and keeps the first; Spark refuses a row-number window over a stream (a non-time-based
window). Grouping by the auction and taking the bid with the least (-price, time), min_by,
selects the same row. The group closes when the auction expires (auction_bids)."""

from .auction_bids import bids_during_auctions
from .runner import functions_of

OUTPUT_MODE = "append"
AUCTION = ["id", "itemName", "description", "initialBid", "reserve", "dateTime", "expires",
           "seller", "category", "extra"]
BID = ["auction", "bidder", "price", "bid_dateTime", "bid_extra"]


def build(spark, bids, auctions, persons):
    F = functions_of(bids)
    first = F.struct((-F.col("price")).alias("price"), "bid_dateTime")
    winning = (bids_during_auctions(auctions, bids).groupBy(*AUCTION)
               .agg(F.min_by(F.struct(*BID), first).alias("bid")))
    return winning.select(*AUCTION, *("bid." + name for name in BID))
