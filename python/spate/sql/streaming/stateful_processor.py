"""Arbitrary stateful processing, as ``pyspark.sql.streaming.stateful_processor``:
``StatefulProcessor``, ``StatefulProcessorHandle``, the state variables (``ValueState``,
``ListState``, ``MapState``), ``TimerValues`` and ``ExpiredTimerInfo``.

The engine calls a processor once per grouping key of each micro-batch, holding the GIL once
for all keys of the batch's input; state values cross to the engine's state stores as Arrow
rows. A state variable declared with ``ttlDurationMs`` (ProcessingTime mode) expires that long
after the batch that last updated it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import contextmanager
from typing import Any, Iterator, List, Optional, Tuple, Union

import pyarrow as pa

from spate.errors import PySparkException, PySparkRuntimeError
from spate.sql._conversion import _from_arrow_value, _to_arrow_value, row_values
from spate.sql.row import Row
from spate.sql.types import DataType, StructField, StructType, _parse_datatype_string

__all__ = ["StatefulProcessor", "StatefulProcessorHandle", "ValueState", "ListState", "MapState",
           "TimerValues", "ExpiredTimerInfo"]


def _struct(schema: Union[StructType, DataType, str]) -> StructType:
    """A state schema as a StructType: a DDL string or a type; a non-struct type is one column."""
    if isinstance(schema, str):
        schema = _parse_datatype_string(schema)
    if not isinstance(schema, StructType):
        schema = StructType([StructField("value", schema)])
    return schema


class _RowWriter:
    """Rows (tuples, Rows, dicts) of a schema as one Arrow record batch; the Arrow schema and
    the value conversions are worked out once, since a processor writes rows on every call.
    The rows convert as one struct array: one pyarrow call, not one per column."""

    def __init__(self, schema: StructType, tz: Any) -> None:
        self.names = schema.fieldNames()
        self.arrow = pa.schema(schema)
        self.struct = pa.struct(list(self.arrow))
        converters = [_to_arrow_value(f.dataType, tz) for f in schema.fields]
        self.converters = [(i, c) for i, c in enumerate(converters) if c is not None]

    def batch(self, rows: List[Any]) -> pa.RecordBatch:
        if not self.names:
            return pa.RecordBatch.from_arrays([], schema=self.arrow)
        values = [row_values(row, self.names) for row in rows]  # new lists
        for row in values:
            for i, convert in self.converters:
                if row[i] is not None:
                    row[i] = convert(row[i])
        return pa.RecordBatch.from_struct_array(pa.array([tuple(row) for row in values], type=self.struct))


class _Codec:
    """Tuples of a state schema to Arrow rows and back; the value conversions are worked out
    once, since state values cross on every call."""

    def __init__(self, schema: Union[StructType, DataType, str], tz: Any) -> None:
        self.schema = _struct(schema)
        self.writer = _RowWriter(self.schema, tz)
        self.readers = [_from_arrow_value(f.dataType, tz) for f in self.schema.fields]

    def to_capsules(self, values: List[Any]) -> Tuple[Any, Any]:
        rows = [tuple(v) if isinstance(v, (tuple, list)) else (v,) for v in values]
        return self.writer.batch(rows).__arrow_c_array__()

    def from_capsules(self, capsules: Optional[Tuple[Any, Any]]) -> List[tuple]:
        if capsules is None:
            return []
        batch = pa.RecordBatch._import_from_c_capsule(*capsules)
        if not self.readers:
            return [()] * batch.num_rows
        columns = []
        for column, read in zip(batch.columns, self.readers):
            values = column.to_pylist()
            columns.append(values if read is None else [None if v is None else read(v) for v in values])
        return list(zip(*columns))


class ValueState:
    """One value (a tuple of the state's columns) per grouping key."""

    def __init__(self, handle: Any, name: str, codec: _Codec) -> None:
        self._handle, self._name, self._codec = handle, name, codec

    def exists(self) -> bool:
        return self._handle._native.value_exists(self._name)

    def get(self) -> Optional[Tuple]:
        rows = self._codec.from_capsules(self._handle._native.value_get(self._name))
        return rows[0] if rows else None

    def update(self, newValue: Tuple) -> None:
        native = self._handle._native
        if not native.value_update_row(self._name, newValue, self._handle._tz):
            native.value_update(self._name, self._codec.to_capsules([newValue]))

    def clear(self) -> None:
        self._handle._native.value_clear(self._name)


@contextmanager
def _updating_list() -> Iterator[None]:
    """The engine's refusal of a list's put or appendList as PySpark raises it: a
    PySparkRuntimeError without an error class whose message quotes the state store's."""
    try:
        yield
    except PySparkException as e:
        raise PySparkRuntimeError("Error updating value state: " + str(e)) from None


class ListState:
    """A list of tuples per grouping key."""

    def __init__(self, handle: Any, name: str, codec: _Codec) -> None:
        self._handle, self._name, self._codec = handle, name, codec

    def exists(self) -> bool:
        return self._handle._native.list_exists(self._name)

    def get(self) -> Iterator[Tuple]:
        return iter(self._codec.from_capsules(self._handle._native.list_get(self._name)))

    def put(self, newState: List[Tuple]) -> None:
        """Replaces the list; an empty one is refused (clear() empties a list)."""
        values = self._codec.to_capsules(list(newState))
        with _updating_list():
            self._handle._native.list_put(self._name, values)

    def appendValue(self, newState: Tuple) -> None:
        self._handle._native.list_append(self._name, self._codec.to_capsules([newState]))

    def appendList(self, newState: List[Tuple]) -> None:
        """Adds the values at the end; an empty list is refused."""
        values = self._codec.to_capsules(list(newState))
        with _updating_list():
            self._handle._native.list_append(self._name, values)

    def clear(self) -> None:
        self._handle._native.list_clear(self._name)


class MapState:
    """A map from user keys to values (both tuples) per grouping key."""

    def __init__(self, handle: Any, name: str, keys: _Codec, values: _Codec) -> None:
        self._handle, self._name, self._keys, self._values = handle, name, keys, values

    def exists(self) -> bool:
        return self._handle._native.map_exists(self._name)

    def getValue(self, key: Tuple) -> Optional[Tuple]:
        rows = self._values.from_capsules(self._handle._native.map_get(self._name, self._keys.to_capsules([key])))
        return rows[0] if rows else None

    def containsKey(self, key: Tuple) -> bool:
        return self._handle._native.map_contains(self._name, self._keys.to_capsules([key]))

    def updateValue(self, key: Tuple, value: Tuple) -> None:
        self._handle._native.map_update(self._name, self._keys.to_capsules([key]),
                                        self._values.to_capsules([value]))

    def _entries(self) -> List[Tuple[Tuple, Tuple]]:
        keys, values = self._handle._native.map_entries(self._name)
        return list(zip(self._keys.from_capsules(keys), self._values.from_capsules(values)))

    def iterator(self) -> Iterator[Tuple[Tuple, Tuple]]:
        return iter(self._entries())

    def keys(self) -> Iterator[Tuple]:
        return iter([k for k, _ in self._entries()])

    def values(self) -> Iterator[Tuple]:
        return iter([v for _, v in self._entries()])

    def removeKey(self, key: Tuple) -> None:
        self._handle._native.map_remove(self._name, self._keys.to_capsules([key]))

    def clear(self) -> None:
        self._handle._native.map_clear(self._name)


class TimerValues:
    """The batch's clocks: processing time and the event-time watermark (-1 when the time
    mode has none)."""

    def __init__(self, currentProcessingTimeInMs: int = -1, currentWatermarkInMs: int = -1) -> None:
        self._current_processing_time_in_ms = currentProcessingTimeInMs
        self._current_watermark_in_ms = currentWatermarkInMs

    def getCurrentProcessingTimeInMs(self) -> int:
        return self._current_processing_time_in_ms

    def getCurrentWatermarkInMs(self) -> int:
        return self._current_watermark_in_ms


class ExpiredTimerInfo:
    """The timer that fired."""

    def __init__(self, expiryTimeInMs: int = -1) -> None:
        self._expiry_time_in_ms = expiryTimeInMs

    def getExpiryTimeInMs(self) -> int:
        return self._expiry_time_in_ms


class StatefulProcessorHandle:
    """What a processor declares its state variables and registers its timers through."""

    def __init__(self, native: Any, tz: Any) -> None:
        self._native = native
        self._tz = tz

    def getValueState(self, stateName: str, schema: Union[StructType, str],
                      ttlDurationMs: Optional[int] = None) -> ValueState:
        codec = _Codec(schema, self._tz)
        self._native.get_value_state(stateName, codec.schema.json(), _ttl(ttlDurationMs))
        return ValueState(self, stateName, codec)

    def getListState(self, stateName: str, schema: Union[StructType, str],
                     ttlDurationMs: Optional[int] = None) -> ListState:
        codec = _Codec(schema, self._tz)
        self._native.get_list_state(stateName, codec.schema.json(), _ttl(ttlDurationMs))
        return ListState(self, stateName, codec)

    def getMapState(self, stateName: str, userKeySchema: Union[StructType, str],
                    valueSchema: Union[StructType, str], ttlDurationMs: Optional[int] = None) -> MapState:
        keys, values = _Codec(userKeySchema, self._tz), _Codec(valueSchema, self._tz)
        self._native.get_map_state(stateName, keys.schema.json(), values.schema.json(), _ttl(ttlDurationMs))
        return MapState(self, stateName, keys, values)

    def registerTimer(self, expiryTimestampMs: int) -> None:
        self._native.register_timer(int(expiryTimestampMs))

    def deleteTimer(self, expiryTimestampMs: int) -> None:
        self._native.delete_timer(int(expiryTimestampMs))

    def listTimers(self) -> Iterator[int]:
        return iter(self._native.list_timers())

    def deleteIfExists(self, stateName: str) -> None:
        self._native.delete_if_exists(stateName)


def _ttl(ttl: Optional[int]) -> int:
    """A state variable's TTL for the engine: 0 is none (as Spark's TTLConfig)."""
    return 0 if ttl is None else int(ttl)


class StatefulProcessor(ABC):
    """The user's logic of ``groupBy(...).transformWithState(...)``: ``init`` declares the
    state variables, ``handleInputRows`` runs once per grouping key of a micro-batch with its
    rows, ``handleExpiredTimer`` once per expired timer, ``close`` at the end of the batch.
    With an ``initialState``, the query's first batch first calls ``handleInitialState`` per
    key of it: once per row (a ``Row``) or, with pandas, once with the key's rows."""

    @abstractmethod
    def init(self, handle: StatefulProcessorHandle) -> None:
        ...

    @abstractmethod
    def handleInputRows(self, key: Any, rows: Iterator[Row], timerValues: TimerValues) -> Iterator[Row]:
        ...

    def handleExpiredTimer(self, key: Any, timerValues: TimerValues,
                           expiredTimerInfo: ExpiredTimerInfo) -> Iterator[Row]:
        return iter([])

    def close(self) -> None:
        ...

    def handleInitialState(self, key: Any, initialState: Any, timerValues: TimerValues) -> None:
        pass
