"""LATERAL VIEW [OUTER] generator(...) alias [AS] columns in Spark SQL against PySpark 4.1:
the generators, the columns' default names, their references as alias.col and col in SELECT,
WHERE and GROUP BY, OUTER over empty and NULL inputs, chained views, a stream through a temp
view, and Spark's errors for a wrong number of column aliases."""

import json
import os

import pytest

ROWS = [(1, [1, 2], {"a": 1, "b": 2}, '{"x": 1, "y": "q"}'), (2, [], {}, '{"x": 2}'), (3, None, None, None)]
SCHEMA = "id INT, arr ARRAY<INT>, m MAP<STRING, INT>, j STRING"


def sql_program(query):
    def program(sql, spark):
        spark.createDataFrame(ROWS, SCHEMA).createOrReplaceTempView("t")
        return spark.sql(query)
    return program


QUERIES = [
    "SELECT * FROM t LATERAL VIEW explode(arr) e",
    "SELECT id, e.col, col FROM t LATERAL VIEW explode(arr) e",
    "SELECT id, v FROM t LATERAL VIEW explode(arr) e AS v",
    "SELECT id, e.v FROM t LATERAL VIEW OUTER explode(arr) e v",
    "SELECT * FROM t LATERAL VIEW explode(m) e",
    "SELECT id, k, v FROM t LATERAL VIEW OUTER explode(m) e AS k, v",
    "SELECT * FROM t LATERAL VIEW posexplode(arr) e",
    "SELECT id, p, c FROM t LATERAL VIEW OUTER posexplode(arr) e AS p, c",
    "SELECT id, a, k, b FROM t LATERAL VIEW explode(arr) x AS a LATERAL VIEW explode(m) y AS k, b",
    "SELECT id, x.* FROM t LATERAL VIEW json_tuple(j, 'x', 'y') x",
    "SELECT id, a, b FROM t LATERAL VIEW json_tuple(j, 'x', 'y') x AS a, b",
    "SELECT * FROM t LATERAL VIEW OUTER json_tuple(j, 'x') e",
    "SELECT * FROM t LATERAL VIEW inline(array(struct(1, 'a'), struct(2, 'b'))) s",
    "SELECT id, s.* FROM t LATERAL VIEW stack(2, id, 'a', id + 1, 'b') s",
    "SELECT t.id, e.col FROM t LATERAL VIEW explode(arr) e",
    "SELECT id, v FROM t lateral view explode(arr) e AS v WHERE v > 1",
    "SELECT v, count(*) AS n FROM t LATERAL VIEW OUTER explode(arr) e AS v GROUP BY v",
    "SELECT a.id, v FROM t a JOIN t b ON a.id = b.id LATERAL VIEW explode(b.arr) e AS v",
    "SELECT u.id, v FROM t u, t w LATERAL VIEW explode(w.arr) e AS v WHERE u.id = 1",
]


@pytest.mark.parametrize("query", QUERIES)
def test_lateral_view(oracle, query):
    oracle.check(sql_program(query))


ALIAS_COUNTS = [
    "SELECT * FROM t LATERAL VIEW explode(arr) e AS a, b",
    "SELECT * FROM t LATERAL VIEW posexplode(arr) e AS a",
    "SELECT * FROM t LATERAL VIEW explode(m) e AS a",
    "SELECT * FROM t LATERAL VIEW json_tuple(j, 'x') e AS a, b",
    "SELECT json_tuple(j, 'x') AS (a, b) FROM t",
]


@pytest.mark.parametrize("query", ALIAS_COUNTS)
def test_lateral_view_with_a_wrong_number_of_column_aliases(oracle, query):
    """UDTF_ALIAS_NUMBER_MISMATCH, naming the number of columns and the aliases given."""
    got, want = oracle.outcomes(sql_program(query))
    assert want.condition == "UDTF_ALIAS_NUMBER_MISMATCH", want
    assert got.condition == want.condition, (got, want)
    assert want.message.split(" SQLSTATE")[0] in got.message, (got, want)


@pytest.mark.parametrize("query,condition", [
    ("SELECT * FROM t LATERAL VIEW explode(arr)", "PARSE_SYNTAX_ERROR"),
    ("SELECT * FROM t LATERAL VIEW upper(j) e", "UNSUPPORTED_GENERATOR.NOT_GENERATOR"),
    ("SELECT * FROM t LATERAL VIEW explode(arr, arr) e", "WRONG_NUM_ARGS.WITHOUT_SUGGESTION"),
    ("SELECT * FROM t LATERAL VIEW foo(arr) e", "ROUTINE_NOT_FOUND"),
])
def test_bad_lateral_views_fail_as_in_spark(oracle, query, condition):
    oracle.check(sql_program(query), error=condition)


def test_lateral_view_over_a_stream(oracle):
    """A temp view over a stream: the lateral view runs per micro-batch into the memory sink."""
    def program(sql, spark, tmp):
        source = os.path.join(tmp, "in")
        os.makedirs(source)
        for i, rows in enumerate([ROWS[:1], ROWS[1:]]):
            with open(os.path.join(source, "part-%d.json" % i), "w") as out:
                for r in rows:
                    out.write(json.dumps(dict(zip(["id", "arr", "m", "j"], r))) + "\n")
        spark.readStream.schema(SCHEMA).option("maxFilesPerTrigger", 1).json(source).createOrReplaceTempView("s")
        out = spark.sql("SELECT id, p, v, k FROM s LATERAL VIEW OUTER posexplode(arr) e AS p, v "
                        "LATERAL VIEW OUTER explode(m) f AS k, w")
        (out.writeStream.format("memory").queryName("lateral").outputMode("append")
         .option("checkpointLocation", os.path.join(tmp, "cp")).trigger(availableNow=True).start()
         .awaitTermination())
        return spark.sql("SELECT * FROM lateral")
    oracle.check(program)
