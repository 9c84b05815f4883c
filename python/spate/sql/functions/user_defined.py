"""User-defined functions: udf, pandas_udf, arrow_udf and call_udf."""

from __future__ import annotations

from typing import Any, Callable, Optional, Union

from spate import _native
from spate.errors import PySparkNotImplementedError, PySparkTypeError, _raise
from spate.sql.column import Column, _col_expr
from spate.sql.functions._common import ColumnOrName
from spate.sql.types import DataType, StringType
from spate.sql.udf import DataTypeOrString, PythonEvalType, _create_udf


def udf(f: Union[Callable[..., Any], DataTypeOrString, None] = None, returnType: DataTypeOrString = StringType(),
        *, useArrow: Optional[bool] = None) -> Any:
    """A row-at-a-time Python function as a column function: ``@udf("int")``,
    ``udf(f, IntegerType())``; the result type defaults to string. ``useArrow`` is
    accepted; arguments always reach the function as PySpark's Python objects."""
    if f is None or isinstance(f, (str, DataType)):
        return_type = returnType if f is None else f
        return lambda func: _create_udf(func, return_type, PythonEvalType.SQL_BATCHED_UDF)
    return _create_udf(f, returnType, PythonEvalType.SQL_BATCHED_UDF)


def _vectorized_udf(f: Any, returnType: Any, functionType: Optional[int], kind: str, eval_type: int) -> Any:
    """pandas_udf / arrow_udf: the scalar kind (Series -> Series, Array -> Array)."""
    if isinstance(f, (str, DataType)):
        f, returnType = None, f
    if returnType is None:
        _raise(PySparkTypeError, "CANNOT_BE_NONE", "Argument `returnType` cannot be None.", arg_name="returnType")
    if functionType is not None and functionType != eval_type:
        _raise(PySparkNotImplementedError, "NOT_IMPLEMENTED",
               "%s of function type %s is not supported by Spate; only scalar ones are." % (kind, functionType),
               feature="%s functionType=%s" % (kind, functionType))

    def create(func: Callable[..., Any]) -> Any:
        return _create_udf(func, returnType, eval_type)
    return create if f is None else create(f)


def pandas_udf(f: Any = None, returnType: Any = None, functionType: Optional[int] = None) -> Any:
    """A vectorized function over pandas: each argument a Series (a struct one a
    DataFrame), the result a Series (a DataFrame for a struct) of the same length."""
    return _vectorized_udf(f, returnType, functionType, "pandas_udf", PythonEvalType.SQL_SCALAR_PANDAS_UDF)


def arrow_udf(f: Any = None, returnType: Any = None, functionType: Optional[int] = None) -> Any:
    """A vectorized function over pyarrow Arrays; its result is cast to the return type."""
    return _vectorized_udf(f, returnType, functionType, "arrow_udf", PythonEvalType.SQL_SCALAR_ARROW_UDF)


def call_udf(udfName: str, *cols: ColumnOrName) -> Column:
    """A call of a function registered with ``spark.udf.register`` (or a built-in one) by name."""
    return Column(_native.Expr.call(udfName, [_col_expr(c) for c in cols]))


def udtf(cls: Optional[type] = None, *, returnType: Any = None, useArrow: Optional[bool] = None) -> Any:
    """A table function from a handler class whose ``eval`` yields rows (and ``terminate``
    the last ones): ``@udtf(returnType="n: int")``; ``MyUDTF(lit(3))`` is a DataFrame."""
    from spate.sql.udtf import PythonUDTFEvalType, _make
    return _make(cls, returnType, PythonUDTFEvalType.SQL_TABLE_UDF)


def arrow_udtf(cls: Optional[type] = None, *, returnType: Any = None) -> Any:
    """A table function whose ``eval`` takes pyarrow Arrays and yields pyarrow Tables or
    RecordBatches of the return type."""
    from spate.sql.udtf import PythonUDTFEvalType, _make
    return _make(cls, returnType, PythonUDTFEvalType.SQL_ARROW_UDTF)
