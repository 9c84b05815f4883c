"""Structured Streaming, as ``pyspark.sql.streaming``: ``spark.readStream``,
``df.writeStream``, ``StreamingQuery`` and ``spark.streams``."""

from spate.sql.streaming.listener import (
    QueryIdleEvent, QueryProgressEvent, QueryStartedEvent, QueryTerminatedEvent,
    SinkProgress, SourceProgress, StateOperatorProgress, StreamingQueryListener,
    StreamingQueryProgress,
)
from spate.sql.streaming.query import StreamingQuery, StreamingQueryManager
from spate.sql.streaming.readwriter import DataStreamReader, DataStreamWriter

__all__ = ["DataStreamReader", "DataStreamWriter", "StreamingQuery", "StreamingQueryManager",
           "StreamingQueryListener", "StreamingQueryProgress", "SourceProgress", "SinkProgress",
           "StateOperatorProgress", "QueryStartedEvent", "QueryProgressEvent", "QueryIdleEvent",
           "QueryTerminatedEvent"]
