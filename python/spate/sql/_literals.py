"""Python values as literal expressions: ``lit(1)``, ``col("a") + 1.5``.

The Spark type of a literal follows PySpark: a Python ``int`` that fits 32 bits
is an INT, a wider one a BIGINT; ``float`` is DOUBLE; ``Decimal`` is the
narrowest DECIMAL holding it; ``datetime`` is TIMESTAMP (a naive one is read in
the session time zone); ``date`` is DATE; ``bytes`` is BINARY; lists and dicts
become ``array(...)`` and ``map(...)`` of literals.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import pyarrow as pa

from spate import _native
from spate.errors import PySparkTypeError, _raise

_INT_MIN, _INT_MAX = -(2 ** 31), 2 ** 31 - 1
_LONG_MIN, _LONG_MAX = -(2 ** 63), 2 ** 63 - 1


def decimal_precision_scale(value: decimal.Decimal) -> tuple:
    """Spark's DECIMAL(precision, scale) for a Python Decimal."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        _raise(PySparkTypeError, "UNSUPPORTED_LITERAL", "Unsupported Literal '%s'." % value)
    if exponent >= 0:
        precision, scale = len(digits) + exponent, 0
    else:
        scale = -exponent
        precision = max(len(digits), scale)
    return max(precision, 1), scale


def _arrow_literal(value: Any, arrow_type: pa.DataType) -> _native.Expr:
    schema_capsule, array_capsule = pa.array([value], type=arrow_type).__arrow_c_array__()
    return _native.Expr.arrow(schema_capsule, array_capsule)


def literal_expr(value: Any) -> _native.Expr:
    """The expression for a Python value (raises PySparkTypeError for other objects)."""
    from spate.sql.column import Column
    from spate.sql.timezone import session_tzinfo

    if isinstance(value, Column):
        return value._jc
    if value is None:
        return _native.Expr.null()
    if isinstance(value, bool):
        return _native.Expr.bool_(value)
    if isinstance(value, int):
        if _INT_MIN <= value <= _INT_MAX:
            return _native.Expr.int_(value)
        if _LONG_MIN <= value <= _LONG_MAX:
            return _native.Expr.long_(value)
        return literal_expr(decimal.Decimal(value))
    if isinstance(value, float):
        return _native.Expr.double_(value)
    if isinstance(value, str):
        return _native.Expr.string(value)
    if isinstance(value, decimal.Decimal):
        precision, scale = decimal_precision_scale(value)
        if precision > 38:
            _raise(PySparkTypeError, "UNSUPPORTED_LITERAL",
                   "Decimal %s does not fit DECIMAL(38)." % value)
        return _arrow_literal(value, pa.decimal128(precision, scale))
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=session_tzinfo())
        return _arrow_literal(value, pa.timestamp("us", tz="UTC"))
    if isinstance(value, datetime.date):
        return _arrow_literal(value, pa.date32())
    if isinstance(value, (bytes, bytearray)):
        return _arrow_literal(bytes(value), pa.binary())
    if isinstance(value, (list, tuple)):
        return _native.Expr.call("array", [literal_expr(v) for v in value])
    if isinstance(value, dict):
        args = []
        for k, v in value.items():
            args += [literal_expr(k), literal_expr(v)]
        return _native.Expr.call("map", args)
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item) and type(value).__module__ == "numpy":
        return literal_expr(item())
    _raise(PySparkTypeError, "UNSUPPORTED_LITERAL", "Unsupported Literal '%r' of type %s."
           % (value, type(value).__name__), value=repr(value))
    raise AssertionError  # unreachable
