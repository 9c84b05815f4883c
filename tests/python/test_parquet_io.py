"""Arrow data crosses between pyarrow and Spate's C++ Parquet reader/writer via
the Arrow C stream interface, and files written by one side read on the other."""

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from spate import _native
from spate.errors import SparkRuntimeException


class _Stream:
    """Holds an 'arrow_array_stream' capsule so pyarrow can import it."""

    def __init__(self, capsule):
        self._capsule = capsule

    def __arrow_c_stream__(self, requested_schema=None):
        return self._capsule


def _sample_table():
    return pa.table({
        "id": pa.array([1, 2, 3], pa.int64()),
        "name": pa.array(["a", None, "ccc"]),
        "amount": pa.array([Decimal("12.34"), None, Decimal("-0.01")], pa.decimal128(10, 2)),
        "ts": pa.array([dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.timezone.utc), None,
                        dt.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=dt.timezone.utc)],
                       pa.timestamp("us", tz="UTC")),
        "tags": pa.array([["x"], [], None], pa.list_(pa.string())),
        "loc": pa.array([{"lat": 1.0, "lon": 2.0}, None, {"lat": -3.5, "lon": None}]),
    })


def test_spate_writes_a_file_pyarrow_reads(tmp_path):
    table = _sample_table()
    path = str(tmp_path / "from_spate.parquet")
    _native.write_parquet(table.__arrow_c_stream__(), path)
    assert pq.read_table(path).equals(table)


def test_spate_reads_a_file_pyarrow_wrote(tmp_path):
    table = _sample_table()
    path = str(tmp_path / "from_pyarrow.parquet")
    pq.write_table(table, path)
    reader = pa.RecordBatchReader.from_stream(_Stream(_native.read_parquet(path)))
    assert reader.read_all().equals(table)


def test_missing_file_names_the_path(tmp_path):
    missing = str(tmp_path / "nope.parquet")
    with pytest.raises(SparkRuntimeException) as info:
        _native.read_parquet(missing)
    assert missing in str(info.value)
