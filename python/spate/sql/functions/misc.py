"""Everything else: session and runtime information, errors, hints."""

from __future__ import annotations

from typing import Any, Dict, Optional, Union  # noqa: F401

from spate import _native  # noqa: F401
from spate.errors import PySparkTypeError, _raise, _type_name  # noqa: F401
from spate.sql.column import Column, _col_expr, _flatten  # noqa: F401
from spate.sql.functions._common import ColumnOrName, _args, _invoke, _lit, _options_map  # noqa: F401



def _str_or_column(value: Any, arg_name: str) -> _native.Expr:
    """A literal string or a Column (PySpark's NOT_COLUMN_OR_STR check)."""
    if isinstance(value, Column):
        return value._jc
    if isinstance(value, str):
        return _lit(value)
    _raise(PySparkTypeError, "NOT_COLUMN_OR_STR", "Argument `%s` should be a Column or str, got %s."
           % (arg_name, _type_name(value)), arg_name=arg_name, arg_type=_type_name(value))


def typeof(col: ColumnOrName) -> Column: return _invoke("typeof", col)
def current_catalog() -> Column: return _args("current_catalog")
def current_database() -> Column: return _args("current_database")
def current_schema() -> Column: return _args("current_schema")
def current_user() -> Column: return _args("current_user")
def user() -> Column: return _args("user")
def session_user() -> Column: return _args("session_user")
def version() -> Column: return _args("version")
def spark_partition_id() -> Column: return _args("spark_partition_id")
def monotonically_increasing_id() -> Column: return _args("monotonically_increasing_id")
def input_file_name() -> Column: return _args("input_file_name")
def input_file_block_length() -> Column: return _args("input_file_block_length")
def input_file_block_start() -> Column: return _args("input_file_block_start")


def assert_true(col: ColumnOrName, errMsg: Optional[Union[Column, str]] = None) -> Column:
    """NULL when ``col`` is true; otherwise fails with USER_RAISED_EXCEPTION and ``errMsg``."""
    if errMsg is None:
        return _invoke("assert_true", col)
    return _args("assert_true", _col_expr(col), _str_or_column(errMsg, "errMsg"))


def raise_error(errMsg: Union[Column, str]) -> Column:
    """Fails with USER_RAISED_EXCEPTION and ``errMsg``."""
    return _args("raise_error", _str_or_column(errMsg, "errMsg"))


def broadcast(df: Any) -> Any:
    """Marks a DataFrame for a broadcast join: a hint only, so the DataFrame itself."""
    return df


def _aes_args(*cols: Optional[ColumnOrName], defaults: tuple) -> list:
    """AES arguments with PySpark's defaults (mode GCM, padding DEFAULT, iv and aad empty)."""
    return [_col_expr(c) if c is not None else _lit(d) for c, d in zip(cols, defaults)]


def aes_encrypt(input: ColumnOrName, key: ColumnOrName, mode: Optional[ColumnOrName] = None,
                padding: Optional[ColumnOrName] = None, iv: Optional[ColumnOrName] = None,
                aad: Optional[ColumnOrName] = None) -> Column:
    """AES encryption of ``input`` (GCM by default; ECB and CBC with PKCS padding)."""
    return _args("aes_encrypt", _col_expr(input), _col_expr(key),
                 *_aes_args(mode, padding, iv, aad, defaults=("GCM", "DEFAULT", "", "")))


def aes_decrypt(input: ColumnOrName, key: ColumnOrName, mode: Optional[ColumnOrName] = None,
                padding: Optional[ColumnOrName] = None, aad: Optional[ColumnOrName] = None) -> Column:
    """AES decryption; data that does not decrypt is an AES_CRYPTO_ERROR."""
    return _args("aes_decrypt", _col_expr(input), _col_expr(key),
                 *_aes_args(mode, padding, aad, defaults=("GCM", "DEFAULT", "")))


def try_aes_decrypt(input: ColumnOrName, key: ColumnOrName, mode: Optional[ColumnOrName] = None,
                    padding: Optional[ColumnOrName] = None,
                    aad: Optional[ColumnOrName] = None) -> Column:
    """AES decryption; NULL for data that does not decrypt."""
    return _args("try_aes_decrypt", _col_expr(input), _col_expr(key),
                 *_aes_args(mode, padding, aad, defaults=("GCM", "DEFAULT", "")))


# Geospatial functions: Spark 4.1 ships them disabled (UNSUPPORTED_FEATURE.GEOSPATIAL_DISABLED
# on use), and so does Spate.
def st_asbinary(geo: ColumnOrName) -> Column: return _invoke("st_asbinary", geo)
def st_geogfromwkb(wkb: ColumnOrName) -> Column: return _invoke("st_geogfromwkb", wkb)
def st_geomfromwkb(wkb: ColumnOrName) -> Column: return _invoke("st_geomfromwkb", wkb)
def st_srid(geo: ColumnOrName) -> Column: return _invoke("st_srid", geo)


def st_setsrid(geo: ColumnOrName, srid: Union[ColumnOrName, int]) -> Column:
    return _args("st_setsrid", _col_expr(geo), _col_expr(srid) if not isinstance(srid, int) else _lit(srid))
