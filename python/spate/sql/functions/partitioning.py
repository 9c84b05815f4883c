"""Partition transforms, as ``pyspark.sql.functions.partitioning``: the terms of
``df.writeTo(table).partitionedBy(...)`` (Iceberg's year, month, day, hour and
bucket[N] transforms). Computed in a query they fail with
PARTITION_TRANSFORM_EXPRESSION_NOT_IN_PARTITIONED_BY, as in Spark."""

from __future__ import annotations

from typing import Union

from spate import _native
from spate.errors import PySparkTypeError, _raise, _type_name
from spate.sql.column import Column, _col_expr
from spate.sql.functions._common import ColumnOrName, _lit


def _transform(name: str, *args: _native.Expr) -> Column:
    return Column(_native.Expr.call("__partition_transform__", [_lit(name), *args]))


def years(col: ColumnOrName) -> Column: return _transform("years", _col_expr(col))
def months(col: ColumnOrName) -> Column: return _transform("months", _col_expr(col))
def days(col: ColumnOrName) -> Column: return _transform("days", _col_expr(col))
def hours(col: ColumnOrName) -> Column: return _transform("hours", _col_expr(col))


def bucket(numBuckets: Union[Column, int], col: ColumnOrName) -> Column:
    """Rows hashed into ``numBuckets`` buckets by ``col`` (Iceberg's bucket[N])."""
    if not isinstance(numBuckets, (int, Column)):
        _raise(PySparkTypeError, "NOT_COLUMN_OR_INT", "Argument `numBuckets` should be a Column or int, got %s."
               % _type_name(numBuckets), arg_name="numBuckets", arg_type=_type_name(numBuckets))
    count = numBuckets._jc if isinstance(numBuckets, Column) else _lit(numBuckets)
    return _transform("bucket", count, _col_expr(col))
