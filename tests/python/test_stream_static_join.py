"""A stream-static join keeps its static side: the static rows are computed and their hash
table built in the first micro-batch, then reused while the static side's rows stay the same
(differential/test_stream_joins.py compares the rows with PySpark 4.1, which computes the
static side again in every micro-batch). A Python UDF on the static side counts how often
it runs."""

import json
import os

from spate.sql import functions as f


def write_batches(folder, batches):
    """One JSON file of `cad` values per micro-batch, in order."""
    os.makedirs(folder)
    for i, values in enumerate(batches):
        path = os.path.join(folder, "part-%03d.json" % i)
        with open(path, "w") as out:
            out.writelines(json.dumps({"cad": v}) + "\n" for v in values)
        os.utime(path, (1_700_000_000 + i * 10, 1_700_000_000 + i * 10))
    return folder


def run(join, checkpoint):
    batches = []
    query = (join.writeStream
             .foreachBatch(lambda df, batch_id: batches.append(sorted((tuple(r) for r in df.collect()), key=repr)))
             .option("checkpointLocation", checkpoint).trigger(availableNow=True).start())
    query.awaitTermination()
    assert query.exception() is None
    return batches


def counted_static_and_stream(spark, tmp_path):
    """Static rows k = 1..3 named by a UDF that records each call, and a stream of three
    micro-batches of `cad` values."""
    calls = []

    @f.udf("string")
    def label(k):
        calls.append(k)
        return "n%d" % k

    static = spark.createDataFrame([(1,), (2,), (3,)], "k INT").select("k", label("k").alias("name"))
    stream = spark.readStream.schema("cad INT").option("maxFilesPerTrigger", 1).json(
        write_batches(str(tmp_path / "in"), [[1, 4], [2], [3, 3, 5]]))
    return static, stream, calls


def test_the_static_side_runs_once(spark, tmp_path):
    static, stream, calls = counted_static_and_stream(spark, tmp_path)
    batches = run(stream.join(static, stream.cad == static.k, "left"), str(tmp_path / "cp"))
    assert batches == [[(1, 1, "n1"), (4, None, None)], [(2, 2, "n2")],
                       [(3, 3, "n3"), (3, 3, "n3"), (5, None, None)]]
    assert sorted(calls) == [1, 2, 3]  # once per static row, not once per micro-batch


def test_a_static_side_on_the_left_runs_once(spark, tmp_path):
    static, stream, calls = counted_static_and_stream(spark, tmp_path)
    right_outer = run(static.join(stream, static.k == stream.cad, "right"), str(tmp_path / "cp-right"))
    assert right_outer == [[(1, "n1", 1), (None, None, 4)], [(2, "n2", 2)],
                           [(3, "n3", 3), (3, "n3", 3), (None, None, 5)]]
    assert sorted(calls) == [1, 2, 3]  # once per static row, not once per micro-batch
    calls.clear()
    inner = run(static.join(stream, (static.k == stream.cad) & (stream.cad > 1)), str(tmp_path / "cp-inner"))
    assert inner == [[], [(2, "n2", 2)], [(3, "n3", 3), (3, "n3", 3)]]
    assert sorted(calls) == [1, 2, 3]


def test_a_changed_static_file_is_read_again(spark, tmp_path):
    static_dir = tmp_path / "static"
    static_dir.mkdir()
    (static_dir / "a.json").write_text(json.dumps({"k": 1, "name": "one"}) + "\n")
    static = spark.read.schema("k INT, name STRING").json(str(static_dir))
    stream = spark.readStream.schema("cad INT").option("maxFilesPerTrigger", 1).json(
        write_batches(str(tmp_path / "in"), [[1], [1], [1]]))
    batches = []

    def sink(df, batch_id):
        batches.append(sorted(tuple(r) for r in df.collect()))
        if batch_id == 1:
            (static_dir / "a.json").write_text(json.dumps({"k": 1, "name": "uno!"}) + "\n")

    query = (stream.join(static, stream.cad == static.k).writeStream.foreachBatch(sink)
             .option("checkpointLocation", str(tmp_path / "cp")).trigger(availableNow=True).start())
    query.awaitTermination()
    assert batches == [[(1, 1, "one")], [(1, 1, "one")], [(1, 1, "uno!")]]
