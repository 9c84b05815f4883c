"""Every form of time zone Spark reads (region ids, short ids, fixed offsets with and without
the UTC/GMT/UT prefixes, Z) in spark.sql.session.timeZone, in the zone arguments of
from_utc_timestamp / to_utc_timestamp / convert_timezone and at the end of timestamp text,
against PySpark 4.1; bad zones raise Spark's error conditions."""

import datetime

import pytest

from oracle import pyspark_available

pytestmark = pytest.mark.skipif(pyspark_available() is not None, reason=str(pyspark_available()))

ZONES = ["GMT+08:00", "GMT-3", "UTC+5:30", "+08:00", "+8", "-0830", "+01:02:03", "+8:00:00",
         "GMT+8:3", "UT+01", "Z", "UTC", "GMT", "UT", "GMT0", "EST", "PST", "Etc/GMT+5",
         "America/Los_Angeles", "+18:00"]
BAD_ZONES = ["Bad/Zone", "utc", "gmt+8", "+19:00", "UTC+", "  UTC", "america/los_angeles"]


def in_session_zone(zone, query):
    """A program that runs `query` with the session time zone set to `zone`, then restores UTC."""
    def program(sql, spark):
        spark.conf.set("spark.sql.session.timeZone", zone)
        try:
            return spark.sql(query).collect()
        finally:
            spark.conf.set("spark.sql.session.timeZone", "UTC")
    return program


@pytest.mark.parametrize("zone", ZONES)
def test_session_time_zone(oracle, zone):
    """Casts of text to and from TIMESTAMP, fields, date_format (offsets and the zone id),
    to_json and current_timezone follow the session zone in each of its forms."""
    oracle.check(in_session_zone(zone, (
        "SELECT CAST(CAST('2021-06-01 12:00:00' AS TIMESTAMP) AS LONG) AS cast_in, "
        "CAST(timestamp_seconds(1622548800) AS STRING) AS cast_out, "
        "hour(timestamp_seconds(0)) AS h, "
        "date_format(timestamp_seconds(0), 'yyyy-MM-dd HH:mm:ss XXX xx VV') AS formatted, "
        "to_json(named_struct('t', timestamp_seconds(0))) AS json, "
        "unix_timestamp('2021-06-01 12:00:00') AS unix, "
        "current_timezone() AS tz")))


@pytest.mark.parametrize("zone", ZONES)
def test_zone_arguments(oracle, zone):
    """from_utc_timestamp, to_utc_timestamp and convert_timezone take each form, and a timestamp
    text ending with it (with or without a space before it) is read in it."""
    oracle.check_sql(
        "SELECT from_utc_timestamp(TIMESTAMP'2021-06-01 12:00:00', '{z}') AS from_utc, "
        "to_utc_timestamp(TIMESTAMP'2021-06-01 12:00:00', '{z}') AS to_utc, "
        "convert_timezone('{z}', 'UTC', TIMESTAMP_NTZ'2021-06-01 12:00:00') AS converted, "
        "CAST(CAST('2021-06-01 12:00:00 {z}' AS TIMESTAMP) AS LONG) AS spaced, "
        "CAST(CAST('2021-06-01T12:00:00{z}' AS TIMESTAMP) AS LONG) AS attached".format(z=zone))


@pytest.mark.parametrize("zone", ["America/New_York", "+05:30", "UTC"])
def test_timestamp_literals_read_in_the_session_zone(oracle, zone):
    """A TIMESTAMP literal without a zone is a wall time in the session zone, in spark.sql,
    selectExpr, filter text and expr() alike; TIMESTAMP_NTZ and a literal naming its zone are
    not moved by it."""
    def program(sql, spark):
        spark.conf.set("spark.sql.session.timeZone", zone)
        try:
            literal = "TIMESTAMP '2024-07-01 12:00:00'"
            df = spark.sql("SELECT CAST(%s AS LONG) AS from_sql, "
                           "CAST(TIMESTAMP_NTZ '2024-07-01 12:00:00' AS STRING) AS ntz, "
                           "CAST(TIMESTAMP '2024-07-01 12:00:00 Europe/Paris' AS LONG) AS zoned" % literal)
            df = df.selectExpr("*", "CAST(%s AS LONG) AS from_select_expr" % literal)
            df = df.select("*", sql.functions.expr(literal).cast("long").alias("from_expr"))
            df = df.filter("from_sql = CAST(%s AS LONG)" % literal)
            return df.collect()
        finally:
            spark.conf.set("spark.sql.session.timeZone", "UTC")
    oracle.check(program)


@pytest.mark.parametrize("zone", BAD_ZONES)
def test_bad_session_zone(oracle, zone):
    """Setting spark.sql.session.timeZone to a zone Spark rejects fails at once."""
    def program(sql, spark):
        try:
            spark.conf.set("spark.sql.session.timeZone", zone)
        finally:
            spark.conf.set("spark.sql.session.timeZone", "UTC")
    oracle.check(program, error="INVALID_CONF_VALUE.TIME_ZONE")


@pytest.mark.parametrize("zone", BAD_ZONES)
def test_bad_zone_argument(oracle, zone):
    """A zone argument Spark rejects is INVALID_TIMEZONE; a timestamp text ending with it does
    not cast."""
    oracle.check_sql("SELECT from_utc_timestamp(TIMESTAMP'2021-06-01 12:00:00', '%s')" % zone,
                     error="INVALID_TIMEZONE")
    oracle.check_sql("SELECT try_cast('2021-06-01T12:00:00%s' AS TIMESTAMP) AS t" % zone.strip())


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata"])
def test_timestamp_literals_named_in_the_session_zone(oracle, zone):
    """A generated column name prints a TIMESTAMP literal in the session zone (Spark's
    Literal.sql), whether the literal came from SQL text or from lit() of an aware datetime."""
    def program(sql, spark):
        spark.conf.set("spark.sql.session.timeZone", zone)
        try:
            df = spark.sql("SELECT CAST(TIMESTAMP '2024-01-01 00:00:00' AS BIGINT), "
                           "hour(TIMESTAMP '2024-07-01 12:30:00')")
            df = df.selectExpr("*", "date_trunc('HOUR', TIMESTAMP '2024-03-10 02:30:00')")
            df = df.select("*", sql.functions.lit(datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)))
            return df.columns
        finally:
            spark.conf.set("spark.sql.session.timeZone", "UTC")
    oracle.check(program)
