"""Nexmark q6, average selling price per seller: the winning price of each auction (its
highest bid while it ran), averaged per seller over the auctions closed in each 10-second
tumbling window of event time.

The Nexmark project's SQL averages each seller's last 10 closed auctions (a window of rows
ordered by time), which Spark refuses over a stream (a non-time-based window), and it
updates the average with each auction, which Spark cannot do after a stream-stream join
(append mode only). The closest is a window of time: the average per seller of the
auctions that closed in each 10 seconds. The winning price is grouped by auction as in the
project's SQL, its group closing when the auction expires (auction_bids)."""

from .auction_bids import average_closing_price

OUTPUT_MODE = "append"


def build(spark, bids, auctions, persons):
    return average_closing_price(auctions, bids, "seller", "avg_price")
