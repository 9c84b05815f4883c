"""The statistics per day of q15, q16 and q17: bids counted in three price ranges, and bidders
and auctions counted once each, in all and in each range.

Spark refuses count(DISTINCT ...) on a stream ("Distinct aggregations are not supported on
streaming DataFrames/Datasets"), so a distinct count here is the size of the set of values
(collect_set skips the nulls `when` gives outside a range): exact, in one aggregation, its
state holding each day's values as the Nexmark project's distinct counts do."""


def day(F):
    """The day of a bid, as the Nexmark project's SQL writes it (yyyy-MM-dd)."""
    return F.date_format("dateTime", "yyyy-MM-dd").alias("day")


def ranges(F):
    """The price ranges: under $100, from $100 to under $10,000, and $10,000 or more."""
    price = F.col("price")
    return [price < 10_000, (price >= 10_000) & (price < 1_000_000), price >= 1_000_000]


def bid_counts(F):
    """The bids, in all and in each price range."""
    ranked = [F.count(F.when(inside, 1)).alias("rank%d_bids" % n)
              for n, inside in enumerate(ranges(F), 1)]
    return [F.count("*").alias("total_bids")] + ranked


def distinct_counts(F, column):
    """The distinct values of `column` ("bidder" or "auction"), in all and in each range."""
    def distinct(values, name):
        return F.size(F.collect_set(values)).cast("bigint").alias(name)
    ranked = [distinct(F.when(inside, F.col(column)), "rank%d_%ss" % (n, column))
              for n, inside in enumerate(ranges(F), 1)]
    return [distinct(F.col(column), "total_%ss" % column)] + ranked
