"""Sketch functions: Spark's bitmaps, and DataSketches' Theta and HLL sketches as BINARY."""

from __future__ import annotations

from typing import Optional, Union

from spate.sql.column import Column, _col_expr
from spate.sql.functions._common import ColumnOrName, _args, _invoke, _lit


def _with_option(name: str, cols: tuple, option) -> Column:
    """name(cols..., option): the option (a Column or a Python value) only when given."""
    args = [_col_expr(c) for c in cols]
    if option is not None:
        args.append(_lit(option))
    return _args(name, *args)


def bitmap_bit_position(col: ColumnOrName) -> Column: return _invoke("bitmap_bit_position", col)
def bitmap_bucket_number(col: ColumnOrName) -> Column: return _invoke("bitmap_bucket_number", col)
def bitmap_construct_agg(col: ColumnOrName) -> Column: return _invoke("bitmap_construct_agg", col)
def bitmap_count(col: ColumnOrName) -> Column: return _invoke("bitmap_count", col)
def bitmap_or_agg(col: ColumnOrName) -> Column: return _invoke("bitmap_or_agg", col)
def bitmap_and_agg(col: ColumnOrName) -> Column: return _invoke("bitmap_and_agg", col)


def theta_sketch_agg(col: ColumnOrName, lgNomEntries: Optional[Union[Column, int]] = None) -> Column:
    return _with_option("theta_sketch_agg", (col,), lgNomEntries)


def theta_union_agg(col: ColumnOrName, lgNomEntries: Optional[Union[Column, int]] = None) -> Column:
    return _with_option("theta_union_agg", (col,), lgNomEntries)


def theta_intersection_agg(col: ColumnOrName) -> Column: return _invoke("theta_intersection_agg", col)


def theta_union(col1: ColumnOrName, col2: ColumnOrName,
                lgNomEntries: Optional[Union[Column, int]] = None) -> Column:
    return _with_option("theta_union", (col1, col2), lgNomEntries)


def theta_intersection(col1: ColumnOrName, col2: ColumnOrName) -> Column:
    return _invoke("theta_intersection", col1, col2)


def theta_difference(col1: ColumnOrName, col2: ColumnOrName) -> Column:
    return _invoke("theta_difference", col1, col2)


def theta_sketch_estimate(col: ColumnOrName) -> Column: return _invoke("theta_sketch_estimate", col)
