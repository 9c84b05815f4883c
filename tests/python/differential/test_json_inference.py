"""The JSON source's schema inference against PySpark 4.1: spark.read.json and the streaming
file source (spark.sql.streaming.schemaInference) over integers beyond a long, decimals, empty
strings, nulls, mixed arrays, nested objects and types that conflict across records and files;
and STRING fields over objects, arrays, numbers and literals, which the JSON source reads as
their text in the record and from_json as JSON written anew."""

import os
import re

import pytest

# Each case: files, each a list of JSON Lines records.
INFERENCE = {
    "integers_beyond_a_long": [['{"a": 12345678901234567890}', '{"a": -9223372036854775809}',
                                '{"b": 123456789012345678901234567890123456789012}']],
    "big_integer_with_bigint": [['{"a": 12345678901234567890}', '{"a": 1}']],
    "big_integers_widen": [['{"a": 12345678901234567890}', '{"a": 123456789012345678901234}']],
    "big_integer_with_double": [['{"a": 12345678901234567890}', '{"a": 1.5}']],
    "numbers_beyond_a_double": [['{"a": 1E400, "b": -1e400, "c": 1e-400}']],
    "empty_strings": [['{"a": "", "b": "", "c": ""}', '{"a": 1, "c": "x"}', '{"b": null}']],
    "empty_strings_in_arrays": [['{"a": ["", 2]}', '{"b": [""]}']],
    "nulls": [['{"a": null, "b": [null], "c": {"d": null}}', '{"e": []}']],
    "mixed_arrays": [['{"a": [1, 2.5]}', '{"b": [1, "x", null]}', '{"c": [true, 1]}',
                      '{"d": [[1], [12345678901234567890]]}', '{"e": [{"x": 1}, {"y": "z"}]}']],
    "nested_objects": [['{"a": {"b": {"c": 1}, "d": [1]}}', '{"a": {"b": {"e": "x"}, "d": []}}']],
    "conflicts_across_records": [['{"a": 1}', '{"a": "x"}', '{"b": 1}', '{"b": true}',
                                  '{"c": {"x":1}}', '{"c": [1]}', '{"d": 1}', '{"d": {"x":1}}']],
    "conflicts_across_files": [['{"a": 1, "b": 1.5}'], ['{"a": 12345678901234567890, "b": 2}'],
                               ['{"a": "x", "c": {"d":1}}']],
    "fields_sorted_by_name": [['{"b": 1, "a": 2, "c": {"z": 1, "y": 2}}']],
    "malformed_records": [['{"a": 1}', '{"a": ', '{"b": [1, 2]}']],
}


def write_files(folder, files):
    os.makedirs(folder, exist_ok=True)
    for i, records in enumerate(files):
        path = os.path.join(folder, "part-%02d.json" % i)
        with open(path, "w") as out:
            out.write("\n".join(records) + "\n")
        os.utime(path, (1_700_000_000 + i * 10, 1_700_000_000 + i * 10))
    return folder


def write_documents(folder, *documents):
    """multiLine input: each text, exactly as given, a file of its own (a.json, b.json, ...)."""
    os.makedirs(folder, exist_ok=True)
    for i, text in enumerate(documents):
        with open(os.path.join(folder, "%s.json" % chr(ord("a") + i)), "w") as out:
            out.write(text)
    return folder


def read_program(files, options=None):
    def program(sql, spark, tmp):
        return spark.read.options(**(options or {})).json(write_files(os.path.join(tmp, "in"), files))
    return program


@pytest.mark.parametrize("case", sorted(INFERENCE))
def test_json_source_infers_as_spark(oracle, case):
    """spark.read.json without a schema: the inferred schema and the rows read with it."""
    oracle.check(read_program(INFERENCE[case]))


@pytest.mark.parametrize("options", [{"primitivesAsString": "true"}, {"dropFieldIfAllNull": "true"},
                                     {"primitivesAsString": "true", "dropFieldIfAllNull": "true"}])
def test_json_source_inference_options(oracle, options):
    files = [['{"a": 1, "b": true, "c": 12345678901234567890, "d": "", "e": null}'],
             ['{"a": 2.5, "f": [], "g": {"h": ""}, "i": [1.5, null]}']]
    oracle.check(read_program(files, options))


def test_json_source_prefers_decimal(oracle):
    """prefersDecimal in the JSON source: decimals of the numbers' own text, merged across
    records and files (with BIGINT through DECIMAL(20,0), with DOUBLE to DOUBLE), strings that
    read as decimals; the rows read with the inferred schema."""
    files = [['{"a": 1.50, "b": 1.5, "c": "0.5", "d": 2.25, "e": [0.001, 1000.5]}', '{"a": 10, "b": 0.1e-40}'],
             ['{"a": 0.125, "c": "1000.5", "d": "x", "e": [1]}']]
    oracle.check(read_program(files, {"prefersDecimal": "true"}))


def test_json_source_prefers_decimal_negative_scale(oracle):
    """A number whose decimal has a negative scale (1e3) is NEGATIVE_SCALE_DISALLOWED."""
    oracle.check(read_program([['{"a": 1.5}', '{"a": 1e3}']], {"prefersDecimal": "true"}),
                 error="NEGATIVE_SCALE_DISALLOWED")


def test_json_source_inference_multi_line(oracle):
    """multiLine: one document per file, an object or an array of objects."""
    def program(sql, spark, tmp):
        folder = write_documents(os.path.join(tmp, "in"),
                                 '[{"a": 12345678901234567890,\n  "b": {"c": ""}},\n {"a": 1, "b": {"c": 2}}]\n',
                                 '{\n  "a": 1.5,\n  "d": [1, "x"]\n}\n')
        return spark.read.option("multiLine", "true").json(folder)
    oracle.check(program)


@pytest.mark.parametrize("records", [['{"a": {"b": 1, "b": 2}}'], ['{"a": 1, "A": 2}'],
                                     ['{"a": 1}', '{"a": 2, "a": 3}']])
def test_json_source_inferred_repeated_names(oracle, records):
    """A field name found twice (case ignored) in the inferred schema: COLUMN_ALREADY_EXISTS."""
    oracle.check(read_program([records]), error="COLUMN_ALREADY_EXISTS")


def test_streaming_json_source_infers_as_spark(oracle):
    """The streaming file source with spark.sql.streaming.schemaInference: the schema inferred
    from the files there when the query starts, read batch by batch."""
    files = INFERENCE["conflicts_across_files"] + INFERENCE["big_integer_with_bigint"] + INFERENCE["empty_strings"]

    def program(sql, spark, tmp):
        spark.conf.set("spark.sql.streaming.schemaInference", "true")
        try:
            stream = spark.readStream.option("maxFilesPerTrigger", 1).json(write_files(os.path.join(tmp, "in"), files))
            query = (stream.writeStream.format("memory").queryName("inferred")
                     .option("checkpointLocation", os.path.join(tmp, "cp")).trigger(availableNow=True).start())
            query.awaitTermination()
            return spark.sql("SELECT * FROM inferred")
        finally:
            spark.conf.unset("spark.sql.streaming.schemaInference")
    oracle.check(program)


# STRING fields over values that are not strings, written in several ways.
RAW = ['{"a": {"x":1,  "y":[1,2]}}', '{"a": 1.0E2}', '{"a": 1e2}', '{"a": 100}', '{"a": true}',
       '{"a": [1, 2.50, "s"] }', '{"a": 12345678901234567890}', "{'a': {'k': 'v'}}", '{"a": "str"}',
       '{"a": null}', '{"a": -0.0}', '{"a": 1E400}', '{"a": {"u": "\\u00e9\\n"}}', '{"a":{ } }',
       '{"a": NaN}', '{"a": 1.5e-7}', '{"a": [ ]}', '{"a": 1, "a": {"b" : 2}}', '{"a": ""}']


def test_json_source_string_fields_keep_the_records_text(oracle):
    """The JSON source: a STRING field is the value's text as written in the record."""
    def program(sql, spark, tmp):
        return spark.read.schema("a STRING").json(write_files(os.path.join(tmp, "in"), [RAW]))
    oracle.check(program)


def test_from_json_string_fields_are_json_written_anew(oracle):
    """from_json: a STRING field is the value written as JSON (no spaces, numbers as Java writes them)."""
    def program(sql, spark):
        f = sql.functions
        df = spark.createDataFrame([(i, r) for i, r in enumerate(RAW)], "k INT, j STRING")
        return df.select("k", f.from_json("j", "a STRING").alias("r")).select("k", "r.a")
    oracle.check(program)


@pytest.mark.parametrize("options", [{}, {"allowComments": "true", "allowUnquotedFieldNames": "true"}])
def test_json_source_nested_string_fields_keep_the_records_text(oracle, options):
    """STRING at any depth (struct fields, array elements, map values), lenient forms kept."""
    records = ['{"s": {"a": {"x" : 1}}, "arr": [{"x" : 1}, 1.0E2, [ 1 ]], "m": {"k": {"x" : 1}, "j": 1e2}}',
               '{"s": {"a": [1,  2]}, "arr": [true, "t"], "m": {"k": -1.50}}',
               '{"s": {"a": {x : /* c */ 1}}, "arr": [{y: 2}]}']
    schema = "s STRUCT<a: STRING>, arr ARRAY<STRING>, m MAP<STRING, STRING>, _corrupt_record STRING"

    def program(sql, spark, tmp):
        return spark.read.schema(schema).options(**options).json(write_files(os.path.join(tmp, "in"), [records]))
    oracle.check(program)


def test_json_source_multi_line_string_fields_keep_the_records_text(oracle):
    def program(sql, spark, tmp):
        folder = write_documents(os.path.join(tmp, "in"), '[{"a": {"x" :\n 1}}, {"a": 2e1},\n {"a": "s"}]\n')
        return spark.read.schema("a STRING").option("multiLine", "true").json(folder)
    oracle.check(program)


def test_json_source_inferred_string_fields_keep_the_records_text(oracle):
    """Inference widening a field to STRING: the other records' values as written."""
    oracle.check(read_program([['{"a": {"x" : 1}}', '{"a": 1.0E2}', '{"a": "s"}', '{"a": [1,  true]}']]))


# JSON Lines records that are top-level arrays, or a bare null, each case followed by an object.
ARRAYS = {
    "objects": ['[{"a": 1}, {"a": 2, "b": "x"}]'],
    "spaced_objects": [' [ {"a" : 1 , "c": [1, 2]} ,\t{"c": [ ]} ] '],
    "element_not_fitting": ['[{"a": 5}, {"a": {"b": 1}}]'],
    "empty": ['[]'],
    "non_objects": ['[1, 2]'],
    "objects_and_a_number": ['[{"a": 1}, 2]'],
    "nested": ['[[{"a": 1}]]'],
    "object_and_null": ['[{"a": 1}, null]'],
    "null": ['null'],
    "malformed_array": ['[{"a": 1},'],
}
ARRAY_SCHEMAS = [None, "a INT", "a INT, _corrupt_record STRING", "a STRING, _corrupt_record STRING"]


def array_records(case):
    return ARRAYS[case] + ['{"a": 3}']


def read_json(spark, folder, schema, options):
    reader = spark.read.options(**options)
    return (reader.schema(schema) if schema else reader).json(folder)


def malformed_condition(action):
    """The error condition a failed read (FAILFAST) raises, under the FAILED_READ_FILE that
    PySpark wraps it in (its causes follow it in the message); None when the read succeeds."""
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - the condition raised is the outcome compared
        conditions = re.findall(r"\[([A-Z_]+(?:\.[A-Z_]+)?)\]", str(exc))
        return next(c for c in conditions if not c.startswith("FAILED_READ_FILE"))
    return None


@pytest.mark.parametrize("mode", ["PERMISSIVE", "DROPMALFORMED"])
@pytest.mark.parametrize("schema", ARRAY_SCHEMAS)
@pytest.mark.parametrize("case", sorted(ARRAYS))
def test_json_source_reads_top_level_arrays_as_spark(oracle, case, schema, mode):
    """An array of objects is a row per object (the schema inferred from them); an empty array
    no row; an array holding anything else, and a bare null, one malformed record; an array
    whose object does not fit the schema a row per object, each malformed with the array's text."""
    def program(sql, spark, tmp):
        return read_json(spark, write_files(os.path.join(tmp, "in"), [array_records(case)]), schema, {"mode": mode})
    oracle.check(program)


@pytest.mark.parametrize("schema", ARRAY_SCHEMAS)
@pytest.mark.parametrize("case", sorted(ARRAYS))
def test_json_source_top_level_arrays_fail_fast_as_spark(oracle, case, schema):
    """FAILFAST: the error condition for the records above, in inference
    (INVALID_JSON_RECORD_TYPE for an array of numbers) and in reading."""
    def program(sql, spark, tmp):
        folder = write_files(os.path.join(tmp, "in"), [array_records(case)])
        return malformed_condition(lambda: read_json(spark, folder, schema, {"mode": "FAILFAST"}).collect())
    oracle.check(program)


MULTI_LINE_ARRAYS = {
    "objects": '[{"a": 1},\n {"a": 2, "b": "x"}]\n',
    "element_not_fitting": '[{"a": 5},\n {"a": {"b": 1}}]',
    "empty": '[]',
    "non_objects": '[1,\n 2]',
    "nested": '[[{"a": 1}]]',
    "object_and_null": '[{"a": 1}, null]',
    "null": 'null',
}


@pytest.mark.parametrize("mode", ["PERMISSIVE", "DROPMALFORMED"])
@pytest.mark.parametrize("schema", ARRAY_SCHEMAS[1:])
@pytest.mark.parametrize("case", sorted(MULTI_LINE_ARRAYS))
def test_json_source_multi_line_arrays_as_spark(oracle, case, schema, mode):
    """multiLine: the document is the record, read as a JSON Lines record is."""
    def program(sql, spark, tmp):
        folder = write_documents(os.path.join(tmp, "in"), MULTI_LINE_ARRAYS[case])
        return read_json(spark, folder, schema, {"mode": mode, "multiLine": "true"})
    oracle.check(program)


@pytest.mark.parametrize("inferred", [False, True])
def test_streaming_json_source_reads_top_level_arrays_as_spark(oracle, inferred):
    """The streaming file source, a file a batch: arrays of objects, empty arrays, bare nulls."""
    files = [ARRAYS["objects"] + ['{"a": 3}'], ARRAYS["element_not_fitting"] + ARRAYS["empty"],
             ARRAYS["null"] + ARRAYS["spaced_objects"]]

    def program(sql, spark, tmp):
        folder = write_files(os.path.join(tmp, "in"), files)
        reader = spark.readStream.option("maxFilesPerTrigger", 1)
        if inferred:
            spark.conf.set("spark.sql.streaming.schemaInference", "true")
        else:
            reader = reader.schema("a INT, c ARRAY<INT>, _corrupt_record STRING")
        try:
            query = (reader.json(folder).writeStream.format("memory").queryName("arrays")
                     .option("checkpointLocation", os.path.join(tmp, "cp")).trigger(availableNow=True).start())
            query.awaitTermination()
            return spark.sql("SELECT * FROM arrays")
        finally:
            spark.conf.unset("spark.sql.streaming.schemaInference")
    oracle.check(program)


ARRAY_TEXTS = ['[{"a": 1}, {"a": 2}]', '[]', '[1, 2]', 'null', '[{"a": 1}, null]', '{"a": 3}']


@pytest.mark.parametrize("schema", ["a INT", "a INT, _corrupt_record STRING"])
def test_from_json_top_level_arrays_under_a_struct_are_malformed(oracle, schema):
    """from_json with a struct schema does not read arrays as rows: a top-level array (or a
    bare null) is a malformed record, its text in the corrupt-record field."""
    def program(sql, spark):
        df = spark.createDataFrame([(i, t) for i, t in enumerate(ARRAY_TEXTS)], "k INT, j STRING")
        return df.select("k", sql.functions.from_json("j", schema).alias("r"))
    oracle.check(program)


@pytest.mark.parametrize("text", ['[{"a": 1}, {"a": 2}]', '[]', '[1, 2]'])
def test_from_json_fail_fast_refuses_top_level_arrays_under_a_struct(oracle, text):
    def program(sql, spark):
        df = spark.createDataFrame([(text,)], "j STRING")
        return df.select(sql.functions.from_json("j", "a INT", {"mode": "FAILFAST"}).alias("r"))
    oracle.check(program, error="MALFORMED_RECORD_IN_PARSING.CANNOT_PARSE_JSON_ARRAYS_AS_STRUCTS")


def one_field_a_string_per_line(lines, first=0):
    """JSON Lines where field fK is a string in line K only (an integer elsewhere): the schema
    inferred from a sample of them names the lines sampled. Every third line is blank."""
    names = ["f%03d" % k for k in range(first, first + lines)]
    records = []
    for k in range(first, first + lines):
        records.append("{%s}" % ", ".join('"%s": %s' % (n, '"s"' if n == "f%03d" % k else "1") for n in names))
        if k % 3 == 2:
            records.append("")
    return records


@pytest.mark.parametrize("ratio", ["0.3", "0.1", "0.99", "0.995", "1.5", " 5e-1 "])
def test_json_source_sampling_ratio(oracle, ratio):
    """samplingRatio: the schema is inferred from Spark's sample of the lines (blank ones drawing
    too); above 0.99 from all of them."""
    oracle.check(read_program([one_field_a_string_per_line(40)], {"samplingRatio": ratio}))


def test_json_source_sampling_ratio_across_files(oracle):
    """samplingRatio over several files: the files packed into partitions as Spark's file scan
    packs them (the two larger ones together here, with two cores), each partition sampled with
    its own seed."""
    files = [one_field_a_string_per_line(12), one_field_a_string_per_line(30, 12),
             one_field_a_string_per_line(20, 42)]
    oracle.check(read_program(files, {"samplingRatio": "0.4"}))


def test_json_source_sampling_ratio_over_split_files(oracle):
    """samplingRatio where files are cut into splits (maxPartitionBytes below their size): a line
    belongs to the split it starts in (as Hadoop's line reader reads splits)."""
    files = [one_field_a_string_per_line(30), one_field_a_string_per_line(14, 30)]

    def program(sql, spark, tmp):
        spark.conf.set("spark.sql.files.maxPartitionBytes", "1500")
        spark.conf.set("spark.sql.files.openCostInBytes", "100")
        try:
            return read_program(files, {"samplingRatio": "0.5"})(sql, spark, tmp)
        finally:
            spark.conf.unset("spark.sql.files.maxPartitionBytes")
            spark.conf.unset("spark.sql.files.openCostInBytes")
    oracle.check(program)


@pytest.mark.parametrize("ratio", ["0", "-0.5", "NaN"])
def test_json_source_sampling_ratio_must_be_above_zero(oracle, ratio):
    oracle.check(read_program([['{"a": 1}']], {"samplingRatio": ratio}), error="IllegalArgumentException")


def test_json_source_sampling_ratio_is_a_number(tmp_path):
    """Spark lets Java's NumberFormatException (an IllegalArgumentException) through; Spate names
    the option and what it takes."""
    from spate.errors import IllegalArgumentException
    from spate.sql import SparkSession
    spark = SparkSession.builder.getOrCreate()
    with pytest.raises(IllegalArgumentException, match="For input string: \"abc\" \\(the option 'samplingRatio'"):
        spark.read.option("samplingRatio", "abc").schema("a INT").json(write_files(str(tmp_path), [['{"a": 1}']]))


TIMESTAMP_TEXTS = ["2020-01-01", "2020-01-01 10:00:00", "2020-01-01T10:00:00Z", "2020-01-01T10:00:00.123+02:00",
                   "2020-01-01 10:00:00 UTC", "2020-1-1", "2020", " 2020-01-01", "123", "abc", "2020-13-01",
                   "2020-01-01T10", "2020-01-01T"]


@pytest.mark.parametrize("text", TIMESTAMP_TEXTS)
def test_json_source_infer_timestamp(oracle, text):
    """inferTimestamp: a string CAST reads as a timestamp is TIMESTAMP; the rows read with it."""
    oracle.check(read_program([['{"t": "%s", "u": ["%s"], "v": {"w": "%s"}}' % (text, text, text)]],
                              {"inferTimestamp": "true"}))


@pytest.mark.parametrize("options", [{"inferTimestamp": "true"}, {"inferTimestamp": "false"}, {},
                                     {"inferTimestamp": "true", "prefersDecimal": "true"},
                                     {"inferDate": "true", "prefersDate": "true", "dateFormat": "yyyy-MM-dd"}])
def test_json_source_infer_timestamp_merges(oracle, options):
    """Timestamps merged with timestamps, strings, numbers and nulls across records; with
    prefersDecimal a string that reads as a decimal is one first. The JSON source infers no
    dates (inferDate and prefersDate are CSV's)."""
    files = [['{"a": "2020-01-01", "b": "2020-01-01 10:00:00", "c": "2020-01-01", "d": "2020", "e": null}',
              '{"a": "2021-06-30T12:00:00Z", "b": "x", "c": 1, "d": "2020-01-01", "e": "2020-01-01"}']]
    oracle.check(read_program(files, options))


def test_json_source_infer_timestamp_flag_value(oracle):
    oracle.check(read_program([['{"a": "2020-01-01"}']], {"inferTimestamp": "yes"}), error="IllegalArgumentException")


@pytest.mark.parametrize("options", [{"timestampFormat": "dd/MM/yyyy HH:mm"}, {"timestampFormat": "dd/MM/yyyy HH:mm XXX"},
                                     {"timestampNTZFormat": "dd/MM/yyyy HH:mm"}])
def test_json_source_infer_timestamp_with_a_format(oracle, options):
    """inferTimestamp with timestampFormat: strings that pattern reads are TIMESTAMP (the forms
    CAST reads no longer), and the rows are read with it."""
    files = [['{"t": "01/02/2020 10:30", "u": "2020-01-02", "w": "01/02/2020 10:30 +02:00"}',
              '{"t": "31/12/2021 23:59", "u": "2021-12-31 10:00:00", "w": "31/12/2021 23:59 -05:30"}']]
    oracle.check(read_program(files, dict(options, inferTimestamp="true")))


def test_json_source_datetime_formats(oracle):
    """The JSON source reads TIMESTAMP, TIMESTAMP_NTZ and DATE fields of a given schema with
    timestampFormat, timestampNTZFormat and dateFormat, as from_json does."""
    files = [['{"t": "01/02/2020 10:30", "n": "01/02/2020 10:30", "d": "01/02/2020"}',
              '{"t": "2020-01-02 10:30", "n": "2020-01-02 10:30", "d": "2020-01-02"}']]

    def program(sql, spark, tmp):
        return spark.read.schema("t TIMESTAMP, n TIMESTAMP_NTZ, d DATE").options(
            timestampFormat="dd/MM/yyyy HH:mm", timestampNTZFormat="dd/MM/yyyy HH:mm", dateFormat="dd/MM/yyyy"
        ).json(write_files(os.path.join(tmp, "in"), files))
    oracle.check(program)


@pytest.mark.parametrize("locale", ["en-US", "de-DE", "fr-FR"])
def test_json_source_decimal_locale(oracle, locale):
    """The JSON source reads DECIMAL fields (and prefersDecimal infers them) with the locale's
    decimal parser."""
    files = [['{"a": "1.000,5", "b": "1,5"}', '{"a": "1,000.5", "b": "2,25"}']]

    def program(sql, spark, tmp):
        path = write_files(os.path.join(tmp, "in"), files)
        read = spark.read.options(locale=locale)
        given = read.schema("a DECIMAL(10,2), b DECIMAL(10,2)").json(path)
        inferred = read.options(prefersDecimal="true").json(path)
        return given.crossJoin(inferred.select([sql.functions.col(c).alias(c + "_inferred") for c in inferred.columns]))
    oracle.check(program)


def numbered_documents(count):
    """multiLine documents, one a file: document K has field fK as a string (an integer in the
    others), so the schema inferred from a sample names the documents sampled. Some documents are
    arrays of two records."""
    names = ["f%02d" % k for k in range(count)]
    docs = []
    for k in range(count):
        record = "{\n%s\n}" % ",\n".join('  "%s": %s' % (n, '"s"' if n == "f%02d" % k else "1") for n in names)
        docs.append("[%s, %s]" % (record, record) if k % 5 == 4 else record)
    return docs


@pytest.mark.parametrize("ratio", ["0.1", "0.3", "0.4", "0.5", "0.8"])
def test_json_source_multi_line_sampling_ratio(oracle, ratio):
    """samplingRatio with multiLine: Spark samples whole documents (files) with RDD.sample(false,
    ratio, 1), gap sampling up to 0.4 and a draw per document above; the files are given in order,
    as Spark lists a directory's files in no fixed order."""
    docs = numbered_documents(30)

    def program(sql, spark, tmp):
        paths = [os.path.join(tmp, "doc-%02d.json" % k) for k in range(len(docs))]
        for path, doc in zip(paths, docs):
            with open(path, "w") as out:
                out.write(doc)
        return spark.read.options(multiLine="true", samplingRatio=ratio).json(paths)
    oracle.check(program)


def test_json_writer_datetime_formats(oracle):
    """df.write.json writes TIMESTAMP, TIMESTAMP_NTZ and DATE columns with timestampFormat,
    timestampNTZFormat and dateFormat, as to_json does; the lines read back as text."""
    def program(sql, spark, tmp):
        df = spark.sql("SELECT timestamp'2020-01-02 10:30:00' AS t, timestamp_ntz'2020-01-02 10:30:00' AS n, "
                       "date'2020-01-02' AS d")
        out = os.path.join(tmp, "out")
        df.write.options(timestampFormat="dd/MM/yyyy HH:mm XXX", timestampNTZFormat="yyyy MM dd HH",
                         dateFormat="dd.MM.yyyy").json(out)
        return spark.read.text(out)
    oracle.check(program)
