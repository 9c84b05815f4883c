"""DataFrame: transformations, actions, joins, grouping, show() text, value types, errors."""

import datetime
import json
import threading
import time
from decimal import Decimal

import pyarrow as pa
import pytest

from spate.errors import AnalysisException, PySparkAttributeError, PySparkTypeError
from spate.sql import Column, DataFrame, GroupedData, Row
from spate.sql import functions as f
from spate.sql.types import LongType, StringType, StructField, StructType


@pytest.fixture
def people(spark):
    return spark.createDataFrame([(1, "alice", 30), (2, "bob", None), (3, "carol", 25)],
                                 ["id", "name", "age"])


def _sorted(rows):
    return sorted(rows, key=lambda r: tuple((v is None, v if v is not None else 0) for v in r))


# --- Metadata -------------------------------------------------------------------------------

def test_schema_columns_dtypes_and_repr(people):
    assert people.columns == ["id", "name", "age"]
    assert people.dtypes == [("id", "bigint"), ("name", "string"), ("age", "bigint")]
    assert people.schema["name"] == StructField("name", StringType(), True)
    assert repr(people) == "DataFrame[id: bigint, name: string, age: bigint]"
    assert people.isStreaming is False


def test_print_schema(people, capsys):
    people.printSchema()
    assert capsys.readouterr().out == (
        "root\n |-- id: long (nullable = true)\n |-- name: string (nullable = true)\n"
        " |-- age: long (nullable = true)\n\n")


def test_explain_prints_the_plan(people, capsys):
    people.filter(f.col("id") > 1).explain()
    assert "== Physical Plan ==" in capsys.readouterr().out


# --- Transformations ------------------------------------------------------------------------

def test_select_strings_columns_lists_and_star(people):
    assert people.select("name").collect() == [Row(name="alice"), Row(name="bob"), Row(name="carol")]
    assert people.select(["id", "name"]).columns == ["id", "name"]
    df = people.select(f.col("id") + 1, (people.id * 2).alias("double"), "*")
    assert df.columns == ["(id + 1)", "double", "id", "name", "age"]
    assert df.first() == Row(**{"(id + 1)": 2, "double": 2, "id": 1, "name": "alice", "age": 30})


def test_column_access_by_item_and_attribute(people):
    assert isinstance(people["name"], Column) and isinstance(people.name, Column)
    assert repr(people.age) == "Column<'age'>"
    assert people.select(people[0]).columns == ["id"]
    assert people[people.id == 2].count() == 1
    assert people[["id", "age"]].columns == ["id", "age"]


def test_filter_and_where(people):
    assert people.filter(f.col("age") > 26).select("name").collect() == [Row(name="alice")]
    assert people.where(people.age.isNull()).select("id").collect() == [Row(id=2)]


def test_filter_and_select_with_sql_text(people):
    assert people.filter("age > 26").count() == 1
    assert people.selectExpr("id + 1 AS x").collect() == [Row(x=2), Row(x=3), Row(x=4)]


def test_with_column_renamed_and_drop(people):
    df = people.withColumn("age2", f.col("age") * 2).withColumnRenamed("name", "who")
    assert df.columns == ["id", "who", "age", "age2"]
    df = df.withColumns({"id": f.col("id") + 100, "one": f.lit(1)})
    assert df.columns == ["id", "who", "age", "age2", "one"]
    assert df.first() == Row(id=101, who="alice", age=30, age2=60, one=1)
    assert df.drop("age2", "nope").drop(f.col("one")).columns == ["id", "who", "age"]


def test_group_by_agg_count_and_dict(spark):
    df = spark.createDataFrame([("a", 1), ("a", 2), ("b", 5), (None, 7)], ["k", "v"])
    grouped = df.groupBy("k")
    assert isinstance(grouped, GroupedData)
    out = grouped.agg(f.sum("v"), f.count("*")).orderBy("k")
    assert out.columns == ["k", "sum(v)", "count(1)"]
    assert out.collect() == [Row(k=None, **{"sum(v)": 7, "count(1)": 1}),
                             Row(k="a", **{"sum(v)": 3, "count(1)": 2}),
                             Row(k="b", **{"sum(v)": 5, "count(1)": 1})]
    assert _sorted(df.groupBy("k").count().collect()) == [("a", 2), ("b", 1), (None, 1)]
    assert df.groupby(f.col("k")).agg({"v": "max"}).columns == ["k", "max(v)"]
    assert df.groupBy("k").avg("v").columns == ["k", "avg(v)"]
    assert df.groupBy().sum().collect() == [Row(**{"sum(v)": 15})]
    assert df.agg(f.min("v"), f.max("v")).collect() == [Row(**{"min(v)": 1, "max(v)": 7})]
    assert df.agg({"v": "mean"}).columns == ["avg(v)"]


@pytest.fixture
def sides(spark):
    left = spark.createDataFrame([(1, "a"), (2, "b"), (None, "n")], "k INT, l STRING")
    right = spark.createDataFrame([(1, "x"), (3, "y"), (None, "m")], "k INT, r STRING")
    return left, right


@pytest.mark.parametrize("how, expected", [
    ("inner", [(1, "a", "x")]),
    ("left", [(1, "a", "x"), (2, "b", None), (None, "n", None)]),
    ("right", [(1, "a", "x"), (3, None, "y"), (None, None, "m")]),
    ("full", [(1, "a", "x"), (2, "b", None), (3, None, "y"), (None, "n", None), (None, None, "m")]),
    ("left_semi", [(1, "a")]),
    ("left_anti", [(2, "b"), (None, "n")]),
])
def test_join_using_a_column_name_never_matches_null_keys(sides, how, expected):
    left, right = sides
    assert _sorted(left.join(right, "k", how).collect()) == _sorted(expected)


def test_join_on_a_condition_keeps_both_key_columns(sides):
    left, right = sides
    df = left.join(right, left.k == right.k, "left_outer")
    assert df.columns == ["k", "l", "k", "r"]
    assert _sorted(df.collect()) == _sorted([(1, "a", 1, "x"), (2, "b", None, None),
                                              (None, "n", None, None)])
    both = left.alias("a").join(right.alias("b"), [f.col("a.k") == f.col("b.k"), f.col("b.r") == "x"])
    assert both.select("a.l", "b.r").collect() == [Row(l="a", r="x")]
    assert left.join(right, ["k"]).columns == ["k", "l", "r"]


def test_cross_join_union_and_distinct(spark, sides):
    left, right = sides
    assert left.crossJoin(right).count() == 9
    assert left.join(right).count() == 9
    a = spark.createDataFrame([(1, "x")], ["id", "v"])
    b = spark.createDataFrame([("y", 2)], ["v", "id"])
    assert a.union(a).count() == 2 and a.unionAll(a).distinct().count() == 1
    assert a.unionByName(b).collect() == [Row(id=1, v="x"), Row(id=2, v="y")]
    c = spark.createDataFrame([(3,)], ["id"])
    assert a.unionByName(c, allowMissingColumns=True).collect() == [Row(id=1, v="x"), Row(id=3, v=None)]
    with pytest.raises(AnalysisException):
        a.unionByName(c)


def test_drop_duplicates_order_by_and_limit(spark):
    df = spark.createDataFrame([(1, "a"), (1, "b"), (2, "a"), (None, "c")], ["n", "s"])
    assert df.dropDuplicates(["n"]).count() == 3 and df.drop_duplicates().count() == 4
    assert [r.n for r in df.orderBy("n").collect()] == [None, 1, 1, 2]
    assert [r.n for r in df.orderBy(f.col("n").desc()).collect()] == [2, 1, 1, None]
    assert [tuple(r) for r in df.sort(["n", "s"], ascending=[False, True]).collect()] == [
        (2, "a"), (1, "a"), (1, "b"), (None, "c")]
    assert [r.n for r in df.orderBy("n", ascending=False).limit(2).collect()] == [2, 1]


def test_cache_keeps_the_rows(people):
    cached = people.filter(f.col("id") > 1).cache()
    assert cached.is_cached and cached.count() == 2 and cached.count() == 2
    assert cached.unpersist().count() == 2


# --- Actions ---------------------------------------------------------------------------------

def test_first_head_take(people, spark):
    assert people.first() == Row(id=1, name="alice", age=30)
    assert people.head() == people.first()
    assert people.head(2) == people.take(2) and len(people.take(2)) == 2
    assert people.filter(f.col("id") > 10).first() is None


def test_collect_gives_pyspark_value_types(spark):
    ts = datetime.datetime(2024, 3, 4, 5, 6, 7, 890000)
    schema = ("ts TIMESTAMP, d DATE, dec DECIMAL(10,2), m MAP<STRING,INT>, s STRUCT<x: INT, y: STRING>, "
              "a ARRAY<BIGINT>, b BINARY, f FLOAT")
    df = spark.createDataFrame(
        [(ts, datetime.date(2024, 3, 4), Decimal("12.34"), {"k": 1}, Row(x=1, y="z"), [1, None], b"ab", 1.5)],
        schema)
    row = df.collect()[0]
    assert row.ts == ts and row.ts.tzinfo is None
    assert row.d == datetime.date(2024, 3, 4)
    assert row.dec == Decimal("12.34") and isinstance(row.dec, Decimal)
    assert row.m == {"k": 1}
    assert isinstance(row.s, Row) and row.s.y == "z" and row.s == Row(x=1, y="z")
    assert row.a == [1, None]
    assert row.b == b"ab" and isinstance(row.b, bytes)  # PySpark 4.1 gives bytes
    assert row.f == 1.5


def test_timestamps_come_back_in_the_session_time_zone(spark):
    df = spark.createDataFrame([(datetime.datetime(2024, 1, 1, 12, 0),)], ["ts"])
    spark.conf.set("spark.sql.session.timeZone", "Asia/Tokyo")
    try:
        assert df.collect()[0].ts == datetime.datetime(2024, 1, 1, 21, 0)
    finally:
        spark.conf.unset("spark.sql.session.timeZone")


@pytest.mark.parametrize("zone, hour, minute, second", [
    ("GMT+8:3", 20, 3, 0), ("+01:02:03", 13, 2, 3), ("PST", 4, 0, 0), ("UTC+5:30", 17, 30, 0)])
def test_timestamps_come_back_in_offset_and_short_session_zones(spark, zone, hour, minute, second):
    """Every zone form Spark reads is the zone of collected and toPandas timestamps."""
    df = spark.createDataFrame([(datetime.datetime(2024, 1, 1, 12, 0),)], ["ts"])
    spark.conf.set("spark.sql.session.timeZone", zone)
    try:
        want = datetime.datetime(2024, 1, 1, hour, minute, second)
        assert df.collect()[0].ts == want
        assert df.toPandas()["ts"][0].to_pydatetime() == want
    finally:
        spark.conf.unset("spark.sql.session.timeZone")


def test_show_prints_sparks_table(people, capsys):
    people.show()
    assert capsys.readouterr().out == (
        "+---+-----+----+\n"
        "| id| name| age|\n"
        "+---+-----+----+\n"
        "|  1|alice|  30|\n"
        "|  2|  bob|NULL|\n"
        "|  3|carol|  25|\n"
        "+---+-----+----+\n"
        "\n")
    people.show(1, truncate=3)
    assert capsys.readouterr().out == (
        "+---+----+---+\n"
        "| id|name|age|\n"
        "+---+----+---+\n"
        "|  1| ali| 30|\n"
        "+---+----+---+\n"
        "only showing top 1 row\n")  # PySpark 4.1: one newline after the footer
    people.show(1, vertical=True)
    assert capsys.readouterr().out == (
        "-RECORD 0-----\n"
        " id   | 1     \n"
        " name | alice \n"
        " age  | 30    \n"
        "only showing top 1 row\n")


def test_show_checks_its_arguments(people):
    with pytest.raises(PySparkTypeError) as info:
        people.show("5")
    assert info.value.getErrorClass() == "NOT_INT"
    with pytest.raises(PySparkTypeError):
        people.show(truncate="yes")


def test_to_arrow_to_pandas_and_arrow_stream(people):
    table = people.toArrow()
    assert isinstance(table, pa.Table) and table.num_rows == 3
    assert table.column("name").to_pylist() == ["alice", "bob", "carol"]
    assert pa.table(people).equals(table)
    pd = pytest.importorskip("pandas")
    pdf = people.toPandas()
    assert isinstance(pdf, pd.DataFrame) and list(pdf.columns) == ["id", "name", "age"]


def test_to_json(spark):
    df = spark.createDataFrame([(1, "a"), (2, None)], ["id", "name"])
    assert df.toJSON().collect() == ['{"id":1,"name":"a"}', '{"id":2}']
    assert json.loads(df.toJSON().first()) == {"id": 1, "name": "a"}


def test_actions_release_the_gil(spark):
    big = spark.range(2500).crossJoin(spark.range(2500).withColumnRenamed("id", "j"))
    done = threading.Event()
    result = {}

    def run():
        result["n"] = big.count()
        done.set()

    worker = threading.Thread(target=run)
    ticks = []
    worker.start()
    while not done.is_set():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    worker.join()
    assert result["n"] == 2500 * 2500
    # The main thread kept running while the engine counted.
    assert len(ticks) > 20


# --- Errors -----------------------------------------------------------------------------------

def test_unknown_columns_raise_at_the_failing_call(people):
    with pytest.raises(AnalysisException) as info:
        people.select("nope")
    assert info.value.getErrorClass().startswith("UNRESOLVED_COLUMN")
    assert "`nope`" in str(info.value)
    with pytest.raises(AnalysisException):
        people.filter(f.col("nope") > 1)
    with pytest.raises(AnalysisException):
        people.groupBy("nope").count()
    with pytest.raises(AnalysisException):
        people["nope"]
    with pytest.raises(PySparkAttributeError):
        people.nope


def test_wrong_argument_types_raise_pyspark_type_errors(people):
    with pytest.raises(PySparkTypeError) as info:
        people.select(3.5)
    assert info.value.getErrorClass() == "NOT_COLUMN_OR_STR"
    assert str(info.value) == "[NOT_COLUMN_OR_STR] Argument `col` should be a Column or str, got float."
    with pytest.raises(PySparkTypeError):
        people.filter(1)
    with pytest.raises(PySparkTypeError):
        people.withColumn("x", 1)
    with pytest.raises(PySparkTypeError):
        people.join(people, on=1)
    with pytest.raises(PySparkTypeError):
        people.union([1])
    with pytest.raises(PySparkTypeError):
        people.limit("1")
    with pytest.raises(TypeError):
        people.groupBy("id").agg(1)


def test_bad_join_type(sides):
    left, right = sides
    with pytest.raises(AnalysisException) as info:
        left.join(right, "k", "sideways")
    assert info.value.getErrorClass() == "UNSUPPORTED_JOIN_TYPE"


def test_dataframe_class_is_exported(people):
    assert isinstance(people, DataFrame)
    assert isinstance(people.schema, StructType)
    assert people.schema["id"].dataType == LongType()
