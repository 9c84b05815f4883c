"""KLL quantile sketches against PySpark 4.1 (Apache DataSketches 6.2 underneath): the
aggregates' bytes below k, n / quantiles / ranks / summary text, merges, the rank error of
compacted sketches, sketches passed between the engines both ways, and the errors."""

import pytest

ROWS = [(1, 1, 10, 1.5, 1.5, "a"), (2, 2, -3, 2.5, 2.5, "a"), (3, 3, 7, -0.5, -0.5, "b"),
        (None, None, None, None, None, "b"), (4, 4, 10, 100.25, 100.25, "a"),
        (5, 5, 0, float("nan"), float("nan"), "b"), (6, 6, 2, 0.0, 0.0, "a")]
SCHEMA = "b TINYINT, s SMALLINT, i INT, d DOUBLE, f FLOAT, g STRING"


def frame(spark):
    """The rows in one partition, in order (a global limit gathers them)."""
    return spark.createDataFrame(ROWS, SCHEMA).limit(100)


def test_sketch_agg_bytes_below_k(oracle):
    """Below k a sketch is exact and its bytes are DataSketches' compact image, item for item
    (one partition, so both engines see the rows in one order); NULL and NaN are skipped."""
    def program(sql, spark):
        F = sql.functions
        return frame(spark).agg(
            F.kll_sketch_agg_bigint("i").alias("i"), F.kll_sketch_agg_bigint("b", 8).alias("b8"),
            F.kll_sketch_agg_bigint("s", 65535).alias("s"), F.kll_sketch_agg_double("d").alias("d"),
            F.kll_sketch_agg_double("f").alias("df"), F.kll_sketch_agg_float("f", 20).alias("f"))
    oracle.check(program)


def test_sketch_agg_bytes_per_group_and_empty(oracle):
    """Per group, one sketch each; no rows, or only NULLs, give the empty sketch (never NULL);
    a single item is the single-item image."""
    def program(sql, spark):
        F = sql.functions
        df = frame(spark)
        return df.groupBy("g").agg(F.kll_sketch_agg_bigint("i").alias("i"),
                                   F.kll_sketch_agg_float("f", 8).alias("f")) \
            .union(df.where("i > 5").groupBy("g").agg(F.kll_sketch_agg_bigint("i"),
                                                       F.kll_sketch_agg_float("f", 8))) \
            .union(df.where("i IS NULL").groupBy("g").agg(F.kll_sketch_agg_bigint("i"),
                                                           F.kll_sketch_agg_float("f")))
    oracle.check(program)
    oracle.check_sql("SELECT hex(kll_sketch_agg_double(x)), hex(kll_merge_agg_double(CAST(NULL AS BINARY))), "
                     "hex(kll_merge_agg_float(CAST(NULL AS BINARY), 50)) FROM VALUES (1.0D) t(x) WHERE x > 1")


def test_readers_below_k(oracle):
    """n, quantiles (INCLUSIVE, a rank or an array of ranks), ranks (an item or an array) and
    the summary text of exact sketches of each type."""
    q = ["kll_sketch_get_n_bigint(kll_sketch_agg_bigint(i))",
         "kll_sketch_get_quantile_bigint(kll_sketch_agg_bigint(i), 0.5)",
         "kll_sketch_get_quantile_bigint(kll_sketch_agg_bigint(i), 1)",
         "kll_sketch_get_quantile_bigint(kll_sketch_agg_bigint(i), array(0.0, 0.1, 0.34, 0.5, 0.99, 1.0))",
         "kll_sketch_get_quantile_bigint(kll_sketch_agg_bigint(i), CAST(NULL AS DOUBLE))",
         "kll_sketch_get_rank_bigint(kll_sketch_agg_bigint(i), 7)",
         "kll_sketch_get_rank_bigint(kll_sketch_agg_bigint(i), array(-100, 0, 2, 10, 11))",
         "kll_sketch_get_n_double(kll_sketch_agg_double(d))",
         "kll_sketch_get_quantile_double(kll_sketch_agg_double(d), array(0.0, 0.2, 0.5, 0.8, 1.0))",
         "kll_sketch_get_rank_double(kll_sketch_agg_double(d), 2.5)",
         "kll_sketch_get_rank_double(kll_sketch_agg_double(d), array(-1.0, 0.0, 1000.0))",
         "kll_sketch_get_n_float(kll_sketch_agg_float(f))",
         "kll_sketch_get_quantile_float(kll_sketch_agg_float(f), 0.7)",
         "kll_sketch_get_rank_float(kll_sketch_agg_float(f), 3)",
         "kll_sketch_get_rank_float(kll_sketch_agg_float(f), array(CAST(1.5 AS FLOAT), 2.5))",
         "kll_sketch_to_string_bigint(kll_sketch_agg_bigint(i))",
         "kll_sketch_to_string_bigint(kll_sketch_agg_bigint(i, 8))",
         "kll_sketch_to_string_double(kll_sketch_agg_double(d))",
         "kll_sketch_to_string_float(kll_sketch_agg_float(f))",
         "kll_sketch_to_string_float(kll_sketch_agg_float(f, 9))",
         "kll_sketch_to_string_bigint(kll_sketch_agg_bigint(CAST(NULL AS INT)))",
         "kll_sketch_get_n_bigint(CAST(NULL AS BINARY))",
         "kll_sketch_to_string_double(NULL)"]
    oracle.check_exprs(q, ROWS, SCHEMA)


def test_merges(oracle):
    """kll_merge_agg_* unions sketches (with k, into a sketch of that k; without, the first
    sketch's k); kll_sketch_merge_* unions two sketches into the left one's k."""
    for engine in (oracle.spate, oracle.pyspark):
        engine.spark.createDataFrame(ROWS, SCHEMA).createOrReplaceTempView("t")
    oracle.check_sql(
        "SELECT kll_sketch_get_n_bigint(kll_merge_agg_bigint(s)) n, "
        "kll_sketch_to_string_bigint(kll_merge_agg_bigint(s)) text, "
        "kll_sketch_get_quantile_bigint(kll_merge_agg_bigint(s), array(0.25, 0.5, 0.75)) q, "
        "kll_sketch_to_string_bigint(kll_merge_agg_bigint(s, 100)) k100, "
        "kll_sketch_get_rank_double(kll_merge_agg_double(sd), 2.5) r, "
        "kll_sketch_to_string_float(kll_merge_agg_float(sf, 8)) f8 "
        "FROM (SELECT g, kll_sketch_agg_bigint(i, 30) s, kll_sketch_agg_double(d) sd, "
        "kll_sketch_agg_float(f) sf FROM t GROUP BY g)")
    oracle.check_exprs(["kll_sketch_to_string_bigint(kll_sketch_merge_bigint(kll_sketch_agg_bigint(i, 50), "
                        "kll_sketch_agg_bigint(i)))",
                        "kll_sketch_get_quantile_double(kll_sketch_merge_double(kll_sketch_agg_double(d), "
                        "kll_sketch_agg_double(d)), array(0.1, 0.5, 0.9))",
                        "kll_sketch_get_n_float(kll_sketch_merge_float(kll_sketch_agg_float(f), "
                        "kll_sketch_agg_float(f)))"], ROWS, SCHEMA)
    # One partition: the bytes of a merge are Spark's item for item.
    def program(sql, spark):
        s = spark.createDataFrame([(1,), (2,), (5,)], "c INT").limit(9).selectExpr("kll_sketch_agg_bigint(c, 30) s")
        return s.selectExpr("hex(kll_merge_agg_bigint(s))", "hex(kll_merge_agg_bigint(s, 20))").union(
            s.selectExpr("hex(kll_sketch_merge_bigint(s, s))", "hex(kll_sketch_merge_float(s, s))"))
    oracle.check(program)


def test_compacted_sketch_within_rank_error(oracle):
    """1e5 items compact the sketch (randomly, in both engines): n stays exact, quantiles and
    ranks are within the sketch's rank error (about 1.3% at k = 200, 15% at k = 8)."""
    def program(sql, spark):
        return spark.range(100000).selectExpr(
            "kll_sketch_agg_bigint(id) s", "kll_sketch_agg_double(CAST(id AS DOUBLE), 8) d",
            "kll_sketch_agg_float(CAST(id AS FLOAT)) f").selectExpr(
            "kll_sketch_get_n_bigint(s) n",
            "abs(kll_sketch_get_quantile_bigint(s, 0.5) - 50000) < 2700 median_ok",
            "abs(kll_sketch_get_rank_bigint(s, 25000) - 0.25) < 0.027 rank_ok",
            "kll_sketch_get_quantile_bigint(s, array(0.0, 1.0)) ends",
            "abs(kll_sketch_get_rank_double(d, 90000.0) - 0.9) < 0.3 rank8_ok",
            "kll_sketch_get_n_double(d) n8", "kll_sketch_get_n_float(kll_sketch_merge_float(f, f)) n2")
    oracle.check(program)


def _bytes(engine, expr, n):
    return bytes(engine.spark.range(n).selectExpr(expr).collect()[0][0])


CROSS = [("kll_sketch_agg_bigint(id * 7 % 1000)", 30000), ("kll_sketch_agg_double(id / 3.0D, 16)", 5000),
         ("kll_sketch_agg_float(CAST(id AS FLOAT), 8)", 777), ("kll_sketch_agg_bigint(id)", 150)]


def _readers(kind, literal):
    s = "X'%s'" % literal.hex()
    return ["kll_sketch_get_n_%s(%s)" % (kind, s), "kll_sketch_to_string_%s(%s)" % (kind, s),
            "kll_sketch_get_quantile_%s(%s, array(0.0, 0.01, 0.3, 0.5, 0.77, 1.0))" % (kind, s),
            "kll_sketch_get_rank_%s(%s, array(%s))" % (kind, s, ", ".join(
                "CAST(%d AS %s)" % (v, kind.upper()) for v in (-1, 0, 3, 100, 500, 999, 10 ** 6)))]


@pytest.mark.parametrize("expr,n", CROSS)
def test_sketches_made_by_spark_read_by_spate(oracle, expr, n):
    """A sketch PySpark made (compacted at random, so only PySpark's bytes pin it) reads the
    same on both engines: n, summary, quantiles, ranks; its self-merge keeps n's doubling."""
    kind = expr.split("kll_sketch_agg_")[1].split("(")[0]
    made = _bytes(oracle.pyspark, expr, n)
    oracle.check_exprs(_readers(kind, made) + [
        "kll_sketch_get_n_%s(kll_sketch_merge_%s(X'%s', X'%s'))" % (kind, kind, made.hex(), made.hex())])


@pytest.mark.parametrize("expr,n", CROSS)
def test_sketches_made_by_spate_read_by_spark(oracle, expr, n):
    """A sketch Spate made reads in PySpark as in Spate: same n, summary, quantiles, ranks,
    so Spate's bytes are DataSketches' format."""
    kind = expr.split("kll_sketch_agg_")[1].split("(")[0]
    oracle.check_exprs(_readers(kind, _bytes(oracle.spate, expr, n)))


def test_merge_agg_of_spark_sketches(oracle):
    """kll_merge_agg_* over sketches PySpark made (with different k): the union's n and its
    summary agree."""
    a = _bytes(oracle.pyspark, "kll_sketch_agg_bigint(id, 50)", 20000)
    b = _bytes(oracle.pyspark, "kll_sketch_agg_bigint(id % 77)", 300)
    oracle.check_sql("SELECT kll_sketch_get_n_bigint(kll_merge_agg_bigint(s)), "
                     "kll_sketch_get_n_bigint(kll_merge_agg_bigint(s, 300)) "
                     "FROM VALUES (X'%s'), (X'%s'), (NULL) t(s)" % (a.hex(), b.hex()))


def _query(text):
    def program(sql, spark):
        spark.createDataFrame(ROWS, SCHEMA).createOrReplaceTempView("t")
        return spark.sql(text).collect()
    return program


def test_argument_errors(oracle):
    """Spark's analysis errors: k outside [8, 65535], not constant, NULL or not INT; items of a
    type the sketch does not take (no implicit casts); ranks / items not constant or of the
    wrong type; wrong numbers of arguments."""
    cases = [
        ("SELECT kll_sketch_agg_bigint(i, 7) FROM t", "DATATYPE_MISMATCH.TYPE_CHECK_FAILURE_WITH_HINT"),
        ("SELECT kll_sketch_agg_double(d, 65536) FROM t", "DATATYPE_MISMATCH.TYPE_CHECK_FAILURE_WITH_HINT"),
        ("SELECT kll_merge_agg_float(CAST(NULL AS BINARY), 2) FROM t",
         "DATATYPE_MISMATCH.TYPE_CHECK_FAILURE_WITH_HINT"),
        ("SELECT kll_sketch_agg_bigint(i, i) FROM t", "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT"),
        ("SELECT kll_sketch_agg_bigint(i, CAST(NULL AS INT)) FROM t", "DATATYPE_MISMATCH.UNEXPECTED_NULL"),
        ("SELECT kll_sketch_agg_bigint(i, 10L) FROM t", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
        ("SELECT kll_sketch_agg_bigint(d) FROM t", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
        ("SELECT kll_sketch_agg_bigint(g) FROM t", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
        ("SELECT kll_sketch_agg_double(i) FROM t", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
        ("SELECT kll_sketch_agg_float(d) FROM t", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
        ("SELECT kll_merge_agg_bigint(i) FROM t", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
        ("SELECT kll_sketch_get_quantile_bigint(X'02010F01C8000800', d) FROM t",
         "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT"),
        ("SELECT kll_sketch_get_rank_double(X'02010F01C8000800', d) FROM t",
         "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT"),
        ("SELECT kll_sketch_get_quantile_bigint(kll_sketch_agg_bigint(i), true) FROM t",
         "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
        ("SELECT kll_sketch_get_n_bigint(1)", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
        ("SELECT kll_sketch_merge_bigint(X'00')", "WRONG_NUM_ARGS.WITHOUT_SUGGESTION"),
    ]
    for text, condition in cases:
        oracle.check(_query(text), error=condition)


def test_runtime_errors(oracle):
    """Bytes that are not a sketch are KLL_INVALID_INPUT_SKETCH_BUFFER (also an empty sketch
    asked for a quantile or rank); a rank outside [0, 1] is KLL_SKETCH_INVALID_QUANTILE_RANGE."""
    empty = "kll_sketch_agg_bigint(CAST(NULL AS INT))"
    cases = [
        ("SELECT kll_sketch_get_n_bigint(X'0102')", "KLL_INVALID_INPUT_SKETCH_BUFFER"),
        ("SELECT kll_sketch_to_string_double(X'0501FF00C80008000300000000000000')", "KLL_INVALID_INPUT_SKETCH_BUFFER"),
        ("SELECT kll_sketch_merge_bigint(X'00', %s)" % empty, "KLL_INVALID_INPUT_SKETCH_BUFFER"),
        ("SELECT kll_merge_agg_bigint(s) FROM VALUES (X'00') t(s)", "KLL_INVALID_INPUT_SKETCH_BUFFER"),
        ("SELECT kll_sketch_get_quantile_bigint(%s, 0.5)" % empty, "KLL_INVALID_INPUT_SKETCH_BUFFER"),
        ("SELECT kll_sketch_get_rank_bigint(%s, 1)" % empty, "KLL_INVALID_INPUT_SKETCH_BUFFER"),
        ("SELECT kll_sketch_get_quantile_bigint(kll_sketch_agg_bigint(1), 1.5)",
         "KLL_SKETCH_INVALID_QUANTILE_RANGE"),
        ("SELECT kll_sketch_get_quantile_float(kll_sketch_agg_float(1.0F), array(0.5, -0.1))",
         "KLL_SKETCH_INVALID_QUANTILE_RANGE"),
    ]
    for text, condition in cases:
        oracle.check(_query(text), error=condition)


def test_python_api_columns(oracle):
    """The pyspark.sql.functions forms: k as an int, ranks and items as Columns."""
    def program(sql, spark):
        F = sql.functions
        s = spark.range(10).select(F.kll_sketch_agg_bigint("id", 16).alias("s"),
                                   F.kll_sketch_agg_double(F.col("id").cast("double")).alias("d"))
        return s.select(F.kll_sketch_get_n_bigint("s"), F.kll_sketch_get_quantile_bigint("s", F.lit(0.5)),
                        F.kll_sketch_get_rank_bigint("s", F.lit(3)),
                        F.kll_sketch_get_quantile_double("d", F.array(F.lit(0.1), F.lit(0.9))),
                        F.kll_sketch_to_string_double("d"),
                        F.kll_sketch_get_n_bigint(F.kll_sketch_merge_bigint("s", "s")))
    oracle.check(program, show={"truncate": False})


def test_streaming_aggregation_keeps_sketches_in_state(oracle):
    """A streaming kll_sketch_agg_bigint per key in complete mode: each micro-batch's sketch is
    merged into the one kept in the state store; the sketches read as PySpark's."""
    from test_streaming_programs import events, memory_table

    def program(sql, spark, tmp):
        f = sql.functions
        sketches = events(spark, tmp).groupBy("user").agg(f.kll_sketch_agg_bigint("amount", 8).alias("s"))
        memory_table(spark, sketches.writeStream.outputMode("complete"), tmp, "kll_state")
        return spark.sql("SELECT user, kll_sketch_get_n_bigint(s) n, kll_sketch_to_string_bigint(s) text, "
                         "kll_sketch_get_quantile_bigint(s, array(0.0, 0.5, 1.0)) q FROM kll_state")
    oracle.check(program)
