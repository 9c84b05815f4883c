"""from_avro / to_avro's schema-registry form (Databricks'), against a real registry
(Apicurio Registry's Confluent-compatible API, schema_registry_support.py) and a real Kafka
broker. confluent_kafka's AvroSerializer and AvroDeserializer are the outside producer and
consumer: what they write Spate reads, what Spate writes they read. Expected values come
from them (the schema-registry form is not in open-source Spark, so PySpark cannot run it)."""

import socket
import uuid

import pytest

from spate.errors import AnalysisException
from spate.sql import functions as f
from spate.sql.avro.functions import from_avro, to_avro

USER = ('{"type":"record","name":"User","fields":[{"name":"name","type":"string"},'
        '{"name":"age","type":"int"}]}')
# USER with a field added (a default keeps it backward compatible) and age widened to long.
USER_V2 = ('{"type":"record","name":"User","fields":[{"name":"name","type":"string"},'
           '{"name":"age","type":"long"},{"name":"email","type":["null","string"],"default":null}]}')


def serializer(registry, schema):
    from confluent_kafka.schema_registry.avro import AvroSerializer

    return AvroSerializer(registry.client(), schema)


def context(topic):
    from confluent_kafka.serialization import MessageField, SerializationContext

    return SerializationContext(topic, MessageField.VALUE)


def produce_users(kafka, registry, topic, schema, users):
    serialize = serializer(registry, schema)
    kafka.produce(topic, [serialize(u, context(topic)) for u in users])


def read_stream(spark, kafka, topic, column):
    name = "registry_" + uuid.uuid4().hex[:8]
    df = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap)
          .option("subscribe", topic).option("startingOffsets", "earliest").load()
          .select(column.alias("user")).select("user.*"))
    query = df.writeStream.format("memory").queryName(name).trigger(availableNow=True).start()
    query.awaitTermination(120)
    assert query.exception() is None, query.exception()
    return spark.table(name)


def values_of(spark, data):
    """A batch DataFrame of one binary column `value` holding `data`."""
    return spark.createDataFrame([(v,) for v in data], "value BINARY")


def wire_values(registry, topic, schema, users):
    serialize = serializer(registry, schema)
    return [serialize(u, context(topic)) for u in users]


def test_stream_reads_what_the_confluent_serializer_wrote(spark, kafka, schema_registry):
    topic = kafka.new_topic()
    users = [{"name": "ann", "age": 31}, {"name": "bob", "age": 47}]
    produce_users(kafka, schema_registry, topic, USER, users)
    column = from_avro(f.col("value"), subject=topic + "-value", schemaRegistryAddress=schema_registry.address)
    table = read_stream(spark, kafka, topic, column)
    assert table.schema.simpleString() == "struct<name:string,age:int>"
    assert sorted(tuple(r) for r in table.collect()) == [("ann", 31), ("bob", 47)]


def test_records_of_every_version_are_read_as_the_latest(spark, kafka, schema_registry):
    """Writer schemas by id, resolved to the subject's latest schema (the reader), as
    confluent_kafka's deserializer resolves them when given that reader schema."""
    from confluent_kafka.schema_registry.avro import AvroDeserializer

    topic = kafka.new_topic()
    subject = topic + "-value"
    produce_users(kafka, schema_registry, topic, USER, [{"name": "ann", "age": 31}])
    produce_users(kafka, schema_registry, topic, USER_V2, [{"name": "cy", "age": 5, "email": "cy@x"}])
    raw = [m.value() for m in kafka.consume_all(topic)]
    assert raw[0][1:5] != raw[1][1:5]  # two schema ids
    deserialize = AvroDeserializer(schema_registry.client(), USER_V2)
    expected = sorted(tuple(deserialize(v, context(topic)).values()) for v in raw)
    assert expected == [("ann", 31, None), ("cy", 5, "cy@x")]
    column = from_avro("value", subject=subject, schemaRegistryAddress=schema_registry.address)
    table = read_stream(spark, kafka, topic, column)
    assert table.schema.simpleString() == "struct<name:string,age:bigint,email:string>"
    assert sorted(tuple(r) for r in table.collect()) == expected


def test_json_format_schema_is_the_reader_schema(spark, schema_registry):
    topic = "t-" + uuid.uuid4().hex[:8]
    data = wire_values(schema_registry, topic, USER, [{"name": "ann", "age": 31}])
    reader = ('{"type":"record","name":"User","fields":[{"name":"name","type":"string"},'
              '{"name":"age","type":"double"}]}')
    df = values_of(spark, data)
    rows = df.select(from_avro("value", reader, subject=topic + "-value",
                               schemaRegistryAddress=schema_registry.address).alias("u")).select("u.*").collect()
    assert [tuple(r) for r in rows] == [("ann", 31.0)]


def test_to_avro_is_read_back_by_the_confluent_deserializer(spark, kafka, schema_registry):
    from confluent_kafka.schema_registry import Schema
    from confluent_kafka.schema_registry.avro import AvroDeserializer

    topic = kafka.new_topic()
    subject = topic + "-value"
    schema_id = schema_registry.client().register_schema(subject, Schema(USER, "AVRO"))
    users = spark.createDataFrame([("ann", 31), ("bob", 47)], "name STRING, age INT")
    (users.select(to_avro(f.struct("name", "age"), USER, subject=subject,
                          schemaRegistryAddress=schema_registry.address).alias("value"))
     .write.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap).option("topic", topic).save())
    raw = [m.value() for m in kafka.consume_all(topic)]
    assert {v[:5] for v in raw} == {b"\x00" + schema_id.to_bytes(4, "big")}
    deserialize = AvroDeserializer(schema_registry.client())
    assert sorted((u["name"], u["age"]) for u in (deserialize(v, context(topic)) for v in raw)) == [
        ("ann", 31), ("bob", 47)]


def test_round_trip_through_kafka_in_a_stream(spark, kafka, schema_registry, tmp_path):
    """Spate writes the wire format with to_avro in a streaming query; confluent_kafka's
    deserializer and Spate's from_avro read it back, both through the registry."""
    from confluent_kafka.schema_registry import Schema
    from confluent_kafka.schema_registry.avro import AvroDeserializer

    source, sink = kafka.new_topic(), kafka.new_topic()
    subject = sink + "-value"
    schema_registry.client().register_schema(subject, Schema(USER, "AVRO"))
    kafka.produce(source, [b"ann,31", b"bob,47"])
    lines = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap)
             .option("subscribe", source).option("startingOffsets", "earliest").load()
             .selectExpr("split(CAST(value AS STRING), ',') AS p")
             .select(f.col("p")[0].alias("name"), f.col("p")[1].cast("int").alias("age")))
    query = (lines.select(to_avro(f.struct("name", "age"), USER, subject=subject,
                                  schemaRegistryAddress=schema_registry.address).alias("value"))
             .writeStream.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap)
             .option("topic", sink).option("checkpointLocation", str(tmp_path / "cp"))
             .trigger(availableNow=True).start())
    query.awaitTermination(120)
    assert query.exception() is None
    deserialize = AvroDeserializer(schema_registry.client())
    assert sorted((u["name"], u["age"]) for u in (deserialize(m.value(), context(sink))
                                                  for m in kafka.consume_all(sink))) == [("ann", 31), ("bob", 47)]
    column = from_avro("value", subject=subject, schemaRegistryAddress=schema_registry.address)
    assert sorted(tuple(r) for r in read_stream(spark, kafka, sink, column).collect()) == [
        ("ann", 31), ("bob", 47)]


def test_to_avro_takes_the_subject_as_a_column(spark, schema_registry):
    """Databricks' to_avro takes the subject as a Column: a constant one (lit) writes with the
    id registered under it; one that differs by row is refused when analyzed; a subject of
    another type is refused at once."""
    from confluent_kafka.schema_registry import Schema
    from confluent_kafka.schema_registry.avro import AvroDeserializer
    from spate.errors import PySparkTypeError

    subject = "column-" + uuid.uuid4().hex[:8]
    schema_id = schema_registry.client().register_schema(subject, Schema(USER, "AVRO"))
    users = spark.createDataFrame([("ann", 31, subject)], "name STRING, age INT, topic STRING")
    [row] = users.select(to_avro(f.struct("name", "age"), USER, subject=f.lit(subject),
                                 schemaRegistryAddress=schema_registry.address).alias("v")).collect()
    assert bytes(row.v[:5]) == b"\x00" + schema_id.to_bytes(4, "big")
    user = AvroDeserializer(schema_registry.client())(bytes(row.v), context(subject))
    assert (user["name"], user["age"]) == ("ann", 31)
    with pytest.raises(AnalysisException, match=r"\[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT\].*the input `subject` "
                                                r"should be a foldable \"STRING\" expression; however, got \"topic\""):
        users.select(to_avro(f.struct("name", "age"), USER, subject=f.col("topic"),
                             schemaRegistryAddress=schema_registry.address)).collect()
    with pytest.raises(PySparkTypeError, match="subject"):
        to_avro("value", USER, subject=5, schemaRegistryAddress=schema_registry.address)


def test_to_avro_needs_the_schema_registered(spark, schema_registry):
    from confluent_kafka.schema_registry import Schema

    df = spark.createDataFrame([("ann", 31)], "name STRING, age INT")
    address = schema_registry.address
    missing = "missing-" + uuid.uuid4().hex[:8]
    with pytest.raises(AnalysisException, match=r"\[AVRO_SCHEMA_NOT_REGISTERED.SUBJECT_NOT_FOUND\].*"
                                                r"The subject does not exist"):
        df.select(to_avro(f.struct("name", "age"), USER, subject=missing, schemaRegistryAddress=address)).collect()
    subject = "other-" + uuid.uuid4().hex[:8]
    schema_registry.client().register_schema(subject, Schema(USER, "AVRO"))
    # The schema derived from the type (topLevelRecord, nullable fields) is not the registered one.
    with pytest.raises(AnalysisException, match=r"\[AVRO_SCHEMA_NOT_REGISTERED.WITH_LATEST_SCHEMA\].*"
                                                r"topLevelRecord.*Latest schema registered under the subject"):
        df.select(to_avro(f.struct("name", "age"), subject=subject, schemaRegistryAddress=address)).collect()


def test_unknown_subject_and_unreachable_registry(spark, schema_registry):
    df = spark.createDataFrame([(b"\x00\x00\x00\x00\x01\x00",)], "value BINARY")
    with pytest.raises(Exception, match=r"subject `nope-[0-9a-f]+` is not found"):
        df.select(from_avro("value", subject="nope-" + uuid.uuid4().hex[:8],
                            schemaRegistryAddress=schema_registry.address)).collect()
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = "http://127.0.0.1:%d" % s.getsockname()[1]
    with pytest.raises(Exception, match="Cannot reach the schema registry at " + closed):
        df.select(from_avro("value", subject="s", schemaRegistryAddress=closed)).collect()


def test_values_without_the_header_or_with_an_unknown_id(spark, schema_registry):
    topic = "t-" + uuid.uuid4().hex[:8]
    [good] = wire_values(schema_registry, topic, USER, [{"name": "ann", "age": 31}])
    unknown_id = b"\x00\x7f\xff\xff\xf0" + good[5:]
    no_magic = b"\x01" + good[1:]
    df = values_of(spark, [good, None, no_magic, unknown_id, b"\x00\x00"])
    address = schema_registry.address
    permissive = df.select(from_avro("value", options={"mode": "PERMISSIVE"}, subject=topic + "-value",
                                     schemaRegistryAddress=address).alias("u"))
    assert permissive.schema.simpleString() == "struct<u:struct<name:string,age:int>>"
    assert [r.u and tuple(r.u) for r in permissive.collect()] == [
        ("ann", 31), None, (None, None), (None, None), (None, None)]
    for bad, message in [(no_magic, "does not start with the schema registry's wire format header"),
                         (unknown_id, "Schema id 2147483632 is not found")]:
        failfast = values_of(spark, [good, bad]).select(
            from_avro("value", subject=topic + "-value", schemaRegistryAddress=address))
        with pytest.raises(Exception, match="Malformed records are detected in record parsing.*" + message):
            failfast.collect()


def test_schemas_by_id_are_cached(spark, schema_registry):
    """Once read, a schema id is not asked for again: values keep decoding after the
    registry forgot the subject and its schema (the reader schema given, so no subject look-up)."""
    import urllib.error
    import urllib.request

    topic = "t-" + uuid.uuid4().hex[:8]
    subject = topic + "-value"
    # A schema of its own: the registry shares one id among subjects with the same schema.
    schema = USER.replace('"name":"User"', '"name":"User_%s"' % uuid.uuid4().hex[:8])
    data = wire_values(schema_registry, topic, schema, [{"name": "ann", "age": 31}])
    df = values_of(spark, data)
    column = from_avro("value", schema, subject=subject, schemaRegistryAddress=schema_registry.address).alias("u")
    assert [tuple(r.u) for r in df.select(column).collect()] == [("ann", 31)]
    for suffix in ("", "?permanent=true"):
        request = urllib.request.Request(schema_registry.address + "/subjects/" + subject + suffix, method="DELETE")
        urllib.request.urlopen(request).close()
    schema_id = int.from_bytes(data[0][1:5], "big")
    with pytest.raises(urllib.error.HTTPError, match="404"):  # the registry forgot the id too
        urllib.request.urlopen(schema_registry.address + "/schemas/ids/%d" % schema_id)
    assert [tuple(r.u) for r in df.select(column).collect()] == [("ann", 31)]


def test_restart_mode_stops_at_a_newer_schema(spark, kafka, schema_registry, tmp_path):
    """avroSchemaEvolutionMode 'restart': a running query reads with the subject's latest
    schema of its start, and stops at a record written with a schema registered later; the
    query started again reads with the new one. (The default, 'none', reads on as the old.)"""
    topic = kafka.new_topic()
    subject = topic + "-value"
    # Schemas of their own, registered in this order (the registry gives one id to a schema
    # shared among subjects, so other tests' registrations must not decide the ids' order).
    record = '"name":"User_%s"' % uuid.uuid4().hex[:8]
    v1, v2 = (s.replace('"name":"User"', record) for s in (USER, USER_V2))
    produce_users(kafka, schema_registry, topic, v1, [{"name": "ann", "age": 31}])

    def start(rows):
        # foreachBatch, not the memory sink: Spark's memory sink refuses to resume in append mode.
        column = from_avro("value", options={"avroSchemaEvolutionMode": "restart"}, subject=subject,
                           schemaRegistryAddress=schema_registry.address)
        return (spark.readStream.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap)
                .option("subscribe", topic).option("startingOffsets", "earliest").load()
                .select(column.alias("u")).select("u.*").writeStream
                .foreachBatch(lambda batch, _: rows.extend(tuple(r) for r in batch.collect()))
                .option("checkpointLocation", str(tmp_path / "cp")).start())

    first = []
    query = start(first)
    try:
        query.processAllAvailable()
        produce_users(kafka, schema_registry, topic, v2, [{"name": "cy", "age": 5, "email": "cy@x"}])
        with pytest.raises(Exception, match="newer than the subject's latest schema.*restart"):
            query.processAllAvailable()
    finally:
        query.stop()
    assert first == [("ann", 31)]
    second = []
    query = start(second)
    try:
        query.processAllAvailable()
    finally:
        query.stop()
    assert second == [("cy", 5, "cy@x")]


def test_python_argument_checks(schema_registry):
    from spate.errors import PySparkValueError

    with pytest.raises(PySparkValueError, match="schemaRegistryAddress"):
        from_avro("value", subject="s")
    with pytest.raises(PySparkValueError, match="jsonFormatSchema"):
        from_avro("value")
    with pytest.raises(PySparkValueError, match="subject"):
        to_avro("value", schemaRegistryAddress=schema_registry.address)


AUTH_REGISTRY = """
import base64, http.server, json, sys
expected = "Basic " + base64.b64encode(b"key:secret").decode()
class Registry(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.headers.get("Authorization") == expected
        body = json.dumps({"subject": "s", "version": 1, "id": 7, "schema": sys.argv[1]} if ok
                          else {"error_code": 401, "message": "Unauthorized"}).encode()
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Registry)
print(server.server_port, flush=True)
server.serve_forever()
"""


def test_basic_auth_options_send_the_credentials(spark):
    """confluent.schema.registry.basic.auth.*: the credentials go in an HTTP basic
    Authorization header (checked by a small HTTP server of its own process that answers
    only with them: the Apicurio test registry has no basic authentication); a refusal
    names the registry."""
    import subprocess
    import sys

    server = subprocess.Popen([sys.executable, "-c", AUTH_REGISTRY, USER], stdout=subprocess.PIPE, text=True)
    try:
        address = "http://127.0.0.1:%d" % int(server.stdout.readline())
        df = spark.createDataFrame([(None,)], "value BINARY")

        def read(options):
            return df.select(from_avro("value", options=options, subject="s", schemaRegistryAddress=address))

        good = {"confluent.schema.registry.basic.auth.credentials.source": "USER_INFO",
                "confluent.schema.registry.basic.auth.user.info": "key:secret"}
        [field] = read(good).schema.fields
        assert field.dataType.simpleString() == "struct<name:string,age:int>"
        assert "key:secret" not in field.name and "user.info, *********(redacted)" in field.name
        assert [r[0] for r in read(good).collect()] == [None]
        with pytest.raises(Exception, match="refused the credentials"):
            read(dict(good, **{"confluent.schema.registry.basic.auth.user.info": "key:wrong"}))
        with pytest.raises(Exception, match="refused the credentials"):
            read(None)
        with pytest.raises(Exception, match="only USER_INFO"):
            read(dict(good, **{"confluent.schema.registry.basic.auth.credentials.source": "SASL_INHERIT"}))
    finally:
        server.kill()
        server.wait()


def test_sql_form_takes_the_registry_as_options(spark, schema_registry):
    """In SQL the subject and address are options: from_avro(value, NULL, map(...)) and
    to_avro(value, schema, map(...))."""
    from confluent_kafka.schema_registry import Schema

    subject = "sql-" + uuid.uuid4().hex[:8]
    schema_registry.client().register_schema(subject, Schema(USER, "AVRO"))
    spark.createDataFrame([("ann", 31)], "name STRING, age INT").createOrReplaceTempView("registry_users")
    registry = "map('subject', '%s', 'schemaRegistryAddress', '%s')" % (subject, schema_registry.address)
    rows = spark.sql("SELECT u.* FROM (SELECT from_avro(to_avro(named_struct('name', name, 'age', age), '%s', %s), "
                     "NULL, %s) AS u FROM registry_users)" % (USER, registry, registry)).collect()
    assert [tuple(r) for r in rows] == [("ann", 31)]
