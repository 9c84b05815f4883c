"""The upsert users write inside foreachBatch: each micro-batch keeps the latest row per key
with row_number() and merges it into an Iceberg table. The same script runs in a fresh
process on Spate and on PySpark 4.1 (with Iceberg's Spark runtime); the tables must end up
with the same rows, and pyiceberg must read Spate's table."""

import json
import os
import subprocess
import sys

import pytest

from iceberg_util import pyiceberg_table

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "differential"))
from oracle import iceberg_runtime_jar, pyspark_available  # noqa: E402

SCRIPT = r'''
import json, sys
engine, style, warehouse, src, ck, jar = sys.argv[1:7]
if engine == "spate":
    from spate.sql import SparkSession, Window, functions as f
    builder = SparkSession.builder
else:
    from pyspark.sql import SparkSession, Window, functions as f
    builder = (SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
               .config("spark.jars", jar))
spark = (builder.appName("upsert")
         .config("spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog")
         .config("spark.sql.catalog.lake.type", "hadoop")
         .config("spark.sql.catalog.lake.warehouse", warehouse)
         .config("spark.sql.session.timeZone", "UTC")
         .getOrCreate())
if engine == "pyspark":
    spark.sparkContext.setLogLevel("OFF")
spark.sql("CREATE TABLE IF NOT EXISTS lake.db.latest (id BIGINT, v STRING, ts TIMESTAMP) USING iceberg")

def latest_per_key(batch):
    w = Window.partitionBy("id").orderBy(f.col("ts").desc())
    return batch.withColumn("rn", f.row_number().over(w)).filter("rn = 1").drop("rn")

def upsert_dataframe(batch, batch_id):
    (latest_per_key(batch).alias("s").mergeInto("lake.db.latest", f.expr("latest.id = s.id"))
        .whenMatched(f.expr("s.ts > latest.ts")).updateAll()
        .whenNotMatched().insertAll()
        .merge())

def upsert_sql(batch, batch_id):
    latest_per_key(batch).createOrReplaceTempView("updates")
    batch.sparkSession.sql("""
        MERGE INTO lake.db.latest t USING updates s ON t.id = s.id
        WHEN MATCHED AND s.ts > t.ts THEN UPDATE SET *
        WHEN NOT MATCHED THEN INSERT *""")

query = (spark.readStream.schema("id BIGINT, v STRING, ts TIMESTAMP").option("maxFilesPerTrigger", 1)
         .json(src).writeStream
         .foreachBatch(upsert_dataframe if style == "dataframe" else upsert_sql)
         .option("checkpointLocation", ck).trigger(availableNow=True).start())
query.awaitTermination()
# Spark's micro-batches write through a clone of the session, whose catalog caches tables
# apart from this one's: refresh before reading (Spate keeps no such cache).
spark.catalog.refreshTable("lake.db.latest")
rows = spark.table("lake.db.latest").orderBy("id").collect()
print(json.dumps({"batches": query.lastProgress["batchId"] + 1,
                  "rows": [[r.id, r.v, r.ts.isoformat()] for r in rows]}))
'''

# Three files, one per micro-batch: keys repeat within a batch and across batches, and a
# late, older row must not replace a newer one.
FILES = [
    [(1, "a", "2024-01-01T10:00:00"), (1, "b", "2024-01-01T11:00:00"), (2, "c", "2024-01-01T10:00:00")],
    [(1, "old", "2024-01-01T09:00:00"), (2, "d", "2024-01-01T12:00:00"), (3, "e", "2024-01-01T10:00:00"),
     (3, "f", "2024-01-01T10:30:00")],
    [(4, "g", "2024-01-02T00:00:00"), (2, "h", "2024-01-02T00:00:00"), (2, "i", "2024-01-01T23:00:00")],
]


def write_input(folder):
    folder.mkdir()
    for n, rows in enumerate(FILES):
        with open(folder / ("%d.json" % n), "w") as f:
            for id_, v, ts in rows:
                f.write(json.dumps({"id": id_, "v": v, "ts": ts}) + "\n")


def run(engine, style, tmp_path, jar):
    work = tmp_path / engine
    work.mkdir()
    write_input(work / "in")
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable)
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([sys.executable, "-c", SCRIPT, engine, style, str(work / "wh"), str(work / "in"),
                           str(work / "ck"), jar], cwd=work, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, "%s exit %d\n%s" % (engine, proc.returncode, proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1]), work / "wh"


@pytest.fixture(scope="module")
def runtime_jar():
    missing = pyspark_available()
    jar = iceberg_runtime_jar()
    if missing is None and jar is None:
        missing = "Iceberg's Spark runtime jar could not be fetched with Maven"
    if missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(str(missing), pytrace=False)
        pytest.skip(str(missing))
    return jar


@pytest.mark.parametrize("style", ["dataframe", "sql"])
def test_foreach_batch_upsert_of_the_latest_row_per_key(tmp_path, runtime_jar, style):
    spate, warehouse = run("spate", style, tmp_path, runtime_jar)
    spark, _ = run("pyspark", style, tmp_path, runtime_jar)
    assert spate == spark
    assert spate["batches"] == 3
    # Other engines read the result: pyiceberg sees the same rows.
    table = pyiceberg_table(warehouse, "db", "latest").scan().to_arrow().sort_by("id")
    assert [[r["id"], r["v"]] for r in table.to_pylist()] == [[r[0], r[1]] for r in spate["rows"]]
