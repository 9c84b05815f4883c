"""The stream-stream joins of bench/stream_join_bench.cc on PySpark 4.1: impressions and clicks
from two rate-micro-batch sources of N rows a batch each (default 50,000, 12 batches), two
minutes of event time a batch from 2024-01-01; impression v is on ad v % ads (default 10 N),
clicks v and v + 1 (v even) on ad v % ads 30 seconds later; joined on
`ad_id = cad AND ct >= it AND ct <= it + interval 10 minutes` (inner and left outer, append mode,
a noop sink), for each state store provider. Spark runs local[2] with 2 shuffle partitions (this
machine's cores). Prints PySpark's rows/s (input rows of both sides / wall time), batch p50/p99,
state rows after the last batch and output rows, then Spate's from
build/release/bench/stream_join_bench and the ratio when that binary exists.

    .venv/bin/python bench/stream_join_bench_pyspark.py [rows_per_batch] [batches] [ads]
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from pyspark.sql import SparkSession, functions as f

PROVIDERS = {
    "hdfs": "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider",
    "rocksdb": "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider",
}
JOINS = ("inner", "left_outer")
SPATE_BINARY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                            "build", "release", "bench", "stream_join_bench")
LINE = "%-12s %-22s %-8s %10.0f rows/s  batch p50 %7.1f ms  p99 %7.1f ms  state %9d rows  output %10d rows"


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p * (len(values) - 1) + 0.5))] if values else 0


def rate(spark, rows_per_batch):
    return (spark.readStream.format("rate-micro-batch")
            .option("rowsPerBatch", rows_per_batch).option("startTimestamp", 1704067200000)  # 2024-01-01
            .option("advanceMillisPerBatch", 120000).load())


def join(spark, rows_per_batch, ads, how):
    impressions = (rate(spark, rows_per_batch)
                   .selectExpr(f"value % {ads} AS ad_id", "timestamp AS it")
                   .withWatermark("it", "10 seconds"))
    clicks = (rate(spark, rows_per_batch)
              .selectExpr(f"(value - value % 2) % {ads} AS cad", "timestamp + interval 30 seconds AS ct")
              .withWatermark("ct", "1 minute"))
    return impressions.join(clicks, f.expr("ad_id = cad AND ct >= it AND ct <= it + interval 10 minutes"), how)


def run_pyspark(spark, joined, batches):
    checkpoint = tempfile.mkdtemp(prefix="spate-pyspark-stream-join-bench-")
    start = time.perf_counter()
    query = (joined.writeStream.format("noop").outputMode("append")
             .option("checkpointLocation", checkpoint).start())
    try:
        while True:
            done = [p for p in query.recentProgress if p["numInputRows"] > 0]
            if len(done) >= batches:
                done = done[:batches]
                break
            if query.exception() is not None:
                raise RuntimeError(str(query.exception()))
            time.sleep(0.05)
        seconds = time.perf_counter() - start
    finally:
        query.stop()
        shutil.rmtree(checkpoint, ignore_errors=True)
    rows = sum(p["numInputRows"] for p in done)
    durations = [p["batchDuration"] for p in done]
    state_rows = done[-1]["stateOperators"][0]["numRowsTotal"]
    output_rows = sum(max(0, p["sink"]["numOutputRows"]) for p in done)
    return rows / seconds, percentile(durations, 0.5), percentile(durations, 0.99), state_rows, output_rows


def run_spate(provider, rows_per_batch, batches, ads):
    """Spate's figures per join type, or None without the binary."""
    if not os.path.exists(SPATE_BINARY):
        return None
    env = dict(os.environ, MIMALLOC_PURGE_DELAY="-1")
    out = subprocess.run([SPATE_BINARY, str(rows_per_batch), str(batches), provider, str(ads)], capture_output=True,
                         text=True, env=env, check=True).stdout
    figures = {}
    for how in JOINS:
        m = re.search(how + r" join\s+\w+\s+(\d+) rows/s\s+batch p50\s+([\d.]+) ms\s+p99\s+([\d.]+) ms"
                      r"\s+state\s+(\d+) rows\s+output\s+(\d+) rows", out)
        figures[how] = (float(m.group(1)), float(m.group(2)), float(m.group(3)), int(m.group(4)), int(m.group(5)))
    return figures


def main():
    rows_per_batch = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    batches = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    ads = int(sys.argv[3]) if len(sys.argv) > 3 else 10 * rows_per_batch
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", "2").config("spark.driver.memory", "6g").getOrCreate())
    spark.sparkContext.setLogLevel("OFF")
    for provider, provider_class in PROVIDERS.items():
        spark.conf.set("spark.sql.streaming.stateStore.providerClass", provider_class)
        pyspark = {how: run_pyspark(spark, join(spark, rows_per_batch, ads, how), batches) for how in JOINS}
        for how in JOINS:
            print(LINE % (("PySpark 4.1", how + " join", provider) + pyspark[how]), flush=True)
        spate = run_spate(provider, rows_per_batch, batches, ads)
        for how in JOINS if spate is not None else ():
            print(LINE % (("Spate", how + " join", provider) + spate[how])
                  + "  (%.1fx PySpark's rows/s)" % (spate[how][0] / pyspark[how][0]), flush=True)
    spark.stop()


if __name__ == "__main__":
    main()
