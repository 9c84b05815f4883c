"""Nexmark q17, auction statistics per day: per auction and day, its bids in all and in
three price ranges, and their lowest, highest, average and total price.

The average is a BIGINT, as in the Nexmark project's SQL (an average of BIGINTs, truncated);
Spark's avg gives a DOUBLE, cast here. Update mode, as q15: each batch gives the auctions and
days it changed."""

from . import daily
from .runner import functions_of

OUTPUT_MODE = "update"


def build(spark, bids, auctions, persons):
    F = functions_of(bids)
    return (bids.groupBy("auction", daily.day(F))
            .agg(*daily.bid_counts(F), F.min("price").alias("min_price"),
                 F.max("price").alias("max_price"),
                 F.avg("price").cast("bigint").alias("avg_price"), F.sum("price").alias("sum_price")))
