"""Nexmark q19, auction top 10: the ten highest bids of each auction, numbered from 1.

The Nexmark project numbers each auction's bids by price, highest first (ROW_NUMBER), and
keeps the first ten; Spark refuses such a window function on a stream. Here each auction's
bids are collected (collect_list), sorted highest first by (price, dateTime, bidder, channel,
url, extra), so that bids at the same price come in a fixed order, and the first ten are
numbered. The state holds every bid of an auction, where the project's keeps its top ten.
Update mode: each batch gives the whole top 10 of the auctions it changed."""

from .runner import functions_of

OUTPUT_MODE = "update"


def build(spark, bids, auctions, persons):
    F = functions_of(bids)
    bid = F.struct("price", "dateTime", "bidder", "channel", "url", "extra")
    top = F.slice(F.sort_array(F.collect_list(bid), asc=False), 1, 10)
    return (bids.groupBy("auction").agg(top.alias("top"))
            .select("auction", F.posexplode("top").alias("rank", "bid"))
            .select("auction", "bid.bidder", "bid.price", "bid.channel", "bid.url", "bid.dateTime",
                    "bid.extra", (F.col("rank") + 1).cast("bigint").alias("rank_number")))
