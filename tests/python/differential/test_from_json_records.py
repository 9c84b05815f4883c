"""from_json over records of primitive fields against PySpark 4.1: the cases its single-pass
reader decides (and the ones it leaves to the full reader): malformed text at each position,
numbers at the limits, escapes, unicode, repeated keys, fields in any order, missing fields,
NULLs, the case of field names, and the parse modes."""

import pytest

SCHEMA = "id BIGINT, sent DOUBLE, user STRING, amount FLOAT, ok BOOLEAN, n INT, b TINYINT"

RECORDS = [
    '{"id":1,"sent":1.5,"user":"a","amount":2.25,"ok":true,"n":7,"b":-8}',
    ' {"kind":"x", "user" : "b" , "id" : 2 }\t',
    '{"n":1,"n":2,"id":3}',
    '{}',
    '{"ID":5,"User":"c"}',
    '{"id":null,"user":null,"sent":null,"ok":null}',
    '{"id":9223372036854775807,"n":2147483647,"b":127}',
    '{"id":-9223372036854775808,"n":-2147483648,"b":-128}',
    '{"id":9223372036854775808}',
    '{"id":123456789012345678,"sent":123456789012345678}',
    '{"n":2147483648}',
    '{"b":128}',
    '{"id":1.0}',
    '{"id":1e2}',
    '{"id":-0,"sent":-0}',
    '{"sent":-0.0,"amount":-0.0}',
    '{"sent":0.1,"amount":0.1}',
    '{"sent":1.7976931348623157e308}',
    '{"sent":4.9e-324}',
    '{"sent":123456789012345.6}',
    '{"sent":1234567890123456.7}',
    '{"sent":0.30000000000000004}',
    '{"sent":1e22,"amount":1e-22}',
    '{"sent":1e23,"amount":1e-23}',
    '{"sent":1E+2,"amount":2e-1}',
    '{"sent":0.000000000000000000001}',
    '{"sent":3.4028236e38,"amount":3.4028236e38}',
    '{"sent":NaN,"amount":Infinity}',
    '{"sent":"NaN","amount":"-Infinity"}',
    '{"sent":-Infinity}',
    '{"sent":"1.5"}',
    '{"id":01}',
    '{"id":1.}',
    '{"id":.5}',
    '{"id":+1}',
    '{"sent":1e}',
    '{"id":-}',
    '{"user":"tab\\there","id":1}',
    '{"user":"quote\\"s\\\\","id":1}',
    '{"user":"\\u00e9\\ud83d\\ude00"}',
    '{"user":"é😀","id":2}',
    '{"us\\u0065r":"escaped key"}',
    '{"user":"a\tb"}',
    '{"user":1}',
    '{"user":1.50}',
    '{"user":true,"id":1}',
    '{"user":{"a":1}}',
    '{"user":[1,"x"]}',
    '{"other":{"a":[1,{"b":2}]},"id":6}',
    '{"other":[1,2],"id":7}',
    '{"ok":"true"}',
    '{"ok":1}',
    '{"id":true}',
    '{"id":1',
    '{"id":1,}',
    '{"id" 1}',
    '{"id":}',
    '{id:1}',
    '{"id":tru}',
    '{"id":nul}',
    '{"id":1,"user":"unterminated}',
    '[{"id":1}]',
    '"id"',
    '42',
    'null',
    '',
    '   ',
    None,
]


def records_program(schema, options=None):
    def program(sql, spark):
        F = sql.functions
        df = spark.createDataFrame([(i, r) for i, r in enumerate(RECORDS)], "k INT, j STRING")
        parsed = F.from_json("j", schema) if options is None else F.from_json("j", schema, options)
        return df.select("k", parsed.alias("r")).select("k", "r.*").orderBy("k")
    return program


def test_from_json_primitive_records(oracle):
    """Every record of RECORDS into a struct of primitive fields, PERMISSIVE."""
    oracle.check(records_program(SCHEMA))


def test_from_json_primitive_records_corrupt_column(oracle):
    """The same with a _corrupt_record column: the text of each malformed record, NULL otherwise."""
    oracle.check(records_program(SCHEMA + ", _corrupt_record STRING"))
    oracle.check(records_program("bad STRING, " + SCHEMA, {"columnNameOfCorruptRecord": "bad"}))


def failfast_program(record):
    def program(sql, spark):
        F = sql.functions
        df = spark.createDataFrame([(record,)], "j STRING")
        return df.select(F.from_json("j", SCHEMA, {"mode": "FAILFAST"}).alias("r")).select("r.*")
    return program


@pytest.mark.parametrize("record", ['{"id":1,"user":"x"}', '{"user":"é","b":200}'])
def test_from_json_primitive_records_failfast(oracle, record):
    """FAILFAST reads good records as PERMISSIVE does."""
    oracle.check(failfast_program(record))


@pytest.mark.parametrize("record", ['{"id":"x"}', '{"id":1,}', '{"n":2147483648}'])
def test_from_json_primitive_records_failfast_malformed(oracle, record):
    """FAILFAST on a malformed record, or a value that does not convert: MALFORMED_RECORD_IN_PARSING."""
    for engine in (oracle.spate, oracle.pyspark):
        with pytest.raises(Exception) as raised:
            failfast_program(record)(engine.sql, engine.spark).collect()
        assert "MALFORMED_RECORD_IN_PARSING" in str(raised.value), "%s: %s" % (engine.name, raised.value)


def test_from_json_primitive_records_allow_comments(oracle):
    """allowComments goes through the full reader."""
    def program(sql, spark):
        F = sql.functions
        df = spark.createDataFrame([('{"id":1 /* c */, "user":"x"}',), ('{"id":2}',)], "j STRING")
        return df.select(F.from_json("j", SCHEMA, {"allowComments": "true"}).alias("r")).select("r.*")
    oracle.check(program)


def test_json_source_lines_with_schema(oracle):
    """The JSON source with a schema: lines ended by \\n, \\r\\n or \\r, blank and space-only lines
    skipped, malformed lines as NULLs with their text in _corrupt_record."""
    def program(sql, spark, tmp):
        import os
        path = os.path.join(tmp, "records.json")
        with open(path, "w", newline="") as out:
            out.write('{"id":1,"user":"a"}\r\n\r\n{"id":2}\r{"id":"x"}\n   \n\t\n{"user":"é","id":3}\n'
                      '{"id":4,\n{"id":5,"sent":0.5}')
        return spark.read.schema(SCHEMA + ", _corrupt_record STRING").json(path).orderBy("id", "_corrupt_record")
    oracle.check(program)
