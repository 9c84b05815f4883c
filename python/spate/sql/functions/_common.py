"""What the function families share: argument conversion and call construction."""

from __future__ import annotations

from typing import Any, Dict, Optional, Union

import pyarrow as pa

from spate import _native
from spate.errors import PySparkTypeError, _raise, _type_name
from spate.sql.column import Column, _col_expr, _expr, _flatten

ColumnOrName = Union[Column, str]


def _invoke(name: str, *cols: ColumnOrName) -> Column:
    """name(cols...) where every argument is a Column or a column name."""
    return Column(_native.Expr.call(name, [_col_expr(c) for c in cols]))


def _args(name: str, *args: _native.Expr, distinct: bool = False) -> Column:
    return Column(_native.Expr.call(name, list(args), distinct))


def _lit(value: Any) -> _native.Expr:
    return _expr(value)


def _options_map(options: Optional[Dict[str, Any]]) -> list:
    """Reader options as one MAP<STRING, STRING> literal (what from_json/to_json take)."""
    if not options:
        return []
    if not isinstance(options, dict):
        _raise(PySparkTypeError, "NOT_DICT", "Argument `options` should be a dict, got %s."
               % _type_name(options), arg_name="options", arg_type=_type_name(options))
    pairs = [(str(k), str(v).lower() if isinstance(v, bool) else str(v)) for k, v in options.items()]
    array = pa.array([pairs], type=pa.map_(pa.string(), pa.string()))
    return [_native.Expr.arrow(*array.__arrow_c_array__())]
