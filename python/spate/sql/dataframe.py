"""``DataFrame``: a query over a session, as ``pyspark.sql.DataFrame``.

Transformations are checked when they are called (an unknown column raises
AnalysisException at the ``select``, as in PySpark); actions run the query in
the engine without holding the GIL.
"""

from __future__ import annotations

import functools
import itertools
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Tuple, Union

import pyarrow as pa

from spate import _native
from spate.errors import AnalysisException, PySparkAttributeError, PySparkTypeError, PySparkValueError, _raise, _type_name
from spate.sql._conversion import arrow_to_pandas, arrow_to_rows
from spate.sql.column import Column, _col_expr, _flatten
from spate.sql.group import GroupedData
from spate.sql.row import Row
from spate.sql.timezone import session_tzinfo
from spate.sql.types import StructType, _parse_datatype_json_string

if TYPE_CHECKING:
    from spate.sql.session import SparkSession
    from spate.sql.readwriter import DataFrameWriter
    from spate.sql.streaming.readwriter import DataStreamWriter

ColumnOrName = Union[Column, str]


class _ArrowStream:
    """Hands an 'arrow_array_stream' capsule to pyarrow (Arrow PyCapsule interface)."""

    def __init__(self, capsule: Any) -> None:
        self._capsule = capsule

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self._capsule


class _LocalRDD:
    """The few RDD methods PySpark code calls on ``df.toJSON()``."""

    def __init__(self, items: List[Any]) -> None:
        self._items = items

    def collect(self) -> List[Any]:
        return list(self._items)

    def take(self, num: int) -> List[Any]:
        return self._items[:num]

    def first(self) -> Any:
        if not self._items:
            _raise(PySparkValueError, "RDD_IS_EMPTY", "RDD is empty.")
        return self._items[0]

    def count(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)


# Columns made by df["a"] / df.a, by expression node: (the DataFrame's token, the node).
# A join condition such as `left.k == right.k` is ambiguous by name alone; these
# origins say which side each `k` came from. The node is kept so its id stays unique.
_ORIGINS: Dict[int, Tuple[int, _native.Expr]] = {}
_MAX_ORIGINS = 100_000
_TOKENS = itertools.count(1)


def _remember_origin(token: int, expr: _native.Expr) -> None:
    if len(_ORIGINS) >= _MAX_ORIGINS:
        del _ORIGINS[next(iter(_ORIGINS))]
    _ORIGINS[expr.node_id] = (token, expr)


def _quoted(parts: List[str]) -> str:
    return ".".join("`%s`" % p.replace("`", "``") for p in parts)


def _select_expr(c: Any, arg_name: str = "col") -> _native.Expr:
    if isinstance(c, str) and c == "*":
        return _native.Expr.star([])
    return _col_expr(c, arg_name)


def _check_int(value: Any, arg_name: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        _raise(PySparkTypeError, "NOT_INT", "Argument `%s` should be an int, got %s."
               % (arg_name, _type_name(value)), arg_name=arg_name, arg_type=_type_name(value))


class _NoValue:
    def __repr__(self) -> str:
        return "<no value>"


_NO_VALUE: Any = _NoValue()


def _subset(subset: Any) -> List[str]:
    """The ``subset`` argument of the na functions as a list of names."""
    if subset is None:
        return []
    if isinstance(subset, str):
        return [subset]
    if not isinstance(subset, (list, tuple)):
        _raise(PySparkTypeError, "NOT_LIST_OR_STR_OR_TUPLE", "Argument `subset` should be a list, str or "
               "tuple, got %s." % _type_name(subset), arg_name="subset", arg_type=_type_name(subset))
    return list(subset)


def _fill_literal(value: Any) -> _native.Expr:
    """A fill value of one type for all columns, as PySpark hands it to Spark."""
    from spate.sql.functions._common import _lit
    if isinstance(value, int) and not isinstance(value, bool):
        # PySpark's fill(value) reaches Spark's fill(Double) for an int that fits 32 bits.
        return _native.Expr.double_(float(value)) if -2**31 <= value < 2**31 else _native.Expr.long_(value)
    return _lit(value)


def _check_fill_value(value: Any) -> None:
    if not isinstance(value, (bool, int, float, str)):
        _raise(PySparkTypeError, "NOT_BOOL_OR_DICT_OR_FLOAT_OR_INT_OR_STR", "Argument `value` should be "
               "a bool, dict, float, int or str, got %s." % _type_name(value), arg_name="value",
               arg_type=_type_name(value))


def _replace_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "str"
    _raise(PySparkTypeError, "NOT_BOOL_OR_FLOAT_OR_INT_OR_LIST_OR_NONE_OR_STR_OR_TUPLE", "Argument "
           "`to_replace` should be a bool, float, int, list, None, str or tuple, got %s."
           % _type_name(value), arg_name="to_replace", arg_type=_type_name(value))
    return ""


class DataFrame:
    """A distributed collection of rows under named columns (here: computed by Spate's engine).

    Made by ``spark.createDataFrame``, ``spark.sql``, ``spark.table`` or ``spark.range``;
    transformed with ``select``, ``filter``, ``groupBy``, ``join``, ...; read with ``collect``,
    ``show``, ``toPandas``, ``toArrow``.
    """

    def __init__(self, jdf: _native.DataFrame, session: "SparkSession") -> None:
        self._jdf = jdf
        self._session = session
        self.is_cached = False
        self._schema: Optional[StructType] = None
        self._token = next(_TOKENS)

    def mergeInto(self, table: str, condition: "Column") -> "MergeIntoWriter":
        """MERGE INTO ``table`` USING this DataFrame ON ``condition`` (Iceberg tables): the
        table's columns are qualified by its name's last part, this DataFrame's by its alias."""
        from spate.sql.merge import MergeIntoWriter
        return MergeIntoWriter(self, table, condition)

    @property
    def sparkSession(self) -> "SparkSession":
        """The session this DataFrame belongs to."""
        return self._session

    def _wrap(self, jdf: _native.DataFrame) -> "DataFrame":
        return DataFrame(jdf, self.sparkSession)

    # --- Metadata -----------------------------------------------------------------------------

    @property
    def schema(self) -> StructType:
        """The schema as a StructType."""
        if self._schema is None:
            schema = _parse_datatype_json_string(self._jdf.schema_json())
            assert isinstance(schema, StructType)
            self._schema = schema
        return self._schema

    @property
    def columns(self) -> List[str]:
        """The column names, in order."""
        return list(self._jdf.columns())

    @property
    def dtypes(self) -> List[Tuple[str, str]]:
        """Each column's name and type: ``[("id", "bigint"), ("name", "string")]``."""
        return [(f.name, f.dataType.simpleString()) for f in self.schema.fields]

    @property
    def isStreaming(self) -> bool:
        """True for a DataFrame read with ``spark.readStream`` (it runs with ``writeStream``)."""
        return _native.is_streaming(self._jdf)

    @property
    def write(self) -> "DataFrameWriter":
        """The writer of this DataFrame's rows: ``df.write.mode("append").saveAsTable("t")``."""
        from spate.sql.readwriter import DataFrameWriter
        return DataFrameWriter(self)

    def writeTo(self, table: str) -> "DataFrameWriterV2":
        """The v2 writer of a catalog table: ``df.writeTo("cat.db.t").append()``."""
        from spate.sql.readwriter import DataFrameWriterV2
        return DataFrameWriterV2(self, table)

    @property
    def writeStream(self) -> "DataStreamWriter":
        """The writer that starts a streaming query from this streaming DataFrame."""
        from spate.sql.streaming.readwriter import DataStreamWriter
        return DataStreamWriter(self)

    def printSchema(self, level: Optional[int] = None) -> None:
        """Prints the schema as a tree."""
        print(self.schema.treeString(level) if level is not None else self._jdf.print_schema())

    def explain(self, extended: Optional[Union[bool, str]] = None, mode: Optional[str] = None) -> None:
        """Prints the plan; ``extended=True`` (or ``mode="extended"``) adds the analyzed plan."""
        if isinstance(extended, str):
            mode, extended = extended, None
        print(self._jdf.explain(bool(extended) or mode == "extended"))

    def __repr__(self) -> str:
        return "DataFrame[%s]" % ", ".join("%s: %s" % c for c in self.dtypes)

    # --- Columns ------------------------------------------------------------------------------

    def __getitem__(self, item: Any) -> Any:
        """``df["a"]`` a column (checked now), ``df[0]`` by position, ``df[cond]`` a filter,
        ``df[["a", "b"]]`` a select."""
        if isinstance(item, str):
            column = Column(_select_expr(item))
            self._jdf.select([column._jc])  # raises AnalysisException for an unknown column
            _remember_origin(self._token, column._jc)
            return column
        if isinstance(item, int) and not isinstance(item, bool):
            column = Column(_native.Expr.col(_quoted([self.columns[item]])))
            _remember_origin(self._token, column._jc)
            return column
        if isinstance(item, Column):
            return self.filter(item)
        if isinstance(item, (list, tuple)):
            return self.select(*item)
        _raise(PySparkTypeError, "NOT_COLUMN_OR_INT_OR_LIST_OR_STR",
               "Argument `item` should be a Column, int, list or str, got %s." % _type_name(item))

    def __getattr__(self, name: str) -> Column:
        if name.startswith("_") or name not in self.columns:
            if name.startswith("__"):
                raise AttributeError(name)
            _raise(PySparkAttributeError, "ATTRIBUTE_NOT_SUPPORTED",
                   "Attribute `%s` is not supported." % name, attr_name=name)
        return self[name]

    def __dir__(self) -> List[str]:
        return sorted(set(super().__dir__()) | {c for c in self.columns if c.isidentifier()})

    # --- Transformations ----------------------------------------------------------------------

    def select(self, *cols: Any) -> "DataFrame":
        """Columns or expressions: ``select("a", col("b") + 1)``, ``select(["a", "b"])``, ``select("*")``."""
        return self._wrap(self._jdf.select([_select_expr(c) for c in _flatten(cols)]))

    def selectExpr(self, *expr: Any) -> "DataFrame":
        """Columns as SQL expression text: ``selectExpr("a + 1 AS b", "upper(name)")``."""
        exprs = _flatten(expr)
        for e in exprs:
            if not isinstance(e, str):
                _raise(PySparkTypeError, "NOT_STR", "Argument `expr` should be a str, got %s."
                       % _type_name(e), arg_name="expr", arg_type=_type_name(e))
        return self._wrap(self._jdf.select_expr(exprs))

    def filter(self, condition: ColumnOrName) -> "DataFrame":
        """Rows where ``condition`` (a boolean Column or SQL text) is true."""
        if isinstance(condition, str):
            return self._wrap(self._jdf.filter_sql(condition))
        if isinstance(condition, Column):
            return self._wrap(self._jdf.filter(condition._jc))
        _raise(PySparkTypeError, "NOT_COLUMN_OR_STR", "Argument `condition` should be a Column or str, "
               "got %s." % _type_name(condition), arg_name="condition", arg_type=_type_name(condition))
        raise AssertionError

    where = filter

    def withColumn(self, colName: str, col: Column) -> "DataFrame":
        """Adds a column, or replaces the one of the same name."""
        if not isinstance(col, Column):
            _raise(PySparkTypeError, "NOT_COLUMN", "Argument `col` should be a Column, got %s."
                   % _type_name(col), arg_name="col", arg_type=_type_name(col))
        return self.withColumns({colName: col})

    def withColumns(self, *colsMap: Dict[str, Column]) -> "DataFrame":
        """Adds or replaces several columns: ``withColumns({"b": col("a") + 1})``."""
        if len(colsMap) != 1 or not isinstance(colsMap[0], dict):
            _raise(PySparkTypeError, "NOT_DICT", "Argument `colsMap` should be a dict, got %s."
                   % (_type_name(colsMap[0]) if colsMap else "nothing"), arg_name="colsMap")
        pairs = []
        for name, c in colsMap[0].items():
            if not isinstance(c, Column):
                _raise(PySparkTypeError, "NOT_COLUMN", "Argument `col` should be a Column, got %s."
                       % _type_name(c), arg_name="col", arg_type=_type_name(c))
            pairs.append((name, c._jc))
        return self._wrap(self._jdf.with_columns(pairs))

    def withColumnRenamed(self, existing: str, new: str) -> "DataFrame":
        """Renames a column (a no-op when there is no such column)."""
        for name, value in (("existing", existing), ("new", new)):
            if not isinstance(value, str):
                _raise(PySparkTypeError, "NOT_STR", "Argument `%s` should be a str, got %s."
                       % (name, _type_name(value)), arg_name=name, arg_type=_type_name(value))
        return self._wrap(self._jdf.with_column_renamed(existing, new))

    def drop(self, *cols: ColumnOrName) -> "DataFrame":
        """Removes columns by name (unknown names are ignored)."""
        names = []
        for c in cols:
            if isinstance(c, str):
                names.append(c)
            elif isinstance(c, Column):
                names.append(c._jc.name_parts[-1] if c._jc.kind == "column" else c._jc.to_string())
            else:
                _raise(PySparkTypeError, "NOT_COLUMN_OR_STR", "Argument `col` should be a Column or "
                       "str, got %s." % _type_name(c), arg_name="col", arg_type=_type_name(c))
        return self._wrap(self._jdf.drop(names))

    def groupBy(self, *cols: ColumnOrName) -> GroupedData:
        """Groups by columns for ``agg``, ``count``, ``sum``, ...: ``groupBy("k").agg(f.sum("v"))``."""
        exprs = [_col_expr(c, "cols") for c in _flatten(cols)]
        return GroupedData(self._jdf.group_by(exprs), self)

    groupby = groupBy

    def rollup(self, *cols: ColumnOrName) -> GroupedData:
        """Groups by each prefix of the columns: ``rollup("a", "b")`` gives the groups of
        (a, b), the subtotals of (a) and a grand total, the left-out columns NULL."""
        exprs = [_col_expr(c, "cols") for c in _flatten(cols)]
        return GroupedData(self._jdf.rollup(exprs), self)

    def cube(self, *cols: ColumnOrName) -> GroupedData:
        """Groups by every subset of the columns: ``cube("a", "b")`` gives the groups of
        (a, b), (a), (b) and a grand total, the left-out columns NULL."""
        exprs = [_col_expr(c, "cols") for c in _flatten(cols)]
        return GroupedData(self._jdf.cube(exprs), self)

    def groupingSets(self, groupingSets: Any, *cols: ColumnOrName) -> GroupedData:
        """Groups by each grouping set (a list of columns); ``cols`` are the grouping columns
        of the output, NULL where a set leaves one out:
        ``groupingSets([["a", "b"], ["a"], []], "a", "b")``."""
        sets = [[_col_expr(c, "groupingSets") for c in _flatten(s)] for s in groupingSets]
        exprs = [_col_expr(c, "cols") for c in _flatten(cols)]
        return GroupedData(self._jdf.grouping_sets(sets, exprs), self)

    def agg(self, *exprs: Any) -> "DataFrame":
        """Aggregates over all rows: ``df.agg(f.max("v"))`` or ``df.agg({"v": "max"})``."""
        return self.groupBy().agg(*exprs)

    def join(self, other: "DataFrame", on: Any = None, how: Optional[str] = None) -> "DataFrame":
        """Joins with ``other`` on a column name, a list of names (one output column each), a
        Column condition or a list of conditions; ``how`` is inner, left, right, full, semi,
        anti, cross, ..."""
        if not isinstance(other, DataFrame):
            _raise(PySparkTypeError, "NOT_DATAFRAME", "Argument `other` should be a DataFrame, got %s."
                   % _type_name(other), arg_name="other", arg_type=_type_name(other))
        if how is not None and not isinstance(how, str):
            _raise(PySparkTypeError, "NOT_STR", "Argument `how` should be a str, got %s."
                   % _type_name(how), arg_name="how", arg_type=_type_name(how))
        how = how or "inner"
        if isinstance(on, str):
            on = [on]
        if on is None:
            if how.lower() in ("inner", "cross"):
                return self._wrap(self._jdf.cross_join(other._jdf))
            return self._wrap(self._jdf.join_on(other._jdf, _native.Expr.bool_(True), how))
        if isinstance(on, (list, tuple)) and on and all(isinstance(o, Column) for o in on):
            on = functools.reduce(lambda a, b: a & b, on)
        if isinstance(on, Column):
            return self._join_on(other, on, how)
        if isinstance(on, (list, tuple)) and on and all(isinstance(o, str) for o in on):
            return self._wrap(self._jdf.join_using(other._jdf, list(on), how))
        _raise(PySparkTypeError, "NOT_COLUMN_OR_LIST_OR_STR",
               "Argument `on` should be a Column, list or str, got %s." % _type_name(on),
               arg_name="on", arg_type=_type_name(on))
        raise AssertionError

    def _join_on(self, other: "DataFrame", on: Column, how: str) -> "DataFrame":
        try:
            return self._wrap(self._jdf.join_on(other._jdf, on._jc, how))
        except AnalysisException as e:
            if e.getErrorClass() != "AMBIGUOUS_REFERENCE":
                raise
            # `left.k == right.k`: qualify each side's columns by where they came from.
            left_q, right_q = "__left_%d" % self._token, "__right_%d" % other._token

            def qualify(node_id: int) -> Optional[_native.Expr]:
                token, expr = _ORIGINS.get(node_id, (None, None))
                if expr is None or token not in (self._token, other._token):
                    return None
                qualifier = left_q if token == self._token else right_q
                return _native.Expr.col(_quoted([qualifier] + list(expr.name_parts)))

            condition = on._jc.replace_columns(qualify)
            if condition.node_id == on._jc.node_id:
                raise
            return self._wrap(self._jdf.alias(left_q).join_on(other._jdf.alias(right_q), condition, how))

    def crossJoin(self, other: "DataFrame") -> "DataFrame":
        """The Cartesian product with ``other``."""
        return self._wrap(self._jdf.cross_join(self._other(other)))

    def _other(self, other: Any) -> _native.DataFrame:
        if not isinstance(other, DataFrame):
            _raise(PySparkTypeError, "NOT_DATAFRAME", "Argument `other` should be a DataFrame, got %s."
                   % _type_name(other), arg_name="other", arg_type=_type_name(other))
        return other._jdf

    def union(self, other: "DataFrame") -> "DataFrame":
        """The rows of both (UNION ALL), columns matched by position."""
        return self._wrap(self._jdf.union(self._other(other)))

    unionAll = union

    def unionByName(self, other: "DataFrame", allowMissingColumns: bool = False) -> "DataFrame":
        """The rows of both, columns matched by name (missing ones NULL when allowed)."""
        return self._wrap(self._jdf.union_by_name(self._other(other), bool(allowMissingColumns)))

    def intersect(self, other: "DataFrame") -> "DataFrame":
        """The distinct rows in both (INTERSECT), columns matched by position."""
        return self._wrap(self._jdf.intersect(self._other(other)))

    def intersectAll(self, other: "DataFrame") -> "DataFrame":
        """The rows in both, each as often as in the one that has it fewer times (INTERSECT ALL)."""
        return self._wrap(self._jdf.intersect_all(self._other(other)))

    def subtract(self, other: "DataFrame") -> "DataFrame":
        """The distinct rows not in ``other`` (EXCEPT)."""
        return self._wrap(self._jdf.subtract(self._other(other)))

    def exceptAll(self, other: "DataFrame") -> "DataFrame":
        """The rows not in ``other``, duplicates counted (EXCEPT ALL)."""
        return self._wrap(self._jdf.except_all(self._other(other)))

    def distinct(self) -> "DataFrame":
        return self._wrap(self._jdf.distinct())

    def dropDuplicates(self, subset: Optional[List[str]] = None) -> "DataFrame":
        """Distinct rows, or one row for each distinct value of the ``subset`` columns."""
        if subset is not None and not isinstance(subset, (list, tuple)):
            _raise(PySparkTypeError, "NOT_LIST_OR_TUPLE", "Argument `subset` should be a list or "
                   "tuple, got %s." % _type_name(subset), arg_name="subset", arg_type=_type_name(subset))
        return self._wrap(self._jdf.drop_duplicates(list(subset or [])))

    drop_duplicates = dropDuplicates

    def dropDuplicatesWithinWatermark(self, subset: Optional[List[str]] = None) -> "DataFrame":
        """Streaming deduplication: a row is dropped when a row with the same ``subset``
        values came within the watermark delay before it (needs ``withWatermark``)."""
        if subset is not None and not isinstance(subset, (list, tuple)):
            _raise(PySparkTypeError, "NOT_LIST_OR_TUPLE", "Argument `subset` should be a list or "
                   "tuple, got %s." % _type_name(subset), arg_name="subset", arg_type=_type_name(subset))
        return self._wrap(self._jdf.drop_duplicates_within_watermark(list(subset or [])))

    drop_duplicates_within_watermark = dropDuplicatesWithinWatermark

    def withWatermark(self, eventTime: str, delayThreshold: str) -> "DataFrame":
        """Marks ``eventTime`` (a timestamp column) as the event time of a streaming
        DataFrame, with rows allowed up to ``delayThreshold`` ("10 minutes") late."""
        if not isinstance(eventTime, str):
            _raise(PySparkTypeError, "NOT_STR", "Argument `eventTime` should be a str, got %s."
                   % _type_name(eventTime), arg_name="eventTime", arg_type=_type_name(eventTime))
        if not isinstance(delayThreshold, str):
            _raise(PySparkTypeError, "NOT_STR", "Argument `delayThreshold` should be a str, got %s."
                   % _type_name(delayThreshold), arg_name="delayThreshold",
                   arg_type=_type_name(delayThreshold))
        return self._wrap(self._jdf.with_watermark(eventTime, delayThreshold))

    def orderBy(self, *cols: ColumnOrName, **kwargs: Any) -> "DataFrame":
        """Sorted rows: ``orderBy("a", col("b").desc())``, ``orderBy(["a", "b"], ascending=[1, 0])``."""
        ascending = kwargs.get("ascending")
        columns = [Column(_col_expr(c, "cols")) for c in _flatten(cols)]
        if ascending is not None:
            if isinstance(ascending, (bool, int)):
                if not ascending:
                    columns = [c.desc() for c in columns]
            elif isinstance(ascending, list):
                if len(ascending) != len(columns):
                    _raise(PySparkValueError, "LENGTH_SHOULD_BE_THE_SAME",
                           "cols and ascending should be of the same length, got %d and %d."
                           % (len(columns), len(ascending)))
                columns = [c if a else c.desc() for c, a in zip(columns, ascending)]
            else:
                _raise(PySparkTypeError, "NOT_BOOL_OR_LIST", "Argument `ascending` should be a bool "
                       "or list, got %s." % _type_name(ascending))
        return self._wrap(self._jdf.order_by([c._jc for c in columns]))

    sort = orderBy

    def limit(self, num: int) -> "DataFrame":
        """The first ``num`` rows."""
        _check_int(num, "num")
        return self._wrap(self._jdf.limit(num))

    def offset(self, num: int) -> "DataFrame":
        """The rows after the first ``num``."""
        _check_int(num, "num")
        return self._wrap(self._jdf.offset(num))

    def toDF(self, *cols: str) -> "DataFrame":
        """The same rows with every column renamed, by position."""
        for c in cols:
            if not isinstance(c, str):
                _raise(PySparkTypeError, "NOT_LIST_OF_STR", "Argument `cols` should be a list[str], "
                       "got %s." % _type_name(c), arg_name="cols", arg_type=_type_name(c))
        return self._wrap(self._jdf.to_df(list(cols)))

    def withColumnsRenamed(self, colsMap: Dict[str, str]) -> "DataFrame":
        """Renames columns, one pair after the other: ``withColumnsRenamed({"a": "x"})``."""
        if not isinstance(colsMap, dict):
            _raise(PySparkTypeError, "NOT_DICT", "Argument `colsMap` should be a dict, got %s."
                   % _type_name(colsMap), arg_name="colsMap", arg_type=_type_name(colsMap))
        out = self
        for existing, new in colsMap.items():
            out = out.withColumnRenamed(existing, new)
        return out

    def transform(self, func: Any, *args: Any, **kwargs: Any) -> "DataFrame":
        """``func(self, *args, **kwargs)``, which must return a DataFrame: chains custom steps."""
        result = func(self, *args, **kwargs)
        if not isinstance(result, DataFrame):
            raise AssertionError("Func returned an instance of type [%s], should have been DataFrame."
                                 % type(result).__name__)
        return result

    def coalesce(self, numPartitions: int) -> "DataFrame":
        """The DataFrame itself: one process holds the data in one partition."""
        _check_int(numPartitions, "numPartitions")
        return self

    def repartition(self, numPartitions: Union[int, ColumnOrName], *cols: ColumnOrName) -> "DataFrame":
        """The DataFrame itself: one process holds the data in one partition (the
        columns are checked as Spark checks them)."""
        return self._check_partitioning(numPartitions, cols)

    def repartitionByRange(self, numPartitions: Union[int, ColumnOrName],
                           *cols: ColumnOrName) -> "DataFrame":
        """The DataFrame itself (one partition); the columns are checked."""
        return self._check_partitioning(numPartitions, cols)

    def _check_partitioning(self, numPartitions: Any, cols: Tuple[Any, ...]) -> "DataFrame":
        if isinstance(numPartitions, (str, Column)):
            cols = (numPartitions, *cols)
        elif not isinstance(numPartitions, int) or isinstance(numPartitions, bool):
            _raise(PySparkTypeError, "NOT_COLUMN_OR_STR", "Argument `numPartitions` should be a Column "
                   "or str, got %s." % _type_name(numPartitions), arg_name="numPartitions",
                   arg_type=_type_name(numPartitions))
        if cols:
            self.select(*[c for c in cols])  # an unknown column raises, as in Spark
        return self

    def sortWithinPartitions(self, *cols: Any, **kwargs: Any) -> "DataFrame":
        """Sorted rows: the one partition sorted, as ``orderBy`` sorts."""
        return self.orderBy(*cols, **kwargs)

    def isLocal(self) -> bool:
        """True: ``collect`` and ``take`` run in this process."""
        return True

    def registerTempTable(self, name: str) -> None:
        """The old name of ``createOrReplaceTempView``."""
        self.createOrReplaceTempView(name)

    def checkpoint(self, eager: bool = True) -> "DataFrame":
        """The rows computed once and kept (Spate keeps them in memory, as ``localCheckpoint``)."""
        return self.localCheckpoint(eager)

    def localCheckpoint(self, eager: bool = True, storageLevel: Any = None) -> "DataFrame":
        """The rows computed once (now when ``eager``) and kept in memory, cutting the plan."""
        kept = self._wrap(self._jdf.cache())
        if eager:
            kept.count()
        return kept

    def foreach(self, f: Any) -> None:
        """Calls ``f`` with each row, in this process."""
        for row in self.toLocalIterator():
            f(row)

    def foreachPartition(self, f: Any) -> None:
        """Calls ``f`` once with an iterator over all rows (one partition)."""
        f(iter(self.toLocalIterator()))

    def dropna(self, how: str = "any", thresh: Optional[int] = None,
               subset: Optional[Union[str, Tuple[str, ...], List[str]]] = None) -> "DataFrame":
        """Drops rows with NULL or NaN values: any of them (``how="any"``), all (``"all"``), or
        fewer than ``thresh`` present, among ``subset`` (every column by default)."""
        if how not in ("any", "all"):
            _raise(PySparkValueError, "VALUE_NOT_ANY_OR_ALL",
                   "Value for `how` must be 'any' or 'all', got '%s'." % how, arg_name="how",
                   arg_value=how)
        if thresh is not None:
            _check_int(thresh, "thresh")
        return self._wrap(self._jdf.dropna(how, -1 if thresh is None else thresh, _subset(subset)))

    def fillna(self, value: Any, subset: Optional[Union[str, Tuple[str, ...], List[str]]] = None) -> "DataFrame":
        """Replaces NULL (and NaN) with ``value`` in the columns of its kind (numeric, string,
        boolean), or with a value per column: ``fillna({"a": 0, "b": "none"})``."""
        if isinstance(value, dict):
            for v in value.values():
                _check_fill_value(v)
            from spate.sql.functions._common import _lit
            return self._wrap(self._jdf.fillna_columns([(k, _lit(v)) for k, v in value.items()]))
        _check_fill_value(value)
        return self._wrap(self._jdf.fillna(_fill_literal(value), _subset(subset)))

    def replace(self, to_replace: Any, value: Any = _NO_VALUE, subset: Optional[List[str]] = None) -> "DataFrame":
        """Replaces values: ``replace(1, 7)``, ``replace([1, 2], [10, 20])``,
        ``replace({"a": "b"})``, in the columns of the values' kind among ``subset``."""
        from spate.sql.functions._common import _lit
        if value is _NO_VALUE:
            if not isinstance(to_replace, dict):
                _raise(PySparkTypeError, "ARGUMENT_REQUIRED", "Argument `value` is required when "
                       "argument `to_replace` is not a dictionary.", arg_name="value",
                       condition_name="to_replace")
            to_replace, value = list(to_replace.keys()), list(to_replace.values())
        if not isinstance(to_replace, (list, tuple)):
            to_replace = [to_replace]
        if not isinstance(value, (list, tuple)):
            value = [value] * len(to_replace)
        if len(to_replace) != len(value):
            _raise(PySparkValueError, "LENGTH_SHOULD_BE_THE_SAME", "to_replace and value should be of "
                   "the same length, got %d and %d." % (len(to_replace), len(value)),
                   arg1="to_replace", arg2="value", arg1_length=str(len(to_replace)),
                   arg2_length=str(len(value)))
        kinds = {_replace_kind(v) for v in to_replace} | {_replace_kind(v) for v in value if v is not None}
        if len(kinds) > 1:
            _raise(PySparkValueError, "MIXED_TYPE_REPLACEMENT", "Mixed type replacements are not supported.")
        return self._wrap(self._jdf.replace([_lit(v) for v in to_replace], [_lit(v) for v in value],
                                            _subset(subset)))

    def describe(self, *cols: Union[str, List[str]]) -> "DataFrame":
        """count, mean, stddev, min and max of the numeric and string columns (or ``cols``), as strings."""
        from spate.sql import _statistics
        return _statistics.describe(self, cols)

    def summary(self, *statistics: str) -> "DataFrame":
        """The named statistics (count, mean, stddev, min, max, percentiles such as "25%",
        count_distinct, approx_count_distinct) of the numeric and string columns, as strings."""
        from spate.sql import _statistics
        return _statistics.summary(self, list(statistics) or _statistics.DEFAULT_SUMMARY)

    def corr(self, col1: str, col2: str, method: Optional[str] = None) -> float:
        """The Pearson correlation of two columns."""
        from spate.sql import _statistics
        return _statistics.corr(self, col1, col2, method)

    def cov(self, col1: str, col2: str) -> float:
        """The sample covariance of two columns."""
        from spate.sql import _statistics
        return _statistics.cov(self, col1, col2)

    def crosstab(self, col1: str, col2: str) -> "DataFrame":
        """The frequency of each pair of values: a row per value of col1, a column per value of col2."""
        from spate.sql import _statistics
        return _statistics.crosstab(self, col1, col2)

    def freqItems(self, cols: Union[List[str], Tuple[str]], support: Optional[float] = None) -> "DataFrame":
        """One row with a column ``<c>_freqItems`` per column: the values that may occur in more
        than ``support`` (default 1%) of the rows, found in one pass as Spark does (no value
        above the support is missed; some below it may be listed)."""
        if isinstance(cols, tuple):
            cols = list(cols)
        if not isinstance(cols, list):
            _raise(PySparkTypeError, "NOT_LIST_OR_TUPLE", "Argument `cols` should be a list or tuple, got "
                   "%s." % _type_name(cols), arg_name="cols", arg_type=_type_name(cols))
        return self._wrap(self._jdf.freq_items(cols, 0.01 if support is None else float(support)))

    def approxQuantile(self, col: Union[str, List[str], Tuple[str]], probabilities: Union[List[float], Tuple[float]],
                       relativeError: float) -> Union[List[float], List[List[float]]]:
        """Quantiles of numeric columns (exact when relativeError is 0), NULL and NaN left out."""
        from spate.sql import _statistics
        return _statistics.approx_quantile(self, col, probabilities, relativeError)

    def unpivot(self, ids: Any, values: Any, variableColumnName: str, valueColumnName: str) -> "DataFrame":
        """Columns to rows: one row per input row and value column (``values=None``: every
        column that is not an id)."""
        def exprs(cols: Any, name: str) -> List[_native.Expr]:
            return [_col_expr(c, name) for c in (cols if isinstance(cols, (list, tuple)) else [cols])]
        return self._wrap(self._jdf.unpivot(exprs(ids, "ids"), [] if values is None else exprs(values, "values"),
                                            variableColumnName, valueColumnName))

    melt = unpivot

    def sample(self, withReplacement: Optional[Union[float, bool]] = None,
               fraction: Optional[Union[int, float]] = None, seed: Optional[int] = None) -> "DataFrame":
        """Each row kept with probability ``fraction`` (Bernoulli sampling; a seed repeats the
        choice, though not Spark's choice of rows)."""
        if isinstance(withReplacement, (int, float)) and not isinstance(withReplacement, bool):
            # sample(fraction[, seed])
            withReplacement, fraction, seed = None, withReplacement, fraction if fraction is not None else seed
        if not isinstance(fraction, (int, float)) or isinstance(fraction, bool):
            _raise(PySparkTypeError, "NOT_FLOAT", "Argument `fraction` should be a float, got %s."
                   % _type_name(fraction), arg_name="fraction", arg_type=_type_name(fraction))
        if withReplacement:
            from spate.errors import PySparkNotImplementedError
            _raise(PySparkNotImplementedError, "NOT_IMPLEMENTED",
                   "sample(withReplacement=True) is not supported yet; Spate samples without replacement.")
        if fraction < 0:
            raise AnalysisException("[INVALID_SAMPLING_FRACTION] Sampling fraction (%s) must be on "
                                    "interval [0, 1] without replacement." % fraction,
                                    errorClass="INVALID_SAMPLING_FRACTION")
        from spate.sql.functions import rand
        return self.filter(rand(seed) < float(fraction))

    def randomSplit(self, weights: List[float], seed: Optional[int] = None) -> List["DataFrame"]:
        """Splits the rows at random in proportion to ``weights``; every row is in exactly one part."""
        for w in weights:
            if w < 0.0:
                _raise(PySparkValueError, "VALUE_NOT_POSITIVE", "Value for `weights` must be positive, got "
                       "'%s'." % w, arg_name="weights", arg_value=str(w))
        import random as _random
        seed = seed if seed is not None else _random.randint(0, 2**31 - 1)
        total = float(sum(weights))
        from spate.sql.functions import rand
        bounds, acc = [], 0.0
        for w in weights:
            bounds.append((acc / total, (acc + w) / total))
            acc += w
        # One draw per row, kept so that every part's bounds see the same draw.
        marked = self.withColumn("__split_draw", rand(seed)).localCheckpoint()
        r = marked["__split_draw"]
        return [marked.filter((r >= lo) & (r < hi)).drop("__split_draw") for lo, hi in bounds]

    def sampleBy(self, col: ColumnOrName, fractions: Dict[Any, float], seed: Optional[int] = None) -> "DataFrame":
        """A stratified sample: each row kept with the fraction of its value of ``col`` (0 for
        values not in ``fractions``)."""
        from spate.sql.functions import lit, rand, when
        if not isinstance(fractions, dict):
            _raise(PySparkTypeError, "NOT_DICT", "Argument `fractions` should be a dict, got %s."
                   % _type_name(fractions), arg_name="fractions", arg_type=_type_name(fractions))
        key = Column(_col_expr(col, "col"))
        fraction = lit(0.0)
        for value, f in fractions.items():
            fraction = when(key == lit(value), lit(float(f))).otherwise(fraction)
        return self.filter(rand(seed) < fraction)

    def sameSemantics(self, other: "DataFrame") -> bool:
        """Whether both DataFrames run the same analyzed plan."""
        return self._jdf.explain(True) == self._other(other).explain(True)

    def semanticHash(self) -> int:
        """A hash of the analyzed plan (equal for DataFrames with the same semantics)."""
        import zlib
        return zlib.crc32(self._jdf.explain(True).encode()) - (1 << 31)

    @property
    def stat(self) -> "DataFrameStatFunctions":
        """``df.stat.corr(...)``, ``cov``, ``crosstab``, ``approxQuantile``."""
        return DataFrameStatFunctions(self)

    @property
    def na(self) -> "DataFrameNaFunctions":
        """``df.na.drop()``, ``df.na.fill(0)``, ``df.na.replace(1, 2)``."""
        return DataFrameNaFunctions(self)

    def hint(self, name: str, *parameters: Any) -> "DataFrame":
        """A planner hint (broadcast, repartition, ...): checked as PySpark checks it, and
        otherwise without effect on a single-process engine, so the DataFrame itself."""
        if len(parameters) == 1 and isinstance(parameters[0], list):
            parameters = tuple(parameters[0])
        if not isinstance(name, str):
            _raise(PySparkTypeError, "NOT_STR", "Argument `name` should be a str, got %s."
                   % _type_name(name), arg_name="name", arg_type=_type_name(name))
        for p in parameters:
            if not isinstance(p, (str, float, int, Column, list)):
                _raise(PySparkTypeError, "DISALLOWED_TYPE_FOR_CONTAINER",
                       "Argument `parameters`(type: tuple) should only contain a type in "
                       "[str, float, int, Column, list[str], list[float], list[int]], got %s"
                       % _type_name(p), arg_name="parameters", arg_type="tuple",
                       allowed_types="str, float, int, Column, list[str], list[float], list[int]",
                       item_type=_type_name(p))
        return self

    def alias(self, alias: str) -> "DataFrame":
        """The DataFrame under a name for qualified columns: ``df.alias("t").select("t.a")``."""
        return self._wrap(self._jdf.alias(alias))

    def cache(self) -> "DataFrame":
        """Keeps the rows once computed, for the next actions."""
        self._jdf = self._jdf.cache()
        self.is_cached = True
        return self

    def persist(self, storageLevel: Any = None) -> "DataFrame":
        return self.cache()

    def unpersist(self, blocking: bool = False) -> "DataFrame":
        self._jdf = self._jdf.unpersist()
        self.is_cached = False
        return self

    # --- Actions ------------------------------------------------------------------------------

    def _arrow(self) -> pa.Table:
        return pa.table(_ArrowStream(self._jdf.to_arrow()))

    def collect(self) -> List[Row]:
        """Every row, as ``Row`` objects holding Python values."""
        return arrow_to_rows(self._arrow(), self.schema, session_tzinfo(self.sparkSession))

    def toLocalIterator(self, prefetchPartitions: bool = False) -> Iterator[Row]:
        return iter(self.collect())

    def count(self) -> int:
        """The number of rows."""
        return self._jdf.count()

    def take(self, num: int) -> List[Row]:
        """The first ``num`` rows."""
        return self.limit(num).collect()

    def head(self, n: Optional[int] = None) -> Union[Optional[Row], List[Row]]:
        """The first row (None when empty), or a list of the first ``n`` rows."""
        if n is None:
            rows = self.take(1)
            return rows[0] if rows else None
        return self.take(n)

    def first(self) -> Optional[Row]:
        """The first row, or None when there is none."""
        return self.head()  # type: ignore[return-value]

    def tail(self, num: int) -> List[Row]:
        rows = self.collect()
        return rows[len(rows) - num:] if num > 0 else []

    def isEmpty(self) -> bool:
        return len(self.take(1)) == 0

    def show(self, n: int = 20, truncate: Union[bool, int] = True, vertical: bool = False) -> None:
        """Prints the first ``n`` rows as Spark's text table; ``truncate`` cuts cells to 20
        characters (or to the number given); ``vertical`` prints one block per row."""
        _check_int(n, "n")
        if not isinstance(truncate, (bool, int)):
            _raise(PySparkTypeError, "NOT_BOOL", "Argument `truncate` should be a bool, got %s."
                   % _type_name(truncate), arg_name="truncate", arg_type=_type_name(truncate))
        if not isinstance(vertical, bool):
            _raise(PySparkTypeError, "NOT_BOOL", "Argument `vertical` should be a bool, got %s."
                   % _type_name(vertical), arg_name="vertical", arg_type=_type_name(vertical))
        width = (20 if truncate else 0) if isinstance(truncate, bool) else int(truncate)
        # As PySpark: print() adds a newline to Spark's showString, whose table ends with
        # one and whose footer ("only showing top n rows") does not.
        print(self._jdf.show_string(n, width, vertical))

    def toPandas(self) -> Any:
        """A pandas DataFrame (timestamps naive, in the session time zone)."""
        return arrow_to_pandas(self._arrow(), self.schema, session_tzinfo(self.sparkSession))

    def toArrow(self) -> pa.Table:
        """The rows as a pyarrow Table."""
        return self._arrow()

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The rows through the Arrow PyCapsule stream interface."""
        if requested_schema is None:
            return self._jdf.to_arrow()
        return self._arrow().__arrow_c_stream__(requested_schema)

    def toJSON(self, use_unicode: bool = True) -> _LocalRDD:
        """Each row as a JSON object string; ``.collect()`` gives the strings."""
        return _LocalRDD(list(self._jdf.to_json()))

    def createOrReplaceTempView(self, name: str) -> None:
        """Registers the DataFrame as a temp view for ``spark.sql`` and ``spark.table``."""
        self._jdf.create_or_replace_temp_view(name)

    def createTempView(self, name: str) -> None:
        """Like createOrReplaceTempView, but raises when the view exists."""
        self._jdf.create_temp_view(name)


class DataFrameNaFunctions:
    """``df.na``: the missing-value functions of a DataFrame."""

    def __init__(self, df: DataFrame) -> None:
        self.df = df

    def drop(self, how: str = "any", thresh: Optional[int] = None,
             subset: Optional[Union[str, Tuple[str, ...], List[str]]] = None) -> DataFrame:
        return self.df.dropna(how=how, thresh=thresh, subset=subset)

    def fill(self, value: Any, subset: Optional[List[str]] = None) -> DataFrame:
        return self.df.fillna(value=value, subset=subset)

    def replace(self, to_replace: Any, value: Any = _NO_VALUE, subset: Optional[List[str]] = None) -> DataFrame:
        return self.df.replace(to_replace, value, subset)


class DataFrameStatFunctions:
    """``df.stat``: the statistic functions of a DataFrame."""

    def __init__(self, df: DataFrame) -> None:
        self.df = df

    def approxQuantile(self, col: Union[str, List[str], Tuple[str]], probabilities: Union[List[float], Tuple[float]],
                       relativeError: float) -> Union[List[float], List[List[float]]]:
        return self.df.approxQuantile(col, probabilities, relativeError)

    def corr(self, col1: str, col2: str, method: Optional[str] = None) -> float:
        return self.df.corr(col1, col2, method)

    def cov(self, col1: str, col2: str) -> float:
        return self.df.cov(col1, col2)

    def crosstab(self, col1: str, col2: str) -> DataFrame:
        return self.df.crosstab(col1, col2)

    def freqItems(self, cols: Union[List[str], Tuple[str]], support: Optional[float] = None) -> DataFrame:
        return self.df.freqItems(cols, support)

    def sampleBy(self, col: str, fractions: Dict[Any, float], seed: Optional[int] = None) -> DataFrame:
        return self.df.sampleBy(col, fractions, seed)
