"""The avro file format against PySpark 4.1 with spark-avro: what each engine reads back from
the files it writes (schema, nullability, rows), files written by Spate read by PySpark and by
fastavro, files written by PySpark (snappy, deflate, bzip2, xz) and by fastavro read by Spate, and a
stream of avro files in and out."""

import glob
import os

import fastavro  # pinned through confluent-kafka[avro] in requirements.txt
import pytest

from oracle import Failure, Frame, difference, spark_avro_jar

COLUMNS = [
    "id", "CAST(id AS STRING) AS s", "IF(id % 2 = 0, NULL, id * 1.5D) AS d", "array(id, NULL) AS arr",
    "map('k', id) AS m", "named_struct('x', id, 'y', 'why') AS st", "CAST(id AS DECIMAL(12, 2)) AS dec",
    "DATE'2024-02-29' AS day", "TIMESTAMP'2024-01-02 03:04:05.678901' AS ts",
    "TIMESTAMP_NTZ'2020-01-01 00:00:00' AS ntz", "X'00FF' AS bin", "id > 2 AS flag"]


def rows(spark):
    return spark.range(5).selectExpr(*COLUMNS)


@pytest.fixture(autouse=True)
def _spark_avro(oracle):
    if spark_avro_jar() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the Avro differential tests need spark-avro's jar (Maven)", pytrace=False)
        pytest.skip("spark-avro's jar could not be fetched")


@pytest.mark.parametrize("codec", ["snappy", "deflate", "uncompressed", "zstandard", "bzip2", "xz"])
def test_write_then_read(oracle, codec):
    """df.write.format("avro") then spark.read.format("avro"): the same schema (top-level
    columns nullable, as file sources make them) and rows on both engines."""
    def program(sql, spark, tmp):
        rows(spark).write.format("avro").option("compression", codec).save(tmp + "/t")
        return spark.read.format("avro").load(tmp + "/t")
    oracle.check(program)


def test_record_name_and_user_schema(oracle):
    """recordName/recordNamespace options, a read with a user schema (columns matched by name,
    a missing one NULL) and save modes."""
    def program(sql, spark, tmp):
        df = spark.range(3).selectExpr("id", "CAST(id AS STRING) AS s")
        df.write.format("avro").option("recordName", "Rec").option("recordNamespace", "a.b").save(tmp + "/t")
        df.write.format("avro").mode("append").save(tmp + "/t")
        return spark.read.format("avro").schema("s STRING, id BIGINT, other INT").load(tmp + "/t")
    oracle.check(program)


def _cross(oracle, tmp_path, writer, reader):
    path = str(tmp_path / "t")
    rows(writer.spark).write.format("avro").save(path)
    got = reader.spark.read.format("avro").load(path)
    want = writer.spark.read.format("avro").load(path)
    return path, got, want


def _frame(df):
    from oracle import _schema, plain
    return Frame(_schema(df.schema), [plain(r) for r in df.collect()], None)


def test_spate_files_read_by_pyspark_and_fastavro(oracle, tmp_path):
    """Snappy files Spate writes are read by PySpark as Spate reads them; deflate and
    uncompressed ones by fastavro, with the schema Spark derives."""
    path, got, want = _cross(oracle, tmp_path, oracle.spate, oracle.pyspark)
    why = difference(_frame(got), _frame(want))
    assert why is None, why
    for codec in ("deflate", "uncompressed"):
        out = str(tmp_path / codec)
        rows(oracle.spate.spark).write.format("avro").option("compression", codec).save(out)
        records = []
        for name in sorted(glob.glob(out + "/*.avro")):
            with open(name, "rb") as fh:
                reader = fastavro.reader(fh)
                assert reader.codec == ("null" if codec == "uncompressed" else codec)
                assert reader.writer_schema["name"] == "topLevelRecord"
                records.extend(reader)
        records.sort(key=lambda r: r["id"])
        assert [r["id"] for r in records] == [0, 1, 2, 3, 4]
        assert records[1]["d"] == 1.5 and records[0]["d"] is None
        assert records[3]["arr"] == [3, None] and records[3]["m"] == {"k": 3}
        assert records[4]["st"] == {"x": 4, "y": "why"} and str(records[4]["dec"]) == "4.00"
        assert records[0]["ts"].isoformat() == "2024-01-02T03:04:05.678901+00:00"


def test_pyspark_files_read_by_spate(oracle, tmp_path):
    """Files PySpark writes (snappy by default) read by Spate as PySpark reads them."""
    path, got, want = _cross(oracle, tmp_path, oracle.pyspark, oracle.spate)
    why = difference(_frame(got), _frame(want))
    assert why is None, why


def test_fastavro_files_read_by_spate(oracle, tmp_path):
    """Files fastavro writes (deflate, null codec; unions, enums, logical types) read by Spate
    as PySpark reads them."""
    schema = fastavro.parse_schema({
        "type": "record", "name": "Event", "fields": [
            {"name": "id", "type": "long"},
            {"name": "name", "type": ["null", "string"]},
            {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
            {"name": "tags", "type": {"type": "array", "items": "string"}},
            {"name": "day", "type": {"type": "int", "logicalType": "date"}}]})
    import datetime
    records = [{"id": i, "name": None if i % 2 else "n%d" % i, "kind": "AB"[i % 2], "tags": ["t"] * i,
                "day": datetime.date(2024, 1, 1) + datetime.timedelta(days=i)} for i in range(300)]
    folder = tmp_path / "fa"
    folder.mkdir()
    for codec in ("deflate", "null"):
        with open(folder / ("%s.avro" % codec), "wb") as fh:
            fastavro.writer(fh, schema, records, codec=codec, sync_interval=1000)
    got = oracle.spate.spark.read.format("avro").load(str(folder))
    want = oracle.pyspark.spark.read.format("avro").load(str(folder))
    why = difference(_frame(got), _frame(want))
    assert why is None, why


def test_stream_of_avro_files(oracle, tmp_path):
    """readStream.format("avro") with a schema into writeStream.format("avro"), then read back
    by PySpark."""
    src, out, chk = (str(tmp_path / n) for n in ("in", "out", "chk"))
    oracle.pyspark.spark.range(4).selectExpr("id", "CAST(id AS STRING) AS s").write.format("avro").save(src)
    spark = oracle.spate.spark
    stream = spark.readStream.format("avro").schema("id BIGINT, s STRING").load(src)
    query = (stream.selectExpr("id * 10 AS id", "s").writeStream.format("avro")
             .option("checkpointLocation", chk).trigger(availableNow=True).start(out))
    query.awaitTermination(60)
    rows = sorted(tuple(r) for r in oracle.pyspark.spark.read.format("avro").load(out).collect())
    assert rows == [(0, "0"), (10, "1"), (20, "2"), (30, "3")]


def test_avro_schema_option_on_write_and_read(oracle):
    """avroSchema when writing (the schema of the files: an enum, a nullable union, a
    timestamp-millis) and when reading (an evolved schema: a field dropped, one added with its
    default, int read as long)."""
    written = ('{"type":"record","name":"Ev","fields":[{"name":"id","type":"int"},'
               '{"name":"kind","type":{"type":"enum","name":"K","symbols":["a","b"]}},'
               '{"name":"note","type":["null","string"]},'
               '{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}}]}')
    evolved = ('{"type":"record","name":"Ev","fields":[{"name":"id","type":"long"},'
               '{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},'
               '{"name":"extra","type":"string","default":"none"}]}')

    def program(sql, spark, tmp):
        df = spark.createDataFrame([(1, "a", None), (2, "b", "x")], "id INT, kind STRING, note STRING") \
            .selectExpr("*", "TIMESTAMP'2024-05-06 07:08:09.123' AS at")
        df.write.format("avro").option("avroSchema", written).save(tmp + "/t")
        plain = spark.read.format("avro").load(tmp + "/t")
        evolved_df = spark.read.format("avro").option("avroSchema", evolved).load(tmp + "/t")
        return plain.join(evolved_df.withColumnRenamed("at", "at2"), "id")
    oracle.check(program)


def test_empty_struct_is_refused(oracle):
    """A struct without fields, as a column or a struct's field, cannot be written as Avro."""
    def program(sql, spark, tmp):
        df = spark.range(1).selectExpr("id", "named_struct('a', 1, 'e', struct()) AS e")
        df.write.format("avro").save(tmp + "/t")
        return spark.read.format("avro").load(tmp + "/t")
    oracle.check(program, error="EMPTY_SCHEMA_NOT_SUPPORTED_FOR_DATASOURCE")



def test_corrupt_files(oracle):
    """A file that is not Avro fails the read (Spark: a task failure without an error class;
    Spate: FAILED_READ_FILE.NO_HINT naming the file); ignoreCorruptFiles skips it."""
    def write(spark, tmp):
        spark.range(3).write.format("avro").save(tmp + "/t")
        with open(tmp + "/t/part-bad.avro", "wb") as f:
            f.write(b"Obj\x01garbage")

    def failing(sql, spark, tmp):
        write(spark, tmp)
        return spark.read.format("avro").load(tmp + "/t")
    got, want = oracle.outcomes(failing)
    assert isinstance(want, Failure) and isinstance(got, Failure) and "part-bad.avro" in got.message

    def skipping(sql, spark, tmp):
        write(spark, tmp)
        return spark.read.format("avro").option("ignoreCorruptFiles", "true").load(tmp + "/t")
    oracle.check(skipping)


def test_codec_setting_and_option(oracle):
    """spark.sql.avro.compression.codec picks the codec of the files, the compression option
    wins over it; the codec is what fastavro finds in each file's header."""
    def program(sql, spark, tmp):
        codecs = []
        spark.conf.set("spark.sql.avro.compression.codec", "deflate")
        try:
            spark.range(3).write.format("avro").save(tmp + "/a")
            spark.range(3).write.format("avro").option("compression", "uncompressed").save(tmp + "/b")
        finally:
            spark.conf.unset("spark.sql.avro.compression.codec")
        spark.range(3).write.format("avro").save(tmp + "/c")
        for folder in ("a", "b", "c"):
            for name in sorted(glob.glob("%s/%s/*.avro" % (tmp, folder)))[:1]:
                with open(name, "rb") as fh:
                    codecs.append(fastavro.reader(fh).codec)
        return codecs
    assert oracle.check(program) == ["deflate", "null", "snappy"]


@pytest.mark.parametrize("codec", ["bzip2", "xz"])
def test_bzip2_and_xz_files_across_engines(oracle, tmp_path, codec):
    """bzip2 and xz files PySpark writes (the compression option) are read by Spate as PySpark
    reads them, and Spate's (spark.sql.avro.compression.codec) by PySpark and by fastavro,
    whose header names the codec."""
    theirs, ours = str(tmp_path / "theirs"), str(tmp_path / "ours")
    rows(oracle.pyspark.spark).write.format("avro").option("compression", codec).save(theirs)
    got = oracle.spate.spark.read.format("avro").load(theirs)
    want = oracle.pyspark.spark.read.format("avro").load(theirs)
    why = difference(_frame(got), _frame(want))
    assert why is None, why

    spate = oracle.spate.spark
    spate.conf.set("spark.sql.avro.compression.codec", codec)
    try:
        rows(spate).union(spate.range(5, 9000).selectExpr(*COLUMNS)).write.format("avro").save(ours)
    finally:
        spate.conf.unset("spark.sql.avro.compression.codec")
    got = oracle.pyspark.spark.read.format("avro").load(ours)
    want = spate.read.format("avro").load(ours)
    why = difference(_frame(got), _frame(want))
    assert why is None, why
    count = 0
    for name in glob.glob(ours + "/*.avro"):
        with open(name, "rb") as fh:
            reader = fastavro.reader(fh)
            assert reader.codec == codec
            count += sum(1 for _ in reader)
    assert count == 9000


def test_xz_level_setting(oracle):
    """spark.sql.avro.xz.level sets xz's preset; the files read back the same."""
    def program(sql, spark, tmp):
        spark.conf.set("spark.sql.avro.xz.level", "1")
        try:
            spark.range(100).write.format("avro").option("compression", "xz").save(tmp + "/t")
        finally:
            spark.conf.unset("spark.sql.avro.xz.level")
        return spark.read.format("avro").load(tmp + "/t")
    oracle.check(program)


# A linked list: a record that holds itself through a nullable union.
LINKED = {"type": "record", "name": "Node", "fields": [
    {"name": "v", "type": "int"}, {"name": "next", "type": ["null", "Node"], "default": None}]}


def linked(n):
    node = None
    for v in range(n, 0, -1):
        node = {"v": v, "next": node}
    return node


@pytest.mark.parametrize("depth", ["1", "2", "4"])
def test_recursive_field_max_depth_of_avro_files(oracle, tmp_path, depth):
    """format("avro") reads a file whose schema is recursive with recursiveFieldMaxDepth as
    spark-avro 4.1 does: the record unrolled that many times, the field past it left out."""
    folder = tmp_path / "rec"
    folder.mkdir()
    with open(folder / "list.avro", "wb") as fh:
        fastavro.writer(fh, fastavro.parse_schema(LINKED), [linked(1), linked(3), linked(6)])
    got = oracle.spate.spark.read.format("avro").option("recursiveFieldMaxDepth", depth).load(str(folder))
    want = oracle.pyspark.spark.read.format("avro").option("recursiveFieldMaxDepth", depth).load(str(folder))
    why = difference(_frame(got), _frame(want))
    assert why is None, why


def test_recursive_avro_file_is_refused_without_depth(oracle, tmp_path):
    folder = tmp_path / "rec"
    folder.mkdir()
    with open(folder / "list.avro", "wb") as fh:
        fastavro.writer(fh, fastavro.parse_schema(LINKED), [linked(2)])
    with pytest.raises(Exception, match="recursiveFieldMaxDepth"):
        oracle.spate.spark.read.format("avro").load(str(folder)).collect()
    with pytest.raises(Exception):
        oracle.pyspark.spark.read.format("avro").load(str(folder)).collect()
