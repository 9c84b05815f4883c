"""Sketch functions against PySpark 4.1: Spark's bitmaps byte for byte, and DataSketches' Theta
and HLL sketches (their serialized bytes where the sketch is exact, estimates otherwise, and
sketches passed between the engines as bytes)."""

import pytest

POSITIONS = [(1, 1), (1, 3), (1, 3), (1, None), (2, 0), (2, 32767), (3, None)]
POSITION_SCHEMA = "g INT, x BIGINT"


def test_bitmap_positions(oracle):
    """bitmap_bucket_number / bitmap_bit_position: 1..32768 is bucket 1 at bits 0..32767; zero
    and negatives count down from bucket 0; numbers and strings cast to BIGINT."""
    values = [0, 1, 2, 32767, 32768, 32769, -1, -32767, -32768, -32769,
              9223372036854775807, -9223372036854775808]
    exprs = []
    for v in values:
        exprs += ["bitmap_bucket_number(%dL)" % v if v != -9223372036854775808 else
                  "bitmap_bucket_number(-9223372036854775807L - 1)",
                  "bitmap_bit_position(%dL)" % v if v != -9223372036854775808 else
                  "bitmap_bit_position(-9223372036854775807L - 1)"]
    exprs += ["bitmap_bit_position(1Y)", "bitmap_bucket_number(2S)", "bitmap_bit_position(3)",
              "bitmap_bit_position('7')", "bitmap_bucket_number(40000.5D)", "bitmap_bit_position(NULL)",
              "bitmap_bucket_number(x)", "bitmap_bit_position(x)"]
    oracle.check_exprs(exprs, [(5,), (None,), (-70000,)], "x BIGINT")


def test_bitmap_construct_and_count(oracle):
    """bitmap_construct_agg sets each position's bit of a 4096-byte bitmap (NULLs skipped; a
    group of NULLs gives the zero bitmap, never NULL); bitmap_count counts its bits."""
    oracle.check_sql(
        "SELECT g, bitmap_construct_agg(x) AS b, bitmap_count(bitmap_construct_agg(x)) AS n "
        "FROM VALUES (1, 1L), (1, 3L), (1, 3L), (1, NULL), (2, 0L), (2, 32767L), (3, NULL) t(g, x) "
        "GROUP BY g")
    oracle.check_sql("SELECT bitmap_construct_agg(x) FROM VALUES (1) t(x) WHERE x > 1")
    for value in ["'5'", "2.7D", "1Y", "CAST(9 AS DECIMAL(5, 2))"]:
        oracle.check_sql("SELECT bitmap_construct_agg(x) FROM VALUES (%s) t(x)" % value)


def test_bitmap_distinct_count_pattern(oracle):
    """The documented pattern: exact distinct counts from bucket, position and bitmap_count."""
    oracle.check_sql(
        "SELECT sum(n) FROM (SELECT bitmap_bucket_number(x) AS b, "
        "bitmap_count(bitmap_construct_agg(bitmap_bit_position(x))) AS n "
        "FROM VALUES (1L), (2L), (2L), (32768L), (32769L), (-5L), (0L), (100000L) t(x) GROUP BY 1)")


def test_bitmap_or_and_agg(oracle):
    """bitmap_or_agg ORs over the common length; bitmap_and_agg starts from all ones and zeroes
    the bytes past a shorter input; both give 4096 bytes, NULL inputs skipped."""
    oracle.check_sql(
        "SELECT g, bitmap_or_agg(b) AS o, bitmap_and_agg(b) AS a FROM VALUES "
        "(1, X'01'), (1, X'0200'), (1, NULL), (2, X'03FF'), (2, X'02'), (3, X'0102030405'), (3, X'FF'), "
        "(4, NULL) t(g, b) GROUP BY g")
    oracle.check_sql("SELECT bitmap_and_agg(b), bitmap_or_agg(b) FROM VALUES (X'03') t(b) WHERE b IS NULL")


def test_bitmap_count_values(oracle):
    """bitmap_count of any BINARY: the number of one bits (NULL for NULL)."""
    oracle.check_exprs(["bitmap_count(X'0F01')", "bitmap_count(X'')", "bitmap_count(X'FFFF80')",
                        "bitmap_count(CAST(NULL AS BINARY))", "bitmap_count(b)"],
                       [(b"\x01\x02",), (None,)], "b BINARY")


def test_bitmap_errors(oracle):
    """Positions outside [0, 32768) are INVALID_BITMAP_POSITION; bitmap_count and the OR/AND
    aggregates take BINARY only (not even NULL); positions take numbers or strings."""
    oracle.check_sql("SELECT bitmap_construct_agg(x) FROM VALUES (-1L), (3L) t(x)",
                     error="INVALID_BITMAP_POSITION")
    oracle.check_sql("SELECT bitmap_construct_agg(x) FROM VALUES (32768L) t(x)",
                     error="INVALID_BITMAP_POSITION")
    for text in ["bitmap_count('abc')", "bitmap_count(1)", "bitmap_count(NULL)",
                 "bitmap_bit_position(true)", "bitmap_bucket_number(DATE'2020-01-01')"]:
        oracle.check_exprs([text])
    for text in ["SELECT bitmap_or_agg(x) FROM VALUES ('a') t(x)",
                 "SELECT bitmap_and_agg(x) FROM VALUES (1) t(x)",
                 "SELECT bitmap_or_agg(x) FROM VALUES (NULL) t(x)",
                 "SELECT bitmap_construct_agg(x) FROM VALUES (true) t(x)"]:
        oracle.check_sql(text, error="DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE")


def test_bitmap_dataframe_api(oracle):
    """The Python functions build the same calls as PySpark's."""
    def program(sql, spark):
        F = sql.functions
        df = spark.createDataFrame(POSITIONS, POSITION_SCHEMA)
        agg = df.groupBy("g").agg(F.bitmap_construct_agg(F.bitmap_bit_position("x")).alias("b"))
        return agg.select("g", F.bitmap_count("b"), F.bitmap_bucket_number(F.col("g")),
                          "b").union(
            agg.groupBy("g").agg(F.bitmap_count(F.bitmap_or_agg("b")), F.lit(0).cast("bigint"),
                                 F.bitmap_and_agg("b")))
    oracle.check(program)


ITEMS = [(1, 1, 1, 1.5, 1.5, "a", b"a", [1, 2], [1, 2]),
         (1, 2, 2, -0.0, -0.0, "", b"", [], []),
         (1, 2, 2, 0.0, 0.0, "b", b"\x00\xff", [3], [3]),
         (1, None, None, float("nan"), float("nan"), None, None, None, None),
         (2, -7, -7, float("inf"), float("-inf"), "héllo", b"xyz", [-1], [-1]),
         (3, None, None, None, None, None, None, None, None)]
ITEM_SCHEMA = ("g INT, i INT, l BIGINT, f FLOAT, d DOUBLE, s STRING, b BINARY, ai ARRAY<INT>, "
               "al ARRAY<BIGINT>")


def _items_view(sql, spark):
    spark.createDataFrame(ITEMS, ITEM_SCHEMA).createOrReplaceTempView("items")


def test_theta_sketch_agg_exact_bytes(oracle):
    """theta_sketch_agg of each accepted type gives DataSketches' compact bytes (empty,
    single-item and compressed forms): INT as BIGINT, FLOAT as DOUBLE, -0.0 as 0.0, one NaN,
    empty strings/binaries/arrays and NULLs skipped; the name shows the default 12."""
    def sketches_of(c):
        def program(sql, spark):
            _items_view(sql, spark)
            return spark.sql("SELECT g, theta_sketch_agg(%s) AS sk, theta_sketch_agg(%s, 4), "
                             "theta_sketch_estimate(theta_sketch_agg(%s)) AS n FROM items GROUP BY g"
                             % (c, c, c))
        return program
    for c in ["i", "l", "f", "d", "s", "b", "ai", "al"]:
        oracle.check(sketches_of(c))


def test_theta_estimation_mode(oracle):
    """More distinct values than 2^lgNomEntries: the sketch keeps the k least hashes and theta
    is the next one (serial version 4 with theta); estimates agree."""
    def program(sql, spark):
        spark.range(10000).createOrReplaceTempView("r")
        return spark.sql("SELECT theta_sketch_agg(id, 4) AS a, theta_sketch_agg(id) AS b, "
                         "theta_sketch_estimate(theta_sketch_agg(id, 5)) AS c, "
                         "theta_sketch_estimate(theta_sketch_agg(id)) AS d FROM r")
    oracle.check(program)

    def strings(sql, spark):
        spark.range(5000).createOrReplaceTempView("r")
        return spark.sql("SELECT id % 3 AS g, theta_sketch_estimate(theta_sketch_agg(CAST(id AS STRING), 6)) "
                         "FROM r GROUP BY 1")
    oracle.check(strings)


SETS = ("SELECT g, theta_sketch_agg(x) AS sk, theta_sketch_agg(x, 4) AS small FROM VALUES "
        "(1, 1), (1, 2), (1, 3), (2, 2), (2, 3), (2, 4), (3, 9), (4, NULL) t(g, x) GROUP BY g")


def test_theta_set_aggregates(oracle):
    """theta_union_agg / theta_intersection_agg over sketches (NULLs skipped); an empty
    sketch empties an intersection; different lgNomEntries mix in a union."""
    def program(sql, spark):
        spark.sql(SETS).createOrReplaceTempView("sets")
        return spark.sql(
            "SELECT theta_union_agg(sk) AS u, theta_union_agg(sk, 5) AS u5, theta_intersection_agg(sk) AS n, "
            "theta_sketch_estimate(theta_union_agg(small)) AS us, "
            "theta_sketch_estimate(theta_intersection_agg(sk)) AS ne FROM sets")
    oracle.check(program)

    def grouped(sql, spark):
        spark.sql(SETS).createOrReplaceTempView("sets")
        return spark.sql(
            "SELECT g < 3 AS k, theta_union_agg(sk) AS u, theta_intersection_agg(sk) AS n, "
            "theta_sketch_estimate(theta_union_agg(sk)) AS e FROM sets WHERE g < 4 GROUP BY 1")
    oracle.check(grouped)


def test_theta_set_functions(oracle):
    """theta_union / theta_intersection / theta_difference of two sketches per row (NULL for
    a NULL), with DataSketches' empty-set rules."""
    def program(sql, spark):
        spark.sql(SETS).createOrReplaceTempView("sets")
        return spark.sql(
            "SELECT a.g AS ga, b.g AS gb, theta_union(a.sk, b.sk) AS u, theta_union(a.sk, b.small, 6) AS u6, "
            "theta_intersection(a.sk, b.sk) AS n, theta_difference(a.sk, b.sk) AS d, "
            "theta_sketch_estimate(theta_union(a.sk, b.sk)) AS ue, "
            "theta_sketch_estimate(theta_intersection(a.small, b.sk)) AS ne, "
            "theta_sketch_estimate(theta_difference(a.sk, b.small)) AS de "
            "FROM sets a CROSS JOIN sets b")
    oracle.check(program)
    oracle.check_exprs(["theta_intersection(X'01030300001e0000', NULL)", "theta_sketch_estimate(NULL)",
                        "theta_union(X'01030300001e0000', X'01030300001e0000')"])


def test_theta_large_set_operations(oracle):
    """Set operations of estimating sketches keep the least theta; estimates agree."""
    def program(sql, spark):
        spark.range(10000).createOrReplaceTempView("r")
        return spark.sql(
            "SELECT theta_sketch_estimate(theta_union(a, b)) AS u, theta_sketch_estimate(theta_intersection(a, b)) "
            "AS n, theta_sketch_estimate(theta_difference(a, b)) AS d, theta_union(a, b, 4) AS u4 FROM "
            "(SELECT theta_sketch_agg(CASE WHEN id < 6000 THEN id END, 8) AS a, "
            "theta_sketch_agg(CASE WHEN id >= 3000 THEN id END, 9) AS b FROM r)")
    oracle.check(program)


# Sketches PySpark 4.1 produced: theta_sketch_agg over 1, 2, 3; over range(100) with
# lgNomEntries 4 and over range(40, 200) with 5 (both estimating); and the empty sketch.
SPARK_THETA = [
    "X'0104033e011acc930316861af72df7e4558fbe9c3477e9eaefb2e5966badaa3dc0'",
    "X'0204033a011acc936a918b0b0be72c0f1057e1c72df6c88282f9cf6d19e16f188993241a609050d48321d8ac4ad90e37b3cdc48c"
    "be847cf84cd7d310b26b31ad78c3b4a027f8c606fbd5e208e2a84314369cdf9230678cf87f915eba7a2652b374198ceeb08aad29bc2f"
    "2322b464d242759fd19422faf31a4354a9e08545494be26bed49d1'",
    "X'0204033a011acc93f328775e8c381f13201bac45932cdd3e8f0d6066b27ad100520ed1fdf10dfa3d7e0b58b9f78712cb61802a81"
    "4e889559bd802459f202b950123d9014ab8433ff2c8a3805d03f59800e348238aa10c50da737e48c19e33e1fe4746be0fd050e790a"
    "424c01568a8780b433a070d93a60dc43badb2a214c3850207b4c8bcb9277afe25b433d02759fd19422faf31a4354a9e085444a7a02"
    "53ec6e1b3fb478060036ed84f110b720ac90825ffba44a9a7cb4c67b1cbaa76fb21bc278cab2727647b24edeffab8815195876e9b0"
    "5eac77d3e7b731163a0f108ee7f8613086ffa22ed65e8cf0462a49546e9a547c3d7c5dcb1190'",
    "X'01030300001e0000'"]


def test_theta_sketches_from_spark(oracle):
    """Sketch bytes written by Spark are read, estimated and merged by Spate."""
    exprs = []
    for a in SPARK_THETA:
        exprs.append("theta_sketch_estimate(%s)" % a)
        for b in SPARK_THETA:
            exprs += ["theta_union(%s, %s)" % (a, b), "theta_intersection(%s, %s)" % (a, b),
                      "theta_difference(%s, %s)" % (a, b)]
    oracle.check_exprs(exprs)


def test_theta_sketches_from_spate(oracle):
    """Sketch bytes written by Spate are read by Spark: same estimates, same union bytes."""
    query = ("SELECT theta_sketch_agg(id %% 500, %d) AS sk FROM r")
    for engine in (oracle.spate, oracle.pyspark):
        engine.spark.range(3000).createOrReplaceTempView("r")
    for lg in (4, 12):
        mine = oracle.spate.spark.sql(query % lg).collect()[0][0]
        theirs = oracle.pyspark.spark.sql(query % lg).collect()[0][0]
        assert bytes(mine) == bytes(theirs)
        literal = "X'%s'" % bytes(mine).hex()
        check = "SELECT theta_sketch_estimate(%s) AS e, theta_union(%s, %s) AS u" % (literal, literal, literal)
        got = oracle.spate.spark.sql(check).collect()[0]
        want = oracle.pyspark.spark.sql(check).collect()[0]
        assert got[0] == want[0] and bytes(got[1]) == bytes(want[1])
    for engine in (oracle.spate, oracle.pyspark):
        engine.drop_views()


def test_theta_errors(oracle):
    """Spark's errors: unsupported item types, a BIGINT or non-constant lgNomEntries, one
    outside [4, 26] (NULL counts as 0), bytes that are no Theta sketch, non-BINARY sketches."""
    for text, error in [
            ("SELECT theta_sketch_agg(x) FROM VALUES (1Y) t(x)", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
            ("SELECT theta_sketch_agg(x) FROM VALUES (1.5) t(x)", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
            ("SELECT theta_sketch_agg(x) FROM VALUES (true) t(x)", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
            ("SELECT theta_sketch_agg(x, 5L) FROM VALUES (1) t(x)", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
            ("SELECT theta_sketch_agg(x, x) FROM VALUES (1) t(x)", "THETA_LG_NOM_ENTRIES_MUST_BE_CONSTANT"),
            ("SELECT theta_sketch_agg(x, 3) FROM VALUES (1) t(x)", "THETA_INVALID_LG_NOM_ENTRIES"),
            ("SELECT theta_sketch_agg(x, 27) FROM VALUES (1) t(x)", "THETA_INVALID_LG_NOM_ENTRIES"),
            ("SELECT theta_sketch_agg(x, NULL) FROM VALUES (1) t(x)", "THETA_INVALID_LG_NOM_ENTRIES"),
            ("SELECT theta_union_agg(x) FROM VALUES (X'0102') t(x)", "THETA_INVALID_INPUT_SKETCH_BUFFER"),
            ("SELECT theta_union_agg(x) FROM VALUES ('a') t(x)", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
            ("SELECT theta_intersection_agg(x) FROM VALUES (1) t(x)",
             "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
            ("SELECT theta_sketch_estimate(X'0102')", "THETA_INVALID_INPUT_SKETCH_BUFFER"),
            ("SELECT theta_sketch_estimate('a')", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
            ("SELECT theta_difference(X'0102', X'01030300001e0000')", "THETA_INVALID_INPUT_SKETCH_BUFFER"),
            ("SELECT theta_union(X'01030300001e0000', X'01030300001e0000', 30)", "THETA_INVALID_LG_NOM_ENTRIES"),
            ("SELECT theta_intersection(X'01030300001e0000', 1)", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE")]:
        oracle.check_sql(text, error=error)


def test_theta_dataframe_api(oracle):
    """The Python functions, with lgNomEntries as an int or a Column."""
    def program(sql, spark):
        F = sql.functions
        df = spark.createDataFrame([(1, 1), (1, 2), (2, 2), (2, 3), (2, None)], "g INT, x INT")
        sk = df.groupBy("g").agg(F.theta_sketch_agg("x").alias("a"), F.theta_sketch_agg(F.col("x"), 5).alias("b"),
                                 F.theta_sketch_agg("x", F.lit(6)).alias("c"))
        pairs = sk.alias("l").crossJoin(sk.alias("r"))
        return pairs.select(F.col("l.g"), F.col("r.g"), F.theta_union("l.a", "r.a"), F.theta_union("l.a", "r.b", 7),
                            F.theta_intersection("l.a", "r.a"), F.theta_difference("l.a", "r.a"),
                            F.theta_sketch_estimate("l.c")).union(
            sk.agg(F.lit(0), F.lit(0), F.theta_union_agg("a"), F.theta_union_agg("b", 4),
                   F.theta_intersection_agg("a"), F.theta_union_agg("c"), F.lit(0).cast("bigint")))
    oracle.check(program)


def test_sketches_in_streaming_aggregation_across_restart(oracle):
    """Sketch aggregates keep their state (the sketch bytes) in a streaming aggregation: a query
    restarted from its checkpoint merges the stored sketches with the new rows."""
    def program(sql, spark, tmp):
        import json
        import os
        f = sql.functions
        source = os.path.join(tmp, "in")
        os.makedirs(source)

        def write(i, rows):
            path = os.path.join(source, "part-%03d.json" % i)
            with open(path, "w") as out:
                for user, n in rows:
                    out.write(json.dumps({"user": user, "n": n}) + "\n")
            os.utime(path, (1_700_000_000 + i * 10, 1_700_000_000 + i * 10))

        def run():
            stream = spark.readStream.schema("user STRING, n BIGINT").option("maxFilesPerTrigger", 1).json(source)
            agg = stream.groupBy("user").agg(f.theta_sketch_agg("n").alias("theta"),
                                             f.bitmap_construct_agg("n").alias("bits"),
                                             f.count("*").alias("rows"))
            query = (agg.writeStream.outputMode("complete").format("memory").queryName("sketches")
                     .option("checkpointLocation", os.path.join(tmp, "cp")).trigger(availableNow=True).start())
            query.awaitTermination()

        write(0, [("ann", 1), ("bob", 2), ("ann", 3)])
        write(1, [("ann", 3), ("bob", 5)])
        run()
        write(2, [("ann", 7), ("cid", 1), ("bob", 2)])
        run()
        return spark.sql("SELECT user, theta, theta_sketch_estimate(theta) AS n, bitmap_count(bits) AS b, rows, "
                         "bits FROM sketches")
    oracle.check(program)
