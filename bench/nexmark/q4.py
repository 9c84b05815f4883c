"""Nexmark q4, average closing price per category: the winning price of each auction (its
highest bid while it ran), averaged per category of the auctions closed in each 10-second
tumbling window of event time.

The Nexmark project's SQL averages over all the auctions of a category so far, an
aggregation without an event-time key, whose result changes with each auction: Spark
refuses one after a stream-stream join in append mode (the only mode a join allows), so
the average is per category and window of the auctions' expiry. The winning price is
grouped by auction as in the project's SQL, its group closing when the auction expires
(auction_bids)."""

from .auction_bids import average_closing_price

OUTPUT_MODE = "append"


def build(spark, bids, auctions, persons):
    return average_closing_price(auctions, bids, "category", "final")
