"""SparkSession: builder, conf, createDataFrame (inference and schemas), sql, table, range."""

import datetime
from decimal import Decimal

import pyarrow as pa
import pytest

from spate.errors import (
    AnalysisException, PySparkTypeError, PySparkValueError, SparkNoSuchElementException,
)
from spate.sql import DataFrame, Row, SparkSession
from spate.sql.types import (
    ArrayType, BinaryType, BooleanType, DateType, DecimalType, DoubleType, IntegerType, LongType,
    MapType, StringType, StructField, StructType, TimestampType,
)


def test_get_or_create_returns_one_shared_session(spark):
    again = SparkSession.builder.appName("other").config("spark.sql.shuffle.partitions", 3).getOrCreate()
    assert again is spark
    assert SparkSession.getActiveSession() is spark
    assert spark.conf.get("spark.app.name") == "other"
    assert spark.conf.get("spark.sql.shuffle.partitions") == "3"


def test_conf_set_get_unset_and_defaults(spark):
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    spark.conf.set("spark.spate.test.flag", True)
    assert spark.conf.get("spark.spate.test.flag") == "true"
    spark.conf.unset("spark.spate.test.flag")
    # A default given to get() applies only when the key is not set.
    assert spark.conf.get("spark.spate.test.flag", "fallback") == "fallback"
    assert spark.conf.get("spark.spate.test.flag", None) is None
    with pytest.raises(SparkNoSuchElementException) as info:
        spark.conf.get("spark.spate.test.flag")
    assert info.value.getErrorClass() == "SQL_CONF_NOT_FOUND"
    assert "spark.sql.ansi.enabled" in spark.conf.getAll


def test_infers_pyspark_types_from_python_values(spark):
    rows = [(1, 2.5, "a", True, datetime.datetime(2024, 1, 2, 3, 4, 5), datetime.date(2024, 1, 2),
             Decimal("1.5"), [1, 2], {"k": 1}, Row(x=1, y="s"), b"\x01")]
    df = spark.createDataFrame(rows)
    assert df.schema == StructType([
        StructField("_1", LongType()), StructField("_2", DoubleType()), StructField("_3", StringType()),
        StructField("_4", BooleanType()), StructField("_5", TimestampType()),
        StructField("_6", DateType()), StructField("_7", DecimalType(38, 18)),
        StructField("_8", ArrayType(LongType())), StructField("_9", MapType(StringType(), LongType())),
        StructField("_10", StructType([StructField("x", LongType()), StructField("y", StringType())])),
        StructField("_11", BinaryType()),
    ])


def test_column_names_from_a_list_and_nulls_merge(spark):
    df = spark.createDataFrame([(1, None), (2, "b")], ["id", "name"])
    assert df.dtypes == [("id", "bigint"), ("name", "string")]
    assert df.collect() == [Row(id=1, name=None), Row(id=2, name="b")]


def test_dict_rows_sort_their_keys_and_rows_keep_their_order(spark):
    assert spark.createDataFrame([{"b": 1, "a": "x"}]).columns == ["a", "b"]
    assert spark.createDataFrame([Row(b=1, a="x")]).columns == ["b", "a"]


def test_schema_as_ddl_string_and_struct_type(spark):
    df = spark.createDataFrame([(1, "a")], "id INT, name STRING")
    assert df.schema == StructType([StructField("id", IntegerType()), StructField("name", StringType())])
    schema = StructType([StructField("name", StringType()), StructField("id", LongType())])
    # Rows with field names are matched by name, tuples by position.
    df = spark.createDataFrame([Row(id=5, name="e"), ("f", 6)], schema)
    assert df.collect() == [Row(name="e", id=5), Row(name="f", id=6)]


def test_atomic_schema_makes_a_value_column(spark):
    df = spark.createDataFrame([1, 2], "int")
    assert df.columns == ["value"]
    assert [r.value for r in df.collect()] == [1, 2]


def test_from_pyarrow_table_and_pandas(spark):
    table = pa.table({"a": pa.array([1, 2], pa.int32()), "s": pa.array(["x", None], pa.large_string())})
    df = spark.createDataFrame(table)
    assert df.dtypes == [("a", "int"), ("s", "string")]
    assert df.collect() == [Row(a=1, s="x"), Row(a=2, s=None)]
    pd = pytest.importorskip("pandas")
    pdf = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    assert spark.createDataFrame(pdf).collect() == [Row(a=1, b="x"), Row(a=2, b="y")]


def test_bad_create_data_frame_inputs(spark):
    with pytest.raises(PySparkValueError) as info:
        spark.createDataFrame([])
    assert info.value.getErrorClass() == "CANNOT_INFER_EMPTY_SCHEMA"
    with pytest.raises(PySparkTypeError) as info:
        spark.createDataFrame([1, 2])
    assert info.value.getErrorClass() == "CANNOT_INFER_SCHEMA_FOR_TYPE"
    with pytest.raises(PySparkTypeError) as info:
        spark.createDataFrame([(1,), ("x",)])
    assert info.value.getErrorClass() == "CANNOT_MERGE_TYPE"
    with pytest.raises(PySparkTypeError):
        spark.createDataFrame([("x",)], "a INT")
    with pytest.raises(PySparkTypeError):
        spark.createDataFrame([(1,)], schema=42)


def test_naive_datetimes_are_read_in_the_session_time_zone(spark):
    spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
    try:
        ts = datetime.datetime(2024, 7, 1, 12, 0, 0)
        df = spark.createDataFrame([(ts,)], ["ts"])
        assert df.collect()[0].ts == ts
        utc = df.toArrow().column(0)[0].as_py()
        assert utc == datetime.datetime(2024, 7, 1, 19, 0, 0, tzinfo=datetime.timezone.utc)
    finally:
        spark.conf.unset("spark.sql.session.timeZone")


def test_range(spark):
    df = spark.range(1, 10, 3)
    assert df.dtypes == [("id", "bigint")]
    assert [r.id for r in df.collect()] == [1, 4, 7]
    assert spark.range(3).count() == 3


def test_temp_views_and_table(spark):
    spark.createDataFrame([(1,)], ["x"]).createOrReplaceTempView("spate_session_view")
    assert spark.table("spate_session_view").collect() == [Row(x=1)]
    with pytest.raises(AnalysisException) as info:
        spark.createDataFrame([(1,)], ["x"]).createTempView("spate_session_view")
    assert info.value.getErrorClass() == "TEMP_TABLE_OR_VIEW_ALREADY_EXISTS"
    with pytest.raises(AnalysisException) as info:
        spark.table("no_such_view_anywhere")
    assert info.value.getErrorClass() == "TABLE_OR_VIEW_NOT_FOUND"


def test_sql_over_a_temp_view(spark):
    spark.createDataFrame([(1, "a"), (2, "b")], ["id", "v"]).createOrReplaceTempView("spate_sql_view")
    df = spark.sql("SELECT id * 10 AS x FROM spate_sql_view WHERE v = 'b'")
    assert isinstance(df, DataFrame)
    assert df.collect() == [Row(x=20)]


def test_sql_takes_text(spark):
    with pytest.raises(PySparkTypeError):
        spark.sql(42)


def test_stop_then_get_or_create_makes_a_new_session(spark):
    try:
        first = SparkSession.builder.create()
        first.stop()
        assert SparkSession.getActiveSession() is None
        second = SparkSession.builder.getOrCreate()
        assert second is not first and second is not spark
    finally:
        SparkSession._activeSession = spark
