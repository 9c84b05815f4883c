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
    '{"idx":1,"id":2,"sentx":3,"user":"u","users":"v","i":4}',
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


def rows_program(records, schema, options=None):
    def program(sql, spark):
        F = sql.functions
        df = spark.createDataFrame([(i, r) for i, r in enumerate(records)], "k INT, j STRING")
        parsed = F.from_json("j", schema) if options is None else F.from_json("j", schema, options)
        return df.select("k", parsed.alias("r")).orderBy("k")
    return program


def source_program(records, schema, options=None):
    def program(sql, spark, tmp):
        import os
        path = os.path.join(tmp, "records.json")
        with open(path, "w") as out:
            out.write("\n".join(records) + "\n")
        return spark.read.schema(schema).options(**(options or {})).json(path)
    return program


TRAILING = ['{"a":1} x', '{"a":1}{"a":2}', '{"a":1} ]', '{"a":1},', '{"a":1} {', '{"a":1}\t"x"',
            '{"a":1} // c', '{"a":1,"b":"x"} 5', '{"a":1']


@pytest.mark.parametrize("schema", ["a INT, b STRING", "a INT, b STRING, _corrupt_record STRING"])
def test_from_json_reads_the_first_value_and_ignores_what_follows(oracle, schema):
    """Text after the record's first JSON value is not read (Jackson reads one value)."""
    oracle.check(rows_program(TRAILING, schema))


@pytest.mark.parametrize("schema", ["ARRAY<INT>", "MAP<STRING, INT>"])
def test_from_json_arrays_and_maps_ignore_what_follows(oracle, schema):
    oracle.check(rows_program(['[1,2] x', '[1]]', '{"a":1} x', '{"a":1}}'], schema))


def test_json_source_ignores_what_follows_a_record(oracle):
    oracle.check(source_program(TRAILING, "a INT, b STRING, _corrupt_record STRING"))


SINGLE_QUOTED = ["{'a':1}", "{'a':'x'}", "{\"a\":1,\"b\":'it\\'s'}", "{'b':\"x\"}", "{'b':'say \"hi\"'}",
                 "{'b':'a\\nb'}", "{'b':'é'}", "{'a':1,'c':{'d':'e'}}", "['x']", '{"b":"\\\'"}', "{'a':1e400}"]


@pytest.mark.parametrize("options", [None, {"allowSingleQuotes": "false"}])
def test_from_json_single_quotes(oracle, options):
    """allowSingleQuotes (true by default): 'keys' and 'values', \\' escaped in either quotes."""
    oracle.check(rows_program(SINGLE_QUOTED, "a INT, b STRING, c STRING, _corrupt_record STRING", options))
    oracle.check(rows_program(["['x', 'y']", "['x', \"y\"]"], "ARRAY<STRING>", options))


def test_json_source_single_quotes(oracle):
    oracle.check(source_program(SINGLE_QUOTED[:7], "a INT, b STRING, _corrupt_record STRING"))
    oracle.check(source_program(SINGLE_QUOTED[:7], "a INT, b STRING, _corrupt_record STRING",
                                {"allowSingleQuotes": "false"}))


PARTIAL = ['{"a":1,"b":"x","c":2}', '{"a":"x","b":2,"c":3}', '{"a":1,"a":"x"}', '{"a":"x","a":1}', '{"a":1,"a":null}',
           '{"a":1,"b":2,"c":', '{"a":1,"b":tru,"c":3}', '{"a":1,"s":{"x":1,"y":"z"},"c":3}',
           '{"a":1,"s":{"x":"q","y":2},"c":3}', '{"a":1,"s":5,"c":3}', '{"a":1,"arr":[1,"x",3],"c":3}',
           '{"a":1,"arr":[[1],["x"]],"c":3}', '{"a":1,"m":{"p":1,"q":"x","r":3},"c":3}',
           '{"a":1,"b":999999999999,"c":3}', '{"a":1,"b":{"z":1},"c":3}', '{"a":1,"b":[1],"c":3}',
           '{"a":1,"ss":[{"x":1},{"x":"y"},{"x":3}],"c":3}', '{"a":1,"ss":[{"x":1},7],"c":3}']
PARTIAL_SCHEMA = ("a INT, b INT, c INT, s STRUCT<x: INT, y: INT>, arr ARRAY<INT>, m MAP<STRING, INT>, "
                  "ss ARRAY<STRUCT<x: INT>>")


@pytest.mark.parametrize("corrupt", ["", ", _corrupt_record STRING"])
def test_from_json_permissive_keeps_the_fields_that_convert(oracle, corrupt):
    """PERMISSIVE partial results: a value that does not convert is NULL and the other fields are kept
    (in nested structs too); an array or map with such an element is NULL (struct elements are kept
    partly); a repeated key keeps its last value that converts; malformed text makes the record NULL."""
    oracle.check(rows_program(PARTIAL, PARTIAL_SCHEMA + corrupt))


def test_from_json_arrays_and_maps_with_an_element_that_does_not_convert(oracle):
    oracle.check(rows_program(['[1,"x",3]', '[1,2]'], "ARRAY<INT>"))
    oracle.check(rows_program(['{"p":1,"q":"x"}', '{"p":1}'], "MAP<STRING, INT>"))


@pytest.mark.parametrize("schema", [PARTIAL_SCHEMA + ", _corrupt_record STRING", PARTIAL_SCHEMA + ", bad STRING"])
def test_json_source_permissive_keeps_the_fields_that_convert(oracle, schema):
    """The JSON source keeps the same partial results, with or without columnNameOfCorruptRecord."""
    oracle.check(source_program(PARTIAL, schema, {"columnNameOfCorruptRecord": "bad"}))


BIG = ['{"d":1e400,"f":1e400,"e":1e400,"l":1e400,"s":1e400}',
       '{"d":-1e400,"f":-1e400,"e":-1e400,"l":-1e400,"s":-1e400}',
       '{"d":1e-400,"f":1e-400,"e":1e-400,"l":1e-400,"s":1e-400}',
       '{"d":%s,"f":%s,"e":%s,"s":%s}' % ("9" * 400, "9" * 400, "9" * 400, "-" + "9" * 400),
       '{"d":1.0e400,"s":1.5E+400}', '{"f":1e39,"e":1e39,"s":1e39}',
       '{"f":%s,"d":%s,"s":1.50}' % ("1" + "0" * 39, "1" + "0" * 39),
       '{"f":123456789012345678901234567890,"d":123456789012345678901234567890,"s":-123456789012345678901234567890}',
       '{"f":18446744073709551616,"d":18446744073709551615,"l":9223372036854775808,"s":18446744073709551615}',
       '{"s":{"a":1e400,"b":1.0,"c":1e39,"d":123456789012345678901234567890}}', '{"s":[1E2,-0.0,0.1]}',
       '{"t":1e400}', '{"l":1e400,"d":2}', '{"x":[1e400],"d":3}']


@pytest.mark.parametrize("decimal", ["DECIMAL(10,2)", "DECIMAL(38,0)"])
def test_from_json_numbers_beyond_a_double(oracle, decimal):
    """A number beyond a double's range is Infinity in DOUBLE and FLOAT columns (a bigger integer is
    malformed in FLOAT), malformed in DECIMAL and integral columns; a STRING copies it as Jackson
    writes it ("Infinity" quoted, integers as written, other numbers as Java doubles)."""
    schema = "d DOUBLE, f FLOAT, e %s, l BIGINT, s STRING, t TIMESTAMP, _corrupt_record STRING" % decimal
    oracle.check(rows_program(BIG, schema))
    oracle.check(rows_program(['[1e400, -1e400, 1]'], "ARRAY<DOUBLE>"))
    oracle.check(rows_program(['{"a":[1e400, 1e39]}'], "a ARRAY<STRING>"))


def test_json_source_numbers_beyond_a_double(oracle):
    oracle.check(source_program(BIG, "d DOUBLE, f FLOAT, e DECIMAL(38,0), l BIGINT, _corrupt_record STRING"))


LENIENT = ['{a:1}', '{a_b$:1}', '{"a":01}', '{"a":-01.5}', '{"a":00}', '{"a":0.5}', '{"d":NaN}', '{"d":Infinity}',
           '{"d":-Infinity}', '{"d":+Infinity}', '{"d":INF}', '{"d":-INF}', '{"d":+INF}', '{"d":+1}', '{"s":"\\q"}',
           '{"s":"\\\'"}', '{"s":"a\\/b"}', '{"d":"NaN"}', '{"d":"INF"}', '{"d":"+INF"}', '{"d":nan}',
           '{"s":"\\q", a:01, "d":+INF}', "{'s':'\\q'}", '{"s":[true, x]}', '{"d":-NaN}', '{"d":Inf}',
           '{"d":-Inf}', '{"d":+Inf}']


@pytest.mark.parametrize("options", [None, {"allowUnquotedFieldNames": "true"}, {"allowNumericLeadingZeros": "true"},
                                     {"allowBackslashEscapingAnyCharacter": "true"},
                                     {"allowNonNumericNumbers": "false"},
                                     {"allowUnquotedFieldNames": "true", "allowNumericLeadingZeros": "true",
                                      "allowBackslashEscapingAnyCharacter": "true"}])
def test_from_json_lenient_options(oracle, options):
    """The JSON options that relax Jackson's parser, each on and off."""
    oracle.check(rows_program(LENIENT, "a DOUBLE, d DOUBLE, s STRING, _corrupt_record STRING", options))


@pytest.mark.parametrize("options", [{}, {"allowUnquotedFieldNames": "true"}, {"allowSingleQuotes": "false"},
                                     {"allowNumericLeadingZeros": "true"}, {"allowNonNumericNumbers": "false"},
                                     {"allowBackslashEscapingAnyCharacter": "true"}])
def test_json_source_lenient_options(oracle, options):
    """The JSON source takes the same options."""
    records = ['{a:1}', "{'a':2}", '{"a":03}', '{"a":NaN}', '{"a":4,"s":"\\q"}', '{"a":5,"s":"x"}']
    oracle.check(source_program(records, "a DOUBLE, s STRING, _corrupt_record STRING", options))


def inferred_program(records, options=None):
    def program(sql, spark, tmp):
        import os
        path = os.path.join(tmp, "records.json")
        with open(path, "w") as out:
            out.write("\n".join(records) + "\n")
        return spark.read.options(**(options or {})).json(path)
    return program


@pytest.mark.parametrize("options", [{}, {"dropFieldIfAllNull": "true"}])
def test_json_source_drop_field_if_all_null(oracle, options):
    """dropFieldIfAllNull leaves out the fields inferred only from NULL, [] or {}."""
    records = ['{"a":null,"b":1}', '{"a":null,"b":2,"c":{"x":null}}', '{"b":3,"d":[],"e":[null],"f":{}}']
    oracle.check(inferred_program(records, options))


@pytest.mark.parametrize("options", [{}, {"allowUnquotedFieldNames": "true", "allowNumericLeadingZeros": "true"},
                                     {"allowSingleQuotes": "false"}])
def test_json_source_infers_from_lenient_records(oracle, options):
    """Inference reads records as the parser does: the first value, the lenient forms the options allow,
    numbers beyond a double as doubles."""
    records = ['{"a":1} x', "{'b':'y'}", '{c:2}', '{"d":01}', '{"e":1e400}', '{"f":%s}' % ("9" * 400)]
    oracle.check(inferred_program(records, options))


def boundary_strings():
    """Strings whose first escape, quote, control character or non-ASCII character falls on either
    side of a 16- and 32-byte block from the string's start (where a block-wise scan looks)."""
    out = []
    for at in (0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 47, 48):
        for special in ('\\"', '\\\\', '\\n', '\\u0041', 'é', '\t', '\x7f'):
            out.append("x" * at + special + "y" * 20)
        out.append("x" * at)  # plain, ending there
    return out


def boundary_numbers():
    """Numbers whose digit runs end on either side of 8 and 16 digits (read 8 digits at a time),
    with fractions and exponents, and the limits of exactly held doubles."""
    out = []
    for n in (1, 7, 8, 9, 15, 16, 17, 18, 19):
        digits = "1234567890123456789"[:n]
        out += [digits, "-" + digits, digits + ".5", "0." + digits, digits[:8] + "." + digits[8:] + "1",
                digits + "e-3", digits + "E+2"]
    out += ["12345678.87654321", "9007199254740993.0", "900719925474099.3", "0.00000001234567890",
            "99999999999999999", "100000000000000000", "-0.000", "1.5e22", "1.5e-22", "12345678e-22"]
    return out


@pytest.mark.parametrize("source", [False, True])
def test_records_at_block_boundaries(oracle, source):
    """from_json and the JSON source on strings and numbers placed at the edges of the blocks
    the single-pass reader scans at once, with keys in the schema's order, reversed, unknown,
    and missing (its guess of the next key is right, wrong, or has nothing to find)."""
    records = []
    for i, s in enumerate(boundary_strings()):
        records.append('{"id":%d,"user":"%s","kind":"k"}' % (i, s))
        records.append('{"kind":"%s","zz":"%s","id":%d}' % (s, s, i))
    for i, n in enumerate(boundary_numbers()):
        records.append('{"id":%s,"sent":%s,"amount":%s,"user":"u"}' % (n, n, n))
        records.append('{"amount":%s,"sent":%s}' % (n, n))
    schema = "id BIGINT, sent DOUBLE, user STRING, amount FLOAT, kind STRING, _corrupt_record STRING"
    if source:
        oracle.check(source_program(records, schema), rel=0)
    else:
        oracle.check(rows_program(records, schema), rel=0)


def test_text_lines_at_block_boundaries(oracle):
    """The text source splits lines ended by \\n, \\r\\n and \\r wherever they fall in a block."""
    def program(sql, spark, tmp):
        import os
        path = os.path.join(tmp, "lines.txt")
        endings = ["\n", "\r\n", "\r"]
        with open(path, "w", newline="") as out:
            out.write("".join("x" * n + endings[n % 3] for n in range(40)) + "\r\n\n" + "tail" * 9)
        return spark.read.text(path)
    oracle.check(program)


# Doubles of more significant digits than 15, or powers of ten beyond 1e22, as stamps and
# measurements are often written (seconds since the epoch to the microsecond): the values must be
# Java's, exactly (compared with no tolerance).
LONG_DOUBLES = ["1765003456.123456", "-1765003456.1234567", "0.30000000000000004", "9007199254740993.0",
                "123456789012345678.5", "0.1000000000000000055511151231257827", "1.2345678901234567e-5",
                "2.2250738585072011e-308", "4.9e-324", "1e-400", "1.7976931348623157e308", "1e400",
                "1.00000000000000011102230246251565e0", "3.4028235677973366e38", "1.40129846432481707e-45",
                "7.0e-46", "1e23", "8.98846567431158e307", "12345678901234567890.125"]


def test_from_json_doubles_of_many_digits_exactly(oracle):
    records = ['{"id":%d,"sent":%s,"user":"u"}' % (i, v) for i, v in enumerate(LONG_DOUBLES)]

    def program(sql, spark):
        F = sql.functions
        df = spark.createDataFrame([(r,) for r in records], "j STRING")
        r = F.from_json("j", "id INT, sent DOUBLE, user STRING").alias("r")
        return df.select(r).select("r.*").orderBy("id")
    oracle.check(program, rel=0)

    def source(sql, spark, tmp):
        import os
        path = os.path.join(tmp, "doubles.json")
        with open(path, "w") as out:
            out.write("\n".join(records) + "\n")
        return spark.read.schema("id INT, sent DOUBLE, user STRING").json(path).orderBy("id")
    oracle.check(source, rel=0)


# FLOAT fields at the points where rounding the number's double to float rounds a second time:
# just under halfway between the largest float and 2^128 (the largest float, not Infinity), just
# off a tie between two floats (both ways), an integer just past a tie, exact ties, subnormals.
FLOAT_TIES = ["3.4028235677973366e38", "-3.4028235677973366e38", "3.4028235677973362e38", "3.4028236e38",
              "1.00000005960464477539062501", "1.00000017881393432617187499", "1.000000059604644775390625",
              "1152921573326323713", "16777217", "7.006492321624085354618e-46", "7.0064923216240862e-46", "0.1"]


@pytest.mark.parametrize("schema,record", [
    ("f FLOAT", '{"f":N}'),  # the single-pass reader
    ("f FLOAT, s STRUCT<g: FLOAT>, a ARRAY<FLOAT>", '{"f":N,"s":{"g":N},"a":[N]}'),  # the full reader
])
def test_from_json_float_fields_round_once_from_the_text(oracle, schema, record):
    """A FLOAT field takes the float nearest the number's text (Java's Float.parseFloat), not the
    float nearest its double; flat records and nested ones alike."""
    oracle.check(rows_program([record.replace("N", n) for n in FLOAT_TIES], schema), rel=0)


def test_json_source_float_fields_round_once_from_the_text(oracle):
    records = ['{"f":%s,"s":{"g":%s}}' % (n, n) for n in FLOAT_TIES]
    oracle.check(source_program(records, "f FLOAT, s STRUCT<g: FLOAT>"), rel=0)
    oracle.check(source_program(['{"f":%s}' % n for n in FLOAT_TIES], "f FLOAT"), rel=0)
