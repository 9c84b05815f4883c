"""from_avro over a real Kafka broker: records in Confluent's wire format (magic byte, 4-byte
schema id, then the Avro datum; written here with fastavro, as a Confluent serializer frames
them) read with the spec's block. As in Spark, from_avro reads plain Avro, so on the raw
value it reads the header as data; skipping the five header bytes decodes the records.
(differential/test_avro_functions.py shows PySpark decodes the same bytes the same way.)"""

import io
import json
import struct
import uuid

import fastavro  # pinned through confluent-kafka[avro] in requirements.txt
import pytest

SCHEMA = ('{"type":"record","name":"User","fields":[{"name":"name","type":"string"},'
          '{"name":"age","type":"int"}]}')
USERS = [{"name": "ann", "age": 31}, {"name": "bob", "age": 47}]


def confluent_value(schema_id, record):
    buf = io.BytesIO()
    fastavro.schemaless_writer(buf, fastavro.parse_schema(json.loads(SCHEMA)), record)
    return b"\x00" + struct.pack(">I", schema_id) + buf.getvalue()


@pytest.fixture
def topic(kafka):
    name = kafka.new_topic()
    kafka.produce(name, [confluent_value(1, u) for u in USERS])
    return name


def run_stream(spark, df):
    name = "avro_" + uuid.uuid4().hex[:8]
    query = df.writeStream.format("memory").queryName(name).trigger(availableNow=True).start()
    query.awaitTermination(60)
    return query, name


def test_spec_block_reads_the_header_as_data(spark, kafka, topic):
    """The spec's block unchanged: the 5-byte header is read as the record's first fields
    (an empty name, age 0 here), and the real data is left unread."""
    from spate.sql.avro.functions import from_avro

    df = (spark.readStream
          .format("kafka")
          .option("kafka.bootstrap.servers", kafka.bootstrap)
          .option("subscribe", topic)
          .option("startingOffsets", "earliest")
          .load()
          .select(from_avro("value", SCHEMA).alias("data"))
          .select("data.*"))
    query, name = run_stream(spark, df)
    assert query.exception() is None
    assert sorted(tuple(r) for r in spark.table(name).collect()) == [("", 0), ("", 0)]


def test_skipping_the_header_decodes(spark, kafka, topic):
    from spate.sql import functions as f
    from spate.sql.avro.functions import from_avro

    df = (spark.readStream.format("kafka")
          .option("kafka.bootstrap.servers", kafka.bootstrap)
          .option("subscribe", topic)
          .option("startingOffsets", "earliest")
          .load()
          .select(from_avro(f.expr("substring(value, 6, length(value) - 5)"), SCHEMA).alias("data"))
          .select("data.*"))
    query, name = run_stream(spark, df)
    assert query.exception() is None
    assert sorted(tuple(r) for r in spark.table(name).collect()) == [("ann", 31), ("bob", 47)]


def test_to_avro_into_kafka_read_by_fastavro(spark, kafka):
    """to_avro writes plain Avro datums into Kafka values that fastavro reads."""
    from spate.sql import functions as f
    from spate.sql.avro.functions import to_avro

    out = kafka.new_topic()
    users = spark.createDataFrame([("cy", 5)], "name STRING, age INT")
    (users.select(to_avro(f.struct("name", "age"), SCHEMA).alias("value"))
     .write.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap).option("topic", out).save())
    values = [r.value for r in spark.read.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap)
              .option("subscribe", out).load().collect()]
    parsed = fastavro.parse_schema(json.loads(SCHEMA))
    assert [fastavro.schemaless_reader(io.BytesIO(v), parsed) for v in values] == [{"name": "cy", "age": 5}]
