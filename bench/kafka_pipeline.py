"""Kafka -> CAST(value AS STRING) -> from_json -> filter -> to_json -> Kafka over a backlog,
on Spate and on PySpark 4.1 side by side, on the same broker and the same messages.

The messages (5-field JSON records, as bench/kafka_latency.py sends) are produced once into
a topic of 2 partitions and read through once, so that no engine's run is the first to
read them from the broker. Each engine then runs the same program in a process of its own
with trigger(availableNow=True) into a topic of its own, --runs times, the engines taking
turns; a run's wall time is taken from the query's start to its end. Prints each run's
messages/s, and for Spate messages per CPU second of its process too, then each engine's
median run and the ratio of the medians. PySpark runs local[2] with 2 shuffle partitions
(this machine's cores) and Spark's Kafka connector, fetched from Maven Central on first use
(bench/pyspark_kafka_pom.xml).

    .venv/bin/python bench/kafka_pipeline.py [--messages 1000000] [--runs 3] [--engine spate|pyspark|both]

A broker is started for the run (scripts/kafka/broker.sh) unless KAFKA_BOOTSTRAP names one.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "python"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kafka_latency import SESSION_AND_RECORDS, pyspark_kafka_jars  # noqa: E402

QUERY = SESSION_AND_RECORDS + r'''
import json, resource, time
rows = rows.filter(f.col("amount") >= 10)
writer = (rows.select(f.to_json(f.struct("id", "user", "amount")).alias("value")).writeStream
          .format("kafka").option("kafka.bootstrap.servers", bootstrap).option("topic", sink)
          .option("checkpointLocation", checkpoint).trigger(availableNow=True))
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
start, cpu_start = time.monotonic(), cpu()
writer.start().awaitTermination()
print(json.dumps({"seconds": time.monotonic() - start, "cpu_seconds": cpu() - cpu_start}))
'''


def produce(bootstrap, topic, messages):
    from confluent_kafka import Producer

    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20, "batch.num.messages": 10000,
                         "queue.buffering.max.messages": 1000000})
    kinds = ("buy", "sell", "view", "refund")
    for i in range(messages):
        record = '{"id":%d,"sent":%.3f,"user":"u%d","amount":%d.5,"kind":"%s"}' % (
            i, 1700000000 + i / 1000, i % 1000, i % 50, kinds[i % 4])
        while True:
            try:
                producer.produce(topic, record)
                break
            except BufferError:
                producer.poll(0.1)
    assert producer.flush(60) == 0


def read_through(bootstrap, topic, messages):
    """Reads every message of `topic` once, as an engine's run would."""
    from confluent_kafka import Consumer

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "read-through",
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([topic])
    seen = 0
    while seen < messages:
        seen += sum(1 for m in consumer.consume(10000, timeout=10) if m.error() is None)
    consumer.close()


def count(bootstrap, topic):
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "count"})
    partitions = consumer.list_topics(topic, timeout=30).topics[topic].partitions
    total = sum(consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=30)[1] for p in partitions)
    consumer.close()
    return total


def run(engine, broker, source, work, number):
    sink = broker.new_topic(2, "pipeline-out")
    jars = pyspark_kafka_jars() if engine == "pyspark" else ""
    done = subprocess.run([sys.executable, "-c", QUERY, engine, broker.bootstrap, source, sink,
                           os.path.join(work, "%s-checkpoint-%d" % (engine, number)), jars],
                          env=dict(os.environ, PYSPARK_PYTHON=sys.executable), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit("%s failed:\n%s" % (engine, done.stderr[-4000:]))
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["out"] = count(broker.bootstrap, sink)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engine", default="both", choices=["spate", "pyspark", "both"])
    args = parser.parse_args()

    import kafka_support

    work = tempfile.mkdtemp(prefix="kafka-pipeline-")
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP")
    if bootstrap:
        broker = kafka_support.Broker({"KAFKA_BOOTSTRAP": bootstrap, "KAFKA_SASL_BOOTSTRAP": "",
                                       "KAFKA_SSL_BOOTSTRAP": "", "KAFKA_SASL_USER": "",
                                       "KAFKA_SASL_PASSWORD": "", "KAFKA_SSL_CA": ""})
    else:
        broker = kafka_support.start_broker(os.path.join(work, "broker"))
    try:
        source = broker.new_topic(2, "pipeline-in")
        produce(broker.bootstrap, source, args.messages)
        read_through(broker.bootstrap, source, args.messages)
        engines = ["spate", "pyspark"] if args.engine == "both" else [args.engine]
        seconds = {engine: [] for engine in engines}
        for number in range(args.runs):
            for engine in engines:
                r = run(engine, broker, source, work, number)
                seconds[engine].append(r["seconds"])
                per_cpu = "  %10.0f messages/CPU s" % (args.messages / r["cpu_seconds"]) if engine == "spate" else ""
                print("%-8s %9d messages in %6.2f s: %10.0f messages/s%s  (%d out)"
                      % (engine, args.messages, r["seconds"], args.messages / r["seconds"], per_cpu, r["out"]),
                      flush=True)
        median = {engine: statistics.median(runs) for engine, runs in seconds.items()}
        for engine in engines:
            print("%-8s median of %d runs: %6.2f s, %10.0f messages/s"
                  % (engine, args.runs, median[engine], args.messages / median[engine]))
        if len(engines) == 2:
            print("Spate / PySpark 4.1 messages/s (medians): %.1fx" % (median["pyspark"] / median["spate"]))
    finally:
        if not bootstrap:
            kafka_support.stop_broker(os.path.join(work, "broker"))
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
