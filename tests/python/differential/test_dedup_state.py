"""Streaming deduplication's state read back with format("statestore") on Spate and PySpark
4.1: the kept keys, and the value Spark shows for a store that keeps none (a struct of one
NULL column of type VOID, `__dummy__`). Compared without partition_id (Spate places keys in
partitions of its own hash)."""

import json
import os

from oracle import plain


def test_deduplication_state_reads_as_in_spark(oracle):
    def program(sql, spark, tmp):
        src = os.path.join(tmp, "in")
        os.makedirs(src)
        with open(os.path.join(src, "a.json"), "w") as out:
            for i in range(6):
                out.write(json.dumps({"k": i % 3, "v": i}) + "\n")
        deduplicated = spark.readStream.schema("k INT, v INT").json(src).dropDuplicates(["k"])
        query = (deduplicated.writeStream.format("memory").queryName("dedup_state")
                 .option("checkpointLocation", os.path.join(tmp, "cp")).start())
        query.processAllAvailable()
        query.stop()
        state = spark.read.format("statestore").load(os.path.join(tmp, "cp"))
        rows = [plain(r) for r in state.select("key", "value").collect()]
        return {"schema": state.schema.simpleString(), "rows": sorted(rows, key=repr)}
    oracle.check(program)
