"""String functions: upper, trim, concat_ws, substring, split, regexp_*, ..."""

from __future__ import annotations

from typing import Any, Dict, Optional, Union  # noqa: F401

from spate import _native  # noqa: F401
from spate.errors import PySparkTypeError, _raise, _type_name  # noqa: F401
from spate.sql.column import Column, _col_expr, _flatten  # noqa: F401
from spate.sql.functions._common import ColumnOrName, _args, _invoke, _lit, _options_map  # noqa: F401


def upper(col: ColumnOrName) -> Column: return _invoke("upper", col)
def lower(col: ColumnOrName) -> Column: return _invoke("lower", col)
def length(col: ColumnOrName) -> Column: return _invoke("length", col)
def trim(col: ColumnOrName, trim: Optional[ColumnOrName] = None) -> Column:
    """``col`` without leading and trailing spaces, or the characters of ``trim``."""
    return _invoke("trim", col) if trim is None else _invoke("trim", col, trim)


def ltrim(col: ColumnOrName, trim: Optional[ColumnOrName] = None) -> Column:
    return _invoke("ltrim", col) if trim is None else _invoke("ltrim", col, trim)


def rtrim(col: ColumnOrName, trim: Optional[ColumnOrName] = None) -> Column:
    return _invoke("rtrim", col) if trim is None else _invoke("rtrim", col, trim)
def concat(*cols: ColumnOrName) -> Column: return _invoke("concat", *_flatten(cols))


def concat_ws(sep: str, *cols: ColumnOrName) -> Column:
    """The columns joined by ``sep``, skipping NULLs."""
    return _args("concat_ws", _lit(sep), *[_col_expr(c) for c in _flatten(cols)])


def substring(str: ColumnOrName, pos: Union[ColumnOrName, int],  # noqa: A002
              len: Union[ColumnOrName, int]) -> Column:  # noqa: A002
    """``len`` characters from 1-based position ``pos``."""
    return _args("substring", _col_expr(str, "str"),
                 _lit(pos) if isinstance(pos, int) else _col_expr(pos, "pos"),
                 _lit(len) if isinstance(len, int) else _col_expr(len, "len"))


def split(str: ColumnOrName, pattern: Union[Column, str],  # noqa: A002
          limit: Union[ColumnOrName, int] = -1) -> Column:
    return _args("split", _col_expr(str, "str"), _lit(pattern),
                 _lit(limit) if isinstance(limit, int) else _col_expr(limit, "limit"))


def regexp_extract(str: ColumnOrName, pattern: str, idx: int) -> Column:  # noqa: A002
    return _args("regexp_extract", _col_expr(str, "str"), _lit(pattern), _lit(idx))


def regexp_replace(string: ColumnOrName, pattern: Union[str, Column],
                   replacement: Union[str, Column]) -> Column:
    return _args("regexp_replace", _col_expr(string, "string"), _lit(pattern), _lit(replacement))


# Functions whose arguments are all Columns or column names.
def ascii(col: ColumnOrName) -> Column: return _invoke("ascii", col)
def base64(col: ColumnOrName) -> Column: return _invoke("base64", col)
def unbase64(col: ColumnOrName) -> Column: return _invoke("unbase64", col)
def bit_length(col: ColumnOrName) -> Column: return _invoke("bit_length", col)
def octet_length(col: ColumnOrName) -> Column: return _invoke("octet_length", col)
def char(col: ColumnOrName) -> Column: return _invoke("char", col)
def chr(n: ColumnOrName) -> Column: return _invoke("chr", n)  # noqa: A001
def char_length(str: ColumnOrName) -> Column: return _invoke("char_length", str)  # noqa: A002
def character_length(str: ColumnOrName) -> Column: return _invoke("character_length", str)  # noqa: A002
def contains(left: ColumnOrName, right: ColumnOrName) -> Column: return _invoke("contains", left, right)
def endswith(str: ColumnOrName, suffix: ColumnOrName) -> Column: return _invoke("endswith", str, suffix)  # noqa: A002
def startswith(str: ColumnOrName, prefix: ColumnOrName) -> Column: return _invoke("startswith", str, prefix)  # noqa: A002
def rlike(str: ColumnOrName, regexp: ColumnOrName) -> Column: return _invoke("rlike", str, regexp)  # noqa: A002
def regexp(str: ColumnOrName, regexp: ColumnOrName) -> Column: return _invoke("regexp", str, regexp)  # noqa: A002
def regexp_like(str: ColumnOrName, regexp: ColumnOrName) -> Column: return _invoke("regexp_like", str, regexp)  # noqa: A002
def regexp_count(str: ColumnOrName, regexp: ColumnOrName) -> Column: return _invoke("regexp_count", str, regexp)  # noqa: A002
def regexp_substr(str: ColumnOrName, regexp: ColumnOrName) -> Column: return _invoke("regexp_substr", str, regexp)  # noqa: A002
def find_in_set(str: ColumnOrName, str_array: ColumnOrName) -> Column: return _invoke("find_in_set", str, str_array)  # noqa: A002
def initcap(col: ColumnOrName) -> Column: return _invoke("initcap", col)
def lcase(str: ColumnOrName) -> Column: return _invoke("lcase", str)  # noqa: A002
def ucase(str: ColumnOrName) -> Column: return _invoke("ucase", str)  # noqa: A002
def left(str: ColumnOrName, len: ColumnOrName) -> Column: return _invoke("left", str, len)  # noqa: A002
def right(str: ColumnOrName, len: ColumnOrName) -> Column: return _invoke("right", str, len)  # noqa: A002
def quote(col: ColumnOrName) -> Column: return _invoke("quote", col)
def reverse(col: ColumnOrName) -> Column: return _invoke("reverse", col)
def soundex(col: ColumnOrName) -> Column: return _invoke("soundex", col)
def split_part(src: ColumnOrName, delimiter: ColumnOrName, partNum: ColumnOrName) -> Column:
    return _invoke("split_part", src, delimiter, partNum)
def url_decode(str: ColumnOrName) -> Column: return _invoke("url_decode", str)  # noqa: A002
def url_encode(str: ColumnOrName) -> Column: return _invoke("url_encode", str)  # noqa: A002
def try_url_decode(str: ColumnOrName) -> Column: return _invoke("try_url_decode", str)  # noqa: A002
def is_valid_utf8(str: ColumnOrName) -> Column: return _invoke("is_valid_utf8", str)  # noqa: A002
def make_valid_utf8(str: ColumnOrName) -> Column: return _invoke("make_valid_utf8", str)  # noqa: A002
def validate_utf8(str: ColumnOrName) -> Column: return _invoke("validate_utf8", str)  # noqa: A002
def try_validate_utf8(str: ColumnOrName) -> Column: return _invoke("try_validate_utf8", str)  # noqa: A002


def _optional(name: str, *cols: Optional[ColumnOrName]) -> Column:
    """name(cols...) without the trailing arguments that are None."""
    given = list(cols)
    while given and given[-1] is None:
        given.pop()
    return _invoke(name, *given)


def btrim(str: ColumnOrName, trim: Optional[ColumnOrName] = None) -> Column:  # noqa: A002
    return _optional("btrim", str, trim)


def like(str: ColumnOrName, pattern: ColumnOrName, escapeChar: Optional[Column] = None) -> Column:  # noqa: A002
    return _optional("like", str, pattern, escapeChar)


def ilike(str: ColumnOrName, pattern: ColumnOrName, escapeChar: Optional[Column] = None) -> Column:  # noqa: A002
    return _optional("ilike", str, pattern, escapeChar)


def position(substr: ColumnOrName, str: ColumnOrName, start: Optional[ColumnOrName] = None) -> Column:  # noqa: A002
    return _optional("position", substr, str, start)


def replace(src: ColumnOrName, search: ColumnOrName, replace: Optional[ColumnOrName] = None) -> Column:
    return _optional("replace", src, search, replace)


def substr(str: ColumnOrName, pos: ColumnOrName, len: Optional[ColumnOrName] = None) -> Column:  # noqa: A002
    return _optional("substr", str, pos, len)


def to_binary(col: ColumnOrName, format: Optional[ColumnOrName] = None) -> Column:  # noqa: A002
    return _optional("to_binary", col, format)


def try_to_binary(col: ColumnOrName, format: Optional[ColumnOrName] = None) -> Column:  # noqa: A002
    return _optional("try_to_binary", col, format)


def parse_url(url: ColumnOrName, partToExtract: ColumnOrName, key: Optional[ColumnOrName] = None) -> Column:
    return _optional("parse_url", url, partToExtract, key)


def try_parse_url(url: ColumnOrName, partToExtract: ColumnOrName,
                  key: Optional[ColumnOrName] = None) -> Column:
    return _optional("try_parse_url", url, partToExtract, key)


def elt(*inputs: ColumnOrName) -> Column:
    return _invoke("elt", *inputs)


def printf(format: ColumnOrName, *cols: ColumnOrName) -> Column:  # noqa: A002
    return _invoke("printf", format, *cols)


def format_string(format: str, *cols: ColumnOrName) -> Column:  # noqa: A002
    """``format`` (a Java format string) applied to the columns."""
    return _args("format_string", _lit(format), *[_col_expr(c) for c in cols])


def format_number(col: ColumnOrName, d: int) -> Column:
    """``col`` rounded half-even to ``d`` decimals, with ',' grouping."""
    return _args("format_number", _col_expr(col), _lit(d))


def decode(col: ColumnOrName, charset: str) -> Column:
    return _args("decode", _col_expr(col), _lit(charset))


def encode(col: ColumnOrName, charset: str) -> Column:
    return _args("encode", _col_expr(col), _lit(charset))


def instr(str: ColumnOrName, substr: Union[Column, str]) -> Column:  # noqa: A002
    """The 1-based position of the literal ``substr`` in ``str`` (0 when absent)."""
    return _args("instr", _col_expr(str, "str"), _lit(substr))


def locate(substr: str, str: ColumnOrName, pos: int = 1) -> Column:  # noqa: A002
    return _args("locate", _lit(substr), _col_expr(str, "str"), _lit(pos))


def lpad(col: ColumnOrName, len: Union[Column, int], pad: Union[Column, str]) -> Column:  # noqa: A002
    return _args("lpad", _col_expr(col), _lit(len), _lit(pad))


def rpad(col: ColumnOrName, len: Union[Column, int], pad: Union[Column, str]) -> Column:  # noqa: A002
    return _args("rpad", _col_expr(col), _lit(len), _lit(pad))


def repeat(col: ColumnOrName, n: Union[ColumnOrName, int]) -> Column:
    return _args("repeat", _col_expr(col), _lit(n) if isinstance(n, int) else _col_expr(n, "n"))


def levenshtein(left: ColumnOrName, right: ColumnOrName, threshold: Optional[int] = None) -> Column:
    if threshold is None:
        return _invoke("levenshtein", left, right)
    return _args("levenshtein", _col_expr(left, "left"), _col_expr(right, "right"), _lit(threshold))


def _int_or_col(value: Any, arg_name: str) -> _native.Expr:
    """PySpark's NOT_COLUMN_OR_INT_OR_STR check: an int is a literal, a str a column name."""
    if isinstance(value, bool) or not isinstance(value, (int, str, Column)):
        _raise(PySparkTypeError, "NOT_COLUMN_OR_INT_OR_STR", "Argument `%s` should be a Column, int "
               "or str, got %s." % (arg_name, _type_name(value)), arg_name=arg_name,
               arg_type=_type_name(value))
    return _lit(value) if isinstance(value, int) else _col_expr(value, arg_name)


def overlay(src: ColumnOrName, replace: ColumnOrName, pos: Union[ColumnOrName, int],
            len: Union[ColumnOrName, int] = -1) -> Column:  # noqa: A002
    """``src`` with ``len`` characters from 1-based ``pos`` replaced by ``replace``."""
    return _args("overlay", _col_expr(src, "src"), _col_expr(replace, "replace"),
                 _int_or_col(pos, "pos"), _int_or_col(len, "len"))


def mask(col: ColumnOrName, upperChar: Optional[ColumnOrName] = None,
         lowerChar: Optional[ColumnOrName] = None, digitChar: Optional[ColumnOrName] = None,
         otherChar: Optional[ColumnOrName] = None) -> Column:
    """Upper-case letters, lower-case letters and digits replaced by the given characters."""
    def char(value: Optional[ColumnOrName], default: Optional[str]) -> _native.Expr:
        return _lit(default) if value is None else _col_expr(value)
    return _args("mask", _col_expr(col), char(upperChar, "X"), char(lowerChar, "x"),
                 char(digitChar, "n"), char(otherChar, None))


def regexp_extract_all(str: ColumnOrName, regexp: ColumnOrName,  # noqa: A002
                       idx: Optional[Union[int, Column]] = None) -> Column:
    if idx is None:
        return _invoke("regexp_extract_all", str, regexp)
    return _args("regexp_extract_all", _col_expr(str, "str"), _col_expr(regexp, "regexp"), _lit(idx))


def regexp_instr(str: ColumnOrName, regexp: ColumnOrName,  # noqa: A002
                 idx: Optional[Union[int, Column]] = None) -> Column:
    if idx is None:
        return _invoke("regexp_instr", str, regexp)
    return _args("regexp_instr", _col_expr(str, "str"), _col_expr(regexp, "regexp"), _lit(idx))


def sentences(string: ColumnOrName, language: Optional[ColumnOrName] = None,
              country: Optional[ColumnOrName] = None) -> Column:
    """The words of each sentence of ``string``."""
    return _args("sentences", _col_expr(string, "string"),
                 _lit("") if language is None else _col_expr(language, "language"),
                 _lit("") if country is None else _col_expr(country, "country"))


def substring_index(str: ColumnOrName, delim: str, count: int) -> Column:  # noqa: A002
    return _args("substring_index", _col_expr(str, "str"), _lit(delim), _lit(count))


def translate(srcCol: ColumnOrName, matching: str, replace: str) -> Column:
    return _args("translate", _col_expr(srcCol, "srcCol"), _lit(matching), _lit(replace))


def str_to_map(text: ColumnOrName, pairDelim: Optional[ColumnOrName] = None,
               keyValueDelim: Optional[ColumnOrName] = None) -> Column:
    """A map from ``text`` split into pairs at ``pairDelim`` and each pair at ``keyValueDelim``."""
    return _args("str_to_map", _col_expr(text, "text"),
                 _lit(",") if pairDelim is None else _col_expr(pairDelim, "pairDelim"),
                 _lit(":") if keyValueDelim is None else _col_expr(keyValueDelim, "keyValueDelim"))


def to_char(col: ColumnOrName, format: ColumnOrName) -> Column: return _invoke("to_char", col, format)  # noqa: A002
def to_varchar(col: ColumnOrName, format: ColumnOrName) -> Column: return _invoke("to_char", col, format)  # noqa: A002
def to_number(col: ColumnOrName, format: ColumnOrName) -> Column: return _invoke("to_number", col, format)  # noqa: A002
def try_to_number(col: ColumnOrName, format: ColumnOrName) -> Column: return _invoke("try_to_number", col, format)  # noqa: A002


def collation(col: ColumnOrName) -> Column:
    """The collation of a string column: 'SYSTEM.BUILTIN.UTF8_BINARY'."""
    return _invoke("collation", col)


def collate(col: ColumnOrName, collation: str) -> Column:
    """``col`` under ``collation``: UTF8_BINARY, the one Spate applies (others are refused)."""
    return _args("collate", _col_expr(col), _lit(collation))
