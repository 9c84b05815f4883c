"""Spate's streaming demo: a rate source, a few column functions, the console sink, an Iceberg table,
then windowed counts with a watermark.

Run it with `make demo` (or `.venv/bin/python examples/streaming_demo.py` after
`make build`). The code is the same as with PySpark: only the import differs.
Things to try: change ROWS_PER_SECOND or the trigger interval, add a column,
or replace the console sink with `.foreachBatch(lambda df, batch_id: ...)`.
"""

from spate.sql import SparkSession, functions as f

ROWS_PER_SECOND = 5  # how fast the rate source makes rows
RUN_SECONDS = 5      # how long the demo lets the query run

spark = SparkSession.builder.appName("streaming-demo").getOrCreate()
spark.conf.set("spark.sql.session.timeZone", "UTC")

# 1. A streaming source. "rate" makes ROWS_PER_SECOND rows each second, with two
#    columns: timestamp (when the row was made) and value (0, 1, 2, ...).
events = spark.readStream.format("rate").option("rowsPerSecond", ROWS_PER_SECOND).load()
print("events.isStreaming =", events.isStreaming)

# 2. Transformations, written as for a batch DataFrame: keep the even values and
#    derive a few columns from them.
evens = (
    events
    .filter(f.col("value") % 2 == 0)
    .select(
        "value",
        f.date_format("timestamp", "HH:mm:ss.SSS").alias("time"),
        (f.col("value") * f.col("value")).alias("square"),
        f.when(f.col("value") % 4 == 0, "multiple of 4").otherwise("even").alias("kind"),
    )
)

# 3. A sink and a trigger start the query: every second a micro-batch takes the
#    rows that arrived since the last one and the console sink prints them.
query = (
    evens.writeStream
    .format("console")
    .outputMode("append")
    .option("truncate", False)
    .queryName("evens")
    .trigger(processingTime="1 second")
    .start()
)

# 4. The query runs in the background. Let it run a few seconds, then stop it.
#    (A long-running job would call query.awaitTermination() instead.)
query.awaitTermination(RUN_SECONDS)
query.stop()

# 5. Every micro-batch reports its progress, in Spark's JSON layout.
progress = query.lastProgress
if progress is not None:
    print(f"Last batch: {progress.batchId}, {progress.numInputRows} input rows "
          f"from {progress.sources[0].description}")
    print(progress.prettyJson)

# 6. The same stream into an Apache Iceberg table. A catalog is configured with
#    Spark's keys (here a local "hadoop" warehouse, created on demand); each
#    micro-batch commits one snapshot, which any Iceberg engine can read.
import os
import tempfile

lake = tempfile.mkdtemp(prefix="spate-demo-lake-")
spark.conf.set("spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog")
spark.conf.set("spark.sql.catalog.lake.type", "hadoop")
spark.conf.set("spark.sql.catalog.lake.warehouse", lake)
to_lake = (
    evens.writeStream
    .option("checkpointLocation", os.path.join(lake, "_checkpoints", "evens"))
    .trigger(processingTime="1 second")
    .toTable("lake.bronze.evens")
)
to_lake.awaitTermination(3)
to_lake.stop()
print(f"Iceberg table lake.bronze.evens in {lake}:")
spark.table("lake.bronze.evens").orderBy("value").show(5, truncate=False)

# 7. Event time and state: 2-second windows counted as rows arrive. The
#    watermark lets rows be up to 1 second late; in append mode a window is
#    printed once, when the watermark passes its end, and then leaves the state.
windowed = (
    events
    .withWatermark("timestamp", "1 second")
    .groupBy(f.window("timestamp", "2 seconds"))
    .agg(f.count("*").alias("rows"), f.sum("value").alias("sum_of_values"))
    .select(f.date_format("window.start", "HH:mm:ss").alias("from"),
            f.date_format("window.end", "HH:mm:ss").alias("to"), "rows", "sum_of_values")
)
counts = (
    windowed.writeStream
    .format("memory")
    .queryName("windows")
    .outputMode("append")
    .trigger(processingTime="500 milliseconds")
    .start()
)
counts.awaitTermination(6)
counts.stop()
print("Closed 2-second windows (each printed once, when the watermark passed it):")
spark.sql("SELECT * FROM windows ORDER BY `from`").show(truncate=False)
state = counts.lastProgress.stateOperators[0]
print(f"state: {state['numRowsTotal']} open window(s), {state['numRowsRemoved']} removed in the last batch")
