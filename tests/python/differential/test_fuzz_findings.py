"""Differences the query fuzzer (fuzz_diff.py) found, each fixed in the engine, as focused
differential tests: run on Spate and on PySpark 4.1 and compared."""

import pytest

# -0.0 beside 0.0, two NaNs, a NULL and 0 (whose value under a NULL is 0 too).
FLOATS = "VALUES (1, -0.0D), (2, 0.0D), (3, CAST('NaN' AS DOUBLE)), (4, NULL), " \
         "(5, CAST('NaN' AS DOUBLE)), (6, 1.5D), (7, -0.0D) AS v(id, d)"


@pytest.mark.parametrize("rows", ["(NULL), (0), (42)", "(0), (NULL), (42)", "(42), (NULL), (0), (NULL)"])
def test_distinct_keeps_null_apart_from_zero(oracle, rows):
    """SELECT DISTINCT kept one of NULL and 0 when NULL came first: the first row of each
    group was found assuming group ids in order of first appearance."""
    oracle.check_sql("SELECT DISTINCT i FROM VALUES %s AS v(i)" % rows)


def test_distinct_of_dates_keeps_null(oracle):
    oracle.check_sql("SELECT DISTINCT dt FROM VALUES (DATE'1970-01-01'), (NULL), "
                     "(DATE'2023-12-31') AS v(dt)")


def test_drop_duplicates_with_null_and_zero(oracle):
    oracle.check(lambda sql, spark: spark.createDataFrame(
        [(None, "a"), (0, "b"), (None, "c"), (0, "d")], "k INT, v STRING").dropDuplicates(["k"])
        .select("k"))


@pytest.mark.parametrize("query", [
    "SELECT DISTINCT d FROM " + FLOATS,
    "SELECT d, count(*) AS n, min(id) AS first FROM %s GROUP BY d" % FLOATS,
    "SELECT d, count(*) AS n FROM %s GROUP BY d HAVING count(*) > 1" % FLOATS,
    "SELECT s, count(*) AS n FROM (SELECT named_struct('x', d) AS s FROM %s) GROUP BY s" % FLOATS,
    "SELECT id, rank() OVER (PARTITION BY d ORDER BY id) AS r, count(*) OVER (PARTITION BY d) AS n "
    "FROM " + FLOATS,
    "SELECT d FROM %s UNION SELECT d FROM %s" % (FLOATS, FLOATS),
])
def test_negative_zero_and_nan_group_as_one(oracle, query):
    """Spark normalizes floating-point keys of GROUP BY, DISTINCT and window partitions:
    -0.0 groups with 0.0 (and comes out as 0.0), every NaN with NaN."""
    oracle.check_sql(query)


@pytest.mark.parametrize("how", ["inner", "left", "right", "full", "left_semi", "left_anti"])
def test_join_on_negative_zero_and_nan(oracle, how):
    """Join keys -0.0 and 0.0 match, NaN matches NaN; the rows keep their own values."""
    def program(sql, spark):
        left = spark.sql("SELECT id, d FROM " + FLOATS)
        right = spark.sql("SELECT id AS rid, d AS rd FROM VALUES (10, 0.0D), (11, -0.0D), "
                          "(12, CAST('NaN' AS DOUBLE)), (13, NULL) AS v(id, d)")
        return left.join(right, left.d == right.rd, how)
    oracle.check(program)


# NaN, NULL, +-Infinity, -0.0 and a number, as ORDER BY keys.
SPECIALS = "VALUES (1, 1.0D), (2, CAST('NaN' AS DOUBLE)), (3, NULL), (4, CAST('Infinity' AS DOUBLE)), " \
           "(5, -0.0D), (6, CAST('-Infinity' AS DOUBLE)), (7, CAST('NaN' AS DOUBLE)), (8, 0.0D) AS v(id, d)"
ORDERS = ["ASC", "DESC", "ASC NULLS LAST", "DESC NULLS FIRST"]


@pytest.mark.parametrize("order", ORDERS)
def test_order_by_puts_nan_above_infinity(oracle, order):
    """Spark sorts NaN above +Infinity, apart from the NULLs (Arrow puts it beside them)."""
    oracle.check_sql("SELECT id, d FROM %s ORDER BY d %s, id" % (SPECIALS, order), ordered=True)


@pytest.mark.parametrize("order", ORDERS)
def test_window_order_by_puts_nan_above_infinity(oracle, order):
    oracle.check_sql("SELECT id, row_number() OVER (ORDER BY d %s, id) AS n, rank() OVER (ORDER BY d %s) "
                     "AS r, count(*) OVER (ORDER BY CAST(d AS FLOAT) %s, id ROWS BETWEEN 1 PRECEDING AND "
                     "1 FOLLOWING) AS c FROM %s" % (order, order, order, SPECIALS))


def test_dataframe_sort_puts_nan_above_infinity(oracle):
    oracle.check(lambda sql, spark: spark.sql("SELECT * FROM " + SPECIALS).orderBy(
        sql.functions.col("d").desc_nulls_last(), "id"), ordered=True)


@pytest.mark.parametrize("fn", ["lead('x', 2, 'z')", "lag(0.5D, 1, 0.5D)", "lag(id, 1, 0)", "lead('x')",
                                "lag('x', 1, CAST(NULL AS STRING))"])
def test_lag_lead_nullable_only_when_input_or_default_is(oracle, fn):
    """lag/lead are NULL-free when neither the input nor the default can be NULL."""
    oracle.check_sql("SELECT id, %s OVER (ORDER BY id) AS w FROM VALUES (1), (2), (3) AS v(id)" % fn)


@pytest.mark.parametrize("query", [
    "SELECT id FROM VALUES (2), (1) AS v(id) ORDER BY 9223372036854775807 DESC, id",
    "SELECT id FROM VALUES (2), (1) AS v(id) ORDER BY CAST(1 AS BIGINT), id",
    "SELECT count(*) AS n FROM VALUES (2), (1) AS v(id) GROUP BY 5L",
])
def test_only_int_literals_are_positions(oracle, query):
    """ORDER BY / GROUP BY <literal> refers to the select list only for an INT literal."""
    oracle.check_sql(query, ordered=True)


def test_remainder_of_minimum_by_minus_one(oracle):
    """INT and BIGINT minimum % -1 is 0 (Java's remainder), not an overflow."""
    oracle.check_sql("SELECT i % -1 AS a, l % -1 AS b, i % CAST(-1 AS INT) AS c, mod(l, -1) AS d FROM VALUES "
                     "(-2147483648, -9223372036854775808), (7, 7), (NULL, NULL) AS v(i, l)")


# Rows from range(), not VALUES: Spark evaluates a projection of a local relation while
# planning, before its other rules, so over VALUES it raises where over any other source
# it folds first.
def edge_ints(spark, rows=3):
    spark.range(rows).selectExpr("CAST(id AS INT) + 2147483645 AS a", "id + 9223372036854775805 AS l",
                              "CAST(id AS DECIMAL(38, 2)) AS d", "CAST(id - 128 AS TINYINT) AS b",
                              "CAST(id - 32768 AS SMALLINT) AS h").createOrReplaceTempView("e")


@pytest.mark.parametrize("query", [
    "SELECT isnull(a + 2147483647) AS v FROM e",
    "SELECT a, isnotnull(a * 2) AS v FROM e",
    "SELECT a FROM e WHERE isnull(a + 5)",
    "SELECT count(*) AS n FROM e WHERE isnotnull(l + 5)",
    "SELECT a, (a + 1) IS NULL AS v FROM e",
])
def test_null_test_of_a_value_that_cannot_be_null_is_folded(oracle, query):
    """IS [NOT] NULL of a non-nullable expression is a constant in Spark (NullPropagation):
    the expression never runs, so its overflow is never raised."""
    oracle.check(lambda sql, spark: (edge_ints(spark), spark.sql(query))[1])


@pytest.mark.parametrize("expr", [
    "d = 1", "1 = d", "d = 1L", "d < 1.5", "d = CAST(1 AS TINYINT)", "d = 1234567890", "d + 1", "d * 2",
    "d - 1L", "d + CAST(1 AS SMALLINT)", "d <=> 1",
])
def test_decimal_beside_an_integer_literal_is_nullable(oracle, expr):
    """An integer literal joins decimal arithmetic and comparisons as the decimal of its own
    digits (Spark's DecimalPrecision), through a cast that could fail: the result is nullable,
    unless those digits hold its whole type."""
    oracle.check(lambda sql, spark: (edge_ints(spark), spark.sql("SELECT %s AS v FROM e" % expr))[1])


@pytest.mark.parametrize("column", [
    "CAST(id AS DECIMAL(38, 2))", "CAST(id AS DECIMAL(38, 10))", "CAST(id AS DECIMAL(36, 2))",
    "CAST(id AS DECIMAL(5, 2)) / 3", "CAST(id * 7 AS DECIMAL(20, 9)) / 9", "CAST(-id AS DECIMAL(38, 30))",
    "CAST(id AS DECIMAL(10, 0))",
])
def test_avg_and_sum_of_decimals_keep_spark_types_and_roundings(oracle, column):
    """avg of DECIMAL(p, s) is DECIMAL(min(p + 4, 38), min(s + 4, 38)) and sum DECIMAL(min(p + 10,
    38), s) (no digits moved from the scale); the mean is rounded at the division's scale and
    then at the result's, as Spark's Average computes it."""
    oracle.check(lambda sql, spark: spark.range(7).selectExpr("%s AS x" % column, "id % 2 AS g")
                 .groupBy("g").agg({"x": "avg"}).join(
                     spark.range(7).selectExpr("%s AS x" % column, "id % 2 AS g").groupBy("g")
                     .agg({"x": "sum"}), "g"))


def test_avg_of_a_decimal_that_does_not_fit_its_type_raises(oracle):
    oracle.check(lambda sql, spark: spark.range(3).selectExpr("CAST(id AS DECIMAL(35, 34)) AS x")
                 .agg({"x": "avg"}), error="NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION")


@pytest.mark.parametrize("expr,error", [
    ("a + 5", "ARITHMETIC_OVERFLOW"), ("a - (-5)", "ARITHMETIC_OVERFLOW"), ("a * 2", "ARITHMETIC_OVERFLOW"),
    ("l * 2", "ARITHMETIC_OVERFLOW"), ("-(-l - 3)", "ARITHMETIC_OVERFLOW"), ("abs(b)", "ARITHMETIC_OVERFLOW"),
    ("-h", "ARITHMETIC_OVERFLOW"), ("(l - l - 9223372036854775807 - 1) div -1", "ARITHMETIC_OVERFLOW"),
    ("b + b", "BINARY_ARITHMETIC_OVERFLOW"), ("h * h", "BINARY_ARITHMETIC_OVERFLOW"),
    ("CAST(2 AS TINYINT) * b", "BINARY_ARITHMETIC_OVERFLOW"),
])
def test_overflow_errors_name_the_operator(oracle, expr, error):
    """Each operator's overflow names its own try_ function (or none, for - and abs); TINYINT and
    SMALLINT overflows show the operands. The first line of the message must match Spark's (one
    row, so that which row fails first cannot differ)."""
    def program(sql, spark):
        edge_ints(spark, rows=1)
        return spark.sql("SELECT %s AS v FROM e" % expr)
    want = oracle.check(program, error=error)
    assert oracle.spate.run(program, False).message == want.message


@pytest.mark.parametrize("expr", ["b div -1", "h div CAST(-1 AS SMALLINT)", "CAST(a - 2147483647 - 1 AS INT) div -1"])
def test_integral_divide_runs_on_bigint(oracle, expr):
    oracle.check(lambda sql, spark: (edge_ints(spark), spark.sql("SELECT %s AS v FROM e" % expr))[1])


@pytest.mark.parametrize("expr", [
    "CAST(s AS DATE)", "CAST(s AS TIMESTAMP)", "CAST(s AS TIMESTAMP_NTZ)", "CAST(s AS BOOLEAN)",
    "CAST(s AS DOUBLE)", "CAST(s AS DECIMAL(5, 2))", "to_date(s, 'yyyy-MM-dd')", "make_date(2020, m, 1)",
    "element_at(array(1), m)", "array(1)[m]",
])
def test_runtime_errors_raise_pyspark_exception_classes(oracle, expr):
    """The exception class (DateTimeException, NumberFormatException, SparkRuntimeException,
    ArrayIndexOutOfBoundsException, ...) is PySpark's: the oracle compares it beside the condition."""
    def program(sql, spark):
        spark.range(2).selectExpr("CAST(id AS STRING) || 'x' AS s", "CAST(id AS INT) + 12 AS m") \
            .createOrReplaceTempView("w")
        return spark.sql("SELECT %s AS v FROM w" % expr)
    want = oracle.check(program, error=oracle.pyspark.run(program, False).condition)
    assert want.kind != "AnalysisException"


def test_binary_values_come_back_as_bytes(oracle):
    oracle.check(lambda sql, spark: spark.sql("SELECT CAST('ab' AS BINARY) AS b, array(CAST('c' AS BINARY)) AS a, "
                                              "map('k', CAST('d' AS BINARY)) AS m"))


@pytest.mark.parametrize("condition", [
    "CAST(t AS DATE) < to_date(CAST(NULL AS STRING))", "CAST(t AS DATE) = to_date(NULL, 'yyyy')",
    "to_timestamp(NULL) > CAST(t AS TIMESTAMP)",
])
def test_comparison_with_a_constant_null_is_folded(oracle, condition):
    """A comparison with an expression of constants that is NULL is NULL before anything runs
    (Spark's ConstantFolding, then NullPropagation): the other side's failing cast never runs."""
    def program(sql, spark):
        spark.range(3).selectExpr("id", "CAST(id AS STRING) || 'x' AS t").createOrReplaceTempView("s")
        return spark.sql("SELECT id FROM s WHERE %s" % condition)
    oracle.check(program)
