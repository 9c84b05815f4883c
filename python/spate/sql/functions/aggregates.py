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


def grouping(col: ColumnOrName) -> Column:
    """In an aggregation by ``rollup``, ``cube`` or grouping sets: 1 when the row's grouping
    set leaves ``col`` out (a subtotal over it), else 0, as a TINYINT."""
    return _invoke("grouping", col)


def grouping_id(*cols: ColumnOrName) -> Column:
    """The row's grouping set as a BIGINT bit mask, one bit per grouping column (the first
    column is the highest bit, set when the set leaves it out). ``cols``, when given, must be
    all the grouping columns in order."""
    return _args("grouping_id", *[_col_expr(c) for c in _flatten(cols)])


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


approxCountDistinct = approx_count_distinct


def _distinct(name: str, *cols: ColumnOrName) -> Column:
    return _args(name, *[_col_expr(c) for c in cols], distinct=True)


def sum_distinct(col: ColumnOrName) -> Column: return _distinct("sum", col)


sumDistinct = sum_distinct


def _ignore_nulls(name: str, col: ColumnOrName, ignoreNulls: Optional[Union[bool, Column]]) -> Column:
    """``name(col [, ignoreNulls])``: ignoreNulls a bool or a BOOLEAN Column."""
    if ignoreNulls is None:
        return _invoke(name, col)
    flag = _lit(ignoreNulls) if isinstance(ignoreNulls, bool) else _col_expr(ignoreNulls)
    return _args(name, _col_expr(col), flag)


def any_value(col: ColumnOrName, ignoreNulls: Optional[Union[bool, Column]] = None) -> Column:
    return _ignore_nulls("any_value", col, ignoreNulls)


def first_value(col: ColumnOrName, ignoreNulls: Optional[Union[bool, Column]] = None) -> Column:
    return _ignore_nulls("first_value", col, ignoreNulls)


def last_value(col: ColumnOrName, ignoreNulls: Optional[Union[bool, Column]] = None) -> Column:
    return _ignore_nulls("last_value", col, ignoreNulls)


# One-argument aggregates: name(col).
def array_agg(col: ColumnOrName) -> Column: return _invoke("array_agg", col)
def median(col: ColumnOrName) -> Column: return _invoke("median", col)
def count_if(col: ColumnOrName) -> Column: return _invoke("count_if", col)
def bit_and(col: ColumnOrName) -> Column: return _invoke("bit_and", col)
def bit_or(col: ColumnOrName) -> Column: return _invoke("bit_or", col)
def bit_xor(col: ColumnOrName) -> Column: return _invoke("bit_xor", col)
def bool_and(col: ColumnOrName) -> Column: return _invoke("bool_and", col)
def bool_or(col: ColumnOrName) -> Column: return _invoke("bool_or", col)
def every(col: ColumnOrName) -> Column: return _invoke("every", col)
def some(col: ColumnOrName) -> Column: return _invoke("some", col)
def kurtosis(col: ColumnOrName) -> Column: return _invoke("kurtosis", col)
def skewness(col: ColumnOrName) -> Column: return _invoke("skewness", col)
def stddev(col: ColumnOrName) -> Column: return _invoke("stddev", col)
def std(col: ColumnOrName) -> Column: return _invoke("std", col)
def stddev_pop(col: ColumnOrName) -> Column: return _invoke("stddev_pop", col)
def stddev_samp(col: ColumnOrName) -> Column: return _invoke("stddev_samp", col)
def variance(col: ColumnOrName) -> Column: return _invoke("variance", col)
def var_pop(col: ColumnOrName) -> Column: return _invoke("var_pop", col)
def var_samp(col: ColumnOrName) -> Column: return _invoke("var_samp", col)
def product(col: ColumnOrName) -> Column: return _invoke("product", col)
def try_avg(col: ColumnOrName) -> Column: return _invoke("try_avg", col)
def try_sum(col: ColumnOrName) -> Column: return _invoke("try_sum", col)


# Two-column aggregates: name(col1, col2).
def corr(col1: ColumnOrName, col2: ColumnOrName) -> Column: return _invoke("corr", col1, col2)
def covar_pop(col1: ColumnOrName, col2: ColumnOrName) -> Column: return _invoke("covar_pop", col1, col2)
def covar_samp(col1: ColumnOrName, col2: ColumnOrName) -> Column: return _invoke("covar_samp", col1, col2)
def max_by(col: ColumnOrName, ord: ColumnOrName) -> Column: return _invoke("max_by", col, ord)  # noqa: A002
def min_by(col: ColumnOrName, ord: ColumnOrName) -> Column: return _invoke("min_by", col, ord)  # noqa: A002
def regr_avgx(y: ColumnOrName, x: ColumnOrName) -> Column: return _invoke("regr_avgx", y, x)
def regr_avgy(y: ColumnOrName, x: ColumnOrName) -> Column: return _invoke("regr_avgy", y, x)
def regr_count(y: ColumnOrName, x: ColumnOrName) -> Column: return _invoke("regr_count", y, x)
def regr_intercept(y: ColumnOrName, x: ColumnOrName) -> Column: return _invoke("regr_intercept", y, x)
def regr_r2(y: ColumnOrName, x: ColumnOrName) -> Column: return _invoke("regr_r2", y, x)
def regr_slope(y: ColumnOrName, x: ColumnOrName) -> Column: return _invoke("regr_slope", y, x)
def regr_sxx(y: ColumnOrName, x: ColumnOrName) -> Column: return _invoke("regr_sxx", y, x)
def regr_sxy(y: ColumnOrName, x: ColumnOrName) -> Column: return _invoke("regr_sxy", y, x)
def regr_syy(y: ColumnOrName, x: ColumnOrName) -> Column: return _invoke("regr_syy", y, x)


def _value(v: Any) -> Any:
    """A Column, or a literal of a plain value (a list or tuple becomes an array)."""
    if isinstance(v, Column):
        return _col_expr(v)
    return _lit(list(v) if isinstance(v, (list, tuple)) else v)


def percentile(col: ColumnOrName, percentage: Any, frequency: Union[Column, int] = 1) -> Column:
    return _args("percentile", _col_expr(col), _value(percentage), _value(frequency))


def percentile_approx(col: ColumnOrName, percentage: Any, accuracy: Union[Column, int] = 10000) -> Column:
    return _args("percentile_approx", _col_expr(col), _value(percentage), _value(accuracy))


def approx_percentile(col: ColumnOrName, percentage: Any, accuracy: Union[Column, int] = 10000) -> Column:
    return _args("approx_percentile", _col_expr(col), _value(percentage), _value(accuracy))


def mode(col: ColumnOrName, deterministic: bool = False) -> Column:
    return _args("mode", _col_expr(col), _lit(deterministic))


def _listagg(name: str, distinct: bool, col: ColumnOrName, delimiter: Any) -> Column:
    args = [_col_expr(col)]
    if delimiter is not None:
        args.append(_value(delimiter))
    return _args(name, *args, distinct=distinct)


def listagg(col: ColumnOrName, delimiter: Optional[Union[Column, str, bytes]] = None) -> Column:
    return _listagg("listagg", False, col, delimiter)


def listagg_distinct(col: ColumnOrName, delimiter: Optional[Union[Column, str, bytes]] = None) -> Column:
    return _listagg("listagg", True, col, delimiter)


def string_agg(col: ColumnOrName, delimiter: Optional[Union[Column, str, bytes]] = None) -> Column:
    return _listagg("string_agg", False, col, delimiter)


def string_agg_distinct(col: ColumnOrName, delimiter: Optional[Union[Column, str, bytes]] = None) -> Column:
    return _listagg("string_agg", True, col, delimiter)


def histogram_numeric(col: ColumnOrName, nBins: Column) -> Column:
    return _args("histogram_numeric", _col_expr(col), _value(nBins))


def count_min_sketch(col: ColumnOrName, eps: Union[Column, float], confidence: Union[Column, float],
                     seed: Optional[Union[Column, int]] = None) -> Column:
    """Without a seed, a random one (as PySpark's)."""
    if seed is None:
        import random
        seed = random.getrandbits(31)
    return _args("count_min_sketch", _col_expr(col), _value(eps), _value(confidence), _value(seed))
