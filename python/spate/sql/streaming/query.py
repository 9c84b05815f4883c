"""``StreamingQuery`` and ``spark.streams``, as ``pyspark.sql.streaming.query``."""

from __future__ import annotations

import atexit
import sys
import threading
import time
import traceback
import uuid
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from spate import _native
from spate.errors import PySparkValueError, StreamingQueryException, _from_native, _raise, _type_name
from spate.sql.streaming.listener import (
    QueryIdleEvent, QueryProgressEvent, QueryStartedEvent, QueryTerminatedEvent, StreamingQueryListener,
    StreamingQueryProgress,
)

if TYPE_CHECKING:
    from spate.sql.session import SparkSession

# Waits without a timeout are made of short waits so that Ctrl-C still reaches Python.
_WAIT_SLICE = 0.2


def _check_timeout(timeout: Any) -> None:
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        _raise(PySparkValueError, "VALUE_NOT_POSITIVE",
               "Value for `timeout` must be positive, got '%s'." % _type_name(timeout),
               arg_name="timeout", arg_value=_type_name(timeout))


class StreamingQuery:
    """A query running in the background; ``start()`` returns it.

    The engine runs micro-batches on its own thread; the waiting methods
    (awaitTermination, processAllAvailable, stop) release the GIL.
    """

    def __init__(self, jsq: _native.StreamingQuery) -> None:
        self._jsq = jsq

    @property
    def id(self) -> str:
        """The query's id: the same across restarts from one checkpoint."""
        return self._jsq.id

    @property
    def runId(self) -> str:
        """This run's id: new at every start."""
        return self._jsq.run_id

    @property
    def name(self) -> Optional[str]:
        """The name given with queryName, or None."""
        return self._jsq.name

    @property
    def isActive(self) -> bool:
        """True until the query stops or fails."""
        return self._jsq.is_active

    def awaitTermination(self, timeout: Optional[float] = None) -> Optional[bool]:
        """Waits until the query ends; raises StreamingQueryException if it failed.
        With ``timeout`` (seconds) returns whether the query ended in that time."""
        if timeout is not None:
            _check_timeout(timeout)
            return self._jsq.await_termination(float(timeout))
        while not self._jsq.await_termination(_WAIT_SLICE):
            pass
        return None

    @property
    def status(self) -> Dict[str, Any]:
        """``{"message": ..., "isDataAvailable": ..., "isTriggerActive": ...}``."""
        message, data, trigger = self._jsq.status()
        return {"message": message, "isDataAvailable": data, "isTriggerActive": trigger}

    @property
    def recentProgress(self) -> List[StreamingQueryProgress]:
        """The progress of the recent micro-batches (up to 100), oldest first."""
        return [StreamingQueryProgress.fromJson(j, p) for j, p in self._jsq.recent_progress()]

    @property
    def lastProgress(self) -> Optional[StreamingQueryProgress]:
        """The progress of the last micro-batch, or None before the first one."""
        last = self._jsq.last_progress()
        return None if last is None else StreamingQueryProgress.fromJson(*last)

    def processAllAvailable(self) -> None:
        """Blocks until all data available now has been processed (for tests)."""
        self._jsq.process_all_available()

    def stop(self) -> None:
        """Stops the query after its running micro-batch."""
        self._jsq.stop()

    def explain(self, extended: bool = False) -> None:
        """Prints the query's plan."""
        print(self._jsq.explain(extended))

    def exception(self) -> Optional[StreamingQueryException]:
        """The StreamingQueryException that ended the query, or None."""
        message = self._jsq.exception()
        if message is None:
            return None
        error = _from_native(message)
        if not isinstance(error, StreamingQueryException):
            error = StreamingQueryException(message)
        return error

    def __repr__(self) -> str:
        return "<StreamingQuery id=%s runId=%s name=%s>" % (self.id, self.runId, self.name)


class StreamingQueryManager:
    """``spark.streams``: the session's active queries, and its listeners."""

    def __init__(self, spark: "SparkSession") -> None:
        self._spark = spark
        self._jsession = spark._jsession
        self._lock = threading.RLock()
        self._listeners: List[StreamingQueryListener] = []
        self._tracked: Dict[str, "_TrackedRun"] = {}  # by run id, while listeners watch
        self._poller: Optional[threading.Thread] = None

    @property
    def active(self) -> List[StreamingQuery]:
        """The active queries of this session."""
        return [StreamingQuery(q) for q in _native.streams_active(self._jsession)]

    def get(self, id: str) -> Optional[StreamingQuery]:
        """The active query with this id, or None."""
        q = _native.streams_get(self._jsession, str(id))
        return None if q is None else StreamingQuery(q)

    def awaitAnyTermination(self, timeout: Optional[float] = None) -> Optional[bool]:
        """Waits until any query ends (since the last resetTerminated); raises
        StreamingQueryException if that query failed. With ``timeout`` returns whether
        one ended in that time."""
        if timeout is not None:
            _check_timeout(timeout)
            return _native.streams_await_any_termination(self._jsession, float(timeout))
        while not _native.streams_await_any_termination(self._jsession, _WAIT_SLICE):
            pass
        return None

    def resetTerminated(self) -> None:
        """Forgets past terminations so awaitAnyTermination waits for a new one."""
        _native.streams_reset_terminated(self._jsession)

    # --- Listeners ----------------------------------------------------------------------------

    def addListener(self, listener: StreamingQueryListener) -> None:
        """Registers a listener for the queries started from now on."""
        if not isinstance(listener, StreamingQueryListener):
            from spate.errors import PySparkTypeError
            _raise(PySparkTypeError, "NOT_STREAMING_QUERY_LISTENER",
                   "Argument `listener` should be a StreamingQueryListener, got %s."
                   % _type_name(listener), arg_name="listener", arg_type=_type_name(listener))
        with self._lock:
            self._listeners.append(listener)
            if self._poller is None or not self._poller.is_alive():
                self._poller = threading.Thread(target=self._poll, name="spate-streaming-listener",
                                                daemon=True)
                self._poller.start()

    def removeListener(self, listener: StreamingQueryListener) -> None:
        """Unregisters a listener."""
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)
            poller = self._poller if not self._listeners else None
        # The last listener gone, the listener thread ends (and lets go of the queries).
        if poller is not None and poller is not threading.current_thread():
            poller.join(1.0)

    def _started(self, jsq: _native.StreamingQuery) -> StreamingQuery:
        """Called by start(): remembers the query and posts onQueryStarted."""
        _RUNNING[:] = [q for q in _RUNNING if q.is_active] + [jsq]
        query = StreamingQuery(jsq)
        with self._lock:
            listeners = list(self._listeners)
            if listeners:
                self._tracked[jsq.run_id] = _TrackedRun(jsq)
        if listeners:
            event = QueryStartedEvent(uuid.UUID(jsq.id), uuid.UUID(jsq.run_id), jsq.name, _now())
            for listener in listeners:
                _deliver(listener.onQueryStarted, event)
        return query

    def _poll(self) -> None:
        """The listener thread: posts new progress, then termination, of tracked runs."""
        stop = threading.Event()
        while True:
            with self._lock:
                if not self._listeners:
                    self._poller = None
                    self._tracked.clear()  # nobody to tell: let the queries go
                    return
                runs = list(self._tracked.values())
            idle_interval_ms = self._idle_interval_ms() if runs else 0
            for run in runs:
                ended = not run.jsq.is_active  # read first: no progress is missed after it
                status = run.jsq.status()  # read before the progress, as is_active
                progress_list = run.new_progress()
                for progress in progress_list:
                    for listener in self._current_listeners():
                        _deliver(listener.onQueryProgress, QueryProgressEvent(progress))
                if not ended and not progress_list and run.idle_due(status, idle_interval_ms):
                    event = QueryIdleEvent(uuid.UUID(run.jsq.id), uuid.UUID(run.jsq.run_id), _now())
                    for listener in self._current_listeners():
                        _deliver(listener.onQueryIdle, event)
                if ended:
                    message = run.jsq.exception()
                    error_class = _from_native(message).getCondition() if message else None
                    event = QueryTerminatedEvent(uuid.UUID(run.jsq.id), uuid.UUID(run.jsq.run_id),
                                                 message, error_class)
                    for listener in self._current_listeners():
                        _deliver(listener.onQueryTerminated, event)
                    with self._lock:
                        self._tracked.pop(run.jsq.run_id, None)
            stop.wait(0.1)

    def _idle_interval_ms(self) -> float:
        """spark.sql.streaming.noDataProgressEventInterval: how often an idle query is reported."""
        text = str(self._spark.conf.get(_IDLE_INTERVAL_KEY, "10000ms")).strip().lower()
        for unit, scale in (("ms", 1), ("s", 1000), ("m", 60000)):
            if text.endswith(unit) and text[:-len(unit)].strip().isdigit():
                return float(text[:-len(unit)]) * scale
        return float(text) if text.isdigit() else 10000.0

    def _current_listeners(self) -> List[StreamingQueryListener]:
        with self._lock:
            return list(self._listeners)


_IDLE_INTERVAL_KEY = "spark.sql.streaming.noDataProgressEventInterval"
# Status messages of a query between triggers, once a trigger found no new data.
_WAITING = ("Waiting for data to arrive", "Waiting for next trigger")


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class _TrackedRun:
    """A run whose progress the listener thread posts, and how far it got."""

    def __init__(self, jsq: _native.StreamingQuery) -> None:
        self.jsq = jsq
        self.last_batch = -1
        self.last_event = float("-inf")  # monotonic time of the last progress or idle event

    def idle_due(self, status: Tuple[str, bool, bool], interval_ms: float) -> bool:
        """True when the query waits for data (its ``status``) and no progress or idle event
        was posted for ``interval_ms`` (as Spark, a first wait is reported at once); it then
        counts as posted."""
        message, data_available, trigger_active = status
        if trigger_active or data_available or message not in _WAITING:
            return False
        now = time.monotonic()
        if (now - self.last_event) * 1000.0 < interval_ms:
            return False
        self.last_event = now
        return True

    def new_progress(self) -> List[StreamingQueryProgress]:
        out = []
        for json_text, pretty in self.jsq.recent_progress():
            progress = StreamingQueryProgress.fromJson(json_text, pretty)
            if progress["batchId"] > self.last_batch:
                out.append(progress)
        if out:
            self.last_batch = out[-1]["batchId"]
            self.last_event = time.monotonic()
        return out


def _deliver(callback: Any, event: Any) -> None:
    # As in Spark, a failing listener is reported and the other listeners still run.
    try:
        callback(event)
    except Exception:
        print("Error in StreamingQueryListener:", file=sys.stderr)
        traceback.print_exc()


# Queries started in this process: stopped at exit, so that no engine thread calls
# into Python (foreachBatch) while the interpreter shuts down.
_RUNNING: List[_native.StreamingQuery] = []


@atexit.register
def _stop_running_queries() -> None:
    for jsq in _RUNNING:
        try:
            if jsq.is_active:
                jsq.stop()
        except Exception:
            pass
    _RUNNING.clear()
    # Other threads inside stop(), awaitTermination() ... return now that every query
    # has stopped: let them get back to Python before the interpreter shuts down
    # (one still inside native code then is parked by the extension, not ended).
    deadline = time.monotonic() + _EXIT_WAIT_SECONDS
    while _native.released_calls() > 0 and time.monotonic() < deadline:
        time.sleep(0.005)


_EXIT_WAIT_SECONDS = 10.0
