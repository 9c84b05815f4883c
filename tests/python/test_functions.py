"""spate.sql.functions: values and column names as Spark computes them."""

import datetime

import pytest

from spate.errors import ParseException, PySparkTypeError
from spate.sql import Row
from spate.sql import functions as F
from spate.sql import functions as f
from spate.sql.types import IntegerType, StructField, StructType


def _one(df, *cols):
    return tuple(df.select(*cols).first())


@pytest.fixture
def one(spark):
    return spark.createDataFrame([(1,)], ["id"])


def test_module_imports_as_f_and_F():
    assert F is f and callable(f.col) and callable(F.call_function)


def test_aggregates(spark):
    df = spark.createDataFrame([("a", 1), ("a", 3), ("b", None), ("b", 3)], ["k", "v"])
    out = df.agg(F.count("v"), F.count("*"), F.countDistinct("v"), F.sum("v"), F.avg("v"), F.mean("v"),
                 F.min("v"), F.max("v"), F.approx_count_distinct("v"))
    assert out.columns == ["count(v)", "count(1)", "count(DISTINCT v)", "sum(v)", "avg(v)", "mean(v)",
                           "min(v)", "max(v)", "approx_count_distinct(v)"]
    assert tuple(out.first()) == (3, 4, 2, 7, 7 / 3, 7 / 3, 1, 3, 2)
    lists = df.groupBy("k").agg(F.collect_list("v").alias("l"), F.collect_set("v").alias("s"),
                                F.first("v").alias("fst"), F.last("v", ignorenulls=True).alias("lst"),
                                F.count_distinct("v").alias("cd")).orderBy("k").collect()
    assert sorted(lists[0].l) == [1, 3] and sorted(lists[1].s) == [3]
    assert lists[1].lst == 3 and lists[1].cd == 1


def test_conditionals_and_nulls(spark):
    df = spark.createDataFrame([(None, 2), (1, None)], "a INT, b INT")
    rows = df.select(F.coalesce("a", "b"), F.isnull("a"), F.isnotnull("a"), F.nvl("a", "b"),
                     F.ifnull("a", F.lit(9)), F.nullif(F.lit(1), "a"), F.greatest("a", "b"),
                     F.least("a", "b"), F.abs(F.lit(-3))).collect()
    assert [tuple(r) for r in rows] == [(2, True, False, 2, 9, 1, 2, 2, 3),
                                        (1, False, True, 1, 1, None, 1, 1, 3)]


def test_strings(spark):
    df = spark.createDataFrame([("  Hello World  ", "a,b,,c")], ["s", "csv"])
    assert _one(df, F.upper("s"), F.lower(F.col("s")), F.length("s"), F.trim("s"), F.ltrim("s"),
                F.rtrim("s")) == ("  HELLO WORLD  ", "  hello world  ", 15, "Hello World",
                                  "Hello World  ", "  Hello World")
    assert _one(df, F.concat(F.lit("x"), F.lit("y")), F.concat_ws("-", F.lit("x"), F.lit(None), F.lit("y")),
                F.substring("csv", 3, 2), F.split("csv", ","), F.split("csv", ",", 2)) == (
        "xy", "x-y", "b,", ["a", "b", "", "c"], ["a", "b,,c"])
    assert _one(df, F.regexp_extract(F.trim("s"), r"(\w+) (\w+)", 2),
                F.regexp_replace("csv", ",+", ";")) == ("World", "a;b;c")
    assert df.select(F.upper("s"), F.substring("csv", 3, 2)).columns == ["upper(s)", "substring(csv, 3, 2)"]


def test_dates_and_times(spark):
    df = spark.createDataFrame([("2024-03-04 05:06:07", "2024-03-04")], ["ts", "d"])
    ts = F.to_timestamp("ts")
    assert _one(df, ts, F.to_date("d"), F.to_date(F.lit("04/03/2024"), "dd/MM/yyyy")) == (
        datetime.datetime(2024, 3, 4, 5, 6, 7), datetime.date(2024, 3, 4), datetime.date(2024, 3, 4))
    assert _one(df, F.year(ts), F.month(ts), F.dayofmonth(ts), F.hour(ts), F.minute(ts), F.second(ts)) == (
        2024, 3, 4, 5, 6, 7)
    assert _one(df, F.date_format(ts, "yyyy/MM/dd HH:mm"), F.unix_timestamp("ts"),
                F.from_unixtime(F.lit(0)), F.date_trunc("hour", ts)) == (
        "2024/03/04 05:06", 1709528767, "1970-01-01 00:00:00", datetime.datetime(2024, 3, 4, 5))
    assert _one(df, F.date_add(F.to_date("d"), 1), F.date_sub(F.to_date("d"), 4),
                F.datediff(F.to_date(F.lit("2024-03-10")), F.to_date("d"))) == (
        datetime.date(2024, 3, 5), datetime.date(2024, 2, 29), 6)
    now, today = _one(df, F.current_timestamp(), F.current_date())
    assert isinstance(now, datetime.datetime) and isinstance(today, datetime.date)
    assert df.select(F.unix_timestamp("ts")).columns == ["unix_timestamp(ts, yyyy-MM-dd HH:mm:ss)"]


def test_nested_data(spark):
    df = spark.createDataFrame([(1, "a", [1, 2, 3])], ["x", "y", "arr"])
    s, named, arr, m = _one(df, F.struct("x", "y"), F.named_struct(F.lit("p"), "x"), F.array("x", F.lit(5)),
                            F.create_map(F.lit("k"), "y"))
    assert s == Row(x=1, y="a") and named == Row(p=1) and arr == [1, 5] and m == {"k": "a"}
    assert _one(df, F.size("arr"), F.element_at("arr", 2), F.array_contains("arr", 3),
                F.array_contains("arr", 9)) == (3, 2, True, False)
    assert [r.col for r in df.select(F.explode("arr")).collect()] == [1, 2, 3]
    assert [tuple(r) for r in df.select(F.posexplode("arr")).collect()] == [(0, 1), (1, 2), (2, 3)]
    empty = spark.createDataFrame([(1, [])], "id INT, arr ARRAY<INT>")
    assert empty.select(F.explode("arr")).count() == 0
    assert empty.select("id", F.explode_outer("arr")).collect() == [Row(id=1, col=None)]


def test_json(spark):
    df = spark.createDataFrame([('{"a": 1, "b": "x"}',)], ["j"])
    schema = StructType([StructField("a", IntegerType())])
    parsed = df.select(F.from_json("j", "a INT, b STRING").alias("p")).first().p
    assert parsed == Row(a=1, b="x")
    assert df.select(F.from_json("j", schema).alias("p")).first().p == Row(a=1)
    assert _one(df, F.get_json_object("j", "$.b")) == ("x",)
    assert _one(spark.createDataFrame([(1, None)], "z INT, n STRING"), F.to_json(F.struct("z", "n"))) == (
        '{"z":1}',)
    bad = spark.createDataFrame([("{bad",)], ["j"])
    assert bad.select(F.from_json("j", "a INT", {"mode": "PERMISSIVE"}).alias("p")).first().p == Row(a=None)


def test_sort_order_functions(spark):
    df = spark.createDataFrame([(2,), (None,), (1,)], "v INT")
    assert [r.v for r in df.orderBy(F.desc("v")).collect()] == [2, 1, None]
    assert [r.v for r in df.orderBy(F.asc_nulls_last("v")).collect()] == [1, 2, None]
    assert [r.v for r in df.orderBy(F.desc_nulls_first(F.col("v"))).collect()] == [None, 2, 1]
    assert [r.v for r in df.orderBy(F.asc("v"), F.desc_nulls_last("v"), F.asc_nulls_first("v")).collect()] == [
        None, 1, 2]


def test_call_function(one):
    assert _one(one, F.call_function("upper", F.lit("x"))) == ("X",)


def test_functions_check_argument_types():
    with pytest.raises(PySparkTypeError) as info:
        F.upper(1)
    assert info.value.getErrorClass() == "NOT_COLUMN_OR_STR"
    with pytest.raises(PySparkTypeError):
        F.col(1)
    with pytest.raises(PySparkTypeError):
        F.from_json("j", 5)


def test_expr_parses_sql_text(one):
    assert one.select(F.expr("id + 1 AS x")).collect() == [Row(x=2)]
    with pytest.raises(ParseException):
        F.expr("id +* 1")


def test_window_tumbling_and_sliding_group_by(spark):
    import datetime as dt
    rows = [(dt.datetime(2024, 1, 1, 10, 1), "a"), (dt.datetime(2024, 1, 1, 10, 4), "a"),
            (dt.datetime(2024, 1, 1, 10, 7), "b"), (dt.datetime(2024, 1, 1, 10, 12), "a")]
    df = spark.createDataFrame(rows, "ts TIMESTAMP, k STRING")
    tumbling = df.groupBy(F.window("ts", "5 minutes"), "k").count().orderBy("window.start", "k")
    assert tumbling.columns == ["window", "k", "count"]
    got = [(r.window.start.strftime("%H:%M"), r.window.end.strftime("%H:%M"), r.k, r["count"])
           for r in tumbling.collect()]
    assert got == [("10:00", "10:05", "a", 2), ("10:05", "10:10", "b", 1), ("10:10", "10:15", "a", 1)]
    sliding = df.groupBy(F.window("ts", "10 minutes", "5 minutes")).agg(F.count("*").alias("n"))
    got = sorted((r.window.start.strftime("%H:%M"), r.n) for r in sliding.collect())
    assert got == [("09:55", 2), ("10:00", 3), ("10:05", 2), ("10:10", 1)]
