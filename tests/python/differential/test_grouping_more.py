"""More grouping and aggregation against PySpark 4.1: aggregate FILTER (WHERE ...) in SQL and
through expr() in the DataFrame API, with GROUP BY, global aggregates, DISTINCT aggregates and
grouping sets, and its errors."""

import functools

import test_grouping_sets

ROWS = [("a", 1, 10.0), ("a", 2, None), ("b", 3, 30.0), ("b", 3, 5.0), ("c", None, 1.0)]
SCHEMA = "k STRING, x INT, y DOUBLE"

table = functools.partial(test_grouping_sets.table, rows=ROWS, schema=SCHEMA)
sql_program = functools.partial(test_grouping_sets.sql_program, rows=ROWS, schema=SCHEMA)


def test_filter_with_group_by(oracle):
    """Each call aggregates only its own rows; a group without any keeps its row (count 0,
    NULL sums); names carry Spark's FILTER (WHERE ...) suffix."""
    oracle.check(sql_program(
        "SELECT k, sum(x) FILTER (WHERE x > 1), count(*) FILTER (WHERE y IS NOT NULL), "
        "count(DISTINCT x) FILTER (WHERE x < 3), avg(y) FILTER (WHERE y < 20) AS low, "
        "collect_list(x) FILTER (WHERE k = 'b'), max(y) FROM t GROUP BY k"))


def test_filter_global_and_empty(oracle):
    """Without GROUP BY one row, also when the filter keeps nothing or the input is empty."""
    oracle.check(sql_program(
        "SELECT sum(x) FILTER (WHERE x > 1) AS s, avg(y) FILTER (WHERE k = 'b'), "
        "count(1) FILTER (WHERE false), first(y) FILTER (WHERE x > 1), "
        "sum(DISTINCT x) FILTER (WHERE y IS NULL OR y > 1) FROM t"))
    oracle.check(sql_program("SELECT count(*) FILTER (WHERE x > 1), max(x) FILTER (WHERE x > 1) "
                             "FROM t WHERE k = 'zzz'"))


def test_filter_in_having_order_and_expressions(oracle):
    """A filtered aggregate inside an expression, in HAVING and in ORDER BY."""
    oracle.check(sql_program(
        "SELECT k, coalesce(sum(x) FILTER (WHERE y > 6), 0) + 1 AS s FROM t GROUP BY k "
        "HAVING count(*) FILTER (WHERE x IS NOT NULL) > 0 "
        "ORDER BY s DESC, k"), ordered=True)


def test_filter_with_rollup(oracle):
    """Filters apply within every grouping set."""
    oracle.check(sql_program(
        "SELECT k, x, sum(y) FILTER (WHERE x >= 2), count(*) FILTER (WHERE k <> 'a') "
        "FROM t GROUP BY ROLLUP(k, x)"))


def test_filter_through_dataframe_expr(oracle):
    """PySpark has no Column method for FILTER: expr() text in agg() and selectExpr()."""
    def program(sql, spark):
        f = sql.functions
        df = table(spark)
        grouped = df.groupBy("k").agg(f.expr("sum(x) FILTER (WHERE y > 6)"),
                                      f.expr("count(DISTINCT x) FILTER (WHERE x > 1)").alias("n"))
        return grouped.crossJoin(df.selectExpr("max(y) FILTER (WHERE x < 3) AS m"))
    oracle.check(program)


def test_filter_errors(oracle):
    """An aggregate inside the filter, a filter that is not boolean, a filter on a function
    that is not an aggregate."""
    oracle.check(sql_program("SELECT sum(x) FILTER (WHERE sum(x) > 1) FROM t"),
                 error="INVALID_AGGREGATE_FILTER.CONTAINS_AGGREGATE")
    oracle.check(sql_program("SELECT sum(x) FILTER (WHERE x) FROM t"),
                 error="INVALID_AGGREGATE_FILTER.NOT_BOOLEAN")
    oracle.check(sql_program("SELECT upper(k) FILTER (WHERE x > 1) FROM t"),
                 error="INVALID_SQL_SYNTAX.FUNCTION_WITH_UNSUPPORTED_SYNTAX")


# --- pivot -------------------------------------------------------------------------------------

SALES = [(2023, "java", "dev", 10), (2023, "py", "dev", 20), (2024, "java", "ops", 5),
         (2024, "java", "dev", 7), (2024, None, "dev", 3), (2025, "py", "ops", 1)]
SALES_SCHEMA = "year INT, course STRING, team STRING, earnings INT"


def sales(spark):
    df = spark.createDataFrame(SALES, SALES_SCHEMA)
    df.createOrReplaceTempView("sales")
    return df


def test_pivot_inferred_values(oracle):
    """Without values: the distinct values sorted (NULL first, named `null`); a group without a
    value is NULL, also for count."""
    def program(sql, spark):
        return sales(spark).groupBy("year").pivot("course").sum("earnings")
    oracle.check(program)

    def counted(sql, spark):
        return sales(spark).groupBy("team").pivot("year").count()
    oracle.check(counted)


def test_pivot_explicit_values_and_several_aggregates(oracle):
    """Explicit values (one not in the data); several aggregates name columns value_aggregate,
    an alias names the aggregate part."""
    def program(sql, spark):
        f = sql.functions
        return (sales(spark).groupBy("year").pivot("course", ["java", "py", "scala"])
                .agg(f.sum("earnings"), f.avg("earnings").alias("mean"), f.max("team")))
    oracle.check(program)

    def one_alias(sql, spark):
        f = sql.functions
        return sales(spark).groupBy(f.col("team")).pivot("year", [2023, 2024]).agg(
            f.count("earnings").alias("n"))
    oracle.check(one_alias)


def test_pivot_without_grouping_and_expressions(oracle):
    """groupBy() without columns: one row; an expression over aggregates; a string result
    (max of a string) runs each aggregate over its value's rows."""
    def program(sql, spark):
        f = sql.functions
        return sales(spark).groupBy().pivot("team").agg((f.sum("earnings") * 2).alias("twice"),
                                                        f.min("course"))
    oracle.check(program)


def test_sql_pivot(oracle):
    """FROM t PIVOT (aggregates FOR column IN (values [AS alias])): grouping by the columns the
    aggregates and the pivot column leave."""
    def program(text):
        def run(sql, spark):
            sales(spark)
            return spark.sql(text)
        return run
    oracle.check(program("SELECT * FROM (SELECT year, course, earnings FROM sales) "
                         "PIVOT (sum(earnings) FOR course IN ('java', 'py' AS python))"))
    oracle.check(program("SELECT * FROM (SELECT year, course, earnings FROM sales) "
                         "PIVOT (sum(earnings) AS s, avg(earnings) FOR course IN ('java' AS j, 'py'))"))
    oracle.check(program("SELECT * FROM (SELECT team, year FROM sales) PIVOT (count(*) FOR year IN "
                         "(2023, 2024, 2030)) ORDER BY team"), ordered=True)


def test_sql_unpivot(oracle):
    """UNPIVOT [INCLUDE | EXCLUDE NULLS] (value FOR name IN (columns [AS alias]))."""
    def program(text):
        def run(sql, spark):
            spark.createDataFrame([(1, 10, None), (2, 20, 200)], "id INT, a INT, b INT") \
                .createOrReplaceTempView("w")
            return spark.sql(text)
        return run
    oracle.check(program("SELECT * FROM w UNPIVOT (v FOR name IN (a, b))"))
    oracle.check(program("SELECT * FROM w UNPIVOT INCLUDE NULLS (v FOR name IN (a AS first, b))"))
    oracle.check(program("SELECT id, name, v FROM w UNPIVOT EXCLUDE NULLS (v FOR name IN (b)) AS u"))


def test_grouping_sets_method(oracle):
    """df.groupingSets(sets, *cols): the grouping columns NULL where a set leaves them out."""
    def program(sql, spark):
        f = sql.functions
        return sales(spark).groupingSets([["year", "team"], ["year"], []], "year", "team").agg(
            f.sum("earnings"), f.grouping_id())
    oracle.check(program)

    def counted(sql, spark):
        f = sql.functions
        return sales(spark).groupingSets([[f.col("team")], ["course"]], "team", "course").count()
    oracle.check(counted)


# --- ordered-set aggregates --------------------------------------------------------------------

def test_percentiles_within_group(oracle):
    """percentile_cont and percentile_disc, ascending and descending, with GROUP BY and FILTER;
    their results are DOUBLE."""
    oracle.check(sql_program(
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x), "
        "percentile_cont(0.3) WITHIN GROUP (ORDER BY x DESC), "
        "percentile_cont(0.3) WITHIN GROUP (ORDER BY y), "
        "percentile_disc(0.5) WITHIN GROUP (ORDER BY x DESC), "
        "percentile_disc(0.0) WITHIN GROUP (ORDER BY x), percentile_disc(0.25) WITHIN GROUP (ORDER BY x), "
        "percentile_disc(0.3) WITHIN GROUP (ORDER BY x), percentile_disc(0.75) WITHIN GROUP (ORDER BY y), "
        "percentile_disc(1.0) WITHIN GROUP (ORDER BY y DESC) FROM t"))
    oracle.check(sql_program(
        "SELECT k, percentile_cont(0.25) WITHIN GROUP (ORDER BY y) FILTER (WHERE x > 1), "
        "percentile_disc(0.6) WITHIN GROUP (ORDER BY x) FROM t GROUP BY k"))


def test_mode_within_group(oracle):
    """mode() WITHIN GROUP: ties go to the least value, or the greatest when DESC (Spark names
    the ordering reversed)."""
    rows = [("a", 1), ("a", 2), ("a", 2), ("a", 1), ("b", 5), ("b", 7), ("c", None)]

    def program(sql, spark):
        spark.createDataFrame(rows, "k STRING, v INT").createOrReplaceTempView("m")
        return spark.sql("SELECT k, mode() WITHIN GROUP (ORDER BY v), "
                         "mode() WITHIN GROUP (ORDER BY v DESC) FROM m GROUP BY k")
    oracle.check(program)


def test_within_group_errors(oracle):
    oracle.check(sql_program("SELECT percentile_cont(1.5) WITHIN GROUP (ORDER BY x) FROM t"),
                 error="DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE")
    oracle.check(sql_program("SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x, y) FROM t"),
                 error="INVALID_WITHIN_GROUP_EXPRESSION.WRONG_NUM_ORDERINGS")


# --- freqItems ---------------------------------------------------------------------------------

def test_freq_items(oracle):
    """freqItems lists each value that may pass the support; Spark's order of the values follows
    its hash map, so both sides are compared sorted. Inputs whose result does not depend on the
    sketch's details: fewer distinct values than counters, and one value that dominates."""
    rows = [(1, "a", 1.5), (1, "b", 1.5), (2, "a", 2.5), (1, "a", 1.5), (3, "c", 1.5), (1, "a", 9.0)]

    def program(sql, spark):
        f = sql.functions
        df = spark.createDataFrame(rows, "n INT, s STRING, d DOUBLE")
        few = df.freqItems(["n", "s", "d"])
        dominant = df.stat.freqItems(("n",), 0.5)
        return few.select([f.sort_array(c).alias(c) for c in few.columns]).crossJoin(
            dominant.select(f.sort_array("n_freqItems").alias("dominant")))
    oracle.check(program)
