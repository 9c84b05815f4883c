"""Data crossing between Spate and pyarrow/pandas, and the batch DataFrame of
foreachBatch used with writers and converters."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

TIMEOUT = 120


def _data_address(table, column):
    [chunk] = table.column(column).chunks
    return chunk.buffers()[1].address


def test_arrow_round_trip_shares_the_buffers(spark):
    # createDataFrame(pyarrow.Table) and toArrow() / __arrow_c_stream__ hand over the
    # same Arrow buffers: the values are not copied either way.
    source = pa.table({"x": pa.array(range(1000), pa.int64()), "y": pa.array([1.5] * 1000)})
    df = spark.createDataFrame(source)
    out = df.toArrow()
    assert out.equals(source)
    assert _data_address(out, "x") == _data_address(source, "x")
    streamed = pa.RecordBatchReader.from_stream(df).read_all()
    assert _data_address(streamed, "y") == _data_address(source, "y")


def test_create_data_frame_from_rows_and_tuples_with_a_schema(spark):
    from spate.sql import Row
    from spate.sql.types import IntegerType, StringType, StructField, StructType
    struct = StructType([StructField("id", IntegerType()), StructField("name", StringType())])
    from_rows = spark.createDataFrame([Row(id=1, name="a"), Row(id=2, name=None)], struct)
    from_tuples = spark.createDataFrame([(1, "a"), (2, None)], "id INT, name STRING")
    assert from_rows.schema == from_tuples.schema == struct
    assert from_rows.collect() == from_tuples.collect() == [Row(id=1, name="a"), Row(id=2, name=None)]


def test_foreach_batch_writes_saves_tables_and_converts(spark, tmp_path):
    pd = pytest.importorskip("pandas")
    spark.conf.set("spark.sql.warehouse.dir", str(tmp_path / "warehouse"))
    seen = {}

    def handle(batch_df, batch_id):
        batch_df.write.format("parquet").mode("append").save(str(tmp_path / "out"))
        batch_df.write.mode("append").saveAsTable("fb_saved")
        counts = batch_df.groupBy("parity").count()
        counts.write.mode("overwrite").saveAsTable("fb_counts")
        seen["pandas"] = batch_df.toPandas()

    stream = (spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 4).load()
              .selectExpr("value", "value % 2 AS parity"))
    try:
        q = (stream.writeStream.foreachBatch(handle).trigger(once=True)
             .option("checkpointLocation", str(tmp_path / "cp")).start())
        assert q.awaitTermination(TIMEOUT) is True
        assert q.exception() is None
        written = pq.read_table(str(tmp_path / "out")).sort_by("value")
        assert written.column("value").to_pylist() == [0, 1, 2, 3]
        assert sorted(r.value for r in spark.table("fb_saved").collect()) == [0, 1, 2, 3]
        assert sorted(tuple(r) for r in spark.table("fb_counts").collect()) == [(0, 2), (1, 2)]
        pdf = seen["pandas"]
        assert isinstance(pdf, pd.DataFrame)
        assert sorted(pdf["value"].tolist()) == [0, 1, 2, 3]
    finally:
        spark.sql("DROP TABLE IF EXISTS fb_saved")
        spark.sql("DROP TABLE IF EXISTS fb_counts")
        spark.conf.unset("spark.sql.warehouse.dir")
