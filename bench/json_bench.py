"""JSON parsing rows/s on records of 5 fields (id BIGINT, sent DOUBLE, user STRING, amount DOUBLE,
kind STRING), each engine in its own process, best of 3 runs:

  from_json   from_json over ROWS in-memory strings (a cached DataFrame), summed
  text        a JSON-lines file read as text -> from_json -> filter -> count
  json        the same file through the JSON source with the schema -> filter -> count
  get_json    get_json_object(value, '$.user') and (value, '$.amount') over the cached strings
  array_len   json_array_length over cached arrays of 8 objects, each holding an array and an object
  object_keys json_object_keys over cached records of 5 fields, two of them nested
  json_tuple  json_tuple(value, 'user', 'amount', 'kind') over the cached 5-field records

array_len and object_keys read a tenth as many rows (about 1 KB each). Spate's line also gives
rows per CPU-second of its process (rows/s per core). With --vs-spark
the same programs run on PySpark 4.1 (local[2]) and the ratios are printed.

    .venv/bin/python bench/json_bench.py [rows] [--vs-spark]

(each engine runs under the Python running this script).
"""

import os
import subprocess
import sys
import tempfile

SCHEMA = "id BIGINT, sent DOUBLE, user STRING, amount DOUBLE, kind STRING"

PROGRAM = """
import sys, time
engine, path, nested_path, schema = sys.argv[1:5]
if engine == "pyspark":
    from pyspark.sql import SparkSession, functions as f
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("OFF")
else:
    from spate.sql import SparkSession, functions as f
    spark = SparkSession.builder.getOrCreate()


def best(run):
    wall = cpu = float("inf")
    for _ in range(3):
        w, c = time.perf_counter(), time.process_time()
        run()
        wall = min(wall, time.perf_counter() - w)
        cpu = min(cpu, time.process_time() - c)
    return wall, cpu


lines = spark.read.text(path).cache()
rows = lines.count()
nested = spark.read.text(nested_path).cache()
nested_rows = nested.count()
parsed = lambda df: df.select(f.from_json("value", schema).alias("r")).select("r.*")
results = [
    best(lambda: parsed(lines).agg(f.sum("id"), f.sum("amount"), f.count("user")).collect()),
    best(lambda: parsed(spark.read.text(path)).filter(f.col("kind") == "refund").count()),
    best(lambda: spark.read.schema(schema).json(path).filter(f.col("kind") == "refund").count()),
    best(lambda: lines.select(f.get_json_object("value", "$.user").alias("u"),
                              f.get_json_object("value", "$.amount").alias("a"))
         .agg(f.count("u"), f.count("a")).collect()),
    best(lambda: nested.agg(f.sum(f.json_array_length("value"))).collect()),
    best(lambda: nested.select(f.substring("value", 2, 1000000).alias("value"))
         .agg(f.sum(f.size(f.json_object_keys("value")))).collect()),
    best(lambda: lines.select(f.json_tuple("value", "user", "amount", "kind"))
         .agg(f.count("c0"), f.count("c1"), f.count("c2")).collect()),
]
counts = [rows] * 4 + [nested_rows] * 2 + [rows]
print(" ".join(f"{n / w} {n / c}" for n, (w, c) in zip(counts, results)))
"""

NAMES = ["from_json", "text", "json", "get_json", "array_len", "object_keys", "json_tuple"]


def make_input(path, rows):
    kinds = ["purchase", "refund", "purchase", "view"]
    with open(path, "w") as out:
        for i in range(rows):
            out.write(f'{{"id":{i},"sent":{1700000000 + i / 1000:.3f},"user":"user-{i % 1000}",'
                      f'"amount":{i % 97}.25,"kind":"{kinds[i % 4]}"}}\n')


def make_nested_input(path, rows):
    """Arrays of 8 objects; with its first bracket cut, a line starts with an object whose
    keys are 5 (json_object_keys reads the first value and ignores what follows)."""
    with open(path, "w") as out:
        for i in range(rows):
            element = (f'{{"id":{i},"tags":["a","b","c",{{"x":[1,2,3]}}],"user":"user-{i % 1000}",'
                       f'"geo":{{"lat":{i % 90}.5,"lon":{i % 180}.25,"path":[[1,2],[3,4]]}},"kind":"view"}}')
            out.write("[" + ",".join([element] * 8) + "]\n")


def run(engine, path, nested_path):
    python = sys.executable
    env = dict(os.environ, PYSPARK_PYTHON=python)
    out = subprocess.run([python, "-c", PROGRAM, engine, path, nested_path, SCHEMA], env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    figures = [float(x) for x in out[-2 * len(NAMES):]]
    return figures[0::2], figures[1::2]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rows = int(args[0]) if args else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "records.json")
        nested_path = os.path.join(tmp, "nested.json")
        make_input(path, rows)
        make_nested_input(nested_path, rows // 10)
        spate_wall, spate_cpu = run("spate", path, nested_path)
        for name, wall, cpu in zip(NAMES, spate_wall, spate_cpu):
            print(f"spate   {name:10s} {wall:12,.0f} rows/s  {cpu:12,.0f} rows/CPU-s")
        if "--vs-spark" in sys.argv:
            spark_wall, _ = run("pyspark", path, nested_path)
            for name, wall, ours in zip(NAMES, spark_wall, spate_wall):
                print(f"pyspark {name:10s} {wall:12,.0f} rows/s  spate/pyspark {ours / wall:5.1f}x")


if __name__ == "__main__":
    main()
