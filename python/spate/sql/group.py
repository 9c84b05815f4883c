"""``GroupedData``: what ``DataFrame.groupBy`` returns, as ``pyspark.sql.GroupedData``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Dict, List

from spate import _native
from spate.errors import AnalysisException, IllegalArgumentException, PySparkTypeError, _raise
from spate.sql.column import Column

if TYPE_CHECKING:
    from spate.sql.dataframe import DataFrame

# Spark's names for the aggregate functions of agg({"col": "fn"}).
_DICT_AGG_NAMES = {"mean": "avg", "average": "avg", "std": "stddev", "size": "count"}


def _dict_aggregates(exprs: Dict[str, str]) -> List[_native.Expr]:
    out = []
    for name, fn in exprs.items():
        fn = _DICT_AGG_NAMES.get(fn.lower(), fn.lower())
        if fn == "count" and name == "*":
            out.append(_native.Expr.call("count", [_native.Expr.star([])]))
        else:
            out.append(_native.Expr.call(fn, [_native.Expr.col(name)]))
    return out


class GroupedData:
    """A DataFrame grouped by some columns, waiting for its aggregates:
    ``df.groupBy("k").agg(f.sum("v"))``, ``df.groupBy("k").count()``."""

    def __init__(self, jgd: _native.GroupedData, df: "DataFrame") -> None:
        self._jgd = jgd
        self._df = df

    def agg(self, *exprs: Any) -> "DataFrame":
        """Aggregates: Columns (``f.sum("v")``) or one dict of column name to function name."""
        if len(exprs) == 0:
            _raise(PySparkTypeError, "CANNOT_BE_EMPTY", "At least one agg expression is required.",
                   item="exprs")
        if len(exprs) == 1 and isinstance(exprs[0], dict):
            return self._df._wrap(self._jgd.agg(_dict_aggregates(exprs[0])))
        for e in exprs:
            if not isinstance(e, Column):
                _raise(PySparkTypeError, "NOT_COLUMN_OR_DICT",
                       "Argument `exprs` should be a Column or dict, got %s." % type(e).__name__)
        return self._df._wrap(self._jgd.agg([e._jc for e in exprs]))

    def pivot(self, pivot_col: str, values: Any = None) -> "GroupedData":
        """One output column per value of ``pivot_col`` (per aggregate when there are several);
        without ``values``, the column's distinct values in ascending order."""
        from spate.sql.functions import col, lit
        pivot = pivot_col if isinstance(pivot_col, Column) else col(pivot_col)
        literals = [v if isinstance(v, Column) else lit(v) for v in (values or [])]
        return GroupedData(self._jgd.pivot(pivot._jc, [v._jc for v in literals]), self._df)

    def count(self) -> "DataFrame":
        """The number of rows in each group, in a column named ``count``."""
        return self._df._wrap(self._jgd.count())

    def _names(self, cols: tuple) -> List[str]:
        for c in cols:
            if not isinstance(c, str):
                _raise(PySparkTypeError, "NOT_STR", "Argument `cols` should be a str, got %s."
                       % type(c).__name__)
        return list(cols)

    def sum(self, *cols: str) -> "DataFrame":
        """``sum`` of the given numeric columns (every numeric column when none is given)."""
        return self._df._wrap(self._jgd.sum(self._names(cols)))

    def avg(self, *cols: str) -> "DataFrame":
        return self._df._wrap(self._jgd.avg(self._names(cols)))

    mean = avg

    def min(self, *cols: str) -> "DataFrame":
        return self._df._wrap(self._jgd.min(self._names(cols)))

    def max(self, *cols: str) -> "DataFrame":
        return self._df._wrap(self._jgd.max(self._names(cols)))

    def transformWithState(self, statefulProcessor: Any, outputStructType: Any, outputMode: str,
                           timeMode: str, initialState: Any = None,
                           eventTimeColumnName: str = "") -> "DataFrame":
        """Arbitrary stateful processing over a stream: ``statefulProcessor`` (a
        ``spate.sql.streaming.StatefulProcessor``) is called once per grouping key of each
        micro-batch with the key's rows as ``Row`` objects, and yields ``Row`` objects of
        ``outputStructType``."""
        return self._transform_with_state(statefulProcessor, outputStructType, outputMode, timeMode,
                                          initialState, eventTimeColumnName, pandas=False)

    def transformWithStateInPandas(self, statefulProcessor: Any, outputStructType: Any, outputMode: str,
                                   timeMode: str, initialState: Any = None,
                                   eventTimeColumnName: str = "") -> "DataFrame":
        """``transformWithState`` with pandas: ``handleInputRows`` receives an iterator of pandas
        DataFrames and yields pandas DataFrames."""
        return self._transform_with_state(statefulProcessor, outputStructType, outputMode, timeMode,
                                          initialState, eventTimeColumnName, pandas=True)

    def applyInPandasWithState(self, func: Any, outputStructType: Any, stateStructType: Any,
                               outputMode: str, timeoutConf: str) -> "DataFrame":
        """The older arbitrary stateful API: ``func(key, pdfs, state)`` is called once per
        grouping key of each micro-batch with the key as a tuple, an iterator of pandas
        DataFrames of its rows and its ``GroupState``, and once per key that timed out; it
        returns an iterator of pandas DataFrames of ``outputStructType``."""
        from spate.sql.streaming._group_state_processor import GroupStateProcessor
        from spate.sql.streaming.state import _TIMEOUTS
        from spate.sql.types import _parse_datatype_string
        assert timeoutConf in _TIMEOUTS
        output = _parse_datatype_string(outputStructType) if isinstance(outputStructType, str) else outputStructType
        state = _parse_datatype_string(stateStructType) if isinstance(stateStructType, str) else stateStructType
        schema = json.loads(self._df._jdf.schema_json())
        watermark = any("spark.watermarkDelayMs" in (f.get("metadata") or {}) for f in schema["fields"])
        if timeoutConf == "EventTimeTimeout" and not watermark:
            _raise(AnalysisException, "_LEGACY_ERROR_TEMP_3102",
                   "Watermark must be specified in the query using '[Dataset/DataFrame].withWatermark()' for "
                   "using event-time timeout in a applyInPandasWithState. Event-time timeout not "
                   "supported without watermark.;")
        processor = GroupStateProcessor(func, state, timeoutConf, self._df.columns, output, watermark)
        runner = self._runner(processor, output, pandas=True)
        return self._df._wrap(_native.apply_in_pandas_with_state(self._jgd, runner, output.json(),
                                                                 _legacy_output_mode(outputMode), timeoutConf))

    def _transform_with_state(self, processor: Any, output: Any, output_mode: str, time_mode: str,
                              initial_state: Any, event_time_column: str, pandas: bool) -> "DataFrame":
        from spate.sql.types import _parse_datatype_string
        if initial_state is not None and not isinstance(initial_state, GroupedData):
            raise AssertionError("initialState must be a GroupedData, got %s" % type(initial_state).__name__)
        schema = _parse_datatype_string(output) if isinstance(output, str) else output
        initial_schema = initial_state._df.schema if initial_state is not None else None
        runner = self._runner(processor, schema, pandas, initial_schema)
        operator_name = "transformWithStateInPandasExec" if pandas else "transformWithStateInPySparkExec"
        return self._df._wrap(_native.transform_with_state(
            self._jgd, runner, schema.json(), output_mode, time_mode, event_time_column,
            initial_state._jgd if initial_state is not None else None, operator_name))

    def _runner(self, processor: Any, schema: Any, pandas: bool, initial_schema: Any = None) -> Any:
        """What the engine calls to run `processor` (of output `schema`) per key; `initial_schema`:
        the columns of the initial state's rows, when there is one."""
        from spate.sql.streaming._processor_runner import ProcessorRunner
        from spate.sql.timezone import session_tzinfo
        from spate.sql.types import StructType
        if not isinstance(schema, StructType):
            _raise(PySparkTypeError, "NOT_STRUCT", "Argument `outputStructType` should be a StructType, got %s."
                   % type(schema).__name__)
        grouped = self._jgd.agg([])
        key_schema = self._df._wrap(grouped).schema if grouped is not None else StructType([])
        tz = session_tzinfo(self._df.sparkSession)
        return ProcessorRunner(processor, self._df.schema, key_schema, schema, tz, pandas, initial_schema)


def _legacy_output_mode(mode: str) -> str:
    """applyInPandasWithState's output mode: append or update, as Spark checks it."""
    if not isinstance(mode, str) or mode.lower() not in ("append", "update", "complete"):
        _raise(IllegalArgumentException, "STREAMING_OUTPUT_MODE.INVALID",
               "Invalid streaming output mode: %s. Accepted output modes are 'Append', 'Complete', 'Update'."
               % mode, outputMode=str(mode))
    if mode.lower() == "complete":
        raise IllegalArgumentException("The output mode of function should be append or update")
    return mode
