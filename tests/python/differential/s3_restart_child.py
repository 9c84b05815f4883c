"""The streaming queries of the S3 checkpoint tests (test_s3_checkpoints.py), and a script that
runs one of them in its own process, as a restarted job does:

    s3_restart_child.py KIND SRC OUT CHECKPOINT PROVIDER CONF_JSON

KIND is "windowed" (a windowed aggregation with a watermark, append mode) or "stateless" (a
filter and a projection); the query reads the JSON files of SRC one per batch until they are
all read (availableNow) and writes Parquet files to OUT. CONF_JSON holds settings to apply
first (the s3a:// ones)."""

import json
import sys

SCHEMA = "ts TIMESTAMP, user STRING, amount INT"
PROVIDER_KEY = "spark.sql.streaming.stateStore.providerClass"


def build(f, events, kind):
    if kind == "windowed":
        return (events.withWatermark("ts", "5 minutes")
                .groupBy(f.window("ts", "5 minutes"), "user")
                .agg(f.count("*").alias("n"), f.sum("amount").alias("total"))
                .select(f.col("window.start").alias("start"), "user", "n", "total"))
    return events.filter(f.col("amount") > 1).select("ts", f.upper("user").alias("user"),
                                                     (f.col("amount") * 2).alias("twice"))


def start(spark, f, kind, src, out, checkpoint):
    events = spark.readStream.schema(SCHEMA).option("maxFilesPerTrigger", 1).json(src)
    return (build(f, events, kind).writeStream.format("parquet").outputMode("append")
            .option("checkpointLocation", checkpoint).trigger(availableNow=True).start(out))


def main(argv):
    kind, src, out, checkpoint, provider, conf = argv[1:7]
    from spate.sql import SparkSession
    from spate.sql import functions as f

    spark = SparkSession.builder.appName("s3-restart-child").getOrCreate()
    for key, value in json.loads(conf).items():
        spark.conf.set(key, value)
    spark.conf.set(PROVIDER_KEY, provider)
    query = start(spark, f, kind, src, out, checkpoint)
    query.awaitTermination()
    if query.exception() is not None:
        print("failed:", query.exception(), flush=True)
        return 3
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
