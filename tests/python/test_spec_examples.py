"""The code blocks of the Structured Streaming reference (shared/spec/
structured-streaming-skill.md) run on Spate with only the import line changed.

Each block is kept here verbatim (``test_blocks_are_verbatim_copies_of_the_spec``
checks it against the spec when the spec is beside the repository) and run with
``run_block``: the variables a block assumes (``spark``, ``df``, ``query`` ...) are
set up first, and the value of its last expression is returned to be checked.
Fragments that are one method call (``.trigger(...)``, ``.outputMode(...)``) are
applied line by line to a DataStreamWriter.

Besides the import, what a block names outside this machine is replaced: the REST
endpoint (a local HTTP server), the Kafka broker address (the test session's real broker), ``/checkpoints/...`` and
``s3a://`` paths of sources (temporary folders), the bucket of an ``s3a://`` checkpoint (one of the test S3
server's); the Iceberg blocks use a hadoop catalog
named ``iceberg`` in a temporary warehouse. Blocks that need a component Spate
does not have yet are listed in PENDING with the reason; they are added when the
component lands. Every test runs in a fresh process that imports Spate before
anything else (the fresh_process mark, conftest.py).
"""

import ast
import json
import os
import re
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

from spate.errors import AnalysisException, IllegalArgumentException
from spate.sql import functions as f
from spate.sql.types import LongType, TimestampType

# Each test runs in a fresh process that imports Spate first (conftest.py).
pytestmark = pytest.mark.fresh_process

SPEC = Path(os.environ.get("SPATE_SPEC") or
            Path(__file__).resolve().parents[3] / "shared" / "spec" / "structured-streaming-skill.md")

# Blocks (by the spec's section and first line) that need what Spate lacks yet.
PENDING = {
    "SASL Authentication": "a SASL_SSL listener on the test broker",
}
COVERED = 30  # blocks run below; COVERED + len(PENDING) + len(CORRECTED) is every block of the spec

# Blocks that are not valid PySpark as written, run in a corrected form (the spec's first line
# finds the block; test_corrected_blocks_fix_only_what_pyspark_refuses names the fixes).
CORRECTED = {
    "from pyspark.sql.streaming import StatefulProcessor, StatefulProcessorHandle": "TRANSFORM_WITH_STATE",
}

# --- The blocks, verbatim ----------------------------------------------------------------------

TO_ICEBERG = '''query = (df.writeStream
    .format("iceberg")
    .outputMode("append")
    .option("checkpointLocation", "/checkpoints/my-stream")
    .option("fanout-enabled", "true")  # For partitioned tables
    .toTable("iceberg.bronze.events"))'''

TO_POSTGRES = '''def write_to_postgres(batch_df, batch_id):
    """Write each micro-batch to PostgreSQL."""
    (batch_df.write
        .format("jdbc")
        .option("url", "jdbc:postgresql://localhost:5432/mydb")
        .option("dbtable", "events")
        .option("user", "user")
        .option("password", "pass")
        .mode("append")
        .save())

query = (df.writeStream
    .foreachBatch(write_to_postgres)
    .option("checkpointLocation", "/checkpoints/postgres-sink")
    .start())'''

MULTI_SINK = '''# Multiple outputs per batch
def multi_sink(batch_df, batch_id):
    # Write to Iceberg
    batch_df.write.mode("append").saveAsTable("iceberg.silver.events")

    # Write aggregates to dashboard
    agg_df = batch_df.groupBy("event_type").count()
    agg_df.write.mode("overwrite").saveAsTable("iceberg.gold.event_counts")

query = (df.writeStream
    .foreachBatch(multi_sink)
    .option("checkpointLocation", "/checkpoints/multi-sink")
    .start())'''

QUICK_START = '''from pyspark.sql import SparkSession
from pyspark.sql import functions as f

spark = SparkSession.builder.appName("streaming").getOrCreate()

# Read from Kafka
df_stream = (spark.readStream
    .format("kafka")
    .option("kafka.bootstrap.servers", "localhost:9092")
    .option("subscribe", "events")
    .option("startingOffsets", "latest")
    .load())

# Transform
df_parsed = (df_stream
    .selectExpr("CAST(value AS STRING) as json")
    .select(f.from_json("json", schema).alias("data"))
    .select("data.*"))

# Write to Iceberg
query = (df_parsed.writeStream
    .format("iceberg")
    .outputMode("append")
    .option("checkpointLocation", "/checkpoints/events")
    .toTable("iceberg.bronze.events"))

query.awaitTermination()'''

FROM_KAFKA = '''df = (spark.readStream
    .format("kafka")
    .option("kafka.bootstrap.servers", "localhost:9092")
    .option("subscribe", "topic1,topic2")  # Multiple topics
    .option("startingOffsets", "earliest")  # or "latest"
    .option("maxOffsetsPerTrigger", 10000)  # Rate limiting
    .load())

# Kafka columns: key, value, topic, partition, offset, timestamp
df.selectExpr(
    "CAST(key AS STRING)",
    "CAST(value AS STRING)",
    "topic",
    "timestamp"
)'''

TO_KAFKA = '''query = (df
    .selectExpr("CAST(id AS STRING) AS key", "to_json(struct(*)) AS value")
    .writeStream
    .format("kafka")
    .option("kafka.bootstrap.servers", "localhost:9092")
    .option("topic", "output-topic")
    .option("checkpointLocation", "/checkpoints/kafka-sink")
    .start())'''

KAFKA_SSL = '''df = (spark.readStream
    .format("kafka")
    .option("kafka.bootstrap.servers", "broker1:9093,broker2:9093")
    .option("subscribe", "events")
    .option("kafka.security.protocol", "SSL")
    .option("kafka.ssl.truststore.location", "/path/to/truststore.jks")
    .option("kafka.ssl.truststore.password", "password")
    .option("kafka.ssl.keystore.location", "/path/to/keystore.jks")
    .option("kafka.ssl.keystore.password", "password")
    .load())'''

KAFKA_CONSUMER_GROUP = '''df = (spark.readStream
    .format("kafka")
    .option("kafka.bootstrap.servers", "localhost:9092")
    .option("subscribe", "events")
    .option("kafka.group.id", "my-spark-consumer-group")  # Set consumer group
    .option("startingOffsets", "earliest")
    .option("maxOffsetsPerTrigger", 10000)                # Rate limiting
    .option("minOffsetsPerTrigger", 1000)                 # Min batch size
    .load())'''

FROM_FILES = '''df = (spark.readStream
    .format("parquet")  # or csv, json
    .schema(my_schema)  # Required for streaming
    .option("maxFilesPerTrigger", 100)
    .load("s3a://bucket/incoming/"))'''

TO_CONSOLE = '''query = (df.writeStream
    .format("console")
    .outputMode("append")
    .option("truncate", False)
    .start())'''

REST_API_SINK = '''# REST API sink
import requests

def send_to_api(batch_df, batch_id):
    records = batch_df.toJSON().collect()
    for record in records:
        requests.post("https://api.example.com/events", data=record)

# Note: collect() brings data to driver - use for small batches only'''

RATE_SOURCE = '''# Generates rows with timestamp and value columns
df = (spark.readStream
    .format("rate")
    .option("rowsPerSecond", 100)      # 100 rows/second
    .option("numPartitions", 4)
    .load())

# Schema: timestamp (Timestamp), value (Long)'''

MEMORY_SINK = '''# Write to in-memory table for testing
query = (df.writeStream
    .format("memory")
    .queryName("test_output")          # Table name to query
    .outputMode("append")
    .start())

# Query results
spark.sql("SELECT * FROM test_output").show()'''

SOCKET_SOURCE = '''# Read from TCP socket (netcat: nc -lk 9999)
df = (spark.readStream
    .format("socket")
    .option("host", "localhost")
    .option("port", 9999)
    .load())'''

TRIGGERS = '''# Default: process as fast as possible
.trigger(availableNow=True)  # Process all available, then stop

# Fixed interval micro-batches
.trigger(processingTime="10 seconds")

# Once (batch-like, process all available)
.trigger(once=True)  # Deprecated, use availableNow

# Continuous (experimental, low latency)
.trigger(continuous="1 second")'''

CONTINUOUS_BASIC = '''# Continuous processing with 1-second checkpoint interval
query = (df
    .selectExpr("CAST(value AS STRING) as message")
    .writeStream
    .format("kafka")
    .option("kafka.bootstrap.servers", "localhost:9092")
    .option("topic", "output")
    .option("checkpointLocation", "/checkpoints/continuous")
    .trigger(continuous="1 second")  # Checkpoint interval, NOT processing interval
    .start())'''

CONTINUOUS_SUPPORTED = '''# ✅ WORKS - Simple transformations only
query = (spark.readStream
    .format("kafka")
    .option("kafka.bootstrap.servers", "localhost:9092")
    .option("subscribe", "input")
    .load()
    .selectExpr(
        "CAST(key AS STRING)",
        "CAST(value AS STRING)",
        "UPPER(CAST(value AS STRING)) as value_upper"  # Simple map
    )
    .filter("length(value) > 0")  # Simple filter
    .writeStream
    .format("kafka")
    .option("kafka.bootstrap.servers", "localhost:9092")
    .option("topic", "output")
    .option("checkpointLocation", "/checkpoints/continuous")
    .trigger(continuous="1 second")
    .start())'''

CONTINUOUS_AGGREGATION_FAILS = '''# ❌ FAILS - Aggregations not supported
query = (df
    .groupBy("key")  # NOT ALLOWED in continuous mode
    .count()
    .writeStream
    .trigger(continuous="1 second")
    .start())
# Error: Continuous processing does not support aggregate operations'''

SHORT_MICRO_BATCHES = '''# 100ms micro-batches - good balance of latency and features
query = (df
    .groupBy(f.window("timestamp", "1 second"))
    .count()
    .writeStream
    .trigger(processingTime="100 milliseconds")  # Fast micro-batches
    .format("console")
    .start())'''

TUMBLING_WINDOW = '''# Non-overlapping fixed windows
df.groupBy(
    f.window("event_time", "5 minutes"),
    "event_type"
).agg(f.count("*").alias("count"))'''

SLIDING_WINDOW = '''# Overlapping windows
df.groupBy(
    f.window("event_time", "10 minutes", "5 minutes"),  # size, slide
    "event_type"
).agg(f.count("*").alias("count"))'''

SESSION_WINDOW = '''# Gap-based windows
df.groupBy(
    f.session_window("event_time", "10 minutes"),  # gap duration
    "user_id"
).agg(f.count("*").alias("events_in_session"))'''

WATERMARK = '''# Allow data up to 10 minutes late
df_with_watermark = (df
    .withWatermark("event_time", "10 minutes")
    .groupBy(
        f.window("event_time", "5 minutes"),
        "event_type"
    )
    .agg(f.count("*").alias("count")))'''

OUTPUT_MODES = '''.outputMode("append")   # Most common for streaming to storage
.outputMode("update")   # For updating dashboards
.outputMode("complete") # For small, bounded aggregations'''

DEDUPLICATION = '''# Dedupe within watermark window
df.withWatermark("event_time", "10 minutes").dropDuplicates(["event_id"])'''

STREAM_STREAM_JOIN = '''# Join two streams with watermarks
df_orders = orders.withWatermark("order_time", "10 minutes")
df_payments = payments.withWatermark("payment_time", "10 minutes")

df_joined = df_orders.join(
    df_payments,
    expr("""
        order_id = payment_order_id AND
        payment_time >= order_time AND
        payment_time <= order_time + interval 1 hour
    """),
    "leftOuter"
)'''

STREAM_STATIC_JOIN = '''# Join stream with static dimension table
df_stream.join(df_static_dimension, "key", "left")'''

SCHEMA_REGISTRY = '''# Using Confluent Schema Registry with Avro
from confluent_kafka.schema_registry import SchemaRegistryClient
from pyspark.sql.avro.functions import from_avro

# Get schema from registry
schema_registry = SchemaRegistryClient({"url": "http://schema-registry:8081"})
schema = schema_registry.get_latest_version("events-value").schema.schema_str

# Decode Avro messages
df = (spark.readStream
    .format("kafka")
    .option("kafka.bootstrap.servers", "localhost:9092")
    .option("subscribe", "events")
    .load()
    .select(from_avro("value", schema).alias("data"))
    .select("data.*"))'''

CHECKPOINT_MANAGEMENT = '''# Checkpoints contain:
# - Offsets (Kafka positions)
# - State (aggregations, dedup)
# - Metadata

# Location must be fault-tolerant storage
.option("checkpointLocation", "s3a://bucket/checkpoints/stream-name")

# Never share checkpoints between queries
# Never delete checkpoints while query is running'''

MONITORING = '''# Get current status
query.status

# Get progress metrics
query.lastProgress

# Get all recent progress
query.recentProgress

# Check if active
query.isActive

# Stop gracefully
query.stop()'''

# The spec's transformWithState block as PySpark 4.1 runs it. Its fixes: groupBy("user_id")
# (groupByKey is Scala's), transformWithState's outputStructType and timeMode arguments, the
# key as a tuple (key[0]), the state as a tuple of a declared schema (not a dict), the timer
# registered through the handle in milliseconds (TimerValues only reads clocks), the
# parameter names PySpark passes handleExpiredTimer by (timerValues, expiredTimerInfo), and
# one output schema for both kinds of rows.
TRANSFORM_WITH_STATE = '''from typing import Iterator
from spate.sql import Row
from spate.sql.streaming import StatefulProcessor, StatefulProcessorHandle

class SessionTracker(StatefulProcessor):
    """Track user sessions with custom timeout logic."""

    def init(self, handle: StatefulProcessorHandle) -> None:
        # Initialize state store
        self.handle = handle
        self.sessions = handle.getValueState(
            "sessions", "start timestamp, events int, last_event timestamp")
        self.timeout_duration = 30 * 60 * 1000  # 30 minutes

    def handleInputRows(self, key, rows, timerValues) -> Iterator[Row]:
        # Get current session or create new
        start, events, last_event = self.sessions.get() or (None, 0, None)

        for row in rows:
            if start is None:
                start = row.timestamp
            events += 1
            last_event = row.timestamp

        # Save updated state
        self.sessions.update((start, events, last_event))

        # Set timer for session timeout
        self.handle.registerTimer(
            timerValues.getCurrentProcessingTimeInMs() + self.timeout_duration
        )

        yield Row(
            user_id=key[0],
            session_events=events,
            session_start=start,
            session_duration=None,
            status="active"
        )

    def handleExpiredTimer(self, key, timerValues, expiredTimerInfo) -> Iterator[Row]:
        # Session timed out - emit final result and clear state
        start, events, last_event = self.sessions.get()
        self.sessions.clear()
        yield Row(
            user_id=key[0],
            session_events=events,
            session_start=start,
            session_duration=int((last_event - start).total_seconds()),
            status="completed"
        )

# Apply stateful transformation
result = (df
    .groupBy("user_id")
    .transformWithState(
        SessionTracker(),
        outputStructType="user_id string, session_events int, session_start timestamp, "
                         "session_duration long, status string",
        outputMode="update",
        timeMode="ProcessingTime"
    ))'''

BLOCKS = [QUICK_START, TO_ICEBERG, TO_POSTGRES, MULTI_SINK, FROM_KAFKA, TO_KAFKA, KAFKA_SSL, KAFKA_CONSUMER_GROUP,
          SCHEMA_REGISTRY, FROM_FILES, TO_CONSOLE, REST_API_SINK, RATE_SOURCE, MEMORY_SINK, SOCKET_SOURCE, TRIGGERS,
          CONTINUOUS_BASIC, CONTINUOUS_SUPPORTED, CONTINUOUS_AGGREGATION_FAILS, SHORT_MICRO_BATCHES, TUMBLING_WINDOW, SLIDING_WINDOW,
          SESSION_WINDOW, WATERMARK, OUTPUT_MODES, DEDUPLICATION, STREAM_STREAM_JOIN, STREAM_STATIC_JOIN,
          MONITORING, CHECKPOINT_MANAGEMENT]

# --- Running blocks ----------------------------------------------------------------------------


def run_block(code, namespace):
    """Runs a block as a notebook cell: returns the values of its expression statements."""
    tree = ast.parse(code)
    values = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Expr):
            values.append(eval(compile(ast.Expression(stmt.value), "<spec>", "eval"), namespace))
        else:
            exec(compile(ast.Module([stmt], type_ignores=[]), "<spec>", "exec"), namespace)
    return values


def method_lines(fragment):
    """The ``.method(...)`` lines of a fragment block, comments dropped."""
    return [line.split("  #")[0].split(" #")[0].strip() for line in fragment.splitlines()
            if line.startswith(".")]


def apply_to(writer, line, namespace):
    return eval("w" + line, dict(namespace, w=writer))


EVENTS = [  # event_id, event_time (2024-01-01 ...), event_type, user_id
    ("e1", "12:01:00", "click", "u1"),
    ("e2", "12:03:00", "view", "u1"),
    ("e3", "12:04:00", "click", "u2"),
    ("e4", "12:07:00", "click", "u1"),
    ("e5", "12:20:00", "view", "u2"),
]
EVENT_SCHEMA = "event_id STRING, event_time TIMESTAMP, event_type STRING, user_id STRING"


def write_events(folder, rows, name="001.json"):
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / name, "w") as out:
        for event_id, ts, event_type, user_id in rows:
            out.write(json.dumps({"event_id": event_id, "event_time": "2024-01-01T%s" % ts,
                                  "event_type": event_type, "user_id": user_id}) + "\n")


@pytest.fixture
def events(spark, tmp_path):
    """``df`` of the blocks: a stream of JSON event files (one file of EVENTS)."""
    folder = tmp_path / "events"
    write_events(folder, EVENTS)
    return folder, spark.readStream.schema(EVENT_SCHEMA).json(str(folder))


def run_to_memory(df, name, mode, tmp_path, spark):
    q = (df.writeStream.format("memory").queryName(name).outputMode(mode)
         .option("checkpointLocation", str(tmp_path / ("cp_" + name))).start())
    try:
        q.processAllAvailable()
    finally:
        q.stop()
    return spark.sql("SELECT * FROM %s" % name).collect()


def hm(t):
    return t.strftime("%H:%M")


# --- The tests ---------------------------------------------------------------------------------


def test_blocks_are_verbatim_copies_of_the_spec():
    # The blocks above run wherever the tests run; this check of their text needs the
    # reference beside the checkout (or SPATE_SPEC), which a clone elsewhere lacks.
    if not SPEC.exists():
        pytest.skip("the Structured Streaming reference is not at %s (set SPATE_SPEC)" % SPEC)
    text = SPEC.read_text()
    blocks = re.findall(r"```python\n(.*?)\n```", text, re.S)
    for block in BLOCKS:
        assert block in blocks, block.splitlines()[0]
    assert COVERED == len(BLOCKS)
    assert len(blocks) == COVERED + len(PENDING) + len(CORRECTED)
    for first_line in CORRECTED:
        assert any(b.startswith(first_line) for b in blocks), first_line


def test_from_files_auto_ingest(spark, tmp_path):
    # The one change besides the import: a local folder for the s3a:// path (no S3 in Spate).
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    spark.createDataFrame([(i, "n%d" % i) for i in range(3)], "id INT, name STRING") \
        .write.parquet(str(incoming / "part1"))
    code = FROM_FILES.replace("s3a://bucket/incoming/", str(incoming / "part1"))
    ns = {"spark": spark, "my_schema": "id INT, name STRING"}
    run_block(code, ns)
    df = ns["df"]
    assert df.isStreaming
    rows = run_to_memory(df, "spec_files", "append", tmp_path, spark)
    assert sorted((r.id, r.name) for r in rows) == [(0, "n0"), (1, "n1"), (2, "n2")]


def numbers(spark, tmp_path, n, column="value"):
    """A stream of one JSON file of n numbers (processAllAvailable ends on it, unlike on
    the rate sources, where new data is always available)."""
    folder = tmp_path / ("numbers_%s" % column)
    folder.mkdir()
    (folder / "1.json").write_text("".join('{"%s": %d}\n' % (column, i) for i in range(n)))
    return spark.readStream.schema("%s BIGINT" % column).json(str(folder))


def test_to_console(spark, tmp_path, capfd):
    df = numbers(spark, tmp_path, 3)
    ns = {"df": df}
    run_block(TO_CONSOLE, ns)
    query = ns["query"]
    try:
        query.processAllAvailable()
    finally:
        query.stop()
    out = capfd.readouterr().out
    assert "Batch: 0" in out
    assert "|value|" in out
    for v in (0, 1, 2):
        assert "|%-5d|" % v in out


def test_foreach_batch_rest_api_sink(spark, events, tmp_path):
    # The block's requests.post goes to a local HTTP server instead of api.example.com.
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    posted = []

    class Events(BaseHTTPRequestHandler):
        def do_POST(self):
            posted.append((self.path, self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(201)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Events)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ns = {}
    run_block(REST_API_SINK.replace("https://api.example.com",
                                    "http://127.0.0.1:%d" % server.server_address[1]), ns)
    _, df = events
    q = (df.writeStream.foreachBatch(ns["send_to_api"])
         .option("checkpointLocation", str(tmp_path / "cp")).start())
    try:
        q.processAllAvailable()
        assert q.exception() is None
    finally:
        q.stop()
        server.shutdown()
    assert {path for path, _ in posted} == {"/events"}
    records = [json.loads(data) for _, data in posted]
    assert sorted(r["event_id"] for r in records) == ["e1", "e2", "e3", "e4", "e5"]
    assert set(records[0]) == {"event_id", "event_time", "event_type", "user_id"}


def test_foreach_batch_to_postgres(spark, events, postgres, tmp_path):
    # The test server gets the block's database, user and password; only the address changes.
    if not postgres.psql("SELECT 1 FROM pg_roles WHERE rolname = 'user'"):
        postgres.psql("CREATE ROLE \"user\" LOGIN PASSWORD 'pass'")
        postgres.psql("CREATE DATABASE mydb OWNER \"user\"")
    ns = {"df": events[1]}
    run_block(TO_POSTGRES.replace("localhost:5432", "%s:%d" % (postgres.host, postgres.port))
              .replace("/checkpoints/postgres-sink", str(tmp_path / "cp")), ns)
    q = ns["query"]
    try:
        q.processAllAvailable()
        assert q.exception() is None
    finally:
        q.stop()
    rows = postgres.psql("SELECT event_id, event_time, event_type, user_id FROM events ORDER BY event_id",
                         database="mydb")
    assert rows == [(e, "2024-01-01 %s+00" % t, kind, user) for e, t, kind, user in EVENTS]


def test_rate_source(spark):
    ns = {"spark": spark}
    run_block(RATE_SOURCE, ns)
    df = ns["df"]
    assert df.isStreaming
    assert [(fld.name, type(fld.dataType)) for fld in df.schema.fields] == [
        ("timestamp", TimestampType), ("value", LongType)]


def test_memory_sink(spark, tmp_path, capfd):
    df = numbers(spark, tmp_path, 5)
    ns = {"spark": spark, "df": df}
    run_block(MEMORY_SINK, ns)
    query = ns["query"]
    try:
        assert "|value|" in capfd.readouterr().out.replace(" ", "")  # the block's show()
        query.processAllAvailable()
        assert sorted(r.value for r in spark.sql("SELECT * FROM test_output").collect()) == [0, 1, 2, 3, 4]
    finally:
        query.stop()


def test_socket_source(spark, tmp_path):
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    code = SOCKET_SOURCE
    try:
        server.bind(("localhost", 9999))
    except OSError:  # 9999 is taken on this machine: the block's port changes, nothing else
        server.bind(("localhost", 0))
        code = code.replace("9999)", "%d)" % server.getsockname()[1])
    server.listen(1)

    def serve():
        conn, _ = server.accept()
        conn.sendall(b"hello\nworld\n")
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    ns = {"spark": spark}
    run_block(code, ns)
    df = ns["df"]
    assert df.columns == ["value"]
    q = df.writeStream.format("memory").queryName("spec_socket").start()
    try:
        for _ in range(50):
            q.processAllAvailable()
            if len(spark.sql("SELECT * FROM spec_socket").collect()) == 2:
                break
            q.awaitTermination(0.1)
        assert sorted(r.value for r in spark.sql("SELECT * FROM spec_socket").collect()) == [
            "hello", "world"]
    finally:
        q.stop()
        server.close()


def test_triggers(spark, tmp_path):
    lines = method_lines(TRIGGERS)
    assert [line.split("(")[1].split("=")[0] for line in lines] == [
        "availableNow", "processingTime", "once", "continuous"]
    df = numbers(spark, tmp_path, 2)

    def writer(name):
        return (df.writeStream.format("memory").queryName(name)
                .option("checkpointLocation", str(tmp_path / name)))

    for line, name in ((lines[0], "spec_available_now"), (lines[2], "spec_once")):
        q = apply_to(writer(name), line, {}).start()
        assert q.awaitTermination(60) is True  # stops by itself
        assert q.exception() is None
        assert len(spark.sql("SELECT * FROM %s" % name).collect()) == 2
    q = apply_to(writer("spec_processing_time"), lines[1], {}).start()
    try:
        q.processAllAvailable()
        assert q.isActive
    finally:
        q.stop()
    # The continuous trigger reads no file source (Spark's refusal); over the rate source it runs.
    with pytest.raises(AnalysisException, match="Continuous processing does not support StreamingRelation"):
        apply_to(writer("spec_continuous"), lines[3], {}).start()
    rate = spark.readStream.format("rate").load()
    q = apply_to(rate.writeStream.format("memory").queryName("spec_continuous"), lines[3], {}).start()
    try:
        assert q.isActive  # records are processed as they arrive until stop()
    finally:
        q.stop()
    assert q.exception() is None


def test_continuous_aggregation_fails(spark):
    df = spark.readStream.format("rate").load().selectExpr("value % 3 AS key")
    # As in Spark, the block fails before any check of the plan: without format() the sink is
    # the default source (parquet), whose sink is made first and needs a path.
    with pytest.raises(IllegalArgumentException, match="'path' is not specified"):
        run_block(CONTINUOUS_AGGREGATION_FAILS, {"df": df})
    # With a sink, the aggregation without watermark in the default append mode is refused.
    with pytest.raises(AnalysisException, match="STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION.*append"):
        run_block(CONTINUOUS_AGGREGATION_FAILS.replace(".writeStream\n", '.writeStream.format("console")\n'),
                  {"df": df})


def test_short_micro_batches(spark, tmp_path, capfd):
    df = spark.readStream.format("rate").load()
    # The block's aggregation has no watermark and no output mode (append): Spark refuses it.
    with pytest.raises(AnalysisException, match="Invalid streaming output mode: append. This output mode is not "
                                                "supported for streaming aggregations without watermark"):
        run_block(SHORT_MICRO_BATCHES, {"df": df, "f": f})
    # With the complete mode the same query runs.
    fixed = SHORT_MICRO_BATCHES.replace('.writeStream\n', '.writeStream.outputMode("complete")\n')
    folder = tmp_path / "times"
    folder.mkdir()
    (folder / "1.json").write_text("".join('{"timestamp": "2024-01-01T12:00:0%s"}\n' % t
                                           for t in ("0.1", "0.5", "1.2", "3.9")))
    ns = {"df": spark.readStream.schema("timestamp TIMESTAMP").json(str(folder)), "f": f}
    run_block(fixed, ns)
    query = ns["query"]
    try:
        query.processAllAvailable()
        assert query.lastProgress["numInputRows"] == 4
    finally:
        query.stop()
    out = capfd.readouterr().out
    # Windows [12:00:00, 12:00:01) of 2 rows, [12:00:01, 12:00:02) and [12:00:03, 12:00:04) of 1,
    # shown truncated to 20 characters as Spark does.
    assert "|              window|count|" in out
    assert sorted(int(n) for n in re.findall(r"\|\{2024-01-01 12:00\.\.\.\|\s*(\d+)\|", out)) == [1, 1, 2]


def test_tumbling_window(spark, events, tmp_path):
    _, df = events
    [windowed] = run_block(TUMBLING_WINDOW, {"df": df, "f": f})
    rows = run_to_memory(windowed, "spec_tumbling", "complete", tmp_path, spark)
    assert sorted((hm(r.window.start), hm(r.window.end), r.event_type, r["count"]) for r in rows) == [
        ("12:00", "12:05", "click", 2), ("12:00", "12:05", "view", 1),
        ("12:05", "12:10", "click", 1), ("12:20", "12:25", "view", 1)]


def test_sliding_window(spark, events, tmp_path):
    _, df = events
    [windowed] = run_block(SLIDING_WINDOW, {"df": df, "f": f})
    rows = run_to_memory(windowed, "spec_sliding", "complete", tmp_path, spark)
    assert sorted((hm(r.window.start), hm(r.window.end), r.event_type, r["count"]) for r in rows) == [
        ("11:55", "12:05", "click", 2), ("11:55", "12:05", "view", 1),
        ("12:00", "12:10", "click", 3), ("12:00", "12:10", "view", 1),
        ("12:05", "12:15", "click", 1), ("12:15", "12:25", "view", 1),
        ("12:20", "12:30", "view", 1)]


def test_session_window(spark, events, tmp_path):
    _, df = events
    [sessions] = run_block(SESSION_WINDOW, {"df": df, "f": f})
    rows = run_to_memory(sessions, "spec_sessions", "complete", tmp_path, spark)
    got = sorted((hm(r.session_window.start), hm(r.session_window.end), r.user_id, r.events_in_session)
                 for r in rows)
    assert got == [("12:01", "12:17", "u1", 3), ("12:04", "12:14", "u2", 1),
                   ("12:20", "12:30", "u2", 1)]


def test_watermark(spark, events, tmp_path):
    _, df = events
    ns = {"df": df, "f": f}
    run_block(WATERMARK, ns)
    rows = run_to_memory(ns["df_with_watermark"], "spec_watermark", "append", tmp_path, spark)
    # The batch's latest event is 12:20: the watermark 12:10 closes the windows ending by then.
    assert sorted((hm(r.window.start), r.event_type, r["count"]) for r in rows) == [
        ("12:00", "click", 2), ("12:00", "view", 1), ("12:05", "click", 1)]


def test_output_modes(spark, events, tmp_path):
    folder, df = events
    counts = df.withWatermark("event_time", "10 minutes").groupBy("event_type").count()
    lines = method_lines(OUTPUT_MODES)
    assert lines == ['.outputMode("append")', '.outputMode("update")', '.outputMode("complete")']
    # append: an aggregation not on the event-time window cannot use it.
    with pytest.raises(AnalysisException, match="STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION.*append"):
        apply_to(counts.writeStream.format("memory").queryName("spec_append"), lines[0], {}).start()
    for line, name in ((lines[1], "spec_update"), (lines[2], "spec_complete")):
        q = apply_to(counts.writeStream.format("memory").queryName(name)
                     .option("checkpointLocation", str(tmp_path / name)), line, {}).start()
        try:
            q.processAllAvailable()
            write_events(folder, [("e6", "12:21:00", "view", "u3")], "002.json")
            q.processAllAvailable()
        finally:
            q.stop()
        rows = sorted((r.event_type, r["count"]) for r in spark.sql("SELECT * FROM %s" % name).collect())
        if name == "spec_update":  # every batch's changed rows, appended to the memory table
            assert rows == [("click", 3), ("view", 2), ("view", 3)]
        else:  # the last batch's whole result
            assert rows == [("click", 3), ("view", 3)]
        (folder / "002.json").unlink()


def test_deduplication(spark, events, tmp_path):
    folder, df = events
    write_events(folder, [("e1", "12:01:30", "click", "u1"), ("e2", "12:03:00", "view", "u1")],
                 "002.json")
    [deduped] = run_block(DEDUPLICATION, {"df": df})
    rows = run_to_memory(deduped, "spec_dedup", "append", tmp_path, spark)
    assert sorted(r.event_id for r in rows) == ["e1", "e2", "e3", "e4", "e5"]


def test_stream_stream_join(spark, tmp_path):
    """Order 1 is paid 10 minutes after it, order 3 five; order 2 never is: once the
    watermark (14:05 - 10 minutes) passes its hour, it comes out with NULL payments."""
    def stream(name, schema, lines):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "1.json").write_text("".join(line + "\n" for line in lines))
        return spark.readStream.schema(schema).json(str(folder))
    orders = stream("orders", "order_id INT, order_time TIMESTAMP",
                    ['{"order_id": 1, "order_time": "2024-01-01T12:00:00"}',
                     '{"order_id": 2, "order_time": "2024-01-01T12:05:00"}',
                     '{"order_id": 3, "order_time": "2024-01-01T14:00:00"}'])
    payments = stream("payments", "payment_order_id INT, payment_time TIMESTAMP",
                      ['{"payment_order_id": 1, "payment_time": "2024-01-01T12:10:00"}',
                       '{"payment_order_id": 3, "payment_time": "2024-01-01T14:05:00"}'])
    ns = {"orders": orders, "payments": payments, "expr": f.expr}
    run_block(STREAM_STREAM_JOIN, ns)
    rows = run_to_memory(ns["df_joined"], "spec_stream_stream", "append", tmp_path, spark)
    assert sorted((r.order_id, r.payment_order_id, r.payment_time and hm(r.payment_time)) for r in rows) == \
        [(1, 1, "12:10"), (2, None, None), (3, 3, "14:05")]


def test_stream_static_join(spark, tmp_path):
    folder = tmp_path / "keys"
    folder.mkdir()
    (folder / "1.json").write_text('{"key": 1, "v": "a"}\n{"key": 2, "v": "b"}\n{"key": 3, "v": "c"}\n')
    ns = {"df_stream": spark.readStream.schema("key INT, v STRING").json(str(folder)),
          "df_static_dimension": spark.createDataFrame([(1, "one"), (2, "two")], "key INT, name STRING")}
    [joined] = run_block(STREAM_STATIC_JOIN, ns)
    rows = run_to_memory(joined, "spec_stream_static", "append", tmp_path, spark)
    assert sorted((r.key, r.v, r.name) for r in rows) == [(1, "a", "one"), (2, "b", "two"), (3, "c", None)]


def test_monitoring(spark, tmp_path):
    df = numbers(spark, tmp_path, 3)
    query = df.writeStream.format("noop").option("checkpointLocation", str(tmp_path / "cp")).start()
    query.processAllAvailable()
    status, last, recent, active, stopped = run_block(MONITORING, {"query": query})
    assert set(status) == {"message", "isDataAvailable", "isTriggerActive"}
    assert last["numInputRows"] == 3 and last.numInputRows == 3
    assert last["id"] == query.id and str(last.runId) == query.runId
    assert recent[-1]["batchId"] == last["batchId"]
    assert [p["batchId"] for p in recent] == list(range(len(recent)))
    assert active is True
    assert stopped is None
    assert query.isActive is False


# --- Kafka, on the test session's real broker ----------------------------------------------------
# Besides the import, the blocks' broker address becomes the test broker's (and a checkpoint
# folder under /checkpoints a temporary one).


def kafka_block(code, kafka):
    return code.replace("localhost:9092", kafka.bootstrap)


def create_topic(kafka, name):
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": kafka.bootstrap})
    admin.create_topics([NewTopic(name, 1, 1)])[name].result(30)


def test_from_kafka(spark, kafka, tmp_path):
    for topic in ("topic1", "topic2"):
        create_topic(kafka, topic)
    kafka.produce("topic1", [(b"k1", b"v1")])
    kafka.produce("topic2", [(b"k2", b"v2"), (b"k3", b"v3")])
    ns = {"spark": spark}
    [selected] = run_block(kafka_block(FROM_KAFKA, kafka), ns)
    assert ns["df"].columns == ["key", "value", "topic", "partition", "offset", "timestamp", "timestampType"]
    assert selected.columns == ["key", "value", "topic", "timestamp"]
    rows = run_to_memory(selected, "spec_from_kafka", "append", tmp_path, spark)
    assert sorted((r.key, r.value, r.topic) for r in rows) == [
        ("k1", "v1", "topic1"), ("k2", "v2", "topic2"), ("k3", "v3", "topic2")]


def test_to_kafka(spark, kafka, tmp_path):
    create_topic(kafka, "output-topic")
    df = numbers(spark, tmp_path, 3, column="id")
    code = kafka_block(TO_KAFKA, kafka).replace("/checkpoints/kafka-sink", str(tmp_path / "cp"))
    ns = {"df": df}
    run_block(code, ns)
    query = ns["query"]
    try:
        query.processAllAvailable()
    finally:
        query.stop()
    got = sorted((m.key(), json.loads(m.value())) for m in kafka.consume_all("output-topic"))
    assert got == [(b"0", {"id": 0}), (b"1", {"id": 1}), (b"2", {"id": 2})]


def ensure_topic(kafka, name):
    from confluent_kafka.admin import AdminClient
    if name not in AdminClient({"bootstrap.servers": kafka.bootstrap}).list_topics(timeout=30).topics:
        create_topic(kafka, name)


def wait_for_output(kafka, wanted, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = {m.value() for m in kafka.consume_all("output")}
        if wanted <= got:
            return got
        time.sleep(0.2)
    return got


def test_continuous_basic_example(spark, kafka, tmp_path):
    # As in Spark, the block's sink has no `value` column (it is named `message`): start()
    # refuses it before the trigger matters. Named `value`, the same query runs.
    ensure_topic(kafka, "output")
    df = spark.readStream.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap) \
        .option("subscribe", "output").load()
    code = kafka_block(CONTINUOUS_BASIC, kafka).replace("/checkpoints/continuous", str(tmp_path / "cp"))
    with pytest.raises(AnalysisException, match="Required attribute 'value' not found"):
        run_block(code, {"df": df})
    source = "continuous-in-%d" % os.getpid()
    create_topic(kafka, source)
    df = spark.readStream.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap) \
        .option("subscribe", source).option("startingOffsets", "earliest").load()
    ns = {"df": df}
    run_block(code.replace("as message", "as value"), ns)
    query = ns["query"]
    try:
        marks = {b"basic-%d-%d" % (os.getpid(), i) for i in range(5)}
        kafka.produce(source, sorted(marks))
        assert marks <= wait_for_output(kafka, marks)
        assert query.isActive and query.exception() is None
    finally:
        query.stop()


def test_continuous_supported_operations(spark, kafka, tmp_path):
    ensure_topic(kafka, "input")
    ensure_topic(kafka, "output")
    code = kafka_block(CONTINUOUS_SUPPORTED, kafka).replace("/checkpoints/continuous", str(tmp_path / "cp"))
    ns = {"spark": spark}
    run_block(code, ns)
    query = ns["query"]
    try:
        # The query reads from the latest offsets (Spark's default): records sent once it runs.
        marks = {b"supported-%d-%d" % (os.getpid(), i) for i in range(5)}
        deadline = time.monotonic() + 60
        got = set()
        while not marks <= got and time.monotonic() < deadline:
            kafka.produce("input", [b""] + sorted(marks))  # the empty value is filtered out
            got = wait_for_output(kafka, marks, timeout=2)
        assert marks <= got
        assert query.isActive and query.exception() is None
    finally:
        query.stop()


def test_kafka_ssl_with_jks_stores_is_refused_clearly(spark):
    # librdkafka reads PEM or PKCS12, not Java keystores: the block's .jks files are refused
    # with a message saying what to use instead.
    with pytest.raises(Exception, match="JKS is a Java-only format.*PEM.*PKCS12"):
        run_block(KAFKA_SSL, {"spark": spark})


def test_schema_registry_block_reads_the_header_as_data(spark, kafka, schema_registry, tmp_path):
    """The block on a real registry and broker, the values written by confluent_kafka's Avro
    serializer. As in Spark, from_avro with the registry's schema reads plain Avro, so the
    wire format's 5-byte header is read as the first fields: name "" and age 0 here
    (differential/test_avro_functions.py shows PySpark reads the same bytes the same way).
    The schema-registry form, from_avro(col, subject=..., schemaRegistryAddress=...), decodes
    them (test_avro_schema_registry.py)."""
    from confluent_kafka.schema_registry.avro import AvroSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    topic = kafka.new_topic(prefix="events")  # the block's topic, unique on the session's broker
    user = ('{"type":"record","name":"User","fields":[{"name":"name","type":"string"},'
            '{"name":"age","type":"int"}]}')
    serialize = AvroSerializer(schema_registry.client(), user)
    context = SerializationContext(topic, MessageField.VALUE)
    first = serialize({"name": "ann", "age": 31}, context)  # registers the subject's schema
    code = (kafka_block(SCHEMA_REGISTRY, kafka).replace("from pyspark.sql", "from spate.sql")
            .replace("http://schema-registry:8081", schema_registry.address)
            .replace('"events-value"', '"%s-value"' % topic).replace('"subscribe", "events"', '"subscribe", "%s"' % topic))
    ns = {"spark": spark}
    run_block(code, ns)
    assert ns["schema"] == user
    # The block reads from the latest offsets: the record is produced once the query runs.
    q = (ns["df"].writeStream.format("memory").queryName("spec_registry")
         .option("checkpointLocation", str(tmp_path / "cp")).start())
    try:
        q.processAllAvailable()
        kafka.produce(topic, [first])
        q.processAllAvailable()
    finally:
        q.stop()
    assert [tuple(r) for r in spark.table("spec_registry").collect()] == [("", 0)]


def test_kafka_consumer_group(spark, kafka, tmp_path):
    create_topic(kafka, "events")
    kafka.produce("events", [b"m%d" % i for i in range(1200)])
    ns = {"spark": spark}
    run_block(kafka_block(KAFKA_CONSUMER_GROUP, kafka), ns)
    # 1200 records reach minOffsetsPerTrigger: one batch takes them all.
    rows = run_to_memory(ns["df"].selectExpr("CAST(value AS STRING) AS v"), "spec_group", "append",
                         tmp_path, spark)
    assert sorted(r.v for r in rows) == sorted("m%d" % i for i in range(1200))


# --- Iceberg, on a hadoop catalog named iceberg in a temporary warehouse ----------------------------


@pytest.fixture
def iceberg_catalog(spark, tmp_path):
    keys = {"spark.sql.catalog.iceberg": "org.apache.iceberg.spark.SparkCatalog",
            "spark.sql.catalog.iceberg.type": "hadoop",
            "spark.sql.catalog.iceberg.warehouse": str(tmp_path / "warehouse")}
    for key, value in keys.items():
        spark.conf.set(key, value)
    yield
    for key in keys:
        spark.conf.unset(key)


def test_to_iceberg(spark, events, iceberg_catalog, tmp_path):
    _, df = events
    ns = {"df": df}
    run_block(TO_ICEBERG.replace("/checkpoints/my-stream", str(tmp_path / "cp")), ns)
    query = ns["query"]
    try:
        query.processAllAvailable()
    finally:
        query.stop()
    rows = spark.table("iceberg.bronze.events").collect()
    assert sorted(r.event_id for r in rows) == ["e1", "e2", "e3", "e4", "e5"]


def test_foreach_batch_multi_sink(spark, events, iceberg_catalog, tmp_path):
    _, df = events
    ns = {"df": df}
    run_block(MULTI_SINK.replace("/checkpoints/multi-sink", str(tmp_path / "cp")), ns)
    query = ns["query"]
    try:
        query.processAllAvailable()
        assert query.exception() is None
    finally:
        query.stop()
    assert sorted(r.event_id for r in spark.table("iceberg.silver.events").collect()) == [
        "e1", "e2", "e3", "e4", "e5"]
    assert sorted(tuple(r) for r in spark.table("iceberg.gold.event_counts").collect()) == [
        ("click", 3), ("view", 2)]


def test_quick_start(spark, kafka, iceberg_catalog, tmp_path):
    # The block ends in awaitTermination(): it runs on a thread until the test stops the query.
    create_topic(kafka, "qs-events")
    code = (kafka_block(QUICK_START, kafka).replace("from pyspark.sql", "from spate.sql")
            .replace('"subscribe", "events"', '"subscribe", "qs-events"')
            .replace("/checkpoints/events", str(tmp_path / "cp")))
    ns = {"schema": "user STRING, amount DOUBLE"}
    errors = []

    def run():
        try:
            run_block(code, ns)
        except BaseException as e:  # reported by the test below
            errors.append(e)

    runner = threading.Thread(target=run)
    runner.start()
    for _ in range(600):
        query = ns.get("query")
        if errors or (query is not None and query.lastProgress is not None):
            break  # started, and its first batch fixed the latest offsets
        runner.join(0.1)
    assert errors == []
    kafka.produce("qs-events", [json.dumps({"user": "u%d" % i, "amount": i * 1.5}).encode() for i in range(3)])
    query.processAllAvailable()
    query.stop()
    runner.join(60)
    assert not runner.is_alive() and errors == []
    rows = spark.table("iceberg.bronze.events").collect()
    assert sorted((r.user, r.amount) for r in rows) == [("u0", 0.0), ("u1", 1.5), ("u2", 3.0)]


def test_checkpoint_management(spark, events, s3):
    # The one change besides the import: the bucket (one of the test S3 server, whose s3a
    # settings the session gets). A restart finds the aggregation's state in the bucket.
    for key, value in s3.conf().items():
        spark.conf.set(key, value)
    bucket = s3.new_bucket()
    [line] = method_lines(CHECKPOINT_MANAGEMENT)
    line = line.replace("s3a://bucket/", "s3a://%s/" % bucket)
    folder, df = events
    counts = df.groupBy("event_type").count()

    def run():
        writer = counts.writeStream.format("memory").queryName("spec_checkpoint").outputMode("complete")
        q = apply_to(writer, line, {}).trigger(availableNow=True).start()
        assert q.awaitTermination(120) is True
        assert q.exception() is None
        return sorted((r.event_type, r["count"]) for r in spark.sql("SELECT * FROM spec_checkpoint").collect())

    assert run() == [("click", 3), ("view", 2)]
    write_events(folder, [("e6", "12:30:00", "click", "u3")], "002.json")
    assert run() == [("click", 4), ("view", 2)]
    keys = s3.keys(bucket, "checkpoints/stream-name/")
    assert {"checkpoints/stream-name/metadata", "checkpoints/stream-name/commits/1",
            "checkpoints/stream-name/state/0/0/2.delta"} <= set(keys), keys


def test_transform_with_state_session_tracker(spark, tmp_path):
    """The spec's session tracker (corrected, see TRANSFORM_WITH_STATE): per user, the events
    of the session so far and its start; the 30-minute timers do not fire within the test."""
    folder = tmp_path / "clicks"
    folder.mkdir()
    (folder / "1.json").write_text("".join(
        json.dumps({"user_id": u, "timestamp": "2024-01-01T%s" % t}) + "\n"
        for u, t in [("u1", "12:01:00"), ("u2", "12:04:00"), ("u1", "12:02:00"), ("u1", "12:09:00")]))
    ns = {"df": spark.readStream.schema("user_id STRING, timestamp TIMESTAMP").json(str(folder))}
    run_block(TRANSFORM_WITH_STATE, ns)
    # A processing-time transformWithState runs a batch at every trigger, as Spark's does, so
    # processAllAvailable would not return: the query runs until both users are out.
    q = (ns["result"].writeStream.format("memory").queryName("spec_sessions").outputMode("update")
         .option("checkpointLocation", str(tmp_path / "cp_sessions")).trigger(processingTime="200 milliseconds")
         .start())
    try:
        deadline = time.monotonic() + 60
        while q.isActive and time.monotonic() < deadline and \
                spark.sql("SELECT count(*) FROM spec_sessions").collect()[0][0] < 2:
            time.sleep(0.1)
    finally:
        q.stop()
    rows = spark.sql("SELECT * FROM spec_sessions").collect()
    assert sorted((r.user_id, r.session_events, hm(r.session_start), r.status) for r in rows) == \
        [("u1", 3, "12:01", "active"), ("u2", 1, "12:04", "active")]
