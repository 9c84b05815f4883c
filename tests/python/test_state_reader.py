"""spark.read.format("statestore"): a checkpoint's state as a DataFrame, as Spark 4's state data source.

The checkpoint is written byte by byte here, in the documented layout
(docs/checkpoint-format.md): a commits/ entry, the state schema file and the
HDFS-backed provider's delta files."""

import json
import os
import struct

import pytest

from spate.errors import AnalysisException

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
    with pytest.raises(AnalysisException) as info:
        spark.read.format("statestore").option("batchId", -1).load(checkpoint)
    assert info.value.getErrorClass() == "STDS_INVALID_OPTION_VALUE.IS_NEGATIVE"
    with pytest.raises(Exception) as info:
        spark.read.format("statestore").load(str(tmp_path / "nothing"))
    assert info.value.getErrorClass() == "STDS_COMMITTED_BATCH_UNAVAILABLE"
