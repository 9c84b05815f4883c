"""KLL quantile sketches (Spark 4.1): kll_sketch_agg_* / kll_merge_agg_* make BINARY sketches
that Spark reads too; kll_sketch_get_n_*, _get_quantile_*, _get_rank_*, _merge_*, _to_string_*
read them. Each comes for BIGINT, DOUBLE and FLOAT items."""

from __future__ import annotations

from typing import Optional, Union

from spate.sql.column import Column, _col_expr
from spate.sql.functions._common import ColumnOrName, _args, _invoke, _lit


def _agg(name: str, col: ColumnOrName, k: Optional[Union[Column, int]]) -> Column:
    if k is None:
        return _invoke(name, col)
    return _args(name, _col_expr(col), _lit(k))


def kll_sketch_agg_bigint(col: ColumnOrName, k: Optional[Union[Column, int]] = None) -> Column:
    return _agg("kll_sketch_agg_bigint", col, k)


def kll_sketch_agg_double(col: ColumnOrName, k: Optional[Union[Column, int]] = None) -> Column:
    return _agg("kll_sketch_agg_double", col, k)


def kll_sketch_agg_float(col: ColumnOrName, k: Optional[Union[Column, int]] = None) -> Column:
    return _agg("kll_sketch_agg_float", col, k)


def kll_merge_agg_bigint(col: ColumnOrName, k: Optional[Union[Column, int]] = None) -> Column:
    return _agg("kll_merge_agg_bigint", col, k)


def kll_merge_agg_double(col: ColumnOrName, k: Optional[Union[Column, int]] = None) -> Column:
    return _agg("kll_merge_agg_double", col, k)


def kll_merge_agg_float(col: ColumnOrName, k: Optional[Union[Column, int]] = None) -> Column:
    return _agg("kll_merge_agg_float", col, k)


def kll_sketch_merge_bigint(left: ColumnOrName, right: ColumnOrName) -> Column:
    return _invoke("kll_sketch_merge_bigint", left, right)


def kll_sketch_merge_double(left: ColumnOrName, right: ColumnOrName) -> Column:
    return _invoke("kll_sketch_merge_double", left, right)


def kll_sketch_merge_float(left: ColumnOrName, right: ColumnOrName) -> Column:
    return _invoke("kll_sketch_merge_float", left, right)


def kll_sketch_get_n_bigint(col: ColumnOrName) -> Column: return _invoke("kll_sketch_get_n_bigint", col)
def kll_sketch_get_n_double(col: ColumnOrName) -> Column: return _invoke("kll_sketch_get_n_double", col)
def kll_sketch_get_n_float(col: ColumnOrName) -> Column: return _invoke("kll_sketch_get_n_float", col)


def kll_sketch_to_string_bigint(col: ColumnOrName) -> Column:
    return _invoke("kll_sketch_to_string_bigint", col)


def kll_sketch_to_string_double(col: ColumnOrName) -> Column:
    return _invoke("kll_sketch_to_string_double", col)


def kll_sketch_to_string_float(col: ColumnOrName) -> Column:
    return _invoke("kll_sketch_to_string_float", col)


def kll_sketch_get_quantile_bigint(sketch: ColumnOrName, rank: ColumnOrName) -> Column:
    """``rank``: a Column (``lit(0.5)``, ``array(lit(0.25), lit(0.75))``) or a column name."""
    return _invoke("kll_sketch_get_quantile_bigint", sketch, rank)


def kll_sketch_get_quantile_double(sketch: ColumnOrName, rank: ColumnOrName) -> Column:
    return _invoke("kll_sketch_get_quantile_double", sketch, rank)


def kll_sketch_get_quantile_float(sketch: ColumnOrName, rank: ColumnOrName) -> Column:
    return _invoke("kll_sketch_get_quantile_float", sketch, rank)


def kll_sketch_get_rank_bigint(sketch: ColumnOrName, quantile: ColumnOrName) -> Column:
    """``quantile``: a Column (``lit(3)``, ``array(lit(1), lit(5))``) or a column name."""
    return _invoke("kll_sketch_get_rank_bigint", sketch, quantile)


def kll_sketch_get_rank_double(sketch: ColumnOrName, quantile: ColumnOrName) -> Column:
    return _invoke("kll_sketch_get_rank_double", sketch, quantile)


def kll_sketch_get_rank_float(sketch: ColumnOrName, quantile: ColumnOrName) -> Column:
    return _invoke("kll_sketch_get_rank_float", sketch, quantile)
