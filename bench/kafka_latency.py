"""End-to-end latency of a Kafka -> Kafka query, measured from outside it.

A producer stamps each record with its send time and sends at a fixed rate;
the query (Kafka -> CAST(value AS STRING) -> from_json -> filter -> Kafka,
default trigger) runs in its own process; a consumer in this process reads
the output topic and takes each record's latency as its arrival time minus
the stamp. Prints p50/p99/p99.9 latency, the rate the query kept up with,
how many records came out, and the CPU seconds the query and the broker took
while the records were sent.

    .venv/bin/python bench/kafka_latency.py [--rate 5000] [--seconds 10] [--engine spate|pyspark|both|none]
                                            [--trigger default|continuous|realtime] [--stateful] [--floor]
                                            [--native] [--timeline] [--warm-up 30] [--broker-gc shenandoah|serial]

Before any run, records go through a topic of their own at the run's rate for
--warm-up seconds (30): a broker just started compiles its hot paths for tens
of seconds, and takes three times the CPU until it has.

--native produces and consumes with build/release/bench/kafka_latency_probe
(librdkafka) instead of Python's clients, which at 100,000 msg/s take most of
this machine's two cores themselves.

--engine none runs no query: the stamped records go straight to the topic the
consumer reads, so the figures are the floor of producer -> broker -> consumer
on this machine. --floor measures that floor first in the same run, so an
engine's figures can be read against it.

--trigger continuous runs both engines with trigger(continuous="1 second");
realtime runs Spate in real-time mode (trigger(realTime="5 seconds"), update
mode), which PySpark 4.1 does not expose, and PySpark with the continuous
trigger beside it.

--timeline (with --native) also prints, for each 100 ms of sending in which
some record took more than 10 ms, that slice's records, p50, p99 and max: it
tells a slow start, a broker's collector pause (all records of a few ms
arriving together) and a query falling behind apart.

--stateful (Spate in real-time mode only) runs a 1-second tumbling-window count
by the records' send time instead (a 2-second watermark, update mode): each
output row is a window's new count with the newest record it counts, whose
latency it measures.

PySpark runs with Spark's Kafka connector, fetched from Maven Central on
first use (bench/pyspark_kafka_pom.xml).

A broker is started for the run (scripts/kafka/broker.sh) unless
KAFKA_BOOTSTRAP names one (then KAFKA_BROKER_PID, from its broker.env, gives
the broker's CPU seconds). --broker-gc picks its JVM's collector: shenandoah
(the default: a 1 GB heap, touched at start, and Shenandoah, whose pauses are
under a millisecond) or serial (scripts/kafka/broker.sh's own small heap and
serial collector, the tests' broker, whose young-generation pauses of 8 to
20 ms every second or two hold up every record in flight; docs/low-latency.md).
KAFKA_BROKER_JVM_OPTS, when set, wins over both.
"""

# The JVM settings of the broker the benchmark starts, by --broker-gc (None: broker.sh's own).
BROKER_JVM = {"shenandoah": "-Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+UseShenandoahGC", "serial": None}

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "python"))

# The two engines' session and the records read from Kafka (`rows`), for a program run as
# `python -c PROGRAM engine bootstrap source sink checkpoint jars ...`.
SESSION_AND_RECORDS = r'''
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
        .select(f.from_json(f.col("value").cast("string"), schema).alias("r")).select("r.*"))
'''

QUERY = SESSION_AND_RECORDS + r'''
trigger, stateful = sys.argv[7:9]
rows = rows.filter(f.col("amount") >= 0)
if stateful == "1":  # a window's new count, with its newest record
    rows = (rows.withColumn("t", f.col("sent").cast("timestamp")).withWatermark("t", "2 seconds")
            .groupBy(f.window("t", "1 second")).agg(f.count("*").alias("n"), f.max("id").alias("id"),
                                                    f.max("sent").alias("sent")))
w = (rows.select(f.to_json(f.struct("id", "sent")).alias("value")).writeStream.format("kafka")
     .option("kafka.bootstrap.servers", bootstrap).option("topic", sink)
     .option("checkpointLocation", checkpoint))
if trigger == "realtime" and engine == "spate":
    w = w.outputMode("update").trigger(realTime="5 seconds")
elif trigger in ("continuous", "realtime"):
    w = w.trigger(continuous="1 second")
q = w.start()
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


def consume(bootstrap, topic, total, sent_all, results):
    """Reads `topic` until `total` records came, or the record of the last id (or, once all
    were sent, 30 s without one) and puts their latencies (arrival time minus the stamp, in
    seconds) on `results`."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "lat-" + uuid.uuid4().hex,
                         "auto.offset.reset": "earliest", "fetch.wait.max.ms": 100, "fetch.min.bytes": 1})
    consumer.assign([TopicPartition(topic, 0, 0)])  # no group join to wait for
    latencies, last, newest = [], time.monotonic(), -1
    while len(latencies) < total and newest < total - 1 and (not sent_all.is_set() or time.monotonic() - last < 30):
        # consume(n, timeout) waits its whole timeout unless n records came, which would add up to
        # that timeout to every latency: wait for the first record alone, then take what is there.
        first = consumer.poll(0.05)
        for m in ([first] + consumer.consume(1000, 0) if first is not None else []):
            if not m.error():
                row = json.loads(m.value())
                latencies.append(time.time() - row["sent"])
                newest = max(newest, row["id"])
                last = time.monotonic()
    consumer.close()
    results.put(latencies)


def cpu_seconds(pid):
    """The CPU seconds (user and system) process `pid` has taken; None once it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as stat:
            fields = stat.read().rsplit(")", 1)[1].split()  # from the third field, the state, on
    except (OSError, TypeError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuWhileSending:
    """The CPU seconds the query and the broker take while the records are sent: on two cores
    the broker's share is most of what bounds the latency, and it grows with the query's."""

    def __init__(self, pids):
        self.pids = {name: pid for name, pid in pids.items() if pid}

    def __enter__(self):
        self.start = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        return self

    def __exit__(self, *exc):
        taken = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        self.text = ", ".join("%s %.1f s" % (name, taken[name] - self.start[name]) for name in self.pids
                              if taken[name] is not None and self.start[name] is not None)


def report(engine, args, total, sent_for, out, p50, p99, p999, most, cpu=None):
    """Prints one run's line; returns (p50, p99) in ms."""
    mode = args.trigger if engine == "spate" or args.trigger == "default" else "continuous"
    mode = "no query" if engine == "none" else mode + (", windowed count" if args.stateful else "")
    mode += ", native clients" if args.native else ""
    print("%s (%s): %d records at %.0f msg/s (sent in %.1f s); %d out; latency p50 %.1f ms, p99 %.1f ms, "
          "p99.9 %.1f ms, max %.1f ms" % (engine, mode, total, total / sent_for, sent_for, out, p50, p99, p999, most))
    if cpu is not None and cpu.text:
        print("  CPU while sending: " + cpu.text)
    return p50, p99


def warm_up(broker, bootstrap, args):
    """Records at the run's rate through a topic of their own for --warm-up seconds: a broker
    just started compiles its hot paths for tens of seconds. At 100,000 msg/s with no query,
    three 10 s runs one after the other on one broker took 15.8, 9.9 and 5.1 CPU seconds,
    and their p99 went from 23.1 to 16.7 and 7.1 ms."""
    probe = os.path.join(ROOT, "build", "release", "bench", "kafka_latency_probe")
    topic = broker.new_topic(1, "lat-warm")
    reader = subprocess.Popen([probe, "consume", bootstrap, topic, str(int(args.rate * args.warm_up))],
                              stdout=subprocess.DEVNULL)
    subprocess.run([probe, "produce", bootstrap, topic, str(args.rate), str(args.warm_up)], stdout=subprocess.DEVNULL,
                   check=True)
    reader.wait(timeout=300)


def measure_natively(engine, bootstrap, source, sink, total, args, pids):
    """The same measure with build/release/bench/kafka_latency_probe as producer and consumer."""
    probe = os.path.join(ROOT, "build", "release", "bench", "kafka_latency_probe")
    timeline = tempfile.NamedTemporaryFile(prefix="latency-timeline-", suffix=".txt") if args.timeline else None
    reader = subprocess.Popen([probe, "consume", bootstrap, sink, str(total)] + ([timeline.name] if timeline else []),
                              stdout=subprocess.PIPE, text=True)
    time.sleep(20 if engine == "pyspark" else 3)  # the query's first batches
    with CpuWhileSending(pids) as cpu:
        sent = subprocess.run([probe, "produce", bootstrap, source, str(args.rate), str(args.seconds)],
                              stdout=subprocess.PIPE, text=True, check=True)
    got = json.loads(reader.communicate(timeout=300)[0])
    figures = report(engine, args, total, float(sent.stdout), got["n"], got["p50"], got["p99"], got["p999"],
                     got["max"], cpu)
    if timeline:
        print_timeline(timeline.name)
        timeline.close()
    return figures


def print_timeline(path, slice_seconds=0.1, slow_ms=10.0):
    """The 100 ms slices of sending in which some record took more than slow_ms."""
    with open(path) as f:
        records = [tuple(map(float, line.split())) for line in f]
    if not records:
        return
    first = min(sent for sent, _ in records)
    slices = {}
    for sent, ms in records:
        slices.setdefault(int((sent - first) / slice_seconds), []).append(ms)
    slow = sum(1 for _, ms in records if ms > slow_ms)
    print("  %d of %d records took more than %.0f ms; the slices of %.0f ms that hold them:"
          % (slow, len(records), slow_ms, slice_seconds * 1000))
    for number in sorted(slices):
        ms = sorted(slices[number])
        if ms[-1] > slow_ms:
            print("    +%5.1f s  %6d records  p50 %6.1f  p99 %6.1f  max %6.1f ms  (%d over %.0f ms)"
                  % (number * slice_seconds, len(ms), ms[len(ms) // 2], percentile(ms, 0.99), ms[-1],
                     sum(1 for x in ms if x > slow_ms), slow_ms))


def run(engine, broker, bootstrap, work, args):
    """Runs the query on `engine` while records are produced; prints and returns (p50, p99) in ms."""
    from confluent_kafka import Producer

    source, sink = broker.new_topic(1, "lat-in"), broker.new_topic(1, "lat-out")
    query = None
    if engine == "none":  # the floor: the consumer reads the topic the producer writes
        sink = source
    else:
        # The query runs the build of this checkout, whatever the environment's spate is.
        path = os.pathsep.join(p for p in (os.path.join(ROOT, "python"), os.environ.get("PYTHONPATH")) if p)
        env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYTHONPATH=path)
        jars = pyspark_kafka_jars() if engine == "pyspark" else ""
        query = subprocess.Popen([sys.executable, "-c", QUERY, engine, bootstrap, source, sink,
                                  os.path.join(work, engine + "-checkpoint"), jars, args.trigger,
                                  "1" if args.stateful else "0"],
                                 env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert query is None or query.stdout.readline().strip() == "started", "the query did not start"
        total = int(args.rate * args.seconds)
        pids = {"query": query.pid if query else None, "broker": int(broker.env.get("KAFKA_BROKER_PID", 0))}
        if args.native:
            return measure_natively(engine, bootstrap, source, sink, total, args, pids)
        # The consumer runs in a process of its own, so that it does not share the GIL
        # (and a core's time slices) with the producer below.
        results, sent_all = multiprocessing.Queue(), multiprocessing.Event()
        reader = multiprocessing.Process(target=consume, args=(bootstrap, sink, total, sent_all, results))
        reader.start()
        time.sleep(20 if engine == "pyspark" else 3)  # the query's first batches
        # linger.ms 1 rather than 0: a produce request per record loads the broker on the same
        # two cores enough to become the latency measured.
        producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 1})
        producer.list_topics(source, timeout=10)  # connected before the first stamp
        begin = time.monotonic()
        with CpuWhileSending(pids) as cpu:
            for i in range(total):
                lag = begin + i / args.rate - time.monotonic()
                if lag > 0:
                    time.sleep(lag)
                producer.produce(source, json.dumps({"id": i, "sent": time.time(), "user": "u%d" % (i % 100),
                                                     "amount": float(i % 50), "kind": "buy"}))
                producer.poll(0)
            producer.flush(30)
        sent_for = time.monotonic() - begin
        sent_all.set()
        latencies = results.get(timeout=300)
        reader.join()
        ms = [x * 1000 for x in latencies]
        return report(engine, args, total, sent_for, len(ms), percentile(ms, 0.5), percentile(ms, 0.99),
                      percentile(ms, 0.999), max(ms) if ms else float("nan"), cpu)
    finally:
        if query is not None:
            query.kill()
            query.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=5000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--engine", default="both", choices=["spate", "pyspark", "both", "none"])
    parser.add_argument("--trigger", default="default", choices=["default", "continuous", "realtime"])
    parser.add_argument("--stateful", action="store_true", help="a windowed count (Spate in real-time mode)")
    parser.add_argument("--timeline", action="store_true",
                        help="with --native: the 100 ms slices of sending that hold records slower than 10 ms")
    parser.add_argument("--floor", action="store_true", help="also measure the run without a query first")
    parser.add_argument("--warm-up", type=float, default=30, help="seconds of records through the broker first")
    parser.add_argument("--broker-gc", default="shenandoah", choices=sorted(BROKER_JVM),
                        help="the collector of the broker the benchmark starts")
    parser.add_argument("--native", action="store_true",
                        help="produce and consume with build/release/bench/kafka_latency_probe (librdkafka)")
    args = parser.parse_args()
    if args.timeline and not args.native:
        parser.error("--timeline needs --native (the probe writes the timeline)")
    if args.stateful and (args.engine != "spate" or args.trigger != "realtime"):
        parser.error("--stateful runs Spate in real-time mode: add --engine spate --trigger realtime")

    import kafka_support

    work = tempfile.mkdtemp(prefix="kafka-latency-")
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP")
    if not bootstrap:
        if BROKER_JVM[args.broker_gc] and not os.environ.get("KAFKA_BROKER_JVM_OPTS"):
            os.environ["KAFKA_BROKER_JVM_OPTS"] = BROKER_JVM[args.broker_gc]
        broker = kafka_support.start_broker(os.path.join(work, "broker"))
        bootstrap = broker.bootstrap
    else:
        broker = kafka_support.Broker({"KAFKA_BOOTSTRAP": bootstrap, "KAFKA_SASL_BOOTSTRAP": "",
                                       "KAFKA_SSL_BOOTSTRAP": "", "KAFKA_SASL_USER": "",
                                       "KAFKA_SASL_PASSWORD": "", "KAFKA_SSL_CA": "",
                                       "KAFKA_BROKER_PID": os.environ.get("KAFKA_BROKER_PID", "0")})
    try:
        warm_up(broker, bootstrap, args)
        results = {}
        engines = ["spate", "pyspark"] if args.engine == "both" else [args.engine]
        if args.floor and "none" not in engines:
            engines.insert(0, "none")
        for engine in engines:
            results[engine] = run(engine, broker, bootstrap, work, args)
        if "spate" in results and "pyspark" in results:
            print("p50 ratio (PySpark / Spate): %.0fx, p99 ratio: %.0fx"
                  % (results["pyspark"][0] / results["spate"][0], results["pyspark"][1] / results["spate"][1]))
    finally:
        if not os.environ.get("KAFKA_BOOTSTRAP"):
            kafka_support.stop_broker(os.path.join(work, "broker"))


if __name__ == "__main__":
    main()
