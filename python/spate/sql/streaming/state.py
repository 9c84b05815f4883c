"""``GroupState`` and ``GroupStateTimeout``, as ``pyspark.sql.streaming.state``: the state of
one grouping key that ``groupBy(...).applyInPandasWithState(...)`` hands the user's function,
and the timeout kinds it can be asked for."""

from __future__ import annotations

import datetime
from typing import Any, Optional, Tuple

from spate.errors import PySparkRuntimeError, PySparkTypeError, PySparkValueError, _raise

__all__ = ["GroupState", "GroupStateTimeout"]


class GroupStateTimeout:
    """The timeouts of ``applyInPandasWithState``: none, processing time or event time."""

    NoTimeout: str = "NoTimeout"
    ProcessingTimeTimeout: str = "ProcessingTimeTimeout"
    EventTimeTimeout: str = "EventTimeTimeout"


_TIMEOUTS = (GroupStateTimeout.NoTimeout, GroupStateTimeout.ProcessingTimeTimeout,
             GroupStateTimeout.EventTimeTimeout)


class GroupState:
    """The state of one grouping key during one call of the user's function: its value (a
    tuple of the state's columns), whether the call is for a timeout, and the key's timeout."""

    NO_TIMESTAMP: int = -1

    def __init__(self, value: Optional[Tuple], batchProcessingTimeMs: int, eventTimeWatermarkMs: int,
                 timeoutConf: str, hasTimedOut: bool, watermarkPresent: bool) -> None:
        self._value = value
        self._defined = value is not None
        self._updated = False
        self._removed = False
        self._batch_processing_time_ms = batchProcessingTimeMs
        self._event_time_watermark_ms = eventTimeWatermarkMs
        self._timeout_conf = timeoutConf
        self._has_timed_out = hasTimedOut
        self._watermark_present = watermarkPresent
        self._timeout_timestamp = GroupState.NO_TIMESTAMP

    @property
    def exists(self) -> bool:
        """Whether the key has a state value."""
        return self._defined

    @property
    def get(self) -> Tuple:
        """The state value; ``STATE_NOT_EXISTS`` when there is none."""
        if not self._defined:
            _raise(PySparkValueError, "STATE_NOT_EXISTS",
                   "State is either not defined or has already been removed.")
        return tuple(self._value)  # type: ignore[arg-type]

    @property
    def getOption(self) -> Optional[Tuple]:
        """The state value, or None."""
        return tuple(self._value) if self._defined else None  # type: ignore[arg-type]

    @property
    def hasTimedOut(self) -> bool:
        """Whether the function was called because the key timed out."""
        return self._has_timed_out

    def update(self, newValue: Tuple) -> None:
        """Sets the state value (a tuple of the state's columns; not None)."""
        if newValue is None:
            _raise(PySparkTypeError, "CANNOT_BE_NONE", "Argument `newValue` cannot be None.",
                   arg_name="newValue")
        self._value = tuple(_plain(v) for v in newValue)
        self._defined, self._updated, self._removed = True, True, False

    def remove(self) -> None:
        """Removes the state value (a timeout set in the same call is kept)."""
        self._defined, self._updated, self._removed = False, False, True

    def setTimeoutDuration(self, durationMs: int) -> None:
        """Times the key out ``durationMs`` after this batch's processing time, unless the
        function is called for it before (ProcessingTimeTimeout only)."""
        if isinstance(durationMs, str):
            _raise(PySparkTypeError, "NOT_INT", "Argument `durationMs` should be an int, got str.",
                   arg_name="durationMs", arg_type="str")
        if self._timeout_conf != GroupStateTimeout.ProcessingTimeTimeout:
            _raise(PySparkRuntimeError, "CANNOT_WITHOUT",
                   "Cannot set timeout duration without enabling processing time timeout in "
                   "applyInPandasWithState.")
        if durationMs <= 0:
            _raise(PySparkValueError, "VALUE_NOT_POSITIVE",
                   "Value for `durationMs` must be positive, got '%s'." % type(durationMs).__name__)
        self._timeout_timestamp = int(durationMs) + self._batch_processing_time_ms

    def setTimeoutTimestamp(self, timestampMs: Any) -> None:
        """Times the key out when the watermark passes ``timestampMs`` (milliseconds since the
        epoch, or a datetime), unless the function is called for it before (EventTimeTimeout
        only); not before the current watermark."""
        if self._timeout_conf != GroupStateTimeout.EventTimeTimeout:
            # PySpark's message names processing time here too.
            _raise(PySparkRuntimeError, "CANNOT_WITHOUT",
                   "Cannot set timeout duration without enabling processing time timeout in "
                   "applyInPandasWithState.")
        if isinstance(timestampMs, datetime.datetime):
            if timestampMs.tzinfo is None:
                timestampMs = timestampMs.astimezone()
            timestampMs = timestampMs.timestamp() * 1000
        if timestampMs <= 0:
            _raise(PySparkValueError, "VALUE_NOT_POSITIVE",
                   "Value for `timestampMs` must be positive, got '%s'." % type(timestampMs).__name__)
        if (self._event_time_watermark_ms != GroupState.NO_TIMESTAMP
                and timestampMs < self._event_time_watermark_ms):
            _raise(PySparkValueError, "INVALID_TIMEOUT_TIMESTAMP",
                   "Timeout timestamp (%s) cannot be earlier than the current watermark (%s)."
                   % (timestampMs, self._event_time_watermark_ms))
        self._timeout_timestamp = int(timestampMs)

    def getCurrentWatermarkMs(self) -> int:
        """The event-time watermark of the batch; only with a watermark on the input."""
        if not self._watermark_present:
            _raise(PySparkRuntimeError, "CANNOT_WITHOUT",
                   "Cannot get event time watermark timestamp without setting watermark before "
                   "applyInPandasWithState.")
        return self._event_time_watermark_ms

    def getCurrentProcessingTimeMs(self) -> int:
        """The batch's processing time, the same throughout the batch."""
        return self._batch_processing_time_ms

    def __str__(self) -> str:
        return "GroupState(%s)" % (self.get,) if self.exists else "GroupState(<undefined>)"


def _plain(value: Any) -> Any:
    """numpy and pandas scalars as the Python values they hold, as PySpark converts them."""
    if hasattr(value, "to_pytimedelta"):
        return value.to_pytimedelta()
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    if type(value).__module__ == "numpy":
        return value.tolist()
    return value
