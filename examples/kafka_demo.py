"""Spate's Kafka demo: the Quick Start pipeline on a real local Kafka broker.

Starts a single-node Apache Kafka broker (scripts/kafka/broker.sh: its jars come
from Maven Central on first use), writes JSON orders to a topic, then runs
Kafka -> CAST(value AS STRING) -> from_json -> data.* -> filter -> Kafka and
the console, and stops the broker.

    .venv/bin/python examples/kafka_demo.py     (after `make build`)
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

from spate.sql import SparkSession, functions as f

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BROKER = os.path.join(ROOT, "scripts", "kafka", "broker.sh")

workdir = tempfile.mkdtemp(prefix="spate-kafka-demo-")
started = subprocess.run([BROKER, "start", os.path.join(workdir, "broker")], capture_output=True, text=True)
if started.returncode != 0:
    sys.exit("the Kafka broker did not start:\n" + started.stderr)
env = dict(line.split("=", 1) for line in started.stdout.splitlines() if "=" in line)
bootstrap = env["KAFKA_BOOTSTRAP"]
print("Kafka broker at", bootstrap)

try:
    spark = SparkSession.builder.appName("kafka-demo").getOrCreate()

    # 1. Some JSON orders in the topic "orders" (a batch write: df.write.format("kafka")).
    orders = [{"order": i, "user": "user-%d" % (i % 3), "amount": round(i * 7.5, 2)} for i in range(10)]
    (spark.createDataFrame([(str(o["order"]), json.dumps(o)) for o in orders], "key STRING, value STRING")
     .write.format("kafka").option("kafka.bootstrap.servers", bootstrap).option("topic", "orders").save())

    # 2. The Quick Start shape: parse the value, keep the big orders.
    schema = "order INT, user STRING, amount DOUBLE"
    big = (spark.readStream.format("kafka")
           .option("kafka.bootstrap.servers", bootstrap)
           .option("subscribe", "orders")
           .option("startingOffsets", "earliest")
           .load()
           .select(f.from_json(f.col("value").cast("string"), schema).alias("data"))
           .select("data.*")
           .filter(f.col("amount") >= 30))

    # 3. To the console, and as JSON to the topic "big-orders".
    console = big.writeStream.format("console").trigger(availableNow=True).start()
    console.awaitTermination()
    to_kafka = (big.select(f.col("user").alias("key"), f.to_json(f.struct("order", "amount")).alias("value"))
                .writeStream.format("kafka")
                .option("kafka.bootstrap.servers", bootstrap).option("topic", "big-orders")
                .option("checkpointLocation", os.path.join(workdir, "checkpoint"))
                .trigger(availableNow=True).start())
    to_kafka.awaitTermination()
    print("source metrics:", to_kafka.lastProgress.sources[0].metrics)

    # 4. Read the result back with a batch read.
    (spark.read.format("kafka").option("kafka.bootstrap.servers", bootstrap).option("subscribe", "big-orders")
     .load().selectExpr("CAST(key AS STRING) AS user", "CAST(value AS STRING) AS order", "offset")
     .orderBy("offset").show(truncate=False))
finally:
    subprocess.run([BROKER, "stop", os.path.join(workdir, "broker")])
    shutil.rmtree(workdir, ignore_errors=True)
