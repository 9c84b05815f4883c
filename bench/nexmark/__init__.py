"""The Nexmark benchmark's queries as Spark DataFrame code, run on Spate or on PySpark 4.1.

Each query is a module ``qN`` with ``OUTPUT_MODE`` and ``build(spark, bids, auctions,
persons)``, which returns the query's streaming DataFrame from the three flat event streams
(the columns of ``format("nexmark")`` with ``option("table", ...)``). ``runner`` makes those
streams: from ``format("nexmark")`` on Spate, or from files Spate generated on either engine.
"""

QUERIES = ["q%d" % n for n in range(23)]  # q0 to q22
