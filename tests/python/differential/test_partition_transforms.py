"""Partition transforms (years, months, days, hours, bucket) outside a table's
partitioning, against PySpark 4.1: they are INT columns of a query's schema that fail
when computed, bucket's count must be a constant, and the writer's checks of the terms
of partitionedBy. (What they do inside partitionedBy of an Iceberg table is pinned
against pyiceberg in tests/python/test_iceberg_partitioning.py.)"""

import datetime
import re
import warnings

ROWS = [(1, datetime.datetime(2020, 1, 2, 3, 4, 5), datetime.date(2020, 1, 2), "a"),
        (2, None, None, None)]
SCHEMA = "id INT, ts TIMESTAMP, d DATE, s STRING"


def frame(spark):
    return spark.createDataFrame(ROWS, SCHEMA)


def transforms(sql):
    from importlib import import_module
    p = import_module(sql.__name__ + ".functions.partitioning")
    return [p.years("ts"), p.months("d"), p.days(sql.functions.col("ts")), p.hours("ts"),
            p.bucket(4, "id"), p.bucket(sql.functions.lit(16), "s"), p.years("s"), p.bucket(-1, "id"),
            p.years("ts").alias("y")]


def condition(exc):
    """The error condition in an exception's text: PySpark raises this error as a
    Py4JJavaError around a SparkException, whose getCondition is not reachable."""
    match = re.search(r"\[([A-Z][A-Z0-9_.]+)\]", str(exc))
    return match.group(1) if match else type(exc).__name__


def test_transforms_are_int_columns_of_the_schema(oracle):
    """A transform in select() analyzes: INT, nullable, named years(ts) / bucket(id)."""
    oracle.check(lambda sql, spark: frame(spark).select(*transforms(sql)).schema)


def test_transforms_fail_when_computed(oracle):
    """Computing a transform fails with PARTITION_TRANSFORM_EXPRESSION_NOT_IN_PARTITIONED_BY."""
    def program(sql, spark):
        out = []
        for t in transforms(sql):
            try:
                frame(spark).select(t).collect()
                out.append("computed")
            except Exception as exc:  # noqa: BLE001 - the condition is the outcome
                out.append(condition(exc))
        return out
    want = oracle.check(program)
    assert set(want) == {"PARTITION_TRANSFORM_EXPRESSION_NOT_IN_PARTITIONED_BY"}


def test_bucket_count_must_be_a_constant(oracle):
    """bucket(col("id"), "id"): Invalid number of buckets (_LEGACY_ERROR_TEMP_1322)."""
    oracle.check(lambda sql, spark: frame(spark).select(
        sql.functions.partitioning.bucket(sql.functions.col("id"), "id")).schema,
        error="_LEGACY_ERROR_TEMP_1322")


def test_bucket_count_type_is_checked(oracle):
    """bucket("4", "id"): NOT_COLUMN_OR_INT, before any query."""
    oracle.check(lambda sql, spark: sql.functions.partitioning.bucket("4", "id"), error="NOT_COLUMN_OR_INT")
    oracle.check(lambda sql, spark: sql.functions.partitioning.bucket(4.0, "id"), error="NOT_COLUMN_OR_INT")


def test_transform_column_type_is_checked(oracle):
    """years(1): NOT_COLUMN_OR_STR."""
    oracle.check(lambda sql, spark: sql.functions.partitioning.years(1), error="NOT_COLUMN_OR_STR")
    oracle.check(lambda sql, spark: sql.functions.partitioning.bucket(2, 1), error="NOT_COLUMN_OR_STR")


def test_transforms_are_not_sql_functions(oracle):
    """SQL has no years() or bucket(): UNRESOLVED_ROUTINE."""
    oracle.check_sql("SELECT years(current_timestamp())", error="UNRESOLVED_ROUTINE")
    oracle.check_sql("SELECT bucket(4, 1)", error="UNRESOLVED_ROUTINE")


def test_top_level_transforms_are_deprecated(oracle):
    """functions.years & co. still work, with PySpark's FutureWarning."""
    def program(sql, spark):
        f = sql.functions
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cols = [f.years("ts"), f.months("ts"), f.days("ts"), f.hours("ts"), f.bucket(2, "id")]
        return [str(w.message) for w in caught if w.category is FutureWarning], \
            frame(spark).select(*cols).schema
    oracle.check(program)


def test_partitioned_by_rejects_other_expressions(oracle):
    """writeTo(...).partitionedBy(col + 1): Invalid partition transformation (_LEGACY_ERROR_TEMP_1316)."""
    oracle.check(lambda sql, spark: frame(spark).writeTo("t_bad_term").using("parquet")
                 .partitionedBy(sql.functions.col("id") + 1).create(), error="_LEGACY_ERROR_TEMP_1316")


def test_partitioned_by_checks_its_arguments(oracle):
    """writeTo(...).partitionedBy(1): NOT_COLUMN_OR_STR."""
    oracle.check(lambda sql, spark: frame(spark).writeTo("t_bad_arg").partitionedBy(1),
                 error="NOT_COLUMN_OR_STR")


def test_session_catalog_tables_take_no_time_transforms(oracle):
    """A parquet table of the session catalog cannot be partitioned by years(ts):
    UNSUPPORTED_PARTITION_TRANSFORM."""
    oracle.check(lambda sql, spark: frame(spark).writeTo("t_years").using("parquet")
                 .partitionedBy(sql.functions.partitioning.years("ts")).create(),
                 error="UNSUPPORTED_PARTITION_TRANSFORM")
