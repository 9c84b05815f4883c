"""Aggregate functions against PySpark 4.1: result types, nullability, NULL and
empty-input results, NaN, overflow and numerical accuracy."""

import datetime

ROWS = [(1, 2.0, "a", True, 3, None), (2, 3.5, "b", False, 1, None), (2, None, None, None, None, None),
        (5, 1.0, "a", True, 2, None), (-3, 0.25, "é", True, 7, None)]
SCHEMA = "i INT, d DOUBLE, s STRING, b BOOLEAN, j INT, n INT"


def one_partition(df):
    """The rows in one partition, so that order-sensitive aggregates (listagg, collect_list,
    first, histogram_numeric) see them in row order on PySpark too (Spate keeps row order)."""
    return df.coalesce(1) if hasattr(df, "coalesce") else df


def check_grouped(oracle, exprs, rows=ROWS, schema=SCHEMA, keys="i % 2"):
    """Each aggregate of `exprs` per group of `keys` (None: one global group), rows in order."""
    def program(sql, spark):
        one_partition(spark.createDataFrame(rows, schema)).createOrReplaceTempView("g")
        select = ", ".join("%s AS `c%d`" % (e, k) for k, e in enumerate(exprs))
        if keys is None:
            return spark.sql("SELECT %s FROM g" % select)
        return spark.sql("SELECT %s AS k, %s FROM g GROUP BY %s" % (keys, select, keys))
    oracle.check(program)


def test_statistics(oracle):
    """Central moments and co-moments: DOUBLE, NULL for too few rows (legacy statisticalAggregate off)."""
    exprs = ["var_samp(d)", "var_pop(d)", "variance(i)", "stddev(i)", "std(d)", "stddev_pop(d)",
             "stddev_samp(d)", "skewness(d)", "kurtosis(d)", "skewness(i)", "kurtosis(i)",
             "corr(i, d)", "covar_pop(i, d)", "covar_samp(i, d)", "var_samp(n)", "kurtosis(n)",
             "stddev(CAST(i AS DECIMAL(5,2)))", "var_pop(s)"]
    oracle.check_exprs(exprs, ROWS, SCHEMA)
    check_grouped(oracle, exprs[:-1])


def test_statistics_edges(oracle):
    """One row: sample statistics NULL, population 0; constant values: skewness/kurtosis NULL; NaN propagates."""
    for rows in ([(1.0, 2.0)], [(1.0, 2.0), (1.0, 3.0)], [(1.0, 2.0), (float("nan"), 3.0), (3.0, 1.0)]):
        oracle.check_exprs(["var_samp(x)", "var_pop(x)", "stddev_samp(x)", "stddev_pop(x)", "skewness(x)",
                            "kurtosis(x)", "covar_pop(x, y)", "covar_samp(x, y)", "regr_slope(y, x)",
                            "regr_intercept(y, x)", "regr_r2(y, x)", "regr_sxx(y, x)", "regr_syy(y, x)",
                            "regr_sxy(y, x)", "regr_r2(x, y)", "regr_slope(x, y)"], rows, "x DOUBLE, y DOUBLE")


def test_corr_divide_by_zero(oracle):
    """corr of a constant column divides by zero: DIVIDE_BY_ZERO under ANSI."""
    oracle.check_exprs(["corr(x, y)"], [(1.0, 2.0), (1.0, 3.0)], "x DOUBLE, y DOUBLE")
    oracle.check_exprs(["corr(x, y)"], [(1.0, 2.0)], "x DOUBLE, y DOUBLE")


def test_moments_accuracy(oracle):
    """Large offsets with small spread: the online updates agree with Spark within 1e-9."""
    rows = [(1e9 + k * 0.5, float(k * k)) for k in range(50)]
    oracle.check_exprs(["var_samp(x)", "stddev_pop(x)", "skewness(y)", "kurtosis(y)", "corr(x, y)",
                        "covar_samp(x, y)", "regr_slope(y, x)", "regr_intercept(y, x)", "regr_r2(y, x)"],
                       rows, "x DOUBLE, y DOUBLE")


def test_regression(oracle):
    """regr_* over the non-NULL (y, x) pairs; regr_avgx of a DECIMAL is a DECIMAL average."""
    oracle.check_exprs(["regr_avgx(d, i)", "regr_avgy(d, i)", "regr_count(d, i)", "regr_intercept(d, i)",
                        "regr_r2(d, i)", "regr_slope(d, i)", "regr_sxx(d, i)", "regr_sxy(d, i)", "regr_syy(d, i)",
                        "regr_count(n, i)", "regr_avgx(CAST(d AS DECIMAL(3,1)), CAST(i AS DECIMAL(3,1)))"],
                       ROWS, SCHEMA)


def test_sum_avg(oracle):
    """sum of INT is BIGINT, avg is DOUBLE, DECIMAL sums widen by 10 and averages by 4 (rounded half up)."""
    exprs = ["sum(i)", "avg(i)", "mean(d)", "sum(d)", "try_sum(i)", "try_avg(i)", "sum(n)", "avg(n)",
             "sum(CAST(i AS TINYINT))", "sum(CAST(d AS DECIMAL(3,1)))", "avg(CAST(d AS DECIMAL(3,1)))",
             "try_avg(CAST(d AS DECIMAL(36,2)))", "avg(CAST(i AS DECIMAL(36,2)))", "sum(s)", "try_sum(s)",
             "sum(DISTINCT i)", "avg(DISTINCT i)", "count(DISTINCT i)", "count(DISTINCT i, s)", "count(i, s)"]
    oracle.check_exprs(exprs, ROWS, SCHEMA)
    check_grouped(oracle, [e for e in exprs if "(s)" not in e])
    oracle.check_sql("SELECT avg(x), sum(x) FROM VALUES (CAST(-1 AS DECIMAL(3,1))), (CAST(-2 AS DECIMAL(3,1))), "
                     "(CAST(0 AS DECIMAL(3,1))) AS v(x)")
    oracle.check_sql("SELECT avg(x), sum(x) FROM VALUES (CAST(1 AS DECIMAL(3,1))), (CAST(2 AS DECIMAL(3,1))), "
                     "(CAST(2 AS DECIMAL(3,1))) AS v(x)")


def test_sum_overflow(oracle):
    """BIGINT and DECIMAL overflow: ARITHMETIC_OVERFLOW under ANSI, NULL for try_sum / try_avg."""
    big = [(9223372036854775807,), (1,)]
    oracle.check_exprs(["sum(x)"], big, "x BIGINT")
    oracle.check_exprs(["try_sum(x)", "try_avg(x)", "avg(x)"], big, "x BIGINT")
    oracle.check_exprs(["sum(x)"], [(2147483647,), (1,)], "x INT")
    dec = "VALUES (CAST(9e37 AS DECIMAL(38,0))), (CAST(9e37 AS DECIMAL(38,0))) AS v(x)"
    oracle.check_sql("SELECT try_sum(x), try_avg(x) FROM %s" % dec)


def test_min_max_by(oracle):
    """min/max order NaN above all; max_by/min_by keep the first row of a tie and may return NULL."""
    oracle.check_exprs(["max(x)", "min(x)"], [(float("nan"),), (1.0,)], "x DOUBLE")
    oracle.check_exprs(["max(s)", "min(s)", "max(b)", "min(b)", "max_by(s, i)", "min_by(s, d)", "min_by(i, n)",
                        "max_by(i, d)", "min_by(d, i)"], ROWS, SCHEMA)
    oracle.check_exprs(["max_by(x, y)", "min_by(x, y)"], [("a", 1), ("b", 1), (None, 3), ("c", 0)],
                       "x STRING, y INT")
    oracle.check_exprs(["max_by(x, y)"], [(1, 2.0), (2, float("nan"))], "x INT, y DOUBLE")
    check_grouped(oracle, ["max_by(s, d)", "min_by(s, d)", "max(d)", "min(s)"])
    check_grouped(oracle, ["max_by(x, y)", "min_by(x, y)", "max(z)", "min(z)"],
                  [("a", 1, 0.0), ("b", 1, -0.0), ("c", 1, 0.0)], "x STRING, y INT, z DOUBLE", keys=None)


def test_first_last_any(oracle):
    """first/last/any_value, with and without ignoreNulls; the name drops the flag."""
    exprs = ["first(d)", "last(d)", "first(d, true)", "last(d, true)", "any_value(s)", "any_value(d, true)",
             "first_value(s)", "last_value(s, true)", "first_value(n)"]
    check_grouped(oracle, exprs, keys=None)
    check_grouped(oracle, exprs)


def test_bit_bool(oracle):
    """bit_* keep the argument's integral type; bool_and/bool_or (every, some) skip NULLs; count_if never NULL."""
    exprs = ["bit_and(i)", "bit_or(j)", "bit_xor(i)", "bit_and(n)", "bit_xor(CAST(j AS TINYINT))",
             "bit_or(CAST(i AS BIGINT))", "bool_and(b)", "bool_or(b)", "every(b)", "some(b)", "any(b)",
             "count_if(b)", "count_if(i > 1)"]
    oracle.check_exprs(exprs, ROWS, SCHEMA)
    check_grouped(oracle, exprs)


def test_type_errors(oracle):
    """Wrong argument types and counts fail with Spark's conditions."""
    for expr in ["bit_and(d)", "bool_and(i)", "count_if(i)", "stddev(b)", "sum(b)", "max_by(s, map(1, 2))",
                 "percentile(i, 1.5)", "percentile(i, 0.5, 1.5)", "percentile(i, j)", "percentile_approx(i, 1.5)",
                 "percentile_approx(i, 0.5, 0)", "histogram_numeric(d, 1)", "listagg(s, s)",
                 "listagg(CAST(s AS BINARY), ',')", "mode(i, b)", "count_min_sketch(d, 0.5D, 0.5D, 1)",
                 "corr(i)", "var_pop(i, j)", "avg(s)"]:
        oracle.check_exprs([expr], ROWS, SCHEMA)


def test_percentile_median(oracle):
    """Exact percentiles interpolate between ranks; median of INT is DOUBLE; frequencies repeat values."""
    exprs = ["median(i)", "median(d)", "percentile(i, 0.5)", "percentile(i, array(0.1, 0.9))", "percentile(d, 0.3, j)",
             "percentile(i, 0)", "percentile(i, 1)", "median(n)", "median(CAST(i AS DECIMAL(5,2)))",
             "percentile(i, array())", "percentile(s, 0.25)"]
    rows = ROWS[:2] + ROWS[3:]
    oracle.check_exprs(exprs, rows, SCHEMA)
    check_grouped(oracle, exprs[:7])
    oracle.check_exprs(["percentile(x, 0.5, f)"], [(1, 0), (5, 2), (3, None)], "x INT, f INT")
    oracle.check_exprs(["percentile(x, 0.5, f)"], [(1, -1)], "x INT, f INT")
    oracle.check_exprs(["median(x)", "percentile(x, 0.5)"], [(1.0,), (float("nan"),)], "x DOUBLE")
    oracle.check_exprs(["median(x)", "percentile(x, array(0, 1, 0.33))"], [(1,), (2,), (10,), (4,)], "x INT")


def test_percentile_approx(oracle):
    """percentile_approx returns an input value of the input's type (exact for small inputs)."""
    exprs = ["percentile_approx(i, 0.5)", "approx_percentile(d, array(0.25, 0.5), 100)",
             "percentile_approx(CAST(i AS DECIMAL(5,2)), 0.5)", "approx_percentile(i, 0)", "approx_percentile(i, 1)",
             "percentile_approx(n, 0.5)", "percentile_approx(s, 0.5)"]
    rows = ROWS[:2] + ROWS[3:]
    oracle.check_exprs(exprs, rows, SCHEMA)
    check_grouped(oracle, exprs[:5])
    check_grouped(oracle, ["percentile_approx(x, 0.5)", "percentile_approx(x, array(0.1, 0.9), 10)"],
                  [(1.0,), (float("nan"),), (2.0,)], "x DOUBLE", keys=None)
    oracle.check_exprs(["percentile_approx(x, 0.5)"], [(datetime.date(2020, 1, 1),), (datetime.date(2021, 1, 1),)],
                       "x DATE")


def test_mode(oracle):
    """mode: the most frequent value; deterministic ties take the least (named WITHIN GROUP)."""
    oracle.check_exprs(["mode(x)", "mode(x, true)", "mode(x, false)"], [(3,), (1,), (1,), (3,), (2,), (3,)], "x INT")
    oracle.check_exprs(["mode(x, true)"], [("b",), ("a",), ("a",), ("b",)], "x STRING")
    oracle.check_exprs(["mode(n)", "mode(s)"], ROWS, SCHEMA)


def test_collect(oracle):
    """collect_list / array_agg keep row order without NULLs; never NULL (empty array)."""
    exprs = ["collect_list(d)", "array_agg(i)", "collect_list(n)", "approx_count_distinct(i)",
             "approx_count_distinct(s)", "approx_count_distinct(n)", "collect_set(n)"]
    check_grouped(oracle, exprs, keys=None)
    check_grouped(oracle, exprs)
    check_grouped(oracle, ["collect_set(s)", "collect_list(s)", "collect_set(i)"], keys="s")


def test_listagg(oracle):
    """listagg / string_agg concatenate the non-NULL values (NULL for none); the default delimiter is none."""
    exprs = ["listagg(s)", "listagg(s, ', ')", "string_agg(s, '-')", "listagg(DISTINCT s, ',')", "listagg(s, NULL)",
             "listagg(length(s))", "listagg(CAST(s AS BINARY), X'00')", "listagg(n)", "string_agg(DISTINCT s)"]
    check_grouped(oracle, exprs, keys="s")
    check_grouped(oracle, ["listagg(DISTINCT s)", "string_agg(DISTINCT b, '+')"], keys="s")


def test_histogram_numeric(oracle):
    """histogram_numeric merges the closest bins; centers come back as the input's type."""
    check_grouped(oracle, ["histogram_numeric(x, 2)", "histogram_numeric(x, 10)"], [(1,), (2,), (3,), (10,), (11,)],
                  "x INT", keys=None)
    check_grouped(oracle, ["histogram_numeric(d, 10)", "histogram_numeric(n, 2)"], keys=None)


def test_count_min_sketch(oracle):
    """count_min_sketch serializes to Spark's exact bytes for integral and string items."""
    oracle.check_exprs(["count_min_sketch(i, 0.5D, 0.5D, 1)", "count_min_sketch(s, 0.1D, 0.9D, 42)",
                        "count_min_sketch(CAST(i AS BIGINT), 0.2D, 0.7D, -5)", "count_min_sketch(n, 0.5D, 0.5D, 1)",
                        "count_min_sketch(CAST(s AS BINARY), 0.3D, 0.95D, 7)"], ROWS, SCHEMA)


def test_empty_input(oracle):
    """A global aggregate over no rows gives one row: counts 0, empty arrays, NULL otherwise."""
    exprs = ["count(*)", "count(i)", "sum(i)", "avg(d)", "var_samp(d)", "corr(i, d)", "collect_list(i)",
             "collect_set(s)", "count_if(b)", "bit_or(i)", "bool_and(b)", "max_by(s, i)", "median(i)",
             "percentile_approx(i, 0.5)", "mode(i)", "listagg(s)", "histogram_numeric(d, 3)", "regr_count(d, i)",
             "approx_count_distinct(i)", "count_min_sketch(i, 0.5D, 0.5D, 1)", "try_sum(i)"]

    def program(sql, spark):
        spark.createDataFrame(ROWS, SCHEMA).createOrReplaceTempView("e")
        return spark.sql("SELECT %s FROM e WHERE i > 100" % ", ".join(exprs))
    oracle.check(program)


def test_dataframe_api(oracle):
    """The Python wrappers: names, signatures and results as PySpark's."""
    def program(sql, spark):
        F = sql.functions
        df = one_partition(spark.createDataFrame(ROWS, SCHEMA))
        return df.groupBy((F.col("i") % 2).alias("k")).agg(
            F.product("i"), F.sum_distinct("i"), F.sumDistinct("j"), F.approxCountDistinct("i"),
            F.percentile("i", 0.5), F.percentile("i", [0.25, 0.75], F.lit(1)), F.percentile_approx("i", 0.5),
            F.approx_percentile("d", [0.5], 100), F.median("i"), F.mode("i"), F.mode("s", True),
            F.try_avg("i"), F.try_sum("i"), F.regr_avgx("d", "i"),
            F.regr_avgy("d", "i"), F.regr_count("d", "i"), F.regr_intercept("d", "i"), F.regr_r2("d", "i"),
            F.regr_slope("d", "i"), F.regr_sxx("d", "i"), F.regr_sxy("d", "i"), F.regr_syy("d", "i"),
            F.every("b"), F.some("b"), F.bool_and("b"), F.bool_or("b"), F.bit_and("i"), F.bit_or("i"),
            F.bit_xor("i"), F.count_if("b"), F.corr("i", "d"), F.covar_pop("i", "d"), F.covar_samp("i", "d"),
            F.kurtosis("d"), F.skewness("d"), F.stddev("d"), F.std("d"), F.stddev_pop("d"), F.stddev_samp("d"),
            F.variance("d"), F.var_pop("d"), F.var_samp("d"), F.max_by("s", "i"), F.min_by("s", "i"),
            F.histogram_numeric("d", F.lit(10)),
            F.count_min_sketch("i", F.lit(0.5), F.lit(0.5), F.lit(1)))
    oracle.check(program)


def test_dataframe_api_order_free(oracle):
    """listagg / string_agg / first_value / array_agg wrappers, on groups whose order cannot matter."""
    def program(sql, spark):
        F = sql.functions
        df = spark.createDataFrame(ROWS, SCHEMA)
        return df.groupBy("s").agg(
            F.listagg("s"), F.listagg("s", ","), F.listagg_distinct("s", "-"), F.string_agg("s", "|"),
            F.string_agg_distinct("s"), F.first_value("s"), F.last_value("s", True), F.any_value("s"),
            F.any_value("s", F.lit(True)), F.array_agg("s"))
    oracle.check(program)


def test_streaming_aggregates(oracle):
    """A streaming aggregation keeps each function's partial state across micro-batches (complete mode)."""
    def program(sql, spark, tmp):
        import json
        import os
        F = sql.functions
        src = os.path.join(str(tmp), "src")
        os.makedirs(src)
        names = ["i", "d", "s", "b", "j", "n"]
        for k, chunk in enumerate([ROWS[:2], ROWS[2:]]):
            with open(os.path.join(src, "part%d.json" % k), "w") as f:
                for r in chunk:
                    f.write(json.dumps(dict(zip(names, r))) + "\n")
        stream = spark.readStream.schema(SCHEMA).option("maxFilesPerTrigger", 1).json(src)
        agg = stream.groupBy((F.col("i") % 2).alias("k")).agg(
            F.var_samp("d"), F.corr("i", "d"), F.max_by("s", "d"), F.median("i"), F.percentile_approx("i", 0.5),
            F.bit_xor("i"), F.bool_and("b"), F.count_if("b"), F.try_sum("i"), F.kurtosis("d"), F.skewness("i"),
            F.regr_slope("d", "i"), F.histogram_numeric("d", F.lit(10)), F.product("j"), F.first("s", True))
        q = (agg.writeStream.format("memory").queryName("agg_stream").outputMode("complete")
             .trigger(availableNow=True).option("checkpointLocation", os.path.join(str(tmp), "cp")).start())
        q.awaitTermination()
        return spark.sql("SELECT * FROM agg_stream")
    oracle.check(program)
