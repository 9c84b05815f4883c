"""Window functions: row_number, rank, dense_rank, lag, lead, ntile, ..."""

from __future__ import annotations

from typing import Any, Dict, Optional, Union  # noqa: F401

from spate import _native  # noqa: F401
from spate.errors import PySparkTypeError, _raise, _type_name  # noqa: F401
from spate.sql.column import Column, _col_expr, _flatten  # noqa: F401
from spate.sql.functions._common import ColumnOrName, _args, _invoke, _lit, _options_map  # noqa: F401




# Ranking functions: over a window ordered by ORDER BY, one pass per partition.


def row_number() -> Column:
    return _args("row_number")


def rank() -> Column:
    return _args("rank")


def dense_rank() -> Column:
    return _args("dense_rank")


def percent_rank() -> Column:
    return _args("percent_rank")


def cume_dist() -> Column:
    return _args("cume_dist")


def ntile(n: int) -> Column:
    return _args("ntile", _lit(n))


# Offset functions: the value `offset` rows before (lag) or after (lead) the
# current row within its partition, or `default` when there is no such row.


def lag(col: ColumnOrName, offset: int = 1, default: Optional[Any] = None) -> Column:
    return _args("lag", _col_expr(col), _lit(offset), _lit(default))


def lead(col: ColumnOrName, offset: int = 1, default: Optional[Any] = None) -> Column:
    return _args("lead", _col_expr(col), _lit(offset), _lit(default))


def nth_value(col: ColumnOrName, offset: int, ignoreNulls: Optional[bool] = False) -> Column:
    return _args("nth_value", _col_expr(col), _lit(offset), _lit(ignoreNulls))
