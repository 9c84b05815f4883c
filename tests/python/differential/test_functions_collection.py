"""Arrays, maps, generators and higher-order functions against PySpark 4.1."""

ARRAYS = [(1, [1, 2, 2, None, 3], [3, 4, None], 2),
          (2, [], [1], 1),
          (3, None, [5], None),
          (4, [5, 6], None, 3)]
ARRAY_SCHEMA = "id INT, a ARRAY<INT>, b ARRAY<INT>, n INT"


def test_append_prepend_insert_remove(oracle):
    """array_append/prepend/insert/remove/position/compact: NULL arrays, NULL values, coercion."""
    oracle.check_exprs([
        "array_append(a, n)", "array_append(a, NULL)", "array_append(a, 5L)",
        "array_prepend(a, n)", "array_prepend(a, NULL)",
        "array_insert(a, 2, n)", "array_insert(a, -1, 9)", "array_insert(a, 6, 9)",
        "array_insert(a, -6, 9)", "array_insert(a, n, 7)", "array_insert(a, 1, NULL)",
        "array_remove(a, 2)", "array_remove(a, n)", "array_remove(a, NULL)",
        "array_position(a, 2)", "array_position(a, n)", "array_position(a, 9L)",
        "array_compact(a)", "array_compact(b)",
    ], rows=ARRAYS, schema=ARRAY_SCHEMA)


def test_array_value_errors(oracle):
    """Spark's DATATYPE_MISMATCH errors and INVALID_INDEX_OF_ZERO of the array-and-value functions."""
    oracle.check_exprs(["array_append(array(1, 2), 'a')"])
    oracle.check_exprs(["array_append(array(1, 2), 1.5)"])
    oracle.check_exprs(["array_insert(array(1, 2), 2L, 9)"])
    oracle.check_exprs(["array_insert(array(1, 2), 0, 9)"])
    oracle.check_exprs(["array_position(array(1, 2), 'a')"])
    oracle.check_exprs(["array_remove(1, 1)"])


def test_set_functions(oracle):
    """array_union/intersect/except/distinct and arrays_overlap: order of first occurrence, one NULL, types."""
    oracle.check_exprs([
        "array_union(a, b)", "array_intersect(a, b)", "array_except(a, b)", "array_except(b, a)",
        "arrays_overlap(a, b)", "array_distinct(a)",
        "array_union(array(1, 2, 2, NULL), array(3, 1, NULL, 4.5))",
        "array_except(array(1, 2, 2, 3, NULL, NULL), array(2L))",
        "array_intersect(array(1, 2), array(1, NULL))",
        "arrays_overlap(array(), array(NULL))", "arrays_overlap(array(1, NULL), array(2, 3))",
        "arrays_overlap(array(1, 2), array(2, 3))",
        "array_union(array(0.0D, CAST('NaN' AS DOUBLE)), array(-0.0D, CAST('NaN' AS DOUBLE)))",
    ], rows=ARRAYS, schema=ARRAY_SCHEMA)
    oracle.check_exprs(["array_union(array(1), array('a'))"])
    oracle.check_exprs(["arrays_overlap(array(1), NULL)"])


def test_max_min_sort_reverse(oracle):
    """array_max/min (NaN highest), array_sort (NULLs last), sort_array, reverse of arrays and strings."""
    oracle.check_exprs([
        "array_max(a)", "array_min(a)", "array_sort(a)", "sort_array(a)", "sort_array(a, false)",
        "reverse(a)", "reverse(CAST(id AS STRING))",
        "array_max(array(1.0D, CAST('NaN' AS DOUBLE), NULL))",
        "array_min(array(1.0D, CAST('NaN' AS DOUBLE), NULL))",
        "array_sort(array(CAST('NaN' AS DOUBLE), 1.0D, NULL, -1.0D))",
        "array_max(array())", "array_max(array('b', 'a', NULL))",
        "sort_array(array(CAST('NaN' AS DOUBLE), 1.0D, NULL, -1.0D))",
        "sort_array(array(CAST('NaN' AS DOUBLE), 1.0D, NULL, -1.0D), false)",
    ], rows=ARRAYS, schema=ARRAY_SCHEMA)
    oracle.check_exprs(["array_max(array(map(1, 2)))"])


def test_size_get_slice(oracle):
    """array_size, cardinality, get, element_at, try_element_at, slice; ANSI index errors."""
    oracle.check_exprs([
        "array_size(a)", "cardinality(a)", "size(a)", "get(a, 1)", "get(a, 10)", "get(a, -1)",
        "try_element_at(a, 10)", "try_element_at(a, -1)", "element_at(a, -1)",
        "slice(a, 2, 2)", "slice(a, -2, 5)", "slice(a, 10, 2)", "slice(a, -10, 2)", "slice(a, n, 1)",
        "try_element_at(map(1, 'a'), 2)",
    ], rows=ARRAYS, schema=ARRAY_SCHEMA)
    for text in ["element_at(array(1, 2), 5)", "array(1, 2)[5]", "try_element_at(array(1, 2), 0)",
                 "slice(array(1, 2), 0, 1)", "slice(array(1, 2), 1, -1)", "array_size(map(1, 2))",
                 "get(map(1, 2), 1)"]:
        oracle.check_exprs([text])


def test_repeat_zip_flatten(oracle):
    """array_repeat, arrays_zip (field names), flatten with NULL inner arrays."""
    oracle.check_exprs([
        "array_repeat(n, 2)", "array_repeat('x', n)", "array_repeat(NULL, 2)", "array_repeat(1, -1)",
        "arrays_zip(a, b)", "arrays_zip(a, array('x'))", "arrays_zip()",
        "flatten(array(a, b))", "flatten(array(array(1), NULL))",
    ], rows=ARRAYS, schema=ARRAY_SCHEMA)
    oracle.check_exprs(["array_repeat(1, 2L)"])


def test_sequence(oracle):
    """sequence over integers, dates and timestamps with interval steps (month ends clamp)."""
    oracle.check_exprs([
        "sequence(1, 5)", "sequence(5, 1)", "sequence(1, 5, 2)", "sequence(1, 1, 0)", "sequence(1L, 3)",
        "sequence(CAST(1 AS TINYINT), CAST(3 AS TINYINT))", "sequence(1, 3, 1L)", "sequence(1, NULL)",
        "sequence(DATE'2024-01-30', DATE'2024-05-01', INTERVAL 1 MONTH)",
        "sequence(DATE'2024-01-01', DATE'2024-01-05')",
        "sequence(DATE'2024-01-05', DATE'2024-01-01')",
        "sequence(DATE'2024-01-01', DATE'2024-01-09', INTERVAL 2 DAY)",
        "sequence(TIMESTAMP'2024-01-01 00:00:00', TIMESTAMP'2024-01-01 03:00:00', INTERVAL 1 HOUR)",
        "sequence(TIMESTAMP'2024-01-31 10:00:00', TIMESTAMP'2024-05-01 00:00:00', INTERVAL 1 MONTH)",
    ])
    oracle.check_exprs(["sequence(1.5, 3)"])


def test_shuffle(oracle):
    """shuffle keeps the type; one-element and NULL arrays are deterministic."""
    oracle.check_exprs(["shuffle(array(1))", "shuffle(CAST(NULL AS ARRAY<INT>))", "shuffle(array())"])


MAPS = [(1, {1: "a", 2: "b"}, {1: "x", 3: "z"}), (2, {}, {5: None}), (3, None, {1: "q"})]
MAP_SCHEMA = "id INT, m MAP<INT, STRING>, m2 MAP<INT, STRING>"


def test_map_functions(oracle):
    """map_concat, map_contains_key, map_entries, map_from_entries, map_keys/values, map_from_arrays."""
    oracle.check_exprs([
        "map_contains_key(m, 1)", "map_contains_key(m, 1L)", "map_entries(m)", "map_keys(m)",
        "map_values(m)", "map_concat(m, map(9, 'n'))", "map_concat()",
        "map_concat(map(1, 'a'), map(2L, 'b'))",
        "map_from_entries(array(struct(1, 'a'), struct(2, 'b')))",
        "map_from_entries(array(struct(1, 'a'), NULL))",
        "map_from_entries(array(named_struct('x', 1, 'y', 2)))",
        "map_from_arrays(array(1, 2), array('a', NULL))",
    ], rows=MAPS, schema=MAP_SCHEMA)
    for text in ["map_concat(map(1, 'a'), map(1, 'b'))", "map_concat(map(1, 'a'), NULL)",
                 "map_contains_key(map(1, 'a'), NULL)", "map_contains_key(map(1, 'a'), 'x')",
                 "map_from_entries(array(struct(1, 'a'), struct(1, 'b')))",
                 "map_from_arrays(array(1, 1), array('a', 'b'))", "map(1, 'a', 1, 'b')"]:
        oracle.check_exprs([text])


def test_lambdas_over_arrays(oracle):
    """transform, filter, exists, forall, aggregate, reduce, zip_with, array_sort with a comparator."""
    oracle.check_exprs([
        "transform(a, x -> x + 1)", "transform(a, (x, i) -> x * i)", "transform(a, x -> x + n)",
        "transform(a, x -> CAST(NULL AS INT))", "transform(a, x -> transform(b, y -> x * y))",
        "filter(a, x -> x > 1)", "filter(a, (x, i) -> i > 0)",
        "exists(a, x -> x > 2)", "exists(a, x -> x > 5)", "forall(a, x -> x > 0)", "forall(b, x -> x > 3)",
        "aggregate(a, 0, (acc, x) -> acc + x)", "aggregate(a, 0L, (acc, x) -> acc + coalesce(x, 0))",
        "aggregate(a, 0, (acc, x) -> acc + coalesce(x, 0), acc -> acc * 10)",
        "reduce(a, 0.0D, (acc, x) -> acc + coalesce(x, 0))",
        "zip_with(a, b, (x, y) -> coalesce(x, 0) + coalesce(y, 0))",
        "zip_with(a, array('p'), (x, y) -> concat(y, x))",
        "array_sort(a, (l, r) -> CASE WHEN l IS NULL THEN 1 WHEN r IS NULL THEN -1 ELSE r - l END)",
        "array_sort(array('bb', 'a', 'ccc'), (l, r) -> length(l) - length(r))",
        "transform(a, a -> a + 1)",
    ], rows=ARRAYS, schema=ARRAY_SCHEMA)
    for text in ["transform(array(1, 2), (x, y, z) -> 1)", "transform(1, x -> x)",
                 "filter(array(1, 2), x -> 1)", "aggregate(array(1L), 0, (acc, x) -> acc + x)",
                 "array_sort(array(3, 1), (l, r) -> 1L)", "exists(array(1), x -> x)"]:
        oracle.check_exprs([text])


def test_lambdas_over_maps(oracle):
    """map_filter, transform_keys (NULL/duplicate keys), transform_values, map_zip_with."""
    oracle.check_exprs([
        "map_filter(m, (k, v) -> k > 1)", "transform_keys(m, (k, v) -> k * 10)",
        "transform_values(m, (k, v) -> concat(v, CAST(k AS STRING)))",
        "map_zip_with(m, m2, (k, v1, v2) -> concat(v1, v2))",
        "map_zip_with(m, m2, (k, v1, v2) -> coalesce(v1, v2))",
    ], rows=MAPS, schema=MAP_SCHEMA)
    oracle.check_exprs(["map_zip_with(map(1, 'a'), map(1L, 'c', 2L, 'd'), (k, v1, v2) -> concat(v1, v2))"])
    oracle.check_exprs(["map_zip_with(map(1, 'a'), map('x', 'c'), (k, v1, v2) -> v1)"])
    oracle.check_exprs(["transform_keys(map(1, 'a', 2, 'b'), (k, v) -> 1)"])
    oracle.check_exprs(["transform_keys(map(1, 'a'), (k, v) -> CAST(NULL AS INT))"])


def test_lambda_in_aggregation(oracle):
    """A lambda over an aggregate's result."""
    oracle.check_sql("SELECT transform(collect_list(a), x -> x + 1) AS t "
                     "FROM VALUES (1), (2) AS v(a)", schema=False)


def test_generators(oracle):
    """explode, posexplode(_outer), inline(_outer), stack: column names, nullability, aliases."""
    for text in ["SELECT explode(array(1, 2))", "SELECT posexplode(array(1, 2))",
                 "SELECT explode(map(1, 'a'))", "SELECT posexplode_outer(CAST(NULL AS ARRAY<INT>))",
                 "SELECT posexplode_outer(map(1, 'a'))",
                 "SELECT inline(array(struct(1, 'a'), struct(2, 'b')))",
                 "SELECT inline(array(named_struct('x', 1, 'y', 'a'), NULL))",
                 "SELECT inline_outer(CAST(NULL AS ARRAY<STRUCT<a: INT, b: STRING>>))",
                 "SELECT stack(2, 1, 'a', 2, 'b')", "SELECT stack(3, 1, 2)",
                 "SELECT stack(2, 1, 'a', NULL, 'b')", "SELECT explode(array(1, 2)) AS v",
                 "SELECT inline(array(struct(1, 'a'))) AS (p, q)", "SELECT stack(2, 1, 2) AS v"]:
        oracle.check_sql(text)
    for text, error in [("SELECT inline(array(1))", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
                        ("SELECT stack(2, 1, 'a', 2L, 'b')", "DATATYPE_MISMATCH.STACK_COLUMN_DIFF_TYPES"),
                        ("SELECT stack(0, 1)", "DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE"),
                        ("SELECT stack(1.5, 1)", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE")]:
        oracle.check_sql(text, error=error)


def _frame(spark):
    return spark.createDataFrame(ARRAYS, ARRAY_SCHEMA)


def test_python_array_wrappers(oracle):
    """The pyspark.sql.functions wrappers of the array functions, with PySpark's argument forms."""
    def program(sql, spark):
        f = sql.functions
        return _frame(spark).select(
            "id", f.array_append("a", 1).alias("c1"), f.array_prepend(f.col("a"), 0).alias("c2"),
            f.array_insert("a", 1, 7).alias("c3"), f.array_insert("a", f.col("n"), 7).alias("c4"),
            f.array_remove("a", 2).alias("c5"), f.array_position("a", 2).alias("c6"),
            f.array_compact("a").alias("c7"), f.array_union("a", "b").alias("c8"),
            f.array_intersect("a", "b").alias("c9"), f.array_except("a", "b").alias("c10"),
            f.arrays_overlap("a", "b").alias("c11"), f.array_max("a").alias("c12"),
            f.array_min("a").alias("c13"), f.array_sort("a").alias("c14"),
            f.array_repeat("n", 2).alias("c15"), f.array_size("a").alias("c16"),
            f.cardinality("a").alias("c17"), f.get("a", 0).alias("c18"),
            f.slice("a", 1, 2).alias("c19"), f.slice("a", f.lit(1), f.col("n")).alias("c20"),
            f.reverse("a").alias("c21"), f.try_element_at("a", f.lit(9)).alias("c22"),
            f.arrays_zip("a", "b").alias("c23"), f.sequence(f.lit(1), f.col("n")).alias("c24"),
            f.sort_array("a", asc=False).alias("c25"), f.array_distinct("a").alias("c26"),
            f.flatten(f.array("a", "b")).alias("c27"), f.array_join("a", ",", "?").alias("c28"),
            f.shuffle(f.array(f.lit(1))).alias("c29"), f.array_repeat("n", f.col("n")).alias("c30"))
    oracle.check(program)


def test_python_map_wrappers(oracle):
    """The map function wrappers."""
    def program(sql, spark):
        f = sql.functions
        df = spark.createDataFrame(MAPS, MAP_SCHEMA)
        return df.select(
            "id", f.map_keys("m").alias("c1"),
            f.map_values("m").alias("c2"), f.map_entries("m").alias("c3"),
            f.map_contains_key("m", 1).alias("c4"),
            f.map_from_entries(f.map_entries("m")).alias("c5"),
            f.map_concat(f.create_map(f.lit(7), f.lit("s")), "m").alias("c6"))
    oracle.check(program)


def test_python_higher_order_wrappers(oracle):
    """transform/filter/exists/forall/aggregate/reduce/zip_with/array_sort/map lambdas from Python."""
    def program(sql, spark):
        f = sql.functions
        df = _frame(spark)
        return df.select(
            "id", f.transform("a", lambda x: x + 1).alias("c1"),
            f.transform("a", lambda x, i: x * i).alias("c2"),
            f.filter("a", lambda x: x > 1).alias("c3"), f.exists("a", lambda x: x > 2).alias("c4"),
            f.forall("a", lambda x: x > 0).alias("c5"),
            f.aggregate("a", f.lit(0), lambda acc, x: acc + f.coalesce(x, f.lit(0))).alias("c6"),
            f.reduce("a", f.lit(0), lambda acc, x: acc + f.coalesce(x, f.lit(0)),
                     lambda acc: acc * 2).alias("c7"),
            f.zip_with("a", "b", lambda x, y: f.coalesce(x, y)).alias("c8"),
            f.array_sort("a", lambda l, r: f.when(l.isNull() | r.isNull(), f.lit(0))
                         .otherwise(r - l)).alias("c9"),
            f.transform("a", lambda x: f.transform("b", lambda y: x + y)).alias("c10"),
            f.transform("a", lambda x: x + f.col("n")).alias("c11"))
    oracle.check(program)

    def maps(sql, spark):
        f = sql.functions
        df = spark.createDataFrame(MAPS, MAP_SCHEMA)
        return df.select(
            "id", f.map_filter("m", lambda k, v: k > 1).alias("c1"),
            f.transform_keys("m", lambda k, v: k + 1).alias("c2"),
            f.transform_values("m", lambda k, v: f.upper(v)).alias("c3"),
            f.map_zip_with("m", "m2", lambda k, v1, v2: f.concat(v1, v2)).alias("c4"))
    oracle.check(maps)


def test_python_generators(oracle):
    """explode/posexplode/inline/stack from the DataFrame API."""
    oracle.check(lambda sql, spark: _frame(spark).select("id", sql.functions.posexplode_outer("a")))
    oracle.check(lambda sql, spark: spark.createDataFrame([(1, 2, 3)], "a INT, b INT, c INT")
                 .select(sql.functions.stack(sql.functions.lit(2), "a", "b", "c")))
    oracle.check(lambda sql, spark: spark.sql("SELECT array(struct(1, 'a'), struct(2, 'b')) AS s")
                 .select(sql.functions.inline("s")))
    oracle.check(lambda sql, spark: spark.sql("SELECT CAST(NULL AS ARRAY<STRUCT<a: INT>>) AS s")
                 .select(sql.functions.inline_outer("s")))


def test_generator_aliases(oracle):
    """A generator's columns take one alias each, in the DataFrame API as in SQL; any other
    number of aliases, or several for a column that is not a generator, is refused."""
    frame = "SELECT array(10, 20) AS a, map('k', 1) AS m"
    oracle.check(lambda sql, spark: spark.sql(frame).select("m", sql.functions.posexplode("a").alias("i", "x")))
    oracle.check(lambda sql, spark: spark.sql(frame).select(sql.functions.explode("m").alias("k", "v")))
    for aliases in [("i",), ("i", "x", "y")]:
        oracle.check(lambda sql, spark: spark.sql(frame).select(sql.functions.posexplode("a").alias(*aliases)),
                     error="UDTF_ALIAS_NUMBER_MISMATCH")
    oracle.check_sql("SELECT posexplode(array(1, 2)) AS (p, v, w)", error="UDTF_ALIAS_NUMBER_MISMATCH")
    oracle.check_sql("SELECT 1 AS (p, v)", error="MULTI_ALIAS_WITHOUT_GENERATOR")
    oracle.check(lambda sql, spark: spark.sql(frame).select(sql.functions.col("a").alias("x", "y")),
                 error="MULTI_ALIAS_WITHOUT_GENERATOR")
    oracle.check(lambda sql, spark: spark.sql(frame).select(
        sql.functions.posexplode("a").alias("i", "x", metadata={"k": 1})), error="ONLY_ALLOWED_FOR_SINGLE_COLUMN")


GENERATED = [(1, [1, 2], [3, 4], {"k": 5}), (2, None, [6], {}), (3, [], None, None)]
GENERATED_SCHEMA = "id INT, a ARRAY<INT>, b ARRAY<INT>, m MAP<STRING, INT>"


def test_several_generators_in_one_select(oracle):
    """Spark 4.1 nests the generators of one select: a cross product per row, the first
    generator outermost; the _outer forms give their row of NULLs inside the product."""
    def frame(spark):
        return spark.createDataFrame(GENERATED, GENERATED_SCHEMA)
    oracle.check(lambda sql, spark: frame(spark).select(
        "id", sql.functions.explode("a"), sql.functions.explode("b")), ordered=True)
    oracle.check(lambda sql, spark: frame(spark).select(
        "id", sql.functions.explode_outer("a"), sql.functions.posexplode_outer("b")), ordered=True)
    oracle.check(lambda sql, spark: frame(spark).select(
        sql.functions.explode("a").alias("x"), "id", sql.functions.explode("b").alias("y"),
        sql.functions.explode("m")), ordered=True)
    oracle.check(lambda sql, spark: frame(spark).select(
        "*", sql.functions.posexplode("a").alias("i", "x"), sql.functions.explode("m").alias("k", "v")),
        ordered=True)
    oracle.check(lambda sql, spark: frame(spark).selectExpr("explode(a) AS x", "explode(b) AS y"),
                 ordered=True)
    oracle.check_sql("SELECT inline(array(struct(1, 'a'), struct(2, 'b'))), explode(array(10, 20))",
                     ordered=True)
    oracle.check_sql("SELECT stack(2, 1, 2), posexplode(array(10, 20)), explode_outer(array())",
                     ordered=True)


def test_generators_in_with_column(oracle):
    """withColumn(s) with a generator is the select Spark makes of it: a replaced column keeps
    its place, and several generators nest in that order."""
    def frame(spark):
        return spark.createDataFrame(GENERATED, GENERATED_SCHEMA)
    oracle.check(lambda sql, spark: frame(spark).withColumn("a", sql.functions.explode("a"))
                 .withColumn("y", sql.functions.explode_outer("b")), ordered=True)
    oracle.check(lambda sql, spark: frame(spark).withColumns(
        {"x": sql.functions.explode("a"), "A": sql.functions.explode("b")}), ordered=True)
    oracle.check(lambda sql, spark: frame(spark).withColumn("x", sql.functions.posexplode("a")),
                 error="UDTF_ALIAS_NUMBER_MISMATCH")
    oracle.check(lambda sql, spark: frame(spark).withColumn("x", sql.functions.explode("a") + 1),
                 error="UNSUPPORTED_GENERATOR.NESTED_IN_EXPRESSIONS")


def test_a_generator_over_an_aggregation(oracle):
    """One generator beside aggregates runs over the aggregation's result, as Spark's Generate
    over Aggregate; its argument may be an aggregate."""
    def frame(spark):
        return spark.createDataFrame([(1, 10), (1, 20), (2, 30)], "k INT, v INT")
    oracle.check(lambda sql, spark: frame(spark).groupBy("k").agg(
        sql.functions.explode(sql.functions.collect_list("v")).alias("x"), sql.functions.count("*")))
    oracle.check(lambda sql, spark: frame(spark).groupBy("k").agg(
        sql.functions.posexplode(sql.functions.array(sql.functions.min("v"), sql.functions.max("v")))
        .alias("i", "m")))
    oracle.check(lambda sql, spark: frame(spark).selectExpr("explode(array(1, 2))", "count(*)"))
    oracle.check(lambda sql, spark: frame(spark).select(
        sql.functions.explode(sql.functions.array("v")), sql.functions.count("*")), error="MISSING_GROUP_BY")


def test_generator_refusals(oracle):
    """What Spark 4.1 still refuses: a generator inside an expression, and several generators
    beside aggregates."""
    def frame(spark):
        return spark.createDataFrame(GENERATED, GENERATED_SCHEMA)
    oracle.check(lambda sql, spark: frame(spark).select((sql.functions.explode("a") + 1).alias("x")),
                 error="UNSUPPORTED_GENERATOR.NESTED_IN_EXPRESSIONS")
    oracle.check(lambda sql, spark: frame(spark).select(
        sql.functions.explode("a"), sql.functions.array(sql.functions.explode("b"))),
        error="UNSUPPORTED_GENERATOR.NESTED_IN_EXPRESSIONS")
    oracle.check(lambda sql, spark: frame(spark).groupBy("a", "b").agg(
        sql.functions.explode("a"), sql.functions.explode("b")), error="UNSUPPORTED_GENERATOR.MULTI_GENERATOR")
    oracle.check_sql("SELECT explode(array(1, 2)), explode(array(3)), count(*)",
                     error="UNSUPPORTED_GENERATOR.MULTI_GENERATOR")


def test_grouping_by_a_generator_is_refused_as_in_spark(oracle):
    """A generator among the grouping expressions: Spark 4.1 names the generator's ungrouped
    input when the output holds the generator too (a DataFrame's groupBy keeps its groups in
    the output), and the generator itself otherwise."""
    def frame(spark):
        spark.createDataFrame(GENERATED, GENERATED_SCHEMA).createOrReplaceTempView("generated")
        return spark.table("generated")
    for program in [
        lambda sql, spark: frame(spark).groupBy(sql.functions.explode("a")).count(),
        lambda sql, spark: frame(spark).groupBy("id", sql.functions.posexplode("a")).agg(sql.functions.max("id")),
        lambda sql, spark: frame(spark).groupBy(
            sql.functions.explode(sql.functions.array("id", "id")).alias("e")).count(),
        lambda sql, spark: frame(spark) and spark.sql(
            "SELECT explode(a), count(*) FROM generated GROUP BY explode(a)"),
    ]:
        got, want = oracle.outcomes(program)
        assert want.condition == "MISSING_AGGREGATION", want
        assert (got.condition, got.message) == (want.condition, want.message), (got, want)
    for text in ["SELECT count(*) FROM generated GROUP BY explode(a)",
                 "SELECT id FROM generated GROUP BY id, explode(b)"]:
        got, want = oracle.outcomes(lambda sql, spark: frame(spark) and spark.sql(text))
        assert want.condition == "UNSUPPORTED_EXPR_FOR_OPERATOR", want
        assert (got.condition, got.message) == (want.condition, want.message), (got, want)


def test_python_lambda_errors(oracle):
    """PySpark's client-side errors for a lambda of the wrong shape."""
    oracle.check(lambda sql, spark: _frame(spark).select(
        sql.functions.transform("a", lambda: sql.functions.lit(1))),
        error="WRONG_NUM_ARGS_FOR_HIGHER_ORDER_FUNCTION")
    oracle.check(lambda sql, spark: _frame(spark).select(sql.functions.transform("a", lambda x: 1)),
                 error="HIGHER_ORDER_FUNCTION_SHOULD_RETURN_COLUMN")


def test_element_at_nullability(oracle):
    """element_at's result nullability as Spark computes it: a constant index into array(...)
    takes the picked element's; otherwise (an out-of-bounds index raising under ANSI) whether
    the array holds NULLs; try_element_at is always nullable."""
    oracle.check_exprs([
        "element_at(array(1, 2, 3), 1)", "element_at(array(1, 2, 3), -1)",
        "element_at(array(1, NULL), 2)", "element_at(array(1, NULL), 1)",
        "element_at(array(1, 2), 2)", "element_at(array(id, 2), n)", "element_at(a, 1)",
        "element_at(array(id), 1)", "try_element_at(array(1, 2), 1)",
    ], rows=ARRAYS, schema=ARRAY_SCHEMA)


def test_struct_field_names(oracle):
    """struct() names a field after an alias, a column or a struct's field, else col<i>; an
    aggregate inside it is col<i> too, and an alias shows as `x AS name` in the column's name."""
    def program(sql, spark):
        f = sql.functions
        df = spark.createDataFrame([(1, 2, (3, 4)), (1, 5, (6, 7))], "k INT, v INT, s STRUCT<a: INT, b: INT>")
        return df.select(f.struct(f.col("v").alias("m"), (f.col("k") + 1).alias("z"), "k", f.col("s.a"),
                                  f.col("v") + 1, f.lit(1)),
                         f.array(f.col("v").alias("m")), f.col("v").alias("m") + 1,
                         f.to_json(f.struct(f.col("v").alias("m"), f.col("s.b"))))
    oracle.check(program)

    def aggregated(sql, spark):
        f = sql.functions
        df = spark.createDataFrame([(1, 2), (1, 5), (2, 3)], "k INT, v INT")
        return df.groupBy("k").agg(f.struct("k", f.max("v")), f.struct(f.max("v").alias("m"), f.count("*")),
                                   f.struct((f.col("k") + 1).alias("k1"), f.sum("v") + 1))
    oracle.check(aggregated)
    for query in ["SELECT struct(k, v AS m) AS s FROM t", "SELECT struct(k a, v) FROM t",
                  "SELECT struct(k, max(v)) FROM t GROUP BY k", "SELECT struct(k, max(v) AS m) FROM t GROUP BY k",
                  "SELECT struct(*) FROM t", "SELECT array(v AS m) FROM t"]:
        # Only struct's arguments take an alias in SQL.
        error = "PARSE_SYNTAX_ERROR" if query.startswith("SELECT array") else None
        oracle.check(lambda sql, spark: (spark.createDataFrame([(1, 2)], "k INT, v INT").createOrReplaceTempView("t"),
                                         spark.sql(query))[1], error=error)
