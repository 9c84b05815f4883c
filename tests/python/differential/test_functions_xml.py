"""XML functions against PySpark 4.1: the XPath 1.0 functions (xpath, xpath_string,
xpath_boolean and the numeric ones) over Spark's non-namespace-aware DOM, and from_xml, to_xml
and schema_of_xml with Spark's XML data source rules."""

import pytest

DOC = ('<a><b id="1">b1</b><b id="2">b2</b><b>b3</b><c>c1</c><c>c2</c>'
       '<n>1</n><n>2.5</n><n>-4</n><e/><!--note--><?pi data?></a>')
ROWS = [(DOC,), ("<a><n>7</n><b>x</b></a>",), (None,), ("",), ("<a/>",)]
SCHEMA = "x STRING"


def test_xpath_node_values(oracle):
    """xpath: the value of each selected node; text, attribute, comment and processing-instruction
    nodes have one, elements give NULL entries; nothing selected is an empty array."""
    oracle.check_exprs([
        "xpath(x, 'a/b/text()')", "xpath(x, 'a/b')", "xpath(x, 'a/b/@id')", "xpath(x, 'a/c/text()')",
        "xpath(x, 'a/z')", "xpath(x, '//text()')", "xpath(x, 'a/comment()')",
        "xpath(x, 'a/processing-instruction()')", "xpath(x, 'a/b[@id=\"2\"]/text()')",
        "xpath(x, 'a/*[position() > 6]/text()')", "xpath(x, 'a/e/text()')",
    ], ROWS, SCHEMA)


def test_xpath_string(oracle):
    """xpath_string: the string-value of the first selected node ('' for none); numbers print
    without exponent or trailing '.0', booleans as true/false."""
    oracle.check_exprs([
        "xpath_string(x, 'a/b')", "xpath_string(x, 'a/c[2]')", "xpath_string(x, 'a')",
        "xpath_string(x, 'a/z')", "xpath_string(x, 'a/b/@id')", "xpath_string(x, 'count(a/b)')",
        "xpath_string(x, 'sum(a/n)')", "xpath_string(x, '1 div 3')", "xpath_string(x, '1 div 0')",
        "xpath_string(x, '-1 div 0')", "xpath_string(x, '0 div 0')", "xpath_string(x, '-0')",
        "xpath_string(x, '0.000001')", "xpath_string(x, '1.0')", "xpath_string(x, '100000000')",
        "xpath_string(x, 'true()')", "xpath_string(x, 'a/n > 2')", "xpath_string(x, 'concat(a/b, \"-\", a/c)')",
        "xpath_string(x, 'name(a/*[1])')", "xpath_string(x, 'string-length(a/b)')",
    ], ROWS, SCHEMA)


def test_xpath_boolean(oracle):
    """xpath_boolean: boolean() of the result: a node set is true when not empty, a number when
    not zero or NaN, a string when not empty."""
    oracle.check_exprs([
        "xpath_boolean(x, 'a/b')", "xpath_boolean(x, 'a/z')", "xpath_boolean(x, 'a/n = 7')",
        "xpath_boolean(x, '1')", "xpath_boolean(x, '0')", "xpath_boolean(x, '\"\"')",
        "xpath_boolean(x, '\"f\"')", "xpath_boolean(x, '0 div 0')", "xpath_boolean(x, 'count(a/b) > 2')",
    ], ROWS, SCHEMA)


def test_xpath_numbers(oracle):
    """The numeric functions: number() of the result, then Java's narrowing (NaN is 0, out of range
    saturates for int and long, short wraps after int); xpath_double/number keep NaN and Infinity."""
    exprs = []
    for fn in ("xpath_short", "xpath_int", "xpath_long", "xpath_float", "xpath_double", "xpath_number"):
        exprs += ["%s(x, '%s')" % (fn, p) for p in (
            "a/n", "sum(a/n)", "a/b", "a/z", "count(a/*)", "1 div 0", "-1 div 0", "0 div 0", "true()",
            "3000000000", "-3000000000", "70000", "-1.9", "2.5", "9999999999999999999")]
    oracle.check_exprs(exprs, ROWS, SCHEMA)


def test_xpath_number_text(oracle):
    """A node's text as a number follows XPath 1.0: surrounding whitespace and a leading '-' are
    allowed, an exponent, a '+' or any other character make NaN (0 for the integral functions)."""
    texts = ["  1.5  ", "-0", "+1", "1e3", ".5", "5.", "1,5", "", "12abc", "-.25", "\n42\t"]
    rows = [("<a>%s</a>" % t,) for t in texts]
    oracle.check_exprs(["xpath_double(x, 'a')", "xpath_int(x, 'a')", "xpath_float(x, 'a')",
                        "xpath_long(x, 'a')", "xpath_string(x, 'a')"], rows, SCHEMA)


def test_xpath_null_and_empty(oracle):
    """NULL or empty document or path gives NULL, before the path is compiled or the document parsed."""
    oracle.check_exprs([
        "xpath(NULL, 'a')", "xpath('<a/>', NULL)", "xpath('<a/>', '')", "xpath('', 'a')",
        "xpath_string(NULL, 'a')", "xpath_int('<a>1</a>', NULL)", "xpath_double('', 'a')",
        "xpath_boolean('<a/>', '')", "xpath_string('', 'a/b[')", "xpath_long(NULL, '((')",
        "xpath_string(x, '')",
    ], ROWS, SCHEMA)


def test_xpath_namespaces_and_entities(oracle):
    """Spark's DOM is not namespace-aware: a/b finds b under a default namespace, `*` finds
    prefixed elements, and name() keeps the prefix; internal entities are expanded and
    CDATA sections read as text."""
    oracle.check_exprs([
        "xpath('<a xmlns=\"u\"><b>1</b></a>', 'a/b/text()')",
        "xpath_string('<a xmlns:p=\"u\"><p:b>1</p:b></a>', 'a/*')",
        "xpath_string('<a xmlns:p=\"u\"><p:b>1</p:b></a>', 'name(a/*)')",
        "xpath_string('<!DOCTYPE a [<!ENTITY e \"ent\">]><a>x&e;y</a>', 'a')",
        "xpath('<a><![CDATA[<b>]]></a>', 'a/text()')",
        "xpath_string('<a>&lt;&amp;&#233;</a>', 'a')",
        "xpath_string('<a>é ✓</a>', 'a')",
    ])


def test_xpath_result_columns(oracle):
    """Result types and nullability (always nullable), and the generated column names."""
    oracle.check(lambda sql, spark: spark.sql(
        "SELECT xpath(x, 'a/b/text()'), xpath_string(x, 'a/b'), xpath_boolean(x, 'a/b'), "
        "xpath_short(x, 'a/n'), xpath_int(x, 'a/n'), xpath_long(x, 'a/n'), xpath_float(x, 'a/n'), "
        "xpath_double(x, 'a/n'), xpath_number(x, 'a/n') FROM VALUES ('<a><b>1</b><n>2</n></a>') t(x)"),
        show=True)


def test_xpath_python_api(oracle):
    """pyspark.sql.functions.xpath* take the document and the path as columns or names."""
    def program(sql, spark):
        df = spark.createDataFrame([("<a><b>1</b><b>2</b></a>", "a/b/text()")], "x STRING, p STRING")
        f = sql.functions
        return df.select(f.xpath("x", f.lit("a/b/text()")), f.xpath_string(df.x, f.lit("a/b")),
                         f.xpath_boolean("x", f.lit("a/c")), f.xpath_int(xml="x", path=f.lit("sum(a/b)")),
                         f.xpath_short("x", f.lit("a/b")), f.xpath_long("x", f.lit("a/b")),
                         f.xpath_float("x", f.lit("a/b")), f.xpath_double("x", f.lit("a/b")),
                         f.xpath_number("x", f.lit("a/b")))
    oracle.check(program)


@pytest.mark.parametrize("text", [
    "xpath('<a>1</a>', p)", "xpath_string(x, p)", "xpath(1, 'a')", "xpath('<a/>', 1)",
    "xpath_int(x)", "xpath_double(x, 'a', 'b')", "xpath(array('a'), 'a')", "xpath_boolean(x, true)",
])
def test_xpath_bad_arguments(oracle, text):
    """A path that is not a constant is NON_FOLDABLE_INPUT; a non-string argument is
    UNEXPECTED_INPUT_TYPE (no implicit cast); a wrong count is WRONG_NUM_ARGS."""
    oracle.check_exprs([text], [("<a/>", "a")], "x STRING, p STRING")


@pytest.mark.parametrize("text, message", [
    ("xpath('<a>', 'a')", "Error loading expression 'a'"),
    ("xpath_string('<a><b></a>', 'a')", "Error loading expression 'a'"),
    ("xpath_int('<a/>', 'a/b[')", "Invalid XPath 'a/b['"),
    ("xpath('<a/>', 'count(a)')", "Can not convert #NUMBER to a NodeList!"),
    ("xpath('<a/>', 'true()')", "Can not convert #BOOLEAN to a NodeList!"),
])
def test_xpath_runtime_errors(oracle, text, message):
    """A document that is not well-formed, a path that does not compile and xpath() of a value
    that is not a node set fail the query (Spark raises a plain RuntimeException with no error
    class; its message starts the same way)."""
    _both_raise(oracle, "SELECT " + text, message)


SCHEMA_DOCS = [
    '<p><a>1</a><b>x</b><c>1.5</c><d>true</d></p>',
    '<p a="1"><b>x</b><b>y</b><c><d>1</d></c><e k="v">t</e></p>',
    '<p><a>2020-01-01</a><b>2020-01-01 10:00:00</b><c>12345678901</c><e></e></p>',
    '<p><a>12345678901234567890</a><b>1.0</b><c> 5 </c><d>-1</d><e>1e5</e><f>+3</f><g>0x1</g>'
    '<h>NaN</h><i>FALSE</i></p>',
    '<p><a>1</a><a>1.5</a><b>1</b><b>x</b><c>1</c><c><d>1</d></c></p>',
    '<p><a><b>1</b><b>2</b></a><a><b>3</b></a></p>',
    '<p><a x="1"/><b x="1"></b><c x="1">  </c><d>  </d></p>',
    '<p><a>1<b>2</b></a></p>', '<p>text<a>1</a></p>', '<p/>', '<p x="1"/>', '<p>1</p>',
    '<p><Ab>1</Ab><aB>2</aB></p>', '<p><a><!-- c -->1</a><b><![CDATA[x]]></b></p>',
    '<p xmlns:q="u"><q:a q:y="2">1</q:a></p>', '<p><a></a><a>1</a></p>',
    '<p><a>2020-01-01</a><a>2020-01-01 10:00:00</a><b>2020-01-01</b><b>1</b></p>',
    '<p><a x="1">t</a><a>u</a></p>', '<p><a><b>1</b></a><a>u</a></p>', '<p><a>true</a><a>1</a></p>',
    '<p><a>2020-13-45</a><c>2020-01-01T10:00:00.123+01:00</c></p>',
    '<p><b>1</b><a>1</a><_a>1</_a><B>2</B></p>',
]


def _sql_string(text):
    return "'%s'" % text.replace("\\", "\\\\").replace("'", "\\'")


def test_schema_of_xml_inference(oracle):
    """schema_of_xml: attributes prefixed `_`, repeated elements as arrays, text beside attributes or
    children as _VALUE, BIGINT/DOUBLE/BOOLEAN/DATE/TIMESTAMP/STRING values widened when they
    conflict, names matched case-insensitively, fields sorted, empty values as STRING."""
    oracle.check_exprs(["schema_of_xml(%s)" % _sql_string(d) for d in SCHEMA_DOCS])


def test_schema_of_xml_options(oracle):
    """attributePrefix, valueTag, prefersDecimal, excludeAttribute and inferSchema change the schema;
    a malformed record is STRUCT<_corrupt_record: STRING> (or MALFORMED_RECORD_IN_PARSING in FAILFAST)."""
    oracle.check_exprs([
        "schema_of_xml('<p a=\"1\"><b>x</b></p>', map('attributePrefix', '@', 'valueTag', 'v'))",
        "schema_of_xml('<p a=\"1\"><b x=\"1\">x</b></p>', map('attributePrefix', '', 'valueTag', 'v'))",
        "schema_of_xml('<p a=\"1\"><b>1.5</b></p>', map('prefersDecimal', 'true'))",
        "schema_of_xml('<p><a>1.5</a><a>1</a></p>', map('prefersDecimal', 'true'))",
        "schema_of_xml('<p a=\"1\"><b>1</b></p>', map('excludeAttribute', 'true'))",
        "schema_of_xml('<p a=\"1\"><b>1</b></p>', map('inferSchema', 'false'))",
        "schema_of_xml('<p><a>1</a></p>', map('mode', 'FAILFAST'))",
        "schema_of_xml('x')", "schema_of_xml('<p><a>1</a>')", "schema_of_xml('')",
        "schema_of_xml('<p><a>1</a>', map('mode', 'xx'))",
    ])


@pytest.mark.parametrize("text", [
    "schema_of_xml('<p><a>1</a>', map('mode', 'DROPMALFORMED'))",
    "schema_of_xml(x)", "schema_of_xml(NULL)", "schema_of_xml(1)",
    "schema_of_xml('<p/>', 'x')", "schema_of_xml()",
])
def test_schema_of_xml_errors(oracle, text):
    """FAILFAST on a malformed record, DROPMALFORMED (PARSE_MODE_UNSUPPORTED), a non-constant, NULL
    or non-string document, options that are not a map, and no argument are errors."""
    oracle.check_exprs([text], [("<p/>",)], SCHEMA)


def _both_raise(oracle, query, message):
    """Both engines fail `query` with `message` in the error (PySpark wraps some errors raised
    while the query runs in a Py4JJavaError, which carries no error condition)."""
    for engine in (oracle.pyspark, oracle.spate):
        with pytest.raises(Exception) as raised:
            engine.spark.sql(query).collect()
        assert message in str(raised.value), "%s: %s" % (engine.name, raised.value)


def test_schema_of_xml_failfast(oracle):
    """FAILFAST on a malformed record is MALFORMED_RECORD_IN_PARSING."""
    _both_raise(oracle, "SELECT schema_of_xml('<p><a>1</a>', map('mode', 'FAILFAST'))",
                "MALFORMED_RECORD_IN_PARSING")


def test_to_xml_rows(oracle):
    """to_xml: a ROW element, `_` fields as attributes, _VALUE as text, arrays repeat the element,
    nested arrays use <item>, maps write an element per key, NULL fields are left out, an empty
    struct is <a/>, text escapes & and <, dates and timestamps in Spark's default formats."""
    oracle.check_exprs([
        "to_xml(named_struct('a', 1, 'b', 'x'))",
        "to_xml(named_struct('_a', 1, 'b', array(1, 2), 'c', named_struct('_k', 'v', '_VALUE', 't')))",
        "to_xml(named_struct('a', CAST(NULL AS INT), 'b', 'x<&>\"'))",
        "to_xml(named_struct('a', array(array(1, 2), array(3)), 'm', map('k', 1), 'd', DATE'2020-01-02', "
        "'t', TIMESTAMP'2020-01-02 03:04:05', 'f', 1.5D, 'bo', true))",
        "to_xml(named_struct('a', 1, 'e', named_struct('x', 1, 'y', named_struct('z', 2))))",
        "to_xml(named_struct('a', 1, 'e', array(named_struct('x', 1), named_struct('x', 2))))",
        "to_xml(named_struct('_a', 1, '_VALUE', 'x'))", "to_xml(CAST(NULL AS STRUCT<a: INT>))",
        "to_xml(named_struct('a', array(1, NULL)))", "to_xml(named_struct('a', named_struct('b', CAST(NULL AS INT))))",
        "to_xml(named_struct('a', 1.0 / 3, 'f', CAST(1.5 AS FLOAT), 'ts', TIMESTAMP_NTZ'2020-01-01 00:00:00'))",
        "to_xml(named_struct('_a', CAST(NULL AS INT), 'b', CAST(NULL AS INT)))",
        "to_xml(named_struct('a', '<x attr=\"1\">'))",
    ])


def test_to_xml_options(oracle):
    """rowTag, indent, nullValue, attributePrefix, valueTag and arrayElementName shape the record."""
    oracle.check_exprs([
        "to_xml(named_struct('a', 1), map('rowTag', 'r'))",
        "to_xml(named_struct('a', 1, 'b', named_struct('c', 2)), map('indent', '  '))",
        "to_xml(named_struct('a', 1, 'b', named_struct('c', 2)), map('indent', ''))",
        "to_xml(named_struct('a', CAST(NULL AS INT)), map('nullValue', 'NA'))",
        "to_xml(named_struct('@a', 1, 'v', 'x'), map('attributePrefix', '@', 'valueTag', 'v'))",
        "to_xml(named_struct('a', array(array(1))), map('arrayElementName', 'e'))",
    ])


def test_to_xml_over_rows(oracle):
    """to_xml over a column: one record per row, NULL rows give NULL, timestamps in the session zone."""
    oracle.check(lambda sql, spark: spark.sql(
        "SELECT k, to_xml(s) AS x FROM VALUES (1, named_struct('a', 1, 'ts', TIMESTAMP'2024-03-01 10:00:00')), "
        "(2, NULL), (3, named_struct('a', NULL, 'ts', NULL)) t(k, s)"))


@pytest.mark.parametrize("text", [
    "to_xml(1)", "to_xml(array(named_struct('a', 1)))", "to_xml(named_struct('a', 1), 'x')", "to_xml()",
])
def test_to_xml_errors(oracle, text):
    """to_xml needs a STRUCT (UNEXPECTED_INPUT_TYPE) and options given with map()."""
    oracle.check_exprs([text])


def test_xml_python_api(oracle):
    """to_xml and schema_of_xml from Python, with options as a dict."""
    def program(sql, spark):
        f = sql.functions
        df = spark.createDataFrame([(1, "x")], "a INT, b STRING")
        return df.select(f.to_xml(f.struct("a", "b")).alias("x"),
                         f.to_xml(f.struct("a"), {"rowTag": "r"}).alias("y"),
                         f.schema_of_xml("<p><a>1</a></p>").alias("s"),
                         f.schema_of_xml(f.lit("<p a='1'/>"), options={"attributePrefix": "@"}).alias("t"))
    oracle.check(program)


def test_from_xml_fields(oracle):
    """from_xml: child elements by name (case-insensitively; the last one for a non-array field,
    all of them for an ARRAY), `_` fields from attributes, _VALUE from the text, values trimmed
    and converted to the field's type, missing fields NULL, an empty element '' for a STRING."""
    oracle.check_exprs([
        "from_xml('<p><a>1</a><b>x</b></p>', 'a INT, b STRING')",
        "from_xml('<p a=\"1\"><b>x</b><b>y</b><e k=\"v\">t</e></p>', "
        "'_a INT, b ARRAY<STRING>, e STRUCT<_k: STRING, _VALUE: STRING>')",
        "from_xml('<p><a>1</a><a>2</a></p>', 'a INT')", "from_xml('<p><a>1</a></p>', 'a ARRAY<INT>')",
        "from_xml('<p><A>1</A></p>', 'a INT')",
        "from_xml('<p><a> 1 </a><b> x </b><c>+1</c><d>1.5</d><e>TRUE</e><f>NaN</f><g>2020-01-02</g>"
        "<h>2020-01-02 03:04:05</h></p>', 'a INT, b STRING, c INT, d DOUBLE, e BOOLEAN, f DOUBLE, g DATE, "
        "h TIMESTAMP')",
        "from_xml('<p><a x=\"1\">t</a></p>', 'a STRING')",
        "from_xml('<p><a>t</a></p>', 'a STRUCT<_x: INT, _VALUE: STRING>')",
        "from_xml('<p><a></a><b/></p>', 'a STRING, b INT')", "from_xml('<p>5</p>', '_VALUE INT')",
        "from_xml('<p><m><k>1</k></m></p>', 'm MAP<STRING, INT>')",
        "from_xml('<p><x>1.234</x><y>123.4</y><z>1e2</z></p>', 'x DECIMAL(5,2), y DECIMAL(5,2), z DECIMAL(5,2)')",
        "from_xml('<p><x>1.5</x><y>1e3</y><z>Infinity</z><w> -2 </w></p>', 'x FLOAT, y DOUBLE, z DOUBLE, w BIGINT')",
        "from_xml('<p><x>2020-01-01T10:00:00Z</x><y>2020-01-01T10:00:00</y><d>2020-1-1</d></p>', "
        "'x TIMESTAMP, y TIMESTAMP, d DATE')",
        "from_xml('<p><a x=\"1\"/></p>', 'a STRUCT<_x: INT>, _y STRING')",
        "from_xml('<p><a>1</a></p>', 'a INT, b STRUCT<c: INT>')",
        "from_xml(NULL, 'a INT')",
    ])


def test_from_xml_float_fields_round_once_from_the_text(oracle):
    """A FLOAT field takes the float nearest its text (Java's Float.parseFloat), not the float
    nearest its double: they differ just off a tie between two floats."""
    numbers = ["3.4028235677973366e38", "-3.4028235677973366e38", "1.00000005960464477539062501",
               "1.00000017881393432617187499", "1.000000059604644775390625", "16777217", "+1.5", "1e39", "0.1"]
    oracle.check_exprs(["from_xml('<p><f>%s</f></p>', 'f FLOAT')" % n for n in numbers], rel=0)


def test_from_xml_malformed(oracle):
    """PERMISSIVE: a value that does not convert is NULL (the other fields kept), XML that is not
    well-formed gives all NULL fields, and the text goes to _corrupt_record when the schema has it."""
    oracle.check_exprs([
        "from_xml('<p><a>1.5</a><b>x</b></p>', 'a INT, b INT')",
        "from_xml('<p><a>1</a><b>x</b></p>', 'a INT, b INT')",
        "from_xml('<p><a>1</a><b>x</b></p>', 'a INT, b INT, _corrupt_record STRING')",
        "from_xml('<p><a>1</a>', 'a INT, _corrupt_record STRING')",
        "from_xml('<p><a>1</a></p>', 'a INT, _corrupt_record STRING')",
        "from_xml('x', 'a INT')", "from_xml('', 'a INT')",
        "from_xml('<p><a>x</a></p>', 'a INT, bad STRING', map('columnNameOfCorruptRecord', 'bad'))",
    ])


def test_from_xml_rows(oracle):
    """from_xml over a column with the schema as a StructType from Python."""
    def program(sql, spark):
        f = sql.functions
        t = sql.types
        schema = t.StructType([t.StructField("_id", t.LongType()), t.StructField("v", t.ArrayType(t.DoubleType()))])
        df = spark.createDataFrame([(1, '<r id="1"><v>1.5</v><v>2</v></r>'), (2, None), (3, "<r/>"),
                                    (4, "<r><v>x</v></r>")], "k INT, x STRING")
        return df.select("k", f.from_xml("x", schema).alias("r"),
                         f.from_xml(df.x, "_id INT", {"mode": "PERMISSIVE"}).alias("s"))
    oracle.check(program)


@pytest.mark.parametrize("text", [
    "from_xml(1, 'a INT')", "from_xml('<p/>', 'ARRAY<INT>')", "from_xml('<p/>', x)",
    "from_xml('<p/>', 'a INT', map('mode', 'DROPMALFORMED'))", "from_xml('<p/>')",
    "from_xml('<p/>', 'a INT', 'x')",
])
def test_from_xml_errors(oracle, text):
    """A non-string record, a schema that is not a struct or not a literal, DROPMALFORMED, a wrong
    count and options that are not a map are analysis errors."""
    oracle.check_exprs([text], [("<p/>",)], SCHEMA)


def test_from_xml_failfast(oracle):
    """FAILFAST on a value that does not convert is MALFORMED_RECORD_IN_PARSING."""
    _both_raise(oracle, "SELECT from_xml('<p><a>x</a></p>', 'a INT', map('mode', 'FAILFAST'))",
                "MALFORMED_RECORD_IN_PARSING")


def test_from_xml_with_inferred_schema(oracle):
    """The schema may be any foldable string: schema_of_xml(...) of a sample record, or concat()."""
    oracle.check_exprs([
        "from_xml('<p><a>1</a><a>2</a></p>', schema_of_xml('<p><a>1</a><a>2</a></p>'))",
        "from_xml('<p x=\"1\"><a>t</a></p>', schema_of_xml('<p x=\"1\"><a>u</a></p>'))",
        "from_xml('<p><a>1</a></p>', concat('a ', 'INT'))",
    ])
    oracle.check(lambda sql, spark: spark.createDataFrame([("<p><a>1</a><a>2</a></p>",)], "x STRING").select(
        sql.functions.from_xml("x", sql.functions.schema_of_xml(sql.functions.lit("<p><a>1</a><a>2</a></p>")))))
