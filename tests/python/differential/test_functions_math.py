"""Math, bitwise and random functions against PySpark 4.1 (SQL and the Python wrappers)."""

import decimal

import pytest

ROWS = [
    (2.5, 1.5, 3, 4, 1, 2, "12.345", "7"),
    (-2.5, -0.5, -7, -9223372036854775808, -128, -32768, "-0.005", "-1.5"),
    (0.0, 0.0, 0, 0, 0, 0, "0", "0"),
    (-0.0, float("nan"), 2147483647, 9223372036854775807, 127, 32767, "9999999.999", "abc"),
    (float("nan"), float("inf"), -2147483648, 1, -1, -1, "0.5", ""),
    (float("inf"), 1e-10, 5, 20, 7, 15, "-1.5", " 12 "),
    (1e300, -1e-300, 21, 21, 21, 21, "2.5", "1e3"),
    (None, None, None, None, None, None, None, None),
]
SCHEMA = ("d DOUBLE, f FLOAT, i INT, l BIGINT, b TINYINT, s SMALLINT, dec STRING, str STRING")


def check(oracle, exprs):
    rows = [r[:6] + (None if r[6] is None else decimal.Decimal(r[6]),) + r[7:]
            for r in ROWS]
    oracle.check_exprs(exprs, rows, SCHEMA.replace("dec STRING", "dec DECIMAL(10,3)"))


UNARY = ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh",
         "atanh", "cot", "csc", "sec", "cbrt", "exp", "expm1", "sqrt", "degrees", "radians", "rint",
         "signum", "sign", "ln", "log10", "log2", "log1p", "log"]


@pytest.mark.parametrize("fn", UNARY)
def test_unary_double_functions(oracle, fn):
    """DOUBLE results of every numeric input type; logarithms of non-positive values are NULL."""
    check(oracle, ["%s(%s)" % (fn, c) for c in ("d", "f", "i", "l", "b", "dec")]
          + ["%s(NULL)" % fn, "%s(0)" % fn, "%s(-1)" % fn])


def test_unary_double_wrong_types(oracle):
    """Booleans, dates and binaries are DATATYPE_MISMATCH; strings are cast to DOUBLE."""
    for text in ["sin(true)", "sqrt(DATE'2020-01-01')", "cos(X'01')", "log(true)",
                 "ln(1, 2)", "pi(1)", "atan2(1)"]:
        oracle.check_exprs([text])
    oracle.check_exprs(["sqrt('4')", "sin('0.5')", "sqrt('x')"][:2])
    oracle.check_exprs(["sqrt('x')"])


def test_binary_double_functions(oracle):
    """atan2, pow/power, hypot and log(base, x): NULL only from NULL, except log's domain."""
    check(oracle, ["atan2(d, f)", "atan2(i, l)", "pow(d, i)", "power(b, s)", "pow(f, 0.5)",
                   "hypot(d, f)", "hypot(i, l)", "log(2, d)", "log(d, 8)", "log(i, l)",
                   "log(0, d)", "log(1, d)", "atan2(0, -0.0)", "pow(0, -1)", "e()", "pi()",
                   "atan2(NULL, d)", "pow(d, NULL)", "pow(1, CAST('NaN' AS DOUBLE))",
                   "pow(-1, CAST('Infinity' AS DOUBLE))", "pow(CAST('NaN' AS DOUBLE), 0)"])


def test_round_and_bround(oracle):
    """HALF_UP / HALF_EVEN on the decimal text of doubles, on decimals and integers, with
    negative scales; the result keeps the input type (decimals get Spark's precision)."""
    check(oracle, ["round(d)", "round(d, 1)", "bround(d)", "round(f, 1)", "bround(f)",
                   "round(dec)", "round(dec, 2)", "bround(dec, 2)", "round(dec, -2)",
                   "bround(dec, -1)", "round(dec, 5)", "round(i, -1)", "bround(i, -1)",
                   "round(b, -1)", "round(s, -2)", "round(str)", "round(d, -400)",
                   "round(d, NULL)", "round(NULL, 1)", "round(2.5)", "round(-2.5)",
                   "bround(2.5D)", "bround(3.5D)", "round(0.285D, 2)", "bround(0.285D, 2)",
                   "round(1.005D, 2)", "round(-0.5D)", "round(1.5e300D, -300)",
                   "round(1.23456789e-5D, 7)", "round(d, 1.5)", "bround(-2.5BD)",
                   "bround(2.55BD, 1)", "round(12345, -3)", "round(i, 2)"])


def test_round_overflow(oracle):
    """An integer or decimal rounded beyond its range is an ANSI error."""
    for text in ["round(2147483647, -1)", "round(CAST(127 AS TINYINT), -1)",
                 "round(9223372036854775807L, -1)", "bround(-2147483648, -1)",
                 "round(CAST(99999999999999999999999999999999999999 AS DECIMAL(38,0)), -1)",
                 "round(d, 'a')", "round(1, 2, 3)"]:
        oracle.check_exprs([text])
    oracle.check_exprs(["round(dec, i)"], [(1.0, 1)], "dec DOUBLE, i INT")


def test_floor_and_ceil(oracle):
    """BIGINT for doubles (saturating, NaN is 0) and integers, DECIMAL(p-s+1, 0) for decimals;
    with a scale always a DECIMAL."""
    check(oracle, ["floor(d)", "ceil(d)", "ceiling(f)", "floor(i)", "ceil(l)", "floor(dec)",
                   "ceil(dec)", "floor(str)", "floor(NULL)", "floor(dec, 1)", "ceil(dec, -1)",
                   "ceil(i, -1)", "floor(l, -2)", "ceil(b, 1)", "floor(dec, 5)",
                   "floor(1e20D)", "ceil(-1e30D)", "floor(NULL, 1)", "ceil(-0.5D)",
                   "floor(2.5D, 1)", "ceil(2.51D, 1)", "floor(-2.51D, 1)", "ceil(123.456D, -1)"])


def test_floor_ceil_errors(oracle):
    """The scale must be a constant INT; out-of-range decimals are errors."""
    for text in ["floor(1, 2, 3)", "floor(true)", "floor(2.5D, 'a')", "ceil(2.5D, NULL)",
                 "ceil(CAST(99999999999999999999999999999999999999 AS DECIMAL(38,0)), -1)",
                 "ceil(1e300D, -400)", "floor(1e15D + 0.5D, 0)", "ceil(1e7F, 1)"]:
        oracle.check_exprs([text])


def test_sign_factorial_bin_hex(oracle):
    """sign/signum keep -0.0 and NaN; factorial is NULL outside 0..20; bin/hex of two's
    complement BIGINTs; hex of strings and binaries; unhex."""
    check(oracle, ["factorial(i)", "factorial(b)", "factorial(l)", "factorial(d)", "bin(i)",
                   "bin(l)", "bin(d)", "bin(b)", "hex(i)", "hex(l)", "hex(str)", "hex(d)",
                   "hex(dec)", "unhex(str)", "unhex(hex(str))",
                   "unhex('537061726B2053514C')", "unhex('123')", "unhex('zz')", "unhex('')",
                   "hex(true)", "hex(NULL)", "factorial(20)", "factorial(21)", "factorial(-1)",
                   "hex(-1.5BD)", "bin(2.5D)", "bin('3')", "hex(2.7D)", "hex('')"])
    for text in ["bin(true)", "factorial(true)", "unhex(X'01')"]:
        oracle.check_exprs([text])


def test_conv(oracle):
    """conv: trimmed input read up to the first invalid digit, unsigned 64-bit values,
    negative target bases print signed; invalid bases NULL; overflow an ANSI error."""
    check(oracle, ["conv(str, 10, 2)", "conv(str, 16, -10)", "conv(i, 10, 16)", "conv(l, 10, -16)",
                   "conv(str, 36, 10)", "conv('100', 2, 10)", "conv('-10', 16, -10)",
                   "conv('ff', 16, 2)", "conv('1a2', 10, 10)", "conv('', 2, 10)",
                   "conv('10', 1, 10)", "conv('10', 37, 10)", "conv('-1', 10, 16)",
                   "conv('-9223372036854775809', 10, -10)", "conv('zz', 36, 10)",
                   "conv('-ff', 16, 10)", "conv('8000000000000000', 16, -10)",
                   "conv('18446744073709551615', 10, 16)", "conv(NULL, 10, 2)",
                   "conv('5', -10, 10)", "conv('-1', 10, -16)", "conv(' 12', 10, 10)"])
    oracle.check_exprs(["conv('FFFFFFFFFFFFFFFFFF', 16, 10)"])
    oracle.check_exprs(["conv('18446744073709551616', 10, 16)"])


def test_pmod(oracle):
    """pmod: the non-negative remainder with the types of %; zero divisor REMAINDER_BY_ZERO."""
    check(oracle, ["pmod(i, 3)", "pmod(i, -3)", "pmod(l, 7)", "pmod(b, s)", "pmod(d, 2)",
                   "pmod(f, 2)", "pmod(dec, 5)", "pmod(-10.5, 3)", "pmod(NULL, 3)",
                   "pmod(-2147483648, -1)", "pmod(CAST(-128 AS TINYINT), CAST(-1 AS TINYINT))"])
    for text in ["pmod(10, 0)", "pmod(1.5D, 0)", "pmod(true, 1)"]:
        oracle.check_exprs([text])


def test_nanvl_isnan_width_bucket(oracle):
    """nanvl replaces NaN only; isnan is false for NULL; width_bucket's edge rules."""
    check(oracle, ["nanvl(d, f)", "nanvl(f, 1)", "nanvl(i, l)", "isnan(d)", "isnan(f)",
                   "isnan(i)", "isnan(NULL)", "nanvl(NULL, NULL)",
                   "width_bucket(d, 0, 10, 5)", "width_bucket(i, 10, -10, 4)",
                   "width_bucket(f, -1, 1, l)", "width_bucket(5.3, 0.2, 10.6, 5)",
                   "width_bucket(-2.1, 1.3, 3.4, 3)", "width_bucket(8.1, 0.0, 5.7, 4)",
                   "width_bucket(-0.9, 5.2, 0.5, 2)", "width_bucket(5, 0, 10, 0)",
                   "width_bucket(5, 10, 10, 3)", "width_bucket(10, 0, 10, 3)",
                   "width_bucket(5, 0, 10, 2147483647)", "width_bucket(5, 0, 10, 9223372036854775807L)",
                   "width_bucket(5, 0, CAST('Infinity' AS DOUBLE), 3)"])
    oracle.check_exprs(["nanvl(true, 1)"])


def test_zeroifnull_nullifzero(oracle):
    """zeroifnull = coalesce(x, 0) (never NULL), nullifzero = NULL for 0, in x's type."""
    check(oracle, ["zeroifnull(i)", "zeroifnull(d)", "zeroifnull(dec)", "zeroifnull(NULL)",
                   "nullifzero(i)", "nullifzero(d)", "nullifzero(dec)", "nullifzero(0)",
                   "nullifzero(b)"])


def test_try_arithmetic(oracle):
    """try_* give NULL instead of overflow or a zero divisor, with the operator's types."""
    check(oracle, ["try_add(i, 1)", "try_add(l, l)", "try_add(b, b)", "try_subtract(i, 1)",
                   "try_subtract(l, 1)", "try_multiply(i, i)", "try_multiply(l, 2)",
                   "try_divide(i, 0)", "try_divide(d, f)", "try_divide(dec, 0)", "try_mod(i, 0)",
                   "try_mod(i, -1)", "try_mod(l, 3)", "try_add(dec, dec)", "try_add(d, 1)",
                   "try_multiply(dec, dec)", "try_add(2147483647, 1)",
                   "try_subtract(-9223372036854775808L, 1)", "try_divide(1, 0)",
                   "try_add(DATE'2020-02-28', 1)", "try_subtract(DATE'2020-03-01', 1)",
                   "try_mod(-2147483648, -1)", "try_divide(dec, 3)"])
    oracle.check_exprs(["try_add(true, 1)"])


def test_bitwise(oracle):
    """& | ^ ~ on one integral type (strings read as BIGINT), shifts with Java's count masking,
    bit_count (of the sign-extended long), bit_get's position check."""
    check(oracle, ["i & 1", "i | l", "i ^ 5", "b & s", "~b", "~i", "~l", "~s",
                   "shiftleft(i, 3)", "shiftleft(l, 63)", "shiftleft(b, 1)", "shiftleft(i, 33)",
                   "shiftright(i, 1)", "shiftright(l, 65)", "shiftrightunsigned(i, 1)",
                   "shiftrightunsigned(l, 4)", "shiftleft(d, 1)", "shiftleft(dec, 1)",
                   "i << 2", "i >> 1", "l >>> 1", "bit_count(i)", "bit_count(l)",
                   "bit_count(b)", "bit_count(true)", "bit_count(-1)", "bit_get(i, 0)",
                   "getbit(l, 63)", "bit_get(b, 7)", "bit_get(s, 15)", "bit_get(NULL, 1)",
                   "i & '3'", "NULL & 1", "~NULL", "shiftleft(NULL, 1)"])
    for text in ["i & d", "~d", "bit_count(d)", "bit_get(i, 32)", "bit_get(i, -1)",
                 "bit_get(d, 1)", "i & dec", "bitwise_not(i)"]:
        oracle.check_exprs([text], [(1, 1.5, decimal.Decimal("2.5"))],
                           "i INT, d DOUBLE, dec DECIMAL(5,2)")


def test_column_bitwise_methods(oracle):
    """Column.bitwiseAND/OR/XOR and unary minus on a DataFrame, named as Spark names them."""
    oracle.check(lambda sql, spark: spark.createDataFrame([(12, 10), (-1, None)], "a INT, b BIGINT")
                 .select(sql.functions.col("a").bitwiseAND(sql.functions.col("b")),
                         sql.functions.col("a").bitwiseOR(3), sql.functions.col("b").bitwiseXOR(5),
                         -sql.functions.col("a"), sql.functions.negative("b"),
                         sql.functions.positive("a")))


def test_negative_positive(oracle):
    """negative/positive keep the type; strings read as DOUBLE; ANSI overflow of negation."""
    check(oracle, ["negative(d)", "negative(dec)", "positive(i)", "negative(str)", "abs(b)"])
    oracle.check_exprs(["negative(-2147483648)"])
    oracle.check_exprs(["abs(-2147483648)"])


def test_seeded_random_values(oracle):
    """rand/randn/uniform/randstr with a seed draw Spark's XORShiftRandom sequence."""
    oracle.check(lambda sql, spark: spark.range(0, 6, 1, 1).selectExpr(
        "id", "rand(0)", "rand(42)", "randn(0)", "randn(42)", "random(-7)", "rand(NULL)",
        "uniform(10, 20, 0)", "uniform(0, 1000, 42)", "uniform(1.5D, 2.5D, 0)",
        "uniform(20, 10, 3)", "randstr(5, 0)", "randstr(10, 42)"), ordered=True)


def test_random_wrappers(oracle):
    """The Python wrappers of rand, randn, uniform and randstr with seeds; unseeded ones
    only by type."""
    def program(sql, spark):
        f = sql.functions
        return spark.range(0, 4, 1, 1).select(
            f.rand(1), f.randn(1), f.random(5), f.uniform(f.lit(1), f.lit(100), 7),
            f.randstr(f.lit(8), 3))
    oracle.check(program, ordered=True)
    oracle.check(lambda sql, spark: spark.range(1).select(
        (sql.functions.rand() < 1).alias("r"), (sql.functions.randn() == sql.functions.randn()).alias("n"),
        sql.functions.length(sql.functions.uuid()).alias("u")))


def test_python_wrappers(oracle):
    """Every wrapper's column name, type and value on a DataFrame."""
    def program(sql, spark):
        f = sql.functions
        df = spark.createDataFrame([(2.5, 3, "7", 9), (-0.5, -4, "ff", None)],
                                   "x DOUBLE, n INT, s STRING, m BIGINT")
        return df.select(
            f.acos("x"), f.acosh("x"), f.asin("x"), f.asinh("x"), f.atan("x"), f.atanh("x"),
            f.cbrt("x"), f.cos("x"), f.cosh("x"), f.cot("x"), f.csc("x"), f.sec("x"), f.sin("x"),
            f.sinh("x"), f.tan("x"), f.tanh("x"), f.degrees("x"), f.toDegrees("x"),
            f.radians("x"), f.toRadians("x"), f.e(), f.pi(), f.exp("x"), f.expm1("x"),
            f.ln("x"), f.log("x"), f.log(2.0, "x"), f.log10("x"), f.log1p("x"), f.log2("x"),
            f.pow("x", 2), f.power(2.0, "n"), f.sqrt("x"), f.hypot("x", "n"), f.atan2(1.0, "x"),
            f.rint("x"), f.round("x"), f.round("x", 1), f.bround("x"), f.bround("n", -1),
            f.floor("x"), f.floor("x", 1), f.ceil("x"), f.ceil("x", f.lit(1)), f.ceiling("x"),
            f.sign("x"), f.signum("x"), f.factorial("n"), f.bin("n"), f.hex("n"), f.hex("s"),
            f.unhex("s"), f.conv("s", 16, 10), f.pmod("n", 3), f.pmod(7.5, "x"),
            f.nanvl("x", "x"), f.isnan("x"), f.negate("n"), f.negative("x"), f.positive("n"),
            f.abs("n"), f.width_bucket("x", f.lit(0), f.lit(10), 4), f.zeroifnull("m"),
            f.nullifzero("n"), f.try_add("n", "m"), f.try_subtract("n", "m"),
            f.try_multiply("n", "m"), f.try_divide("n", "m"), f.try_mod("n", "m"),
            f.bit_count("n"), f.bit_get("n", f.lit(1)), f.getbit("m", f.lit(0)),
            f.bitwise_not("n"), f.bitwiseNOT("m"), f.shiftleft("n", 2), f.shiftLeft("m", 1),
            f.shiftright("n", 1), f.shiftRight("m", 1), f.shiftrightunsigned("n", 28),
            f.shiftRightUnsigned("m", 1))
    oracle.check(program)


def test_wrapper_argument_types(oracle):
    """Client-side PySparkTypeError for a non-column argument where PySpark raises one."""
    oracle.check(lambda sql, spark: spark.range(1).select(sql.functions.sin(1)),
                 error="NOT_COLUMN_OR_STR")


def test_nan_comparisons(oracle):
    """Spark orders doubles with NaN equal to NaN and above every other value (infinity
    included): =, <=>, <, <=, >, >=, IN, nullif, greatest and least follow that order."""
    exprs = []
    for op in ("=", "<=>", "<", "<=", ">", ">="):
        exprs += ["(d %s f)" % op, "(d %s CAST('NaN' AS DOUBLE))" % op, "(f %s d)" % op]
    exprs += ["d IN (CAST('NaN' AS DOUBLE), 1.0D)", "nullif(d, CAST('NaN' AS DOUBLE))",
              "greatest(d, f)", "least(d, f)", "greatest(d, 1e10D, CAST(NULL AS DOUBLE))",
              "least(CAST('NaN' AS DOUBLE), d)", "CAST('NaN' AS FLOAT) = CAST('NaN' AS FLOAT)",
              "greatest(CAST(d AS FLOAT), CAST(f AS FLOAT))"]
    check(oracle, exprs)


def test_non_finite_to_decimal(oracle):
    """CAST of NaN or an infinity to DECIMAL is NULL even under ANSI mode (no decimal holds
    it); a finite value too large for the type is still NUMERIC_VALUE_OUT_OF_RANGE."""
    check(oracle, ["CAST(d AS DECIMAL(10,2))", "TRY_CAST(f AS DECIMAL(38,0))",
                   "CAST(CAST('-Infinity' AS DOUBLE) AS DECIMAL(5,1))",
                   "CAST(CAST(f AS FLOAT) AS DECIMAL(10,2))"])
    oracle.check_exprs(["CAST(1e300D AS DECIMAL(10,2))"])


def test_null_literal_propagation(oracle):
    """A NULL literal operand folds a null-intolerant expression to NULL before it runs, so
    its other operand never raises (Spark's NullPropagation)."""
    check(oracle, ["(CAST(NULL AS INT) - CAST(1e10D AS INT))", "(NULL - CAST(1e10D AS INT))",
                   "(l * (CAST(NULL AS INT) * CAST(l AS INT)))", "(CAST(l AS INT) + NULL)",
                   "(CAST(NULL AS DOUBLE) > (i / 0))", "upper(substring(str, i div 0, NULL))",
                   "(- (CAST(NULL AS BIGINT) + l * 9223372036854775807))"])


def test_null_operand_skips_the_other(oracle):
    """On a row where an operand of a null-intolerant expression is NULL, Spark does not
    evaluate the operands after it (a divisor runs before its dividend), so they cannot
    raise there."""
    whole = "CASE WHEN str IN ('7', '0', ' 12 ') THEN %s END"
    check(oracle, ["(%s + CAST(str AS INT))" % (whole % "i"),
                   "(CAST(str AS INT) / %s)" % (whole % "2"),
                   "(CAST(str AS BIGINT) %% %s)" % (whole % "7"),
                   "((%s * 2) < CAST(str AS BIGINT))" % (whole % "b"),
                   "substring(%s, CAST(str AS INT), 2)" % (whole % "str")])


def test_constant_null_calls_fold(oracle):
    """A null-intolerant call of a NULL literal (date_trunc, from_unixtime, regexp_extract, ...)
    is folded to NULL before any row runs, so the expression around it folds too."""
    check(oracle, ["date_add(CAST(str AS DATE), hour(date_trunc('month', CAST(NULL AS TIMESTAMP))))",
                   "(CAST(str AS TIMESTAMP) >= from_unixtime(month(CAST(NULL AS DATE))))",
                   "(CAST(str AS INT) + length(regexp_extract(CAST(NULL AS STRING), '([a-z]+)', 1)))"])


def test_string_operands_of_arithmetic(oracle):
    """ANSI promotion of strings: beside an integer a string reads as BIGINT, beside any other
    number as DOUBLE; two strings, or a string and NULL, are BINARY_OP_WRONG_TYPE; `div` takes
    no FLOAT or DOUBLE."""
    rows = [("4", 3, 2.5, decimal.Decimal("1.5"), 7), (None, None, None, None, None)]
    schema = "s STRING, i INT, d DOUBLE, dec DECIMAL(5,2), b TINYINT"
    oracle.check_exprs(["1 - s", "s * b", "s + d", "s + dec", "-s", "s div 2", "pmod(s, 2)", "s / 2",
                        "s % 2", "2 % s", "i - s", "s div i", "'7' % 2", "1 - '2'"], rows, schema)
    for text in ["s + s", "s - s", "s * s", "s / s", "s % s", "s div s", "s + NULL", "s div 2.5",
                 "d div 2", "d div d", "'6' / '3'"]:
        oracle.check_exprs([text], rows, schema)
