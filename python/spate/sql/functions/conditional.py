"""Conditionals and NULL handling: when, coalesce, nvl, greatest, ..."""

from __future__ import annotations

from typing import Any, Dict, Optional, Union  # noqa: F401

from spate import _native  # noqa: F401
from spate.errors import PySparkTypeError, _raise, _type_name  # noqa: F401
from spate.sql.column import Column, _col_expr, _flatten  # noqa: F401
from spate.sql.functions._common import ColumnOrName, _args, _invoke, _lit, _options_map  # noqa: F401


def when(condition: Column, value: Any) -> Column:
    """``CASE WHEN condition THEN value``; chain ``.when(...)`` and ``.otherwise(...)``."""
    if not isinstance(condition, Column):
        _raise(PySparkTypeError, "NOT_COLUMN", "Argument `condition` should be a Column, got %s."
               % _type_name(condition), arg_name="condition", arg_type=_type_name(condition))
    return _args("casewhen", condition._jc, _lit(value))


def coalesce(*cols: ColumnOrName) -> Column: return _invoke("coalesce", *_flatten(cols))
def isnull(col: ColumnOrName) -> Column: return _invoke("isnull", col)
def isnotnull(col: ColumnOrName) -> Column: return _invoke("isnotnull", col)
def nullif(col1: ColumnOrName, col2: ColumnOrName) -> Column: return _invoke("nullif", col1, col2)
def nvl(col1: ColumnOrName, col2: ColumnOrName) -> Column: return _invoke("nvl", col1, col2)
def ifnull(col1: ColumnOrName, col2: ColumnOrName) -> Column: return _invoke("ifnull", col1, col2)
def greatest(*cols: ColumnOrName) -> Column: return _invoke("greatest", *_flatten(cols))
def least(*cols: ColumnOrName) -> Column: return _invoke("least", *_flatten(cols))
def equal_null(col1: ColumnOrName, col2: ColumnOrName) -> Column: return _invoke("equal_null", col1, col2)


def nvl2(col1: ColumnOrName, col2: ColumnOrName, col3: ColumnOrName) -> Column:
    return _invoke("nvl2", col1, col2, col3)
