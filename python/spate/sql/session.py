"""``SparkSession``: the entry point, as ``pyspark.sql.SparkSession``."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Union

import pyarrow as pa

from spate import _native
from spate.errors import PySparkTypeError, PySparkValueError, _raise, _type_name
from spate.sql._conversion import infer_schema, rows_to_arrow
from spate.sql.conf import RuntimeConfig
from spate.sql.dataframe import DataFrame
from spate.sql.timezone import session_tzinfo
from spate.sql.types import (
    DataType, StructField, StructType, _from_arrow_schema, _parse_datatype_string,
)

if TYPE_CHECKING:
    from spate.sql.catalog import Catalog
    from spate.sql.udf import UDFRegistration
    from spate.sql.streaming.query import StreamingQueryManager
    from spate.sql.readwriter import DataFrameReader
    from spate.sql.streaming.readwriter import DataStreamReader


class _classproperty:
    def __init__(self, fget: Any) -> None:
        self.fget = fget

    def __get__(self, instance: Any, owner: type) -> Any:
        return self.fget(owner)


class SparkSession:
    """The entry point of the DataFrame API::

        spark = SparkSession.builder.appName("app").master("local[*]").getOrCreate()
        df = spark.createDataFrame([(1, "a")], ["id", "name"])

    ``getOrCreate`` returns one shared session per process.
    """

    _lock = threading.RLock()
    _activeSession: Optional["SparkSession"] = None

    class Builder:
        """Collects options for the session ``getOrCreate`` returns."""

        def __init__(self) -> None:
            self._options: Dict[str, str] = {}

        def config(self, key: Optional[str] = None, value: Any = None, conf: Any = None,
                   *, map: Optional[Dict[str, Any]] = None) -> "SparkSession.Builder":
            """Sets an option: ``config("spark.sql.session.timeZone", "UTC")`` or ``config(map={...})``."""
            if key is not None:
                self._options[key] = _conf_str(value)
            for k, v in (map or {}).items():
                self._options[k] = _conf_str(v)
            if conf is not None and hasattr(conf, "getAll"):
                for k, v in conf.getAll():
                    self._options[k] = _conf_str(v)
            return self

        def appName(self, name: str) -> "SparkSession.Builder":
            return self.config("spark.app.name", name)

        def master(self, master: str) -> "SparkSession.Builder":
            return self.config("spark.master", master)

        def remote(self, url: str) -> "SparkSession.Builder":
            return self.config("spark.remote", url)

        def enableHiveSupport(self) -> "SparkSession.Builder":
            return self

        def getOrCreate(self) -> "SparkSession":
            """The running session with these options applied, or a new one."""
            with SparkSession._lock:
                session = SparkSession._activeSession
                if session is None:
                    session = SparkSession(_native.Session.make(self._options))
                    SparkSession._activeSession = session
                    return session
                for k, v in self._options.items():
                    session._jsession.conf_set(k, v)
                return session

        def create(self) -> "SparkSession":
            """A new session (which becomes the active one)."""
            with SparkSession._lock:
                session = SparkSession(_native.Session.make(self._options))
                SparkSession._activeSession = session
                return session

    builder: "SparkSession.Builder" = _classproperty(lambda cls: cls.Builder())  # type: ignore[assignment]

    def __init__(self, jsession: _native.Session) -> None:
        self._jsession = jsession
        self._conf = RuntimeConfig(jsession)
        self._streams: Optional["StreamingQueryManager"] = None
        self._catalog: Optional["Catalog"] = None

    @classmethod
    def getActiveSession(cls) -> Optional["SparkSession"]:
        return cls._activeSession

    @classmethod
    def active(cls) -> "SparkSession":
        session = cls._activeSession
        if session is None:
            _raise(PySparkValueError, "NO_ACTIVE_OR_DEFAULT_SESSION",
                   "No active or default Spark session found. Please create a new Spark session "
                   "before running the code.")
        return session  # type: ignore[return-value]

    @property
    def conf(self) -> RuntimeConfig:
        """The runtime configuration: ``spark.conf.set(key, value)``, ``spark.conf.get(key)``."""
        return self._conf

    @property
    def udf(self) -> "UDFRegistration":
        """Registers user-defined functions for SQL: ``spark.udf.register("f", f, "int")``."""
        from spate.sql.udf import UDFRegistration
        return UDFRegistration(self)

    @property
    def catalog(self) -> "Catalog":
        """The catalogs, databases, tables and temp views: ``spark.catalog.listTables()``."""
        if self._catalog is None:
            from spate.sql.catalog import Catalog
            self._catalog = Catalog(self)
        return self._catalog

    @property
    def version(self) -> str:
        import spate
        return spate.__version__

    @property
    def uiWebUrl(self) -> Optional[str]:
        """The web UI's address (``http://127.0.0.1:4040``), or None when ``spark.ui.enabled``
        is false; pyspark's ``spark.sparkContext.uiWebUrl``."""
        return self._jsession.ui_web_url() or None

    def newSession(self) -> "SparkSession":
        return SparkSession(_native.Session.make())

    # --- DataFrames ---------------------------------------------------------------------------

    def createDataFrame(self, data: Any, schema: Union[StructType, DataType, str, List[str], None] = None,
                        samplingRatio: Optional[float] = None, verifySchema: bool = True) -> DataFrame:
        """A DataFrame from a list of rows (tuples, dicts, Rows), a pandas DataFrame or a pyarrow
        Table. ``schema`` is a StructType, a DDL string (``"a INT, b STRING"``) or a list of
        column names; without one the types are inferred from the values."""
        if isinstance(data, DataFrame):
            _raise(PySparkTypeError, "INVALID_TYPE", "Argument `data` should not be a DataFrame.",
                   arg_name="data", arg_type="DataFrame")
        if isinstance(schema, str):
            schema = _parse_datatype_string(schema)
        elif isinstance(schema, (list, tuple)):
            if not all(isinstance(n, str) for n in schema):
                _raise(PySparkTypeError, "NOT_LIST_OF_STR", "Argument `schema` should be a list[str].")
            schema = list(schema)
        elif schema is not None and not isinstance(schema, DataType):
            _raise(PySparkTypeError, "NOT_LIST_OR_NONE_OR_STRUCT",
                   "Argument `schema` should be a list, NoneType, str or struct, got %s."
                   % _type_name(schema), arg_name="schema", arg_type=_type_name(schema))

        if isinstance(data, pa.Table):
            return self._from_arrow(data, schema)
        if _is_pandas(data):
            return self._from_arrow(pa.Table.from_pandas(data, preserve_index=False), schema)
        if isinstance(data, (str, bytes)) or not isinstance(data, Iterable):
            _raise(PySparkTypeError, "INVALID_TYPE", "Argument `data` should not be a %s."
                   % _type_name(data), arg_name="data", arg_type=_type_name(data))
        rows = list(data)

        if isinstance(schema, DataType) and not isinstance(schema, StructType):
            schema = StructType([StructField("value", schema, True)])
            rows = [(v,) for v in rows]
        if not isinstance(schema, StructType):
            schema = infer_schema(rows, schema)
        table = rows_to_arrow(rows, schema, session_tzinfo(self))
        return self._from_table(table)

    def _from_arrow(self, table: pa.Table, schema: Any) -> DataFrame:
        if isinstance(schema, list):
            table = table.rename_columns(schema)
        target = schema if isinstance(schema, StructType) else _from_arrow_schema(table.schema)
        table = table.cast(pa.schema(target))  # the engine's Arrow types
        return self._from_table(table)

    def _from_table(self, table: pa.Table) -> DataFrame:
        return DataFrame(self._jsession.create_dataframe(table.__arrow_c_stream__()), self)

    def range(self, start: int, end: Optional[int] = None, step: int = 1,
              numPartitions: Optional[int] = None) -> DataFrame:
        """A DataFrame of one BIGINT column ``id``: ``range(5)`` is 0..4, ``range(1, 10, 2)``."""
        if end is None:
            start, end = 0, start
        if step == 0:
            _raise(PySparkValueError, "VALUE_NOT_POSITIVE", "The value of `step` must not be 0.")
        return DataFrame(self._jsession.range(start, end, step), self)

    @property
    def read(self) -> "DataFrameReader":
        """The reader of batch DataFrames: ``spark.read.parquet(path)``."""
        from spate.sql.readwriter import DataFrameReader
        return DataFrameReader(self)

    @property
    def readStream(self) -> "DataStreamReader":
        """The reader of streaming DataFrames: ``spark.readStream.format("rate").load()``."""
        from spate.sql.streaming.readwriter import DataStreamReader
        return DataStreamReader(self)

    @property
    def streams(self) -> "StreamingQueryManager":
        """The session's streaming queries: ``spark.streams.active``."""
        if self._streams is None:
            from spate.sql.streaming.query import StreamingQueryManager
            self._streams = StreamingQueryManager(self)
        return self._streams

    def sql(self, sqlQuery: str, args: Optional[Any] = None, **kwargs: Any) -> DataFrame:
        """Runs Spark SQL: a query over temp views, CREATE VIEW, SHOW TABLES, ..."""
        if not isinstance(sqlQuery, str):
            _raise(PySparkTypeError, "NOT_STR", "Argument `sqlQuery` should be a str, got %s."
                   % _type_name(sqlQuery), arg_name="sqlQuery", arg_type=_type_name(sqlQuery))
        if args or kwargs:
            _raise(PySparkValueError, "UNSUPPORTED_PARAMETERS",
                   "Parameterized SQL is not supported; format the query text instead.")
        return DataFrame(self._jsession.sql(sqlQuery), self)

    def table(self, tableName: str) -> DataFrame:
        """A temporary view as a DataFrame."""
        return DataFrame(self._jsession.table(tableName), self)

    def stop(self) -> None:
        """Ends the session; the next getOrCreate makes a new one."""
        with SparkSession._lock:
            if SparkSession._activeSession is self:
                SparkSession._activeSession = None
        self._jsession.stop_ui()

    def __enter__(self) -> "SparkSession":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def _conf_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _is_pandas(data: Any) -> bool:
    module = type(data).__module__
    return module.startswith("pandas") and type(data).__name__ == "DataFrame"
