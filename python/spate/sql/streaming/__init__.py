"""Structured Streaming, as ``pyspark.sql.streaming``: ``spark.readStream``,
``df.writeStream``, ``StreamingQuery`` and ``spark.streams``; arbitrary stateful processing
(``StatefulProcessor``, for ``groupBy(...).transformWithState``)."""

from spate.sql.streaming.listener import (
    QueryIdleEvent, QueryProgressEvent, QueryStartedEvent, QueryTerminatedEvent,
    SinkProgress, SourceProgress, StateOperatorProgress, StreamingQueryListener,
    StreamingQueryProgress,
)
from spate.sql.streaming.query import StreamingQuery, StreamingQueryManager
from spate.sql.streaming.readwriter import DataStreamReader, DataStreamWriter
from spate.sql.streaming.stateful_processor import (
    ExpiredTimerInfo, ListState, MapState, StatefulProcessor, StatefulProcessorHandle, TimerValues,
    ValueState,
)

__all__ = ["DataStreamReader", "DataStreamWriter", "StreamingQuery", "StreamingQueryManager",
           "StreamingQueryListener", "StreamingQueryProgress", "SourceProgress", "SinkProgress",
           "StateOperatorProgress", "QueryStartedEvent", "QueryProgressEvent", "QueryIdleEvent",
           "QueryTerminatedEvent", "StatefulProcessor", "StatefulProcessorHandle", "ValueState",
           "ListState", "MapState", "TimerValues", "ExpiredTimerInfo"]
