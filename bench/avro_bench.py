"""Avro decode and encode rows/s: from_avro over ROWS records of a 6-field schema (a string,
an int, a nullable double, an array, a timestamp, a decimal) read from a Parquet file of Avro
datums, and to_avro back, on Spate and on PySpark 4.1 with spark-avro (each in its own
process, best of 3 runs). Prints both and the ratio.

    .venv/bin/python bench/avro_bench.py [rows]
"""

import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "python", "differential"))

from oracle import spark_avro_jar  # noqa: E402

SCHEMA = ('{"type":"record","name":"E","fields":[{"name":"name","type":"string"},'
          '{"name":"n","type":"int"},{"name":"x","type":["null","double"]},'
          '{"name":"tags","type":{"type":"array","items":"string"}},'
          '{"name":"at","type":{"type":"long","logicalType":"timestamp-micros"}},'
          '{"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}}]}')

PROGRAM = """
import sys, time
engine, src, jar, schema = sys.argv[1:5]
if engine == "pyspark":
    from pyspark.sql import SparkSession, functions as f
    from pyspark.sql.avro.functions import from_avro, to_avro
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.jars", jar).getOrCreate())
    spark.sparkContext.setLogLevel("OFF")
else:
    from spate.sql import SparkSession, functions as f
    from spate.sql.avro.functions import from_avro, to_avro
    spark = SparkSession.builder.getOrCreate()
data = spark.read.parquet(src).cache()
rows = data.count()
best_decode = best_encode = float("inf")
for _ in range(3):
    start = time.perf_counter()
    decoded = data.select(from_avro("v", schema).alias("e")).select("e.*")
    decoded.agg(f.sum("n"), f.count("x"), f.sum(f.size("tags"))).collect()
    best_decode = min(best_decode, time.perf_counter() - start)
    start = time.perf_counter()
    data.select(from_avro("v", schema).alias("e")).select(f.length(to_avro("e", schema)).alias("l")) \\
        .agg(f.sum("l")).collect()
    best_encode = min(best_encode, time.perf_counter() - start)
print(rows / best_decode, rows / best_encode)
"""


def make_input(path, rows):
    import datetime
    import decimal
    import io
    import json

    import fastavro
    import pyarrow as pa
    import pyarrow.parquet as pq

    parsed = fastavro.parse_schema(json.loads(SCHEMA))
    values = []
    for i in range(rows):
        buf = io.BytesIO()
        fastavro.schemaless_writer(buf, parsed, {
            "name": "user-%d" % (i % 1000), "n": i, "x": None if i % 3 == 0 else i / 7,
            "tags": ["a", "bb"][: i % 3], "at": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
            "amount": decimal.Decimal(i % 100000) / 100})
        values.append(buf.getvalue())
    pq.write_table(pa.table({"v": pa.array(values, pa.binary())}), path)


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    jar = spark_avro_jar()
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "avro.parquet")
        make_input(src, rows)
        results = {}
        for engine in ("spate", "pyspark"):
            if engine == "pyspark" and jar is None:
                print("pyspark: skipped (no spark-avro jar)")
                continue
            out = subprocess.run([sys.executable, "-c", PROGRAM, engine, src, jar or "", SCHEMA],
                                 capture_output=True, text=True, check=True,
                                 env=dict(os.environ, PYSPARK_PYTHON=sys.executable))
            decode, encode = (float(v) for v in out.stdout.split()[-2:])
            results[engine] = (decode, encode)
            print("%-8s from_avro %10.0f rows/s   from_avro+to_avro %10.0f rows/s" % (engine, decode, encode))
        if len(results) == 2:
            print("spate/pyspark: decode %.1fx, decode+encode %.1fx" % (
                results["spate"][0] / results["pyspark"][0], results["spate"][1] / results["pyspark"][1]))


if __name__ == "__main__":
    main()
