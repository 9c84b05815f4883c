"""The bids made during each auction: the join that q4, q6 and q9 start from.

As in the Nexmark project's SQL, a bid belongs to an auction when it names the auction and
its time is between the auction's start and its expiry, both included. Spark has no
event-time bound on a join without watermarks, and a grouping after a join must be keyed by
an event-time column: so the auctions' watermark is on `expires` and the bids' on their
time (renamed `bid_dateTime`, as `extra` is `bid_extra`, beside the auction's own columns).
An auction then leaves the join's state, and its group after the join closes, once the
bids' event time has passed its expiry: when the auction closes. No delay: the events come
in event-time order."""

from .runner import functions_of


def bids_during_auctions(auctions, bids):
    """Every auction's columns beside each of its bids' auction, bidder, price, bid_dateTime
    and bid_extra."""
    F = functions_of(bids)
    bids = (bids.select("auction", "bidder", "price", F.col("dateTime").alias("bid_dateTime"),
                        F.col("extra").alias("bid_extra"))
            .withWatermark("bid_dateTime", "0 seconds"))
    auctions = auctions.withWatermark("expires", "0 seconds")
    during = (auctions.id == bids.auction) & \
        bids.bid_dateTime.between(auctions.dateTime, auctions.expires)
    return auctions.join(bids, during)


def average_closing_price(auctions, bids, by, name):
    """q4 and q6: each auction's winning price (its highest bid, emitted when it expires),
    averaged as `name` per `by` and 10-second tumbling window of the auctions' expiry."""
    F = functions_of(bids)
    closing = (bids_during_auctions(auctions, bids).groupBy("id", by, "expires")
               .agg(F.max("price").alias("final")))
    return (closing.groupBy(by, F.window("expires", "10 seconds"))
            .agg(F.avg("final").alias(name))
            .select(by, F.col("window.end").alias("endtime"), name))
