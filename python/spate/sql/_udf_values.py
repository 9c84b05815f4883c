"""Values crossing a user-defined function, converted as PySpark converts them.

A row-at-a-time ``udf`` receives each argument as the Python object PySpark gives
(ints, floats, str, bytes, Decimal, date, naive datetimes in the session time zone,
lists, dicts, Rows) and its result is fitted to the declared type by Spark's rules:
a value of another kind becomes NULL (an int for a double, a str for an int), an
int wraps to the width of a narrower integer type, a string type takes the text of
any value. A ``pandas_udf`` receives pandas Series (a struct argument as a
DataFrame) and returns one; an ``arrow_udf`` receives and returns pyarrow Arrays.
"""

from __future__ import annotations

import calendar
import datetime
import decimal
from typing import Any, Callable, List, Optional

import pyarrow as pa

from spate.errors import ArithmeticException, IllegalArgumentException, PySparkValueError
from spate.sql._conversion import _from_arrow_value
from spate.sql.row import Row
from spate.sql.types import (
    ArrayType, BinaryType, BooleanType, ByteType, DataType, DateType, DecimalType, DoubleType, FloatType,
    IntegerType, LongType, MapType, NullType, ShortType, StringType, StructField, StructType, TimestampNTZType,
    TimestampType, _from_arrow_schema,
)

_INT_BITS = {ByteType: 8, ShortType: 16, IntegerType: 32, LongType: 64}
_EPOCH = datetime.datetime(1970, 1, 1)  # timestamp_ntz results of aware datetimes


def spark_type_of(array: pa.Array) -> DataType:
    """The Spark type of an engine array (the engine's Arrow mapping, read back)."""
    return _from_arrow_schema(pa.schema([pa.field("v", array.type)])).fields[0].dataType


# --- Arguments ---------------------------------------------------------------------------------

def python_values(array: pa.Array, tz: datetime.tzinfo) -> List[Any]:
    """The values of an argument as a row-at-a-time udf receives them."""
    values = array.to_pylist()
    conv = _from_arrow_value(spark_type_of(array), tz, binary=bytes)
    if conv is None:
        return values
    return [None if v is None else conv(v) for v in values]


def pandas_value(array: pa.Array, tz_name: str) -> Any:
    """An argument as a pandas_udf receives it: a Series, or a DataFrame for a struct."""
    import pandas as pd

    if pa.types.is_struct(array.type):
        return pd.DataFrame({array.type.field(i).name: pandas_value(array.field(i), tz_name)
                             for i in range(array.type.num_fields)})
    # Timestamps in nanoseconds and maps as dicts, as PySpark hands them out.
    series = array.to_pandas(coerce_temporal_nanoseconds=True, maps_as_pydicts="strict")
    if pa.types.is_timestamp(array.type) and array.type.tz is not None:
        return series.dt.tz_convert(tz_name).dt.tz_localize(None)
    return series


# --- Results -----------------------------------------------------------------------------------

def _to_string(v: Any) -> Optional[str]:
    """A value's text as a string result takes it (Java's toString for Python's scalars)."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v) if v == v and v not in (float("inf"), float("-inf")) else \
            {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[repr(v)]
    if isinstance(v, list):
        return "[" + ", ".join(_to_string(x) or "null" for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join("%s=%s" % (_to_string(k), _to_string(x)) for k, x in v.items()) + "}"
    return str(v)


def _decimal(t: DecimalType) -> Callable[[Any], Any]:
    quantum = decimal.Decimal(1).scaleb(-t.scale)

    def fit(v: Any) -> Any:
        if not isinstance(v, decimal.Decimal):
            return None
        rounded = v.quantize(quantum, rounding=decimal.ROUND_HALF_UP)
        if rounded.adjusted() >= t.precision - t.scale:
            raise ArithmeticException(
                "[NUMERIC_VALUE_OUT_OF_RANGE.WITHOUT_SUGGESTION]  The %s rounded half up from %s cannot be "
                "represented as Decimal(%d, %d). SQLSTATE: 22003" % (rounded, v, t.precision, t.scale),
                errorClass="NUMERIC_VALUE_OUT_OF_RANGE.WITHOUT_SUGGESTION", sqlState="22003")
        return rounded
    return fit


def _timestamp(tz: datetime.tzinfo) -> Callable[[Any], Any]:
    def fit(v: Any) -> Any:
        # A naive datetime is a wall-clock time of the session zone; PySpark's
        # toInternal fails on anything that is no datetime.
        aware = v if v.tzinfo is not None else v.replace(tzinfo=tz)
        return aware.astimezone(datetime.timezone.utc)
    return fit


def _struct(t: StructType, tz: datetime.tzinfo) -> Callable[[Any], Any]:
    names = t.fieldNames()
    fits = [result_fitter(f.dataType, tz) for f in t.fields]

    def fit(v: Any) -> Any:
        if isinstance(v, dict):
            values = [v.get(n) for n in names]
        elif isinstance(v, Row) and "__fields__" in v.__dict__:
            values = [v[n] if n in v.__fields__ else None for n in names]
        elif isinstance(v, (tuple, list)):
            if len(v) != len(names):
                raise IllegalArgumentException(
                    "[STRUCT_ARRAY_LENGTH_MISMATCH] Input row doesn't have expected number of values "
                    "required by the schema. %d fields are required while %d values are provided. "
                    "SQLSTATE: 2201E" % (len(names), len(v)),
                    errorClass="STRUCT_ARRAY_LENGTH_MISMATCH", sqlState="2201E")
            values = list(v)
        else:
            raise PySparkValueError("[UNEXPECTED_TUPLE_WITH_STRUCT] Unexpected tuple %r with StructType." % (v,),
                                    errorClass="UNEXPECTED_TUPLE_WITH_STRUCT")
        return {n: None if x is None else f(x) for n, f, x in zip(names, fits, values)}
    return fit


def result_fitter(t: DataType, tz: datetime.tzinfo) -> Callable[[Any], Any]:
    """A function fitting one non-None udf result to type t (None for a value Spark drops)."""
    if isinstance(t, BooleanType):
        return lambda v: v if isinstance(v, bool) else None
    if type(t) in _INT_BITS:
        bits = _INT_BITS[type(t)]

        def integer(v: Any) -> Any:
            if not isinstance(v, int) or isinstance(v, bool) or not -2**63 <= v < 2**63:
                return None
            v &= (1 << bits) - 1  # Java's narrowing keeps the low bits
            return v - (1 << bits) if v >= 1 << (bits - 1) else v
        return integer
    if isinstance(t, (FloatType, DoubleType)):
        return lambda v: v if isinstance(v, float) else None
    if isinstance(t, DecimalType):
        return _decimal(t)
    if isinstance(t, StringType):
        return _to_string
    if isinstance(t, BinaryType):
        return lambda v: bytes(v) if isinstance(v, (bytes, bytearray)) else \
            v.encode("utf-8") if isinstance(v, str) else None
    if isinstance(t, DateType):  # PySpark's toInternal fails on anything that is no date
        return lambda v: v.date() if isinstance(v, datetime.datetime) else datetime.date.fromordinal(v.toordinal())
    if isinstance(t, TimestampType):
        return _timestamp(tz)
    if isinstance(t, TimestampNTZType):
        return lambda v: v.replace(tzinfo=None) if v.tzinfo is None else \
            _EPOCH + datetime.timedelta(seconds=calendar.timegm(v.utctimetuple()),
                                        microseconds=v.microsecond)
    if isinstance(t, ArrayType):
        inner = result_fitter(t.elementType, tz)
        return lambda v: [None if x is None else inner(x) for x in v] if isinstance(v, (list, tuple)) else None
    if isinstance(t, MapType):
        kf, vf = result_fitter(t.keyType, tz), result_fitter(t.valueType, tz)
        return lambda v: [(kf(k), None if x is None else vf(x)) for k, x in v.items()] \
            if isinstance(v, dict) else None
    if isinstance(t, StructType):
        return _struct(t, tz)
    if isinstance(t, NullType):
        return lambda v: None
    return lambda v: v


def arrow_result(values: List[Any], t: DataType, tz: datetime.tzinfo) -> pa.Array:
    """The results of a row-at-a-time udf as an array of the engine's Arrow type for t."""
    fit = result_fitter(t, tz)
    fitted = [None if v is None else fit(v) for v in values]
    return pa.array(fitted, type=_arrow_type(t))


def _arrow_type(t: DataType) -> pa.DataType:
    """The engine's Arrow type for a Spark type."""
    return pa.schema(StructType([StructField("v", t)])).field(0).type


def pandas_result(result: Any, t: DataType, tz_name: str, length: int) -> pa.Array:
    """A pandas_udf's result (a Series, or a DataFrame for a struct) as an array of type t."""
    import pandas as pd

    target = _arrow_type(t)
    if isinstance(t, StructType):
        if not isinstance(result, pd.DataFrame):
            raise TypeError("a pandas_udf returning a struct must return a pandas.DataFrame, got %s"
                            % type(result).__name__)
        _check_length(len(result), length)
        children = [pandas_result(result[f.name] if f.name in result.columns else result.iloc[:, i],
                                  f.dataType, tz_name, length) for i, f in enumerate(t.fields)]
        return pa.StructArray.from_arrays(children, fields=list(target))
    if not isinstance(result, pd.Series):
        raise TypeError("Return type of the user-defined function should be pandas.Series, but is %s."
                        % type(result).__name__)
    _check_length(len(result), length)
    if isinstance(t, TimestampType) and hasattr(result, "dt") and result.dt.tz is None:
        result = result.dt.tz_localize(tz_name)
    return pa.Array.from_pandas(result, type=target, safe=True)


def _check_length(got: int, want: int) -> None:
    if got != want:
        raise RuntimeError("Result vector from pandas_udf was not the required length: expected %d, got %d."
                           % (want, got))


def arrow_udf_result(result: Any, t: DataType, length: int) -> pa.Array:
    """An arrow_udf's result, cast to the engine's Arrow type for t as Spark casts it."""
    if isinstance(result, pa.ChunkedArray):
        result = result.combine_chunks()
    if not isinstance(result, pa.Array):
        raise TypeError("Return type of the user-defined function should be pyarrow.Array, but is %s."
                        % type(result).__name__)
    if len(result) != length:
        raise RuntimeError("Result vector from arrow_udf was not the required length: expected %d, got %d."
                           % (length, len(result)))
    target = _arrow_type(t)
    return result if result.type == target else result.cast(target)

