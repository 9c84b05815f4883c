"""from_avro and to_avro against PySpark 4.1 with spark-avro: the Spark type of each Avro
schema (SchemaConverters), decoding of datums written by fastavro (an outside writer),
to_avro's bytes, the parse modes on malformed input, and the Confluent wire-format trap."""

import datetime
import decimal
import importlib
import io
import os
import struct

import fastavro  # pinned through confluent-kafka[avro] in requirements.txt
import pytest

from oracle import Failure, spark_avro_jar


@pytest.fixture(autouse=True)
def _spark_avro(oracle):
    if spark_avro_jar() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the Avro differential tests need spark-avro's jar (Maven)", pytrace=False)
        pytest.skip("spark-avro's jar could not be fetched")


def avro(sql):
    """The engine's avro functions module (pyspark.sql.avro.functions or spate's)."""
    return importlib.import_module(sql.__name__ + ".avro.functions")


def encode(schema, records):
    """Schemaless Avro datums, written by fastavro."""
    parsed = fastavro.parse_schema(schema)
    out = []
    for r in records:
        buf = io.BytesIO()
        fastavro.schemaless_writer(buf, parsed, r)
        out.append(buf.getvalue())
    return out


def binary_frame(spark, values):
    return spark.createDataFrame([(v,) for v in values], "v BINARY")


EVERYTHING = {
    "type": "record", "name": "Everything", "namespace": "spate.test",
    "fields": [
        {"name": "b", "type": "boolean"},
        {"name": "i", "type": "int"},
        {"name": "l", "type": "long"},
        {"name": "f", "type": "float"},
        {"name": "d", "type": "double"},
        {"name": "s", "type": "string"},
        {"name": "by", "type": "bytes"},
        {"name": "opt", "type": ["null", "string"]},
        {"name": "opt_last", "type": ["long", "null"]},
        {"name": "il", "type": ["int", "long"]},
        {"name": "fd", "type": ["null", "float", "double"]},
        {"name": "u", "type": ["int", "string", {"type": "record", "name": "P", "fields": [
            {"name": "x", "type": "int"}]}]},
        {"name": "arr", "type": {"type": "array", "items": ["null", "int"]}},
        {"name": "m", "type": {"type": "map", "values": "P"}},
        {"name": "e", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN"]}},
        {"name": "fx", "type": {"type": "fixed", "name": "Three", "size": 3}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "ts_ms", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "ts_us", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "lts_ms", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
        {"name": "lts_us", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
        {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
        {"name": "decf", "type": {"type": "fixed", "name": "D8", "size": 8, "logicalType": "decimal",
                                  "precision": 18, "scale": 3}},
        {"name": "bad_logical", "type": {"type": "string", "logicalType": "date"}},
    ]}

UTC = datetime.timezone.utc


def everything_records():
    base = {
        "b": True, "i": -7, "l": 1 << 40, "f": 1.5, "d": -2.25, "s": "héllo", "by": b"\x00\xff",
        "opt": None, "opt_last": 5, "il": 3, "fd": 2.5, "u": "str",
        "arr": [1, None, 3], "m": {"k": {"x": 1}, "j": {"x": -2}}, "e": "GREEN", "fx": b"abc",
        "day": datetime.date(2024, 2, 29),
        "ts_ms": datetime.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
        "ts_us": datetime.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        "lts_ms": datetime.datetime(2024, 1, 2, 3, 4, 5, 678000),
        "lts_us": datetime.datetime(2000, 6, 1, 0, 0, 0, 1),
        "dec": decimal.Decimal("-1234.56"), "decf": decimal.Decimal("123456789012345.678"),
        "bad_logical": "2020-01-01",
    }
    other = dict(base, b=False, i=0, opt="x", opt_last=None, il=(-5, "long"), fd=None,
                 u={"x": 42}, arr=[], m={}, e="RED", dec=decimal.Decimal("0.01"),
                 decf=decimal.Decimal("-0.001"))
    other["il"] = 1 << 35
    third = dict(base, u=9, s="", by=b"")
    return [base, other, third]


def test_from_avro_every_type(oracle):
    """Primitives, nullable unions (null first or last), int/long and float/double unions,
    a union of several types as member0.., arrays, maps, enums, fixed and the logical types
    (an invalid logical type is ignored), on datums written by fastavro."""
    data = encode(EVERYTHING, everything_records()) + [None]
    import json
    schema = json.dumps(EVERYTHING)

    def program(sql, spark):
        return binary_frame(spark, data).select(avro(sql).from_avro("v", schema).alias("r"))
    oracle.check(program)


def test_from_avro_column_names_and_plain_schemas(oracle):
    """Non-record schemas (a primitive, an array, a map, a nullable union) and Spark's column
    names for from_avro and to_avro calls without aliases."""
    def program(sql, spark):
        a = avro(sql)
        df = spark.createDataFrame([(b"\x06abc\x04", 7, "x"), (None, None, None)], "v BINARY, i INT, s STRING")
        return df.select(a.from_avro("v", '"int"'), a.from_avro("v", '{"type":"array","items":"int"}',
                                                            {"mode": "PERMISSIVE"}),
                         a.from_avro("v", '["null","string"]', {"mode": "PERMISSIVE"}),
                         a.from_avro("v", '"string"'),
                         a.to_avro("i"), a.to_avro("s", '"string"'), a.to_avro(sql.functions.col("s")))
    oracle.check(program)


def test_trailing_bytes_are_ignored(oracle):
    """Avro's reader stops after one datum: bytes after it are left unread."""
    def program(sql, spark):
        schema = '{"type":"record","name":"R","fields":[{"name":"s","type":"string"},{"name":"n","type":"int"}]}'
        return binary_frame(spark, [b"\x06abc\x04", b"\x06abc\x04trailing"]).select(
            avro(sql).from_avro("v", schema).alias("r"))
    oracle.check(program)


MALFORMED = [b"\x06ab", b"\x01", b"", b"\x06abc\x04", b"\x06abc\x80\x80\x80\x80\x80\x80"]
RECORD = '{"type":"record","name":"R","fields":[{"name":"s","type":"string"},{"name":"n","type":"int"}]}'


def test_permissive_mode(oracle):
    """PERMISSIVE: a malformed record reads as a struct of NULLs, a malformed non-struct as
    NULL, and the result type is made nullable throughout."""
    def program(sql, spark):
        a = avro(sql)
        return binary_frame(spark, MALFORMED).select(
            a.from_avro("v", RECORD, {"mode": "PERMISSIVE"}).alias("r"),
            a.from_avro("v", '{"type":"array","items":"long"}', {"mode": "PERMISSIVE"}).alias("arr"),
            a.from_avro("v", '{"type":"enum","name":"E","symbols":["A"]}', {"mode": "permissive"}).alias("e"))
    oracle.check(program)


def test_failfast_is_the_default(oracle):
    """FAILFAST (the default): a malformed datum stops the query with Spark's message (a
    SparkException without an error class in Spark)."""
    def program(sql, spark):
        return binary_frame(spark, MALFORMED).select(avro(sql).from_avro("v", RECORD).alias("r"))
    got, want = oracle.outcomes(program)
    assert isinstance(want, Failure) and isinstance(got, Failure), (got, want)
    text = "Malformed records are detected in record parsing. Current parse Mode: FAILFAST."
    assert text in got.message
    want_text = "%s %s" % (want.message, want.condition)
    assert "Py4JJavaError" in want_text  # PySpark does not convert it: it has no condition


def test_dropmalformed_is_refused(oracle):
    def program(sql, spark):
        return binary_frame(spark, MALFORMED).select(
            avro(sql).from_avro("v", RECORD, {"mode": "DROPMALFORMED"}).alias("r"))
    oracle.check(program, error="PARSE_MODE_UNSUPPORTED")


def test_to_avro_bytes(oracle):
    """to_avro without a schema: the schema Spark derives (nullable values as [T, "null"],
    decimals as fixed, timestamps as timestamp-micros), byte for byte; and with a schema."""
    def program(sql, spark):
        a, f = avro(sql), sql.functions
        df = spark.sql(
            "SELECT 1 AS a, 'x' AS b, CAST(NULL AS INT) AS c, array(1, NULL) AS arr, "
            "map('k', 1.5D) AS m, named_struct('p', DATE'2020-01-01', 'q', "
            "TIMESTAMP'2020-01-01 00:00:00', 'r', TIMESTAMP_NTZ'2021-05-06 07:08:09.123456') AS st, "
            "-1.25BD AS dec, CAST(12345678901234567.5 AS DECIMAL(30, 1)) AS big, X'00FF' AS bin, "
            "true AS flag, CAST(3 AS TINYINT) AS t, CAST(4 AS SMALLINT) AS sm, 2.5F AS fl")
        return df.select(a.to_avro(f.struct(*df.columns)).alias("all"), a.to_avro("a").alias("a"),
                         a.to_avro("c").alias("c"), a.to_avro("dec").alias("dec"),
                         a.to_avro("b", '{"type":"enum","name":"E","symbols":["w","x"]}').alias("e"),
                         a.to_avro("a", '["null","int"]').alias("u"),
                         a.to_avro("st", '{"type":"record","name":"S","fields":['
                                   '{"name":"q","type":{"type":"long","logicalType":"timestamp-millis"}},'
                                   '{"name":"p","type":{"type":"int","logicalType":"date"}},'
                                   '{"name":"r","type":{"type":"long","logicalType":"local-timestamp-millis"}}]}'
                                   ).alias("s"))
    oracle.check(program)


def test_round_trip(oracle):
    """from_avro(to_avro(x), schema) gives x back, for the schema to_avro derives."""
    def program(sql, spark):
        a, f = avro(sql), sql.functions
        df = spark.createDataFrame(
            [(1, "a", [1.5, None], {"k": 2}), (None, None, None, None), (3, "", [], {})],
            "i INT, s STRING, arr ARRAY<DOUBLE>, m MAP<STRING, INT>")
        schema = ('{"type":"record","name":"topLevelRecord","fields":['
                  '{"name":"i","type":["int","null"]},{"name":"s","type":["string","null"]},'
                  '{"name":"arr","type":[{"type":"array","items":["double","null"]},"null"]},'
                  '{"name":"m","type":[{"type":"map","values":["int","null"]},"null"]}]}')
        return df.select(a.from_avro(a.to_avro(f.struct("i", "s", "arr", "m")), schema).alias("r"))
    oracle.check(program)


CONFLUENT_SCHEMA = ('{"type":"record","name":"User","fields":[{"name":"name","type":"string"},'
                    '{"name":"age","type":"int"}]}')


def confluent_wire(schema_id, payload):
    """Confluent's wire format: magic byte 0, the schema id (4 bytes, big-endian), the datum."""
    return b"\x00" + struct.pack(">I", schema_id) + payload


def test_confluent_wire_format_trap(oracle):
    """from_avro reads plain Avro: on a Confluent-framed value it reads the 5-byte header as
    data (a wrong record, or malformed), exactly as Spark does; skipping the header with
    substring (or expr) decodes it."""
    import json
    payloads = encode(json.loads(CONFLUENT_SCHEMA), [{"name": "ann", "age": 31}, {"name": "bob", "age": -4}])
    framed = [confluent_wire(1, p) for p in payloads] + [confluent_wire(7, payloads[0])]

    def raw_program(sql, spark):
        return binary_frame(spark, framed).select(
            avro(sql).from_avro("v", CONFLUENT_SCHEMA, {"mode": "PERMISSIVE"}).alias("r"))
    oracle.check(raw_program)

    def skipped(sql, spark):
        a, f = avro(sql), sql.functions
        df = binary_frame(spark, framed)
        return df.select(
            a.from_avro(f.expr("substring(v, 6, length(v) - 5)"), CONFLUENT_SCHEMA).alias("r"),
            a.from_avro(f.substring("v", 6, 1 << 20), CONFLUENT_SCHEMA).alias("r2"))
    oracle.check(skipped)


def test_avro_schema_option_evolves(oracle):
    """avroSchema: the datums (written with jsonFormatSchema) read as the evolved schema says:
    fields matched by name, a dropped field skipped, new fields given their defaults, int read
    as long and float as double; the result has the evolved schema's type."""
    writer = ('{"type":"record","name":"R","fields":[{"name":"a","type":"int"},'
              '{"name":"gone","type":{"type":"array","items":"string"}},{"name":"opt","type":["null","float"]}]}')
    reader = ('{"type":"record","name":"R","fields":[{"name":"opt","type":["null","double"]},'
              '{"name":"a","type":"long"},{"name":"new","type":"string","default":"dflt"},'
              '{"name":"n2","type":["null","int"],"default":null},{"name":"n3","type":"int","default":7}]}')
    data = [b"\x04\x02\x02x\x00\x02\x00\x00\xc0\x3f", b"\x04\x00\x00", b"\x04\x02"]

    def program(sql, spark):
        return binary_frame(spark, data).select(
            avro(sql).from_avro("v", writer, {"avroSchema": reader, "mode": "PERMISSIVE"}).alias("r"))
    oracle.check(program)


def test_stable_union_identifiers(oracle):
    """enableStableIdentifiersForUnionType names union members by type (member_int,
    member_<record name>), with stableIdentifierPrefixForUnionType as the prefix."""
    union = ('{"type":"record","name":"W","fields":[{"name":"u","type":'
             '["null","int","string",{"type":"record","name":"ns.Pt","fields":[{"name":"x","type":"int"}]},'
             '{"type":"enum","name":"Col","symbols":["A"]},{"type":"array","items":"int"},"long"]}]}')
    data = [b"\x02\x04", b"\x06\x08", b"\x00", b"\x08\x00", b"\x0a\x02\x06\x00", b"\x0c\x0e"]

    def program(sql, spark):
        a = avro(sql)
        return binary_frame(spark, data).select(
            a.from_avro("v", union, {"enableStableIdentifiersForUnionType": "true"}).alias("u"),
            a.from_avro("v", union, {"enableStableIdentifiersForUnionType": "true",
                                     "stableIdentifierPrefixForUnionType": "m_"}).alias("m"),
            a.from_avro("v", union).alias("plain"))
    oracle.check(program)


@pytest.mark.parametrize("schema", ['{"type":"recor"}', "nope", '{"type":"record","name":"R","fields":[]',
                                    '["int","string"]',
                                    '{"type":"record","name":"R","fields":[{"name":"a","type":"R"}]}'])
def test_invalid_schemas_fail(oracle, schema):
    """A schema that is not valid Avro, a recursive one, or a top-level union of several types
    (spark-avro reads a struct only from a record) fails on both engines (Spark raises Avro's,
    Jackson's and its own exceptions, which have no error class)."""
    def program(sql, spark):
        return binary_frame(spark, [b"\x00"]).select(avro(sql).from_avro("v", schema).alias("r"))
    got, want = oracle.outcomes(program)
    assert isinstance(want, Failure) and isinstance(got, Failure), (got, want)


@pytest.mark.parametrize("call", [
    lambda a: a.from_avro(1, '"int"'), lambda a: a.from_avro("v", 5),
    lambda a: a.from_avro("v", '"int"', 3), lambda a: a.to_avro(1), lambda a: a.to_avro("v", 5)])
def test_argument_types(oracle, call):
    """PySpark's checks of the Python arguments: INVALID_TYPE, with its message."""
    def program(sql, spark):
        try:
            call(avro(sql))
        except Exception as exc:  # noqa: BLE001 - the message is the outcome
            return type(exc).__name__, exc.getCondition(), str(exc)
        return None
    got, want = oracle.outcomes(program)
    assert want is not None and got == want, (got, want)


# A linked list and a tree: a record that holds itself through a nullable union, and through
# an array (with a map of itself, and an enum defined inside it).
LINKED = {"type": "record", "name": "Node", "fields": [
    {"name": "v", "type": "int"}, {"name": "next", "type": ["null", "Node"], "default": None}]}
TREE = {"type": "record", "name": "Tree", "namespace": "t", "fields": [
    {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["LEAF", "INNER"]}},
    {"name": "children", "type": {"type": "array", "items": "Tree"}},
    {"name": "named", "type": {"type": "map", "values": "t.Tree"}},
    {"name": "label", "type": "string"}]}


def linked(n):
    node = None
    for v in range(n, 0, -1):
        node = {"v": v, "next": node}
    return node


def tree(depth):
    kids = [tree(depth - 1), tree(depth - 1)] if depth > 1 else []
    return {"kind": "INNER" if kids else "LEAF", "children": kids,
            "named": {"first": kids[0]} if kids else {}, "label": "d%d" % depth}


@pytest.mark.parametrize("schema, data, depth", [
    (LINKED, [linked(1), linked(3), linked(20)], 1), (LINKED, [linked(1), linked(3), linked(20)], 3),
    (LINKED, [linked(1), linked(3), linked(20)], 15), (TREE, [tree(1), tree(3), tree(5)], 1),
    (TREE, [tree(1), tree(3), tree(5)], 2), (TREE, [tree(1), tree(3), tree(5)], 3)],
    ids=["list-1", "list-3", "list-15", "tree-1", "tree-2", "tree-3"])
def test_recursive_field_max_depth(oracle, schema, data, depth):
    """recursiveFieldMaxDepth unrolls a recursive record that many times along a path (through
    a nullable union, an array, a map); the field past it is left out of the type, and the
    deeper data is read past."""
    values = encode(schema, data)

    def program(sql, spark):
        opts = {"recursiveFieldMaxDepth": str(depth)}
        return binary_frame(spark, values).select(avro(sql).from_avro("v", json_text(schema), opts).alias("r"))
    oracle.check(program)


def json_text(schema):
    import json
    return json.dumps(schema)


@pytest.mark.parametrize("depth", ["16", "100"])
def test_recursive_field_max_depth_above_15(oracle, depth):
    """More than 15 is refused when the query is analyzed."""
    def program(sql, spark):
        df = binary_frame(spark, encode(LINKED, [linked(1)]))
        return df.select(avro(sql).from_avro("v", json_text(LINKED), {"recursiveFieldMaxDepth": depth}))
    oracle.check(program, error="STDS_INVALID_OPTION_VALUE.WITH_MESSAGE")


@pytest.mark.parametrize("depth", [None, "0", "-1"])
def test_recursive_schema_refused_without_depth(oracle, depth):
    """Without recursiveFieldMaxDepth (or with 0 or less) a recursive schema is refused; Spark
    raises spark-avro's IncompatibleSchemaException, which has no error condition."""
    def program(sql, spark):
        opts = {} if depth is None else {"recursiveFieldMaxDepth": depth}
        df = binary_frame(spark, encode(LINKED, [linked(1)]))
        return df.select(avro(sql).from_avro("v", json_text(LINKED), opts)).collect()
    got, want = oracle.outcomes(program)
    assert isinstance(want, Failure), want  # its first line is py4j's; Spark's text follows
    assert isinstance(got, Failure) and "Found recursive reference in Avro schema" in got.message
    assert "recursiveFieldMaxDepth" in got.message


@pytest.mark.parametrize("depth", ["1", "3"])
def test_recursive_reader_schema(oracle, depth):
    """A recursive avroSchema (the reader's schema) unrolls to recursiveFieldMaxDepth as the
    writer's does."""
    values = encode(LINKED, [linked(1), linked(2), linked(5)])

    def program(sql, spark):
        opts = {"recursiveFieldMaxDepth": depth, "avroSchema": json_text(LINKED)}
        return binary_frame(spark, values).select(avro(sql).from_avro("v", json_text(LINKED), opts).alias("r"))
    oracle.check(program)
