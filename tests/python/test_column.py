"""Column: operators, names Spark gives them, methods, literal typing, misuse errors."""

import datetime
from decimal import Decimal

import pytest

from spate.errors import ParseException, PySparkTypeError, PySparkValueError
from spate.sql import Column, Row
from spate.sql import functions as F
from spate.sql.types import IntegerType


@pytest.fixture
def df(spark):
    return spark.createDataFrame([(1, 2.0, "abc", None), (4, 0.5, "xyz", "q")], ["a", "b", "s", "n"])


def _names(df, *cols):
    return df.select(*cols).columns


def test_repr_and_generated_names(df):
    a = F.col("a")
    assert repr(a + 1) == "Column<'(a + 1)'>"
    assert _names(df, a + 1, a - 1, a * 2, a / 2, a % 3, -a) == [
        "(a + 1)", "(a - 1)", "(a * 2)", "(a / 2)", "(a % 3)", "negative(a)"]
    assert _names(df, a == 1, a != 1, a < 1, a <= 1, a > 1, a >= 1) == [
        "(a = 1)", "(NOT (a = 1))", "(a < 1)", "(a <= 1)", "(a > 1)", "(a >= 1)"]
    assert _names(df, (a > 1) & (a < 3), (a > 1) | (a < 3), ~(a > 1)) == [
        "((a > 1) AND (a < 3))", "((a > 1) OR (a < 3))", "(NOT (a > 1))"]


def test_arithmetic_and_reversed_operators(df):
    a = F.col("a")
    row = df.select((a + 1).alias("p"), (10 - a).alias("r"), (2 * a).alias("m"), (1 / a).alias("d"),
                    (7 % a).alias("mod"), (-a).alias("neg")).first()
    assert row == Row(p=2, r=9, m=2, d=1.0, mod=0, neg=-1)
    assert isinstance(row.d, float)


def test_comparisons_and_logic(df):
    rows = df.select(((F.col("a") > 1) & (F.col("b") < 1)).alias("x"),
                     ((F.col("a") == 1) | F.col("n").isNotNull()).alias("y")).collect()
    assert rows == [Row(x=False, y=True), Row(x=True, y=True)]


def test_alias_name_cast_and_astype(df):
    row = df.select(F.col("a").alias("x"), F.col("a").name("y"), F.col("a").cast("string").alias("c"),
                    F.col("b").astype(IntegerType()).alias("i")).first()
    assert row == Row(x=1, y=1, c="1", i=2)
    assert _names(df, F.col("a").cast("string")) == ["a"]  # as Spark: a cast column keeps its name
    with pytest.raises(ParseException):
        F.col("a").cast("not a type")
    with pytest.raises(PySparkTypeError) as info:
        F.col("a").cast(3)
    assert info.value.getErrorClass() == "NOT_DATATYPE_OR_STR"


def test_try_cast(spark):
    df = spark.createDataFrame([("12",), ("x",)], ["s"])
    assert [r[0] for r in df.select(F.col("s").try_cast("int")).collect()] == [12, None]


def test_null_predicates_isin_between(df):
    assert df.filter(F.col("n").isNull()).select("a").collect() == [Row(a=1)]
    assert df.filter(F.col("a").isin(4, 5)).count() == 1
    assert df.filter(F.col("a").isin([1, 4])).count() == 2
    assert df.filter(F.col("a").between(2, 4)).select("a").collect() == [Row(a=4)]


def test_string_predicates(df):
    s = F.col("s")
    assert df.filter(s.like("a%")).count() == 1
    assert df.filter(s.ilike("A%")).count() == 1
    assert df.filter(s.rlike("^x.z$")).count() == 1
    assert df.filter(s.startswith("xy")).count() == 1
    assert df.filter(s.endswith("bc")).count() == 1
    assert df.filter(s.contains("y")).count() == 1
    assert [r[0] for r in df.select(s.substr(2, 2)).collect()] == ["bc", "yz"]
    with pytest.raises(PySparkTypeError):
        s.substr(1, F.lit(2))


def test_eq_null_safe(spark):
    df = spark.createDataFrame([(None, None), (1, None), (1, 1)], "x INT, y INT")
    assert [r[0] for r in df.select(F.col("x").eqNullSafe(F.col("y"))).collect()] == [True, False, True]
    assert [r[0] for r in df.select(F.col("x") == F.col("y")).collect()] == [None, None, True]


def test_nested_access(spark):
    df = spark.createDataFrame([(Row(x=1, y="a"), [10, 20], {"k": "v"})], ["s", "arr", "m"])
    row = df.select(F.col("s").getField("y"), F.col("s").x, F.col("arr").getItem(1), F.col("arr")[0],
                    F.col("m")["k"], F.col("m").getItem("missing")).first()
    assert tuple(row) == ("a", 1, 20, 10, "v", None)


def test_when_otherwise(df):
    c = F.when(F.col("a") > 2, "big").when(F.col("a") > 0, "small").otherwise("none")
    assert [r[0] for r in df.select(c).collect()] == ["small", "big"]
    assert [r[0] for r in df.select(F.when(F.col("a") > 2, 1)).collect()] == [None, 1]
    with pytest.raises(PySparkValueError):
        F.col("a").otherwise(1)
    with pytest.raises(PySparkValueError):
        c.when(F.col("a") > 1, 2)
    with pytest.raises(PySparkTypeError):
        F.when("a > 1", 1)


def test_sort_orders(spark):
    df = spark.createDataFrame([(2,), (None,), (1,)], "v INT")
    v = F.col("v")
    assert [r.v for r in df.orderBy(v.asc()).collect()] == [None, 1, 2]
    assert [r.v for r in df.orderBy(v.asc_nulls_last()).collect()] == [1, 2, None]
    assert [r.v for r in df.orderBy(v.desc()).collect()] == [2, 1, None]
    assert [r.v for r in df.orderBy(v.desc_nulls_first()).collect()] == [None, 2, 1]
    assert [r.v for r in df.orderBy(v.asc_nulls_first()).collect()] == [None, 1, 2]
    assert [r.v for r in df.orderBy(v.desc_nulls_last()).collect()] == [2, 1, None]


def test_python_boolean_operators_are_refused():
    with pytest.raises(PySparkValueError) as info:
        F.col("a") > 1 and F.col("b") < 2
    assert info.value.getErrorClass() == "CANNOT_CONVERT_COLUMN_INTO_BOOL"
    assert "please use '&' for 'and', '|' for 'or', '~' for 'not'" in str(info.value)
    with pytest.raises(PySparkValueError):
        bool(F.col("a"))
    with pytest.raises(PySparkValueError):
        1 in F.col("a")
    with pytest.raises(TypeError):
        list(F.col("a"))


def test_literal_types(spark):
    df = spark.range(1).select(
        F.lit(1).alias("i"), F.lit(2 ** 40).alias("l"), F.lit(1.5).alias("d"), F.lit("s").alias("s"),
        F.lit(True).alias("b"), F.lit(None).alias("n"), F.lit(Decimal("1.25")).alias("dec"),
        F.lit(datetime.date(2024, 1, 2)).alias("date"),
        F.lit(datetime.datetime(2024, 1, 2, 3, 4, 5)).alias("ts"), F.lit(b"\x00").alias("bin"),
        F.lit([1, 2]).alias("arr"))
    assert df.dtypes == [("i", "int"), ("l", "bigint"), ("d", "double"), ("s", "string"),
                         ("b", "boolean"), ("n", "void"), ("dec", "decimal(3,2)"), ("date", "date"),
                         ("ts", "timestamp"), ("bin", "binary"), ("arr", "array<int>")]
    row = df.first()
    assert row == Row(i=1, l=2 ** 40, d=1.5, s="s", b=True, n=None, dec=Decimal("1.25"),
                      date=datetime.date(2024, 1, 2), ts=datetime.datetime(2024, 1, 2, 3, 4, 5),
                      bin=bytearray(b"\x00"), arr=[1, 2])
    assert _names(spark.range(1), F.lit(1), F.lit("x")) == ["1", "x"]
    assert F.lit(F.col("a")) is not None and isinstance(F.lit(F.col("a")), Column)


def test_unsupported_literal():
    with pytest.raises(PySparkTypeError):
        F.col("a") + object()
