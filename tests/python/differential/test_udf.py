"""User-defined functions against PySpark 4.1: udf, pandas_udf, arrow_udf, call_udf and
spark.udf.register — results, schemas, column names, the conversions of arguments and
results, and errors."""

import datetime
import decimal

import pytest

ROWS = [(1, "x", 1.5), (2, None, None), (None, "z", 3.0)]
SCHEMA = "a INT, s STRING, d DOUBLE"

# One column of each kind a udf's argument can be.
TYPED = """SELECT 1 AS i, CAST(2 AS BIGINT) AS l, CAST(3 AS TINYINT) AS b, 1.5D AS d,
  CAST(2.5 AS FLOAT) AS f, CAST('12.34' AS DECIMAL(10,2)) AS dec, DATE'2024-01-02' AS dt,
  TIMESTAMP'2024-01-02 03:04:05.123456' AS ts, TIMESTAMP_NTZ'2024-01-02 03:04:05' AS tsn,
  CAST('ab' AS BINARY) AS bin, array(1, 2, NULL) AS arr, map('k', 1) AS m,
  named_struct('x', 1, 'y', 's') AS st, true AS bo, 'str' AS s, array(named_struct('x', 1)) AS arrst"""


def test_udf_results_and_column_names(oracle):
    """@udf(returnType=...) names its column `f(args)`, is nullable, and None stays NULL;
    an alias and an expression argument name it as Spark does."""
    def program(sql, spark):
        F = sql.functions

        @F.udf(returnType="int")
        def plus_one(x):
            return x + 1 if x is not None else None
        df = spark.createDataFrame(ROWS, SCHEMA)
        return df.select(plus_one("a"), plus_one(F.col("a")).alias("q"), plus_one(F.col("a") + 1))
    oracle.check(program, show=True)


def test_udf_default_return_type_is_string(oracle):
    """Without a return type the result is a string: Spark takes the text of any value
    (true, not True; lists and dicts as Java prints them)."""
    def program(sql, spark):
        F = sql.functions
        df = spark.createDataFrame(ROWS, SCHEMA)
        return df.select(F.udf(lambda x: x)("a"), F.udf(lambda x: x is None)("a").alias("n"),
                         F.udf(lambda x: [1, 2])("a").alias("lst"), F.udf(lambda x: 1.5)("a").alias("fl"),
                         F.udf(lambda x: {"k": 1})("a").alias("m"))
    oracle.check(program)


def test_udf_receives_pysparks_python_objects(oracle):
    """Each Spark type reaches a row-at-a-time udf as PySpark gives it: int, float, Decimal,
    date, naive datetime, bytes, list, dict, Row, bool, str."""
    def program(sql, spark):
        F = sql.functions
        show = F.udf(lambda v: "%s %r" % (type(v).__name__, v))
        df = spark.sql(TYPED)
        return df.select(*[show(c).alias(c) for c in df.columns])
    oracle.check(program)


@pytest.mark.parametrize("value,ddl", [
    (True, "int"), (2 ** 40, "int"), (2 ** 40, "bigint"), (300, "tinyint"), (7, "float"), (1.5, "float"),
    (7, "double"), (float("nan"), "double"), (1, "boolean"), (True, "boolean"), ("x", "int"),
    (decimal.Decimal("1.234"), "decimal(10,2)"), (1, "decimal(10,2)"),
    (datetime.date(2024, 1, 2), "date"), (datetime.datetime(2024, 1, 2, 3, 4, 5), "date"),
    (datetime.datetime(2024, 1, 2, 3, 4, 5), "timestamp"), (datetime.datetime(2024, 1, 2, 3, 4, 5), "timestamp_ntz"),
    (b"ab", "binary"), (bytearray(b"ab"), "binary"), ("ab", "binary"),
    ([1, None, 3], "array<int>"), ((1, 2), "array<int>"), ([1, "x"], "array<int>"), (1, "array<int>"),
    ({"a": 1}, "map<string,int>"), ({"a": "x"}, "map<string,int>"),
    ((1, "s"), "struct<x:int,y:string>"), ({"x": 1, "y": "s"}, "struct<x:int,y:string>"),
    ([1, "s"], "struct<x:int,y:string>"),
])
def test_udf_result_fitted_to_the_return_type(oracle, value, ddl):
    """A result of another kind than the return type is NULL (an int for a double, a bool for an
    int), an int wraps to a narrower integer type, decimals round half up, tuples and dicts
    fill structs."""
    def program(sql, spark):
        return spark.range(2).select(sql.functions.udf(lambda x: value, ddl)("id").alias("r"))
    oracle.check(program)


def test_udf_result_errors(oracle):
    """A struct result with the wrong number of fields fails with STRUCT_ARRAY_LENGTH_MISMATCH;
    a decimal too wide for its type with NUMERIC_VALUE_OUT_OF_RANGE."""
    oracle.check(lambda sql, spark: spark.range(1).select(
        sql.functions.udf(lambda x: (1,), "struct<x:int,y:string>")("id")), error="STRUCT_ARRAY_LENGTH_MISMATCH")
    oracle.check(lambda sql, spark: spark.range(1).select(
        sql.functions.udf(lambda x: decimal.Decimal("123456789012.5"), "decimal(10,2)")("id")),
        error="NUMERIC_VALUE_OUT_OF_RANGE.WITHOUT_SUGGESTION")


def test_udf_date_result_of_a_string_is_a_python_exception(oracle):
    """PySpark converts a date result with date.toordinal(): a str fails inside Python."""
    oracle.check(lambda sql, spark: spark.range(1).select(sql.functions.udf(lambda x: "2024-01-02", "date")("id")),
                 error="PythonException")


def test_udf_exception_is_a_python_exception_with_the_traceback(oracle):
    """An exception inside the function fails the query with PythonException, whose message
    carries the Python traceback and error."""
    def program(sql, spark):
        def boom(x):
            raise ValueError("bad value %s" % x)
        return spark.createDataFrame(ROWS, SCHEMA).select(sql.functions.udf(boom, "int")("a"))
    oracle.check(program, error="PythonException")
    from spate.errors import PythonException
    with pytest.raises(PythonException) as raised:
        program(oracle.spate.sql, oracle.spate.spark).collect()
    text = str(raised.value)
    assert "An exception was thrown from the Python worker" in text
    assert "Traceback (most recent call last)" in text and "in boom" in text
    assert "ValueError: bad value" in text
    assert "spate/sql/udf.py" not in text


def test_udf_called_with_too_many_arguments(oracle):
    """Calling the function with the wrong number of arguments fails inside Python."""
    def program(sql, spark):
        plus_one = sql.functions.udf(lambda x: x, "int")
        return spark.createDataFrame(ROWS, SCHEMA).select(plus_one("a", "s"))
    oracle.check(program, error="PythonException")


def test_udf_in_filters_aggregates_and_grouping(oracle):
    """A udf call works in a filter, inside an aggregate's input and as a grouping key
    (named after the call)."""
    def program(sql, spark):
        F = sql.functions
        plus_one = F.udf(lambda x: x + 1 if x is not None else None, "int")
        df = spark.createDataFrame(ROWS, SCHEMA)
        return df.filter(plus_one("a") > 2).select("a")
    oracle.check(program)

    def aggregate(sql, spark):
        F = sql.functions
        plus_one = F.udf(lambda x: x + 1 if x is not None else None, "int")
        return spark.createDataFrame(ROWS, SCHEMA).groupBy().agg(F.sum(plus_one("a")))
    oracle.check(aggregate)

    def grouping(sql, spark):
        F = sql.functions
        plus_one = F.udf(lambda x: x + 1 if x is not None else None, "int")
        return spark.createDataFrame(ROWS, SCHEMA).groupBy(plus_one("a")).count()
    oracle.check(grouping)


def test_udf_without_arguments_and_of_several_columns(oracle):
    """A function of no columns runs once per row; one of several columns gets them in order."""
    def program(sql, spark):
        F = sql.functions
        df = spark.createDataFrame(ROWS, SCHEMA)
        return df.select(F.udf(lambda: 7, "int")(), F.udf(lambda a, s: "%s/%s" % (a, s))("a", "s"))
    oracle.check(program)


def test_udf_properties(oracle):
    """udf hands out a plain function carrying func, returnType, evalType, deterministic and the
    function's name and doc; asNondeterministic clears deterministic."""
    def program(sql, spark):
        F = sql.functions

        def documented(x):
            "doc here"
            return x
        u = F.udf(documented, "int")
        nd = F.udf(lambda: 1, "int").asNondeterministic()
        return [type(u).__name__, u.func is documented, u.returnType.simpleString(), u.evalType, u.deterministic,
                u.__name__, u.__doc__, nd.deterministic, F.udf(lambda x: x).__name__,
                F.udf(lambda x: x).returnType.simpleString()]
    oracle.check(program)


def test_udf_bad_arguments(oracle):
    """Spark's errors for a function that is not callable, a return type that is no type,
    and a column argument that is neither a Column nor a name."""
    oracle.check(lambda sql, spark: sql.functions.udf(5), error="NOT_CALLABLE")
    oracle.check(lambda sql, spark: sql.functions.udf(lambda x: x, 5), error="NOT_DATATYPE_OR_STR")
    oracle.check(lambda sql, spark: sql.functions.udf(lambda x: x, "int")(1), error="NOT_COLUMN_OR_STR")
    oracle.check(lambda sql, spark: sql.functions.pandas_udf(lambda s: s), error="CANNOT_BE_NONE")


def test_register_for_sql_and_call_udf(oracle):
    """spark.udf.register makes a function SQL and call_udf reach by name; a Python function
    registers with a return type (string by default); a registered name shadows a built-in
    function; an unknown name is UNRESOLVED_ROUTINE."""
    def program(sql, spark):
        F = sql.functions
        spark.udf.register("plus_one", F.udf(lambda x: x + 1 if x is not None else None, "int"))
        spark.udf.register("twice", lambda x: x * 2, "long")
        spark.udf.register("shout", lambda x: None if x is None else x.upper() + "!")
        spark.createDataFrame(ROWS, SCHEMA).createOrReplaceTempView("t")
        return spark.sql("SELECT plus_one(a), twice(a) AS t2, shout(s), PLUS_ONE(a) + 1 AS p FROM t "
                         "WHERE plus_one(a) > 1")
    oracle.check(program)

    def call(sql, spark):
        F = sql.functions
        spark.udf.register("plus_one", F.udf(lambda x: x + 1 if x is not None else None, "int"))
        df = spark.createDataFrame(ROWS, SCHEMA)
        return df.select(F.call_udf("plus_one", F.col("a")), F.call_udf("upper", "s"))
    oracle.check(call)
    oracle.check(lambda sql, spark: spark.createDataFrame(ROWS, SCHEMA).select(
        sql.functions.call_udf("no_such_udf", "a")), error="UNRESOLVED_ROUTINE")


def test_register_errors(oracle):
    """A user-defined function registers without a return type; anything else must be callable."""
    oracle.check(lambda sql, spark: spark.udf.register("x1", sql.functions.udf(lambda x: x, "int"), "string"),
                 error="CANNOT_SPECIFY_RETURN_TYPE_FOR_UDF")
    oracle.check(lambda sql, spark: spark.udf.register("x2", 5), error="NOT_CALLABLE")


def test_pandas_udf_series_to_series(oracle):
    """A pandas_udf gets Series (NULL ints as float NaN) and returns a Series; NaN comes back
    NULL; evalType 200."""
    def program(sql, spark):
        import pandas as pd
        F = sql.functions

        @F.pandas_udf("double")
        def times_two(s: pd.Series) -> pd.Series:
            return s * 2

        @F.pandas_udf("long")
        def length(s: pd.Series) -> pd.Series:
            return s.str.len()
        df = spark.createDataFrame(ROWS, SCHEMA)
        return df.select(times_two("d"), times_two("a"), length("s"), F.lit(times_two.evalType).alias("t"))
    oracle.check(program)


def test_pandas_udf_argument_kinds(oracle):
    """What a pandas_udf receives per type: the Series' dtype and first value (a struct
    argument arrives as a DataFrame)."""
    def program(sql, spark):
        import pandas as pd
        F = sql.functions

        @F.pandas_udf("string")
        def describe(s: pd.Series) -> pd.Series:
            return pd.Series([str(s.dtype) + ":" + repr(s.iloc[0])] * len(s))

        @F.pandas_udf("string")
        def struct_kind(s: pd.DataFrame) -> pd.Series:
            return s["x"].astype(str) + "-" + type(s).__name__
        df = spark.sql("SELECT 1 AS i, CAST(NULL AS INT) AS n, DATE'2024-01-02' AS dt, "
                       "TIMESTAMP'2024-01-02 03:04:05' AS ts, 1.5BD AS dec, map('a', 1) AS m, "
                       "CAST('ab' AS BINARY) AS b, true AS bo, named_struct('x', 1, 'y', 'q') AS st")
        return df.select(*[describe(c).alias(c) for c in ["i", "n", "dt", "ts", "dec", "m", "b", "bo"]],
                         struct_kind("st").alias("st"))
    oracle.check(program)


def test_pandas_udf_struct_and_timestamp_results(oracle):
    """A struct result is a DataFrame of its fields; a naive timestamp Series is in the
    session time zone."""
    def program(sql, spark):
        import pandas as pd
        F = sql.functions

        @F.pandas_udf("struct<x:int,y:string>")
        def pair(s: pd.Series) -> pd.DataFrame:
            return pd.DataFrame({"x": s, "y": s.astype(str)})

        @F.pandas_udf("timestamp")
        def same(s: pd.Series) -> pd.Series:
            return s
        df = spark.sql("SELECT 1 AS a, TIMESTAMP'2024-01-02 03:04:05' AS t")
        return df.select(pair("a"), same("t"))
    oracle.check(program)


def test_pandas_udf_errors(oracle):
    """A result of the wrong length or of a type that does not convert, and an exception of the
    function, are PythonExceptions."""
    import pandas as pd

    def run(fn, ddl):
        return lambda sql, spark: spark.createDataFrame(ROWS, SCHEMA).select(sql.functions.pandas_udf(fn, ddl)("a"))
    oracle.check(run(lambda s: pd.Series([1]), "int"), error="PythonException")
    oracle.check(run(lambda s: s.astype(str) + "x", "int"), error="PythonException")
    oracle.check(run(lambda s: s * 1.5, "int"), error="PythonException")

    def boom(s):
        raise ValueError("pandas bad")
    oracle.check(run(boom, "int"), error="PythonException")


def test_arrow_udf(oracle):
    """An arrow_udf gets pyarrow Arrays of the engine's types and its result is cast to the
    return type (a string array of digits to int, int64 to int); evalType 250."""
    def program(sql, spark):
        import pyarrow as pa
        import pyarrow.compute as pc
        F = sql.functions

        @F.arrow_udf("long")
        def plus(a: pa.Array) -> pa.Array:
            return pc.add(a, 1)

        @F.arrow_udf("string")
        def kind(a: pa.Array) -> pa.Array:
            return pa.array([str(a.type) + ":" + type(a).__name__] * len(a))

        @F.arrow_udf("int")
        def as_text(a: pa.Array) -> pa.Array:
            return a.cast(pa.string())
        df = spark.createDataFrame(ROWS, SCHEMA)
        return df.select(plus("a"), kind("a"), kind("s").alias("ks"), as_text("a"), F.lit(plus.evalType).alias("t"))
    oracle.check(program)


def test_streaming_query_with_a_udf(oracle):
    """A streaming query calls the udf on its own thread, batch after batch."""
    def program(sql, spark, tmp):
        import os
        F = sql.functions
        src = os.path.join(tmp, "in")
        os.makedirs(src)
        with open(os.path.join(src, "1.json"), "w") as out:
            out.write('{"a": 1}\n{"a": 2}\n{"a": null}\n')
        plus_one = F.udf(lambda x: None if x is None else x + 1, "int")
        stream = spark.readStream.schema("a INT").json(src)
        query = (stream.select(plus_one("a").alias("p")).writeStream.format("memory").queryName("udf_stream")
                 .trigger(availableNow=True).start())
        query.awaitTermination()
        return spark.sql("SELECT * FROM udf_stream")
    oracle.check(program)


def test_streaming_udf_exception_fails_the_query(oracle):
    """An exception inside a udf of a streaming query stops it with STREAM_FAILED, whose
    message carries the Python error."""
    def program(sql, spark, tmp):
        import os
        src = os.path.join(tmp, "in")
        os.makedirs(src)
        with open(os.path.join(src, "1.json"), "w") as out:
            out.write('{"a": 1}\n')

        def boom(x):
            raise ValueError("stream bad %s" % x)
        query = (spark.readStream.schema("a INT").json(src).select(sql.functions.udf(boom, "int")("a"))
                 .writeStream.format("memory").queryName("udf_fail").trigger(availableNow=True).start())
        try:
            query.awaitTermination()
        except Exception as exc:  # noqa: BLE001 - the outcome compared
            assert "ValueError: stream bad 1" in str(exc), str(exc)
            raise
    oracle.check(program, error="STREAM_FAILED")
