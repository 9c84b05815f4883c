"""The streaming file source and file sink from Python: readStream.json/csv/text/parquet,
writeStream to a folder and to a managed table, and Spark's errors."""

import json
import os

import pytest

from spate.errors import AnalysisException, IllegalArgumentException
from spate.sql import functions as f

TIMEOUT = 120


def read_parquet_folder(spark, path, schema, checkpoint):
    """The rows of a Parquet folder a file sink wrote: spark.read.parquet where the Python batch
    reader exists, else the same `_spark_metadata`-aware listing through a file stream."""
    if hasattr(spark, "read"):
        return spark.read.parquet(str(path)).collect()
    name = "read_back_%d" % abs(hash(str(checkpoint)))
    q = (spark.readStream.schema(schema).parquet(str(path)).writeStream.format("memory")
         .queryName(name).trigger(availableNow=True)
         .option("checkpointLocation", str(checkpoint)).start())
    assert q.awaitTermination(120) is True
    return spark.sql("SELECT * FROM %s" % name).collect()


def write_json(folder, name, ids):
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / name, "w") as out:
        for i in ids:
            out.write(json.dumps({"id": i, "name": "n%d" % i}) + "\n")


def run_available_now(writer, checkpoint, path=None):
    q = (writer.trigger(availableNow=True).option("checkpointLocation", str(checkpoint))
         .start(None if path is None else str(path)))
    assert q.awaitTermination(TIMEOUT) is True
    assert q.exception() is None
    return q


def test_json_folder_to_parquet_folder(spark, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write_json(src, "a.json", range(0, 5))
    write_json(src, "b.json", range(5, 8))
    stream = spark.readStream.json(str(src), schema="id INT, name STRING")
    assert stream.isStreaming and stream.columns == ["id", "name"]
    writer = stream.select((f.col("id") * 10).alias("x")).writeStream.format("parquet")
    q = run_available_now(writer.option("maxFilesPerTrigger", 1), tmp_path / "cp", out)
    assert os.path.exists(out / "_spark_metadata" / "0")
    rows = sorted(r.x for r in read_parquet_folder(spark, out, "x INT", tmp_path / "r1"))
    assert rows == [i * 10 for i in range(8)]
    assert q.lastProgress is not None

    # A restart reads only the new file.
    write_json(src, "c.json", [8])
    writer = stream.select((f.col("id") * 10).alias("x")).writeStream.format("parquet")
    run_available_now(writer, tmp_path / "cp", out)
    rows = sorted(r.x for r in read_parquet_folder(spark, out, "x INT", tmp_path / "r2"))
    assert rows == [i * 10 for i in range(9)]


def test_csv_and_text_sources(spark, tmp_path):
    src = tmp_path / "csv"
    src.mkdir()
    (src / "1.csv").write_text("id,name\n1,a\n2,b\n")
    stream = spark.readStream.option("header", True).csv(str(src), schema="id INT, name STRING")
    run_available_now(stream.writeStream.format("memory").queryName("csv_rows"), tmp_path / "cp1")
    assert sorted(tuple(r) for r in spark.sql("SELECT * FROM csv_rows").collect()) == [(1, "a"), (2, "b")]

    txt = tmp_path / "txt"
    txt.mkdir()
    (txt / "1.txt").write_text("hello\nworld\n")
    lines = spark.readStream.text(str(txt))
    assert lines.columns == ["value"]
    run_available_now(lines.writeStream.format("memory").queryName("txt_rows"), tmp_path / "cp2")
    assert sorted(r.value for r in spark.sql("SELECT * FROM txt_rows").collect()) == ["hello", "world"]


def test_to_table(spark, tmp_path):
    src = tmp_path / "in"
    write_json(src, "a.json", range(3))
    stream = spark.readStream.schema("id INT, name STRING").json(str(src))
    q = (stream.writeStream.trigger(availableNow=True)
         .option("checkpointLocation", str(tmp_path / "cp")).toTable("file_stream_table"))
    assert q.awaitTermination(TIMEOUT) is True
    try:
        assert sorted(r.id for r in spark.table("file_stream_table").collect()) == [0, 1, 2]
    finally:
        spark.sql("DROP TABLE IF EXISTS file_stream_table")


def test_file_stream_errors(spark, tmp_path):
    with pytest.raises(IllegalArgumentException, match="Schema must be specified"):
        spark.readStream.json(str(tmp_path))
    with pytest.raises(IllegalArgumentException, match="'maxFilesPerTrigger', must be a positive"):
        spark.readStream.option("maxFilesPerTrigger", 0).json(str(tmp_path), schema="a INT")
    stream = spark.readStream.text(str(tmp_path))
    with pytest.raises(AnalysisException, match="does not support Complete output mode"):
        (stream.groupBy("value").count().writeStream.format("json").outputMode("complete")
         .option("checkpointLocation", str(tmp_path / "cp")).start(str(tmp_path / "out")))
