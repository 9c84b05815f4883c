"""The name a transformWithState operator records in its checkpoint across a restart. A new
checkpoint records PySpark's name for the API (transformWithStateInPySparkExec here; the
names themselves are compared with PySpark in differential/test_transform_with_state_metrics.py).
A checkpoint written before Spate named the APIs apart records transformWithStateExec for
every one of them: its restart keeps that name and finds its state."""

import json
import zlib

from spate.sql import Row
from spate.sql.streaming import StatefulProcessor

TIMEOUT = 120


class RunningCount(StatefulProcessor):
    def init(self, handle):
        self.count = handle.getValueState("count", "n BIGINT")

    def handleInputRows(self, key, rows, timerValues):
        n = (self.count.get() or (0,))[0] + len(list(rows))
        self.count.update((n,))
        yield Row(k=key[0], n=n)


def run(spark, folder, checkpoint, rows, batch):
    """Adds a file of `rows` and runs the query to its end; the batch's rows and the operator
    name of its progress and of the checkpoint's metadata."""
    with open(folder / ("%03d.json" % batch), "w") as out:
        for k in rows:
            out.write(json.dumps({"k": k}) + "\n")
    seen = []
    out = (spark.readStream.schema("k STRING").json(str(folder)).groupBy("k")
           .transformWithState(RunningCount(), "k STRING, n BIGINT", "Update", "None"))
    query = (out.writeStream.outputMode("update").option("checkpointLocation", str(checkpoint))
             .foreachBatch(lambda df, _: seen.extend(sorted((r.k, r.n) for r in df.collect())))
             .trigger(availableNow=True).start())
    assert query.awaitTermination(TIMEOUT)
    metadata = json.loads((checkpoint / "state" / "0" / "_metadata" / "metadata").read_text().split("\n", 1)[1])
    return seen, query.lastProgress["stateOperators"][0]["operatorName"], metadata["operatorInfo"]["operatorName"]


def test_a_new_checkpoint_records_the_apis_name(spark, tmp_path):
    folder, checkpoint = tmp_path / "in", tmp_path / "cp"
    folder.mkdir()
    assert run(spark, folder, checkpoint, ["a", "a"], 0) == (
        [("a", 2)], "transformWithStateInPySparkExec", "transformWithStateInPySparkExec")
    assert run(spark, folder, checkpoint, ["a", "b"], 1) == (
        [("a", 3), ("b", 1)], "transformWithStateInPySparkExec", "transformWithStateInPySparkExec")


def test_an_earlier_checkpoint_keeps_its_name_and_its_state(spark, tmp_path):
    folder, checkpoint = tmp_path / "in", tmp_path / "cp"
    folder.mkdir()
    run(spark, folder, checkpoint, ["a", "a"], 0)
    metadata = checkpoint / "state" / "0" / "_metadata" / "metadata"
    earlier = metadata.read_bytes().replace(b"transformWithStateInPySparkExec", b"transformWithStateExec")
    metadata.write_bytes(earlier)  # with its checksum, as Spate writes it
    (metadata.parent / ".metadata.checksum").write_text("v1 crc32=%08x size=%d\n" % (zlib.crc32(earlier), len(earlier)))
    assert run(spark, folder, checkpoint, ["a", "b"], 1) == (
        [("a", 3), ("b", 1)], "transformWithStateExec", "transformWithStateExec")
