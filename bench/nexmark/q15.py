"""Nexmark q15, bidding statistics per day: the bids, bidders and auctions of each day, in
all and in three price ranges (see daily.py for how the distinct counts are made).

As in the Nexmark project's SQL, the groups are days written as text and never close, so the
query runs in update mode: each batch gives the days it changed, with their counts so far."""

from . import daily
from .runner import functions_of

OUTPUT_MODE = "update"


def build(spark, bids, auctions, persons):
    F = functions_of(bids)
    return (bids.groupBy(daily.day(F))
            .agg(*daily.bid_counts(F), *daily.distinct_counts(F, "bidder"),
                 *daily.distinct_counts(F, "auction")))
