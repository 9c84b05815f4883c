"""Nexmark q3, local item suggestion: who sells in category 10 from Oregon, Idaho or
California, as a stream-stream inner join of auctions and people on the seller.

The Nexmark project joins without a time bound, and so does this: Spark allows an inner
stream-stream join without watermarks, keeping both sides in state for ever, and emits each
match once, in the batch where its second row arrives."""

from .runner import functions_of

OUTPUT_MODE = "append"


def build(spark, bids, auctions, persons):
    F = functions_of(auctions)
    sold = (auctions.where(F.col("category") == 10)
            .select(F.col("id").alias("auction_id"), "seller"))
    sellers = (persons.where(F.col("state").isin("OR", "ID", "CA"))
               .select("id", "name", "city", "state"))
    return (sold.join(sellers, sold.seller == sellers.id)
            .select("name", "city", "state", F.col("auction_id").alias("id")))
