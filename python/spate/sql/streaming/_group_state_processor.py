"""``applyInPandasWithState`` on the transformWithState operator: a ``StatefulProcessor`` that
keeps a key's ``GroupState`` value in one value state (``groupState``) and its timeout in one
timer, and calls the user's function as PySpark does.

A timeout of T is the timer T + 1: Spark times a key out when its timeout is before (not at)
the batch's processing time or watermark, and the operator fires timers at or before them."""

from __future__ import annotations

from typing import Any, Iterator, List, Optional

from spate.errors import PySparkRuntimeError, PySparkTypeError, _raise
from spate.sql.streaming.state import GroupState, GroupStateTimeout
from spate.sql.streaming.stateful_processor import StatefulProcessor, TimerValues
from spate.sql.types import StructType

STATE_NAME = "groupState"


class GroupStateProcessor(StatefulProcessor):
    """Calls ``func(key, pdfs, state)`` once per key of a batch, and once per key whose timeout
    passed (with one empty DataFrame of the input's columns), then writes the state back as
    Spark's FlatMapGroupsInPandasWithStateExec does."""

    def __init__(self, func: Any, state_schema: StructType, timeout_conf: str,
                 input_columns: List[str], output_schema: StructType, watermark_present: bool) -> None:
        self.func = func
        self.state_schema = state_schema
        self.timeout_conf = timeout_conf
        self.input_columns = input_columns
        self.output_width = len(output_schema.fields)
        self.watermark_present = watermark_present

    def init(self, handle: Any) -> None:
        self.handle = handle
        self.value = handle.getValueState(STATE_NAME, self.state_schema)

    def handleInputRows(self, key: Any, rows: Iterator[Any], timerValues: TimerValues) -> Iterator[Any]:
        return self._call(key, rows, timerValues, fired=None)

    def handleExpiredTimer(self, key: Any, timerValues: TimerValues, expiredTimerInfo: Any) -> Iterator[Any]:
        import pandas as pd
        return self._call(key, iter([pd.DataFrame(columns=self.input_columns)]), timerValues,
                          fired=expiredTimerInfo.getExpiryTimeInMs())

    def _call(self, key: Any, pdfs: Iterator[Any], clocks: TimerValues, fired: Optional[int]) -> Iterator[Any]:
        """Calls the function; `fired`: the expiry of the timer that timed the key out (the
        operator deleted it before this call), None for a call with rows."""
        timed_out = fired is not None
        state = GroupState(self.value.get(), clocks.getCurrentProcessingTimeInMs(),
                           clocks.getCurrentWatermarkInMs(), self.timeout_conf, timed_out,
                           self.watermark_present)
        out = self.func(key, pdfs, state)
        frames = [self._checked(pdf) for pdf in _iterable(out)]  # the function runs to its end first
        frames = [pdf for pdf in frames if len(pdf)]
        self._write(state, fired)
        return iter(frames)

    def _write(self, state: GroupState, fired: Optional[int]) -> None:
        """Spark's rule: a removed state without a timeout goes; a state that was updated,
        removed, or given a timeout is written with that timeout (none clears the old one);
        otherwise the key keeps its state and its timeout: a timed-out call that left both
        alone times out again in the next batch."""
        timeout = state._timeout_timestamp
        if state._removed and timeout == GroupState.NO_TIMESTAMP:
            self.value.clear()
            self._set_timeout(None)
        elif state._updated or state._removed or timeout != GroupState.NO_TIMESTAMP:
            if state.exists:
                self.value.update(state.get)
            else:
                self.value.clear()
            self._set_timeout(None if timeout == GroupState.NO_TIMESTAMP else timeout)
        elif fired is not None:
            self.handle.registerTimer(fired)

    def _set_timeout(self, timeout_ms: Optional[int]) -> None:
        if self.timeout_conf == GroupStateTimeout.NoTimeout:
            return  # no timers (and a timeout cannot be set)
        for expiry in list(self.handle.listTimers()):
            self.handle.deleteTimer(expiry)
        if timeout_ms is not None:
            self.handle.registerTimer(timeout_ms + 1)

    def _checked(self, pdf: Any) -> Any:
        import pandas as pd
        if not isinstance(pdf, pd.DataFrame):
            _raise(PySparkTypeError, "UDF_RETURN_TYPE", "Return type of the user-defined function "
                   "should be iterator of pandas.DataFrame, but is iterator of %s." % type(pdf).__name__)
        if not (len(pdf.columns) == self.output_width or (len(pdf.columns) == 0 and pdf.empty)):
            _raise(PySparkRuntimeError, "RESULT_COLUMN_SCHEMA_MISMATCH",
                   "Number of columns of the returned pandas.DataFrame doesn't match specified "
                   "schema. Expected: %d Actual: %d" % (self.output_width, len(pdf.columns)))
        return pdf


def _iterable(out: Any) -> Iterator[Any]:
    import pandas as pd
    if isinstance(out, pd.DataFrame):
        _raise(PySparkTypeError, "UDF_RETURN_TYPE", "Return type of the user-defined function should "
               "be iterable of pandas.DataFrame, but is DataFrame.")
    try:
        return iter(out)
    except TypeError:
        _raise(PySparkTypeError, "UDF_RETURN_TYPE", "Return type of the user-defined function should "
               "be iterable, but is %s." % type(out).__name__)
    return iter([])
