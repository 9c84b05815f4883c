"""GROUPING SETS, ROLLUP and CUBE against PySpark 4.1: DataFrame.rollup/cube, the SQL forms
(ROLLUP(...), CUBE(...), GROUPING SETS (...), WITH ROLLUP/CUBE, mixed with plain items),
grouping() and grouping_id() in SELECT, HAVING and ORDER BY, the nullability of the grouping
columns, NULLs of the data against NULLs of a subtotal, and the errors."""

import os

import pytest

from test_streaming_programs import events, memory_table

ROWS = [(1, "x", 10), (1, None, 20), (2, "y", 30), (3, "x", 40), (3, "x", 5)]
SCHEMA = "a INT NOT NULL, b STRING, c INT"


def table(spark, rows=ROWS, schema=SCHEMA):
    df = spark.createDataFrame(rows, schema)
    df.createOrReplaceTempView("t")
    return df


def sql_program(text, rows=ROWS, schema=SCHEMA):
    """A program running SQL `text` over the view t of `rows`."""
    def program(sql, spark):
        table(spark, rows, schema)
        return spark.sql(text)
    return program


def test_dataframe_rollup(oracle):
    """rollup("a", "b"): groups of (a, b), subtotals per a and a grand total; both grouping
    columns become nullable (a is NOT NULL in the input), the aggregates read the original
    values."""
    def program(sql, spark):
        f = sql.functions
        return table(spark).rollup("a", "b").agg(f.sum("c"), f.count("b"), f.sum("a"))
    oracle.check(program)


def test_dataframe_cube_count(oracle):
    """cube("a", col("b")).count(): every subset of the columns, named count."""
    def program(sql, spark):
        f = sql.functions
        return table(spark).cube("a", f.col("b")).count()
    oracle.check(program)


def test_dataframe_shortcuts_and_dict(oracle):
    """GroupedData's shortcuts after rollup/cube: sum(), avg() of every numeric column, and
    agg({col: fn})."""
    def program(sql, spark):
        df = table(spark)
        return (df.rollup("a").sum("c")
                .join(df.cube("a").avg(), "a", "full")
                .join(df.rollup("a").agg({"c": "max"}), "a", "full"))
    oracle.check(program)


def test_dataframe_expressions_and_aliases(oracle):
    """Grouping by an expression keeps its name; an alias names the column; grouping() of an
    expression matches the same expression."""
    def program(sql, spark):
        f = sql.functions
        return table(spark).rollup((f.col("a") + 1), f.col("b").alias("z")).agg(
            f.grouping(f.col("a") + 1), f.grouping_id(), f.count("*"))
    oracle.check(program)


def test_grouping_and_grouping_id_values(oracle):
    """grouping(col) is a TINYINT 0/1, grouping_id() a BIGINT with the first grouping column
    as the highest bit; both not nullable; usable inside expressions with aggregates."""
    def program(sql, spark):
        f = sql.functions
        return table(spark).cube("a", "b").agg(
            f.grouping("a"), f.grouping("b"), f.grouping_id(), f.grouping_id("a", "b").alias("g"),
            (f.grouping_id() * 2).alias("g2"), (f.max("c") + f.grouping("a")).alias("m"))
    oracle.check(program)


def test_data_nulls_against_subtotal_nulls(oracle):
    """A NULL b in the data and the NULL of the subtotal over b are different groups, told
    apart by grouping(b)."""
    def program(sql, spark):
        f = sql.functions
        return (table(spark).rollup("b").agg(f.count("*").alias("n"), f.grouping("b").alias("gb"))
                .orderBy("gb", "b"))
    oracle.check(program, ordered=True, show=True)


def test_filter_after_rollup(oracle):
    """A filter on the rolled-up result sees the NULLs of the subtotals."""
    def program(sql, spark):
        f = sql.functions
        return table(spark).cube("a", "b").agg(f.grouping_id()).where("b IS NULL")
    oracle.check(program)


def test_repeated_columns_and_empty_rollup(oracle):
    """rollup("a", "a") repeats the grouping set (a): its groups come out twice; rollup()
    without columns is one grand total."""
    def program(sql, spark):
        df = table(spark)
        return df.rollup("a", "a").count().union(df.rollup().count().selectExpr("count", "count", "count"))
    oracle.check(program)


@pytest.mark.parametrize("text", [
    "SELECT a, b, sum(c), grouping(a), grouping(b), grouping_id() FROM t GROUP BY ROLLUP(a, b)",
    "SELECT a, b, count(*) FROM t GROUP BY CUBE(a, b)",
    "SELECT a, b, count(*) FROM t GROUP BY GROUPING SETS ((a, b), (a), ())",
    "SELECT a, b, count(*) FROM t GROUP BY GROUPING SETS (a, b, (a, b))",
    "SELECT a, count(*) FROM t GROUP BY a, b WITH ROLLUP",
    "SELECT a, count(*) FROM t GROUP BY a, b WITH CUBE",
    "SELECT a, b, count(*), grouping_id() FROM t GROUP BY a, ROLLUP(b, c)",
    "SELECT a, b, grouping_id() FROM t GROUP BY ROLLUP(b), a",
    "SELECT a, b, grouping_id(b, a) FROM t GROUP BY b, ROLLUP(a)",
    "SELECT a, b, count(*) FROM t GROUP BY GROUPING SETS (a, (a, b)), b",
    "SELECT a, b, count(*) FROM t GROUP BY ROLLUP(a), CUBE(b)",
    "SELECT a, b, count(*) FROM t GROUP BY ROLLUP((a, b), c)",
    "SELECT a, count(*), grouping_id() FROM t GROUP BY GROUPING SETS ((a), (a), ())",
    "SELECT a + 1, grouping(a + 1), count(*) FROM t GROUP BY ROLLUP(a + 1)",
    "SELECT a + 1 AS x, count(*) FROM t GROUP BY ROLLUP(x)",
    "SELECT a, count(*) FROM t GROUP BY ROLLUP(1)",
    "SELECT sum(a) FROM t GROUP BY CUBE(a)",
    "SELECT grouping(b) FROM t GROUP BY GROUPING SETS ((a), (a, b))",
])
def test_sql_forms(oracle, text):
    """The SQL forms: ROLLUP, CUBE, GROUPING SETS (parenthesised sets, single columns, the
    empty set, a repeated set), WITH ROLLUP/CUBE, plain items mixed with them (in every set,
    so keeping their nullability; grouping_id's bit order follows the order of appearance),
    composite elements, select aliases and ordinals."""
    oracle.check(sql_program(text))


def test_having_and_order_by_grouping(oracle):
    """grouping() in HAVING, and in ORDER BY without being selected."""
    oracle.check(sql_program(
        "SELECT a, b, count(*) AS n FROM t GROUP BY GROUPING SETS (a, b, (a, b)) "
        "HAVING grouping(a) = 0 AND n >= 1"))
    oracle.check(sql_program(
        "SELECT a, b, count(*) FROM t GROUP BY ROLLUP(a, b) ORDER BY grouping(b), a, b NULLS LAST"),
        ordered=True, show=True)
    oracle.check(sql_program(
        "SELECT a, b, count(*) FROM t GROUP BY ROLLUP(a, b) ORDER BY grouping_id(), a, b"),
        ordered=True)


def test_empty_input(oracle):
    """No input rows: no groups at all, not even the grand total of a rollup."""
    def program(sql, spark):
        table(spark, [], SCHEMA)
        return spark.sql("SELECT a, count(*) FROM t GROUP BY ROLLUP(a)")
    oracle.check(program)


@pytest.mark.parametrize("text", [
    "SELECT a, grouping(a) FROM t GROUP BY a",
    "SELECT grouping_id(a) FROM t",
    "SELECT a, count(*) FROM t GROUP BY a HAVING grouping(a) = 0",
])
def test_grouping_outside_grouping_sets(oracle, text):
    """grouping()/grouping_id() without GROUPING SETS, ROLLUP or CUBE."""
    oracle.check(sql_program(text), error="UNSUPPORTED_GROUPING_EXPRESSION")


def test_dataframe_grouping_outside_grouping_sets(oracle):
    """The same refusal in the DataFrame API: after groupBy, and in a plain select."""
    def grouped(sql, spark):
        return table(spark).groupBy("a").agg(sql.functions.grouping("a"))

    def selected(sql, spark):
        return table(spark).select(sql.functions.grouping_id())
    oracle.check(grouped, error="UNSUPPORTED_GROUPING_EXPRESSION")
    oracle.check(selected, error="UNSUPPORTED_GROUPING_EXPRESSION")


def test_grouping_column_mismatch(oracle):
    """grouping() of a column that is not grouped by, in SELECT and ORDER BY."""
    oracle.check(sql_program("SELECT a, grouping(b) FROM t GROUP BY ROLLUP(a)"),
                 error="GROUPING_COLUMN_MISMATCH")
    oracle.check(sql_program("SELECT a, count(*) FROM t GROUP BY CUBE(a) ORDER BY grouping(b)"),
                 error="GROUPING_COLUMN_MISMATCH")

    def program(sql, spark):
        return table(spark).rollup("a").agg(sql.functions.grouping("b"))
    oracle.check(program, error="GROUPING_COLUMN_MISMATCH")


@pytest.mark.parametrize("cols", [("b", "a"), ("a",)])
def test_grouping_id_column_mismatch(oracle, cols):
    """grouping_id(cols) must list every grouping column, in order."""
    def program(sql, spark):
        return table(spark).rollup("a", "b").agg(sql.functions.grouping_id(*cols))
    oracle.check(program, error="GROUPING_ID_COLUMN_MISMATCH")


def test_missing_aggregation(oracle):
    """A column that is not grouped by still needs an aggregate."""
    oracle.check(sql_program("SELECT a, c FROM t GROUP BY ROLLUP(a)"), error="MISSING_AGGREGATION")


@pytest.mark.parametrize("n, error", [(64, None), (65, "GROUPING_SIZE_LIMIT_EXCEEDED")])
def test_grouping_size_limit(oracle, n, error):
    """At most 64 distinct grouping expressions (the bits of grouping_id)."""
    columns = ", ".join("c%d" % i for i in range(n))
    values = ", ".join("1 AS c%d" % i for i in range(n))
    text = "SELECT count(*) FROM (SELECT %s) GROUP BY GROUPING SETS ((%s))" % (values, columns)
    oracle.check(lambda sql, spark: spark.sql(text), error=error)


@pytest.mark.parametrize("mode", ["complete", "update"])
def test_streaming_cube(oracle, mode):
    """A streaming cube in complete and update mode: the subtotal row (user NULL,
    grouping_id 1) is state like any other group."""
    def program(sql, spark, tmp):
        f = sql.functions
        totals = events(spark, tmp).cube("user").agg(f.sum("amount").alias("total"),
                                                     f.grouping_id().alias("g"))
        return memory_table(spark, totals.writeStream.outputMode(mode), tmp, "cube_" + mode)
    oracle.check(program)


def test_streaming_grouping_sets_sql(oracle):
    """GROUPING SETS in SQL over a streaming view, in update mode."""
    def program(sql, spark, tmp):
        events(spark, tmp).createOrReplaceTempView("ev")
        counts = spark.sql("SELECT user, count(*) AS n FROM ev GROUP BY GROUPING SETS ((user), ())")
        return memory_table(spark, counts.writeStream.outputMode("update"), tmp, "gs_update")
    oracle.check(program)


def test_streaming_append_without_watermark_is_refused(oracle):
    """Append mode needs a watermark for a cube, as for any streaming aggregation."""
    def program(sql, spark, tmp):
        totals = events(spark, tmp).cube("user").count()
        return memory_table(spark, totals.writeStream.outputMode("append"), tmp, "cube_append")
    oracle.check(program, error="STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION")
