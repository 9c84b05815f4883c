"""Date, timestamp and time-window functions."""

from __future__ import annotations

from typing import Any, Dict, Optional, Union  # noqa: F401

from spate import _native  # noqa: F401
from spate.errors import PySparkTypeError, PySparkValueError, _raise, _type_name  # noqa: F401
from spate.sql.column import Column, _col_expr, _flatten  # noqa: F401
from spate.sql.functions._common import ColumnOrName, _args, _invoke, _lit, _options_map  # noqa: F401


_DEFAULT_TS_FORMAT = "yyyy-MM-dd HH:mm:ss"


def current_timestamp() -> Column: return _args("current_timestamp")
def current_date() -> Column: return _args("current_date")
def now() -> Column: return _args("now")
def curdate() -> Column: return _args("curdate")
def localtimestamp() -> Column: return _args("localtimestamp")
def current_timezone() -> Column: return _args("current_timezone")


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


def trunc(date: ColumnOrName, format: str) -> Column:  # noqa: A002
    return _args("trunc", _col_expr(date, "date"), _lit(format))


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



# Fields of a date or timestamp (read in the session time zone).
def year(col: ColumnOrName) -> Column: return _invoke("year", col)
def quarter(col: ColumnOrName) -> Column: return _invoke("quarter", col)
def month(col: ColumnOrName) -> Column: return _invoke("month", col)
def day(col: ColumnOrName) -> Column: return _invoke("day", col)
def dayofmonth(col: ColumnOrName) -> Column: return _invoke("dayofmonth", col)
def dayofweek(col: ColumnOrName) -> Column: return _invoke("dayofweek", col)
def dayofyear(col: ColumnOrName) -> Column: return _invoke("dayofyear", col)
def weekday(col: ColumnOrName) -> Column: return _invoke("weekday", col)
def weekofyear(col: ColumnOrName) -> Column: return _invoke("weekofyear", col)
def dayname(col: ColumnOrName) -> Column: return _invoke("dayname", col)
def monthname(col: ColumnOrName) -> Column: return _invoke("monthname", col)
def hour(col: ColumnOrName) -> Column: return _invoke("hour", col)
def minute(col: ColumnOrName) -> Column: return _invoke("minute", col)
def second(col: ColumnOrName) -> Column: return _invoke("second", col)


def extract(field: Column, source: ColumnOrName) -> Column:
    return _invoke("extract", field, source)


def date_part(field: Column, source: ColumnOrName) -> Column:
    return _invoke("date_part", field, source)


def datepart(field: Column, source: ColumnOrName) -> Column:
    return _invoke("datepart", field, source)


def _int_or_col(value: Union[ColumnOrName, int]) -> _native.Expr:
    """PySpark's `Union[ColumnOrName, int]` arguments: an int is a literal."""
    return _lit(value) if isinstance(value, int) and not isinstance(value, bool) else _col_expr(value)


def date_add(start: ColumnOrName, days: Union[ColumnOrName, int]) -> Column:
    return _args("date_add", _col_expr(start, "start"), _int_or_col(days))


def dateadd(start: ColumnOrName, days: Union[ColumnOrName, int]) -> Column:
    return _args("dateadd", _col_expr(start, "start"), _int_or_col(days))


def date_sub(start: ColumnOrName, days: Union[ColumnOrName, int]) -> Column:
    return _args("date_sub", _col_expr(start, "start"), _int_or_col(days))


def add_months(start: ColumnOrName, months: Union[ColumnOrName, int]) -> Column:
    return _args("add_months", _col_expr(start, "start"), _int_or_col(months))


def datediff(end: ColumnOrName, start: ColumnOrName) -> Column:
    return _args("datediff", _col_expr(end, "end"), _col_expr(start, "start"))


def date_diff(end: ColumnOrName, start: ColumnOrName) -> Column:
    return _args("date_diff", _col_expr(end, "end"), _col_expr(start, "start"))


def timestamp_add(unit: str, quantity: ColumnOrName, ts: ColumnOrName) -> Column:
    return _args("timestampadd", _lit(unit), _col_expr(quantity, "quantity"), _col_expr(ts, "ts"))


def timestamp_diff(unit: str, start: ColumnOrName, end: ColumnOrName) -> Column:
    return _args("timestampdiff", _lit(unit), _col_expr(start, "start"), _col_expr(end, "end"))


def months_between(date1: ColumnOrName, date2: ColumnOrName, roundOff: bool = True) -> Column:
    return _args("months_between", _col_expr(date1, "date1"), _col_expr(date2, "date2"), _lit(roundOff))


def next_day(date: ColumnOrName, dayOfWeek: str) -> Column:
    return _args("next_day", _col_expr(date, "date"), _lit(dayOfWeek))


def last_day(date: ColumnOrName) -> Column:
    return _invoke("last_day", date)


def _format_arg(format: Optional[ColumnOrName]) -> list:  # noqa: A002
    return [] if format is None else [_col_expr(format, "format")]


def try_to_date(col: ColumnOrName, format: Optional[str] = None) -> Column:  # noqa: A002
    return _args("try_to_date", _col_expr(col), *([] if format is None else [_lit(format)]))


def try_to_timestamp(col: ColumnOrName, format: Optional[ColumnOrName] = None) -> Column:  # noqa: A002
    return _args("try_to_timestamp", _col_expr(col), *_format_arg(format))


def to_timestamp_ltz(timestamp: ColumnOrName, format: Optional[ColumnOrName] = None) -> Column:  # noqa: A002
    return _args("to_timestamp_ltz", _col_expr(timestamp, "timestamp"), *_format_arg(format))


def to_timestamp_ntz(timestamp: ColumnOrName, format: Optional[ColumnOrName] = None) -> Column:  # noqa: A002
    return _args("to_timestamp_ntz", _col_expr(timestamp, "timestamp"), *_format_arg(format))


def to_unix_timestamp(timestamp: ColumnOrName, format: Optional[ColumnOrName] = None) -> Column:  # noqa: A002
    return _args("to_unix_timestamp", _col_expr(timestamp, "timestamp"), *_format_arg(format))


def from_utc_timestamp(timestamp: ColumnOrName, tz: Union[Column, str]) -> Column:
    return _args("from_utc_timestamp", _col_expr(timestamp, "timestamp"),
                 _col_expr(tz) if isinstance(tz, Column) else _lit(tz))


def to_utc_timestamp(timestamp: ColumnOrName, tz: Union[Column, str]) -> Column:
    return _args("to_utc_timestamp", _col_expr(timestamp, "timestamp"),
                 _col_expr(tz) if isinstance(tz, Column) else _lit(tz))


def convert_timezone(sourceTz: Optional[Column], targetTz: Column, sourceTs: ColumnOrName) -> Column:
    if sourceTz is None:
        return _invoke("convert_timezone", targetTz, sourceTs)
    return _invoke("convert_timezone", sourceTz, targetTz, sourceTs)


# Values from parts and numbers.
def make_date(year: ColumnOrName, month: ColumnOrName, day: ColumnOrName) -> Column:
    return _invoke("make_date", year, month, day)


def _make_timestamp(name: str, years, months, days, hours, mins, secs, timezone=None,
                    date=None, time=None) -> Column:
    """The shared shape of the make_timestamp family: six parts (and a zone), or
    the date and time keywords (a TIME value, which Spate does not have)."""
    if date is not None or time is not None:
        if any(arg is not None for arg in (years, months, days, hours, mins, secs)):
            _raise(PySparkValueError, "CANNOT_SET_TOGETHER",
                   "years|months|days|hours|mins|secs and date|time should not be set together.",
                   arg_list="years|months|days|hours|mins|secs and date|time")
        cols = [c for c in (date, time, timezone) if c is not None]
    else:
        cols = [c for c in (years, months, days, hours, mins, secs, timezone) if c is not None]
    return _invoke(name, *cols)


def make_timestamp(years: Optional[ColumnOrName] = None, months: Optional[ColumnOrName] = None,
                   days: Optional[ColumnOrName] = None, hours: Optional[ColumnOrName] = None,
                   mins: Optional[ColumnOrName] = None, secs: Optional[ColumnOrName] = None,
                   timezone: Optional[ColumnOrName] = None, date: Optional[ColumnOrName] = None,
                   time: Optional[ColumnOrName] = None) -> Column:
    return _make_timestamp("make_timestamp", years, months, days, hours, mins, secs, timezone, date, time)


def try_make_timestamp(years: Optional[ColumnOrName] = None, months: Optional[ColumnOrName] = None,
                       days: Optional[ColumnOrName] = None, hours: Optional[ColumnOrName] = None,
                       mins: Optional[ColumnOrName] = None, secs: Optional[ColumnOrName] = None,
                       timezone: Optional[ColumnOrName] = None, date: Optional[ColumnOrName] = None,
                       time: Optional[ColumnOrName] = None) -> Column:
    return _make_timestamp("try_make_timestamp", years, months, days, hours, mins, secs, timezone,
                           date, time)


def make_timestamp_ltz(years: ColumnOrName, months: ColumnOrName, days: ColumnOrName,
                       hours: ColumnOrName, mins: ColumnOrName, secs: ColumnOrName,
                       timezone: Optional[ColumnOrName] = None) -> Column:
    return _make_timestamp("make_timestamp_ltz", years, months, days, hours, mins, secs, timezone)


def try_make_timestamp_ltz(years: ColumnOrName, months: ColumnOrName, days: ColumnOrName,
                           hours: ColumnOrName, mins: ColumnOrName, secs: ColumnOrName,
                           timezone: Optional[ColumnOrName] = None) -> Column:
    return _make_timestamp("try_make_timestamp_ltz", years, months, days, hours, mins, secs, timezone)


def make_timestamp_ntz(years: Optional[ColumnOrName] = None, months: Optional[ColumnOrName] = None,
                       days: Optional[ColumnOrName] = None, hours: Optional[ColumnOrName] = None,
                       mins: Optional[ColumnOrName] = None, secs: Optional[ColumnOrName] = None,
                       date: Optional[ColumnOrName] = None,
                       time: Optional[ColumnOrName] = None) -> Column:
    return _make_timestamp("make_timestamp_ntz", years, months, days, hours, mins, secs, None, date, time)


def try_make_timestamp_ntz(years: Optional[ColumnOrName] = None, months: Optional[ColumnOrName] = None,
                           days: Optional[ColumnOrName] = None, hours: Optional[ColumnOrName] = None,
                           mins: Optional[ColumnOrName] = None, secs: Optional[ColumnOrName] = None,
                           date: Optional[ColumnOrName] = None,
                           time: Optional[ColumnOrName] = None) -> Column:
    return _make_timestamp("try_make_timestamp_ntz", years, months, days, hours, mins, secs, None,
                           date, time)


def _interval_parts(*parts: Optional[ColumnOrName]) -> list:
    """Missing parts of make_interval are 0 (the seconds a DECIMAL 0), as in PySpark."""
    import decimal
    out = [_lit(0) if p is None else _col_expr(p) for p in parts[:-1]]
    out.append(_lit(decimal.Decimal(0)) if parts[-1] is None else _col_expr(parts[-1]))
    return out


def make_interval(years: Optional[ColumnOrName] = None, months: Optional[ColumnOrName] = None,
                  weeks: Optional[ColumnOrName] = None, days: Optional[ColumnOrName] = None,
                  hours: Optional[ColumnOrName] = None, mins: Optional[ColumnOrName] = None,
                  secs: Optional[ColumnOrName] = None) -> Column:
    return _args("make_interval", *_interval_parts(years, months, weeks, days, hours, mins, secs))


def try_make_interval(years: Optional[ColumnOrName] = None, months: Optional[ColumnOrName] = None,
                      weeks: Optional[ColumnOrName] = None, days: Optional[ColumnOrName] = None,
                      hours: Optional[ColumnOrName] = None, mins: Optional[ColumnOrName] = None,
                      secs: Optional[ColumnOrName] = None) -> Column:
    return _args("try_make_interval", *_interval_parts(years, months, weeks, days, hours, mins, secs))


def timestamp_seconds(col: ColumnOrName) -> Column: return _invoke("timestamp_seconds", col)
def timestamp_millis(col: ColumnOrName) -> Column: return _invoke("timestamp_millis", col)
def timestamp_micros(col: ColumnOrName) -> Column: return _invoke("timestamp_micros", col)
def unix_date(col: ColumnOrName) -> Column: return _invoke("unix_date", col)
def unix_seconds(col: ColumnOrName) -> Column: return _invoke("unix_seconds", col)
def unix_millis(col: ColumnOrName) -> Column: return _invoke("unix_millis", col)
def unix_micros(col: ColumnOrName) -> Column: return _invoke("unix_micros", col)


def date_from_unix_date(days: ColumnOrName) -> Column:
    return _args("date_from_unix_date", _col_expr(days, "days"))
