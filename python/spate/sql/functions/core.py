"""Columns and literals by name, SQL expression text, calls by name, sort orders."""

from __future__ import annotations

from typing import Any, Dict, Optional, Union  # noqa: F401

from spate import _native  # noqa: F401
from spate.errors import PySparkTypeError, _raise, _type_name  # noqa: F401
from spate.sql.column import Column, _col_expr, _flatten  # noqa: F401
from spate.sql.functions._common import ColumnOrName, _args, _invoke, _lit, _options_map  # noqa: F401


def col(col: str) -> Column:
    """A column by name: ``col("a")``, ``col("t.a")``, ``col("s.field")``, ``col("*")``."""
    if not isinstance(col, str):
        _raise(PySparkTypeError, "NOT_STR", "Argument `col` should be a str, got %s." % _type_name(col),
               arg_name="col", arg_type=_type_name(col))
    return Column(_native.Expr.col(col))


column = col


def lit(col: Any) -> Column:
    """A literal: ``lit(1)`` is INT, ``lit(2**40)`` BIGINT, ``lit(1.5)`` DOUBLE, ``lit("x")`` STRING,
    ``lit(None)`` NULL, ``lit([1, 2])`` an array. A Column is returned as is."""
    if isinstance(col, Column):
        return col
    return Column(_lit(col))


def expr(str: str) -> Column:  # noqa: A002 - PySpark's parameter name
    """A column from Spark SQL expression text: ``expr("a + 1 AS b")``. Raises ParseException
    at once when the text does not parse. A ``TIMESTAMP '...'`` literal without a zone is read
    in the active session's time zone as it is now (Spark: when the column is analyzed)."""
    from spate.sql.session import SparkSession

    session = SparkSession.getActiveSession()
    zone = session.conf.get("spark.sql.session.timeZone") if session is not None else "UTC"
    return Column(_native.parse_expression(str, zone or "UTC"))


def call_function(funcName: str, *cols: ColumnOrName) -> Column:
    """Any function of the engine by name: ``call_function("upper", "name")``."""
    return _invoke(funcName, *cols)


def asc(col: ColumnOrName) -> Column: return Column(_col_expr(col)).asc()
def asc_nulls_first(col: ColumnOrName) -> Column: return Column(_col_expr(col)).asc_nulls_first()
def asc_nulls_last(col: ColumnOrName) -> Column: return Column(_col_expr(col)).asc_nulls_last()
def desc(col: ColumnOrName) -> Column: return Column(_col_expr(col)).desc()
def desc_nulls_first(col: ColumnOrName) -> Column: return Column(_col_expr(col)).desc_nulls_first()
def desc_nulls_last(col: ColumnOrName) -> Column: return Column(_col_expr(col)).desc_nulls_last()
