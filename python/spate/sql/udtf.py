"""User-defined table functions: ``udtf`` (rows from ``eval``) and ``arrow_udtf`` (pyarrow
tables from ``eval``). Called on columns of constant values, a table function gives a
DataFrame of the rows its handler yields for them, then from ``terminate``."""

from __future__ import annotations

from typing import Any, Iterable, List, Optional, Union

import pyarrow as pa

from spate.errors import PySparkAttributeError, PySparkTypeError, PythonException, _raise, _type_name
from spate.sql.column import Column
from spate.sql.types import StructType, _parse_datatype_string
from spate.sql.udf import _traceback


class PythonUDTFEvalType:
    """The kinds of table functions, by PySpark's numbers."""

    SQL_TABLE_UDF = 300
    SQL_ARROW_UDTF = 302


class UserDefinedTableFunction:
    """A handler class with its return type; calling it on columns gives a DataFrame."""

    def __init__(self, func: type, returnType: Union[StructType, str, None], name: Optional[str] = None,
                 evalType: int = PythonUDTFEvalType.SQL_TABLE_UDF, deterministic: bool = False) -> None:
        if not isinstance(func, type):
            _raise(PySparkTypeError, "INVALID_UDTF_HANDLER_TYPE", "The UDTF is invalid. The function handler "
                   "must be a class, but got '%s'. Please provide a class as the function handler."
                   % _type_name(func), type=_type_name(func))
        if not hasattr(func, "eval"):
            _raise(PySparkAttributeError, "INVALID_UDTF_NO_EVAL", "The UDTF '%s' is invalid. It does not "
                   "implement the required 'eval' method. Please implement the 'eval' method in '%s' and try "
                   "again." % (func.__name__, func.__name__), name=func.__name__)
        if returnType is None:
            _raise(PySparkAttributeError, "INVALID_UDTF_RETURN_TYPE", "The UDTF '%s' is invalid. It does not "
                   "specify its return type or implement the required 'analyze' static method. Please "
                   "specify the return type or implement the 'analyze' static method in '%s' and try again."
                   % (func.__name__, func.__name__), name=func.__name__)
        self.func = func
        self.returnType = _parse_datatype_string(returnType) if isinstance(returnType, str) else returnType
        if not isinstance(self.returnType, StructType):
            _raise(PySparkTypeError, "UDTF_RETURN_TYPE_MISMATCH", "Mismatch in return type for the UDTF "
                   "'%s'. Expected a 'StructType', but got '%s'. Please ensure the return type is a correctly "
                   "formatted StructType." % (func.__name__, self.returnType), name=func.__name__,
                   return_type=str(self.returnType))
        self._name = name or func.__name__
        self.evalType = evalType
        self.deterministic = deterministic

    def asDeterministic(self) -> "UserDefinedTableFunction":
        self.deterministic = True
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from spate.sql.session import SparkSession
        for a in list(args) + list(kwargs.values()):
            if not isinstance(a, Column):
                _raise(PySparkTypeError, "NOT_COLUMN", "Argument `col` should be a Column, got %s."
                       % _type_name(a), arg_name="col", arg_type=_type_name(a))
        spark = SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()
        names = ["_%d" % i for i in range(len(args))] + list(kwargs)
        values = spark.range(1).select(*[c.alias(n) for c, n in zip(list(args) + list(kwargs.values()), names)])
        table = values.toArrow()
        positional = [table.column(i) for i in range(len(args))]
        named = {n: table.column(n) for n in kwargs}
        try:
            if self.evalType == PythonUDTFEvalType.SQL_ARROW_UDTF:
                rows = self._run_arrow(positional, named)
            else:
                rows = self._run_rows([c[0].as_py() for c in positional],
                                      {n: c[0].as_py() for n, c in named.items()})
        except PythonException:
            raise
        except Exception as exc:  # noqa: BLE001 - the user's error, as PySpark reports it
            raise PythonException("An exception was thrown from the Python worker. Please see the stack "
                                  "trace below.\n" + _traceback(exc)) from None
        return spark.createDataFrame(rows, self.returnType)

    def _handler(self) -> Any:
        return self.func()

    def _run_rows(self, args: List[Any], kwargs: dict) -> List[Any]:
        handler = self._handler()
        rows: List[Any] = []
        self._collect(handler.eval(*args, **kwargs), rows)
        if hasattr(handler, "terminate"):
            self._collect(handler.terminate(), rows)
        return rows

    def _collect(self, produced: Optional[Iterable[Any]], rows: List[Any]) -> None:
        width = len(self.returnType.fields)
        for row in produced or ():
            if not isinstance(row, (tuple, list)):
                row = (row,)
            if len(row) != width:
                raise PythonException("[UDTF_RETURN_SCHEMA_MISMATCH] The number of columns in the result does "
                                      "not match the specified schema. Expected column count: %d, Actual column "
                                      "count: %d. Please make sure the values returned by the 'eval' method have "
                                      "the same number of columns as specified in the output schema."
                                      % (width, len(row)), errorClass="UDTF_RETURN_SCHEMA_MISMATCH")
            rows.append(tuple(row))

    def _run_arrow(self, args: List[Any], kwargs: dict) -> List[Any]:
        handler = self._handler()
        pieces = list(handler.eval(*args, **kwargs) or ())
        if hasattr(handler, "terminate"):
            pieces += list(handler.terminate() or ())
        tables = [p if isinstance(p, pa.Table) else pa.Table.from_batches([p]) for p in pieces]
        names = [f.name for f in self.returnType.fields]
        return [tuple(r[n] for n in names) for t in tables for r in t.to_pylist()]


def _make(cls: Optional[type], returnType: Any, evalType: int) -> Any:
    def create(handler: type) -> UserDefinedTableFunction:
        return UserDefinedTableFunction(handler, returnType, evalType=evalType)
    return create if cls is None else create(cls)
