"""Python rows <-> Arrow tables, with PySpark's type inference and value forms.

``createDataFrame`` infers a schema from Python values as PySpark does (int ->
bigint, float -> double, str -> string, bool -> boolean, datetime ->
timestamp, date -> date, Decimal -> decimal(38,18), list -> array, dict ->
map, Row/tuple -> struct) and builds an Arrow table of the Arrow types the
engine uses. ``collect`` turns Arrow data back into Python values: timestamps
as naive datetimes in the session time zone, maps as dicts, structs as Rows.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any, Callable, Iterable, List, Optional, Sequence

import pyarrow as pa

from spate.errors import PySparkTypeError, PySparkValueError, _raise
from spate.sql.row import Row
from spate.sql.types import (
    ArrayType, BinaryType, BooleanType, CalendarIntervalType, DataType, DateType, DecimalType, DoubleType, LongType,
    MapType, NullType, StringType, StructField, StructType, TimestampNTZType, TimestampType,
)


# --- Inference ---------------------------------------------------------------------------------

def _row_names_and_values(row: Any) -> tuple:
    """Field names and values of a row-like object (names may be None)."""
    if isinstance(row, dict):
        items = sorted(row.items())  # PySpark sorts the keys of dict rows
        return [k for k, _ in items], [v for _, v in items]
    if isinstance(row, Row) and "__fields__" in row.__dict__:
        return list(row.__fields__), list(row)
    if isinstance(row, tuple) and hasattr(row, "_fields"):  # namedtuple
        return list(row._fields), list(row)
    if isinstance(row, (tuple, list)):
        return ["_%d" % (i + 1) for i in range(len(row))], list(row)
    if hasattr(row, "__dict__") and not isinstance(row, type):
        items = sorted(vars(row).items())
        return [k for k, _ in items], [v for _, v in items]
    _raise(PySparkTypeError, "CANNOT_INFER_SCHEMA_FOR_TYPE",
           "Can not infer schema for type: `%s`." % type(row).__name__, data_type=type(row).__name__)
    raise AssertionError


def infer_type(value: Any) -> DataType:
    """The Spark type PySpark infers for one Python value."""
    if value is None:
        return NullType()
    if isinstance(value, bool):
        return BooleanType()
    if isinstance(value, int):
        return LongType()
    if isinstance(value, float):
        return DoubleType()
    if isinstance(value, str):
        return StringType()
    if isinstance(value, decimal.Decimal):
        return DecimalType(38, 18)
    if isinstance(value, datetime.datetime):
        return TimestampType()
    if isinstance(value, datetime.date):
        return DateType()
    if isinstance(value, (bytes, bytearray)):
        return BinaryType()
    if isinstance(value, dict):
        key_type: DataType = NullType()
        value_type: DataType = NullType()
        for k, v in value.items():
            key_type = merge_types(key_type, infer_type(k))
            value_type = merge_types(value_type, infer_type(v))
        return MapType(key_type, value_type, True)
    if isinstance(value, list):
        element: DataType = NullType()
        for v in value:
            element = merge_types(element, infer_type(v))
        return ArrayType(element, True)
    if isinstance(value, (Row, tuple)) or hasattr(value, "__dict__"):
        return infer_schema_of_row(value)
    _raise(PySparkTypeError, "UNSUPPORTED_DATA_TYPE",
           "Unsupported DataType `%s`." % type(value).__name__, data_type=type(value).__name__)
    raise AssertionError


def infer_schema_of_row(row: Any) -> StructType:
    names, values = _row_names_and_values(row)
    return StructType([StructField(n, infer_type(v), True) for n, v in zip(names, values)])


def merge_types(a: DataType, b: DataType) -> DataType:
    """The type of a column holding values of types a and b (NULL merges with anything)."""
    if isinstance(a, NullType):
        return b
    if isinstance(b, NullType):
        return a
    if type(a) is not type(b):
        _raise(PySparkTypeError, "CANNOT_MERGE_TYPE",
               "Can not merge type `%s` and `%s`." % (type(a).__name__, type(b).__name__),
               data_type1=type(a).__name__, data_type2=type(b).__name__)
    if isinstance(a, StructType):
        fields = {f.name: f for f in a.fields}
        merged = []
        for f in a.fields:
            other = next((g for g in b.fields if g.name == f.name), None)
            merged.append(StructField(f.name, merge_types(f.dataType, other.dataType)
                                      if other else f.dataType, True))
        merged += [StructField(g.name, g.dataType, True) for g in b.fields if g.name not in fields]
        return StructType(merged)
    if isinstance(a, ArrayType):
        return ArrayType(merge_types(a.elementType, b.elementType), True)
    if isinstance(a, MapType):
        return MapType(merge_types(a.keyType, b.keyType), merge_types(a.valueType, b.valueType), True)
    return a


def infer_schema(rows: Sequence[Any], names: Optional[List[str]] = None) -> StructType:
    """The schema of a list of rows, merging the types seen in every row."""
    if not rows:
        _raise(PySparkValueError, "CANNOT_INFER_EMPTY_SCHEMA", "Can not infer schema from an empty dataset.")
    schema: DataType = NullType()
    for row in rows:
        schema = merge_types(schema, infer_schema_of_row(row))
    assert isinstance(schema, StructType)
    fields = list(schema.fields)
    if names:
        fields = [StructField(names[i] if i < len(names) else f.name, f.dataType, True)
                  for i, f in enumerate(fields)]
    for f in fields:
        if _has_null_type(f.dataType):
            _raise(PySparkValueError, "CANNOT_DETERMINE_TYPE",
                   "Some of types cannot be determined after inferring.")
    return StructType(fields)


def _has_null_type(t: DataType) -> bool:
    if isinstance(t, NullType):
        return True
    if isinstance(t, ArrayType):
        return _has_null_type(t.elementType)
    if isinstance(t, MapType):
        return _has_null_type(t.keyType) or _has_null_type(t.valueType)
    return False


# --- Python rows -> Arrow ----------------------------------------------------------------------

def _to_arrow_value(t: DataType, tz: datetime.tzinfo) -> Optional[Callable[[Any], Any]]:
    """A function preparing a Python value of type t for pyarrow, or None when none is needed."""
    if isinstance(t, TimestampType) and tz is datetime.timezone.utc:
        return None  # pyarrow reads a naive datetime as UTC already
    if isinstance(t, TimestampType):
        def ts(v: Any) -> Any:
            if isinstance(v, datetime.datetime) and v.tzinfo is None:
                return v.replace(tzinfo=tz)
            return v
        return ts
    if isinstance(t, TimestampNTZType):
        return lambda v: v.replace(tzinfo=None) if isinstance(v, datetime.datetime) else v
    if isinstance(t, BinaryType):
        return lambda v: bytes(v) if isinstance(v, bytearray) else v
    if isinstance(t, ArrayType):
        inner = _to_arrow_value(t.elementType, tz)
        if inner is None:
            return None
        return lambda v: None if v is None else [None if x is None else inner(x) for x in v]
    if isinstance(t, MapType):
        kf = _to_arrow_value(t.keyType, tz) or (lambda x: x)
        vf = _to_arrow_value(t.valueType, tz) or (lambda x: x)
        return lambda v: None if v is None else [
            (kf(k), None if x is None else vf(x)) for k, x in v.items()]
    if isinstance(t, StructType):
        names = t.fieldNames()
        convs = [_to_arrow_value(f.dataType, tz) or (lambda x: x) for f in t.fields]

        def struct(v: Any) -> Any:
            if v is None:
                return None
            values = row_values(v, names)
            return {n: None if x is None else c(x) for n, c, x in zip(names, convs, values)}
        return struct
    return None


def row_values(row: Any, names: List[str]) -> List[Any]:
    """The values of a row for the fields ``names``: by name for dicts and Rows
    with field names, by position for tuples and lists."""
    if isinstance(row, dict):
        return [row.get(n) for n in names]
    if isinstance(row, Row) and "__fields__" in row.__dict__ and set(names) <= set(row.__fields__):
        return [row[n] for n in names]
    if isinstance(row, (tuple, list)):
        if len(row) != len(names):
            _raise(PySparkValueError, "LENGTH_SHOULD_BE_THE_SAME",
                   "obj and fields should be of the same length, got %d and %d."
                   % (len(row), len(names)))
        return list(row)
    if hasattr(row, "__dict__"):
        return [getattr(row, n, None) for n in names]
    _raise(PySparkTypeError, "CANNOT_ACCEPT_OBJECT_IN_TYPE",
           "`StructType` can not accept object `%r` in type `%s`." % (row, type(row).__name__))
    raise AssertionError


def rows_to_arrow(rows: Iterable[Any], schema: StructType, tz: datetime.tzinfo) -> pa.Table:
    """An Arrow table (the engine's Arrow types) holding ``rows`` under ``schema``."""
    arrow_schema = pa.schema(schema)
    names = schema.fieldNames()
    columns: List[List[Any]] = [[] for _ in names]
    for row in rows:
        for i, v in enumerate(row_values(row, names)):
            columns[i].append(v)
    arrays = []
    for field, values, arrow_field in zip(schema.fields, columns, arrow_schema):
        conv = _to_arrow_value(field.dataType, tz)
        if conv is not None:
            values = [None if v is None else conv(v) for v in values]
        try:
            arrays.append(pa.array(values, type=arrow_field.type))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError) as e:
            _raise(PySparkTypeError, "FIELD_DATA_TYPE_UNACCEPTABLE",
                   "field %s: %s can not accept the values given (%s)." % (field.name, field.dataType, e),
                   field_name=field.name)
    return pa.Table.from_arrays(arrays, schema=arrow_schema)


# --- Arrow -> Python values --------------------------------------------------------------------

def _interval_value(v: Any) -> Any:
    """An interval (pyarrow's MonthDayNano): a timedelta, as Spark gives a day-time
    interval; one with months has no Python counterpart and stays as it is."""
    months, days, nanoseconds = v
    if months != 0:
        return v
    return datetime.timedelta(days=days, microseconds=nanoseconds // 1000)


def _from_arrow_value(t: DataType, tz: datetime.tzinfo,
                      binary: Callable[[Any], Any] = bytes) -> Optional[Callable[[Any], Any]]:
    """A function turning a pyarrow ``to_pylist`` value of type t into PySpark's form,
    or None when pyarrow's value already is it. Binary values become ``binary``
    (bytes, as PySpark 4.1 gives them in collected rows and a udf's arguments)."""
    if isinstance(t, TimestampType):
        return lambda v: v.astimezone(tz).replace(tzinfo=None)
    if isinstance(t, BinaryType):
        return binary
    if isinstance(t, CalendarIntervalType):
        return _interval_value
    if isinstance(t, ArrayType):
        inner = _from_arrow_value(t.elementType, tz, binary)
        if inner is None:
            return None
        return lambda v: [None if x is None else inner(x) for x in v]
    if isinstance(t, MapType):
        kf = _from_arrow_value(t.keyType, tz, binary) or (lambda x: x)
        vf = _from_arrow_value(t.valueType, tz, binary) or (lambda x: x)
        return lambda v: {kf(k): None if x is None else vf(x) for k, x in v}
    if isinstance(t, StructType):
        names = t.fieldNames()
        convs = [_from_arrow_value(f.dataType, tz, binary) or (lambda x: x) for f in t.fields]
        return lambda v: Row._from_fields(
            names, [None if v.get(n) is None else c(v.get(n)) for n, c in zip(names, convs)])
    return None


def arrow_to_rows(table: pa.Table, schema: StructType, tz: datetime.tzinfo) -> List[Row]:
    """The rows of an engine result as PySpark's Row objects."""
    names = schema.fieldNames()
    columns = []
    for i, field in enumerate(schema.fields):
        values = table.column(i).to_pylist()
        conv = _from_arrow_value(field.dataType, tz)
        if conv is not None:
            values = [None if v is None else conv(v) for v in values]
        columns.append(values)
    if not columns:
        return [Row._from_fields([], []) for _ in range(table.num_rows)]
    return [Row._from_fields(names, list(values)) for values in zip(*columns)]


def arrow_to_pandas(table: pa.Table, schema: StructType, tz: Any) -> Any:
    """A pandas DataFrame as PySpark's toPandas gives it (timestamps naive, in the session zone)."""
    pdf = table.to_pandas()
    pdf.columns = schema.fieldNames()
    for i, field in enumerate(schema.fields):
        if isinstance(field.dataType, TimestampType):
            series = pdf.iloc[:, i]
            try:
                pdf.isetitem(i, series.dt.tz_convert(tz).dt.tz_localize(None))
            except Exception:  # a zone pandas does not know: stay in UTC
                pdf.isetitem(i, series.dt.tz_localize(None))
    return pdf
