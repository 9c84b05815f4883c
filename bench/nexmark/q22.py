"""Nexmark q22, get URL directories: each bid with the first three directories of its URL.

The Nexmark project's SPLIT_INDEX counts from 0 and gives NULL beyond the last part; so does
get() over Spark's split (where an index out of bounds would fail under ANSI)."""

from .runner import functions_of

OUTPUT_MODE = "append"


def build(spark, bids, auctions, persons):
    F = functions_of(bids)
    parts = F.split("url", "/")
    return bids.select("auction", "bidder", "price", "channel",
                       *(F.get(parts, i).alias("dir%d" % (i - 2)) for i in (3, 4, 5)))
