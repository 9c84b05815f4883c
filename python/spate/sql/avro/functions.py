"""from_avro and to_avro, as pyspark.sql.avro.functions: Avro binary <-> Spark values."""

from __future__ import annotations

from typing import Dict, Optional

from spate.errors import PySparkTypeError, _raise, _type_name
from spate.sql.column import Column, _col_expr
from spate.sql.functions._common import ColumnOrName, _args, _lit, _options_map

__all__ = ["from_avro", "to_avro"]


def _check_column(data, name: str) -> None:
    if not isinstance(data, (Column, str)):
        _raise(PySparkTypeError, "NOT_COLUMN_OR_STR", "Argument `%s` should be a Column or str, got %s."
               % (name, _type_name(data)), arg_name=name, arg_type=_type_name(data))


def from_avro(data: ColumnOrName, jsonFormatSchema: str,
              options: Optional[Dict[str, str]] = None) -> Column:
    """Decodes Avro binary (no container header, no schema-registry prefix) with the
    Avro schema ``jsonFormatSchema``. Options: ``mode`` (FAILFAST, the default, or
    PERMISSIVE), ``avroSchema``, ``datetimeRebaseMode``."""
    _check_column(data, "data")
    if not isinstance(jsonFormatSchema, str):
        _raise(PySparkTypeError, "NOT_STR", "Argument `jsonFormatSchema` should be a str, got %s."
               % _type_name(jsonFormatSchema), arg_name="jsonFormatSchema",
               arg_type=_type_name(jsonFormatSchema))
    return _args("from_avro", _col_expr(data), _lit(jsonFormatSchema), *_options_map(options))


def to_avro(data: ColumnOrName, jsonFormatSchema: str = "") -> Column:
    """Encodes a column as Avro binary, with ``jsonFormatSchema`` or the schema derived
    from the column's type."""
    _check_column(data, "data")
    if not isinstance(jsonFormatSchema, str):
        _raise(PySparkTypeError, "NOT_STR", "Argument `jsonFormatSchema` should be a str, got %s."
               % _type_name(jsonFormatSchema), arg_name="jsonFormatSchema",
               arg_type=_type_name(jsonFormatSchema))
    if jsonFormatSchema == "":
        return _args("to_avro", _col_expr(data))
    return _args("to_avro", _col_expr(data), _lit(jsonFormatSchema))
