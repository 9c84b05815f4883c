"""A FLOAT meeting an integer widens to DOUBLE, as Spark's ANSI type coercion skips FLOAT for
the least common type (its 24 bits do not hold every integer): arithmetic, conditionals,
arrays, greatest, comparisons and unions, against PySpark 4.1."""

SCHEMA = "f FLOAT, b TINYINT, s SMALLINT, i INT, l BIGINT"
ROWS = [(0.5, 1, 2, 16777217, 9007199254740993), (-1.25, -3, 300, -7, -2), (None, None, None, None, None)]


def test_float_with_integers_is_double(oracle):
    oracle.check_exprs([
        "f * 2", "f + b", "f - s", "f * i", "f + l", "f % 3", "f + f", "f + 1.5", "f + CAST(1 AS DOUBLE)",
        "coalesce(f, i)", "nvl(f, l)", "CASE WHEN f > 0 THEN f ELSE i END", "array(f, i)", "greatest(f, i)",
        "least(f, b)", "if(f IS NULL, i, f)", "f = i", "f < l", "f IN (1, i)", "i + CAST(0 AS FLOAT)",
    ], ROWS, SCHEMA)


def test_a_union_of_float_and_integer_columns_is_double(oracle):
    def program(sql, spark):
        rows = spark.createDataFrame(ROWS, SCHEMA)
        return rows.select("f").union(rows.select("i")).union(rows.select("l"))
    oracle.check(program)
