"""Structs, arrays and maps: struct, array, create_map, explode, element_at, ..."""

from __future__ import annotations

from typing import Any, Dict, Optional, Union  # noqa: F401

from spate import _native  # noqa: F401
from spate.errors import PySparkTypeError, _raise, _type_name  # noqa: F401
from spate.sql.column import Column, _col_expr, _flatten  # noqa: F401
from spate.sql.functions._common import ColumnOrName, _args, _invoke, _lit, _options_map  # noqa: F401


def struct(*cols: ColumnOrName) -> Column: return _invoke("struct", *_flatten(cols))
def named_struct(*cols: ColumnOrName) -> Column: return _invoke("named_struct", *cols)
def array(*cols: ColumnOrName) -> Column: return _invoke("array", *_flatten(cols))
def create_map(*cols: ColumnOrName) -> Column: return _invoke("map", *_flatten(cols))
def explode(col: ColumnOrName) -> Column: return _invoke("explode", col)
def explode_outer(col: ColumnOrName) -> Column: return _invoke("explode_outer", col)
def posexplode(col: ColumnOrName) -> Column: return _invoke("posexplode", col)
def size(col: ColumnOrName) -> Column: return _invoke("size", col)


def element_at(col: ColumnOrName, extraction: Any) -> Column:
    """The 1-based element of an array or the value of a map key."""
    return _args("element_at", _col_expr(col), _lit(extraction))


def array_contains(col: ColumnOrName, value: Any) -> Column:
    return _args("array_contains", _col_expr(col), _lit(value))
