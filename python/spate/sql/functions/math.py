"""Math: arithmetic, rounding, logarithms, trigonometry, bitwise operations, random numbers."""

from __future__ import annotations

from typing import Any, Optional, Union

from spate.errors import PySparkTypeError, _raise, _type_name
from spate.sql.column import Column, _col_expr
from spate.sql.functions._common import ColumnOrName, _args, _invoke, _lit


def _num(c: Any) -> Any:
    """A Column or column name as a column, any other value as a literal (PySpark's binary
    math functions accept numbers for either operand)."""
    return _col_expr(c) if isinstance(c, (str, Column)) else _lit(c)


def _binary(name: str, col1: Any, col2: Any) -> Column:
    return _args(name, _num(col1), _num(col2))


def _scaled(name: str, col: ColumnOrName, scale: Optional[Union[Column, int]]) -> Column:
    if scale is None:
        return _invoke(name, col)
    return _args(name, _col_expr(col), _lit(scale) if isinstance(scale, int) else _col_expr(scale, "scale"))


def _seed(seed: Any) -> list:
    return [] if seed is None else [_lit(seed) if not isinstance(seed, Column) else seed._jc]


def abs(col: ColumnOrName) -> Column: return _invoke("abs", col)  # noqa: A001
def acos(col: ColumnOrName) -> Column: return _invoke("acos", col)
def acosh(col: ColumnOrName) -> Column: return _invoke("acosh", col)
def asin(col: ColumnOrName) -> Column: return _invoke("asin", col)
def asinh(col: ColumnOrName) -> Column: return _invoke("asinh", col)
def atan(col: ColumnOrName) -> Column: return _invoke("atan", col)
def atanh(col: ColumnOrName) -> Column: return _invoke("atanh", col)
def cbrt(col: ColumnOrName) -> Column: return _invoke("cbrt", col)
def cos(col: ColumnOrName) -> Column: return _invoke("cos", col)
def cosh(col: ColumnOrName) -> Column: return _invoke("cosh", col)
def cot(col: ColumnOrName) -> Column: return _invoke("cot", col)
def csc(col: ColumnOrName) -> Column: return _invoke("csc", col)
def sec(col: ColumnOrName) -> Column: return _invoke("sec", col)
def sin(col: ColumnOrName) -> Column: return _invoke("sin", col)
def sinh(col: ColumnOrName) -> Column: return _invoke("sinh", col)
def tan(col: ColumnOrName) -> Column: return _invoke("tan", col)
def tanh(col: ColumnOrName) -> Column: return _invoke("tanh", col)
def degrees(col: ColumnOrName) -> Column: return _invoke("degrees", col)
def toDegrees(col: ColumnOrName) -> Column: return _invoke("degrees", col)  # noqa: N802
def radians(col: ColumnOrName) -> Column: return _invoke("radians", col)
def toRadians(col: ColumnOrName) -> Column: return _invoke("radians", col)  # noqa: N802
def e() -> Column: return _args("e")
def pi() -> Column: return _args("pi")
def exp(col: ColumnOrName) -> Column: return _invoke("exp", col)
def expm1(col: ColumnOrName) -> Column: return _invoke("expm1", col)
def ln(col: ColumnOrName) -> Column: return _invoke("ln", col)
def log10(col: ColumnOrName) -> Column: return _invoke("log10", col)
def log1p(col: ColumnOrName) -> Column: return _invoke("log1p", col)
def log2(col: ColumnOrName) -> Column: return _invoke("log2", col)
def sqrt(col: ColumnOrName) -> Column: return _invoke("sqrt", col)
def rint(col: ColumnOrName) -> Column: return _invoke("rint", col)
def sign(col: ColumnOrName) -> Column: return _invoke("sign", col)
def signum(col: ColumnOrName) -> Column: return _invoke("signum", col)
def factorial(col: ColumnOrName) -> Column: return _invoke("factorial", col)
def bin(col: ColumnOrName) -> Column: return _invoke("bin", col)  # noqa: A001
def hex(col: ColumnOrName) -> Column: return _invoke("hex", col)  # noqa: A001
def unhex(col: ColumnOrName) -> Column: return _invoke("unhex", col)
def isnan(col: ColumnOrName) -> Column: return _invoke("isnan", col)
def negative(col: ColumnOrName) -> Column: return _invoke("negative", col)
def positive(col: ColumnOrName) -> Column: return _invoke("positive", col)
def zeroifnull(col: ColumnOrName) -> Column: return _invoke("zeroifnull", col)
def nullifzero(col: ColumnOrName) -> Column: return _invoke("nullifzero", col)
def bit_count(col: ColumnOrName) -> Column: return _invoke("bit_count", col)
def bitwise_not(col: ColumnOrName) -> Column: return _invoke("~", col)
def bitwiseNOT(col: ColumnOrName) -> Column: return _invoke("~", col)  # noqa: N802


negate = negative


def atan2(col1: Union[ColumnOrName, float], col2: Union[ColumnOrName, float]) -> Column:
    return _binary("atan2", col1, col2)


def pow(col1: Union[ColumnOrName, float], col2: Union[ColumnOrName, float]) -> Column:  # noqa: A001
    return _binary("power", col1, col2)


power = pow


def hypot(col1: Union[ColumnOrName, float], col2: Union[ColumnOrName, float]) -> Column:
    return _binary("hypot", col1, col2)


def pmod(dividend: Union[ColumnOrName, float], divisor: Union[ColumnOrName, float]) -> Column:
    return _binary("pmod", dividend, divisor)


def log(arg1: Union[ColumnOrName, float], arg2: Optional[ColumnOrName] = None) -> Column:
    """log(col) is the natural logarithm; log(base, col) the logarithm in `base`."""
    if arg2 is None:
        return _invoke("ln", arg1)  # type: ignore[arg-type]
    return _args("log", _lit(arg1), _col_expr(arg2, "arg2"))


def round(col: ColumnOrName, scale: Optional[Union[Column, int]] = None) -> Column:  # noqa: A001
    return _scaled("round", col, scale)


def bround(col: ColumnOrName, scale: Optional[Union[Column, int]] = None) -> Column:
    return _scaled("bround", col, scale)


def floor(col: ColumnOrName, scale: Optional[Union[Column, int]] = None) -> Column:
    return _scaled("floor", col, scale)


def ceil(col: ColumnOrName, scale: Optional[Union[Column, int]] = None) -> Column:
    return _scaled("ceil", col, scale)


def ceiling(col: ColumnOrName, scale: Optional[Union[Column, int]] = None) -> Column:
    return _scaled("ceiling", col, scale)


def conv(col: ColumnOrName, fromBase: int, toBase: int) -> Column:  # noqa: N803
    return _args("conv", _col_expr(col), _lit(fromBase), _lit(toBase))


def nanvl(col1: ColumnOrName, col2: ColumnOrName) -> Column:
    return _args("nanvl", _col_expr(col1, "col1"), _col_expr(col2, "col2"))


def width_bucket(v: ColumnOrName, min: ColumnOrName, max: ColumnOrName,  # noqa: A002
                 numBucket: Union[ColumnOrName, int]) -> Column:  # noqa: N803
    bucket = _lit(numBucket) if isinstance(numBucket, int) else _col_expr(numBucket, "numBucket")
    return _args("width_bucket", _col_expr(v, "v"), _col_expr(min, "min"), _col_expr(max, "max"),
                 bucket)


def try_add(left: ColumnOrName, right: ColumnOrName) -> Column: return _invoke("try_add", left, right)
def try_subtract(left: ColumnOrName, right: ColumnOrName) -> Column: return _invoke("try_subtract", left, right)
def try_multiply(left: ColumnOrName, right: ColumnOrName) -> Column: return _invoke("try_multiply", left, right)
def try_divide(left: ColumnOrName, right: ColumnOrName) -> Column: return _invoke("try_divide", left, right)
def try_mod(left: ColumnOrName, right: ColumnOrName) -> Column: return _invoke("try_mod", left, right)


def bit_get(col: ColumnOrName, pos: ColumnOrName) -> Column:
    return _args("bit_get", _col_expr(col), _col_expr(pos, "pos"))


def getbit(col: ColumnOrName, pos: ColumnOrName) -> Column:
    return _args("getbit", _col_expr(col), _col_expr(pos, "pos"))


def shiftleft(col: ColumnOrName, numBits: int) -> Column:  # noqa: N803
    return _args("shiftleft", _col_expr(col), _lit(numBits))


def shiftright(col: ColumnOrName, numBits: int) -> Column:  # noqa: N803
    return _args("shiftright", _col_expr(col), _lit(numBits))


def shiftrightunsigned(col: ColumnOrName, numBits: int) -> Column:  # noqa: N803
    return _args("shiftrightunsigned", _col_expr(col), _lit(numBits))


shiftLeft = shiftleft
shiftRight = shiftright
shiftRightUnsigned = shiftrightunsigned


def rand(seed: Optional[int] = None) -> Column:
    return _args("rand", *_seed(seed))


random = rand


def randn(seed: Optional[int] = None) -> Column:
    return _args("randn", *_seed(seed))


def uniform(min: Union[Column, int, float], max: Union[Column, int, float],  # noqa: A002
            seed: Optional[Union[Column, int]] = None) -> Column:
    return _args("uniform", _num(min), _num(max), *_seed(seed))


def randstr(length: Union[Column, int], seed: Optional[Union[Column, int]] = None) -> Column:
    return _args("randstr", _num(length), *_seed(seed))


def uuid(seed: Optional[Union[Column, int]] = None) -> Column:
    return _args("uuid", *_seed(seed))


