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
