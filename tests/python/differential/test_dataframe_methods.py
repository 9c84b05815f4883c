"""DataFrame methods beyond projection and aggregation (set operations, renaming, offsets,
missing values, partitioning calls), run on Spate and on PySpark 4.1 and compared."""

import pytest

ROWS = [(1, "x", 1.5), (1, "x", 1.5), (2, None, None), (3, "w", float("nan")), (3, "w", float("nan")),
        (3, "w", float("nan")), (None, "z", 2.0)]
DDL = "a INT, b STRING, c DOUBLE"
OTHER = [(1, "x", 1.5), (2, None, None), (3, "w", float("nan")), (7, "q", 0.0)]
OTHER_DDL = "a BIGINT NOT NULL, b STRING, c DOUBLE"


def frames(spark):
    return spark.createDataFrame(ROWS, DDL), spark.createDataFrame(OTHER, OTHER_DDL)


@pytest.mark.parametrize("method", ["intersect", "intersectAll", "subtract", "exceptAll"])
def test_set_operations(oracle, method):
    """INTERSECT/EXCEPT [ALL]: NULLs and NaNs equal, duplicates by count for ALL, columns widened
    (INT with BIGINT), nullability: intersect keeps a column non-null when either side is."""
    def program(sql, spark):
        left, right = frames(spark)
        return getattr(left, method)(right)
    oracle.check(program)


@pytest.mark.parametrize("method", ["intersect", "intersectAll", "subtract", "exceptAll"])
def test_set_operations_the_other_way(oracle, method):
    """The same operations with the sides swapped (the left side's rows and order of columns)."""
    def program(sql, spark):
        left, right = frames(spark)
        return getattr(right, method)(left)
    oracle.check(program)


@pytest.mark.parametrize("query", [
    "SELECT 1 AS a EXCEPT SELECT 1",
    "SELECT 1 AS a MINUS ALL SELECT 2",
    "SELECT 1 AS a INTERSECT SELECT 1 UNION SELECT 5",
    "SELECT 1 AS a UNION SELECT 2 INTERSECT SELECT 2",
    "SELECT 1 AS a EXCEPT SELECT 1 UNION SELECT 7",
    "SELECT * FROM VALUES (1), (1), (2), (2), (2) AS t(x) EXCEPT ALL SELECT * FROM VALUES (2) AS u(y)",
    "SELECT * FROM VALUES (1), (1), (2) AS t(x) INTERSECT ALL SELECT * FROM VALUES (1), (1), (1) AS u(y)",
    "(SELECT * FROM VALUES (3), (1), (2) AS t(x) EXCEPT SELECT 2) ORDER BY x DESC",
    "SELECT array(1, NULL) AS a EXCEPT SELECT array(1, NULL)",
])
def test_sql_set_operations(oracle, query):
    """EXCEPT/MINUS/INTERSECT [ALL|DISTINCT] in SQL: INTERSECT binds tighter than UNION and
    EXCEPT, which apply left to right; ORDER BY applies to the whole."""
    oracle.check(lambda sql, spark: spark.sql(query), ordered="ORDER BY" in query)


@pytest.mark.parametrize("query, error", [
    ("SELECT 1 AS a, 2 AS b EXCEPT SELECT 1", "NUM_COLUMNS_MISMATCH"),
    ("SELECT 1 AS a INTERSECT SELECT 'x', 2", "NUM_COLUMNS_MISMATCH"),
    ("SELECT map(1, 2) AS a EXCEPT SELECT map(1, 2)", "UNSUPPORTED_FEATURE.SET_OPERATION_ON_MAP_TYPE"),
    ("SELECT array(1) AS a INTERSECT SELECT 1", "INCOMPATIBLE_COLUMN_TYPE"),
])
def test_set_operation_errors(oracle, query, error):
    """NUM_COLUMNS_MISMATCH and INCOMPATIBLE_COLUMN_TYPE name the operation; maps cannot be
    compared (UNSUPPORTED_FEATURE.SET_OPERATION_ON_MAP_TYPE)."""
    oracle.check(lambda sql, spark: spark.sql(query), error=error)


def test_to_df_with_columns_renamed_and_offset(oracle):
    """toDF renames by position (names may repeat); withColumnsRenamed applies its pairs one after
    the other; offset skips rows after the sort."""
    def program(sql, spark):
        df, _ = frames(spark)
        return (df.where("NOT isnan(c)").toDF("p", "q", "r").withColumnsRenamed({"p": "q", "r": "s"})
                .orderBy("s", ascending=False).offset(2))
    oracle.check(program, ordered=True, show=True)


@pytest.mark.parametrize("call, error", [
    (lambda df: df.toDF("x"), "ASSIGNMENT_ARITY_MISMATCH"),
    (lambda df: df.offset(-1), "INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE"),
    (lambda df: df.withColumnsRenamed(["a"]), "NOT_DICT"),
])
def test_rename_and_offset_errors(oracle, call, error):
    """toDF with the wrong number of names, a negative offset, a colsMap that is not a dict."""
    oracle.check(lambda sql, spark: call(frames(spark)[0]), error=error)


def test_transform_and_partitioning_calls(oracle):
    """transform chains a function; coalesce, repartition and sortWithinPartitions keep the rows."""
    def with_total(df, column):
        return df.withColumn("total", df[column] * 2)

    def program(sql, spark):
        df, _ = frames(spark)
        return (df.transform(with_total, "a").coalesce(1).repartition(3, "b")
                .repartitionByRange(2, "a").sortWithinPartitions("a"))
    oracle.check(program)


@pytest.mark.parametrize("call", [
    lambda df: df.dropna(),
    lambda df: df.dropna("all"),
    lambda df: df.dropna(thresh=2),
    lambda df: df.dropna(subset=["a"]),
    lambda df: df.dropna(subset="c"),
    lambda df: df.na.drop(how="any", subset=["b", "c"]),
    lambda df: df.fillna(0),
    lambda df: df.fillna(1.7),
    lambda df: df.fillna("none"),
    lambda df: df.fillna(True),
    lambda df: df.fillna(5, subset=["a", "b"]),
    lambda df: df.fillna({"a": 9, "b": "z", "c": 2}),
    lambda df: df.na.fill({"b": "q"}),
    lambda df: df.replace(1, 7),
    lambda df: df.replace("x", "y"),
    lambda df: df.replace([1, 3], [10, 30]),
    lambda df: df.replace({"x": "b", "w": "v"}),
    lambda df: df.replace(1.5, 2.5, subset=["c"]),
    lambda df: df.replace("x", None),
    lambda df: df.na.replace(3, 4, ["a"]),
])
def test_missing_values(oracle, call):
    """na.drop / na.fill / na.replace: NaN counts as missing in DOUBLE columns, a value applies to
    the columns of its kind and is cast to each column's type."""
    oracle.check(lambda sql, spark: call(frames(spark)[0]))


@pytest.mark.parametrize("call, error", [
    (lambda df: df.fillna([1]), "NOT_BOOL_OR_DICT_OR_FLOAT_OR_INT_OR_STR"),
    (lambda df: df.fillna(1, subset=["nope"]), "UNRESOLVED_COLUMN.WITH_SUGGESTION"),
    (lambda df: df.fillna({"a": "z"}), "CAST_INVALID_INPUT"),
    (lambda df: df.replace(1, "x"), "MIXED_TYPE_REPLACEMENT"),
    (lambda df: df.replace([1, 2], [3]), "LENGTH_SHOULD_BE_THE_SAME"),
])
def test_missing_value_errors(oracle, call, error):
    """Bad arguments of the na functions fail as in PySpark."""
    oracle.check(lambda sql, spark: call(frames(spark)[0]), error=error)


def test_dropna_how_must_be_any_or_all(spark):
    """dropna(how="some") raises VALUE_NOT_ANY_OR_ALL naming the value (PySpark 4.1.4 means to,
    but its message template lacks a parameter and it raises AssertionError instead)."""
    from spate.errors import PySparkValueError
    df = spark.createDataFrame(ROWS, DDL)
    with pytest.raises(PySparkValueError, match="'any' or 'all', got 'some'") as info:
        df.dropna("some")
    assert info.value.getCondition() == "VALUE_NOT_ANY_OR_ALL"


STATS_ROWS = [(1, "x", 1.5, True), (2, "10", None, False), (3, None, float("nan"), None), (4, "7", -2.0, True)]
STATS_DDL = "a INT, b STRING, c DOUBLE, d BOOLEAN"


def stats_frame(spark):
    return spark.createDataFrame(STATS_ROWS, STATS_DDL)


@pytest.mark.parametrize("call", [
    lambda df: df.describe(),
    lambda df: df.describe("a", "d"),
    lambda df: df.describe(["b"]),
    lambda df: df.where("NOT isnan(c)").summary(),
    lambda df: df.where("NOT isnan(c)").summary("count", "min", "33%", "count_distinct",
                                                "approx_count_distinct"),
])
def test_describe_and_summary(oracle, call):
    """describe/summary: one string row per statistic over the numeric and string columns (a
    string column's mean and percentiles read its numeric values), NaN propagating."""
    oracle.check(lambda sql, spark: call(stats_frame(spark)), show=True)


def test_summary_rejects_an_unknown_statistic(oracle):
    """summary("foo") is UNRECOGNIZED_STATISTIC."""
    oracle.check(lambda sql, spark: stats_frame(spark).summary("foo"), error="UNRECOGNIZED_STATISTIC")


def test_stat_functions(oracle):
    """corr, cov, approxQuantile (exact with relativeError 0, NULL and NaN left out) as values."""
    def program(sql, spark):
        df = stats_frame(spark)
        values = [df.stat.corr("a", "c"), df.cov("a", "a"), df.approxQuantile("a", [0.5, 0.0, 1.0], 0.0),
                  df.approxQuantile(["a", "c"], [0.5], 0.0)]
        return spark.createDataFrame([(repr(values),)], "v STRING")
    oracle.check(program)


def test_crosstab(oracle):
    """crosstab: a row per value of the first column, a BIGINT column per value of the second,
    named by the value ("null" for NULL)."""
    oracle.check(lambda sql, spark: stats_frame(spark).crosstab("a", "d"))


@pytest.mark.parametrize("call", [
    lambda df: df.unpivot("a", ["c", "a"], "var", "val"),
    lambda df: df.melt(["a", "d"], ["b"], "k", "v"),
    lambda df: df.select("a", "c").unpivot(["a"], None, "k", "v"),
])
def test_unpivot(oracle, call):
    """unpivot/melt: a row per value column, values cast to their common type."""
    oracle.check(lambda sql, spark: call(stats_frame(spark)))


@pytest.mark.parametrize("values", [["b", "c", "d"], ["b", "c"]])
def test_unpivot_needs_a_common_type(oracle, values):
    """Value columns without a common type (a string does not widen to a number here):
    UNPIVOT_VALUE_DATA_TYPE_MISMATCH."""
    oracle.check(lambda sql, spark: stats_frame(spark).unpivot("a", values, "var", "val"),
                 error="UNPIVOT_VALUE_DATA_TYPE_MISMATCH")


def test_sample_and_random_split_partition_the_rows(spark):
    """sample keeps about `fraction` of the rows and repeats itself for a seed; randomSplit puts
    every row in exactly one part. (Spark picks other rows for the same seed: see
    docs/compatibility.md.)"""
    df = spark.range(2000)
    first = [r.id for r in df.sample(0.3, seed=7).collect()]
    assert first == [r.id for r in df.sample(False, 0.3, 7).collect()]
    assert 450 < len(first) < 750
    parts = df.randomSplit([1.0, 2.0, 1.0], seed=11)
    ids = sorted(r.id for p in parts for r in p.collect())
    assert ids == list(range(2000))
    sizes = [p.count() for p in parts]
    assert 350 < sizes[0] < 650 and 800 < sizes[1] < 1200


def test_show_without_columns(oracle):
    """A frame without columns (what a DML statement returns) prints Spark's "++" frame."""
    oracle.check(lambda sql, spark: spark.range(2).select(), show=True)
    oracle.check(lambda sql, spark: spark.sql("SELECT 1 AS a").select(), show=True)
