"""Nexmark q2, selection: the bids on every 123rd auction (auction ids divisible by 123)."""

from .runner import functions_of

OUTPUT_MODE = "append"


def build(spark, bids, auctions, persons):
    F = functions_of(bids)
    return bids.where(F.col("auction") % 123 == 0).select("auction", "price")
