"""XML text: the XPath functions (xpath, xpath_string, xpath_int, ...), from_xml, to_xml and
schema_of_xml."""

from __future__ import annotations

from typing import Dict, Optional, Union

from spate.errors import PySparkTypeError, _raise, _type_name
from spate.sql.column import Column, _col_expr
from spate.sql.functions._common import ColumnOrName, _args, _invoke, _lit, _options_map
from spate.sql.functions.json import _str_or_column
from spate.sql.types import StructType


def from_xml(col: ColumnOrName, schema: Union[StructType, Column, str],
             options: Optional[Dict[str, str]] = None) -> Column:
    """Parses an XML record column with ``schema`` (a StructType, a DDL string or a Column)."""
    if isinstance(schema, StructType):
        schema_expr = _lit(schema.json())
    elif isinstance(schema, str):
        schema_expr = _lit(schema)
    elif isinstance(schema, Column):
        schema_expr = schema._jc
    else:
        _raise(PySparkTypeError, "NOT_COLUMN_OR_STR_OR_STRUCT",
               "Argument `schema` should be a StructType, Column or str, got %s." % _type_name(schema),
               arg_name="schema", arg_type=_type_name(schema))
    return _args("from_xml", _col_expr(col), schema_expr, *_options_map(options))


def to_xml(col: ColumnOrName, options: Optional[Dict[str, str]] = None) -> Column:
    """A struct column as one XML record per row (Spark's XML writer options)."""
    return _args("to_xml", _col_expr(col), *_options_map(options))


def schema_of_xml(xml: Union[Column, str], options: Optional[Dict[str, str]] = None) -> Column:
    """The schema (DDL) Spark infers from a constant XML record."""
    return _args("schema_of_xml", _str_or_column(xml, "xml"), *_options_map(options))


def xpath(xml: ColumnOrName, path: ColumnOrName) -> Column:
    """The values of the nodes ``path`` selects, as an array of strings."""
    return _invoke("xpath", xml, path)


def xpath_string(xml: ColumnOrName, path: ColumnOrName) -> Column:
    return _invoke("xpath_string", xml, path)


def xpath_boolean(xml: ColumnOrName, path: ColumnOrName) -> Column:
    return _invoke("xpath_boolean", xml, path)


def xpath_short(xml: ColumnOrName, path: ColumnOrName) -> Column:
    return _invoke("xpath_short", xml, path)


def xpath_int(xml: ColumnOrName, path: ColumnOrName) -> Column:
    return _invoke("xpath_int", xml, path)


def xpath_long(xml: ColumnOrName, path: ColumnOrName) -> Column:
    return _invoke("xpath_long", xml, path)


def xpath_float(xml: ColumnOrName, path: ColumnOrName) -> Column:
    return _invoke("xpath_float", xml, path)


def xpath_double(xml: ColumnOrName, path: ColumnOrName) -> Column:
    return _invoke("xpath_double", xml, path)


def xpath_number(xml: ColumnOrName, path: ColumnOrName) -> Column:
    return _invoke("xpath_number", xml, path)
