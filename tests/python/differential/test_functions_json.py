"""JSON text functions against PySpark 4.1: get_json_object, json_tuple, json_array_length,
json_object_keys and schema_of_json over the texts Spark's parsers read, from_json's FAILFAST
message, and the CSV text functions."""

import re

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


def test_schema_of_csv_values_and_datetime_options(oracle):
    """schema_of_csv tries each value as Spark's CSV inference does (Java's number readers: a
    whole BigDecimal is DECIMAL(digits, 0), a double may carry a d/f suffix, nanValue/Inf/-Inf are
    DOUBLE; the lenient timestamp reader), and reads the dateFormat and timestampFormat options."""
    values = ["12345678901234567890", "NaN", "Inf", "-Inf", "1e5", " 1", "TRUE", "1.", ".5", "1d",
              "1f", "-Infinity", "+1", "2024-1-2", "2024-01-02 03:04", "2024-01",
              "1234567890123456789012345678901234567890", "1.5e1", "0x1p3", "2024-13-45"]
    exprs = ["schema_of_csv('%s')" % v for v in values] + [
        "schema_of_csv('02/01/2024 03:04,x', map('timestampFormat', 'dd/MM/yyyy HH:mm'))",
        "schema_of_csv('02/01/2024,x', map('dateFormat', 'dd/MM/yyyy'))",
        "schema_of_csv('02/01/2024,2024-01-02', map('dateFormat', 'dd/MM/yyyy', 'preferDate', 'false'))",
        "schema_of_csv('2024/01/02 03:04:05,1', map('timestampFormat', 'yyyy/MM/dd HH:mm:ss'))",
        "schema_of_csv('2024-01-02,1', map('timestampFormat', 'yyyy/MM/dd HH:mm:ss'))",
        "schema_of_csv('-,nan,+inf', map('nanValue', 'nan', 'positiveInf', '+inf', 'nullValue', '-'))",
    ]
    oracle.check_exprs(exprs)


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


def test_to_json_escapes_strings_and_writes_integers_as_jackson(oracle):
    """to_json escapes quotes, backslashes and control characters in values, field names and
    map keys as Jackson does (\\n, \\t, \\b, \\f, \\r short; others \\u00XX), leaves '/' and
    non-ASCII as they are, and writes each integer width to its limits."""
    texts = ['plain', 'say "hi"', 'back\\slash', 'line\nbreak\ttab\rret', 'bell\b feed\f',
             'ctl\x01\x1f end', 'a/b é 日本 😀', '', '"\\"', '\x00']
    rows = [(i, t) for i, t in enumerate(texts)] + [(len(texts), None)]
    oracle.check_exprs([
        "to_json(named_struct('s', s, 'i', i))",
        "to_json(named_struct('we\"ird\\\\name\\n', s))",
        "to_json(map(s, i))",
        "to_json(array(s, s))",
        "to_json(named_struct('b', CAST(-128 AS TINYINT), 'h', CAST(-32768 AS SMALLINT), "
        "'i', -2147483648, 'l', -9223372036854775808, 'm', 9223372036854775807, 'z', 0))",
    ], rows=rows, schema="i INT, s STRING")


def test_to_json_is_nullable(oracle):
    """to_json's result is always nullable, even over a struct that is never NULL."""
    oracle.check_exprs(["to_json(named_struct('k', 1, 'v', j))", "to_json(array(1, 2))",
                        "to_json(map('a', 1))"],
                       rows=[("x",), (None,)], schema="j STRING")


# Texts read by get_json_object, json_tuple, json_array_length and json_object_keys:
# Spark's parser for them takes single quotes and control characters in strings,
# nothing else lenient; the first value counts, what follows it is ignored.
LENIENT_DOCS = [
    "{'a':1}", "{'a':'x'}", "{\"a\":'x'}", "{'a':\"x'y\"}", "{'a':'it''s'}", '{"a":"\\\'"}', "{a:1}",
    '{"a":1} xyz', '{"a":1}{"b":2}', '{"a":1}garbage{', '  {"a":1}  ', '\t{"a":1}\n', '{"a":1}\n{"a":2}',
    '{"a":1e400}', '{"a":-1e400}', '{"a":1E-400}', '{"a":-0}', '{"a":-0.0}', '{"a":1.0E2}', '{"a":1.50}',
    '{"a":1e20}', '{"a":0.1}', '{"a":12345678901234567890123}', '{"a":123456789012345678901234567890.5}',
    '{"a":007}', '{"a":01.5}', '{"a":.5}', '{"a":5.}', '{"a":0x10}', '{"a":NaN}', '{"a":Infinity}',
    '{"a":-Infinity}', '{"a":+INF}', '{"a":/*c*/1}',
    '{"a":[1,[2,{"b":3}]]}', '{"a":{"b":{"c":1}}}', '{"a" : [ 1 , 2 ] }',
    '{"a":{"c" : 1, "b" : [ true , null ]}}', '[1,2]', '[{"a":1},{"a":2}]',
    '{"a":"x\\"y\\\\z\\n"}', '{"a":"\\u00e9\\u0041"}', '{"a":"\\q"}', '{"a":"é"}', '{"a":"tab\there"}',
    '{"a":"x\ny"}', '{"a":"\\ud83d\\ude00"}', '{"a":["\\ud83d\\ude00","x"]}', '{"a":"😀"}',
    '{"a":"\\u001f\\b\\f/\\u007f\\u0000"}',
    '{"a":', '{"a":1,"b":}', '{"a":1,"b":2', '{"a":1,}', '{"a":[1,]}', 'xyz', '', ' ',
    '{"a":1,"a":2}', '{"a":1,"a":null}', '{"a":null,"a":1}', '{"a":null}', '{"a":true}', '{"a":[]}', '{"a":{}}',
    '1', '1 x', '1x', '-', '1.', '1e', 'true', 'truex', 'true x', 'true]', 'null', 'nullx', '"a"x', '"a"', '[1]x',
]


def test_json_text_functions_read_as_sparks_parser(oracle):
    """get_json_object, json_tuple, json_array_length and json_object_keys over one matrix of
    texts: single quotes and raw control characters read, no other lenient form; numbers copied
    as Jackson writes them; the first value read and what follows ignored, except after a
    number or literal alone (`1x` is malformed)."""
    oracle.check_exprs(
        ["k", "get_json_object(j, '$.a')", "get_json_object(j, '$')", "get_json_object(j, '$.a[*]')",
         "json_array_length(j)", "json_object_keys(j)"],
        rows=[(i, d) for i, d in enumerate(LENIENT_DOCS)] + [(len(LENIENT_DOCS), None)], schema="k INT, j STRING")


def test_json_tuple_reads_as_sparks_parser(oracle):
    """json_tuple over the same texts: a repeated key's last value that is not null."""
    def program(sql, spark):
        rows = [(i, d) for i, d in enumerate(LENIENT_DOCS)] + [(len(LENIENT_DOCS), None)]
        df = spark.createDataFrame(rows, "k INT, j STRING")
        return df.select("k", sql.functions.json_tuple("j", "a", "b"))
    oracle.check(program)


GET_PATH_DOC = ('{"a":[1,{"b":2},[3,4],null,"s"],"c":{"d":{"e":"f"}},"g":null,'
                '"h":[{"b":1},{"b":[5,6]},{"x":1}],"k k":1,"e":"\\ud83d\\ude00\\u0001"}')
GET_PATHS = [
    "$", "$.a", "$['a']", '$["a"]', "$.a[0]", "$.a[1]", "$.a[1].b", "$.a[2]", "$.a[2][1]", "$.a[3]", "$.a[4]",
    "$.a[9]", "$.a[-1]", "$.a[*]", "$.a[*].b", "$.h[*].b", "$.h[*].b[*]", "$.h[*].b[0]", "$.h[*].b[1]", "$.h[*]",
    "$.h[0]", "$.h[1].b[*]", "$.h[*].x", "$.c.d", "$.c.d.e", "$.c.*", "$.*", "$['*']", "$[*]", "$.*.d",
    "$.a[1].*", "$.g", "$.x", "$.a.b", "$..a", "a", "$a", "$.", "$.a.", "$[0]", "$['k k']", "$.k k",
    "$.a[01]", "$.a[ 0]", "$.a[0 ]", "$.a[]", "$['a'", " $.a", "$.a ", "$. a", "$[' a']", "$ ['a']", "$.a [0]",
    "$.e", "$.c['d']['e']", "$['c'].d", "$.a[1]['b']", "$.[a]", "", "$[*].b", "$['a','c']", "$.a[0,1]",
    "$.a[0:2]", "$.a[2][*]", "$.a[*][0]", "$.a[*][*]", "$.h[*][*]", "$.a[*][*].b", None,
]


def test_get_json_object_paths(oracle):
    """get_json_object's path grammar and what each form selects: `.name`, `['name']`, `[n]`,
    `[*]` (one match without brackets, several as an array), `[*][*]` (flattened), `.*`
    (matches nothing in Spark), spaces where Spark's grammar skips them, invalid paths NULL."""
    oracle.check_exprs(["p", "get_json_object(j, p)"],
                       rows=[(GET_PATH_DOC, p) for p in GET_PATHS], schema="j STRING, p STRING")


WILDCARD_CASES = [
    ('[{"b":1},{"b":2},{"c":3}]', "$[*].b"), ('[{"b":1},{"b":2},{"c":3}]', "$[0]"),
    ('[{"b":1},{"b":2},{"c":3}]', "$[*]"), ('[{"b":1},{"b":2},{"c":3}]', "$.b"),
    ('{"a":{"x":1},"a":{"b":2}}', "$.a.b"), ('{"a":{"b":1},"a":{"b":2}}', "$.a.b"), ('{"a":[1],"a":[2]}', "$.a[0]"),
    ('{"a":[[1,2],[3]]}', "$.a[*]"), ('{"a":[[1,2],[3]]}', "$.a[*][*]"), ('{"a":[[1,2],[3]]}', "$.a[*][0]"),
    ('{"a":[1]}', "$.a[*]"), ('{"a":[[1]]}', "$.a[*]"), ('{"a":["x"]}', "$.a[*]"), ('{"a":["x","y"]}', "$.a[*]"),
    ('{"a":[null]}', "$.a[*]"), ('{"a":[null,null]}', "$.a[*]"), ('{"a":[{"b":null}]}', "$.a[*].b"),
    ('{"a":[]}', "$.a[*]"), ('{"a":[{"b":"x"},{"b":"y"}]}', "$.a[*].b"), ('{"a":[{"b":"x"}]}', "$.a[*].b"),
    ('{"a":[{"b":[1]},{"b":[2,3]}]}', "$.a[*].b[*]"), ('{"a":[[[1,2]],[3,[4]]]}', "$.a[*][*]"),
    ('{"a":[1],"a":[[2]]}', "$.a[*][*].b"), ('{"a":[{"b":1}],"a":[[{"b":2}]]}', "$.a[*][*].b"),
    ('{"a":[[{"b":1}],[{"c":2}]]}', "$.a[0][*].b"), ('{"a":[[1,2]]}', "$.a[0][*]"), ('[[["x"]]]', "$[*][*][*]"),
    ('{"a":["\\ud83d\\ude00"]}', "$.a[*]"), ('{"a":["\\ud83d\\ude00", 1]}', "$.a[*]"),
    ('{"a":[1e400, 12345678901234567890123, -0, 1.0]}', "$.a[*]"), ('{"a":1e400}', "$.a"),
]


def test_get_json_object_wildcards_and_repeated_keys(oracle):
    """[*] over arrays of arrays, objects and strings; a repeated key: the first whose value is
    not null and matches the rest of the path."""
    oracle.check_exprs(["j", "p", "get_json_object(j, p)"], rows=WILDCARD_CASES, schema="j STRING, p STRING")


# Numbers as Jackson writes what it read: integers as written (-0 as 0, beyond a long as a
# BigInteger), others as Java doubles (plain in [1e-3, 1e7), exponent outside, non-finite quoted).
NUMBER_FORMS = [
    "0", "-0", "7", "-7", "100", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
    "-9223372036854775809", "123456789012345678901234567890", "0.0", "-0.0", "5.250", "-5.25", "0.001",
    "-0.001", "0.0001", "0.00123", "0.0099999", "1234567.5", "9999999.999999", "9999999.99999999",
    "10000000.0", "12345678.5", "0.1234567890123456789", "123456789012345.6", "1234567.12345678",
    "0.30000000000000004", "3.14159265358979", "1.0E2", "1e2", "1E-2", "2e-3", "1e7", "1.5e0", "1e22",
    "1e400", "-1e400", "1e-400", "-1e-400", "1.7976931348623157E308", "4.9E-324", "2.2250738585072014E-308",
]


def test_get_json_object_number_forms(oracle):
    """Each number form through get_json_object (alone, inside an array, under [*]) and
    json_tuple, written as Jackson writes the number it read."""
    rows = [(n, '{"a":%s,"b":[%s,1],"c":{"d":%s}}' % (n, n, n)) for n in NUMBER_FORMS]
    oracle.check_exprs(["n", "get_json_object(j, '$.a')", "get_json_object(j, '$.b')",
                        "get_json_object(j, '$.b[*]')", "get_json_object(j, '$')",
                        "json_tuple(j, 'a', 'c')"], rows=rows, schema="n STRING, j STRING")


SKIPPED_PARTS = [
    '{"x":[1,2,}, "a":1}', '{"x":NaN,"a":1}', '{"x":[NaN],"a":1}', '{"x":{"y":1e400,"z":"\\q"},"a":1}',
    '{"x":{"y":[1,{"z":[]}]},"a":[1,{"b":2},3]}', '{"x":' + '[' * 1000 + ']' * 1000 + ',"a":1}',
    '{"x":' + '[' * 1001 + ']' * 1001 + ',"a":1}', '{"a":[{"b":1,"c":[1,2]},{"c":3,"b":[4]}],"a":{"b":5}}',
    '[[1,[2,3]],[4],{"b":6}]', "{'x':'y','a':'z'}",
]


def test_get_json_object_reads_what_it_does_not_return(oracle):
    """Parts of a record the path does not reach are still read: malformed text, NaN or a
    nesting deeper than 1000 there makes the record malformed (NULL)."""
    paths = ["$.a", "$.a[1]", "$.a[*].b", "$.a[1].b", "$[1][0]", "$[*][*]", "$[2].b", "$.a[*][*]"]
    oracle.check_exprs(["get_json_object(j, '%s')" % p for p in paths],
                       rows=[(d,) for d in SKIPPED_PARTS], schema="j STRING")


def test_json_tuple_reads_what_it_does_not_return(oracle):
    """json_tuple too reads the fields it is not asked for."""
    oracle.check_exprs(["json_tuple(j, 'a')"], rows=[(d,) for d in SKIPPED_PARTS], schema="j STRING")


def test_json_text_functions_nesting_limit(oracle):
    """Jackson's nesting limit: 1000 levels read, 1001 malformed (NULL)."""
    oracle.check_exprs([
        "length(get_json_object(repeat('[', 1000) || repeat(']', 1000), '$'))",
        "get_json_object(repeat('[', 1001) || repeat(']', 1001), '$')",
        "json_array_length(repeat('[', 1000) || repeat(']', 1000))",
        "json_array_length(repeat('[', 1001) || repeat(']', 1001))",
        "json_array_length(repeat('[', 100000) || repeat(']', 100000))",
        "from_json(repeat('[', 1001) || repeat(']', 1001), 'ARRAY<STRING>')",
    ])


SCHEMA_DOCS = [
    "{'a':1}", '{"a":1} x', '{"a":1e400}', '{"a":-1e400}', '{"a":-0}', '{"a":NaN}', '{"a":Infinity}',
    '{"a":12345678901234567890123}', '{"a":-9223372036854775809}', '{"a":9223372036854775808}',
    '{"a":123456789012345678901234567890123456789012}', '{"a":[1, 12345678901234567890123]}',
    '{"a":[12345678901234567890123, 1.5]}', '', '  ', '{"a":1,"a":"x"}', '{"b":1,"a":2,"a":true}',
    '[{"a":1},{"b":2}]', '{"a":[[]]}', '{"a":{}}', '[{}]', '[]', '[null]', '{"a":""}', '{"":1,"b":2}',
    '{"a":1.0}', '{"a":1E2}', '{"a":[{"b":1}, null]}', '1', '"x"', 'null', 'true',
]


def test_schema_of_json_reads_as_from_json(oracle):
    """schema_of_json reads its text as from_json does (single quotes, NaN, the first value,
    numbers beyond a double or a long) and infers as Spark: repeated keys kept, empty strings
    as NULL, DECIMAL(n,0) for integers beyond a long."""
    oracle.check_exprs(["schema_of_json('%s')" % d.replace("\\", "\\\\").replace("'", "\\'") for d in SCHEMA_DOCS])


def test_schema_of_json_options(oracle):
    """schema_of_json's options: the lenient features, primitivesAsString, dropFieldIfAllNull."""
    cases = [("allowSingleQuotes", "true", '{"a":1}'), ("allowUnquotedFieldNames", "true", "{a:1}"),
             ("allowNumericLeadingZeros", "true", '{"a":007}'), ("allowComments", "true", '{"a":/**/1}'),
             ("allowBackslashEscapingAnyCharacter", "true", '{"a":"\\\\q"}'),
             ("allowUnquotedControlChars", "true", '{"a":"x\ty"}'), ("primitivesAsString", "true", '{"a":[1,true]}'),
             ("dropFieldIfAllNull", "true", '{"a":null,"b":1,"c":[],"d":{},"e":""}'),
             ("dropFieldIfAllNull", "true", 'null'), ("dropFieldIfAllNull", "true", '[null]')]
    oracle.check_exprs(["schema_of_json('%s', map('%s', '%s'))" % (d, k, v) for k, v, d in cases])


PREFERS_DECIMAL_DOCS = [
    "1.5", "1.50", "-1.5", "0.5", "0.05", "-0.0", "0", "12", "5e-1", "1.23e2", "100.0", "1.5e-5",
    "0.1e-20", "0.1e-40", "1e-400", "123456789012345678901234567890.5", "123456789012345678901234567890",
    "12345678901234567890123456789012345678.5", "1234567890123456789012345678901234567.5",
    "0.00000000000000000000000000000000000001", "[1.5, 2.25]", "[1.5, 1]", "[1, 1.5]",
    "[1.5, 12345678901234567890]", "[0.001, 1000.5]", "[1.5, 1e-400]", "[1.5, \"a\"]", "[1.5, null]",
    '{"a": 1.5, "b": 2}', '[{"a": 1.5}, {"a": 10}]', '[{"a": 1.5}, {"a": 1.25e0}]', '{"a": [0.1, 0.12, 0.123]}',
    '"1.5"', '"0.05"', '"1e3"', '"1.5e0"', '"abc"', '"1,000.5"', '" 1.5"', '"+1.5"', '"-1.5"', '"12"', '"1e-5"',
    '"123456789012345678901234567890123456789"', '"12345678901234567890123456789012345678"', '"NaN"', '""',
    '".5"', '"5."', '"."', '"1e"', '"1e+2"', '"0"', '"0.0"', '"-0"', '["1.5", 2.25]', '["1.5", "x"]', '["1.5", 1]',
]


def test_schema_of_json_prefers_decimal(oracle):
    """prefersDecimal: a number that is not an integer is DECIMAL(max(p,s), s) of its decimal
    value (DOUBLE beyond 38 digits), a string that reads as a decimal (commas dropped) is that
    DECIMAL when the type exists; merged as Spark widens decimals with BIGINT and DOUBLE."""
    oracle.check_exprs(["schema_of_json('%s', map('prefersDecimal', 'true'))" % d.replace("'", "\\'")
                        for d in PREFERS_DECIMAL_DOCS] +
                       ["schema_of_json('[1.5, \"1.5\"]', map('prefersDecimal', 'TRUE', 'primitivesAsString', 'true'))",
                        "schema_of_json('1.5', map('prefersDecimal', 'false'))"])


@pytest.mark.parametrize("doc", ["1e3", "1.0E2", "[1.5, 1.5e39]", '{"a": 1e400}'])
def test_schema_of_json_prefers_decimal_negative_scale(oracle, doc):
    """A number whose decimal has a negative scale is NEGATIVE_SCALE_DISALLOWED."""
    oracle.check(lambda sql, spark: spark.range(1).select(
        sql.functions.schema_of_json(sql.functions.lit(doc), {"prefersDecimal": "true"})),
        error="NEGATIVE_SCALE_DISALLOWED")


def test_schema_of_json_prefers_decimal_flag_value(oracle):
    """prefersDecimal is true or false; anything else fails as Spark's toBoolean does."""
    oracle.check(lambda sql, spark: spark.range(1).select(
        sql.functions.schema_of_json(sql.functions.lit("1.5"), {"prefersDecimal": "yes"})),
        error="IllegalArgumentException")


def test_schema_of_json_prefers_decimal_nan():
    """NaN and infinities have no decimal: Spark lets Java's NumberFormatException through;
    Spate names the value and why."""
    from spate.errors import IllegalArgumentException
    from spate.sql import SparkSession, functions as f
    spark = SparkSession.builder.getOrCreate()
    for doc, value in [("NaN", "NaN"), ("[1.5, -Infinity]", "-Infinity")]:
        with pytest.raises(IllegalArgumentException, match='Value "%s" can not be deserialized as a decimal' % value):
            spark.range(1).select(f.schema_of_json(f.lit(doc), {"prefersDecimal": "true"})).collect()


def test_from_json_unquoted_control_chars_and_copied_strings(oracle):
    """from_json: allowUnquotedControlChars; a STRING field holding an object gets the JSON text
    Jackson's byte generator writes (characters beyond the BMP as escaped surrogate pairs)."""
    oracle.check_exprs([
        "from_json(j, 'a STRING')", "from_json(j, 'a STRING', map('allowUnquotedControlChars', 'true'))",
        "from_json(j, 'a STRING', map('allowUnquotedControlChars', 'false'))",
    ], rows=[('{"a":"x\ty"}',), ('{"a":"x\ny\u0001"}',), ('{"a":{"b":"😀"}}',), ('{"a":["\\ud83d\\ude00"]}',),
             ('{"a":1}',)], schema="j STRING")


FAILFAST_CASES = [
    ('{"a":1, "b":x}', "a INT, b INT"), ('{"a":"q", "b":2}', "a INT, b INT"), ('[1,2', "ARRAY<INT>"),
    ('[1,"x"]', "ARRAY<INT>"), ('{"a":1', "MAP<STRING,INT>"), ('{"a":"x"}', "MAP<STRING,INT>"),
    ('{"a":1', "a INT, _corrupt_record STRING"), ('{"a":"x","_corrupt_record":"y"}', "a INT, _corrupt_record STRING"),
    ('{"a":{"b":"x"}}', "a STRUCT<b: INT>, c STRING"), ('{"a":1,"b":true,"c":1.5,"d":"s","e":"q"}',
                                                         "a BIGINT, b BOOLEAN, c DOUBLE, d STRING, e INT"),
    ('{"a":1.5,"b":1.50,"c":"2020-01-02","d":"2020-01-02 03:04:05","e":"q","f":1e20,"g":2.5}',
     "a FLOAT, b DECIMAL(5,2), c DATE, d TIMESTAMP, e INT, f DOUBLE, g FLOAT"),
    ('{"a":{"b":1,"c":"x"},"d":[1,2]}', "a STRUCT<b: INT, c: INT>, d ARRAY<INT>"),
    ('{"a":[1,"x"]}', "a ARRAY<INT>"), ('{"a":"x", "b":"é\\n"}', "a INT, b STRING"), ('1x', "a INT"),
    ('{"a":-0.0,"b":"x","c":1e-5,"d":1e7}', "a DOUBLE, b INT, c DOUBLE, d DOUBLE"),
    ('{"a":{"x":1},"b":"q"}', "a MAP<STRING,INT>, b INT"),
]


def failfast_rows(oracle, program):
    """The row each engine's MALFORMED_RECORD_IN_PARSING names when `program` fails."""
    named = []
    for engine in (oracle.spate, oracle.pyspark):
        with pytest.raises(Exception) as raised:
            program(engine)
        found = re.search(r"\[MALFORMED_RECORD_IN_PARSING\.WITHOUT_SUGGESTION\] Malformed records are detected in "
                          r"record parsing: (.*)\.\s+Parse Mode: FAILFAST", str(raised.value), re.S)
        assert found, "%s: %s" % (engine.name, raised.value)
        named.append(found.group(1))
    return named


@pytest.mark.parametrize("record, schema", FAILFAST_CASES)
def test_from_json_failfast_names_the_permissive_row(oracle, record, schema):
    """FAILFAST's MALFORMED_RECORD_IN_PARSING names the row PERMISSIVE would give, printed as
    Spark prints a row: the fields that converted, the text in the corrupt-record column."""
    def program(engine):
        df = engine.spark.createDataFrame([(record,)], "j STRING")
        df.select(engine.sql.functions.from_json("j", schema, {"mode": "FAILFAST"})).collect()
    spate, pyspark = failfast_rows(oracle, program)
    assert spate == pyspark


@pytest.mark.parametrize("schema", ["a INT, b STRING", "a INT, b STRING, _corrupt_record STRING"])
def test_json_source_failfast_names_the_permissive_row(oracle, tmp_path, schema):
    """The JSON source's FAILFAST error names the row as from_json's does."""
    (tmp_path / "part.json").write_text('{"a":1,"b":"x"}\n{"a":"q","b":"y"}\n')
    def program(engine):
        engine.spark.read.schema(schema).option("mode", "FAILFAST").json(str(tmp_path)).collect()
    spate, pyspark = failfast_rows(oracle, program)
    assert spate == pyspark


def test_from_json_decimal_strings_with_commas(oracle):
    """A string in a DECIMAL field is read as Spark's en-US decimal parser reads it: BigDecimal
    of the text without its commas ("1,000.5", even "1.000,5" as 1.0005), not trimmed, rounded
    half up to the scale; DOUBLE and integral fields take no strings of digits."""
    texts = ["1,000.5", "1000.5", "1,000", "1,00,0.5", ",1", "1,", "1.000,5", " 1,000.5 ", " 1000.5",
             "1,000.5e2", "-1,000.5", "+1,000", "1e3", "1,000.55555", ".5", "5.", ",", "", "1,000,000,000,000"]
    rows = [('{"a":"%s"}' % t,) for t in texts] + [('{"a":1000.5}',), ('{"a":1e3}',)]
    oracle.check_exprs(["from_json(j, 'a %s').a" % t for t in
                        ["DECIMAL(10,2)", "DECIMAL(38,0)", "DECIMAL(4,1)", "DOUBLE", "FLOAT", "INT", "BIGINT"]],
                       rows=rows, schema="j STRING")


DATETIME_TEXTS = ["01/02/2020 10:30", "1/2/2020 10:30", "01/02/2020 10:30 +02:00", "2020-01-02 10:30", "2020-01-02",
                  "31/02/2020 10:30", "01/13/2020 25:00", "01/02/2020", "x", ""]


def test_from_json_datetime_formats(oracle):
    """timestampFormat, timestampNTZFormat and dateFormat: strings in TIMESTAMP, TIMESTAMP_NTZ and
    DATE fields read with the pattern alone (no fallback to the forms CAST reads), a zone in the
    text making a TIMESTAMP_NTZ invalid; what the pattern does not read is NULL; a number in a
    TIMESTAMP field still counts seconds."""
    rows = [('{"a":"%s"}' % t,) for t in DATETIME_TEXTS] + [('{"a":12}',)]
    options = [("timestampFormat", "dd/MM/yyyy HH:mm", "TIMESTAMP"), ("timestampFormat", "d/M/yyyy H:mm XXX", "TIMESTAMP"),
               ("timestampNTZFormat", "dd/MM/yyyy HH:mm", "TIMESTAMP_NTZ"),
               ("timestampNTZFormat", "dd/MM/yyyy HH:mm XXX", "TIMESTAMP_NTZ"),
               ("dateFormat", "dd/MM/yyyy", "DATE"), ("dateFormat", "dd/MM/yyyy HH:mm", "DATE"),
               ("timestampFormat", "dd/MM/yyyy HH:mm", "TIMESTAMP_NTZ"), ("dateFormat", "dd/MM/yyyy", "TIMESTAMP")]
    oracle.check_exprs(["from_json(j, 'a %s', map('%s', '%s')).a" % (t, k, v) for k, v, t in options],
                       rows=rows, schema="j STRING")


def test_from_json_datetime_formats_month_names(oracle):
    """A pattern's MMM and MMMM read English month names, case ignored."""
    rows = [('{"a":"%s"}' % t,) for t in ["02 Jan 2020", "02 JAN 2020", "02 January 2020", "02 jan. 2020"]]
    oracle.check_exprs(["from_json(j, 'a DATE', map('dateFormat', '%s')).a" % p for p in ["dd MMM yyyy", "dd MMMM yyyy"]],
                       rows=rows, schema="j STRING")


@pytest.mark.parametrize("text", ["31/02/2020 10:30", "2020-01-02 10:30"])
def test_from_json_datetime_formats_fail_fast(oracle, text):
    """FAILFAST: a string the timestampFormat pattern does not read makes the record malformed,
    the error naming the row PERMISSIVE would give."""
    def program(engine):
        df = engine.spark.createDataFrame([('{"a":"%s", "b":1}' % text,)], "j STRING")
        df.select(engine.sql.functions.from_json("j", "a TIMESTAMP, b INT", {"timestampFormat": "dd/MM/yyyy HH:mm",
                                                                                "mode": "FAILFAST"})).collect()
    spate, pyspark = failfast_rows(oracle, program)
    assert spate == pyspark


def test_from_json_datetime_format_with_an_illegal_letter():
    """A pattern with a letter the pattern reader does not know is refused, naming the pattern and
    the letter (Spark reads every value as NULL for some letters, fails for week-based ones)."""
    from spate.errors import SparkRuntimeException, AnalysisException
    from spate.sql import SparkSession, functions as f
    spark = SparkSession.builder.getOrCreate()
    df = spark.createDataFrame([('{"a":"2020-01-02"}',)], "j STRING")
    with pytest.raises((SparkRuntimeException, AnalysisException)) as raised:
        df.select(f.from_json("j", "a DATE", {"dateFormat": "yyyy-MM-dd A"})).collect()
    assert raised.value.getCondition() == "INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER"
    assert "Unrecognized datetime pattern: yyyy-MM-dd A. Illegal pattern character found in datetime pattern: A" \
        in str(raised.value)


DECIMAL_TEXTS = ["1,000.5", "1.000,5", "1 000,5", "1\u202f000,5", "1000", "-1,5", "1,5E2", "1,5E-1", "1,5e2", " 1,5",
                 "1,5x", "1,2,3", "1.2.3", "1.", "1,", ",5", "1.000.000,25", "+1,5", "-", "1E", "1,5E+2"]


@pytest.mark.parametrize("locale", ["en-US", "de-DE", "fr-FR", "de", "it-IT", "en", "EN-us", "invalid!", "xx-YY"])
def test_from_json_decimal_locale(oracle, locale):
    """The locale option: en-US (the default, also in other cases) drops commas; any other tag
    reads the text with the locale's decimal and grouping separators (de: 1.000,5; fr: a narrow
    no-break space between groups), the whole text or nothing; a tag that is not one (or an
    unknown language) reads as Java's root locale (1,000.5), never as en-US."""
    rows = [('{"a":"%s"}' % t,) for t in DECIMAL_TEXTS] + [('{"a":1.5}',)]
    oracle.check_exprs(["from_json(j, 'a DECIMAL(10,2)', map('locale', '%s')).a" % locale], rows=rows, schema="j STRING")


def test_schema_of_json_infer_timestamp_with_a_format(oracle):
    """inferTimestamp with timestampFormat: a string that pattern reads is TIMESTAMP, and the
    forms CAST reads are no longer; timestampNTZFormat changes nothing (Spark tries it only under
    spark.sql.timestampType=TIMESTAMP_NTZ)."""
    doc = '{"t": "01/02/2020 10:30", "u": "2020-01-02", "v": "2020-01-02 10:30", "w": "01/02/2020 10:30 +02:00"}'
    options = ["'timestampFormat', 'dd/MM/yyyy HH:mm'", "'timestampFormat', 'dd/MM/yyyy HH:mm XXX'",
               "'timestampNTZFormat', 'dd/MM/yyyy HH:mm'", "'timestampFormat', 'dd/MM/yyyy HH:mm', 'prefersDecimal', 'true'"]
    oracle.check_exprs(["schema_of_json('%s', map('inferTimestamp', 'true', %s))" % (doc, o) for o in options] +
                       ["schema_of_json('%s', map(%s))" % (doc, options[0])])


def test_schema_of_json_prefers_decimal_locale(oracle):
    """prefersDecimal reads strings with the locale's decimal parser."""
    doc = '{"a": "1.000,5", "b": "1,5", "c": "1,000.5", "d": "2,50", "e": "100", "f": "-0,05", "g": "1,5E2"}'
    oracle.check_exprs(["schema_of_json('%s', map('prefersDecimal', 'true', 'locale', '%s'))" % (doc, loc)
                        for loc in ["en-US", "de-DE"]])


def test_schema_of_json_infer_timestamp(oracle):
    """schema_of_json with inferTimestamp: strings CAST reads as timestamps are TIMESTAMP (a time
    alone and an hour alone too); others, `2020-01-01T` among them, STRING."""
    docs = ['{"a": "2020-01-01", "b": "2020-01-01T10:00:00Z", "c": "x", "d": ["2020-01-01 10:00", "y"]}',
            '["2020-01-01", "2021-01-01 00:00:00.5"]', '"2020"',
            '{"e": "10:00", "f": "T10", "g": "2020-01-01T10", "h": "2020-01-01T", "i": "2020-01-01T10:00Z"}']
    oracle.check_exprs(["schema_of_json('%s', map('inferTimestamp', 'true'))" % d for d in docs] +
                       ["schema_of_json('%s', map('inferTimestamp', 'true', 'prefersDecimal', 'true'))" % docs[2],
                        "schema_of_json('%s')" % docs[0]])


def test_schema_of_json_infer_timestamp_flag_value(oracle):
    oracle.check(lambda sql, spark: spark.range(1).select(
        sql.functions.schema_of_json(sql.functions.lit('"2020-01-01"'), {"inferTimestamp": "yes"})),
        error="IllegalArgumentException")


def test_to_json_datetime_formats(oracle):
    """to_json writes TIMESTAMP, TIMESTAMP_NTZ and DATE values with timestampFormat (in the
    session time zone), timestampNTZFormat and dateFormat."""
    value = ("named_struct('t', timestamp'2020-01-02 10:30:00.123', 'd', date'2020-01-02', "
             "'n', timestamp_ntz'2020-01-02 10:30:00', 'a', array(date'2021-12-31'))")
    oracle.check_exprs(["to_json(%s, map(%s))" % (value, o) for o in [
        "'timestampFormat', 'dd/MM/yyyy HH:mm:ss.SSS XXX', 'dateFormat', 'dd.MM.yyyy', 'timestampNTZFormat', 'yyyy MM dd HH'",
        "'timestampFormat', 'yyyy-MM-dd HH:mm VV'", "'dateFormat', 'MMM d, yyyy'"]])


def test_from_csv_datetime_formats(oracle):
    """from_csv reads DATE, TIMESTAMP and TIMESTAMP_NTZ fields with dateFormat, timestampFormat and
    timestampNTZFormat alone; what the pattern does not read is NULL."""
    rows = [(t,) for t in DATETIME_TEXTS]
    options = [("timestampFormat", "dd/MM/yyyy HH:mm", "TIMESTAMP"), ("timestampFormat", "d/M/yyyy H:mm XXX", "TIMESTAMP"),
               ("timestampNTZFormat", "dd/MM/yyyy HH:mm", "TIMESTAMP_NTZ"), ("dateFormat", "dd/MM/yyyy", "DATE"),
               ("dateFormat", "dd/MM/yyyy", "TIMESTAMP"), ("timestampFormat", "dd/MM/yyyy HH:mm", "DATE")]
    oracle.check_exprs(["from_csv(j, 'a %s', map('%s', '%s', 'sep', ';')).a" % (t, k, v) for k, v, t in options],
                       rows=rows, schema="j STRING")


@pytest.mark.parametrize("text", ["31/02/2020 10:30", "2020-01-02 10:30"])
def test_from_csv_datetime_formats_fail_fast(oracle, text):
    """FAILFAST: a value the timestampFormat pattern does not read fails from_csv with
    MALFORMED_RECORD_IN_PARSING."""
    for engine in (oracle.spate, oracle.pyspark):
        df = engine.spark.createDataFrame([("%s;1" % text,)], "j STRING")
        record = engine.sql.functions.from_csv("j", "a TIMESTAMP, b INT",
                                               {"sep": ";", "mode": "FAILFAST", "timestampFormat": "dd/MM/yyyy HH:mm"})
        with pytest.raises(Exception) as raised:
            df.select(record).collect()
        assert "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION]" in str(raised.value), engine.name


@pytest.mark.parametrize("locale", ["en-US", "de-DE", "fr-FR", "invalid!"])
def test_from_csv_decimal_locale(oracle, locale):
    """from_csv reads DECIMAL fields with the locale option's decimal parser, as the CSV source does."""
    rows = [(t,) for t in DECIMAL_TEXTS]
    oracle.check_exprs(["from_csv(j, 'a DECIMAL(10,2)', map('locale', '%s', 'sep', ';')).a" % locale],
                       rows=rows, schema="j STRING")


def test_to_csv_datetime_formats(oracle):
    """to_csv writes DATE, TIMESTAMP and TIMESTAMP_NTZ fields with dateFormat, timestampFormat and
    timestampNTZFormat."""
    oracle.check_exprs(["to_csv(named_struct('t', TIMESTAMP'2020-01-02 10:30:00', 'd', DATE'2020-01-02', "
                        "'n', TIMESTAMP_NTZ'2020-01-02 10:30:00'), map('timestampFormat', 'dd/MM/yyyy HH:mm', "
                        "'dateFormat', 'dd.MM.yy', 'timestampNTZFormat', 'HH:mm dd/MM'))"])
