"""Nexmark q18, last bid: each bidder's latest bid on each auction.

The Nexmark project numbers each bidder's bids on an auction, latest first (ROW_NUMBER), and
keeps the first; Spark refuses such a window function on a stream. Here the bids are grouped
by bidder and auction and the latest is the greatest of (dateTime, price, channel, url, extra):
the latest by time, the highest price first among bids made in the same millisecond (the
project leaves that tie to the order rows arrive in). Update mode: each batch gives the pairs
whose latest bid it changed."""

from .runner import functions_of

OUTPUT_MODE = "update"


def build(spark, bids, auctions, persons):
    F = functions_of(bids)
    latest = F.max(F.struct("dateTime", "price", "channel", "url", "extra")).alias("bid")
    return (bids.groupBy("auction", "bidder").agg(latest)
            .select("auction", "bidder", "bid.price", "bid.channel", "bid.url", "bid.dateTime",
                    "bid.extra"))
