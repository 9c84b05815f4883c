"""Table-valued functions in FROM (range and the generators) and spark.range, against
PySpark 4.1: rows, column names and aliases, and Spark's errors for bad calls."""

import pytest

QUERIES = [
    "SELECT * FROM range(3)",
    "SELECT * FROM RANGE(2)",
    "SELECT id * 2 AS x FROM range(1, 10, 3) WHERE id > 2",
    "SELECT * FROM range(5, 1)",
    "SELECT * FROM range(5, 1, -2)",
    "SELECT * FROM range(4, 0, -1, 2) r(n)",
    "SELECT * FROM range(2.5)",
    "SELECT * FROM range(0.9)",
    "SELECT * FROM range(1 + 2)",
    "SELECT * FROM range(CAST('3' AS INT))",
    "SELECT count(*) AS n, sum(id) AS s FROM range(-7, 100000, 7)",
    "SELECT r.id FROM range(0, 3) AS r WHERE r.id > 0",
    "SELECT * FROM explode(array(1, 2))",
    "SELECT * FROM explode(array(1, 2)) AS t(v)",
    "SELECT e.col FROM explode(array(1)) AS e",
    "SELECT * FROM explode(map('k', 1))",
    "SELECT * FROM explode_outer(array())",
    "SELECT * FROM posexplode(array('a', 'b'))",
    "SELECT * FROM posexplode_outer(array()) t(p, v)",
    "SELECT * FROM inline(array(struct(1, 'a'), struct(2, 'b')))",
    "SELECT * FROM inline(array(struct(1, 'a'))) AS t(x, y)",
    "SELECT * FROM stack(2, 1, 'a', 2, 'b')",
    "SELECT * FROM json_tuple('{\"a\":1}', 'a', 'b')",
]


# Joins of two functions: rows compared in any order.
JOINS = [
    "SELECT * FROM range(3) t JOIN range(2) u ON t.id = u.id",
    "SELECT * FROM range(1) AS t(x), range(2) AS u(y)",
]


@pytest.mark.parametrize("query", QUERIES + JOINS)
def test_table_valued_function_rows(oracle, query):
    oracle.check_sql(query, ordered=query not in JOINS)


ERRORS = [
    ("SELECT * FROM range()", "WRONG_NUM_ARGS.WITHOUT_SUGGESTION"),
    ("SELECT * FROM range(1, 2, 3, 4, 5)", "WRONG_NUM_ARGS.WITHOUT_SUGGESTION"),
    ("SELECT * FROM range(1, 2, 0)", "FAILED_FUNCTION_CALL"),
    ("SELECT * FROM range(NULL)", "UNEXPECTED_INPUT_TYPE"),
    ("SELECT * FROM range(1, NULL)", "UNEXPECTED_INPUT_TYPE"),
    ("SELECT * FROM range(true)", "UNEXPECTED_INPUT_TYPE"),
    ("SELECT * FROM range(1, 'x')", "CAST_INVALID_INPUT"),
    ("SELECT * FROM range(id)", "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION"),
    ("SELECT * FROM range(2) AS t(x, y)", "NUM_TABLE_VALUE_ALIASES_MISMATCH"),
    ("SELECT * FROM explode(array(1, 2)) t(a, b)", "NUM_TABLE_VALUE_ALIASES_MISMATCH"),
    ("SELECT * FROM explode(1)", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"),
    ("SELECT * FROM explode(array(1), array(2))", "WRONG_NUM_ARGS.WITHOUT_SUGGESTION"),
    ("SELECT * FROM foo(1)", "UNRESOLVABLE_TABLE_VALUED_FUNCTION"),
    ("SELECT * FROM db.range(2)", "INVALID_SQL_SYNTAX.INVALID_TABLE_VALUED_FUNC_NAME"),
]


@pytest.mark.parametrize("query,condition", ERRORS)
def test_bad_table_valued_function_calls_fail_as_in_spark(oracle, query, condition):
    oracle.check_sql(query, error=condition)


def test_bad_calls_name_what_was_wrong(oracle):
    # The messages, not only the conditions: the parameter, its value and type; the alias counts.
    for query in ["SELECT * FROM range(true)", "SELECT * FROM range(2) AS t(x, y)", "SELECT * FROM foo(1)",
                  "SELECT * FROM range(1, 2, 3, 4, 5)"]:
        got, want = oracle.outcomes(lambda sql, spark: spark.sql(query))
        assert got.condition == want.condition, (got, want)
        assert want.message.split(" SQLSTATE")[0] in got.message, (got, want)


@pytest.mark.parametrize("args", [(5,), (1, 10, 4), (5, 1, -2), (0,), (-3, 3)])
def test_spark_range(oracle, args):
    oracle.check(lambda sql, spark: spark.range(*args), ordered=True)
