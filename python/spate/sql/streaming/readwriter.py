"""``spark.readStream`` and ``df.writeStream``, as ``pyspark.sql.streaming.readwriter``."""

from __future__ import annotations

import traceback
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Union

from spate import _native
from spate.errors import (
    PySparkAttributeError, PySparkNotImplementedError, PySparkTypeError, PySparkValueError,
    _raise, _type_name,
)
from spate.sql.types import StructType

if TYPE_CHECKING:
    from spate.sql.dataframe import DataFrame
    from spate.sql.session import SparkSession
    from spate.sql.streaming.query import StreamingQuery

OptionalPrimitiveType = Optional[Union[bool, float, int, str]]


def _to_str(value: Any) -> Optional[str]:
    """An option value as Spark receives it: booleans in lower case."""
    if isinstance(value, bool):
        return str(value).lower()
    return None if value is None else str(value)


def _check_non_empty_str(value: Any, arg_name: str) -> None:
    if not isinstance(value, str) or len(value.strip()) == 0:
        _raise(PySparkValueError, "VALUE_NOT_NON_EMPTY_STR",
               "Value for `%s` must be a non-empty string, got '%s'." % (arg_name, value),
               arg_name=arg_name, arg_value=str(value))


class DataStreamReader:
    """Makes a streaming DataFrame: ``spark.readStream.format("rate").option(...).load()``.

    Streaming sources: ``rate`` (rowsPerSecond rows each second),
    ``rate-micro-batch`` (rowsPerBatch rows per micro-batch), ``socket``, and the file
    formats ``parquet``, ``json``, ``csv``, ``text`` (the files arriving in a folder).
    """

    def __init__(self, spark: "SparkSession") -> None:
        self._spark = spark
        self._jreader = _native.read_stream(spark._jsession)

    def format(self, source: str) -> "DataStreamReader":
        """The source's name: ``"rate"``, ``"rate-micro-batch"``."""
        self._jreader.format(source)
        return self

    def schema(self, schema: Union[StructType, str]) -> "DataStreamReader":
        """The schema, as a StructType or a DDL string (``"a INT, b STRING"``)."""
        if isinstance(schema, StructType):
            self._jreader.schema_json(schema.json())
        elif isinstance(schema, str):
            self._jreader.schema_ddl(schema)
        else:
            _raise(PySparkTypeError, "NOT_STR_OR_STRUCT",
                   "Argument `schema` should be a str or struct, got %s." % _type_name(schema),
                   arg_name="schema", arg_type=_type_name(schema))
        return self

    def option(self, key: str, value: OptionalPrimitiveType) -> "DataStreamReader":
        """A source option (keys are case-insensitive)."""
        text = _to_str(value)
        if text is not None:
            self._jreader.option(key, text)
        return self

    def options(self, **options: OptionalPrimitiveType) -> "DataStreamReader":
        """Several source options."""
        for k, v in options.items():
            self.option(k, v)
        return self

    def load(self, path: Optional[str] = None, format: Optional[str] = None,
             schema: Optional[Union[StructType, str]] = None,
             **options: OptionalPrimitiveType) -> "DataFrame":
        """The streaming DataFrame; nothing is read until a query starts."""
        from spate.sql.dataframe import DataFrame
        if format is not None:
            self.format(format)
        if schema is not None:
            self.schema(schema)
        self.options(**options)
        if path is not None:
            _check_non_empty_str(path, "path")
        return DataFrame(self._jreader.load(path), self._spark)

    def table(self, tableName: str) -> "DataFrame":
        """A table of an Iceberg catalog as a stream of its appended snapshots."""
        from spate.sql.dataframe import DataFrame
        _check_non_empty_str(tableName, "tableName")
        if not _native.is_iceberg_table_name(self._spark._jsession, tableName):
            _raise(PySparkNotImplementedError, "NOT_IMPLEMENTED",
                   "readStream.table is not implemented for %s: Spate streams tables of Iceberg catalogs "
                   "(spark.sql.catalog.<name> = org.apache.iceberg.spark.SparkCatalog)." % tableName,
                   feature="readStream.table")
        return DataFrame(self._jreader.table(tableName), self._spark)

    def _file_source(self, fmt: str, path: str, **options: OptionalPrimitiveType) -> "DataFrame":
        if not _native.has_streaming_format(fmt)[0]:
            _raise(PySparkNotImplementedError, "NOT_IMPLEMENTED",
                   "readStream.%s is not implemented: Spate has no streaming %s source yet "
                   "(file sources: parquet, json, csv, text)." % (fmt, fmt), feature="readStream." + fmt)
        return self.load(path, format=fmt, **options)

    def csv(self, path: str, schema: Optional[Union[StructType, str]] = None,
            **options: OptionalPrimitiveType) -> "DataFrame":
        """A stream of the CSV files arriving in a folder; ``schema`` is required."""
        if schema is not None:
            options["schema"] = schema
        return self._file_source("csv", path, **options)

    def json(self, path: str, schema: Optional[Union[StructType, str]] = None,
             **options: OptionalPrimitiveType) -> "DataFrame":
        """A stream of the JSON files arriving in a folder; ``schema`` is required."""
        if schema is not None:
            options["schema"] = schema
        return self._file_source("json", path, **options)

    def parquet(self, path: str, **options: OptionalPrimitiveType) -> "DataFrame":
        """A stream of the Parquet files arriving in a folder (give the schema with ``schema()``)."""
        return self._file_source("parquet", path, **options)

    def orc(self, path: str, **options: OptionalPrimitiveType) -> "DataFrame":
        """A stream of the ORC files arriving in a folder (not available in Spate yet)."""
        return self._file_source("orc", path, **options)

    def text(self, path: str, wholetext: bool = False, lineSep: Optional[str] = None,
             pathGlobFilter: Optional[Union[bool, str]] = None,
             recursiveFileLookup: Optional[Union[bool, str]] = None) -> "DataFrame":
        """A stream of the text files arriving in a folder: one ``value`` row per line."""
        options: Dict[str, OptionalPrimitiveType] = {"wholetext": wholetext}
        for key, value in (("lineSep", lineSep), ("pathGlobFilter", pathGlobFilter),
                           ("recursiveFileLookup", recursiveFileLookup)):
            if value is not None:
                options[key] = value
        return self._file_source("text", path, **options)



class DataStreamWriter:
    """Starts a streaming query from a streaming DataFrame::

        query = (df.writeStream.format("console").outputMode("append")
                 .trigger(processingTime="1 second").start())

    Sinks: ``console``, ``memory`` (a temp view named by queryName), ``noop``,
    ``foreachBatch(func)``, and the file formats ``parquet``, ``json``, ``csv``, ``text``
    (append mode; ``start(path)`` or ``toTable(name)``, with a checkpointLocation).
    """

    def __init__(self, df: "DataFrame") -> None:
        self._df = df
        self._spark = df.sparkSession
        self._jwrite = _native.write_stream(df._jdf)

    def outputMode(self, outputMode: str) -> "DataStreamWriter":
        """``"append"``, ``"update"`` or ``"complete"``."""
        _check_non_empty_str(outputMode, "outputMode")
        self._jwrite.output_mode(outputMode)
        return self

    def format(self, source: str) -> "DataStreamWriter":
        """The sink's name: ``"console"``, ``"memory"``, ``"noop"``."""
        self._jwrite.format(source)
        return self

    def option(self, key: str, value: OptionalPrimitiveType) -> "DataStreamWriter":
        """A sink or query option, e.g. ``checkpointLocation``, ``numRows``, ``truncate``."""
        text = _to_str(value)
        if text is not None:
            self._jwrite.option(key, text)
        return self

    def options(self, **options: OptionalPrimitiveType) -> "DataStreamWriter":
        """Several sink or query options."""
        for k, v in options.items():
            self.option(k, v)
        return self

    def partitionBy(self, *cols: Union[str, List[str]]) -> "DataStreamWriter":
        """Partition columns for file sinks."""
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = tuple(cols[0])
        self._jwrite.partition_by(list(cols))
        return self

    def queryName(self, queryName: str) -> "DataStreamWriter":
        """The query's name (the memory sink's table name)."""
        _check_non_empty_str(queryName, "queryName")
        self._jwrite.query_name(queryName)
        return self

    def trigger(self, *, processingTime: Optional[str] = None, once: Optional[bool] = None,
                continuous: Optional[str] = None,
                availableNow: Optional[bool] = None,
                realTime: Optional[str] = None) -> "DataStreamWriter":
        """When micro-batches run; exactly one of: ``processingTime="10 seconds"``,
        ``once=True``, ``availableNow=True``, ``continuous="1 second"`` (records processed
        as they arrive, epochs checkpointed every interval), or, beyond PySpark, Spark's
        real-time mode ``realTime="5 seconds"`` (docs/low-latency.md)."""
        params = [processingTime, once, continuous, availableNow, realTime]
        if params.count(None) != 4:
            _raise(PySparkValueError, "ONLY_ALLOW_SINGLE_TRIGGER", "Only a single trigger is allowed.")
        if processingTime is not None:
            _check_non_empty_str(processingTime, "processingTime")
            self._jwrite.trigger("processingTime", processingTime.strip())
        elif once is not None:
            if once is not True:
                _raise(PySparkValueError, "VALUE_NOT_TRUE",
                       "Value for `once` must be True, got '%s'." % once,
                       arg_name="once", arg_value=str(once))
            self._jwrite.trigger("once", "")
        elif continuous is not None:
            _check_non_empty_str(continuous, "continuous")
            self._jwrite.trigger("continuous", continuous.strip())
        elif realTime is not None:
            _check_non_empty_str(realTime, "realTime")
            self._jwrite.trigger("realTime", realTime.strip())
        else:
            if availableNow is not True:
                _raise(PySparkValueError, "VALUE_NOT_TRUE",
                       "Value for `availableNow` must be True, got '%s'." % availableNow,
                       arg_name="availableNow", arg_value=str(availableNow))
            self._jwrite.trigger("availableNow", "")
        return self

    def foreach(self, f: Any) -> "DataStreamWriter":
        """Writes rows one at a time, as PySpark's ``foreach``.

        ``f`` is a function of a Row, or an object with ``process(row)`` and
        optional ``open(partition_id, epoch_id)`` (return False to skip the
        rows) and ``close(error)``. Each micro-batch is one partition whose
        epoch id is the batch id.
        """
        if hasattr(f, "process"):
            process = getattr(f, "process")
            open_ = getattr(f, "open", None)
            close = getattr(f, "close", None)
        elif callable(f):
            process, open_, close = f, None, None
        else:
            _raise(PySparkTypeError, "NOT_CALLABLE",
                   "Argument `f` should be a function or an object with a `process` method, "
                   f"got {type(f).__name__}.", arg_name="f", arg_type=type(f).__name__)
        if not callable(process):
            _raise(PySparkAttributeError, "ATTRIBUTE_NOT_CALLABLE",
                   "Attribute `process` in provided object is not callable.",
                   attr_name="process", obj_name="f")

        def run_rows(batch_df: "DataFrame", batch_id: int) -> None:
            rows = batch_df.collect()
            accepted = open_(0, batch_id) if open_ is not None else True
            error: Optional[BaseException] = None
            try:
                if accepted is None or accepted:
                    for row in rows:
                        process(row)
            except BaseException as e:  # the query fails with it; close() still sees it
                error = e
                raise
            finally:
                if close is not None:
                    close(error)
                error = None  # the traceback refers to this frame: break the cycle

        self.foreachBatch(run_rows)
        self._jwrite.foreach_batch(self._batch_call, True)
        return self

    def foreachBatch(self, func: Callable[["DataFrame", int], None]) -> "DataStreamWriter":
        """Calls ``func(batch_df, batch_id)`` for every micro-batch, on the query's thread.

        ``batch_df`` is a batch DataFrame: every action and ``write`` work on it. An
        exception in ``func`` stops the query with a StreamingQueryException that carries
        the exception's text and traceback.
        """
        if not callable(func):
            _raise(PySparkTypeError, "NOT_CALLABLE",
                   "Argument `func` should be a callable, got %s." % _type_name(func),
                   arg_name="func", arg_type=_type_name(func))
        from spate.sql.dataframe import DataFrame
        spark = self._spark

        def call(jdf: _native.DataFrame, batch_id: int) -> Optional[str]:
            try:
                func(DataFrame(jdf, spark), batch_id)
            except BaseException:  # reported to the engine as the batch's error
                return traceback.format_exc()
            return None

        self._batch_call = call
        self._jwrite.foreach_batch(call)
        return self

    def start(self, path: Optional[str] = None, format: Optional[str] = None,
              outputMode: Optional[str] = None, partitionBy: Optional[Union[str, List[str]]] = None,
              queryName: Optional[str] = None, **options: OptionalPrimitiveType) -> "StreamingQuery":
        """Starts the query; it runs on its own thread until stopped (or, with a once or
        availableNow trigger, until the data available now is processed)."""
        self._apply(format, outputMode, partitionBy, queryName, options)
        if path is not None:
            _check_non_empty_str(path, "path")
        return self._spark.streams._started(self._jwrite.start(path))

    def toTable(self, tableName: str, format: Optional[str] = None, outputMode: Optional[str] = None,
                partitionBy: Optional[Union[str, List[str]]] = None, queryName: Optional[str] = None,
                **options: OptionalPrimitiveType) -> "StreamingQuery":
        """Starts the query writing into a table."""
        self._apply(format, outputMode, partitionBy, queryName, options)
        _check_non_empty_str(tableName, "tableName")
        return self._spark.streams._started(self._jwrite.to_table(tableName))

    def _apply(self, format: Optional[str], outputMode: Optional[str],
               partitionBy: Optional[Union[str, List[str]]], queryName: Optional[str],
               options: Dict[str, OptionalPrimitiveType]) -> None:
        self.options(**options)
        if format is not None:
            self.format(format)
        if outputMode is not None:
            self.outputMode(outputMode)
        if partitionBy is not None:
            self.partitionBy(partitionBy)
        if queryName is not None:
            self.queryName(queryName)
