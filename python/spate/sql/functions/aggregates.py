"""Aggregate functions: count, sum, avg, min, max, collect_list, ..."""

from __future__ import annotations

from typing import Any, Dict, Optional, Union  # noqa: F401

from spate import _native  # noqa: F401
from spate.errors import PySparkTypeError, _raise, _type_name  # noqa: F401
from spate.sql.column import Column, _col_expr, _flatten  # noqa: F401
from spate.sql.functions._common import ColumnOrName, _args, _invoke, _lit, _options_map  # noqa: F401


def count(col: ColumnOrName) -> Column:
    """``count(col)``; ``count("*")`` counts rows (named ``count(1)``)."""
    if isinstance(col, str) and col == "*":
        return _args("count", _native.Expr.star([]))
    return _invoke("count", col)


def count_distinct(col: ColumnOrName, *cols: ColumnOrName) -> Column:
    """``count(DISTINCT col, ...)``."""
    return _args("count", *[_col_expr(c) for c in (col,) + cols], distinct=True)


countDistinct = count_distinct


def sum(col: ColumnOrName) -> Column: return _invoke("sum", col)  # noqa: A001
def avg(col: ColumnOrName) -> Column: return _invoke("avg", col)
def mean(col: ColumnOrName) -> Column: return _invoke("mean", col)
def min(col: ColumnOrName) -> Column: return _invoke("min", col)  # noqa: A001
def max(col: ColumnOrName) -> Column: return _invoke("max", col)  # noqa: A001
def collect_list(col: ColumnOrName) -> Column: return _invoke("collect_list", col)
def collect_set(col: ColumnOrName) -> Column: return _invoke("collect_set", col)


def first(col: ColumnOrName, ignorenulls: bool = False) -> Column:
    if not ignorenulls:
        return _invoke("first", col)
    return _args("first", _col_expr(col), _lit(True))


def last(col: ColumnOrName, ignorenulls: bool = False) -> Column:
    if not ignorenulls:
        return _invoke("last", col)
    return _args("last", _col_expr(col), _lit(True))


def approx_count_distinct(col: ColumnOrName, rsd: Optional[float] = None) -> Column:
    if rsd is None:
        return _invoke("approx_count_distinct", col)
    return _args("approx_count_distinct", _col_expr(col), _lit(float(rsd)))
