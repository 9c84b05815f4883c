"""Nexmark q10, log to file system: every bid with its date ('yyyy-MM-dd') and its hour and
minute ('HH:mm') as strings, written into files partitioned by the two (runner.start_stream writes
them as Parquet, partitioned by PARTITION_BY)."""

from .runner import functions_of

OUTPUT_MODE = "append"
PARTITION_BY = ["dt", "hm"]


def build(spark, bids, auctions, persons):
    F = functions_of(bids)
    return bids.select("auction", "bidder", "price", "dateTime", "extra",
                       F.date_format("dateTime", "yyyy-MM-dd").alias("dt"),
                       F.date_format("dateTime", "HH:mm").alias("hm"))
