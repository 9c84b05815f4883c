"""The CSV source against PySpark 4.1: DECIMAL columns read with the locale option's decimal
parser."""

import os

import pytest

DECIMAL_TEXTS = ["1,000.5", "1.000,5", "1000", "-1,5", "1,5E2", "1,2,3", "1.2.3", "1,5x", "x", "1."]


@pytest.mark.parametrize("locale", [None, "en-US", "de-DE", "fr-FR", "invalid!"])
def test_csv_source_decimal_locale(oracle, locale):
    """A DECIMAL column reads as Spark's decimal parser for the locale reads it: en-US (the
    default) drops commas, other locales read their own separators; a value it does not read
    makes the record malformed (NULL in PERMISSIVE mode), even one CAST reads ("1." in de-DE)."""
    def program(sql, spark, tmp):
        path = os.path.join(tmp, "in.csv")
        with open(path, "w") as out:
            out.write("".join("%s;%d\n" % (t, i) for i, t in enumerate(DECIMAL_TEXTS)))
        read = spark.read.schema("a DECIMAL(10,2), i INT").option("sep", ";")
        return (read.option("locale", locale) if locale else read).csv(path)
    oracle.check(program)


DATETIME_TEXTS = ["01/02/2020 10:30", "1/2/2020 10:30", "01/02/2020 10:30 +02:00", "2020-01-02 10:30", "2020-01-02",
                  "31/02/2020 10:30", "01/02/2020", "x"]
DATETIME_OPTIONS = [({}, "TIMESTAMP"), ({}, "DATE"), ({"timestampFormat": "dd/MM/yyyy HH:mm"}, "TIMESTAMP"),
                    ({"timestampFormat": "d/M/yyyy H:mm XXX"}, "TIMESTAMP"), ({"dateFormat": "dd/MM/yyyy"}, "DATE"),
                    ({"timestampNTZFormat": "dd/MM/yyyy HH:mm"}, "TIMESTAMP_NTZ"),
                    ({"timestampNTZFormat": "dd/MM/yyyy HH:mm XXX"}, "TIMESTAMP_NTZ"),
                    ({"dateFormat": "dd/MM/yyyy"}, "TIMESTAMP"), ({"timestampFormat": "dd/MM/yyyy HH:mm"}, "DATE")]


def write_datetime_texts(tmp):
    path = os.path.join(tmp, "in.csv")
    with open(path, "w") as out:
        out.write("".join("%s;%d\n" % (t, i) for i, t in enumerate(DATETIME_TEXTS)))
    return path


@pytest.mark.parametrize("options,type_name", DATETIME_OPTIONS)
def test_csv_source_datetime_formats(oracle, options, type_name):
    """dateFormat, timestampFormat and timestampNTZFormat: a DATE, TIMESTAMP or TIMESTAMP_NTZ column
    reads with its pattern alone (no fallback to the forms CAST reads, which read values without
    one); a value the pattern does not read is NULL and its record in _corrupt_record."""
    def program(sql, spark, tmp):
        path = write_datetime_texts(tmp)
        read = spark.read.schema("a %s, i INT, _corrupt_record STRING" % type_name).option("sep", ";")
        return read.options(**options).csv(path)
    oracle.check(program)


def test_csv_source_datetime_format_fail_fast(oracle, tmp_path):
    """FAILFAST: a value the timestampFormat pattern does not read fails the read with
    MALFORMED_RECORD_IN_PARSING (Spark wraps it in FAILED_READ_FILE)."""
    path = write_datetime_texts(str(tmp_path))
    for engine in (oracle.spate, oracle.pyspark):
        read = engine.spark.read.schema("a TIMESTAMP, i INT")
        with pytest.raises(Exception) as raised:
            read.options(sep=";", mode="FAILFAST", timestampFormat="dd/MM/yyyy HH:mm").csv(path).collect()
        assert "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION]" in str(raised.value), engine.name


def test_streaming_csv_source_datetime_formats(oracle):
    """readStream.csv reads with the patterns as the batch reader does."""
    def program(sql, spark, tmp):
        folder = os.path.join(tmp, "in")
        os.makedirs(folder)
        write_datetime_texts(folder)
        stream = spark.readStream.schema("a TIMESTAMP, i INT").options(sep=";", timestampFormat="dd/MM/yyyy HH:mm")
        stream = stream.csv(folder)
        query = stream.writeStream.format("memory").queryName("csv_formats").trigger(availableNow=True).start()
        query.awaitTermination()
        return spark.sql("SELECT * FROM csv_formats")
    oracle.check(program)


INFERENCE_ROWS = [["01/02/2020 10:30", "02/03/2021 11:00"], ["01/02/2020", "02/03/2021"],
                  ["01/02/2020", "01/02/2020 10:30"], ["01/02/2020", "2020-01-02 10:30"], ["2020-01-02"],
                  ["2020-01-02", "2020-01-02 10:30"]]
INFERENCE_OPTIONS = [{}, {"timestampFormat": "dd/MM/yyyy HH:mm"}, {"timestampFormat": "dd/MM/yyyy"},
                     {"dateFormat": "dd/MM/yyyy"}, {"dateFormat": "dd/MM/yyyy", "preferDate": "false"},
                     {"preferDate": "false"}, {"dateFormat": "dd/MM/yyyy", "timestampFormat": "dd/MM/yyyy HH:mm"}]


@pytest.mark.parametrize("options", INFERENCE_OPTIONS)
def test_csv_source_infers_with_datetime_formats(oracle, options):
    """inferSchema: strings the timestampFormat pattern reads are TIMESTAMP (the default forms no
    longer are), strings the dateFormat pattern reads DATE unless preferDate is false; a date
    joins timestamps only where both formats are the defaults."""
    def program(sql, spark, tmp):
        frames = []
        for n, rows in enumerate(INFERENCE_ROWS):
            path = os.path.join(tmp, "in%d.csv" % n)
            with open(path, "w") as out:
                out.write("\n".join(rows) + "\n")
            df = spark.read.options(inferSchema="true", **options).csv(path)
            frames.append((df.schema.simpleString(), [tuple(r) for r in df.collect()]))
        return frames
    oracle.check(program)


NUMBER_COLUMNS = [["1", "2147483648"], ["1", "12345678901234567890"], ["12345678901234567890", "1.5"],
                  ["1", "2.5"], ["1.", "123."], ["1", "x"], ["2.5", "true"], ["true", "FALSE"],
                  ["", "7"], ["NA", "8"], ["1e400", "1"], ["99999999999999999999", "1" * 39],
                  ["2020-01-02 10:30", "2020-01-02"], ["1,000", "2"]]


def test_csv_source_infers_numbers_row_by_row(oracle):
    """inferSchema folds each column's values in order as Spark does: INT widens to BIGINT,
    whole decimals to the DECIMAL holding both (DOUBLE beyond 38 digits), a fraction to DOUBLE,
    anything else to STRING; empty and nullValue texts leave the type as it was."""
    def program(sql, spark, tmp):
        frames = []
        for n, rows in enumerate(NUMBER_COLUMNS):
            path = os.path.join(tmp, "n%d.csv" % n)
            with open(path, "w") as out:
                out.write("\n".join('"%s"' % r for r in rows) + "\n")
            df = spark.read.options(inferSchema="true", nullValue="NA").csv(path)
            frames.append(df.schema.simpleString())
        return frames
    oracle.check(program)


def one_column_not_an_int_per_line(lines, first=0, width=None):
    """CSV lines (a header first) where column cK is an int except in line K (a string when K is
    even, a double when odd): the schema inferred from a sample of them names the lines sampled.
    Every third line is followed by a blank line and every fifth by a comment line."""
    width = width or first + lines
    names = ["c%03d" % k for k in range(width)]
    rows = [",".join(names)]
    for k in range(first, first + lines):
        rows.append(",".join(("s" if k % 2 == 0 else "1.5") if j == k else "1" for j in range(width)))
        if k % 3 == 2:
            rows.append("")
        if k % 5 == 4:
            rows.append("# a comment")
    return rows


def csv_files_program(files, options, *, multi_line=False):
    """Reads `files` (each a list of lines) with a header and inferSchema: from their folder,
    or, with multiLine, from their paths in order (Spark lists a folder in no fixed order)."""
    def program(sql, spark, tmp):
        folder = os.path.join(tmp, "in")
        os.makedirs(folder)
        paths = []
        for i, lines in enumerate(files):
            paths.append(os.path.join(folder, "part-%02d.csv" % i))
            with open(paths[-1], "w") as out:
                out.write("\n".join(lines) + "\n")
        reader = spark.read.options(header="true", inferSchema="true", comment="#", **options)
        return reader.options(multiLine="true").csv(paths) if multi_line else reader.csv(folder)
    return program


@pytest.mark.parametrize("ratio", ["0.3", "0.1", "0.99", "0.995", " 5e-1 "])
def test_csv_source_sampling_ratio(oracle, ratio):
    """samplingRatio: the types are inferred from Spark's sample of the lines (the header, blank
    and comment lines drawing too); above 0.99 from all of them."""
    oracle.check(csv_files_program([one_column_not_an_int_per_line(40)], {"samplingRatio": ratio}))


def test_csv_source_sampling_ratio_across_files(oracle):
    """samplingRatio over several files: the files packed into partitions as Spark's file scan
    packs them, each partition sampled with its own seed."""
    files = [one_column_not_an_int_per_line(12, 0, 62), one_column_not_an_int_per_line(30, 12, 62),
             one_column_not_an_int_per_line(20, 42, 62)]
    oracle.check(csv_files_program(files, {"samplingRatio": "0.4"}))


def test_csv_source_sampling_ratio_over_split_files(oracle):
    """samplingRatio where files are cut into splits (maxPartitionBytes below their size): a line
    belongs to the split it starts in."""
    files = [one_column_not_an_int_per_line(30, 0, 44), one_column_not_an_int_per_line(14, 30, 44)]

    def program(sql, spark, tmp):
        spark.conf.set("spark.sql.files.maxPartitionBytes", "1500")
        spark.conf.set("spark.sql.files.openCostInBytes", "100")
        try:
            return csv_files_program(files, {"samplingRatio": "0.5"})(sql, spark, tmp)
        finally:
            spark.conf.unset("spark.sql.files.maxPartitionBytes")
            spark.conf.unset("spark.sql.files.openCostInBytes")
    oracle.check(program)


@pytest.mark.parametrize("ratio", ["0.1", "0.3", "0.5", "0.8"])
def test_csv_source_multi_line_sampling_ratio(oracle, ratio):
    """samplingRatio with multiLine: Spark samples the records after each file's header with
    RDD.sample(false, ratio, 1) over the files packed whole into partitions."""
    files = [one_column_not_an_int_per_line(8, 8 * i, 48) for i in range(6)]
    oracle.check(csv_files_program(files, {"samplingRatio": ratio}, multi_line=True))


@pytest.mark.parametrize("ratio", ["0", "-0.5", "NaN"])
@pytest.mark.parametrize("infer", ["true", "false"])
def test_csv_source_sampling_ratio_must_be_above_zero(oracle, ratio, infer):
    """Without a schema the ratio must be above 0, inferSchema or not (Spark samples the lines for
    the header's width either way)."""
    def program(sql, spark, tmp):
        path = os.path.join(tmp, "in.csv")
        with open(path, "w") as out:
            out.write("a,b\n1,2\n")
        return spark.read.options(samplingRatio=ratio, inferSchema=infer).csv(path)
    oracle.check(program, error="IllegalArgumentException")


def test_csv_source_sampling_ratio_is_a_number(tmp_path):
    """Spark lets Java's NumberFormatException through, even with a schema; Spate names the option."""
    from spate.errors import IllegalArgumentException
    from spate.sql import SparkSession
    spark = SparkSession.builder.getOrCreate()
    path = tmp_path / "in.csv"
    path.write_text("1\n")
    with pytest.raises(IllegalArgumentException, match="For input string: \"abc\" \\(the option 'samplingRatio'"):
        spark.read.option("samplingRatio", "abc").schema("a INT").csv(str(path)).collect()


HEADERS = {"same": "x,y", "other_case": "X,y", "other_name": "x,z", "fewer": "x", "more": "x,y,w"}


def write_headed_csv(folder, header):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "in.csv"), "w") as out:
        out.write(header + "\n1,2\n3,4\n")
    return folder


@pytest.mark.parametrize("header", sorted(HEADERS))
@pytest.mark.parametrize("enforce", [None, "true", "false"])
def test_csv_source_enforce_schema(oracle, header, enforce):
    """enforceSchema (true by default) applies a schema by position whatever the header says;
    false checks the header's names against it (case-insensitively here), failing the read when
    they differ or their number does. Reading only some columns checks only theirs; no header,
    nothing."""
    def program(sql, spark, tmp):
        folder = write_headed_csv(os.path.join(tmp, "in"), HEADERS[header])
        reader = spark.read.schema("x INT, y INT, _corrupt_record STRING")
        if enforce:
            reader = reader.option("enforceSchema", enforce)
        out = []
        for read in (reader.option("header", "true").csv(folder).drop("_corrupt_record"),
                     reader.option("header", "true").csv(folder).select("x"),
                     reader.csv(folder)):
            try:
                out.append([tuple(r) for r in read.collect()])
            except Exception:  # noqa: BLE001 - which reads fail is the outcome compared
                out.append("failed")
        return out
    oracle.check(program)


@pytest.mark.parametrize("header,cause", [
    ("x,z", "CSV header does not conform to the schema.\n Header: x, z\n Schema: x, y\nExpected: y but found: z\n"),
    ("X,y", "CSV header does not conform to the schema.\n Header: X, y\n Schema: x, y\nExpected: x but found: X\n"),
    ("x,y,w", "Number of column in CSV header is not equal to number of fields in the schema:\n"
              " Header length: 3, schema size: 2\n")])
def test_csv_source_enforce_schema_error(oracle, tmp_path, header, cause):
    """enforceSchema=false and a header that does not name the schema's fields: FAILED_READ_FILE
    with Spark's message naming both and the file (spark.sql.caseSensitive=true here)."""
    folder = write_headed_csv(str(tmp_path / "in"), header)
    for engine in (oracle.spate, oracle.pyspark):
        engine.spark.conf.set("spark.sql.caseSensitive", "true")
        try:
            read = engine.spark.read.schema("x INT, y INT").options(header="true", enforceSchema="false")
            with pytest.raises(Exception) as raised:
                read.csv(folder).collect()
        finally:
            engine.spark.conf.unset("spark.sql.caseSensitive")
        message = str(raised.value)
        assert "[FAILED_READ_FILE.NO_HINT]" in message, engine.name
        assert cause + "CSV file: file://" + os.path.join(folder, "in.csv") in message, (engine.name, message)


def test_streaming_csv_source_enforce_schema(oracle, tmp_path):
    """readStream.csv checks each file's header as the batch reader does: a header naming the
    schema's fields reads, one that does not fails the query naming the file."""
    for engine in (oracle.spate, oracle.pyspark):
        folder = str(tmp_path / engine.name)
        write_headed_csv(folder, "x,Y")
        stream = engine.spark.readStream.schema("x INT, y INT").options(header="true", enforceSchema="false")
        query = stream.csv(folder).writeStream.format("memory").queryName("csv_headers_" + engine.name)
        query = query.trigger(availableNow=True).start()
        query.awaitTermination()
        rows = engine.spark.sql("SELECT * FROM csv_headers_" + engine.name).collect()
        assert sorted(tuple(r) for r in rows) == [(1, 2), (3, 4)], engine.name
        with open(os.path.join(folder, "other.csv"), "w") as out:
            out.write("x,z\n5,6\n")
        query = stream.csv(folder).writeStream.format("memory").queryName("csv_headers_2_" + engine.name)
        query = query.trigger(availableNow=True).start()
        with pytest.raises(Exception) as raised:
            query.awaitTermination()
        message = str(raised.value)
        assert "[FAILED_READ_FILE.NO_HINT]" in message and "other.csv" in message, (engine.name, message)


def write_files(folder, files):
    """Writes `files` ((name, text) pairs) into `folder`, returning their paths in that order."""
    os.makedirs(folder, exist_ok=True)
    paths = []
    for name, text in files:
        paths.append(os.path.join(folder, name))
        with open(paths[-1], "w") as out:
            out.write(text)
    return paths


# The first file by name is the smallest, with three columns; Spark takes the first line of the
# largest, with two.
HEADED_FILES = {
    "sizes": [("a.csv", "a,b,c\n1,2,3\n"), ("b.csv", "x,y\n3,4\n5,6\n7,8\n"), ("c.csv", "p,q\n9,10\n")],
    "blank_and_comment_first": [("a.csv", "a,b,c\n1,2,3\n"), ("b.csv", "\n  \n# c\nx,y\n3,4\n5,6\n7,8\n")],
    "largest_blank_only": [("a.csv", "a,b,c\n1,2,3\n"), ("b.csv", "x,y\n3,4\n5,6\n7,8\n"), ("c.csv", "\n" * 40),
                           ("d.csv", "")],
    "header_as_data": [("a.csv", "1,2,3\nx,y\n3,4\n"), ("b.csv", "x,y\n3,4\n5,6\n7,8\nx,y\n")],
}


@pytest.mark.parametrize("files", sorted(HEADED_FILES))
@pytest.mark.parametrize("options", [{"header": "true"}, {"header": "true", "inferSchema": "true"},
                                     {"header": "false", "inferSchema": "true"}])
def test_csv_source_header_of_the_largest_file(oracle, files, options):
    """Without a schema the columns are named (or counted) from the first line Spark's text scan
    reads that is neither blank nor a comment: the largest file's first. Other files' headers are
    data to the inference; lines equal to that first line are not."""
    def program(sql, spark, tmp):
        folder = os.path.join(tmp, "in")
        write_files(folder, HEADED_FILES[files])
        return spark.read.options(comment="#", **options).csv(folder)
    oracle.check(program)


def test_csv_source_header_of_the_first_split(oracle):
    """A file cut into splits of the same size as another file's: the splits in the order of the
    files given, so the first file's header names the columns though the other is larger."""
    def program(sql, spark, tmp):
        paths = write_files(os.path.join(tmp, "in"), [("b.csv", "b,c\n1,2\n"), ("a.csv", "x,y\n3,4\n5,6\n7,8\n")])
        spark.conf.set("spark.sql.files.maxPartitionBytes", "8")
        spark.conf.set("spark.sql.files.openCostInBytes", "1")
        try:
            return spark.read.options(header="true", inferSchema="true").csv(paths)
        finally:
            spark.conf.unset("spark.sql.files.maxPartitionBytes")
            spark.conf.unset("spark.sql.files.openCostInBytes")
    oracle.check(program)


def test_csv_source_header_of_files_of_one_size(oracle):
    """Files of the same size: the first in the order given names the columns."""
    def program(sql, spark, tmp):
        paths = write_files(os.path.join(tmp, "in"), [("c.csv", "p,q\n5,6\n"), ("a.csv", "a,b\n1,2\n"),
                                                      ("b.csv", "x,y\n3,4\n")])
        return spark.read.options(header="true", inferSchema="true").csv(paths)
    oracle.check(program)


@pytest.mark.parametrize("header", ["true", "false"])
def test_csv_source_multi_line_header_of_the_first_file(oracle, header):
    """With multiLine the first record of the first file holding one (files in order, whatever
    their size) names or counts the columns; each file's own first record is its header."""
    def program(sql, spark, tmp):
        paths = write_files(os.path.join(tmp, "in"), [
            ("e.csv", ""), ("d.csv", "\n\n# c\n"), ("c.csv", "a,b,c\n1,2,3\n"), ("b.csv", "x,y\n3,4\n5,6\n7,8\n")])
        return spark.read.options(header=header, inferSchema="true", multiLine="true", comment="#").csv(paths)
    oracle.check(program)


def test_streaming_csv_source_header_of_the_largest_file(oracle):
    """readStream.csv infers its schema at load() from the files then present as the batch reader
    does: named from the largest file's header, each file's own header dropped when read."""
    def program(sql, spark, tmp):
        folder = os.path.join(tmp, "in")
        write_files(folder, [("a.csv", "a,b\n1,2\n"), ("b.csv", "x,y\n3,4\n5,6\n7,8\n")])
        spark.conf.set("spark.sql.streaming.schemaInference", "true")
        try:
            stream = spark.readStream.options(header="true", inferSchema="true").csv(folder)
        finally:
            spark.conf.unset("spark.sql.streaming.schemaInference")
        query = stream.writeStream.format("memory").queryName("csv_largest_header").trigger(availableNow=True)
        query.start().awaitTermination()
        return spark.sql("SELECT * FROM csv_largest_header")
    oracle.check(program)


@pytest.mark.parametrize("case_sensitive", ["false", "true"])
@pytest.mark.parametrize("multi_line", ["false", "true"])
def test_csv_source_header_names_made_unique(oracle, case_sensitive, multi_line):
    """Header names as Spark makes them: an empty one is _c<position>, one found twice (ignoring
    case unless spark.sql.caseSensitive) has its position appended; `a` and `A` read as two
    columns when case matters."""
    def program(sql, spark, tmp):
        folder = os.path.join(tmp, "in")
        write_files(folder, [("a.csv", "a,A,,b,b,\"\",c\n1,2,3,4,5,6,7\n")])
        spark.conf.set("spark.sql.caseSensitive", case_sensitive)
        try:
            df = spark.read.options(header="true", multiLine=multi_line).csv(folder)
            return spark.createDataFrame(df.collect(), df.schema)  # read while the setting holds
        finally:
            spark.conf.unset("spark.sql.caseSensitive")
    oracle.check(program)
