"""Nexmark q16, channel statistics per day: q15's counts per channel and day, with the
latest minute (HH:mm) of the day a bid came through the channel.

Update mode, as q15: each batch gives the channels and days it changed."""

from . import daily
from .runner import functions_of

OUTPUT_MODE = "update"


def build(spark, bids, auctions, persons):
    F = functions_of(bids)
    minute = F.max(F.date_format("dateTime", "HH:mm")).alias("minute")
    return (bids.groupBy("channel", daily.day(F))
            .agg(minute, *daily.bid_counts(F), *daily.distinct_counts(F, "bidder"),
                 *daily.distinct_counts(F, "auction")))
