"""Hash functions against PySpark 4.1: digests, crc32, and the bit-exact Murmur3 hash and
xxhash64 that bucketing relies on."""

import datetime
import decimal

ROWS = [
    (1, 1, 1.0, 1.0, True, "a", b"a", datetime.date(2020, 2, 29),
     datetime.datetime(2020, 1, 1, 12, 30, 15, 123456), decimal.Decimal("1.50"),
     decimal.Decimal("12345678901234567890.123"), 1, 1),
    (-1, -1, -0.0, -0.0, False, "", b"", datetime.date(1970, 1, 1),
     datetime.datetime(1969, 12, 31, 23, 59, 59), decimal.Decimal("-0.01"),
     decimal.Decimal("-99999999999999999999.999"), -1, -1),
    (2147483647, 9223372036854775807, float("nan"), float("nan"), None, "héllo wörld ✓",
     bytes(range(256)), datetime.date(9999, 12, 31), datetime.datetime(2038, 1, 19, 3, 14, 8),
     decimal.Decimal("99999999.99"), decimal.Decimal("0.001"), 127, 32767),
    (-2147483648, -9223372036854775808, float("inf"), float("-inf"), True,
     "The quick brown fox jumps over the lazy dog, twice: the quick brown fox jumps",
     b"\x00\xff\x80", datetime.date(1, 1, 1), datetime.datetime(1, 1, 1, 0, 0, 0),
     decimal.Decimal("0"), decimal.Decimal("1"), -128, -32768),
    (None, None, None, None, None, None, None, None, None, None, None, None, None),
    (0, 0, 1e-300, 3.4e38, False, "abcdefg", b"abcdefgh12345678abcdefgh12345678x",
     datetime.date(2000, 1, 1), datetime.datetime(2000, 1, 1), decimal.Decimal("-12.34"),
     decimal.Decimal("-1"), 0, 0),
]
SCHEMA = ("i INT, l BIGINT, f FLOAT, d DOUBLE, bo BOOLEAN, s STRING, bin BINARY, dt DATE, "
          "ts TIMESTAMP, dec DECIMAL(10,2), big DECIMAL(38,3), b TINYINT, sh SMALLINT")
COLUMNS = ["i", "l", "f", "d", "bo", "s", "bin", "dt", "ts", "dec", "big", "b", "sh"]


def test_hash_each_type(oracle):
    """Murmur3 (seed 42) of every atomic type, -0.0 normalised, NULL skipped."""
    oracle.check_exprs(["hash(%s)" % c for c in COLUMNS] + ["hash(NULL)", "hash(1, NULL)"],
                       ROWS, SCHEMA)


def test_xxhash64_each_type(oracle):
    """XXH64 (seed 42) of every atomic type, -0.0 normalised, NULL skipped."""
    oracle.check_exprs(["xxhash64(%s)" % c for c in COLUMNS] + ["xxhash64(NULL)"], ROWS, SCHEMA)


def test_hash_chained_columns(oracle):
    """Several columns: each value's hash seeds the next; arrays and structs hash their parts."""
    oracle.check_exprs(["hash(%s)" % ", ".join(COLUMNS), "xxhash64(%s)" % ", ".join(COLUMNS),
                        "hash(i, s)", "xxhash64(s, i)", "hash(array(i, i))", "hash(struct(i, s))",
                        "xxhash64(array(s, s))", "xxhash64(named_struct('a', d, 'b', dt))",
                        "hash('Spark', array(123), 2)", "xxhash64('Spark', array(123), 2)"],
                       ROWS, SCHEMA)


def test_hash_literals(oracle):
    """Literal values of each width hash as their type (1 is an INT, 1L a BIGINT)."""
    oracle.check_exprs(["hash(1)", "hash(1L)", "hash(1Y)", "hash(1S)", "hash(1.0D)",
                        "hash(1.0F)", "hash(1.0)", "hash('')", "hash(true)",
                        "hash(DATE'2020-01-01')", "hash(TIMESTAMP'2020-01-01 00:00:00')",
                        "xxhash64(1)", "xxhash64(1L)", "xxhash64('abc')", "xxhash64(-0.0D)",
                        "xxhash64(0.0D)", "hash(-0.0D)", "hash(0.0D)"])


def test_hash_errors(oracle):
    """hash of a MAP and hash() of nothing are errors."""
    oracle.check_exprs(["hash(map(1, 2))"])
    oracle.check_exprs(["hash()"])


def test_digests(oracle):
    """md5, sha1/sha, sha2 of each bit length and crc32, of strings (as UTF-8) and binaries."""
    exprs = []
    for c in ("s", "bin"):
        exprs += ["md5(%s)" % c, "sha1(%s)" % c, "sha(%s)" % c, "crc32(%s)" % c]
        exprs += ["sha2(%s, %d)" % (c, n) for n in (0, 224, 256, 384, 512, 1)]
    oracle.check_exprs(exprs + ["md5(NULL)", "sha2(s, NULL)", "crc32('')"], ROWS, SCHEMA)


def test_digest_wrong_types(oracle):
    """Digests take BINARY (strings are cast); numbers are DATATYPE_MISMATCH."""
    for text in ["md5(1)", "sha1(1.5D)", "crc32(true)", "sha2(1, 256)", "sha2('a')"]:
        oracle.check_exprs([text])


def test_python_wrappers(oracle):
    """The Python wrappers: names, types and values; sha2's client-side bit length check."""
    def program(sql, spark):
        f = sql.functions
        df = spark.createDataFrame([("ABC", 1, 2.5), ("", None, -0.0)], "s STRING, n INT, x DOUBLE")
        return df.select(f.md5("s"), f.sha1("s"), f.sha("s"), f.sha2("s", 256), f.sha2("s", 0),
                         f.crc32("s"), f.hash("s", "n", "x"), f.xxhash64("s", "n", "x"),
                         f.hash("n"), f.xxhash64(f.col("x")))
    oracle.check(program)
    oracle.check(lambda sql, spark: spark.range(1).select(sql.functions.sha2("id", 100)),
                 error="VALUE_NOT_ALLOWED")
