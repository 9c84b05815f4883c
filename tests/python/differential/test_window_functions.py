"""Window functions (OVER) and pyspark.sql.Window against PySpark 4.1."""

import os

import pytest

ROWS = [(1, 1, 10, "a", 1.5), (1, 2, 20, "b", 2.5), (1, 2, None, "c", None), (1, 4, 40, "d", -0.0),
        (2, None, 5, "e", 3.0), (2, None, 6, "f", float("nan")), (2, 3, 7, "g", 1e300),
        (None, 3, 8, "h", 4.0), (None, None, None, "i", None), (3, 1, 9, "j", 0.5)]
SCHEMA = "k INT, o INT, v INT, s STRING, x DOUBLE"


def table(spark):
    df = spark.createDataFrame(ROWS, SCHEMA)
    df.createOrReplaceTempView("t")
    return df


def sql_check(oracle, query, **kwargs):
    def program(sql, spark):
        table(spark)
        return spark.sql(query)
    return oracle.check(program, **kwargs)


@pytest.mark.parametrize("query", [
    "SELECT k, o, row_number() OVER (PARTITION BY k ORDER BY o, s) FROM t",
    "SELECT k, o, rank() OVER (PARTITION BY k ORDER BY o), dense_rank() OVER (PARTITION BY k ORDER BY o) FROM t",
    "SELECT k, o, percent_rank() OVER (PARTITION BY k ORDER BY o), cume_dist() OVER (PARTITION BY k ORDER BY o) FROM t",
    "SELECT s, rank() OVER (ORDER BY o DESC NULLS LAST), dense_rank() OVER (ORDER BY o DESC) FROM t",
    "SELECT s, ntile(3) OVER (ORDER BY s), ntile(4) OVER (PARTITION BY k ORDER BY s), ntile(20) OVER (ORDER BY s) FROM t",
    "SELECT s, rank(o) OVER (ORDER BY o) FROM t",
])
def test_ranking_functions(oracle, query):
    """Ranking functions: ties share a rank, NULL keys form their own partition and sort first."""
    sql_check(oracle, query)


@pytest.mark.parametrize("query", [
    "SELECT s, lag(v) OVER (PARTITION BY k ORDER BY s), lead(v) OVER (PARTITION BY k ORDER BY s) FROM t",
    "SELECT s, lag(v, 2, 0) OVER (ORDER BY s), lead(v, 3, -1) OVER (ORDER BY s) FROM t",
    "SELECT s, lag(v, 0) OVER (ORDER BY s), lag(v, -1) OVER (ORDER BY s), lead(v, -2) OVER (ORDER BY s) FROM t",
    "SELECT s, lag(v, 1, o) OVER (ORDER BY s), lag(s, 1, 5) OVER (ORDER BY s), lag(v, 1, 1.5) OVER (ORDER BY s) FROM t",
    "SELECT s, lag(v) IGNORE NULLS OVER (ORDER BY s), lead(v, 2) IGNORE NULLS OVER (ORDER BY s) FROM t",
    "SELECT s, lag(v) IGNORE NULLS OVER (PARTITION BY k ORDER BY s), lag(v) OVER (PARTITION BY k ORDER BY s) FROM t",
])
def test_offset_functions(oracle, query):
    """lag/lead: offsets (zero, negative), defaults (cast to the column type) and IGNORE NULLS."""
    sql_check(oracle, query)


@pytest.mark.parametrize("query", [
    "SELECT s, nth_value(v, 2) OVER (ORDER BY s), nth_value(v, 3) IGNORE NULLS OVER (ORDER BY s) FROM t",
    "SELECT s, first_value(v) OVER (ORDER BY s), last_value(v) OVER (ORDER BY s), first(v) OVER (ORDER BY s) FROM t",
    "SELECT s, first(v, true) OVER (ORDER BY o ROWS BETWEEN 1 PRECEDING AND 2 FOLLOWING), "
    "last(v) IGNORE NULLS OVER (ORDER BY s ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM t",
    "SELECT s, nth_value(v, 1) OVER (ORDER BY s ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) FROM t",
])
def test_value_functions(oracle, query):
    """nth_value/first/last over frames, with and without IGNORE NULLS."""
    sql_check(oracle, query)


@pytest.mark.parametrize("query", [
    "SELECT s, sum(v) OVER (), count(*) OVER (), avg(x) OVER (), max(s) OVER () FROM t",
    "SELECT s, sum(v) OVER (PARTITION BY k), count(v) OVER (PARTITION BY k), min(v) OVER (PARTITION BY k) FROM t",
    "SELECT s, sum(v) OVER (ORDER BY o), count(*) OVER (ORDER BY o), avg(v) OVER (ORDER BY o) FROM t",
    "SELECT s, collect_list(v) OVER (PARTITION BY k ORDER BY s), collect_set(k) OVER (PARTITION BY k) FROM t",
    "SELECT s, sum(x) OVER (ORDER BY s), avg(x) OVER (ORDER BY s ROWS 1 PRECEDING) FROM t",
    "SELECT s, min(s) OVER (ORDER BY o ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), "
    "max(x) OVER (ORDER BY s ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM t",
    "SELECT s, sum(CAST(v AS DECIMAL(10,2))) OVER (ORDER BY s), avg(CAST(v AS DECIMAL(10,2))) OVER (ORDER BY s) FROM t",
    "SELECT s, count(v, o) OVER (ORDER BY s) FROM t",
])
def test_aggregates_over_windows(oracle, query):
    """Aggregates over the default frames (whole partition; with ORDER BY, up to the current row's peers)."""
    sql_check(oracle, query)


@pytest.mark.parametrize("frame", [
    "ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING",
    "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 FOLLOWING",
    "ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING",
    "ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING",
    "ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING",
    "ROWS BETWEEN CURRENT ROW AND 1 PRECEDING",
    "ROWS 2 PRECEDING",
    "ROWS CURRENT ROW",
    "ROWS BETWEEN -1 PRECEDING AND CURRENT ROW",
    "RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING",
    "RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING",
    "RANGE BETWEEN CURRENT ROW AND 1 FOLLOWING",
    "RANGE BETWEEN 2 PRECEDING AND 1 PRECEDING",
    "RANGE BETWEEN CURRENT ROW AND CURRENT ROW",
    "RANGE BETWEEN 1.5 PRECEDING AND CURRENT ROW",
    "RANGE BETWEEN 1L PRECEDING AND UNBOUNDED FOLLOWING",
])
def test_frames(oracle, frame):
    """Every frame kind over every aggregate, with NULL and tied order keys."""
    w = "(PARTITION BY k ORDER BY o %s)" % frame
    w_desc = "(ORDER BY o DESC %s)" % frame
    sql_check(oracle, "SELECT s, sum(v) OVER {w}, count(v) OVER {w}, avg(v) OVER {w}, min(v) OVER {w}, "
              "max(s) OVER {w}, first(v) OVER {w}, last(v) OVER {w}, collect_list(v) OVER {w}, "
              "sum(v) OVER {d}, max(v) OVER {d} FROM t".format(w=w, d=w_desc))


@pytest.mark.parametrize("query", [
    "SELECT s, sum(v) OVER (ORDER BY x RANGE BETWEEN 1 PRECEDING AND 0.5 FOLLOWING) FROM t WHERE x < 1e10",
    "SELECT d, sum(v) OVER (ORDER BY d RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM u",
    "SELECT d, sum(v) OVER (ORDER BY d RANGE BETWEEN INTERVAL 2 DAYS PRECEDING AND CURRENT ROW) AS r FROM u",
    "SELECT ts, sum(v) OVER (ORDER BY ts RANGE BETWEEN INTERVAL 12 HOURS PRECEDING AND CURRENT ROW) AS r FROM u",
    "SELECT ts, count(*) OVER (ORDER BY ts DESC RANGE BETWEEN CURRENT ROW AND INTERVAL 1 DAY FOLLOWING) AS r FROM u",
])
def test_range_frames_on_other_types(oracle, query):
    """RANGE offsets over DOUBLE, DATE (days or day intervals) and TIMESTAMP (intervals) keys."""
    def program(sql, spark):
        table(spark)
        spark.sql("SELECT * FROM VALUES (DATE'2024-01-01', TIMESTAMP'2024-01-01 00:00:00', 1), "
                  "(DATE'2024-01-03', TIMESTAMP'2024-01-01 10:00:00', 2), "
                  "(DATE'2024-01-04', TIMESTAMP'2024-01-02 05:00:00', 3), "
                  "(NULL, NULL, 4) AS u(d, ts, v)").createOrReplaceTempView("u")
        return spark.sql(query)
    oracle.check(program, schema=False)


@pytest.mark.parametrize("query", [
    "SELECT k, row_number() OVER w FROM t WINDOW w AS (PARTITION BY k ORDER BY s)",
    "SELECT sum(v) OVER (w) FROM t WINDOW w AS (PARTITION BY k ORDER BY o)",
    "SELECT sum(v) OVER w2, count(*) OVER w1 FROM t WINDOW w1 AS (PARTITION BY k ORDER BY o), w2 AS w1",
    "SELECT sum(v) OVER (DISTRIBUTE BY k SORT BY o) FROM t",
    "SELECT row_number() OVER (ORDER BY s) AS r, sum(v) OVER (ORDER BY s) FROM t ORDER BY r",
    "SELECT DISTINCT k, count(*) OVER (PARTITION BY k) FROM t",
    "SELECT *, row_number() OVER (PARTITION BY k ORDER BY s) AS rn FROM t",
    "SELECT sum(v) OVER (ORDER BY s) - lag(v) OVER (ORDER BY s) AS delta FROM t",
])
def test_window_clauses(oracle, query):
    """Named windows (WINDOW w AS ...), DISTRIBUTE/SORT BY, windows in expressions, stars and ORDER BY."""
    sql_check(oracle, query)


@pytest.mark.parametrize("query", [
    "SELECT rank() OVER (PARTITION BY k) FROM t",
    "SELECT row_number() OVER () FROM t",
    "SELECT lag(v) OVER (PARTITION BY k) FROM t",
    "SELECT nth_value(v, 2) OVER (PARTITION BY k) FROM t",
    "SELECT rank() OVER (ORDER BY o ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
    "SELECT rank() OVER (ORDER BY o RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM t",
    "SELECT lag(v) OVER (ORDER BY o ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
    "SELECT sum(v) OVER (ORDER BY o, k RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
    "SELECT sum(v) OVER (RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
    "SELECT sum(v) OVER (ORDER BY s RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
    "SELECT sum(v) OVER (ORDER BY o ROWS BETWEEN 1 FOLLOWING AND 1 PRECEDING) FROM t",
    "SELECT sum(v) OVER (ORDER BY o RANGE BETWEEN 1 FOLLOWING AND 1 PRECEDING) FROM t",
    "SELECT sum(v) OVER (ORDER BY o ROWS BETWEEN UNBOUNDED FOLLOWING AND CURRENT ROW) FROM t",
    "SELECT sum(v) OVER (ORDER BY o ROWS BETWEEN CURRENT ROW AND UNBOUNDED PRECEDING) FROM t",
    "SELECT sum(v) OVER (ORDER BY o ROWS BETWEEN 1.5 PRECEDING AND CURRENT ROW) FROM t",
    "SELECT sum(v) OVER (ORDER BY o ROWS BETWEEN 1L PRECEDING AND CURRENT ROW) FROM t",
    "SELECT sum(v) OVER (ORDER BY o ROWS BETWEEN v PRECEDING AND CURRENT ROW) FROM t",
    "SELECT upper(s) OVER (ORDER BY o) FROM t",
    "SELECT sum(v) OVER w2 FROM t WINDOW w AS (ORDER BY o)",
    "SELECT sum(v) OVER w FROM t WINDOW w AS (ORDER BY o), w AS (ORDER BY k)",
    "SELECT * FROM t WHERE row_number() OVER (ORDER BY o) = 1",
    "SELECT count(DISTINCT v) OVER (ORDER BY o) FROM t",
    "SELECT ntile(v) OVER (ORDER BY o) FROM t",
    "SELECT ntile(0) OVER (ORDER BY o) FROM t",
    "SELECT ntile(2L) OVER (ORDER BY o) FROM t",
    "SELECT nth_value(v, 0) OVER (ORDER BY o) FROM t",
    "SELECT nth_value(v, o) OVER (ORDER BY o) FROM t",
    "SELECT lag(v, o) OVER (ORDER BY o) FROM t",
    "SELECT row_number(1) OVER (ORDER BY o) FROM t",
    "SELECT sum(9223372036854775807L) OVER (ORDER BY o) FROM t",
    "SELECT lag(v, 1, 'x') OVER (ORDER BY o) FROM t",
    "SELECT sum(v) OVER (ORDER BY ts RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) "
    "FROM (SELECT *, TIMESTAMP'2024-01-01 00:00:00' AS ts FROM t)",
])
def test_errors(oracle, query):
    """Spark's analysis errors for window specifications, frames and arguments."""
    def program(sql, spark):
        table(spark)
        return spark.sql(query).collect()
    got, want = oracle.outcomes(program)
    from oracle import Failure, difference
    assert isinstance(want, Failure), "PySpark accepted %s: %r" % (query, want)
    assert difference(got, want) is None, difference(got, want)


def test_dataframe_ranking_and_offsets(oracle):
    """Window.partitionBy/orderBy with the ranking and offset wrappers, as PySpark names them."""
    def program(sql, spark):
        F, W = sql.functions, sql.Window
        w = W.partitionBy("k").orderBy("o", "s")
        return table(spark).select(
            "s", F.row_number().over(w), F.rank().over(w), F.dense_rank().over(w), F.percent_rank().over(w),
            F.cume_dist().over(w), F.ntile(2).over(w), F.lag("v").over(w), F.lag("v", 2, 0).over(w),
            F.lead(F.col("v"), 1, -1).over(w), F.nth_value("v", 2).over(w), F.nth_value("v", 2, True).over(w))
    oracle.check(program)


def test_dataframe_frames(oracle):
    """rowsBetween/rangeBetween with unbounded, current-row and offset boundaries."""
    def program(sql, spark):
        F, W = sql.functions, sql.Window
        w = W.partitionBy("k").orderBy("o")
        return table(spark).select(
            "s", F.sum("v").over(w.rowsBetween(-1, 1)),
            F.sum("v").over(w.rowsBetween(W.unboundedPreceding, W.currentRow)),
            F.count("v").over(w.rangeBetween(-1, W.unboundedFollowing)),
            F.max("v").over(W.partitionBy("k")), F.avg("x").over(W.orderBy(F.col("o").desc()).rowsBetween(-2, 0)),
            F.first("v", True).over(w), F.last("v", ignorenulls=True).over(w), F.count("*").over(w),
            F.collect_list("v").over(w), F.sum("v").over(W.rowsBetween(-1, 0)),
            F.min("s").over(W.orderBy("s").rangeBetween(W.currentRow, W.currentRow)))
    oracle.check(program)


def test_dataframe_with_column(oracle):
    """withColumn and expressions over window columns."""
    def program(sql, spark):
        F, W = sql.functions, sql.Window
        w = W.partitionBy("k").orderBy(F.col("s").desc())
        return (table(spark).withColumn("r", F.row_number().over(w))
                .withColumn("d", F.col("v") - F.lag("v").over(w)).filter("r <= 2"))
    oracle.check(program)


@pytest.mark.parametrize("case", ["no_over", "not_window", "no_order", "filter", "rows_too_big",
                                  "multi_order_range"])
def test_dataframe_errors(oracle, case):
    """DataFrame-API window errors: missing OVER, ordering, WHERE, boundaries and RANGE keys."""
    def program(sql, spark):
        F, W = sql.functions, sql.Window
        df = table(spark)
        w = W.partitionBy("k").orderBy("o")
        if case == "no_over":
            return df.select(F.row_number()).collect()
        if case == "not_window":
            return df.select(F.upper("s").over(w)).collect()
        if case == "no_order":
            return df.select(F.rank().over(W.partitionBy("k"))).collect()
        if case == "filter":
            return df.filter(F.row_number().over(w) == 1).collect()
        if case == "rows_too_big":
            return df.select(F.sum("v").over(W.orderBy("o").rowsBetween(-3000000000, 0))).collect()
        return df.select(F.sum("v").over(W.orderBy("o", "k").rangeBetween(-1, 0))).collect()
    got, want = oracle.outcomes(program)
    from oracle import Failure, difference
    assert isinstance(want, Failure), want
    assert difference(got, want) is None, difference(got, want)


def test_window_exports(oracle):
    """Window and WindowSpec are exported from the sql module, with PySpark's boundary constants."""
    def program(sql, spark):
        W = sql.Window
        return [W.unboundedPreceding, W.unboundedFollowing, W.currentRow,
                type(W.partitionBy("a")).__name__, hasattr(sql, "WindowSpec")]
    oracle.check(program)


def json_folder(tmp, lines):
    """A folder `tmp`/in holding one JSON-lines file of `lines`, for a stream to read."""
    src = os.path.join(tmp, "in")
    os.makedirs(src)
    with open(os.path.join(src, "a.json"), "w") as f:
        f.write(lines)
    return src


def test_streaming_rejects_window_functions(oracle):
    """Non-time window functions are refused on a streaming DataFrame when the query starts."""
    def program(sql, spark, tmp):
        F, W = sql.functions, sql.Window
        src = json_folder(tmp, '{"a": 1}\n{"a": 2}\n')
        stream = spark.readStream.schema("a INT").json(src)
        query = (stream.withColumn("r", F.row_number().over(W.orderBy("a")))
                 .writeStream.format("memory").queryName("win_out").start())
        query.processAllAvailable()
        query.stop()
        return "started"
    oracle.check(program, error="NON_TIME_WINDOW_NOT_SUPPORTED_IN_STREAMING")


def test_streaming_sql_rejects_window_functions(oracle):
    """The same refusal for SQL over a streaming view."""
    def program(sql, spark, tmp):
        src = json_folder(tmp, '{"a": 1}\n')
        spark.readStream.schema("a INT").json(src).createOrReplaceTempView("st")
        query = (spark.sql("SELECT a, sum(a) OVER (ORDER BY a) FROM st")
                 .writeStream.format("memory").queryName("win_sql").start())
        query.processAllAvailable()
        query.stop()
        return "started"
    oracle.check(program, error="NON_TIME_WINDOW_NOT_SUPPORTED_IN_STREAMING")


def test_streaming_window_refusal_names_the_column_and_the_specification(oracle):
    """The message names the window's column as Spark's analyzer does (its alias, `_we0` for
    one inside an expression, else its text) and the specification in upper case."""
    def program(sql, spark, tmp):
        F, W = sql.functions, sql.Window
        src = json_folder(tmp, '{"a": 1, "b": 2}\n')
        stream = spark.readStream.schema("a INT, b INT").json(src)
        numbered = F.row_number().over(W.partitionBy("a").orderBy(F.col("b").desc()))
        messages = []
        for df in (stream.withColumn("n", numbered), stream.select(numbered.alias("m")),
                   stream.select((numbered + 1).alias("x")), stream.select(numbered)):
            try:
                df.writeStream.format("noop").start().processAllAvailable()
            except Exception as e:  # noqa: BLE001 - the message is the result
                messages.append(str(e).strip().splitlines()[:2])
        return messages
    messages = oracle.check(program)
    assert "(as column `_we0`)" in messages[2][0]


def test_window_functions_inside_foreach_batch(oracle):
    """Inside foreachBatch the micro-batch is a plain DataFrame: window functions run."""
    def program(sql, spark, tmp):
        F, W = sql.functions, sql.Window
        src = json_folder(tmp, '{"a": 1, "g": "x"}\n{"a": 2, "g": "x"}\n{"a": 3, "g": "y"}\n')
        out = []

        def batch(df, batch_id):
            w = W.partitionBy("g").orderBy(F.col("a").desc())
            out.extend(tuple(r) for r in df.select("a", F.row_number().over(w), F.sum("a").over(w)).collect())
        query = (spark.readStream.schema("a INT, g STRING").json(src).writeStream
                 .foreachBatch(batch).trigger(availableNow=True).start())
        query.awaitTermination()
        return sorted(out)
    oracle.check(program)


@pytest.mark.parametrize("query", [
    "SELECT k, sum(v), rank() OVER (ORDER BY sum(v)) FROM t GROUP BY k",
    "SELECT sum(sum(v)) OVER (ORDER BY k) FROM t GROUP BY k",
    "SELECT row_number() OVER (ORDER BY o) FROM t GROUP BY o",
    "SELECT k, count(*), row_number() OVER (ORDER BY count(*), k) FROM t GROUP BY k",
    "SELECT k, sum(v) AS total, sum(v) * 100 / sum(sum(v)) OVER () AS pct FROM t GROUP BY k ORDER BY k",
    "SELECT sum(v), count(*) OVER () FROM t",
    "SELECT max(row_number() OVER (ORDER BY o)) FROM t",
    "SELECT k FROM t GROUP BY k HAVING row_number() OVER (ORDER BY k) > 1",
])
def test_windows_over_aggregation(oracle, query):
    """Window functions over GROUP BY results (aggregates inside OVER); none inside aggregates or HAVING."""
    def program(sql, spark):
        table(spark)
        return spark.sql(query).collect()
    got, want = oracle.outcomes(program)
    from oracle import difference
    assert difference(got, want) is None, difference(got, want)
