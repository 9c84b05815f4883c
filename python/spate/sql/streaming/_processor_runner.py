"""The adapter between the engine's transformWithState operator and a Python
``StatefulProcessor``: the engine calls it once per grouping key (holding the GIL), with the
key's rows as Arrow; it calls the user's methods as PySpark does and returns the output rows
as Arrow, or the traceback of the user's exception."""

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
        self.processor.init(StatefulProcessorHandle(native_handle, self.tz))

    def close(self) -> None:
        self.processor.close()

    def _table(self, capsules: Tuple[Any, Any]) -> pa.Table:
        return pa.Table.from_batches([pa.RecordBatch._import_from_c_capsule(*capsules)])

    def _key(self, capsules: Tuple[Any, Any]) -> tuple:
        return tuple(arrow_to_rows(self._table(capsules), self.key_schema, self.tz)[0])

    def handle_input_rows(self, key: Tuple[Any, Any], rows: Tuple[Any, Any], processing_ms: int,
                          watermark_ms: int) -> Any:
        try:
            table = self._table(rows)
            if self.pandas:
                data: Any = iter([arrow_to_pandas(table, self.input_schema, self.tz)])
            else:
                data = iter(arrow_to_rows(table, self.input_schema, self.tz))
            out = self.processor.handleInputRows(self._key(key), data, TimerValues(processing_ms, watermark_ms))
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
            out = self.processor.handleExpiredTimer(key=self._key(key),
                                                    timerValues=TimerValues(processing_ms, watermark_ms),
                                                    expiredTimerInfo=ExpiredTimerInfo(expiry_ms))
            return self._output(out)
        except Exception:  # noqa: BLE001
            return traceback.format_exc()

    def _output(self, out: Any) -> Optional[Tuple[Any, Any]]:
        if out is None:
            return None
        rows: List[Any] = []
        if self.pandas:
            for pdf in out:
                cells = pdf[[f.name for f in self.output_schema.fields]].itertuples(index=False, name=None)
                rows += [tuple(_plain(v) for v in r) for r in cells]
        else:
            rows = list(out)
        if not rows:
            return None
        return self.output.batch(rows).__arrow_c_array__()


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
