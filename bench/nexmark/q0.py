"""Nexmark q0, pass-through: every bid, as it comes. It measures the cost of reading and
writing the events alone."""

OUTPUT_MODE = "append"


def build(spark, bids, auctions, persons):
    return bids.select("auction", "bidder", "price", "dateTime", "extra")
