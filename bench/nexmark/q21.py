"""Nexmark q21, add channel id: the bids through one of the four hot channels, whose ids are
0 to 3, or through a channel whose URL names its id (channel_id=...).

The Nexmark project keeps a bid when REGEXP_EXTRACT finds the id, which is NULL when it does
not; Spark's regexp_extract gives an empty string instead, so the URL is matched with rlike."""

from .runner import functions_of

OUTPUT_MODE = "append"
CHANNEL_ID = "(&|^)channel_id=([^&]*)"


def build(spark, bids, auctions, persons):
    F = functions_of(bids)
    channel = F.lower("channel")
    channel_id = (F.when(channel == "apple", "0").when(channel == "google", "1")
                  .when(channel == "facebook", "2").when(channel == "baidu", "3")
                  .otherwise(F.regexp_extract("url", CHANNEL_ID, 2)))
    hot = channel.isin("apple", "google", "facebook", "baidu")
    return (bids.where(F.col("url").rlike(CHANNEL_ID) | hot)
            .select("auction", "bidder", "price", "channel", channel_id.alias("channel_id")))
