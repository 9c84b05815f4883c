"""Hash functions: md5, sha1, sha2, crc32, hash, xxhash64."""

from __future__ import annotations

from spate.errors import PySparkValueError, _raise
from spate.sql.column import Column, _col_expr, _flatten
from spate.sql.functions._common import ColumnOrName, _args, _invoke, _lit


def md5(col: ColumnOrName) -> Column: return _invoke("md5", col)
def sha(col: ColumnOrName) -> Column: return _invoke("sha", col)
def sha1(col: ColumnOrName) -> Column: return _invoke("sha1", col)
def crc32(col: ColumnOrName) -> Column: return _invoke("crc32", col)


def sha2(col: ColumnOrName, numBits: int) -> Column:  # noqa: N803
    if numBits not in [0, 224, 256, 384, 512]:
        _raise(PySparkValueError, "VALUE_NOT_ALLOWED",
               "Value for `numBits` has to be amongst the following values: "
               "[0, 224, 256, 384, 512].", arg_name="numBits",
               allowed_values="[0, 224, 256, 384, 512]")
    return _args("sha2", _col_expr(col), _lit(numBits))


def hash(*cols: ColumnOrName) -> Column:  # noqa: A001
    return _args("hash", *[_col_expr(c) for c in _flatten(cols)])


def xxhash64(*cols: ColumnOrName) -> Column:
    return _args("xxhash64", *[_col_expr(c) for c in _flatten(cols)])
