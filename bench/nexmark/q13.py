"""Nexmark q13, bounded side input join: every bid beside the value a small static table
gives its auction id modulo 10,000.

The Nexmark project looks the key up in a file of 10,000 rows (key k, value "k") at the
bid's processing time; the file does not change, so a stream-static inner join gives the
same rows. The file is generated once, deterministically, and both engines read it."""

import os
import tempfile

import pyarrow as pa
import pyarrow.parquet as pq

from .runner import functions_of

OUTPUT_MODE = "append"
SIDE_INPUT_ROWS = 10_000


def build(spark, bids, auctions, persons):
    F = functions_of(bids)
    side = side_input(spark)
    return (bids.join(side, F.col("auction") % SIDE_INPUT_ROWS == side.key)
            .select("auction", "bidder", "price", "dateTime", "value"))


def side_input(spark):
    """The static table (key BIGINT, value STRING), from its Parquet file, written on first
    use into the temporary folder (by a rename, so that a reader never sees half of it)."""
    path = os.path.join(tempfile.gettempdir(), "nexmark-side-input-%d.parquet" % SIDE_INPUT_ROWS)
    if not os.path.exists(path):
        keys = range(SIDE_INPUT_ROWS)
        table = pa.table({"key": pa.array(keys, pa.int64()), "value": [str(k) for k in keys]})
        pq.write_table(table, path + ".%d" % os.getpid())
        os.replace(path + ".%d" % os.getpid(), path)
    return spark.read.schema("key BIGINT, value STRING").parquet(path)
