"""User-defined functions, as ``pyspark.sql.udf``: what ``udf``, ``pandas_udf`` and
``arrow_udf`` make, and ``spark.udf.register``.

The engine holds a user-defined function as a callback over Arrow arrays
(``_native.UserFunction``). A query calls it once per batch on the thread that runs
the query, which takes the GIL for the call only: the arguments arrive as Arrow
arrays without copies, are turned into what the function's kind receives (Python
objects row by row, pandas Series, or the pyarrow Arrays themselves), and the
result goes back as one Arrow array of the declared type.
"""

from __future__ import annotations

import functools
import traceback
from typing import Any, Callable, List, Optional, Union

import pyarrow as pa

from spate import _native
from spate.errors import ArithmeticException, IllegalArgumentException, PySparkTypeError, _raise, _type_name
from spate.sql import _udf_values as values
from spate.sql.column import Column, _col_expr
from spate.sql.types import DataType, StringType, _parse_datatype_string

DataTypeOrString = Union[DataType, str]


class PythonEvalType:
    """The kinds of Python functions, by PySpark's numbers."""

    SQL_BATCHED_UDF = 100
    SQL_SCALAR_PANDAS_UDF = 200
    SQL_SCALAR_ARROW_UDF = 250


# Errors a result conversion raises that Spark raises on its JVM side (they keep
# their error class rather than becoming a PythonException).
_ENGINE_ERRORS = (ArithmeticException, IllegalArgumentException)


def _return_type(returnType: Any) -> DataType:
    if isinstance(returnType, DataType):
        return returnType
    if isinstance(returnType, str):
        return _parse_datatype_string(returnType)
    _raise(PySparkTypeError, "NOT_DATATYPE_OR_STR", "Argument `returnType` should be a DataType or str, got %s."
           % _type_name(returnType), arg_name="returnType", arg_type=_type_name(returnType))
    raise AssertionError


def _traceback(exc: BaseException) -> str:
    """The exception as PySpark's PythonException shows it: the traceback from the
    user's function down (the frames of this module left out)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename in (__file__, values.__file__):
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb))


def _session_time_zone() -> str:
    from spate.sql.session import SparkSession

    session = SparkSession.getActiveSession()
    return (session.conf.get("spark.sql.session.timeZone", "UTC") if session else "UTC") or "UTC"


def _run_rows(func: Callable[..., Any], arrays: List[pa.Array], length: int, return_type: DataType) -> pa.Array:
    from spate.sql.timezone import tzinfo_for

    tz = tzinfo_for(_session_time_zone())
    columns = [values.python_values(a, tz) for a in arrays]
    results = [func(*row) for row in zip(*columns)] if columns else [func() for _ in range(length)]
    return values.arrow_result(results, return_type, tz)


def _run_pandas(func: Callable[..., Any], arrays: List[pa.Array], length: int, return_type: DataType) -> pa.Array:
    tz_name = _session_time_zone()
    result = func(*[values.pandas_value(a, tz_name) for a in arrays])
    return values.pandas_result(result, return_type, tz_name, length)


def _run_arrow(func: Callable[..., Any], arrays: List[pa.Array], length: int, return_type: DataType) -> pa.Array:
    return values.arrow_udf_result(func(*arrays), return_type, length)


_RUNNERS = {
    PythonEvalType.SQL_BATCHED_UDF: _run_rows,
    PythonEvalType.SQL_SCALAR_PANDAS_UDF: _run_pandas,
    PythonEvalType.SQL_SCALAR_ARROW_UDF: _run_arrow,
}


class UserDefinedFunction:
    """A Python function with its return type and kind; calling it on columns makes a Column
    named ``name(args)``. ``udf`` hands out a plain function wrapping one (as PySpark does)."""

    def __init__(self, func: Callable[..., Any], returnType: DataTypeOrString = StringType(),
                 name: Optional[str] = None, evalType: int = PythonEvalType.SQL_BATCHED_UDF,
                 deterministic: bool = True) -> None:
        if not callable(func):
            _raise(PySparkTypeError, "NOT_CALLABLE", "Argument `func` should be a callable, got %s."
                   % _type_name(func), arg_name="func", arg_type=_type_name(func))
        self.func = func
        self.returnType = _return_type(returnType)
        self._name = name or getattr(func, "__name__", None) or type(func).__name__
        self.evalType = evalType
        self.deterministic = deterministic
        self._native: Optional[_native.UserFunction] = None

    def _engine_function(self) -> _native.UserFunction:
        """The engine's function, made on first use (again after asNondeterministic)."""
        if self._native is None:
            self._native = _native.UserFunction.make(self._name, self._batch_callback(), self.returnType.json(),
                                                     self.deterministic)
        return self._native

    def _batch_callback(self) -> Callable[[list, int], Any]:
        run, func, return_type = _RUNNERS[self.evalType], self.func, self.returnType

        def call(args: list, length: int) -> Any:
            try:
                arrays = [pa.Array._import_from_c_capsule(schema, array) for schema, array in args]
                return run(func, arrays, length, return_type).__arrow_c_array__()
            except _ENGINE_ERRORS as exc:
                return str(exc)
            except Exception as exc:  # noqa: BLE001 - the user's error becomes the query's
                return _traceback(exc)
        return call

    def __call__(self, *cols: Any) -> Column:
        exprs = []
        for c in cols:
            if not isinstance(c, (Column, str)):
                _raise(PySparkTypeError, "NOT_COLUMN_OR_STR", "Argument `col` should be a Column or str, got %s."
                       % _type_name(c), arg_name="col", arg_type=_type_name(c))
            exprs.append(_col_expr(c))
        return Column(self._engine_function().call(exprs))

    def asNondeterministic(self) -> "UserDefinedFunction":
        self.deterministic = False
        self._native = None
        return self

    def _wrapped(self) -> Callable[..., Column]:
        """A plain function calling this one, carrying its attributes (PySpark's udf result)."""
        @functools.wraps(self.func)
        def wrapper(*cols: Any) -> Column:
            return self(*cols)

        def as_nondeterministic() -> Callable[..., Column]:
            self.asNondeterministic()
            wrapper.deterministic = False  # type: ignore[attr-defined]
            return wrapper

        wrapper.func = self.func  # type: ignore[attr-defined]
        wrapper.returnType = self.returnType  # type: ignore[attr-defined]
        wrapper.evalType = self.evalType  # type: ignore[attr-defined]
        wrapper.deterministic = self.deterministic  # type: ignore[attr-defined]
        wrapper.asNondeterministic = as_nondeterministic  # type: ignore[attr-defined]
        wrapper._unwrapped = self  # type: ignore[attr-defined]
        if not hasattr(self.func, "__name__"):
            wrapper.__name__ = self._name
        return wrapper


def _create_udf(f: Callable[..., Any], returnType: DataTypeOrString, evalType: int) -> Callable[..., Column]:
    return UserDefinedFunction(f, returnType, evalType=evalType)._wrapped()


class UDFRegistration:
    """``spark.udf``: registers functions SQL text can call by name in the session."""

    def __init__(self, sparkSession: Any) -> None:
        self.sparkSession = sparkSession

    def register(self, name: str, f: Callable[..., Any],
                 returnType: Optional[DataTypeOrString] = None) -> Callable[..., Column]:
        """Registers ``f`` (a Python function, or what udf/pandas_udf/arrow_udf made) as ``name``;
        returns the user-defined function."""
        unwrapped = getattr(f, "_unwrapped", None)
        if unwrapped is not None:
            if returnType is not None:
                _raise(PySparkTypeError, "CANNOT_SPECIFY_RETURN_TYPE_FOR_UDF",
                       "returnType can not be specified when `f` is a user-defined function, but got %s."
                       % returnType, arg_name="f", return_type=str(returnType))
            registered = UserDefinedFunction(unwrapped.func, unwrapped.returnType, name=name,
                                             evalType=unwrapped.evalType, deterministic=unwrapped.deterministic)
        else:
            if not callable(f):
                _raise(PySparkTypeError, "NOT_CALLABLE", "Argument `func` should be a callable, got %s."
                       % _type_name(f), arg_name="func", arg_type=_type_name(f))
            registered = UserDefinedFunction(f, returnType if returnType is not None else StringType(), name=name)
        _native.register_udf(self.sparkSession._jsession, name, registered._engine_function())
        return registered._wrapped()
