"""spate.sql.types behaves like pyspark.sql.types; parsing and printing come from the engine."""

import json

import pyarrow as pa
import pytest

from spate.errors import AnalysisException, ParseException
from spate.sql.types import (
    ArrayType, BinaryType, BooleanType, ByteType, DataType, DateType, DecimalType, DoubleType,
    FloatType, IntegerType, LongType, MapType, NullType, ShortType, StringType, StructField,
    StructType, TimestampNTZType, TimestampType, _from_arrow_schema, _parse_datatype_json_string,
    _parse_datatype_string,
)


def test_from_ddl_reads_the_seed_schema():
    schema = StructType.fromDDL("user_id string, session_events int, session_start timestamp")
    assert schema == StructType([
        StructField("user_id", StringType(), True),
        StructField("session_events", IntegerType(), True),
        StructField("session_start", TimestampType(), True),
    ])
    assert schema.simpleString() == "struct<user_id:string,session_events:int,session_start:timestamp>"
    assert schema.fieldNames() == ["user_id", "session_events", "session_start"]


def test_nested_ddl_and_backquoted_names():
    schema = DataType.fromDDL("`a b` struct<x:int,y:array<string>>, m map<string, decimal(10,2)> NOT NULL")
    assert schema["a b"].dataType == StructType([
        StructField("x", IntegerType()), StructField("y", ArrayType(StringType(), True))])
    assert schema["m"].dataType == MapType(StringType(), DecimalType(10, 2), True)
    assert schema["m"].nullable is False


def test_pyspark_schema_string_forms():
    assert _parse_datatype_string("int") == IntegerType()
    assert _parse_datatype_string("a: int, b: string") == StructType(
        [StructField("a", IntegerType()), StructField("b", StringType())])
    assert _parse_datatype_string("array<bigint>") == ArrayType(LongType())


def test_simple_strings_and_type_names():
    cases = [
        (NullType(), "void", "void"), (BooleanType(), "boolean", "boolean"),
        (ByteType(), "byte", "tinyint"), (ShortType(), "short", "smallint"),
        (IntegerType(), "integer", "int"), (LongType(), "long", "bigint"),
        (FloatType(), "float", "float"), (DoubleType(), "double", "double"),
        (StringType(), "string", "string"), (BinaryType(), "binary", "binary"),
        (DateType(), "date", "date"), (TimestampType(), "timestamp", "timestamp"),
        (TimestampNTZType(), "timestamp_ntz", "timestamp_ntz"),
    ]
    for t, type_name, simple in cases:
        assert t.typeName() == type_name
        assert t.simpleString() == simple
    assert DecimalType(12, 3).simpleString() == "decimal(12,3)"
    assert ArrayType(MapType(StringType(), LongType())).simpleString() == "array<map<string,bigint>>"


def test_json_is_pysparks_sorted_compact_form():
    schema = StructType([StructField("a", IntegerType(), False),
                         StructField("b", ArrayType(StringType(), False))])
    assert schema.json() == (
        '{"fields":[{"metadata":{},"name":"a","nullable":false,"type":"integer"},'
        '{"metadata":{},"name":"b","nullable":true,"type":{"containsNull":false,'
        '"elementType":"string","type":"array"}}],"type":"struct"}')
    assert _parse_datatype_json_string(schema.json()) == schema
    assert StructType.fromJson(json.loads(schema.json())) == schema


def test_reprs_match_pyspark():
    schema = StructType([StructField("a", IntegerType(), True),
                         StructField("d", DecimalType(10, 2), False),
                         StructField("m", MapType(StringType(), ArrayType(LongType(), True), True))])
    assert repr(schema) == (
        "StructType([StructField('a', IntegerType(), True), "
        "StructField('d', DecimalType(10,2), False), "
        "StructField('m', MapType(StringType(), ArrayType(LongType(), True), True), True)])")


def test_simple_types_are_singletons_and_hashable():
    assert IntegerType() is IntegerType()
    assert len({IntegerType(), IntegerType(), LongType()}) == 2
    assert DecimalType(10, 2) == DecimalType(10, 2) != DecimalType(10, 3)


def test_tree_string_is_print_schema():
    schema = StructType.fromDDL("id bigint NOT NULL, tags array<string>, attrs map<string,int>")
    assert schema.treeString() == (
        "root\n"
        " |-- id: long (nullable = false)\n"
        " |-- tags: array (nullable = true)\n"
        " |    |-- element: string (containsNull = true)\n"
        " |-- attrs: map (nullable = true)\n"
        " |    |-- key: string\n"
        " |    |-- value: integer (valueContainsNull = true)\n")
    assert schema.treeString(1) == (
        "root\n"
        " |-- id: long (nullable = false)\n"
        " |-- tags: array (nullable = true)\n"
        " |-- attrs: map (nullable = true)\n")


def test_struct_type_add_getitem_and_ddl():
    schema = StructType().add("a", "int").add(StructField("b", StringType())).add("c", LongType(), False)
    assert schema.names == ["a", "b", "c"]
    assert schema[0].dataType == IntegerType()
    assert schema[1:].fieldNames() == ["b", "c"]
    assert schema.toDDL() == "a INT,b STRING,c BIGINT NOT NULL"
    with pytest.raises(KeyError):
        schema["zzz"]


def test_comments_land_in_metadata():
    schema = StructType.fromDDL("a int COMMENT 'the answer'")
    assert schema["a"].metadata == {"comment": "the answer"}
    assert schema["a"].getComment() == "the answer"


def test_bad_ddl_raises_parse_exception_with_position():
    with pytest.raises(ParseException) as info:
        StructType.fromDDL("a int,, b string")
    err = info.value
    assert err.getErrorClass() == "PARSE_SYNTAX_ERROR"
    assert err.getSqlState() == "42601"
    assert str(err).startswith("\n[PARSE_SYNTAX_ERROR] Syntax error at or near ','. SQLSTATE: 42601 (line 1, pos 6)")
    assert "== SQL ==\na int,, b string\n------^^^" in str(err)
    assert isinstance(err, AnalysisException)


def test_unknown_type_names_it():
    with pytest.raises(ParseException) as info:
        DataType.fromDDL("a foo")
    assert info.value.getErrorClass() == "UNSUPPORTED_DATATYPE"
    assert 'Unsupported data type "FOO"' in str(info.value)


def test_bad_json_schema_is_refused():
    with pytest.raises(AnalysisException) as info:
        _parse_datatype_json_string('{"type":"struct","fields":[{"name":"a","type":"integr","nullable":true}]}')
    assert info.value.getErrorClass() == "INVALID_JSON_SCHEMA"
    assert 'unknown type name "integr"' in str(info.value)


def test_arrow_schema_through_pycapsule():
    schema = StructType.fromDDL(
        "id bigint NOT NULL, ts timestamp, ntz timestamp_ntz, d decimal(9,3), tags array<string>")
    arrow_schema = pa.schema(schema)  # via __arrow_c_schema__
    assert arrow_schema == pa.schema([
        pa.field("id", pa.int64(), nullable=False),
        pa.field("ts", pa.timestamp("us", tz="UTC")),
        pa.field("ntz", pa.timestamp("us")),
        pa.field("d", pa.decimal128(9, 3)),
        pa.field("tags", pa.list_(pa.field("element", pa.string()))),
    ])
    assert _from_arrow_schema(arrow_schema) == schema
    assert _from_arrow_schema(pa.schema([("u", pa.uint32()), ("s", pa.large_string())])) == \
        StructType([StructField("u", LongType()), StructField("s", StringType())])
