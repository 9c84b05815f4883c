"""approx_count_distinct against PySpark 4.1: Spark's HyperLogLog++ estimates to the last
digit (the same 64-bit hash of each type's value, the same precision from rsd, the same bias
correction and linear counting), grouped and global, small and large counts, the errors of a
bad rsd, and a streaming aggregation whose state stays the same size however many distinct
values it has seen."""

import datetime
import decimal
import os

import pytest

from test_streaming_programs import run_to_end

TYPES = "i INT, l BIGINT, s STRING, d DOUBLE, f FLOAT, dt DATE, ts TIMESTAMP, ntz TIMESTAMP_NTZ, b BOOLEAN, " \
        "sh SMALLINT, dec DECIMAL(10, 2), bin BINARY"


def typed_rows(n):
    """n rows of every type, with NULLs, -0.0, NaN and repeated values."""
    base = datetime.datetime(2024, 1, 1)
    rows = []
    for k in range(n):
        v = k * 7919 % (n // 2 + 1)
        d = float("nan") if k % 97 == 0 else (-0.0 if k % 89 == 0 else v / 3.0)
        rows.append((v, v * 1_000_003, "s%d é" % v, d, float(v) / 7, datetime.date(2000, 1, 1) +
                     datetime.timedelta(days=v), base + datetime.timedelta(seconds=v), base +
                     datetime.timedelta(microseconds=v), v % 2 == 0, v % 3000, decimal.Decimal(v) / 100, b"%d" % v))
        if k % 13 == 0:
            rows.append((None,) * 12)
    return rows


COLUMNS = ["i", "l", "s", "d", "f", "dt", "ts", "ntz", "b", "sh", "dec", "bin"]


@pytest.mark.parametrize("n", [10, 300, 5000])
def test_every_type_global(oracle, n):
    """The estimate of each type's distinct values, from a handful to thousands."""
    oracle.check_exprs(["approx_count_distinct(%s)" % c for c in COLUMNS], typed_rows(n), TYPES)


def test_grouped(oracle):
    """Per group, with rsd given as a DOUBLE and as a decimal literal."""
    def program(sql, spark):
        spark.createDataFrame(typed_rows(3000), TYPES).createOrReplaceTempView("g")
        return spark.sql("SELECT i % 5 AS k, approx_count_distinct(l), approx_count_distinct(s, 0.01D), "
                         "approx_count_distinct(ts, 0.2), approx_count_distinct(d, 0.3D) FROM g GROUP BY i % 5")
    oracle.check(program)


@pytest.mark.parametrize("rsd", [0.39, 0.3, 0.1, 0.05, 0.02, 0.01])
def test_rsd_values(oracle, rsd):
    """Each precision: the DataFrame function with rsd, over 20k distinct longs."""
    def program(sql, spark):
        df = spark.range(0, 40_000, 2).withColumn("k", sql.functions.col("id") % 3)
        return df.groupBy("k").agg(sql.functions.approx_count_distinct("id", rsd))
    oracle.check(program)


def test_hundred_thousand_distinct(oracle):
    """~100k distinct values (the bias-corrected range and beyond), longs and strings."""
    def program(sql, spark):
        f = sql.functions
        df = spark.range(120_000).select((f.col("id") * 37 % 100_003).alias("v"))
        return df.select(f.approx_count_distinct("v"), f.approx_count_distinct(f.col("v").cast("string")),
                         f.approx_count_distinct(f.col("v").cast("double"), 0.02),
                         f.approx_count_distinct(f.col("v") % 900))
    oracle.check(program)


def test_nulls_and_empty(oracle):
    """All-NULL groups, no rows at all: 0, never NULL."""
    oracle.check_exprs(["approx_count_distinct(n)", "approx_count_distinct(i)"],
                       [(None, 1), (None, 1)], "n INT, i INT")
    oracle.check(lambda sql, spark: spark.range(0).select(sql.functions.approx_count_distinct("id")))
    oracle.check(lambda sql, spark: spark.range(4).groupBy((sql.functions.col("id") % 2).alias("k"))
                 .agg(sql.functions.approx_count_distinct(sql.functions.lit(None))))


@pytest.mark.parametrize("expr, condition", [
    ("approx_count_distinct(id, 0.5)", "FAILED_FUNCTION_CALL"),
    ("approx_count_distinct(id, 0.4)", "FAILED_FUNCTION_CALL"),
    ("approx_count_distinct(id, -0.1)", "FAILED_FUNCTION_CALL"),
    ("approx_count_distinct(id, 'a')", "_LEGACY_ERROR_TEMP_1104"),
    ("approx_count_distinct(id, 1)", "_LEGACY_ERROR_TEMP_1104"),
    ("approx_count_distinct(id, id)", "_LEGACY_ERROR_TEMP_1104"),
    ("approx_count_distinct(id, NULL)", "_LEGACY_ERROR_TEMP_1104"),
    ("approx_count_distinct(id, CAST(0.05 AS FLOAT))", "_LEGACY_ERROR_TEMP_1104"),
    ("approx_count_distinct(id, 0.05, 1)", "WRONG_NUM_ARGS.WITHOUT_SUGGESTION"),
    ("approx_count_distinct()", "WRONG_NUM_ARGS.WITHOUT_SUGGESTION"),
])
def test_bad_rsd(oracle, expr, condition):
    """Spark's errors: rsd above 39% or not positive, rsd not a double literal, argument counts."""
    oracle.check(lambda sql, spark: spark.range(10).selectExpr(expr), error=condition)


def test_bad_rsd_from_python(oracle):
    oracle.check(lambda sql, spark: spark.range(10).select(sql.functions.approx_count_distinct("id", 0.5)),
                 error="FAILED_FUNCTION_CALL")


def write_files(folder, batches):
    os.makedirs(folder, exist_ok=True)
    for i, values in enumerate(batches):
        path = os.path.join(folder, "part-%03d.csv" % i)
        with open(path, "w") as out:
            out.writelines("%d,%d\n" % (v % 3, v) for v in values)
        os.utime(path, (1_700_000_000 + i * 10, 1_700_000_000 + i * 10))


# Batches of growing numbers of distinct values (some repeated across batches).
STREAM_BATCHES = [range(0, 50), range(25, 2_000), range(0, 20_000, 3), range(10_000, 60_000)]


def state_bytes(value):
    """The size of a state row's value: Spark keeps the registers as BIGINT fields, Spate as
    one BINARY of the same words."""
    return sum(len(v) if isinstance(v, (bytes, bytearray)) else 8 for v in value)


@pytest.mark.parametrize("mode", ["complete", "update"])
def test_streaming_counts(oracle, mode):
    """A streaming approx_count_distinct per key, batch after batch, agrees with Spark's."""
    def program(sql, spark, tmp):
        folder = os.path.join(tmp, "in")
        write_files(folder, STREAM_BATCHES)
        stream = spark.readStream.schema("k INT, v INT").option("maxFilesPerTrigger", 1).csv(folder)
        counts = stream.groupBy("k").agg(sql.functions.approx_count_distinct("v").alias("n"),
                                         sql.functions.approx_count_distinct("v", 0.1).alias("n10"))
        run_to_end(counts.writeStream.format("memory").queryName("acd_" + mode).outputMode(mode), tmp,
                   "acd_" + mode)
        return spark.sql("SELECT * FROM acd_%s" % mode)
    oracle.check(program)


def test_streaming_state_does_not_grow(oracle):
    """The state rows of a streaming approx_count_distinct keep one size from the first batch
    (a handful of distinct values) to the last (tens of thousands)."""
    def program(sql, spark, tmp):
        folder = os.path.join(tmp, "in")
        write_files(folder, STREAM_BATCHES[:1])
        stream = spark.readStream.schema("k INT, v INT").csv(folder)
        counts = stream.groupBy("k").agg(sql.functions.approx_count_distinct("v").alias("n"))
        checkpoint = os.path.join(tmp, "cp")
        sizes = []
        for batch in range(len(STREAM_BATCHES)):
            write_files(folder, STREAM_BATCHES[:batch + 1])
            (counts.writeStream.format("noop").outputMode("complete").option("checkpointLocation", checkpoint)
             .trigger(availableNow=True).start().awaitTermination())
            state = spark.read.format("statestore").load(checkpoint)
            sizes.append(sorted(state_bytes(r.value) for r in state.collect()))
        return sizes
    sizes = oracle.check(program)
    assert len(sizes[0]) == 3 and sizes[0] == sizes[-1], sizes
