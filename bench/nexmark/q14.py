"""Nexmark q14, calculation: the bids priced between 1,000,000 and 50,000,000 in euros, each
with its price in euros (an exact decimal, as in q1), the part of the day it was made in, and
how many times the letter c appears in its extra field. The Nexmark project counts the letter
with a function of its own (count_char); here it is the length of the field less its length
with every c removed."""

from decimal import Decimal

from .runner import functions_of

OUTPUT_MODE = "append"


def build(spark, bids, auctions, persons):
    F = functions_of(bids)
    euros = F.lit(Decimal("0.908")) * F.col("price")
    hour = F.hour("dateTime")
    time_type = (F.when((hour >= 8) & (hour <= 18), "dayTime")
                 .when((hour <= 6) | (hour >= 20), "nightTime")
                 .otherwise("otherTime"))
    c_counts = F.length("extra") - F.length(F.replace("extra", F.lit("c")))
    return (bids.where((euros > 1_000_000) & (euros < 50_000_000))
            .select("auction", "bidder", euros.alias("price"), time_type.alias("bidTimeType"),
                    "dateTime", "extra", c_counts.cast("bigint").alias("c_counts")))
