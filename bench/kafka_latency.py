"""End-to-end latency of a Kafka -> Kafka query, measured from outside it.

A producer stamps each record with its send time and sends at a fixed rate;
the query (Kafka -> CAST(value AS STRING) -> from_json -> filter -> Kafka,
default trigger) runs in its own process; a consumer in this process reads
the output topic and takes each record's latency as its arrival time minus
the stamp. Prints p50/p99/p99.9 latency, the rate the query kept up with,
and how many records came out.

    .venv/bin/python bench/kafka_latency.py [--rate 5000] [--seconds 10] [--engine spate|pyspark|both]

PySpark runs with Spark's Kafka connector, fetched from Maven Central on
first use (bench/pyspark_kafka_pom.xml).

A broker is started for the run (scripts/kafka/broker.sh) unless
KAFKA_BOOTSTRAP names one.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "python"))

QUERY = r'''
import sys
engine, bootstrap, source, sink, checkpoint, jars = sys.argv[1:7]
if engine == "spate":
    from spate.sql import SparkSession, functions as f
    spark = SparkSession.builder.getOrCreate()
else:
    from pyspark.sql import SparkSession, functions as f
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "2").config("spark.ui.showConsoleProgress", "false")
             .config("spark.jars", jars).getOrCreate())
    spark.sparkContext.setLogLevel("OFF")
schema = "id BIGINT, sent DOUBLE, user STRING, amount DOUBLE, kind STRING"
rows = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", bootstrap)
        .option("subscribe", source).option("startingOffsets", "earliest").load()
        .select(f.from_json(f.col("value").cast("string"), schema).alias("r")).select("r.*")
        .filter(f.col("amount") >= 0))
q = (rows.select(f.to_json(f.struct("id", "sent")).alias("value")).writeStream.format("kafka")
     .option("kafka.bootstrap.servers", bootstrap).option("topic", sink)
     .option("checkpointLocation", checkpoint).start())
print("started", flush=True)
import json, os, time
if os.environ.get("LATENCY_PROGRESS"):
    while q.isActive:
        time.sleep(1)
        p = q.lastProgress
        if p:
            print(json.dumps({"batch": p["batchId"], "rows": p["numInputRows"], "ms": p["durationMs"]}),
                  file=sys.stderr, flush=True)
q.awaitTermination()
'''


CONSUMER = r'''
import json, os, sys, time
from confluent_kafka import Consumer, TopicPartition
bootstrap, topic, producer_done, out = sys.argv[1:5]
consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "latency-%d" % os.getpid(),
                     "auto.offset.reset": "earliest", "fetch.wait.max.ms": 100, "fetch.min.bytes": 1})
consumer.assign([TopicPartition(topic, 0, 0)])  # no group join to wait for
print("ready", flush=True)
latencies, stop_at = [], None
while stop_at is None or time.monotonic() < stop_at:
    messages = consumer.consume(1000, 0.05)
    now = time.time()  # when this batch of records reached the consumer
    latencies += [now - json.loads(m.value())["sent"] for m in messages if not m.error()]
    if stop_at is None and os.path.exists(producer_done):
        with open(producer_done) as f:
            total = int(f.read())
        stop_at = time.monotonic() + 30
    if stop_at is not None and len(latencies) >= total:
        break
consumer.close()
with open(out, "w") as f:
    json.dump(latencies, f)
'''


def pyspark_kafka_jars():
    """Spark's Kafka connector and the jars it needs beside PySpark's own, fetched with Maven."""
    libs = os.path.join(ROOT, "build", "pyspark-kafka", "libs")
    if not os.path.isdir(libs):
        subprocess.run(["mvn", "-q", "-B", "-f", os.path.join(ROOT, "bench", "pyspark_kafka_pom.xml"),
                        "dependency:copy-dependencies", "-DincludeScope=runtime", "-DoutputDirectory=" + libs],
                       check=True)
    wanted = ("spark-sql-kafka", "spark-token-provider-kafka", "kafka-clients", "commons-pool2")
    return ",".join(os.path.join(libs, j) for j in sorted(os.listdir(libs)) if j.startswith(wanted))


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")


def run(engine, broker, bootstrap, work, args):
    """Runs the query on `engine` while records are produced; prints and returns (p50, p99) in ms."""
    from confluent_kafka import Producer

    source, sink = broker.new_topic(1, "lat-in"), broker.new_topic(1, "lat-out")
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable)
    jars = pyspark_kafka_jars() if engine == "pyspark" else ""
    query = subprocess.Popen([sys.executable, "-c", QUERY, engine, bootstrap, source, sink,
                              os.path.join(work, engine + "-checkpoint"), jars],
                             env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert query.stdout.readline().strip() == "started", "the query did not start"
        # The consumer runs in its own process: in this one it would share the interpreter with
        # the producer and measure its own lag under load, not the query's.
        producer_done = os.path.join(work, engine + "-produced")
        latencies_file = os.path.join(work, engine + "-latencies.json")
        consumer = subprocess.Popen([sys.executable, "-c", CONSUMER, bootstrap, sink, producer_done,
                                     latencies_file], stdout=subprocess.PIPE, text=True)
        assert consumer.stdout.readline().strip() == "ready", "the consumer did not start"
        time.sleep(3 if engine == "spate" else 20)  # the query's first batches
        producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 1})
        total = int(args.rate * args.seconds)
        begin = time.monotonic()
        for i in range(total):
            lag = begin + i / args.rate - time.monotonic()
            if lag > 0:
                time.sleep(lag)
            producer.produce(source, json.dumps({"id": i, "sent": time.time(), "user": "u%d" % (i % 100),
                                                 "amount": float(i % 50), "kind": "buy"}))
            producer.poll(0)
        producer.flush(30)
        sent_for = time.monotonic() - begin
        with open(producer_done, "w") as f:
            f.write(str(total))
        consumer.wait(60)
        with open(latencies_file) as f:
            latencies = json.load(f)
        ms = [x * 1000 for x in latencies]
        print("%s: %d records at %.0f msg/s (sent in %.1f s); %d out; latency p50 %.1f ms, p99 %.1f ms, "
              "p99.9 %.1f ms, max %.1f ms" % (engine, total, total / sent_for, sent_for, len(ms),
                                                percentile(ms, 0.5), percentile(ms, 0.99),
                                                percentile(ms, 0.999), max(ms) if ms else float("nan")))
        return percentile(ms, 0.5), percentile(ms, 0.99)
    finally:
        query.kill()
        query.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=5000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--engine", default="both", choices=["spate", "pyspark", "both"])
    args = parser.parse_args()

    import kafka_support

    work = tempfile.mkdtemp(prefix="kafka-latency-")
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP")
    if not bootstrap:
        broker = kafka_support.start_broker(os.path.join(work, "broker"))
        bootstrap = broker.bootstrap
    else:
        broker = kafka_support.Broker({"KAFKA_BOOTSTRAP": bootstrap, "KAFKA_SASL_BOOTSTRAP": "",
                                       "KAFKA_SSL_BOOTSTRAP": "", "KAFKA_SASL_USER": "",
                                       "KAFKA_SASL_PASSWORD": "", "KAFKA_SSL_CA": ""})
    try:
        results = {}
        for engine in (["spate", "pyspark"] if args.engine == "both" else [args.engine]):
            results[engine] = run(engine, broker, bootstrap, work, args)
        if len(results) == 2:
            print("p50 ratio (PySpark / Spate): %.0fx, p99 ratio: %.0fx"
                  % (results["pyspark"][0] / results["spate"][0], results["pyspark"][1] / results["spate"][1]))
    finally:
        if not os.environ.get("KAFKA_BOOTSTRAP"):
            kafka_support.stop_broker(os.path.join(work, "broker"))


if __name__ == "__main__":
    main()
