"""Structs, arrays and maps: struct, array, create_map, explode, element_at, transform, ..."""

from __future__ import annotations

import inspect
import itertools
from typing import Any, Callable, Dict, Optional, Union  # noqa: F401

from spate import _native  # noqa: F401
from spate.errors import PySparkTypeError, PySparkValueError, _raise, _type_name  # noqa: F401
from spate.sql.column import Column, _col_expr, _flatten  # noqa: F401
from spate.sql.functions._common import ColumnOrName, _args, _invoke, _lit, _options_map  # noqa: F401


def _int_or_col(value: Union[ColumnOrName, int]) -> _native.Expr:
    """PySpark's `lit(v) if isinstance(v, int) else v`: an int literal or a Column/name."""
    return _lit(value) if isinstance(value, int) and not isinstance(value, bool) else _col_expr(value)


# ---------------------------------------------------------------------------
# Constructors and generators

def struct(*cols: ColumnOrName) -> Column: return _invoke("struct", *_flatten(cols))
def named_struct(*cols: ColumnOrName) -> Column: return _invoke("named_struct", *cols)
def array(*cols: ColumnOrName) -> Column: return _invoke("array", *_flatten(cols))
def create_map(*cols: ColumnOrName) -> Column: return _invoke("map", *_flatten(cols))
def map_from_arrays(col1: ColumnOrName, col2: ColumnOrName) -> Column: return _invoke("map_from_arrays", col1, col2)
def map_from_entries(col: ColumnOrName) -> Column: return _invoke("map_from_entries", col)
def map_concat(*cols: ColumnOrName) -> Column: return _invoke("map_concat", *_flatten(cols))
def arrays_zip(*cols: ColumnOrName) -> Column: return _invoke("arrays_zip", *cols)
def explode(col: ColumnOrName) -> Column: return _invoke("explode", col)
def explode_outer(col: ColumnOrName) -> Column: return _invoke("explode_outer", col)
def posexplode(col: ColumnOrName) -> Column: return _invoke("posexplode", col)
def posexplode_outer(col: ColumnOrName) -> Column: return _invoke("posexplode_outer", col)
def inline(col: ColumnOrName) -> Column: return _invoke("inline", col)
def inline_outer(col: ColumnOrName) -> Column: return _invoke("inline_outer", col)
def stack(*cols: ColumnOrName) -> Column: return _invoke("stack", *cols)


def array_repeat(col: ColumnOrName, count: Union[ColumnOrName, int]) -> Column:
    return _args("array_repeat", _col_expr(col), _int_or_col(count))


def sequence(start: ColumnOrName, stop: ColumnOrName, step: Optional[ColumnOrName] = None) -> Column:
    if step is None:
        return _invoke("sequence", start, stop)
    return _invoke("sequence", start, stop, step)


# ---------------------------------------------------------------------------
# Element access and sizes

def size(col: ColumnOrName) -> Column: return _invoke("size", col)
def cardinality(col: ColumnOrName) -> Column: return _invoke("cardinality", col)
def array_size(col: ColumnOrName) -> Column: return _invoke("array_size", col)


def element_at(col: ColumnOrName, extraction: Any) -> Column:
    """The 1-based element of an array or the value of a map key."""
    return _args("element_at", _col_expr(col), _lit(extraction))


def try_element_at(col: ColumnOrName, extraction: ColumnOrName) -> Column:
    return _invoke("try_element_at", col, extraction)


def get(col: ColumnOrName, index: Union[ColumnOrName, int]) -> Column:
    return _args("get", _col_expr(col), _int_or_col(index))


def slice(x: ColumnOrName, start: Union[ColumnOrName, int],  # noqa: A001 - PySpark's name
          length: Union[ColumnOrName, int]) -> Column:
    return _args("slice", _col_expr(x), _int_or_col(start), _int_or_col(length))


# ---------------------------------------------------------------------------
# Array functions

def array_contains(col: ColumnOrName, value: Any) -> Column:
    return _args("array_contains", _col_expr(col), _lit(value))


def array_position(col: ColumnOrName, value: Any) -> Column:
    return _args("array_position", _col_expr(col), _lit(value))


def array_append(col: ColumnOrName, value: Any) -> Column:
    return _args("array_append", _col_expr(col), _lit(value))


def array_prepend(col: ColumnOrName, value: Any) -> Column:
    return _args("array_prepend", _col_expr(col), _lit(value))


def array_remove(col: ColumnOrName, element: Any) -> Column:
    return _args("array_remove", _col_expr(col), _lit(element))


def array_insert(arr: ColumnOrName, pos: Union[ColumnOrName, int], value: Any) -> Column:
    return _args("array_insert", _col_expr(arr), _int_or_col(pos), _lit(value))


def array_join(col: ColumnOrName, delimiter: str, null_replacement: Optional[str] = None) -> Column:
    if null_replacement is None:
        return _args("array_join", _col_expr(col), _lit(delimiter))
    return _args("array_join", _col_expr(col), _lit(delimiter), _lit(null_replacement))


def array_compact(col: ColumnOrName) -> Column: return _invoke("array_compact", col)
def array_distinct(col: ColumnOrName) -> Column: return _invoke("array_distinct", col)
def array_max(col: ColumnOrName) -> Column: return _invoke("array_max", col)
def array_min(col: ColumnOrName) -> Column: return _invoke("array_min", col)
def array_union(col1: ColumnOrName, col2: ColumnOrName) -> Column: return _invoke("array_union", col1, col2)
def array_intersect(col1: ColumnOrName, col2: ColumnOrName) -> Column: return _invoke("array_intersect", col1, col2)
def array_except(col1: ColumnOrName, col2: ColumnOrName) -> Column: return _invoke("array_except", col1, col2)
def arrays_overlap(a1: ColumnOrName, a2: ColumnOrName) -> Column: return _invoke("arrays_overlap", a1, a2)
def flatten(col: ColumnOrName) -> Column: return _invoke("flatten", col)
def reverse(col: ColumnOrName) -> Column: return _invoke("reverse", col)


def sort_array(col: ColumnOrName, asc: bool = True) -> Column:
    return _args("sort_array", _col_expr(col), _lit(asc))


def array_sort(col: ColumnOrName, comparator: Optional[Callable[[Column, Column], Column]] = None) -> Column:
    if comparator is None:
        return _invoke("array_sort", col)
    return _higher_order("array_sort", [col], [comparator])


def shuffle(col: ColumnOrName, seed: Optional[Union[Column, int]] = None) -> Column:
    if seed is None:
        return _invoke("shuffle", col)
    return _args("shuffle", _col_expr(col), _lit(seed))


# ---------------------------------------------------------------------------
# Map functions

def map_keys(col: ColumnOrName) -> Column: return _invoke("map_keys", col)
def map_values(col: ColumnOrName) -> Column: return _invoke("map_values", col)
def map_entries(col: ColumnOrName) -> Column: return _invoke("map_entries", col)


def map_contains_key(col: ColumnOrName, value: Any) -> Column:
    return _args("map_contains_key", _col_expr(col), _lit(value))


# ---------------------------------------------------------------------------
# Higher-order functions: the Python function is called once with Column
# placeholders for the lambda's variables (x, y, z made unique, as PySpark
# names them); what it returns is the lambda's body.

_lambda_ids = itertools.count()


def _lambda(f: Callable) -> _native.Expr:
    parameters = inspect.signature(f).parameters.values()
    name = getattr(f, "__name__", type(f).__name__)
    if not 1 <= len(parameters) <= 3:
        _raise(PySparkValueError, "WRONG_NUM_ARGS_FOR_HIGHER_ORDER_FUNCTION",
               "Function `%s` should take between 1 and 3 arguments, but the provided function "
               "takes %d." % (name, len(parameters)), func_name=name, num_args=str(len(parameters)))
    positional = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.POSITIONAL_ONLY)
    if not all(p.kind in positional for p in parameters):
        _raise(PySparkValueError, "UNSUPPORTED_PARAM_TYPE_FOR_HIGHER_ORDER_FUNCTION",
               "Function `%s` should use only POSITIONAL or POSITIONAL OR KEYWORD arguments." % name,
               func_name=name)
    names = ["%s_%d" % (v, next(_lambda_ids)) for v in ["x", "y", "z"][:len(parameters)]]
    body = f(*[Column(_native.Expr.col(n)) for n in names])
    if not isinstance(body, Column):
        _raise(PySparkValueError, "HIGHER_ORDER_FUNCTION_SHOULD_RETURN_COLUMN",
               "Function `%s` should return Column, got %s." % (name, _type_name(body)),
               func_name=name, return_type=_type_name(body))
    return _native.Expr.lambda_(names, body._jc)


def _higher_order(name: str, cols: list, funs: list) -> Column:
    return _args(name, *[_col_expr(c) for c in cols], *[_lambda(f) for f in funs])


def transform(col: ColumnOrName, f: Callable[..., Column]) -> Column:
    return _higher_order("transform", [col], [f])


def filter(col: ColumnOrName, f: Callable[..., Column]) -> Column:  # noqa: A001 - PySpark's name
    return _higher_order("filter", [col], [f])


def exists(col: ColumnOrName, f: Callable[[Column], Column]) -> Column:
    return _higher_order("exists", [col], [f])


def forall(col: ColumnOrName, f: Callable[[Column], Column]) -> Column:
    return _higher_order("forall", [col], [f])


def aggregate(col: ColumnOrName, initialValue: ColumnOrName, merge: Callable[[Column, Column], Column],
              finish: Optional[Callable[[Column], Column]] = None) -> Column:
    funs = [merge] if finish is None else [merge, finish]
    return _higher_order("aggregate", [col, initialValue], funs)


def reduce(col: ColumnOrName, initialValue: ColumnOrName, merge: Callable[[Column, Column], Column],
           finish: Optional[Callable[[Column], Column]] = None) -> Column:
    funs = [merge] if finish is None else [merge, finish]
    return _higher_order("reduce", [col, initialValue], funs)


def zip_with(left: ColumnOrName, right: ColumnOrName, f: Callable[[Column, Column], Column]) -> Column:
    return _higher_order("zip_with", [left, right], [f])


def transform_keys(col: ColumnOrName, f: Callable[[Column, Column], Column]) -> Column:
    return _higher_order("transform_keys", [col], [f])


def transform_values(col: ColumnOrName, f: Callable[[Column, Column], Column]) -> Column:
    return _higher_order("transform_values", [col], [f])


def map_filter(col: ColumnOrName, f: Callable[[Column, Column], Column]) -> Column:
    return _higher_order("map_filter", [col], [f])


def map_zip_with(col1: ColumnOrName, col2: ColumnOrName,
                 f: Callable[[Column, Column, Column], Column]) -> Column:
    return _higher_order("map_zip_with", [col1, col2], [f])
