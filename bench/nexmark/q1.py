"""Nexmark q1, currency conversion: every bid with its price in euros (dollars times 0.908,
an exact decimal as in the Nexmark project's SQL)."""

from decimal import Decimal

from .runner import functions_of

OUTPUT_MODE = "append"


def build(spark, bids, auctions, persons):
    F = functions_of(bids)
    euros = (F.lit(Decimal("0.908")) * F.col("price")).alias("price")
    return bids.select("auction", "bidder", euros, "dateTime", "extra")
