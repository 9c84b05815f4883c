"""spark.read / df.write and tables through spate.sql, with PySpark's names and behaviour."""

import datetime as dt
import os

import pyarrow.parquet as pq
import pytest

from spate.errors import AnalysisException


@pytest.fixture
def people(spark):
    return spark.createDataFrame(
        [(1, "ann", "eng", dt.datetime(2024, 1, 1, 12, 0)), (2, "bob", None, None), (3, None, "ops", None)],
        "id INT, name STRING, dept STRING, ts TIMESTAMP")


def test_parquet_round_trip_and_pyarrow_reads_it(spark, people, tmp_path):
    path = str(tmp_path / "people")
    people.write.parquet(path)
    files = [f for f in os.listdir(path) if f.endswith(".parquet")]
    assert files and all(f.startswith("part-") for f in files)
    assert os.path.exists(os.path.join(path, "_SUCCESS"))
    back = spark.read.parquet(path).orderBy("id")
    assert back.collect() == people.orderBy("id").collect()
    assert sorted(pq.read_table(path).column("id").to_pylist()) == [1, 2, 3]


def test_save_modes(spark, people, tmp_path):
    path = str(tmp_path / "modes")
    people.write.format("json").save(path)
    with pytest.raises(AnalysisException) as info:
        people.write.format("json").save(path)
    assert info.value.getErrorClass() == "PATH_ALREADY_EXISTS"
    people.write.mode("ignore").json(path)  # leaves the data alone
    assert spark.read.schema("id INT, name STRING").json(path).count() == 3
    people.write.mode("append").json(path)
    assert spark.read.schema("id INT, name STRING").json(path).count() == 6
    people.limit(1).write.mode("overwrite").json(path)
    assert spark.read.schema("id INT, name STRING").json(path).count() == 1


def test_csv_header_infer_schema_and_partitioning(spark, people, tmp_path):
    path = str(tmp_path / "csv")
    people.select("id", "name", "dept").write.partitionBy("dept").option("header", True).csv(path)
    assert sorted(d for d in os.listdir(path) if d.startswith("dept=")) == [
        "dept=__HIVE_DEFAULT_PARTITION__", "dept=eng", "dept=ops"]
    back = spark.read.option("header", True).option("inferSchema", True).csv(path)
    assert back.columns == ["id", "name", "dept"]
    assert dict(back.dtypes)["id"] == "int"
    assert sorted((r.id, r.dept) for r in back.collect()) == [(1, "eng"), (2, None), (3, "ops")]


def test_text_and_missing_paths(spark, tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("a\nbb\n")
    assert [r.value for r in spark.read.text(str(path)).collect()] == ["a", "bb"]
    with pytest.raises(AnalysisException) as info:
        spark.read.parquet(str(tmp_path / "nope"))
    assert info.value.getErrorClass() == "PATH_NOT_FOUND"


def test_save_as_table_and_sql(spark, people, tmp_path):
    spark.conf.set("spark.sql.warehouse.dir", str(tmp_path / "warehouse"))
    try:
        people.write.saveAsTable("people_tbl")
        assert spark.table("people_tbl").count() == 3
        assert spark.read.table("people_tbl").count() == 3
        people.limit(1).write.mode("append").saveAsTable("people_tbl")
        assert spark.sql("SELECT count(*) AS n FROM people_tbl").collect()[0].n == 4
        names = [r.tableName for r in spark.sql("SHOW TABLES").collect()]
        assert "people_tbl" in names
        with pytest.raises(AnalysisException) as info:
            people.write.saveAsTable("people_tbl")
        assert info.value.getErrorClass() == "TABLE_OR_VIEW_ALREADY_EXISTS"
    finally:
        spark.sql("DROP TABLE IF EXISTS people_tbl")
