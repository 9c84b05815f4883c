"""Differences the query fuzzer (fuzz_diff.py) found, each fixed in the engine, as focused
differential tests: run on Spate and on PySpark 4.1 and compared."""

import pytest


@pytest.mark.parametrize("rows", ["(NULL), (0), (42)", "(0), (NULL), (42)", "(42), (NULL), (0), (NULL)"])
def test_distinct_keeps_null_apart_from_zero(oracle, rows):
    """SELECT DISTINCT kept one of NULL and 0 when NULL came first: the first row of each
    group was found assuming group ids in order of first appearance."""
    oracle.check_sql("SELECT DISTINCT i FROM VALUES %s AS v(i)" % rows)


def test_distinct_of_dates_keeps_null(oracle):
    oracle.check_sql("SELECT DISTINCT dt FROM VALUES (DATE'1970-01-01'), (NULL), "
                     "(DATE'2023-12-31') AS v(dt)")


def test_drop_duplicates_with_null_and_zero(oracle):
    oracle.check(lambda sql, spark: spark.createDataFrame(
        [(None, "a"), (0, "b"), (None, "c"), (0, "d")], "k INT, v STRING").dropDuplicates(["k"])
        .select("k"))
