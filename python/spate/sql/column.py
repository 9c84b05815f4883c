"""``Column``: an expression of the DataFrame API, as ``pyspark.sql.Column``."""

from __future__ import annotations

from typing import Any, Iterable, List, Union

from spate import _native
from spate.errors import PySparkTypeError, PySparkValueError, _raise, _type_name
from spate.sql._literals import literal_expr
from spate.sql.types import DataType


def _expr(value: Any) -> _native.Expr:
    """A Column's expression, or a literal for any other Python value."""
    if isinstance(value, Column):
        return value._jc
    return literal_expr(value)


def _col_expr(value: Any, arg_name: str = "col") -> _native.Expr:
    """A Column's expression or a column by name; anything else is a PySparkTypeError."""
    if isinstance(value, Column):
        return value._jc
    if isinstance(value, str):
        return _native.Expr.col(value)
    _raise(PySparkTypeError, "NOT_COLUMN_OR_STR", "Argument `%s` should be a Column or str, got %s."
           % (arg_name, _type_name(value)), arg_name=arg_name, arg_type=_type_name(value))
    raise AssertionError


def _flatten(cols: Iterable[Any]) -> List[Any]:
    """PySpark's varargs convention: f(a, b) and f([a, b]) mean the same."""
    cols = list(cols)
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        return list(cols[0])
    return cols


def _type_json(dataType: Union[DataType, str], arg_name: str = "dataType") -> str:
    if isinstance(dataType, DataType):
        return dataType.json()
    if isinstance(dataType, str):
        return _native.parse_ddl_type(dataType)
    _raise(PySparkTypeError, "NOT_DATATYPE_OR_STR", "Argument `%s` should be a DataType or str, got %s."
           % (arg_name, _type_name(dataType)), arg_name=arg_name, arg_type=_type_name(dataType))
    raise AssertionError


def _call(name: str, *args: Any) -> "Column":
    return Column(_native.Expr.call(name, [_expr(a) for a in args]))


def _bin(op: str, left: Any, right: Any) -> "Column":
    return Column(_native.Expr.call(op, [_expr(left), _expr(right)]))


class Column:
    """A column of a DataFrame, or an expression over columns.

    Made by ``df.col``, ``df["col"]``, ``functions.col("col")`` or
    ``functions.lit(1)``, and combined with Python operators::

        (col("a") + 1).alias("b")
        (col("x") > 0) & col("y").isNotNull()
    """

    def __init__(self, jc: _native.Expr) -> None:
        self._jc = jc

    # Arithmetic.
    def __add__(self, other: Any) -> "Column": return _bin("+", self, other)
    def __radd__(self, other: Any) -> "Column": return _bin("+", other, self)
    def __sub__(self, other: Any) -> "Column": return _bin("-", self, other)
    def __rsub__(self, other: Any) -> "Column": return _bin("-", other, self)
    def __mul__(self, other: Any) -> "Column": return _bin("*", self, other)
    def __rmul__(self, other: Any) -> "Column": return _bin("*", other, self)
    def __truediv__(self, other: Any) -> "Column": return _bin("/", self, other)
    def __rtruediv__(self, other: Any) -> "Column": return _bin("/", other, self)
    def __mod__(self, other: Any) -> "Column": return _bin("%", self, other)
    def __rmod__(self, other: Any) -> "Column": return _bin("%", other, self)
    def __pow__(self, other: Any) -> "Column": return _call("power", self, other)
    def __rpow__(self, other: Any) -> "Column": return _call("power", other, self)
    def __neg__(self) -> "Column": return _call("negative", self)

    # Comparison (these build Columns, so Column is not hashable).
    def __eq__(self, other: Any) -> "Column": return _bin("=", self, other)  # type: ignore[override]
    def __ne__(self, other: Any) -> "Column": return _call("not", _bin("=", self, other))  # type: ignore[override]
    def __lt__(self, other: Any) -> "Column": return _bin("<", self, other)
    def __le__(self, other: Any) -> "Column": return _bin("<=", self, other)
    def __gt__(self, other: Any) -> "Column": return _bin(">", self, other)
    def __ge__(self, other: Any) -> "Column": return _bin(">=", self, other)
    __hash__ = None  # type: ignore[assignment]

    # Logic.
    def __and__(self, other: Any) -> "Column": return _bin("and", self, other)
    def __rand__(self, other: Any) -> "Column": return _bin("and", other, self)
    def __or__(self, other: Any) -> "Column": return _bin("or", self, other)
    def __ror__(self, other: Any) -> "Column": return _bin("or", other, self)
    def __invert__(self) -> "Column": return _call("not", self)

    # Bitwise operations on integral columns.
    def bitwiseAND(self, other: Any) -> "Column": return _bin("&", self, other)  # noqa: N802
    def bitwiseOR(self, other: Any) -> "Column": return _bin("|", self, other)  # noqa: N802
    def bitwiseXOR(self, other: Any) -> "Column": return _bin("^", self, other)  # noqa: N802

    def __bool__(self) -> bool:
        _raise(PySparkValueError, "CANNOT_CONVERT_COLUMN_INTO_BOOL",
               "Cannot convert column into bool: please use '&' for 'and', '|' for 'or', '~' for "
               "'not' when building DataFrame boolean expressions.")
        raise AssertionError

    __nonzero__ = __bool__

    def __iter__(self) -> Any:
        _raise(PySparkTypeError, "NOT_ITERABLE", "Column is not iterable.", objectName="Column")

    def __contains__(self, item: Any) -> bool:
        _raise(PySparkValueError, "CANNOT_APPLY_IN_FOR_COLUMN",
               "Cannot apply 'in' operator against a column: please use 'contains' in a string "
               "column or 'array_contains' function for an array column.")
        raise AssertionError

    # Names and types.
    def alias(self, *alias: str, **kwargs: Any) -> "Column":
        """The column under another name: ``col("a").alias("b")``; a generator's columns
        under one name each: ``posexplode("a").alias("pos", "value")``."""
        if not alias or not all(isinstance(name, str) for name in alias):
            got = ", ".join(_type_name(name) for name in alias if not isinstance(name, str)) or "no name"
            _raise(PySparkTypeError, "NOT_STR", "Argument `alias` should be a str, got %s." % got,
                   arg_name="alias", arg_type=got)
        if len(alias) > 1 and kwargs.get("metadata"):
            _raise(PySparkValueError, "ONLY_ALLOWED_FOR_SINGLE_COLUMN",
                   "Argument `metadata` can only be provided for a single column.")
        return Column(self._jc.alias(alias[0] if len(alias) == 1 else list(alias)))

    name = alias

    def cast(self, dataType: Union[DataType, str]) -> "Column":
        """CAST to a DataType or a type in DDL: ``col("v").cast("int")``."""
        return Column(self._jc.cast(_type_json(dataType)))

    astype = cast

    def try_cast(self, dataType: Union[DataType, str]) -> "Column":
        """Like cast, but NULL where the value does not convert."""
        return Column(self._jc.try_cast(_type_json(dataType)))

    # Predicates.
    def isNull(self) -> "Column": return _call("isnull", self)
    def isNotNull(self) -> "Column": return _call("isnotnull", self)

    def isin(self, *cols: Any) -> "Column":
        """``col IN (values...)``: ``col("a").isin(1, 2)`` or ``.isin([1, 2])``."""
        values = list(cols[0]) if len(cols) == 1 and isinstance(cols[0], (list, set, tuple)) else cols
        return Column(_native.Expr.call("in", [self._jc] + [_expr(v) for v in values]))

    def between(self, lowerBound: Any, upperBound: Any) -> "Column":
        return (self >= lowerBound) & (self <= upperBound)

    def _pattern(self, op: str, other: Any) -> "Column":
        if not isinstance(other, (str, Column)):
            _raise(PySparkTypeError, "NOT_STR", "Argument `other` should be a str, got %s."
                   % _type_name(other), arg_name="other", arg_type=_type_name(other))
        return _bin(op, self, other)

    def like(self, other: str) -> "Column": return self._pattern("like", other)
    def ilike(self, other: str) -> "Column": return self._pattern("ilike", other)
    def rlike(self, other: str) -> "Column": return self._pattern("rlike", other)
    def startswith(self, other: Any) -> "Column": return _bin("startswith", self, other)
    def endswith(self, other: Any) -> "Column": return _bin("endswith", self, other)
    def contains(self, other: Any) -> "Column": return _bin("contains", self, other)
    def eqNullSafe(self, other: Any) -> "Column": return _bin("<=>", self, other)

    def substr(self, startPos: Union[int, "Column"], length: Union[int, "Column"]) -> "Column":
        """The substring from 1-based ``startPos`` of ``length`` characters."""
        if type(startPos) is not type(length):
            _raise(PySparkTypeError, "NOT_SAME_TYPE",
                   "Argument `startPos` and `length` should be the same type, got %s and %s."
                   % (_type_name(startPos), _type_name(length)))
        if not isinstance(startPos, (int, Column)):
            _raise(PySparkTypeError, "NOT_COLUMN_OR_INT", "Argument `startPos` should be a Column or "
                   "int, got %s." % _type_name(startPos))
        return _call("substr", self, startPos, length)

    # Nested data.
    def getField(self, name: Any) -> "Column":
        """A struct field: ``col("s").getField("x")``."""
        return Column(self._jc.extract(_expr(name)))

    def getItem(self, key: Any) -> "Column":
        """An array element (0-based) or a map value: ``col("arr").getItem(0)``."""
        return Column(self._jc.extract(_expr(key)))

    def __getitem__(self, k: Any) -> "Column":
        if isinstance(k, slice):
            if k.step is not None:
                _raise(PySparkValueError, "SLICE_WITH_STEP", "Slice with step is not supported.")
            return self.substr(k.start, k.stop)
        return self.getItem(k)

    def __getattr__(self, item: str) -> "Column":
        if item.startswith("__") or item == "_jc":
            raise AttributeError(item)
        return self.getField(item)

    # CASE WHEN.
    def _is_when(self) -> bool:
        return self._jc.kind == "call" and self._jc.name == "casewhen"

    def when(self, condition: "Column", value: Any) -> "Column":
        """Another WHEN branch of a column made by ``functions.when``."""
        if not isinstance(condition, Column):
            _raise(PySparkTypeError, "NOT_COLUMN", "Argument `condition` should be a Column, got %s."
                   % _type_name(condition))
        if not self._is_when() or len(self._jc.args) % 2 == 1:
            _raise(PySparkValueError, "WHEN_ON_NON_WHEN_COLUMN",
                   "when() can only be applied on a Column previously generated by when() function, "
                   "and cannot be applied once otherwise() is applied.")
        return Column(_native.Expr.call("casewhen", self._jc.args + [condition._jc, _expr(value)]))

    def otherwise(self, value: Any) -> "Column":
        """The ELSE value of a column made by ``functions.when``."""
        if not self._is_when() or len(self._jc.args) % 2 == 1:
            _raise(PySparkValueError, "OTHERWISE_ON_NON_WHEN_COLUMN",
                   "otherwise() can only be applied once on a Column previously generated by when().")
        return Column(_native.Expr.call("casewhen", self._jc.args + [_expr(value)]))

    # Sort orders.
    def asc(self) -> "Column": return Column(self._jc.sort(True, True))
    def asc_nulls_first(self) -> "Column": return Column(self._jc.sort(True, True))
    def asc_nulls_last(self) -> "Column": return Column(self._jc.sort(True, False))
    def desc(self) -> "Column": return Column(self._jc.sort(False, False))
    def desc_nulls_first(self) -> "Column": return Column(self._jc.sort(False, True))
    def desc_nulls_last(self) -> "Column": return Column(self._jc.sort(False, False))

    def over(self, window: Any) -> "Column":
        """This column computed over a window (``spate.sql.Window``)."""
        from spate.sql.window import WindowSpec
        if not isinstance(window, WindowSpec):
            _raise(PySparkTypeError, "NOT_WINDOWSPEC", "Argument `window` should be a WindowSpec, got %s."
                   % _type_name(window), arg_name="window", arg_type=_type_name(window))
        return Column(window._over(self._jc))

    def __repr__(self) -> str:
        return "Column<'%s'>" % self._jc.to_string()

    def __str__(self) -> str:
        return self.__repr__()
