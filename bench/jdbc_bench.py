"""Rows/s into PostgreSQL from foreachBatch: a Parquet file stream (FILES files of ROWS rows,
one file a micro-batch, trigger availableNow) whose foreachBatch appends each batch with
df.write.format("jdbc"), on Spate and on PySpark 4.1 with the PostgreSQL JDBC driver, into
the same server (a fresh cluster started like the tests' fixture). Prints both and the ratio.

    .venv/bin/python bench/jdbc_bench.py [rows_per_file] [files]
"""

import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "python"))
sys.path.insert(0, os.path.join(ROOT, "tests", "python", "differential"))

import postgres_support  # noqa: E402
from oracle import postgres_jdbc_jar  # noqa: E402

PROGRAM = """
import sys, time
engine, src, url, user, password, table, jar = sys.argv[1:8]
if engine == "pyspark":
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.jars", jar).config("spark.driver.extraClassPath", jar).getOrCreate())
    spark.sparkContext.setLogLevel("OFF")
else:
    from spate.sql import SparkSession
    spark = SparkSession.builder.getOrCreate()

def write(batch_df, batch_id):
    (batch_df.write.format("jdbc").option("url", url).option("dbtable", table)
     .option("user", user).option("password", password).mode("append").save())

stream = spark.readStream.schema("id BIGINT, name STRING, amount DOUBLE, at TIMESTAMP") \\
    .option("maxFilesPerTrigger", 1).parquet(src)
start = time.perf_counter()
query = (stream.writeStream.foreachBatch(write).trigger(availableNow=True)
         .option("checkpointLocation", src + "-checkpoint-" + engine).start())
query.awaitTermination()
print("seconds", time.perf_counter() - start)
"""


def make_input(folder, rows, files):
    from spate.sql import SparkSession

    spark = SparkSession.builder.getOrCreate()
    for i in range(files):
        staged = folder + "-stage-%d" % i
        spark.range(i * rows, (i + 1) * rows).selectExpr(
            "id", "concat('name-', id) AS name", "CAST(id * 0.5 AS DOUBLE) AS amount",
            "timestamp_seconds(1700000000 + id) AS at").coalesce(1).write.parquet(staged)
        for n, name in enumerate(sorted(f for f in os.listdir(staged) if f.endswith(".parquet"))):
            os.rename(os.path.join(staged, name), os.path.join(folder, "batch-%03d-%d.parquet" % (i, n)))


def run(engine, src, server, table, jar):
    out = subprocess.run([sys.executable, "-c", PROGRAM, engine, src, server.url, server.user, server.password,
                          table, jar or ""], capture_output=True, text=True, cwd=ROOT,
                         env=dict(os.environ, PYSPARK_PYTHON=sys.executable))
    if out.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (engine, out.stderr[-20000:]))
    return float(out.stdout.split("seconds")[-1])


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    jar = postgres_jdbc_jar()
    server = postgres_support.start_server()
    try:
        with tempfile.TemporaryDirectory(prefix="jdbc-bench-") as tmp:
            src = os.path.join(tmp, "in")
            os.makedirs(src)
            make_input(src, rows, files)
            total = rows * files
            results = {}
            for engine in ("spate", "pyspark"):
                if engine == "pyspark" and jar is None:
                    print("pyspark: the PostgreSQL JDBC driver could not be fetched with Maven")
                    continue
                table = "bench_" + engine
                secs = run(engine, src, server, table, jar)
                count = int(server.psql("SELECT count(*) FROM %s" % table)[0][0])
                assert count == total, (engine, count, total)
                results[engine] = total / secs
                print("%-8s %12.0f rows/s  (%d rows in %d batches, %.2f s)" % (engine, results[engine], total,
                                                                            files, secs))
            if len(results) == 2:
                print("Spate/PySpark = %.2fx" % (results["spate"] / results["pyspark"]))
    finally:
        postgres_support.stop_server(server)


if __name__ == "__main__":
    main()
