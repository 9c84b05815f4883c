"""Only the JSON fields a query reads are parsed, against PySpark 4.1: the JSON source parses the
columns the query uses (a record malformed only in another field is not malformed: its text is
not in the corrupt-record column, DROPMALFORMED keeps it, FAILFAST reads it), and from_json without
options reads the fields used above it (spark.sql.optimizer.enableJsonExpressionOptimization),
which changes no value read."""

import pytest

SCHEMA = "a INT, b INT, c STRUCT<x: ARRAY<INT>>, s STRING"

RECORDS = [
    '{"a":1,"b":2,"c":{"x":[1,2]},"s":"plain"}',
    '{"a":2,"b":"bad","c":{"x":[1,2]}}',
    '{"a":"bad","b":4}',
    '{"a":3,"b":3,"c":{"x":[1,2}}',
    '{"a":5,"c":{"x":[{"y":[1,{"z":null}]}]},"s":"q\\"u\\\\o\\u0041\\n"}',
    '{"a":6,"s":"\u00e9\U0001F600","b":6}',
    '{"a":7,"b":1e400,"c":[true,false,null]}',
    '{"s":"\\"}","a":11,"c":{"x":[1,"2"]}}',
    '{"a":8,"b":',
    '{"a":9,"b":9} trailing',
    '{"a":10,"c":{"x":"not an array"},"s":{"n":[1,2]}}',
]

QUERIES = {
    "a": lambda F, df: df.select("a"),
    "a and the corrupt record": lambda F, df: df.select("a", "_corrupt_record"),
    "b and the corrupt record": lambda F, df: df.select("b", "_corrupt_record"),
    "c and s": lambda F, df: df.select("c", "s"),
    "count where a > 0": lambda F, df: df.filter(F.col("a") > 0).groupBy().count(),
    "a where b is set": lambda F, df: df.filter(F.col("b").isNotNull()).select("a"),
    "every column": lambda F, df: df,
}


def source_query(records, schema, query, options=None):
    def program(sql, spark, tmp):
        import os
        path = os.path.join(tmp, "records.json")
        with open(path, "w", encoding="utf-8") as out:
            out.write("\n".join(records) + "\n")
        df = spark.read.schema(schema).options(**(options or {})).json(path)
        return QUERIES[query](sql.functions, df)
    return program


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_json_source_parses_the_columns_read_permissive(oracle, query):
    """PERMISSIVE with the corrupt-record column: a record is corrupt for its syntax (skipped nested
    values included) and the fields read, not for a value in another field."""
    oracle.check(source_query(RECORDS, SCHEMA + ", _corrupt_record STRING", query))


@pytest.mark.parametrize("query", ["a", "c and s", "count where a > 0", "a where b is set"])
@pytest.mark.parametrize("mode", ["PERMISSIVE", "DROPMALFORMED"])
def test_json_source_parses_the_columns_read(oracle, query, mode):
    """Without the corrupt-record column, and DROPMALFORMED, which drops only the records
    malformed in their syntax or in the fields read."""
    oracle.check(source_query(RECORDS, SCHEMA, query, {"mode": mode}))


FAILFAST_RECORDS = ['{"a":1,"b":"bad"}', '{"a":2,"c":{"x":"s"},"s":[1,{"t":"\\""}]}', '{"a":3,"b":3}']


@pytest.mark.parametrize("query", ["a", "count where a > 0"])
def test_json_source_fail_fast_reads_records_malformed_in_other_fields(oracle, query):
    oracle.check(source_query(FAILFAST_RECORDS, SCHEMA, query, {"mode": "FAILFAST"}))


@pytest.mark.parametrize("query", ["b and the corrupt record", "every column"])
def test_json_source_fail_fast_fails_on_a_field_read(oracle, query):
    schema = SCHEMA + ", _corrupt_record STRING"
    for engine in (oracle.spate, oracle.pyspark):
        with pytest.raises(Exception) as raised:
            source_query(FAILFAST_RECORDS, schema, query, {"mode": "FAILFAST"})(
                engine.sql, engine.spark, _tmp()).collect()
        assert "MALFORMED_RECORD_IN_PARSING" in str(raised.value), "%s: %s" % (engine.name, raised.value)


def _tmp():
    import tempfile
    return tempfile.mkdtemp(prefix="json-field-pruning-")


def test_json_source_refuses_a_query_of_the_corrupt_record_column_alone(oracle):
    def program(sql, spark, tmp):
        F = sql.functions
        df = source_query(RECORDS, SCHEMA + ", _corrupt_record STRING", "every column")(sql, spark, tmp)
        return df.filter(F.col("_corrupt_record").isNotNull()).groupBy().count()
    oracle.check(program, error="UNSUPPORTED_FEATURE.QUERY_ONLY_CORRUPT_RECORD_COLUMN")


FROM_JSON_QUERIES = {
    "a field": lambda F, r: r.select(F.from_json("j", SCHEMA).getField("a").alias("a")),
    "fields after the star": lambda F, r: r.select(F.from_json("j", SCHEMA).alias("r")).select("r.*").select("s", "a"),
    "a filter and a count": lambda F, r: (r.select(F.from_json("j", SCHEMA).alias("r")).select("r.*")
                                          .filter(F.col("b") > 0).groupBy().count()),
    "a sum of fields": lambda F, r: (r.select(F.from_json("j", SCHEMA).alias("r")).select("r.*")
                                     .agg(F.sum("a"), F.count("s"), F.count("c"))),
    "nested fields": lambda F, r: r.select(F.from_json("j", SCHEMA).alias("r")).select("r.c.x", "r.a"),
    "the corrupt record alone": lambda F, r: (r.select(F.from_json("j", SCHEMA + ", _corrupt_record STRING")
                                                       .alias("r")).select("r._corrupt_record")),
    "a field and the corrupt record": lambda F, r: (r.select(F.from_json("j", SCHEMA + ", _corrupt_record STRING")
                                                             .alias("r")).select("r.a", "r._corrupt_record")),
}


def from_json_query(query):
    def program(sql, spark):
        rows = spark.createDataFrame([(r,) for r in RECORDS], "j STRING")
        return FROM_JSON_QUERIES[query](sql.functions, rows)
    return program


@pytest.mark.parametrize("query", sorted(FROM_JSON_QUERIES))
def test_from_json_reads_the_fields_used(oracle, query):
    """from_json without options, pruned to the fields read: the same values as all fields give
    (partial results), and the corrupt-record column read alone tells of the syntax only, as in Spark."""
    oracle.check(from_json_query(query))


@pytest.mark.parametrize("query", ["a field", "fields after the star", "the corrupt record alone"])
def test_from_json_with_the_optimization_off(oracle, query):
    conf = "spark.sql.optimizer.enableJsonExpressionOptimization"
    try:
        for engine in (oracle.spate, oracle.pyspark):
            engine.spark.conf.set(conf, "false")
        oracle.check(from_json_query(query))
    finally:
        for engine in (oracle.spate, oracle.pyspark):
            engine.spark.conf.set(conf, "true")


def test_from_json_with_options_is_not_pruned(oracle):
    """FAILFAST (any option) keeps every field: a value that does not convert in a field not
    read still fails the query."""
    def program(sql, spark):
        F = sql.functions
        rows = spark.createDataFrame([('{"a":1,"b":"bad"}',)], "j STRING")
        return rows.select(F.from_json("j", SCHEMA, {"mode": "FAILFAST"}).alias("r")).select("r.*").select("a")
    for engine in (oracle.spate, oracle.pyspark):
        with pytest.raises(Exception) as raised:
            program(engine.sql, engine.spark).collect()
        assert "MALFORMED_RECORD_IN_PARSING" in str(raised.value), "%s: %s" % (engine.name, raised.value)


@pytest.mark.parametrize("mode", ["DROPMALFORMED", "FAILFAST"])
def test_json_source_count_reads_the_columns_filtered(oracle, mode):
    """DataFrame.count() is an aggregate, as in Spark: over a filter it reads the filter's columns."""
    def program(sql, spark, tmp):
        df = source_query(FAILFAST_RECORDS, SCHEMA, "every column", {"mode": mode})(sql, spark, tmp)
        return df.filter(sql.functions.col("a") > 0).count()
    oracle.check(program)


# Records whose field k is read and the others not: broken syntax in a field not read makes
# the record malformed; a well-formed value of the wrong type in a field not read does not.
UNREAD_SCHEMA = "n INT, s DOUBLE, o BOOLEAN, a INT, k INT"

UNREAD_RECORDS = [
    # broken syntax in a field not read
    '{"n":01,"k":1}',
    '{"n":1.,"k":2}',
    '{"n":-,"k":3}',
    '{"n":1e+,"k":4}',
    '{"s":"a\\x","k":5}',
    '{"s":"a\\u12G4","k":6}',
    '{"s":"a\tb","k":7}',
    '{"o":{"x":1,},"k":8}',
    '{"a":[1 2],"k":9}',
    '{"o":tru,"k":10}',
    '{"k":11,"o":{"x":[1,{"y":2}]}',
    # well-formed values, of other types than the schema's, in fields not read
    '{"n":"text","s":"1.5","o":1,"a":{"x":[1,"2"]},"k":21}',
    '{"n":-0,"s":-12.25E-3,"o":null,"a":1e400,"m":123456789012345678901234567890,"k":22}',
    '{"s":"q\\"}\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\ud83d\\ude00","k":23}',
    '{"s":"\u00e9\U0001F600 caf\u00e9","n":[[],{},"]",true,false],"k":24}',
    '{"n":1,"n":"x","a":{"a":{"a":{"a":[[[[null]]]]}}},"k":25}',
    '{ "n" : 1 , "k" : 26 , "o" : { } }',
]

UNREAD_QUERIES = {
    "k": lambda F, df: df.select("k"),
    "count where k > 0": lambda F, df: df.filter(F.col("k") > 0).groupBy().count(),
}


@pytest.mark.parametrize("query", sorted(UNREAD_QUERIES))
@pytest.mark.parametrize("mode", ["PERMISSIVE", "DROPMALFORMED"])
def test_json_source_reading_one_column_checks_the_syntax_of_the_others(oracle, query, mode):
    def program(sql, spark, tmp):
        import os
        path = os.path.join(tmp, "records.json")
        with open(path, "w", encoding="utf-8") as out:
            out.write("\n".join(UNREAD_RECORDS) + "\n")
        df = spark.read.schema(UNREAD_SCHEMA).options(mode=mode).json(path)
        return UNREAD_QUERIES[query](sql.functions, df)
    oracle.check(program)


def test_from_json_of_one_field_checks_the_syntax_of_the_others(oracle):
    def program(sql, spark):
        F = sql.functions
        rows = spark.createDataFrame([(r,) for r in UNREAD_RECORDS], "j STRING")
        return rows.select("j", F.from_json("j", UNREAD_SCHEMA).getField("k").alias("k"))
    oracle.check(program)
