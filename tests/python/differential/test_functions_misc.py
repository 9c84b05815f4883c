"""Miscellaneous functions against PySpark 4.1: type names, session information,
errors raised from SQL, NULL-handling conditionals."""

import datetime

import pytest


def test_typeof(oracle):
    """typeof gives the simpleString of the argument's type, never NULL."""
    oracle.check_exprs([
        "typeof(1)", "typeof(1L)", "typeof(1Y)", "typeof(1S)", "typeof(1.5)", "typeof(1.5D)",
        "typeof(CAST(1 AS FLOAT))", "typeof('a')", "typeof(NULL)", "typeof(true)", "typeof(X'01')",
        "typeof(DATE '2020-01-01')", "typeof(TIMESTAMP '2020-01-01 00:00:00')",
        "typeof(TIMESTAMP_NTZ '2020-01-01 00:00:00')", "typeof(array(1))", "typeof(map('a', 1))",
        "typeof(named_struct('a', 1, 'b', 'x'))", "typeof(x)", "typeof(s)",
    ], rows=[(1, "a"), (None, None)], schema="x INT, s STRING")


def test_typeof_wrong_args(oracle):
    """typeof takes exactly one argument (WRONG_NUM_ARGS)."""
    oracle.check_exprs(["typeof()", "typeof(1, 2)"])


CAST_FUNCTIONS = ["boolean", "tinyint", "smallint", "int", "bigint", "float", "double", "decimal",
                  "date", "timestamp", "binary", "string"]


def test_cast_functions_by_type_name(oracle):
    """string(x), int(x), ...: CAST(x AS <type>), named as their argument."""
    oracle.check_exprs(["%s(n)" % name for name in CAST_FUNCTIONS if name not in ("date", "timestamp", "binary")]
                       + ["string(s)", "int(s)", "double(s)", "decimal(s)", "binary(s)", "string(d)",
                          "date(d)", "timestamp(d)", "string(timestamp(d))", "date('2024-01-02 03:04')",
                          "timestamp('2024-01-02 03:04:05')", "boolean('true')", "decimal(1.5)",
                          "string(array(1, NULL))", "string(NULL)", "int(2147483647.0D)"],
                       rows=[(1, "12", datetime.date(2024, 3, 1)), (0, None, None)], schema="n INT, s STRING, d DATE")
    oracle.check(lambda sql, spark: spark.range(2).selectExpr(
        "string(id)", "string(id + 1)", "double(id) / 2", "int(string(id)) AS i", "concat(string(id), 'x')"))
    oracle.check(lambda sql, spark: spark.range(1).select(sql.functions.expr("bigint('7')")))


@pytest.mark.parametrize("expr", ["string()", "int(1, 2)", "decimal(1.5, 2)", "int('x')", "date('x')",
                                  "boolean('12')", "int(map(1, 2))", "tinyint(300)"])
def test_cast_function_errors(oracle, expr):
    """A type-named function takes one argument (WRONG_NUM_ARGS) and fails as its CAST does."""
    oracle.check_exprs([expr])


def test_session_information(oracle):
    """current_catalog/database/schema/user, spark_partition_id and input_file_* outside a file scan."""
    oracle.check_exprs([
        "current_catalog()", "current_database()", "current_schema()", "current_user()", "user()",
        "session_user()", "spark_partition_id()", "input_file_name()", "input_file_block_length()",
        "input_file_block_start()",
    ])


def test_version_and_ids_schema(oracle):
    """version() is a non-NULL string and monotonically_increasing_id() a non-NULL bigint (values differ by engine)."""
    oracle.check(lambda sql, spark: spark.sql(
        "SELECT version() AS v, monotonically_increasing_id() AS id").limit(0))


def test_monotonically_increasing_id_unique(oracle):
    """monotonically_increasing_id() gives distinct ids."""
    oracle.check(lambda sql, spark: spark.range(100)
                 .select(sql.functions.monotonically_increasing_id().alias("id"))
                 .agg(sql.functions.count_distinct("id").alias("n")))


def test_no_arg_functions_wrong_args(oracle):
    """The functions without parameters reject arguments (WRONG_NUM_ARGS)."""
    oracle.check_exprs(["version(1)", "spark_partition_id(1)", "current_user(1)",
                        "monotonically_increasing_id(1)", "input_file_name(1)"])


def test_assert_true_passes(oracle):
    """assert_true(true) is a NULL of type void, named after its default message."""
    oracle.check_exprs(["assert_true(1 < 2)", "assert_true(true, 'msg')", "assert_true(x > 0)"],
                       rows=[(1,), (2,)], schema="x INT")


@pytest.mark.parametrize("expr", [
    "assert_true(1 > 2)", "assert_true(false, 'boom')", "assert_true(NULL)",
    "assert_true(false, NULL)", "assert_true(false, 5)", "raise_error('boom')", "raise_error(NULL)",
    "raise_error(1)",
])
def test_user_raised_exception(oracle, expr):
    """assert_true on false/NULL and raise_error fail with USER_RAISED_EXCEPTION."""
    oracle.check(lambda sql, spark: spark.sql("SELECT %s" % expr), error="USER_RAISED_EXCEPTION")


def test_assert_true_on_rows(oracle):
    """assert_true fails on the first row whose condition is not true."""
    oracle.check(lambda sql, spark: spark.range(5).select(
        sql.functions.assert_true(sql.functions.col("id") < 3, "too big")),
        error="USER_RAISED_EXCEPTION")


def test_assert_true_raise_error_wrong_args(oracle):
    """assert_true needs a boolean; raise_error takes one argument."""
    oracle.check_exprs(["assert_true(1)", "assert_true('x')", "raise_error('a', 'b')",
                        "raise_error()", "assert_true()"])


def test_raise_error_type(oracle):
    """raise_error(...) is typed void."""
    oracle.check_exprs(["typeof(raise_error('x'))"])


def test_python_wrappers_errors(oracle):
    """The Python wrappers of assert_true/raise_error raise USER_RAISED_EXCEPTION; a wrong errMsg type is NOT_COLUMN_OR_STR."""
    oracle.check(lambda sql, spark: spark.range(1).select(sql.functions.raise_error("x")),
                 error="USER_RAISED_EXCEPTION")
    oracle.check(lambda sql, spark: spark.range(1).select(
        sql.functions.assert_true(sql.functions.lit(False), sql.functions.lit("m"))),
        error="USER_RAISED_EXCEPTION")
    oracle.check(lambda sql, spark: sql.functions.raise_error(1), error="NOT_COLUMN_OR_STR")
    oracle.check(lambda sql, spark: sql.functions.assert_true("id", 1), error="NOT_COLUMN_OR_STR")


def test_python_wrappers(oracle):
    """typeof, the session functions, equal_null and nvl2 through the DataFrame API."""
    def program(sql, spark):
        F = sql.functions
        df = spark.createDataFrame([(1, None), (None, "x")], "a INT, b STRING")
        return df.select(F.typeof("a"), F.current_catalog(), F.current_database(),
                         F.current_schema(), F.current_user(), F.user(), F.session_user(),
                         F.input_file_name(),
                         F.input_file_block_length(), F.input_file_block_start(),
                         F.equal_null("a", F.lit(1)), F.nvl2("a", "b", F.lit("y")),
                         F.nvl("b", F.lit("z")), F.ifnull("a", F.lit(0)), F.nullif("a", F.lit(1)),
                         F.coalesce("b", F.lit("w")), F.assert_true(F.lit(True)))
    oracle.check(program)


def test_equal_null(oracle):
    """equal_null is <=>: NULLs are equal to each other; operands are coerced."""
    oracle.check_exprs([
        "equal_null(1, 1)", "equal_null(NULL, NULL)", "equal_null(1, NULL)", "equal_null(1, '1')",
        "equal_null(1, 2.0)", "equal_null(x, y)", "equal_null(x, NULL)",
    ], rows=[(1, 1), (None, None), (1, None), (2, 3)], schema="x INT, y INT")


def test_equal_null_errors(oracle):
    """equal_null rejects incompatible types and a wrong argument count."""
    oracle.check_exprs(["equal_null(1, array(1))", "equal_null(1)"])


def test_nvl2(oracle):
    """nvl2(e, a, b) is a when e is not NULL, else b, in the wider type of a and b."""
    oracle.check_exprs([
        "nvl2(NULL, 1, 2)", "nvl2(0, 1, 2)", "nvl2(1, 'a', 'b')", "nvl2(1, NULL, 2L)",
        "nvl2(1, 1, 2.5)", "nvl2(x, x, -1)", "nvl2(x, 'set', 'unset')",
    ], rows=[(1,), (None,)], schema="x INT")


def test_nvl2_errors(oracle):
    """nvl2 takes three arguments whose values share a type."""
    oracle.check_exprs(["nvl2(1, 2)", "nvl2(1, array(1), 2)"])


def test_null_handling_conditionals(oracle):
    """nvl, ifnull, nullif and coalesce: result types, nullability and NULL handling."""
    oracle.check_exprs([
        "nvl(NULL, 1)", "ifnull(NULL, 2L)", "nullif(1, 1)", "nullif(1, 2)", "coalesce(NULL, 1, 2L)",
        "coalesce(NULL)", "nullif(NULL, 1)", "nvl(1, NULL)", "nvl(x, 0)", "nullif(x, 1)",
        "coalesce(x, NULL, 5)",
    ], rows=[(1,), (None,)], schema="x INT")


def test_null_handling_errors(oracle):
    """coalesce() needs an argument; nvl two; nullif casts a string operand (CAST_INVALID_INPUT)."""
    oracle.check_exprs(["coalesce()", "nvl(1)", "nullif(1, 'a')"])


def test_broadcast(oracle):
    """broadcast(df) is a hint: the join result is the same."""
    def program(sql, spark):
        left = spark.range(5)
        right = spark.range(3).withColumnRenamed("id", "k")
        return left.join(sql.functions.broadcast(right), left.id == right.k)
    oracle.check(program)


KEY = "abcdefghijklmnop"


def test_aes_deterministic(oracle):
    """aes_encrypt with ECB or a given IV is deterministic: the same bytes as Spark; decryption round-trips in every mode."""
    oracle.check_exprs([
        "aes_encrypt('Spark', '%s', 'ECB')" % KEY,
        "aes_encrypt('Spark', 'abcdefghijklmnop12345678', 'CBC', 'DEFAULT', X'00000000000000000000000000000000')",
        "aes_encrypt('hello', '%s', 'GCM', 'DEFAULT', X'000000000000000000000000', 'aad')" % KEY,
        "aes_encrypt('hello', 'abcdefghijklmnopqrstuvwxyz012345', 'gcm', 'none', X'000000000000000000000001')",
        "cast(aes_decrypt(X'6E7CA17BBB468D3084B5744BCA729FB7B2B7BCB8E4472847D02670489D95FA97DBBA7D3210', '0000111122223333', 'GCM') AS STRING)",
        "cast(aes_decrypt(aes_encrypt('héllo', '%s', 'ecb', 'pkcs'), '%s', 'ECB') AS STRING)" % (KEY, KEY),
        "cast(aes_decrypt(aes_encrypt('hello', '%s'), '%s') AS STRING)" % (KEY, KEY),
        "cast(aes_decrypt(aes_encrypt('hello', '%s', 'CBC'), '%s', 'CBC') AS STRING)" % (KEY, KEY),
        "cast(aes_decrypt(aes_encrypt('', '%s', 'CBC'), '%s', 'CBC') AS STRING)" % (KEY, KEY),
        "cast(aes_decrypt(aes_encrypt('hello', '%s', 'GCM', 'DEFAULT', X'000000000000000000000000', 'aad'), '%s', 'GCM', 'DEFAULT', 'aad') AS STRING)" % (KEY, KEY),
        "try_aes_decrypt(X'00', '%s', 'ECB')" % KEY, "try_aes_decrypt(X'00', 'short')",
        "try_aes_decrypt(X'00', '%s', 'XYZ')" % KEY,
        "try_aes_decrypt(aes_encrypt('x', '%s'), 'abcdefghijklmnopqrstuvwx')" % KEY,
        "aes_encrypt(NULL, '%s')" % KEY, "aes_encrypt('x', NULL)", "aes_decrypt(NULL, '%s')" % KEY,
        "typeof(aes_encrypt('x', '%s'))" % KEY,
    ])


@pytest.mark.parametrize("expr", [
    "aes_decrypt(X'00', 'abcdefghijklmnop', 'ECB')", "aes_encrypt('x', 'short')",
    "aes_encrypt('x', 'abcdefghijklmnop', 'XYZ')", "aes_encrypt('x', 'abcdefghijklmnop', 'GCM', 'PKCS')",
    "aes_encrypt('x', 'abcdefghijklmnop', 'ECB', 'DEFAULT', X'00')",
    "aes_encrypt('x', 'abcdefghijklmnop', 'GCM', 'DEFAULT', X'00')",
    "aes_encrypt('x', 'abcdefghijklmnop', 'CBC', 'DEFAULT', X'00')",
    "aes_encrypt('x', 'abcdefghijklmnop', 'ECB', 'DEFAULT', '', 'aad')",
    "aes_encrypt('x', 'abcdefghijklmnop', 'CBC', 'NONE')", "aes_encrypt(1, 'abcdefghijklmnop')",
    "aes_decrypt(aes_encrypt('hello', 'abcdefghijklmnop'), 'abcdefghijklmnopqrstuvwx')",
    "aes_encrypt('x')",
])
def test_aes_errors(oracle, expr):
    """AES errors: key and IV lengths, unsupported mode/padding/IV/AAD combinations, data that does not decrypt."""
    want = oracle.pyspark.run(lambda sql, spark: spark.sql("SELECT %s" % expr), False)
    oracle.check_sql("SELECT %s" % expr, error=want.condition)


def test_aes_python(oracle):
    """f.aes_encrypt / f.aes_decrypt / f.try_aes_decrypt with PySpark's defaults, over columns."""
    def program(sql, spark):
        F = sql.functions
        df = spark.createDataFrame([("Spark", KEY), ("x", None)], "v STRING, k STRING")
        enc = F.aes_encrypt("v", "k")
        return df.select(F.aes_encrypt("v", "k", F.lit("ECB")).alias("ecb"),
                         F.aes_decrypt(enc, "k").cast("string").alias("gcm"),
                         F.try_aes_decrypt(F.aes_encrypt("v", "k", F.lit("CBC")), "k", F.lit("CBC"))
                         .cast("string").alias("cbc"),
                         F.try_aes_decrypt(F.lit("0"), "k", F.lit("ECB")).alias("bad"))
    oracle.check(program)


def test_hint(oracle):
    """df.hint('broadcast') leaves the result unchanged; a non-string name is NOT_STR."""
    def program(sql, spark):
        left = spark.range(4)
        right = spark.range(2).withColumnRenamed("id", "k").hint("broadcast")
        return left.join(right, left.id == right.k)
    oracle.check(program)
    oracle.check(lambda sql, spark: spark.range(1).hint(1), error="NOT_STR")
    oracle.check(lambda sql, spark: spark.range(1).hint("x", {}), error="DISALLOWED_TYPE_FOR_CONTAINER")


@pytest.mark.parametrize("expr", [
    "st_srid(st_geomfromwkb(X'0101000000000000000000F03F0000000000000040'))",
    "st_asbinary(st_geogfromwkb(X'0101000000000000000000F03F0000000000000040'))",
    "st_setsrid(st_geomfromwkb(X'0101000000000000000000F03F0000000000000040'), 4326)",
])
def test_geospatial_disabled(oracle, expr):
    """The ST functions are disabled by default in Spark 4.1 (UNSUPPORTED_FEATURE.GEOSPATIAL_DISABLED)."""
    oracle.check_sql("SELECT %s" % expr, error="UNSUPPORTED_FEATURE.GEOSPATIAL_DISABLED")


@pytest.mark.parametrize("name", ["st_asbinary", "st_geogfromwkb", "st_geomfromwkb", "st_srid"])
def test_geospatial_functions_are_disabled_as_in_spark(oracle, name):
    """Spark 4.1 ships the st_* functions disabled: using one raises GEOSPATIAL_DISABLED."""
    oracle.check(lambda sql, spark: spark.createDataFrame([(bytearray(b"\x01"),)], "g BINARY")
                 .select(getattr(sql.functions, name)("g")),
                 error="UNSUPPORTED_FEATURE.GEOSPATIAL_DISABLED")
    oracle.check(lambda sql, spark: spark.createDataFrame([(bytearray(b"\x01"),)], "g BINARY")
                 .select(sql.functions.st_setsrid("g", 4326)),
                 error="UNSUPPORTED_FEATURE.GEOSPATIAL_DISABLED")
