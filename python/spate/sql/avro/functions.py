"""from_avro and to_avro, as pyspark.sql.avro.functions: Avro binary <-> Spark values."""

from __future__ import annotations

from typing import Dict, Optional

from spate.errors import PySparkTypeError, _raise
from spate.sql.column import Column, _col_expr
from spate.sql.functions._common import ColumnOrName, _args, _lit, _options_map

__all__ = ["from_avro", "to_avro"]


def _invalid_type(arg_name: str, arg_type: str) -> None:
    # PySpark's text for these checks (its message template reads "should not be").
    _raise(PySparkTypeError, "INVALID_TYPE", "Argument `%s` should not be a %s." % (arg_name, arg_type),
           arg_name=arg_name, arg_type=arg_type)


def from_avro(data: ColumnOrName, jsonFormatSchema: str,
              options: Optional[Dict[str, str]] = None) -> Column:
    """Decodes Avro binary (no container header, no schema-registry prefix) with the
    Avro schema ``jsonFormatSchema``. Options: ``mode`` (FAILFAST, the default, or
    PERMISSIVE), ``avroSchema`` (an evolved schema to read as),
    ``enableStableIdentifiersForUnionType``, ``datetimeRebaseMode``."""
    if not isinstance(data, (Column, str)):
        _invalid_type("data", "pyspark.sql.Column or str")
    if not isinstance(jsonFormatSchema, str):
        _invalid_type("jsonFormatSchema", "str")
    if options is not None and not isinstance(options, dict):
        _invalid_type("options", "dict, optional")
    return _args("from_avro", _col_expr(data), _lit(jsonFormatSchema), *_options_map(options))


def to_avro(data: ColumnOrName, jsonFormatSchema: str = "") -> Column:
    """Encodes a column as Avro binary, with ``jsonFormatSchema`` or the schema derived
    from the column's type."""
    if not isinstance(data, (Column, str)):
        _invalid_type("data", "pyspark.sql.Column or str")
    if not isinstance(jsonFormatSchema, str):
        _invalid_type("jsonFormatSchema", "str")
    if jsonFormatSchema == "":
        return _args("to_avro", _col_expr(data))
    return _args("to_avro", _col_expr(data), _lit(jsonFormatSchema))
