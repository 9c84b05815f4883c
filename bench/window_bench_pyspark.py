"""The two queries of bench/window_bench.cc on PySpark 4.1 (local, all cores): row_number() over
100k partitions and a 1000-row moving sum, over N generated rows (default 10 million). Prints
PySpark's rows/s, and the ratio to Spate's when build/release/bench/window_bench exists.

    .venv/bin/python bench/window_bench_pyspark.py [rows]
"""

import os
import re
import subprocess
import sys
import time

from pyspark.sql import SparkSession


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    spark = (SparkSession.builder.master("local[*]").config("spark.ui.enabled", "false")
             .config("spark.driver.memory", "4g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    spark.range(rows).selectExpr("id", "pmod(xxhash64(id), 100000) AS k", "rand(42) AS v") \
        .createOrReplaceTempView("t")
    queries = {
        "row_number (100k partitions)":
            "SELECT id, row_number() OVER (PARTITION BY k ORDER BY id) AS rn FROM t",
        "moving sum (1000 rows)":
            "SELECT id, sum(v) OVER (ORDER BY id ROWS BETWEEN 999 PRECEDING AND CURRENT ROW) AS s FROM t",
    }
    pyspark = {}
    for name, query in queries.items():
        df = spark.sql(query)
        # The median of three runs, as the C++ benchmark takes (the first also warms the JVM);
        # the moving sum runs once, at some minutes a run.
        runs = 3 if name.startswith("row_number") else 1
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            df.write.format("noop").mode("overwrite").save()
            times.append(time.perf_counter() - start)
        secs = sorted(times)[len(times) // 2]
        pyspark[name] = rows / secs
        print("%-34s %12.0f rows/s  (%d rows in %.3f s, median of %d runs)" % (name, pyspark[name], rows, secs, runs))
    spark.stop()

    spate_bin = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build", "release", "bench",
                             "window_bench")
    if not os.path.exists(spate_bin):
        return
    # With freed memory kept for reuse, as `import spate` arranges for Python programs
    # (docs/architecture.md, "Memory").
    env = dict(os.environ)
    env.setdefault("MIMALLOC_PURGE_DELAY", "-1")
    out = subprocess.run([spate_bin, str(rows)], capture_output=True, text=True, check=True, env=env).stdout
    for name in queries:
        match = re.search(re.escape(name) + r"\s+([0-9.]+) rows/s", out)
        if match:
            spate = float(match.group(1))
            print("%-34s Spate %12.0f rows/s, PySpark %12.0f rows/s: Spate/PySpark = %.2fx"
                  % (name, spate, pyspark[name], spate / pyspark[name]))


if __name__ == "__main__":
    main()
