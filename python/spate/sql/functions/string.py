"""String functions: upper, trim, concat_ws, substring, split, regexp_*, ..."""

from __future__ import annotations

from typing import Any, Dict, Optional, Union  # noqa: F401

from spate import _native  # noqa: F401
from spate.errors import PySparkTypeError, _raise, _type_name  # noqa: F401
from spate.sql.column import Column, _col_expr, _flatten  # noqa: F401
from spate.sql.functions._common import ColumnOrName, _args, _invoke, _lit, _options_map  # noqa: F401


def upper(col: ColumnOrName) -> Column: return _invoke("upper", col)
def lower(col: ColumnOrName) -> Column: return _invoke("lower", col)
def length(col: ColumnOrName) -> Column: return _invoke("length", col)
def trim(col: ColumnOrName) -> Column: return _invoke("trim", col)
def ltrim(col: ColumnOrName) -> Column: return _invoke("ltrim", col)
def rtrim(col: ColumnOrName) -> Column: return _invoke("rtrim", col)
def concat(*cols: ColumnOrName) -> Column: return _invoke("concat", *_flatten(cols))


def concat_ws(sep: str, *cols: ColumnOrName) -> Column:
    """The columns joined by ``sep``, skipping NULLs."""
    return _args("concat_ws", _lit(sep), *[_col_expr(c) for c in _flatten(cols)])


def substring(str: ColumnOrName, pos: Union[int, Column], len: Union[int, Column]) -> Column:  # noqa: A002
    """``len`` characters from 1-based position ``pos``."""
    return _args("substring", _col_expr(str, "str"), _lit(pos), _lit(len))


def split(str: ColumnOrName, pattern: str, limit: int = -1) -> Column:  # noqa: A002
    return _args("split", _col_expr(str, "str"), _lit(pattern), _lit(limit))


def regexp_extract(str: ColumnOrName, pattern: str, idx: int) -> Column:  # noqa: A002
    return _args("regexp_extract", _col_expr(str, "str"), _lit(pattern), _lit(idx))


def regexp_replace(string: ColumnOrName, pattern: Union[str, Column],
                   replacement: Union[str, Column]) -> Column:
    return _args("regexp_replace", _col_expr(string, "string"), _lit(pattern), _lit(replacement))
