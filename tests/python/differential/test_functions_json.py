"""JSON text functions against PySpark 4.1: json_tuple, json_array_length,
json_object_keys, schema_of_json, and edge cases of get_json_object."""

import pytest

DOC = '{"a":1,"b":"x","c":{"d":[1,2.50]},"e":true,"f":null,"g":1e2,"h":-0.0,"a2":12345678901234567890}'


def test_json_array_length(oracle):
    """json_array_length: the outermost array's length; NULL for objects, scalars, malformed text and NULL."""
    oracle.check_exprs([
        "json_array_length('[1,2,[3]]')", "json_array_length('[]')", "json_array_length('{}')",
        "json_array_length('x')", "json_array_length(NULL)", "json_array_length('[1,')",
        "json_array_length(' [1] ')", "json_array_length('[1] x')", "json_array_length('[1,]')",
        "json_array_length('')", "json_array_length(j)",
    ], rows=[("[1, {\"a\": [2]}, \"é\"]",), (None,), ("1",)], schema="j STRING")


def test_json_object_keys(oracle):
    """json_object_keys: the outermost object's keys in order (repeats kept); NULL otherwise."""
    oracle.check_exprs([
        "json_object_keys('{\"a\":1,\"b\":{\"c\":2}}')", "json_object_keys('{}')",
        "json_object_keys('[1]')", "json_object_keys('x')", "json_object_keys(NULL)",
        "json_object_keys('{\"a\":1,\"a\":2}')", "json_object_keys('{\"a\":1')",
        "json_object_keys(' {\"a\":1} x')", "json_object_keys('')", "json_object_keys(j)",
    ], rows=[("{\"é\": 1, \"b\": null}",), (None,)], schema="j STRING")


def test_json_length_keys_wrong_type(oracle):
    """json_array_length/json_object_keys need a string (UNEXPECTED_INPUT_TYPE) and one argument."""
    oracle.check_exprs(["json_array_length(1)", "json_object_keys(1)", "json_array_length()",
                        "json_object_keys('{}', 1)"])


def test_json_tuple_sql(oracle):
    """json_tuple yields columns c0.. with the fields' text: numbers as Jackson writes them, strings unquoted."""
    oracle.check_sql("SELECT json_tuple('%s', 'a', 'b', 'c', 'e', 'f', 'g', 'h', 'a2', 'zz')" % DOC)


def test_json_tuple_rows(oracle):
    """json_tuple over a column: NULL, malformed and non-object rows give NULLs; repeated keys take the last value."""
    oracle.check_sql(
        "SELECT k, json_tuple(j, 'a', 'b') FROM VALUES (1, '{\"a\":1,\"b\":[true]}'), (2, NULL), "
        "(3, 'x'), (4, '[1]'), (5, '{\"a\":1,\"a\":2}'), (6, '{\"a\":\"é\"} trailing'), (7, '') t(k, j)")


def test_json_tuple_alias(oracle):
    """json_tuple(...) AS (x, y) names its columns."""
    oracle.check_sql("SELECT json_tuple('{\"a\":1,\"b\":2}', 'a', 'b') AS (x, y)")


def test_json_tuple_errors(oracle):
    """json_tuple needs strings (NON_STRING_TYPE) and at least one field (WRONG_NUM_ARGS)."""
    for text in ["SELECT json_tuple('{\"a\":1}', 1)", "SELECT json_tuple(1, 'a')",
                 "SELECT json_tuple(NULL, 'a')", "SELECT json_tuple('{\"a\":1}')"]:
        want = oracle.pyspark.run(lambda sql, spark: spark.sql(text), False)
        oracle.check_sql(text, error=want.condition)


def test_json_tuple_python(oracle):
    """f.json_tuple through the DataFrame API; no fields is CANNOT_BE_EMPTY."""
    def program(sql, spark):
        df = spark.createDataFrame([('{"a":1,"b":"x"}',), (None,)], "j STRING")
        return df.select(sql.functions.json_tuple("j", "a", "b"))
    oracle.check(program)
    oracle.check(lambda sql, spark: sql.functions.json_tuple("j"), error="CANNOT_BE_EMPTY")


def test_schema_of_json(oracle):
    """schema_of_json infers Spark's schema: BIGINT/DOUBLE/STRING, sorted fields, widening, STRING fallback."""
    docs = ['{"a":1,"b":[1.5,2],"c":"x","d":null,"e":{"f":true}}', '[1,2]', '1', '"a"', 'null',
            '[]', '{}', '{"a":12345678901234567890}', '{"a":[1,"x"]}', '{"a":[1,1.5]}',
            '{"a":[{"x":1},{"y":2}]}', '{"b":1,"a":2}', '{"a":[null]}', '{"a":"NaN"}',
            '{"a":1,"A":2}', '[{"a":1}, 2]', '{"a":[[1],[2.5]]}', '{"a":1} x',
            '{"a":[1, {"b":1}]}', '{"a":[true, 1]}', '{"a b":1, "`c":2}', '{"a":1.5,"b":1.0E10}']
    oracle.check_exprs(["schema_of_json('%s')" % d for d in docs]
                       + ["schema_of_json('{\"a\":1}', map('primitivesAsString', 'true'))"])


def test_schema_of_json_errors(oracle):
    """schema_of_json needs a constant non-NULL string."""
    oracle.check_exprs(["schema_of_json(NULL)", "schema_of_json(j)"], rows=[("{}",)], schema="j STRING")


def test_schema_of_json_python(oracle):
    """f.schema_of_json takes a string or a Column; anything else is NOT_COLUMN_OR_STR."""
    def program(sql, spark):
        F = sql.functions
        return spark.range(1).select(F.schema_of_json('{"a": [1, 2]}'),
                                     F.schema_of_json(F.lit('{"b": "x"}')))
    oracle.check(program)
    oracle.check(lambda sql, spark: sql.functions.schema_of_json(1), error="NOT_COLUMN_OR_STR")


def test_json_python_wrappers(oracle):
    """f.json_array_length and f.json_object_keys over a column."""
    def program(sql, spark):
        F = sql.functions
        df = spark.createDataFrame([("[1, 2]",), ('{"k": 1}',), (None,)], "j STRING")
        return df.select(F.json_array_length("j"), F.json_object_keys(F.col("j")))
    oracle.check(program)


def test_get_json_object_numbers(oracle):
    """get_json_object returns numbers as Jackson writes them (1.50 -> 1.5, 1e2 -> 100.0)."""
    oracle.check_exprs([
        "get_json_object('{\"a\":1.50}', '$.a')", "get_json_object('{\"a\":[1, 2.50]}', '$.a')",
        "get_json_object('{\"a\":1e2}', '$.a')", "get_json_object('{\"a\":{\"b\":-0.0}}', '$.a')",
    ])


def test_from_csv(oracle):
    """from_csv: fields converted to the schema's types; a value that does not convert is NULL; missing fields NULL."""
    oracle.check_exprs([
        "from_csv('1,abc,2.5', 'a INT, b STRING, c DOUBLE')", "from_csv('1', 'a INT, b STRING')",
        "from_csv('x,y', 'a INT, b STRING')", "from_csv(NULL, 'a INT')", "from_csv('', 'a INT')",
        "from_csv('\"a,b\",c', 's STRING, t STRING')", "from_csv('1;2', 'a INT, b INT', map('sep', ';'))",
        "from_csv('2020-01-01,2020-01-01 10:00:00', 'd DATE, t TIMESTAMP')",
        "from_csv('true,1.5', 'b BOOLEAN, d DECIMAL(5,2)')", "from_csv('1,2,3', 'a INT, b INT')",
        "from_csv(' 1 , x ', 'a INT, b STRING')", "from_csv(j, 'a INT, b STRING')",
    ], rows=[("7,é",), (None,), ("q,",)], schema="j STRING")


def test_from_csv_errors(oracle):
    """from_csv needs a string input, a literal struct schema of atomic types; """
    oracle.check_exprs(["from_csv('1', 'a ARRAY<INT>')", "from_csv(1, 'a INT')", "from_csv('1', 1)",
                        "from_csv('1', 'INT')"])


def test_to_csv(oracle):
    """to_csv: quoting of separators and quotes, NULL as empty, Java doubles, timestamps as in to_json, trimmed strings."""
    oracle.check_exprs([
        "to_csv(named_struct('a', 1, 'b', 'x,y', 'c', NULL, 'd', 2.5D, 'e', date'2020-01-01', "
        "'f', timestamp'2020-01-01 10:00:00', 'g', true, 'h', 'q\"q', 'i', ''))",
        "to_csv(named_struct('a', 1, 'b', 2), map('sep', ';'))", "to_csv(NULL)",
        "to_csv(named_struct('a', 1.5F, 'b', 1e20D, 'c', CAST(1.50 AS DECIMAL(5,2)), 'e', ' x '))",
        "to_csv(named_struct('k', k, 's', s))",
    ], rows=[(1, "a b"), (None, None)], schema="k INT, s STRING")


def test_to_csv_errors(oracle):
    """to_csv takes a struct (DATATYPE_MISMATCH.UNSUPPORTED_INPUT_TYPE)."""
    oracle.check_exprs(["to_csv(1)", "to_csv()"])


def test_schema_of_csv(oracle):
    """schema_of_csv infers _c0.. with Spark's CSV rules: INT, BIGINT, DOUBLE, DATE, TIMESTAMP, BOOLEAN, STRING."""
    oracle.check_exprs([
        "schema_of_csv('1,abc,2.5,true,2020-01-01,,1e5')", "schema_of_csv('x')",
        "schema_of_csv('1;2', map('sep', ';'))", "schema_of_csv('12345678901,2020-01-01 10:00:00')",
        "schema_of_csv(NULL)", "schema_of_csv(j)",
    ], rows=[("1",)], schema="j STRING")


def test_csv_python_wrappers(oracle):
    """f.from_csv, f.to_csv and f.schema_of_csv through the DataFrame API."""
    def program(sql, spark):
        F = sql.functions
        df = spark.createDataFrame([("1,x",), (None,)], "j STRING")
        parsed = df.select(F.from_csv("j", "a INT, b STRING").alias("r"))
        return parsed.select("r", F.to_csv("r").alias("back"), F.schema_of_csv("1,x"),
                             F.to_csv(F.col("r"), {"sep": "|"}).alias("piped"))
    oracle.check(program)
    oracle.check(lambda sql, spark: sql.functions.from_csv("j", 1), error="NOT_COLUMN_OR_STR")
    oracle.check(lambda sql, spark: sql.functions.schema_of_csv(1), error="NOT_COLUMN_OR_STR")


def test_from_json_foldable_schema(oracle):
    """from_json takes any foldable schema string, such as schema_of_json(...) of a sample."""
    oracle.check_exprs(["from_json('{\"a\":1}', schema_of_json('{\"a\":1}'))",
                        "from_json('{\"a\":1}', concat('a ', 'INT'))"])


def test_to_json_is_nullable(oracle):
    """to_json's result is always nullable, even over a struct that is never NULL."""
    oracle.check_exprs(["to_json(named_struct('k', 1, 'v', j))", "to_json(array(1, 2))",
                        "to_json(map('a', 1))"],
                       rows=[("x",), (None,)], schema="j STRING")
