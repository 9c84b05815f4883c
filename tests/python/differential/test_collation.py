"""Collations against PySpark 4.1: collation() names a string's collation, collate() sets
it. Spate applies UTF8_BINARY (Spark's default) only: collate refuses the others."""

import re

import pytest

ROWS = [("a",), ("B",), (None,), ("",)]
SCHEMA = "s STRING"


def condition(exc):
    """The error condition in an exception's text: PySpark raises collation name errors
    as a Py4JJavaError around a SparkException, whose getCondition is not reachable."""
    match = re.search(r"\[([A-Z][A-Z0-9_.]+)\]", str(exc))
    return match.group(1) if match else type(exc).__name__


def test_collation_and_collate_utf8_binary(oracle):
    """collation() is 'SYSTEM.BUILTIN.UTF8_BINARY', never NULL; collate(s, UTF8_BINARY) in any
    case or qualified is s itself, with s's nullability; NULL is a string."""
    oracle.check_exprs(["collation(s)", "collation('x')", "collation(NULL)", "collation(CAST(1 AS STRING))",
                        "collate(s, 'UTF8_BINARY')", "collate(s, 'utf8_binary')", "collate('a', 'UTF8_BINARY')",
                        "collate(NULL, 'utf8_binary')", "collate(s, 'system.builtin.utf8_binary')",
                        "collation(collate(s, 'UTF8_BINARY'))", "collate(s, 'UTF8_BINARY') = 'a'",
                        "upper(collate(s, 'UTF8_BINARY'))"],
                       ROWS, SCHEMA)


def test_dataframe_functions(oracle):
    """functions.collation / functions.collate, with their column names in show()."""
    oracle.check(lambda sql, spark: spark.createDataFrame(ROWS, SCHEMA).select(
        "s", sql.functions.collation("s"), sql.functions.collate("s", "UTF8_BINARY"),
        sql.functions.collation(sql.functions.collate(sql.functions.col("s"), "utf8_binary"))),
        show={"truncate": False})


def test_grouping_and_comparing_after_collate(oracle):
    """UTF8_BINARY compares bytes: 'a' and 'A' stay apart."""
    oracle.check(lambda sql, spark: spark.createDataFrame([("a",), ("A",), ("a",)], SCHEMA)
                 .groupBy(sql.functions.collate("s", "UTF8_BINARY").alias("k")).count())


@pytest.mark.parametrize("expr, error", [
    ("collation(1)", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
    ("collation(array('a'))", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
    ("collate(1, 'UTF8_BINARY')", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
    ("collate('a', 1)", "UNEXPECTED_INPUT_TYPE"),
    ("collate('a', NULL)", "UNEXPECTED_INPUT_TYPE"),
    ("collate('a', s)", "NON_FOLDABLE_ARGUMENT"),
    ("collate('a', CAST(NULL AS STRING))", "DATATYPE_MISMATCH.UNEXPECTED_NULL"),
    ("collate('a')", "WRONG_NUM_ARGS.WITHOUT_SUGGESTION"),
    ("collation('a', 'b')", "WRONG_NUM_ARGS.WITHOUT_SUGGESTION"),
])
def test_bad_arguments(oracle, expr, error):
    """Wrong types, a non-constant or NULL collation name, wrong argument counts."""
    oracle.check(lambda sql, spark: spark.createDataFrame(ROWS, SCHEMA).selectExpr(expr), error=error)


def test_unknown_collation_name(oracle):
    """collate(s, 'FOO'): COLLATION_INVALID_NAME (the names Spark suggests differ)."""
    def program(sql, spark):
        try:
            spark.createDataFrame(ROWS, SCHEMA).select(sql.functions.collate("s", "FOO")).collect()
            return "accepted"
        except Exception as exc:  # noqa: BLE001 - the condition is the outcome
            return condition(exc)
    assert oracle.check(program) == "COLLATION_INVALID_NAME"


@pytest.mark.parametrize("name", ["UTF8_LCASE", "unicode_ci", "UNICODE", "UTF8_BINARY_RTRIM"])
def test_other_collations_are_refused(spark, name):
    """Intended difference: Spark applies these collations; Spate refuses them by name
    (UNSUPPORTED_COLLATION.FOR_FUNCTION) rather than compare strings differently than asked."""
    from spate.sql import functions as f
    from spate.errors import AnalysisException
    with pytest.raises(AnalysisException, match=r"UNSUPPORTED_COLLATION.FOR_FUNCTION.*%s.*UTF8_BINARY" % name):
        spark.createDataFrame(ROWS, SCHEMA).select(f.collate("s", name)).collect()
