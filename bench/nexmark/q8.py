"""Nexmark q8, monitor new users: the people who opened an auction in the same 10-second
tumbling window as they signed up. As in the Nexmark project's SQL, people and sellers are
each grouped by window (one row per person or seller and window), then joined on the id and
the window, under a watermark (no delay: the events come in event-time order)."""

from .runner import functions_of

OUTPUT_MODE = "append"


def build(spark, bids, auctions, persons):
    F = functions_of(persons)
    tumbling = F.window("dateTime", "10 seconds")
    people = (persons.withWatermark("dateTime", "0 seconds")
              .groupBy("id", "name", tumbling.alias("personWindow")).count())
    sellers = (auctions.withWatermark("dateTime", "0 seconds")
               .groupBy("seller", tumbling.alias("sellerWindow")).count())
    same = (people.id == sellers.seller) & (people.personWindow == sellers.sellerWindow)
    return (people.join(sellers, same)
            .select("id", "name", F.col("personWindow.start").alias("starttime")))
