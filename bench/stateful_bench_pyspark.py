"""The tumbling-window count of bench/stateful_bench.cc on PySpark 4.1: a rate-micro-batch source
of N rows a batch (default 250,000), 1M distinct keys in one one-hour window, update mode, a noop
sink, for each state store provider. Spark runs local[2] with 2 shuffle partitions (this machine's
cores). Prints PySpark's rows/s and batch p50/p99, then Spate's from build/release/bench/stateful_bench
and the ratio when that binary exists.

    .venv/bin/python bench/stateful_bench_pyspark.py [rows_per_batch] [batches]
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


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p * (len(values) - 1) + 0.5))] if values else 0


def run_pyspark(spark, provider, rows_per_batch, batches):
    spark.conf.set("spark.sql.streaming.stateStore.providerClass", PROVIDERS[provider])
    keyed = (spark.readStream.format("rate-micro-batch")
             .option("rowsPerBatch", rows_per_batch).option("advanceMillisPerBatch", 1000).load()
             .withColumn("key", f.col("value") % 1_000_000)
             .withWatermark("timestamp", "1 minute"))
    counts = keyed.groupBy(f.window("timestamp", "1 hour"), "key").agg(f.count("value").alias("n"))
    checkpoint = tempfile.mkdtemp(prefix="spate-pyspark-stateful-bench-")
    start = time.perf_counter()
    query = (counts.writeStream.format("noop").outputMode("update")
             .option("checkpointLocation", checkpoint).start())
    try:
        while True:
            done = [p for p in query.recentProgress if p["numInputRows"] > 0]
            if len(done) >= batches:
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
    return rows / seconds, percentile(durations, 0.5), percentile(durations, 0.99)


def run_spate(provider, rows_per_batch, batches):
    binary = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "build", "release", "bench", "stateful_bench")
    if not os.path.exists(binary):
        return None
    env = dict(os.environ, MIMALLOC_PURGE_DELAY="-1")
    out = subprocess.run([binary, str(rows_per_batch), str(batches), provider], capture_output=True,
                         text=True, env=env, check=True).stdout
    m = re.search(r"tumbling window count.*?(\d+) rows/s\s+batch p50\s+([\d.]+) ms\s+p99\s+([\d.]+) ms", out)
    return float(m.group(1)), float(m.group(2)), float(m.group(3))


def main():
    rows_per_batch = int(sys.argv[1]) if len(sys.argv) > 1 else 250_000
    batches = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", "2").config("spark.driver.memory", "6g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    for provider in PROVIDERS:
        rate, p50, p99 = run_pyspark(spark, provider, rows_per_batch, batches)
        print("PySpark 4.1  tumbling window count, 1M keys  %-8s %10.0f rows/s  batch p50 %7.1f ms  p99 %7.1f ms"
              % (provider, rate, p50, p99), flush=True)
        spate = run_spate(provider, rows_per_batch, batches)
        if spate is not None:
            print("Spate        tumbling window count, 1M keys  %-8s %10.0f rows/s  batch p50 %7.1f ms  p99 %7.1f ms"
                  "  (%.1fx PySpark's rows/s)" % (provider, spate[0], spate[1], spate[2], spate[0] / rate),
                  flush=True)
    spark.stop()


if __name__ == "__main__":
    main()
