"""spark.read.format("statestore"): a checkpoint's state as a DataFrame, as Spark 4's state data source.

The checkpoint is written byte by byte here, in the documented layout
(docs/checkpoint-format.md): a commits/ entry, the state schema file and the
HDFS-backed provider's delta files."""

import json
import os
import struct

import pytest

from spate.errors import SparkRuntimeException
from spate.sql import functions as f

KEY_SCHEMA = {"type": "struct", "fields": [{"name": "word", "type": "string", "nullable": True, "metadata": {}}]}
VALUE_SCHEMA = {"type": "struct", "fields": [{"name": "count", "type": "long", "nullable": True, "metadata": {}}]}


def _key(word):
    data = word.encode()
    return b"\x01" + struct.pack(">I", len(data)) + data  # present flag, length, bytes


def _value(count):
    return b"\x01" + struct.pack(">Q", (count + (1 << 63)) % (1 << 64))  # sign bit flipped, big-endian


def _delta(puts):
    out = b""
    for key, value in puts:
        out += struct.pack(">i", len(key)) + key + struct.pack(">i", len(value)) + value
    return out + struct.pack(">i", -1)


def _write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


@pytest.fixture
def checkpoint(tmp_path):
    root = str(tmp_path / "cp")
    schema = "v1\n" + json.dumps(KEY_SCHEMA, separators=(",", ":")) + "\n" + \
        json.dumps(VALUE_SCHEMA, separators=(",", ":")) + "\n"
    _write(os.path.join(root, "state", "0", "0", "_metadata", "schema"), schema.encode())
    # Batch 0 leaves version 1, batch 1 version 2 (partition 0); partition 1 only has batch 0.
    _write(os.path.join(root, "state", "0", "0", "1.delta"), _delta([(_key("a"), _value(2))]))
    _write(os.path.join(root, "state", "0", "0", "2.delta"), _delta([(_key("a"), _value(3)), (_key("c"), _value(1))]))
    _write(os.path.join(root, "state", "0", "1", "1.delta"), _delta([(_key("b"), _value(1))]))
    _write(os.path.join(root, "state", "0", "1", "2.delta"), _delta([]))
    for batch in (0, 1):
        _write(os.path.join(root, "commits", str(batch)), b'v1\n{"nextBatchWatermarkMs":0}')
    return root


def test_reads_state_after_last_committed_batch(spark, checkpoint):
    df = spark.read.format("statestore").load(checkpoint)
    assert df.columns == ["key", "value", "partition_id"]
    rows = sorted((r.key.word, r.value["count"], r.partition_id) for r in df.collect())
    assert rows == [("a", 3, 0), ("b", 1, 1), ("c", 1, 0)]


def test_batch_id_option(spark, checkpoint):
    df = spark.read.format("statestore").option("batchId", 0).option("operatorId", 0).load(checkpoint)
    assert sorted((r.key.word, r.value["count"]) for r in df.collect()) == [("a", 2), ("b", 1)]


def test_errors_have_sparks_classes(spark, checkpoint, tmp_path):
    with pytest.raises(SparkRuntimeException) as info:
        spark.read.format("statestore").option("batchId", -1).load(checkpoint)
    assert info.value.getErrorClass() == "STDS_INVALID_OPTION_VALUE.IS_NEGATIVE"
    with pytest.raises(Exception) as info:
        spark.read.format("statestore").load(str(tmp_path / "nothing"))
    assert info.value.getErrorClass() == "STDS_COMMITTED_BATCH_UNAVAILABLE"


def test_join_key_counts_are_not_kept(spark, tmp_path):
    """Spark's keyToNumValues stores (rows per join key) have no counterpart in Spate's join
    state: reading one names the store that holds the key's rows instead."""
    for side, row in (("l", '{"a": 1, "at": "2024-01-01T10:00:00"}'), ("r", '{"b": 1, "bt": "2024-01-01T10:01:00"}')):
        (tmp_path / side).mkdir()
        (tmp_path / side / "part-0.json").write_text(row + "\n")
    left = spark.readStream.schema("a INT, at TIMESTAMP").json(str(tmp_path / "l")).withWatermark("at", "1 hour")
    right = spark.readStream.schema("b INT, bt TIMESTAMP").json(str(tmp_path / "r")).withWatermark("bt", "1 hour")
    checkpoint = str(tmp_path / "cp")
    (left.join(right, f.expr("a = b AND bt >= at AND bt <= at + interval 5 minutes"), "left_outer")
     .writeStream.format("noop").option("checkpointLocation", checkpoint).trigger(availableNow=True)
     .start().awaitTermination())
    assert spark.read.format("statestore").option("joinSide", "right").load(checkpoint).columns == \
        ["key", "value", "partition_id"]
    with pytest.raises(SparkRuntimeException) as info:
        spark.read.format("statestore").option("storeName", "right-keyToNumValues").load(checkpoint).collect()
    assert info.value.getErrorClass() == "STDS_INVALID_OPTION_VALUE.WITH_MESSAGE"
    assert "right-keyWithIndexToValue" in str(info.value)
