"""Date, timestamp and time-window functions."""

from __future__ import annotations

from typing import Any, Dict, Optional, Union  # noqa: F401

from spate import _native  # noqa: F401
from spate.errors import PySparkTypeError, _raise, _type_name  # noqa: F401
from spate.sql.column import Column, _col_expr, _flatten  # noqa: F401
from spate.sql.functions._common import ColumnOrName, _args, _invoke, _lit, _options_map  # noqa: F401


_DEFAULT_TS_FORMAT = "yyyy-MM-dd HH:mm:ss"


def current_timestamp() -> Column: return _args("current_timestamp")
def current_date() -> Column: return _args("current_date")


def to_timestamp(col: ColumnOrName, format: Optional[str] = None) -> Column:  # noqa: A002
    if format is None:
        return _invoke("to_timestamp", col)
    return _args("to_timestamp", _col_expr(col), _lit(format))


def to_date(col: ColumnOrName, format: Optional[str] = None) -> Column:  # noqa: A002
    if format is None:
        return _invoke("to_date", col)
    return _args("to_date", _col_expr(col), _lit(format))


def date_format(date: ColumnOrName, format: str) -> Column:  # noqa: A002
    return _args("date_format", _col_expr(date, "date"), _lit(format))


def unix_timestamp(timestamp: Optional[ColumnOrName] = None,
                   format: str = _DEFAULT_TS_FORMAT) -> Column:  # noqa: A002
    """Seconds since the epoch; of now when no column is given."""
    if timestamp is None:
        return _args("unix_timestamp", _native.Expr.call("current_timestamp", []), _lit(format))
    return _args("unix_timestamp", _col_expr(timestamp, "timestamp"), _lit(format))


def from_unixtime(timestamp: ColumnOrName, format: str = _DEFAULT_TS_FORMAT) -> Column:  # noqa: A002
    return _args("from_unixtime", _col_expr(timestamp, "timestamp"), _lit(format))


def date_trunc(format: str, timestamp: ColumnOrName) -> Column:  # noqa: A002
    return _args("date_trunc", _lit(format), _col_expr(timestamp, "timestamp"))


def window(timeColumn: ColumnOrName, windowDuration: str, slideDuration: Optional[str] = None,
           startTime: Optional[str] = None) -> Column:
    """Time windows: a struct<start, end> per row ("5 minutes" tumbling), or every
    window containing the row when ``slideDuration`` is shorter (sliding)."""
    args = [_col_expr(timeColumn, "timeColumn"), _lit(windowDuration)]
    if slideDuration is not None or startTime is not None:
        args.append(_lit(slideDuration if slideDuration is not None else windowDuration))
    if startTime is not None:
        args.append(_lit(startTime))
    return _args("window", *args)


def session_window(timeColumn: ColumnOrName, gapDuration: Union[Column, str]) -> Column:
    """Session windows: rows of a key whose times are less than ``gapDuration`` apart
    fall into one struct<start, end> session; the gap is an interval string or a
    per-row string Column (a dynamic gap)."""
    gap = _col_expr(gapDuration) if isinstance(gapDuration, Column) else _lit(gapDuration)
    return _args("session_window", _col_expr(timeColumn, "timeColumn"), gap)


def window_time(windowColumn: ColumnOrName) -> Column:
    """The event time of a window: its end minus one microsecond."""
    return _invoke("window_time", windowColumn)


def year(col: ColumnOrName) -> Column: return _invoke("year", col)
def month(col: ColumnOrName) -> Column: return _invoke("month", col)
def dayofmonth(col: ColumnOrName) -> Column: return _invoke("dayofmonth", col)
def hour(col: ColumnOrName) -> Column: return _invoke("hour", col)
def minute(col: ColumnOrName) -> Column: return _invoke("minute", col)
def second(col: ColumnOrName) -> Column: return _invoke("second", col)


def date_add(start: ColumnOrName, days: Union[ColumnOrName, int]) -> Column:
    return _args("date_add", _col_expr(start, "start"), _lit(days) if not isinstance(days, str)
                 else _col_expr(days))


def date_sub(start: ColumnOrName, days: Union[ColumnOrName, int]) -> Column:
    return _args("date_sub", _col_expr(start, "start"), _lit(days) if not isinstance(days, str)
                 else _col_expr(days))


def datediff(end: ColumnOrName, start: ColumnOrName) -> Column:
    return _args("datediff", _col_expr(end, "end"), _col_expr(start, "start"))
