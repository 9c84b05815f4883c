"""``spark.read`` and ``df.write``: batch files and tables, as in PySpark.

The classes gather the format, options, schema and mode, then hand them to
the engine in one call, which reads or writes Parquet, JSON, CSV and text
with Spark's options, save modes and errors.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Dict, List, Optional, Union

from spate import _native
from spate.sql.column import _col_expr
from spate.sql.types import StructType

if TYPE_CHECKING:
    from spate.sql.column import Column
    from spate.sql.dataframe import DataFrame
    from spate.sql.session import SparkSession

OptionValue = Optional[Union[bool, float, int, str]]
PathOrPaths = Union[str, List[str]]


def _option_text(value: OptionValue) -> Optional[str]:
    """Options travel as text, booleans spelled as Spark's (true/false)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class DataFrameReader:
    """Reads batch DataFrames: ``spark.read.format("csv").option("header", True).load(path)``."""

    def __init__(self, spark: "SparkSession") -> None:
        self._spark = spark
        self._format = ""
        self._options: Dict[str, str] = {}
        self._schema: Optional[Union[StructType, str]] = None

    def format(self, source: str) -> "DataFrameReader":
        self._format = source
        return self

    def option(self, key: str, value: OptionValue) -> "DataFrameReader":
        text = _option_text(value)
        if text is not None:
            self._options[key] = text
        return self

    def options(self, **options: OptionValue) -> "DataFrameReader":
        for key, value in options.items():
            self.option(key, value)
        return self

    def schema(self, schema: Union[StructType, str]) -> "DataFrameReader":
        """The schema, as a StructType or a DDL string (``"a INT, b STRING"``)."""
        self._schema = schema
        return self

    def load(self, path: Optional[PathOrPaths] = None, format: Optional[str] = None,
             schema: Optional[Union[StructType, str]] = None, **options: OptionValue) -> "DataFrame":
        from spate.sql.dataframe import DataFrame

        if format is not None:
            self.format(format)
        if schema is not None:
            self.schema(schema)
        self.options(**options)
        paths = [] if path is None else [path] if isinstance(path, str) else list(path)
        schema_json = self._schema.json() if isinstance(self._schema, StructType) else None
        schema_ddl = self._schema if isinstance(self._schema, str) else None
        jdf = _native.read_files(self._spark._jsession, self._format, self._options, schema_json,
                                 schema_ddl, paths)
        return DataFrame(jdf, self._spark)

    def parquet(self, *paths: str, **options: OptionValue) -> "DataFrame":
        return self.load(list(paths), format="parquet", **options)

    def json(self, path: PathOrPaths, schema: Optional[Union[StructType, str]] = None,
             **options: OptionValue) -> "DataFrame":
        return self.load(path, format="json", schema=schema, **options)

    def csv(self, path: PathOrPaths, schema: Optional[Union[StructType, str]] = None,
            **options: OptionValue) -> "DataFrame":
        return self.load(path, format="csv", schema=schema, **options)

    def text(self, paths: PathOrPaths, **options: OptionValue) -> "DataFrame":
        return self.load(paths, format="text", **options)

    def jdbc(self, url: str, table: str, column: Optional[str] = None,
             lowerBound: Optional[Union[int, str]] = None, upperBound: Optional[Union[int, str]] = None,
             numPartitions: Optional[int] = None, predicates: Optional[List[str]] = None,
             properties: Optional[Dict[str, str]] = None) -> "DataFrame":
        """A PostgreSQL table or ``(SELECT ...) alias``; with ``column``, read in
        ``numPartitions`` ranges between ``lowerBound`` and ``upperBound`` (numbers,
        or dates and timestamps for such a column); else with ``predicates``, one
        partition per WHERE condition."""
        self.format("jdbc").option("url", url).option("dbtable", table)
        for key, value in (properties or {}).items():
            self.option(key, value)
        if column is not None:
            if lowerBound is None or upperBound is None or numPartitions is None:
                raise TypeError("jdbc(column=...) needs lowerBound, upperBound and numPartitions.")
            self.option("partitionColumn", column).option("lowerBound", str(lowerBound))
            self.option("upperBound", str(upperBound)).option("numPartitions", str(numPartitions))
        elif predicates is not None:
            self.option("predicates", json.dumps(list(predicates)))
        return self.load()

    def table(self, tableName: str) -> "DataFrame":
        from spate.sql.dataframe import DataFrame

        return DataFrame(_native.read_table(self._spark._jsession, tableName), self._spark)


class DataFrameWriter:
    """Writes a batch DataFrame: ``df.write.mode("overwrite").parquet(path)``."""

    def __init__(self, df: "DataFrame") -> None:
        self._df = df
        self._format = ""
        self._mode = ""
        self._options: Dict[str, str] = {}
        self._partition_by: List[str] = []

    def format(self, source: str) -> "DataFrameWriter":
        self._format = source
        return self

    def mode(self, saveMode: Optional[str]) -> "DataFrameWriter":
        """append, overwrite, ignore, error / errorifexists (the default)."""
        if saveMode is not None:
            self._mode = saveMode
        return self

    def option(self, key: str, value: OptionValue) -> "DataFrameWriter":
        text = _option_text(value)
        if text is not None:
            self._options[key] = text
        return self

    def options(self, **options: OptionValue) -> "DataFrameWriter":
        for key, value in options.items():
            self.option(key, value)
        return self

    def partitionBy(self, *cols: Union[str, List[str]]) -> "DataFrameWriter":
        names: List[str] = []
        for c in cols:
            names.extend([c] if isinstance(c, str) else c)
        self._partition_by = names
        return self

    def _write(self, path: Optional[str] = None, table: Optional[str] = None,
               insert_into: Optional[str] = None, overwrite: bool = False) -> None:
        _native.write_files(self._df._jdf, self._format, self._mode, self._options, self._partition_by,
                            path, table, insert_into, overwrite)

    def _apply(self, format: Optional[str], mode: Optional[str],
               partitionBy: Optional[Union[str, List[str]]], options: Dict[str, OptionValue]) -> None:
        if format is not None:
            self.format(format)
        self.mode(mode)
        if partitionBy is not None:
            self.partitionBy(partitionBy)
        self.options(**options)

    def save(self, path: Optional[str] = None, format: Optional[str] = None, mode: Optional[str] = None,
             partitionBy: Optional[Union[str, List[str]]] = None, **options: OptionValue) -> None:
        self._apply(format, mode, partitionBy, options)
        self._write(path=path)

    def saveAsTable(self, name: str, format: Optional[str] = None, mode: Optional[str] = None,
                    partitionBy: Optional[Union[str, List[str]]] = None, **options: OptionValue) -> None:
        self._apply(format, mode, partitionBy, options)
        self._write(table=name)

    def insertInto(self, tableName: str, overwrite: Optional[bool] = None) -> None:
        self._write(insert_into=tableName, overwrite=bool(overwrite))

    def jdbc(self, url: str, table: str, mode: Optional[str] = None,
             properties: Optional[Dict[str, str]] = None) -> None:
        """Writes to a PostgreSQL table (``jdbc:postgresql://host:port/db``)."""
        self.format("jdbc").mode(mode).option("url", url).option("dbtable", table)
        for key, value in (properties or {}).items():
            self.option(key, value)
        self._write()

    def parquet(self, path: str, mode: Optional[str] = None,
                partitionBy: Optional[Union[str, List[str]]] = None, **options: OptionValue) -> None:
        self.save(path, "parquet", mode, partitionBy, **options)

    def json(self, path: str, mode: Optional[str] = None, **options: OptionValue) -> None:
        self.save(path, "json", mode, None, **options)

    def csv(self, path: str, mode: Optional[str] = None, **options: OptionValue) -> None:
        self.save(path, "csv", mode, None, **options)

    def text(self, path: str, **options: OptionValue) -> None:
        self.save(path, "text", None, None, **options)


class DataFrameWriterV2:
    """``df.writeTo(table)``: append to, create or replace a catalog table
    (Iceberg catalogs and the session catalog)."""

    def __init__(self, df: "DataFrame", table: str) -> None:
        self._df = df
        self._table = table
        self._provider = ""
        self._options: Dict[str, str] = {}
        self._partitioned_by: List[_native.Expr] = []

    def using(self, provider: str) -> "DataFrameWriterV2":
        self._provider = provider
        return self

    def option(self, key: str, value: OptionValue) -> "DataFrameWriterV2":
        text = _option_text(value)
        if text is not None:
            self._options[key] = text
        return self

    def options(self, **options: OptionValue) -> "DataFrameWriterV2":
        for key, value in options.items():
            self.option(key, value)
        return self

    def tableProperty(self, property: str, value: str) -> "DataFrameWriterV2":
        self._options[property] = value
        return self

    def partitionedBy(self, col: Union["Column", str], *cols: Union["Column", str]) -> "DataFrameWriterV2":
        """The new table's partitioning: columns, and for Iceberg tables the transforms of
        ``pyspark.sql.functions.partitioning`` (years, months, days, hours, bucket)."""
        self._partitioned_by = [_col_expr(c) for c in (col, *cols)]
        return self

    def _run(self, action: str) -> None:
        _native.write_to(self._df._jdf, self._table, action, self._provider, self._options,
                         self._partitioned_by)

    def append(self) -> None:
        self._run("append")

    def create(self) -> None:
        self._run("create")

    def createOrReplace(self) -> None:
        self._run("createOrReplace")
