"""``pyspark.sql.Window`` and ``WindowSpec``: the window a ``Column.over`` call computes over.

A window expression is built as the engine's ``__window__`` call (see src/spate/expr/window_expr.h):
the function, its PARTITION BY and ORDER BY columns and its frame.
"""

from __future__ import annotations

import sys
from typing import List, Optional, Sequence, Tuple, Union

from spate import _native
from spate.sql.column import Column, _col_expr, _expr

ColumnOrName = Union[Column, str]

_JVM_LONG_MIN = -(1 << 63)
_JVM_LONG_MAX = (1 << 63) - 1


def _cols(cols: Sequence) -> List[_native.Expr]:
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        cols = cols[0]
    return [_col_expr(c) for c in cols]


def _bound(value: int, unbounded: str) -> Tuple[str, Optional[int]]:
    """A DataFrame frame boundary as Spark reads it: Long.MinValue / Long.MaxValue are
    unbounded, 0 the current row, anything else an offset (shown as "n FOLLOWING")."""
    if value in (_JVM_LONG_MIN, _JVM_LONG_MAX):
        return unbounded, None
    if value == 0:
        return "CURRENT ROW", None
    return "OFFSET", value


class WindowSpec:
    """A window specification: partitioning, ordering and frame."""

    def __init__(self, partition: Optional[List[_native.Expr]] = None,
                 order: Optional[List[_native.Expr]] = None,
                 frame: Tuple[str, Tuple[str, Optional[int]], Tuple[str, Optional[int]]] = (
                     "", ("UNBOUNDED PRECEDING", None), ("CURRENT ROW", None))) -> None:
        self._partition = partition or []
        self._order = order or []
        self._frame = frame

    def partitionBy(self, *cols: Union[ColumnOrName, Sequence[ColumnOrName]]) -> "WindowSpec":
        return WindowSpec(_cols(cols), self._order, self._frame)

    def orderBy(self, *cols: Union[ColumnOrName, Sequence[ColumnOrName]]) -> "WindowSpec":
        return WindowSpec(self._partition, _cols(cols), self._frame)

    def _between(self, kind: str, start: int, end: int) -> "WindowSpec":
        if start <= Window._PRECEDING_THRESHOLD:
            start = Window.unboundedPreceding
        if end >= Window._FOLLOWING_THRESHOLD:
            end = Window.unboundedFollowing
        frame = (kind, _bound(start, "UNBOUNDED PRECEDING"), _bound(end, "UNBOUNDED FOLLOWING"))
        return WindowSpec(self._partition, self._order, frame)

    def rowsBetween(self, start: int, end: int) -> "WindowSpec":
        return self._between("ROWS", start, end)

    def rangeBetween(self, start: int, end: int) -> "WindowSpec":
        return self._between("RANGE", start, end)

    def _over(self, function: _native.Expr) -> _native.Expr:
        kind, (lower, lower_value), (upper, upper_value) = self._frame

        def value(v: Optional[int]) -> _native.Expr:
            return _native.Expr.null() if v is None else _expr(v)

        frame = _native.Expr.call("__frame__", [
            _native.Expr.string(kind), _native.Expr.string(lower), value(lower_value),
            _native.Expr.string(upper), value(upper_value)])
        return _native.Expr.call("__window__", [
            function, _native.Expr.call("__partition__", self._partition),
            _native.Expr.call("__order__", self._order), frame,
            _native.Expr.bool_(False), _native.Expr.string("")])

    def __repr__(self) -> str:
        return "<spate.sql.window.WindowSpec object>"


class Window:
    """Utility functions for defining windows in DataFrames."""

    _PRECEDING_THRESHOLD = max(-sys.maxsize, _JVM_LONG_MIN)
    _FOLLOWING_THRESHOLD = min(sys.maxsize, _JVM_LONG_MAX)

    unboundedPreceding: int = _JVM_LONG_MIN
    unboundedFollowing: int = _JVM_LONG_MAX
    currentRow: int = 0

    @staticmethod
    def partitionBy(*cols: Union[ColumnOrName, Sequence[ColumnOrName]]) -> WindowSpec:
        return WindowSpec().partitionBy(*cols)

    @staticmethod
    def orderBy(*cols: Union[ColumnOrName, Sequence[ColumnOrName]]) -> WindowSpec:
        return WindowSpec().orderBy(*cols)

    @staticmethod
    def rowsBetween(start: int, end: int) -> WindowSpec:
        return WindowSpec().rowsBetween(start, end)

    @staticmethod
    def rangeBetween(start: int, end: int) -> WindowSpec:
        return WindowSpec().rangeBetween(start, end)


__all__ = ["Window", "WindowSpec"]
