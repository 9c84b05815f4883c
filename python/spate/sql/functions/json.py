"""JSON and CSV text: from_json, to_json, get_json_object, ..."""

from __future__ import annotations

from typing import Any, Dict, Optional, Union  # noqa: F401

from spate import _native  # noqa: F401
from spate.errors import PySparkTypeError, PySparkValueError, _raise, _type_name  # noqa: F401
from spate.sql.column import Column, _col_expr, _flatten  # noqa: F401
from spate.sql.functions._common import ColumnOrName, _args, _invoke, _lit, _options_map  # noqa: F401
from spate.sql.types import DataType, StructType  # noqa: F401


def from_json(col: ColumnOrName, schema: Union[StructType, DataType, Column, str],
              options: Optional[Dict[str, str]] = None) -> Column:
    """Parses a JSON string column with ``schema`` (a DataType, a DDL string or a Column)."""
    if isinstance(schema, DataType):
        schema_expr = _lit(schema.json())
    elif isinstance(schema, str):
        schema_expr = _lit(schema)
    elif isinstance(schema, Column):
        schema_expr = schema._jc
    else:
        _raise(PySparkTypeError, "NOT_COLUMN_OR_DATATYPE_OR_STR",
               "Argument `schema` should be a Column or DataType or str, got %s." % _type_name(schema))
    return _args("from_json", _col_expr(col), schema_expr, *_options_map(options))


def to_json(col: ColumnOrName, options: Optional[Dict[str, str]] = None) -> Column:
    return _args("to_json", _col_expr(col), *_options_map(options))


def get_json_object(col: ColumnOrName, path: str) -> Column:
    return _args("get_json_object", _col_expr(col), _lit(path))


def _str_or_column(value: Any, arg_name: str) -> _native.Expr:
    """A literal string or a Column (PySpark's NOT_COLUMN_OR_STR check)."""
    if isinstance(value, Column):
        return value._jc
    if isinstance(value, str):
        return _lit(value)
    _raise(PySparkTypeError, "NOT_COLUMN_OR_STR", "Argument `%s` should be a Column or str, got %s."
           % (arg_name, _type_name(value)), arg_name=arg_name, arg_type=_type_name(value))


def json_tuple(col: ColumnOrName, *fields: str) -> Column:
    """The top-level fields ``fields`` of a JSON string column, as columns c0, c1, ..."""
    if len(fields) == 0:
        _raise(PySparkValueError, "CANNOT_BE_EMPTY", "At least one field must be specified.",
               item="field")
    return _args("json_tuple", _col_expr(col), *[_lit(f) for f in fields])


def schema_of_json(json: Union[Column, str], options: Optional[Dict[str, str]] = None) -> Column:
    """The schema (DDL) Spark infers from a constant JSON text."""
    return _args("schema_of_json", _str_or_column(json, "json"), *_options_map(options))


def json_array_length(col: ColumnOrName) -> Column: return _invoke("json_array_length", col)
def json_object_keys(col: ColumnOrName) -> Column: return _invoke("json_object_keys", col)


def from_csv(col: ColumnOrName, schema: Union[Column, str],
             options: Optional[Dict[str, str]] = None) -> Column:
    """Parses a CSV string column with ``schema`` (a DDL string or a string Column)."""
    return _args("from_csv", _col_expr(col), _str_or_column(schema, "schema"), *_options_map(options))


def to_csv(col: ColumnOrName, options: Optional[Dict[str, str]] = None) -> Column:
    """A struct column as one CSV record."""
    return _args("to_csv", _col_expr(col), *_options_map(options))


def schema_of_csv(csv: Union[Column, str], options: Optional[Dict[str, str]] = None) -> Column:
    """The schema (DDL) Spark infers from a constant CSV record."""
    return _args("schema_of_csv", _str_or_column(csv, "csv"), *_options_map(options))
