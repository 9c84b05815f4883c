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
