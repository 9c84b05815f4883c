"""The adapter between the engine's transformWithState operator and a Python
``StatefulProcessor``: the engine calls it (holding the GIL) once for all grouping keys of a
batch's input, with the keys' rows as Arrow, then once per expired timer; it calls the user's
methods as PySpark does and returns the output rows as Arrow, or the traceback of the user's
exception. The input's rows are converted once for all keys, and the output rows once."""

from __future__ import annotations

import traceback
from typing import Any, List, Optional, Tuple

import pyarrow as pa

from spate.sql._conversion import arrow_to_pandas, arrow_to_rows
from spate.sql.streaming.stateful_processor import (
    ExpiredTimerInfo, StatefulProcessor, StatefulProcessorHandle, TimerValues, _RowWriter,
)
from spate.sql.types import StructType


class ProcessorRunner:
    """Runs ``processor`` for the engine; ``pandas`` selects transformWithStateInPandas's
    calling convention (iterators of pandas DataFrames) over transformWithState's (Rows)."""

    def __init__(self, processor: StatefulProcessor, input_schema: StructType, key_schema: StructType,
                 output_schema: StructType, tz: Any, pandas: bool,
                 initial_schema: Optional[StructType] = None) -> None:
        self.processor = processor
        self.input_schema = input_schema
        self.initial_schema = initial_schema
        self.key_schema = key_schema
        self.output_schema = output_schema
        self.output = _RowWriter(output_schema, tz)
        self.tz = tz
        self.pandas = pandas

    def __call__(self) -> None:  # the engine holds it as a callable object
        pass

    def init(self, native_handle: Any) -> None:
        self.native = native_handle
        self.processor.init(StatefulProcessorHandle(native_handle, self.tz))

    def close(self) -> None:
        self.processor.close()

    def _table(self, capsules: Tuple[Any, Any]) -> pa.Table:
        return pa.Table.from_batches([pa.RecordBatch._import_from_c_capsule(*capsules)])

    def _keys(self, capsules: Tuple[Any, Any]) -> List[tuple]:
        return [tuple(row) for row in arrow_to_rows(self._table(capsules), self.key_schema, self.tz)]

    def _key(self, capsules: Tuple[Any, Any]) -> tuple:
        return self._keys(capsules)[0]

    def handle_input_groups(self, keys: Tuple[Any, Any], rows: Tuple[Any, Any], offsets: List[int],
                            processing_ms: int, watermark_ms: int) -> Any:
        """One ``handleInputRows`` call per key, in order: key k's rows are rows offsets[k] to
        offsets[k + 1]; the handle is pointed at each key before its call."""
        try:
            table = self._table(rows)
            if self.pandas:
                frame = arrow_to_pandas(table, self.input_schema, self.tz)

                def rows_of(begin: int, end: int) -> Any:
                    return iter([frame.iloc[begin:end].reset_index(drop=True)])
            else:
                all_rows = arrow_to_rows(table, self.input_schema, self.tz)

                def rows_of(begin: int, end: int) -> Any:
                    return iter(all_rows[begin:end])
            timers = TimerValues(processing_ms, watermark_ms)
            out: List[Any] = []
            for k, key in enumerate(self._keys(keys)):
                self.native.select_key(k)
                self._collect(self.processor.handleInputRows(key, rows_of(offsets[k], offsets[k + 1]), timers), out)
            return self._output(out)
        except Exception:  # noqa: BLE001 - the engine reports it as PySpark's PythonException
            return traceback.format_exc()

    def handle_initial_state(self, key: Tuple[Any, Any], rows: Tuple[Any, Any], processing_ms: int,
                             watermark_ms: int) -> Any:
        """The key's rows of the initial state: one ``handleInitialState`` call per row, as
        PySpark's Row form, or one with a pandas DataFrame of them all."""
        try:
            table = self._table(rows)
            key_values, timers = self._key(key), TimerValues(processing_ms, watermark_ms)
            if self.pandas:
                self.processor.handleInitialState(
                    key_values, arrow_to_pandas(table, self.initial_schema, self.tz), timers)
            else:
                for row in arrow_to_rows(table, self.initial_schema, self.tz):
                    self.processor.handleInitialState(key_values, row, timers)
            return None
        except Exception:  # noqa: BLE001
            return traceback.format_exc()

    def handle_expired_timer(self, key: Tuple[Any, Any], processing_ms: int, watermark_ms: int,
                             expiry_ms: int) -> Any:
        try:
            out: List[Any] = []
            self._collect(self.processor.handleExpiredTimer(key=self._key(key),
                                                            timerValues=TimerValues(processing_ms, watermark_ms),
                                                            expiredTimerInfo=ExpiredTimerInfo(expiry_ms)), out)
            return self._output(out)
        except Exception:  # noqa: BLE001
            return traceback.format_exc()

    def _collect(self, returned: Any, out: List[Any]) -> None:
        """Adds what a call returned (an iterator of Rows or of pandas DataFrames) to ``out``."""
        if returned is not None:
            out.extend(returned)

    def _output(self, out: List[Any]) -> Optional[Tuple[Any, Any]]:
        """The rows (or pandas DataFrames) of the calls as one Arrow batch."""
        if self.pandas:
            out = _pandas_rows(out, self.output_schema.fieldNames())
        if not out:
            return None
        return self.output.batch(out).__arrow_c_array__()


def _pandas_rows(frames: List[Any], names: List[str]) -> List[tuple]:
    """The rows of the DataFrames' columns ``names``, in order, as tuples of plain values.
    Each frame keeps its own dtypes (a concat would widen an int column next to a float one)."""
    rows: List[tuple] = []
    for pdf in frames:
        columns = [[_plain(v) for v in pdf[name].tolist()] for name in names]
        rows.extend(zip(*columns))
    return rows


def _plain(value: Any) -> Any:
    """A pandas cell as a plain Python value (NaN and NaT: None)."""
    import pandas as pd
    if isinstance(value, (list, tuple, dict)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return value
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value.item() if hasattr(value, "item") else value
