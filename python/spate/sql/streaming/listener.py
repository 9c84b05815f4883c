"""Progress reports and query listeners, as ``pyspark.sql.streaming.listener``.

``StreamingQueryProgress`` is a ``dict`` (what ``lastProgress`` returned before
PySpark 4) with PySpark 4's attribute access on top::

    p = query.lastProgress
    p["numInputRows"] == p.numInputRows
    p["sources"][0]["endOffset"]     # the offset as parsed JSON
    p.sources[0].endOffset           # the offset as JSON text
    p.json, p.prettyJson             # Spark's JSON layouts
"""

from __future__ import annotations

import json
import uuid
from typing import Any, Dict, List, Optional

__all__ = ["StreamingQueryListener", "StreamingQueryProgress", "SourceProgress", "SinkProgress",
           "StateOperatorProgress", "QueryStartedEvent", "QueryProgressEvent", "QueryIdleEvent",
           "QueryTerminatedEvent"]


class _ProgressDict(dict):
    """A dict whose keys can also be read as attributes."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError("'%s' object has no attribute '%s'" % (type(self).__name__, name)) from None

    @property
    def json(self) -> str:
        """This report as compact JSON."""
        return json.dumps(_plain(self), separators=(",", ":"))

    @property
    def prettyJson(self) -> str:
        """This report as indented JSON."""
        return json.dumps(_plain(self), indent=2)

    def __repr__(self) -> str:
        return "%s(%s)" % (type(self).__name__, dict.__repr__(self))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _offset_text(value: Any) -> Optional[str]:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


class SourceProgress(_ProgressDict):
    """One source's part of a batch: description, startOffset, endOffset, latestOffset,
    numInputRows, inputRowsPerSecond, processedRowsPerSecond, metrics."""

    @property
    def startOffset(self) -> Optional[str]:
        return _offset_text(self.get("startOffset"))

    @property
    def endOffset(self) -> Optional[str]:
        return _offset_text(self.get("endOffset"))

    @property
    def latestOffset(self) -> Optional[str]:
        return _offset_text(self.get("latestOffset"))

    @property
    def metrics(self) -> Dict[str, str]:
        return {k: str(v) for k, v in (self.get("metrics") or {}).items()}


class SinkProgress(_ProgressDict):
    """The sink's part of a batch: description, numOutputRows (-1 when not counted), metrics."""

    @property
    def metrics(self) -> Dict[str, str]:
        return {k: str(v) for k, v in (self.get("metrics") or {}).items()}


class StateOperatorProgress(_ProgressDict):
    """One stateful operator's part of a batch (numRowsTotal, numRowsUpdated, ...)."""


class StreamingQueryProgress(_ProgressDict):
    """What one micro-batch did, with Spark's field names: id, runId, name, timestamp,
    batchId, batchDuration, durationMs, eventTime, stateOperators, sources, sink,
    numInputRows, inputRowsPerSecond, processedRowsPerSecond, observedMetrics.

    ``p["id"]`` is the id as text; ``p.id`` is a ``uuid.UUID`` (as in PySpark 4).
    """

    def __init__(self, data: Dict[str, Any], json_text: Optional[str] = None,
                 pretty_json: Optional[str] = None) -> None:
        data = dict(data)
        # As in PySpark 4.1, sources and the sink always carry a metrics map (empty ones are
        # left out of the JSON).
        data["sources"] = [SourceProgress(dict({"metrics": {}}, **s)) for s in data.get("sources", [])]
        data["sink"] = SinkProgress(dict({"metrics": {}}, **(data.get("sink") or {})))
        data["stateOperators"] = [StateOperatorProgress(s) for s in data.get("stateOperators", [])]
        data.setdefault("durationMs", {})
        data.setdefault("eventTime", {})
        data.setdefault("observedMetrics", {})
        super().__init__(data)
        self._json = json_text
        self._pretty_json = pretty_json

    @classmethod
    def fromJson(cls, text: str, pretty: Optional[str] = None) -> "StreamingQueryProgress":
        """A progress report from Spark's JSON form."""
        return cls(json.loads(text), text, pretty)

    @property
    def id(self) -> uuid.UUID:
        return uuid.UUID(self["id"])

    @property
    def runId(self) -> uuid.UUID:
        return uuid.UUID(self["runId"])

    @property
    def name(self) -> Optional[str]:
        return self.get("name")

    @property
    def batchDuration(self) -> int:
        return self.get("batchDuration", 0)

    @property
    def sources(self) -> List[SourceProgress]:
        return self["sources"]

    @property
    def sink(self) -> SinkProgress:
        return self["sink"]

    @property
    def stateOperators(self) -> List[StateOperatorProgress]:
        return self["stateOperators"]

    @property
    def json(self) -> str:
        """Spark's compact JSON for this report."""
        return self._json if self._json is not None else super().json

    @property
    def prettyJson(self) -> str:
        """Spark's indented JSON for this report."""
        return self._pretty_json if self._pretty_json is not None else super().prettyJson

    def __str__(self) -> str:
        return self.prettyJson


class QueryStartedEvent:
    """A query started: id, runId, name, timestamp."""

    def __init__(self, id: uuid.UUID, runId: uuid.UUID, name: Optional[str], timestamp: str) -> None:
        self.id = id
        self.runId = runId
        self.name = name
        self.timestamp = timestamp


class QueryProgressEvent:
    """A micro-batch finished: progress is its StreamingQueryProgress."""

    def __init__(self, progress: StreamingQueryProgress) -> None:
        self.progress = progress


class QueryIdleEvent:
    """A query found no new data: id, runId, timestamp."""

    def __init__(self, id: uuid.UUID, runId: uuid.UUID, timestamp: str) -> None:
        self.id = id
        self.runId = runId
        self.timestamp = timestamp


class QueryTerminatedEvent:
    """A query ended: id, runId, exception (its error text, or None), errorClassOnException."""

    def __init__(self, id: uuid.UUID, runId: uuid.UUID, exception: Optional[str],
                 errorClassOnException: Optional[str]) -> None:
        self.id = id
        self.runId = runId
        self.exception = exception
        self.errorClassOnException = errorClassOnException


class StreamingQueryListener:
    """Receives the events of this session's streaming queries; subclass it and register
    it with ``spark.streams.addListener(listener)``.

    onQueryStarted runs in the thread that calls ``start()``, before ``start()`` returns.
    The other events come from a listener thread that polls the running queries'
    progress (every 0.1 s): onQueryProgress once per finished micro-batch, in order,
    onQueryIdle when a query waits for new data (at once, then every
    ``spark.sql.streaming.noDataProgressEventInterval``, 10 s by default, without
    progress), and onQueryTerminated once when the query ends.
    """

    def onQueryStarted(self, event: QueryStartedEvent) -> None:
        pass

    def onQueryProgress(self, event: QueryProgressEvent) -> None:
        pass

    def onQueryIdle(self, event: QueryIdleEvent) -> None:
        pass

    def onQueryTerminated(self, event: QueryTerminatedEvent) -> None:
        pass
