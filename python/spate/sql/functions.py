"""Built-in functions, as ``pyspark.sql.functions``: ``from spate.sql import functions as f``.

Arguments named ``col`` take a Column or a column name; other arguments
(patterns, formats, separators) are Python values used as literals.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Union

import pyarrow as pa

from spate import _native
from spate.errors import PySparkTypeError, _raise, _type_name
from spate.sql.column import Column, _col_expr, _expr, _flatten
from spate.sql.types import DataType, StructType

ColumnOrName = Union[Column, str]


def _invoke(name: str, *cols: ColumnOrName) -> Column:
    """name(cols...) where every argument is a Column or a column name."""
    return Column(_native.Expr.call(name, [_col_expr(c) for c in cols]))


def _args(name: str, *args: _native.Expr, distinct: bool = False) -> Column:
    return Column(_native.Expr.call(name, list(args), distinct))


def _lit(value: Any) -> _native.Expr:
    return _expr(value)


def col(col: str) -> Column:
    """A column by name: ``col("a")``, ``col("t.a")``, ``col("s.field")``, ``col("*")``."""
    if not isinstance(col, str):
        _raise(PySparkTypeError, "NOT_STR", "Argument `col` should be a str, got %s." % _type_name(col),
               arg_name="col", arg_type=_type_name(col))
    return Column(_native.Expr.col(col))


column = col


def lit(col: Any) -> Column:
    """A literal: ``lit(1)`` is INT, ``lit(2**40)`` BIGINT, ``lit(1.5)`` DOUBLE, ``lit("x")`` STRING,
    ``lit(None)`` NULL, ``lit([1, 2])`` an array. A Column is returned as is."""
    if isinstance(col, Column):
        return col
    return Column(_lit(col))


def expr(str: str) -> Column:  # noqa: A002 - PySpark's parameter name
    """A column from Spark SQL expression text: ``expr("a + 1 AS b")``. Raises ParseException
    at once when the text does not parse."""
    return Column(_native.parse_expression(str))


def call_function(funcName: str, *cols: ColumnOrName) -> Column:
    """Any function of the engine by name: ``call_function("upper", "name")``."""
    return _invoke(funcName, *cols)


# --- Sort orders -------------------------------------------------------------------------------

def asc(col: ColumnOrName) -> Column: return Column(_col_expr(col)).asc()
def asc_nulls_first(col: ColumnOrName) -> Column: return Column(_col_expr(col)).asc_nulls_first()
def asc_nulls_last(col: ColumnOrName) -> Column: return Column(_col_expr(col)).asc_nulls_last()
def desc(col: ColumnOrName) -> Column: return Column(_col_expr(col)).desc()
def desc_nulls_first(col: ColumnOrName) -> Column: return Column(_col_expr(col)).desc_nulls_first()
def desc_nulls_last(col: ColumnOrName) -> Column: return Column(_col_expr(col)).desc_nulls_last()


# --- Conditionals and nulls --------------------------------------------------------------------

def when(condition: Column, value: Any) -> Column:
    """``CASE WHEN condition THEN value``; chain ``.when(...)`` and ``.otherwise(...)``."""
    if not isinstance(condition, Column):
        _raise(PySparkTypeError, "NOT_COLUMN", "Argument `condition` should be a Column, got %s."
               % _type_name(condition), arg_name="condition", arg_type=_type_name(condition))
    return _args("casewhen", condition._jc, _lit(value))


def coalesce(*cols: ColumnOrName) -> Column: return _invoke("coalesce", *_flatten(cols))
def isnull(col: ColumnOrName) -> Column: return _invoke("isnull", col)
def isnotnull(col: ColumnOrName) -> Column: return _invoke("isnotnull", col)
def nullif(col1: ColumnOrName, col2: ColumnOrName) -> Column: return _invoke("nullif", col1, col2)
def nvl(col1: ColumnOrName, col2: ColumnOrName) -> Column: return _invoke("nvl", col1, col2)
def ifnull(col1: ColumnOrName, col2: ColumnOrName) -> Column: return _invoke("ifnull", col1, col2)
def greatest(*cols: ColumnOrName) -> Column: return _invoke("greatest", *_flatten(cols))
def least(*cols: ColumnOrName) -> Column: return _invoke("least", *_flatten(cols))
def abs(col: ColumnOrName) -> Column: return _invoke("abs", col)  # noqa: A001


# --- Aggregates --------------------------------------------------------------------------------

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


# --- Strings -----------------------------------------------------------------------------------

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


# --- Dates and times ---------------------------------------------------------------------------

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


# --- Nested data and JSON ----------------------------------------------------------------------

def struct(*cols: ColumnOrName) -> Column: return _invoke("struct", *_flatten(cols))
def named_struct(*cols: ColumnOrName) -> Column: return _invoke("named_struct", *cols)
def array(*cols: ColumnOrName) -> Column: return _invoke("array", *_flatten(cols))
def create_map(*cols: ColumnOrName) -> Column: return _invoke("map", *_flatten(cols))
def explode(col: ColumnOrName) -> Column: return _invoke("explode", col)
def explode_outer(col: ColumnOrName) -> Column: return _invoke("explode_outer", col)
def posexplode(col: ColumnOrName) -> Column: return _invoke("posexplode", col)
def size(col: ColumnOrName) -> Column: return _invoke("size", col)


def element_at(col: ColumnOrName, extraction: Any) -> Column:
    """The 1-based element of an array or the value of a map key."""
    return _args("element_at", _col_expr(col), _lit(extraction))


def array_contains(col: ColumnOrName, value: Any) -> Column:
    return _args("array_contains", _col_expr(col), _lit(value))


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


def from_json(col: ColumnOrName, schema: Union[StructType, DataType, Column, str],
              options: Optional[Dict[str, str]] = None) -> Column:
    """Parses a JSON string column with ``schema`` (a DataType, a DDL string or a Column)."""
    if isinstance(schema, DataType):
        schema_expr = _lit(schema.json())
    elif isinstance(schema, str):
        schema_expr = _lit(schema)
    elif isinstance(schema, Column):
        schema_expr = schema._jc
    else:
        _raise(PySparkTypeError, "NOT_COLUMN_OR_DATATYPE_OR_STR",
               "Argument `schema` should be a Column or DataType or str, got %s." % _type_name(schema))
    return _args("from_json", _col_expr(col), schema_expr, *_options_map(options))


def to_json(col: ColumnOrName, options: Optional[Dict[str, str]] = None) -> Column:
    return _args("to_json", _col_expr(col), *_options_map(options))


def get_json_object(col: ColumnOrName, path: str) -> Column:
    return _args("get_json_object", _col_expr(col), _lit(path))


__all__ = [name for name in dir() if not name.startswith("_") and name not in (
    "annotations", "Any", "Dict", "Optional", "Union", "pa", "ColumnOrName", "DataType", "StructType",
    "PySparkTypeError")]
