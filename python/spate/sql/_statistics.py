"""The statistics of ``DataFrame.describe/summary`` and ``DataFrame.stat``, computed as one
aggregation each over the engine's aggregate functions, as Spark computes them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, List, Sequence, Union

from spate.errors import AnalysisException, IllegalArgumentException, PySparkTypeError, PySparkValueError, _raise, _type_name
from spate.sql.types import DoubleType, NumericType, StringType, StructField, StructType

if TYPE_CHECKING:
    from spate.sql.dataframe import DataFrame

DEFAULT_SUMMARY = ["count", "mean", "stddev", "min", "25%", "50%", "75%", "max"]
DESCRIBE = ["count", "mean", "stddev", "min", "max"]
_PERCENTILE = re.compile(r"^(\d+(\.\d*)?|\.\d+)%$")


def _quoted(name: str) -> str:
    return "`%s`" % name.replace("`", "``")


def _statistic(stat: str, column: str, is_string: bool) -> str:
    """The SQL aggregate of one statistic over one column (as a string, as Spark shows it)."""
    c = _quoted(column)
    number = "try_cast(%s AS DOUBLE)" % c if is_string else c
    if stat == "count":
        value = "count(%s)" % c
    elif stat == "count_distinct":
        value = "count(DISTINCT %s)" % c
    elif stat == "approx_count_distinct":
        value = "approx_count_distinct(%s)" % c
    elif stat == "mean":
        value = "avg(%s)" % number
    elif stat == "stddev":
        value = "stddev(%s)" % number
    elif stat in ("min", "max"):
        value = "%s(%s)" % (stat, c)
    else:
        value = "percentile_approx(%s, %r, 10000)" % (number, float(stat[:-1]) / 100.0)
    return "CAST(%s AS STRING)" % value


def _check_statistic(stat: str) -> None:
    ok = stat in ("count", "count_distinct", "approx_count_distinct", "mean", "stddev", "min", "max")
    if not ok and _PERCENTILE.match(stat):
        ok = 0.0 <= float(stat[:-1]) <= 100.0
    if not ok:
        _raise(IllegalArgumentException, "UNRECOGNIZED_STATISTIC",
               "The statistic '%s' is not recognized. Valid statistics include `count`, `count_distinct`, "
               "`approx_count_distinct`, `mean`, `stddev`, `min`, `max`, and percentile values. Percentile "
               "must be a numeric value followed by '%%', within the range 0%% to 100%%. SQLSTATE: 42704"
               % stat, statistic=stat)


def summary(df: "DataFrame", statistics: Sequence[str], columns: Union[List[str], None] = None) -> "DataFrame":
    """One row per statistic, one string column per numeric or string column of ``df``."""
    for stat in statistics:
        _check_statistic(stat)
    fields = {f.name: f for f in df.schema.fields}
    columns = [c for c in (columns if columns is not None else list(fields))
               if isinstance(fields[c].dataType, (NumericType, StringType))]
    exprs = [_statistic(stat, c, isinstance(fields[c].dataType, StringType))
             for stat in statistics for c in columns]
    values = list(df.selectExpr(*exprs).collect()[0]) if exprs and statistics else []
    rows = [[stat] + values[i * len(columns):(i + 1) * len(columns)] for i, stat in enumerate(statistics)]
    schema = StructType([StructField("summary", StringType())] + [StructField(c, StringType()) for c in columns])
    return df.sparkSession.createDataFrame(rows, schema)


def describe(df: "DataFrame", cols: Sequence[Any]) -> "DataFrame":
    if len(cols) == 1 and isinstance(cols[0], list):
        cols = cols[0]
    names = [c for c in cols] or None
    if names is not None:
        df.select(*names)  # an unknown column raises, as in Spark
    return summary(df, DESCRIBE, names)


def _check_str(value: Any, name: str) -> None:
    if not isinstance(value, str):
        _raise(PySparkTypeError, "NOT_STR", "Argument `%s` should be a str, got %s."
               % (name, _type_name(value)), arg_name=name, arg_type=_type_name(value))


def corr(df: "DataFrame", col1: str, col2: str, method: Any = None) -> float:
    _check_str(col1, "col1")
    _check_str(col2, "col2")
    if method not in (None, "pearson"):
        _raise(PySparkValueError, "VALUE_NOT_PEARSON", "Value for `method` only supports 'pearson', "
               "got '%s'." % method, arg_name="method", arg_value=method)
    return df.selectExpr("corr(CAST(%s AS DOUBLE), CAST(%s AS DOUBLE))"
                         % (_quoted(col1), _quoted(col2))).collect()[0][0]


def cov(df: "DataFrame", col1: str, col2: str) -> float:
    _check_str(col1, "col1")
    _check_str(col2, "col2")
    return df.selectExpr("covar_samp(CAST(%s AS DOUBLE), CAST(%s AS DOUBLE))"
                         % (_quoted(col1), _quoted(col2))).collect()[0][0]


def crosstab(df: "DataFrame", col1: str, col2: str) -> "DataFrame":
    """The pair-wise frequency table: a row per value of col1, a column per value of col2."""
    _check_str(col1, "col1")
    _check_str(col2, "col2")
    counts = df.selectExpr("CAST(%s AS STRING) AS a" % _quoted(col1), "CAST(%s AS STRING) AS b"
                           % _quoted(col2)).groupBy("a", "b").count().collect()
    text = lambda v: "null" if v is None else v  # noqa: E731 - how Spark names a NULL value
    columns = sorted({text(r[1]) for r in counts})
    table: dict = {}
    for a, b, n in counts:
        table.setdefault(text(a), dict.fromkeys(columns, 0))[text(b)] = n
    from spate.sql.types import LongType
    schema = StructType([StructField("%s_%s" % (col1, col2), StringType())] +
                        [StructField(c, LongType(), False) for c in columns])
    return df.sparkSession.createDataFrame([[a] + [row[c] for c in columns] for a, row in table.items()], schema)


def approx_quantile(df: "DataFrame", col: Any, probabilities: Any, relativeError: float) -> Any:
    """Quantiles of numeric columns, NULL and NaN values left out; a list per column when
    ``col`` is a list."""
    single = isinstance(col, str)
    columns = [col] if single else col
    if not isinstance(columns, (list, tuple)) or not all(isinstance(c, str) for c in columns):
        _raise(PySparkTypeError, "NOT_LIST_OR_STR_OR_TUPLE", "Argument `col` should be a list, str or "
               "tuple, got %s." % _type_name(col), arg_name="col", arg_type=_type_name(col))
    if not isinstance(probabilities, (list, tuple)) or not all(
            isinstance(p, (int, float)) and 0 <= p <= 1 for p in probabilities):
        _raise(PySparkTypeError, "NOT_LIST_OF_FLOAT_OR_INT", "Argument `probabilities` should be a list "
               "of float or int, got %s." % _type_name(probabilities), arg_name="probabilities",
               arg_type=_type_name(probabilities))
    if not isinstance(relativeError, (int, float)) or relativeError < 0:
        _raise(PySparkValueError, "NEGATIVE_VALUE", "Value for `relativeError` must be greater than or "
               "equal to 0, got '%s'." % relativeError, arg_name="relativeError",
               arg_value=str(relativeError))
    accuracy = 2147483647 if relativeError == 0 else max(1, int(1.0 / relativeError))
    probs = "array(%s)" % ", ".join(repr(float(p)) for p in probabilities)
    exprs = ["percentile_approx(CASE WHEN isnan(CAST(%s AS DOUBLE)) THEN NULL ELSE CAST(%s AS DOUBLE) END, "
             "%s, %d)" % (_quoted(c), _quoted(c), probs, accuracy) for c in columns]
    row = df.selectExpr(*exprs).collect()[0]
    result = [list(v) if v is not None else [] for v in row]
    return result[0] if single else result

