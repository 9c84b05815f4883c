"""The one calendar (common/calendar.h) and the one date and timestamp text reader
(expr/datetime_parse.h) as users see them, against PySpark 4.1: negative years and years past
9999, leap days, and wall times in a daylight-saving gap or overlap. Negative-year dates do not
fit Python's datetime, so they are compared as text or as numbers."""

import pytest

from oracle import pyspark_available

pytestmark = pytest.mark.skipif(pyspark_available() is not None, reason=str(pyspark_available()))


def test_typed_literals_of_any_year(oracle):
    """DATE and TIMESTAMP literals read their text as CAST does: years before 1 and past 9999,
    leap days (and a 29 February that does not exist is INVALID_TYPED_LITERAL)."""
    oracle.check_exprs([
        "CAST(DATE '-0044-03-15' AS STRING)", "unix_date(DATE '-0044-03-15')", "unix_date(DATE '0000-02-29')",
        "CAST(DATE '2024-02-29' AS STRING)", "unix_date(DATE '1900-03-01')", "unix_date(DATE '10000-01-01')",
        "CAST(TIMESTAMP '-0044-03-15 12:00:00' AS STRING)", "unix_micros(TIMESTAMP '-1000-02-29 23:59:59.5')",
        "CAST(TIMESTAMP_NTZ '-0044-03-15 12:00:00' AS STRING)",
    ])
    for bad in ["DATE '2023-02-29'", "DATE '1900-02-29'", "TIMESTAMP '2100-02-29 00:00:00'"]:
        oracle.check_sql("SELECT %s" % bad, error="INVALID_TYPED_LITERAL")


def test_typed_literals_with_a_zone(oracle):
    """A TIMESTAMP literal naming its zone (an offset or a region) is that instant; a wall time in
    a spring-forward gap moves forward by the gap, one in a fall-back overlap takes the earlier
    instant."""
    oracle.check_exprs([
        "unix_micros(TIMESTAMP '2024-01-01 00:00:00 Europe/Paris')",
        "unix_micros(TIMESTAMP '2024-01-01T00:00:00+05:30')",
        "unix_micros(TIMESTAMP '2024-03-10 02:30:00 America/Los_Angeles')",
        "unix_micros(TIMESTAMP '2024-11-03 01:30:00 America/Los_Angeles')",
        "unix_micros(TIMESTAMP '1883-11-18 12:00:00 America/New_York')",
    ])


def test_month_arithmetic_clamps_to_the_month_end(oracle):
    """Adding months keeps the day unless the month is shorter (leap years included, and years
    before 1); sequences with a month step do the same."""
    oracle.check_exprs([
        "CAST(TIMESTAMP '2024-01-31 10:00:00' + INTERVAL 1 MONTH AS STRING)",
        "CAST(TIMESTAMP '2023-01-31 10:00:00' + INTERVAL 13 MONTHS AS STRING)",
        "CAST(TIMESTAMP '-0001-03-31 10:00:00' - INTERVAL 1 MONTH AS STRING)",
        "CAST(TIMESTAMP '0000-03-31 10:00:00' - INTERVAL 1 MONTH AS STRING)",
        "CAST(add_months(DATE '-0100-03-31', -1) AS STRING)",
        "sequence(DATE '2024-01-31', DATE '2024-05-31', INTERVAL 1 MONTH)",
        "transform(sequence(DATE '-0001-12-31', DATE '0000-04-30', INTERVAL 1 MONTH), d -> CAST(d AS STRING))",
    ])


def test_fields_of_years_before_one(oracle):
    """Day of week, ISO week, day of year and last_day on proleptic Gregorian dates before year 1."""
    oracle.check_exprs([
        "dayofweek(DATE '-0044-03-15')", "weekofyear(DATE '-0044-03-15')", "dayofyear(DATE '-0004-12-31')",
        "CAST(last_day(DATE '-0004-02-01') AS STRING)", "year(DATE '-0044-03-15')",
        "dayofyear(DATE '2024-12-31')", "weekofyear(DATE '2021-01-03')",
    ])


def test_json_prints_years_as_java_time_does(oracle):
    """to_json writes dates and timestamps with java.time's years: four digits at least, a sign
    before years below 1 and past 9999."""
    oracle.check_exprs([
        "to_json(named_struct('d', DATE '-0044-03-15'))",
        "to_json(named_struct('d', CAST('12345-01-01' AS DATE)))",
        "to_json(named_struct('d', DATE '0001-01-01'))",
        "to_json(named_struct('t', TIMESTAMP '-0044-03-15 12:00:00'))",
    ])


def test_json_timestamps_in_a_zone_with_daylight_saving(oracle):
    """to_json writes a timestamp with the session zone's offset at that instant, on both sides
    of a daylight-saving change."""
    def program(sql, spark):
        spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
        try:
            return spark.sql(
                "SELECT to_json(named_struct('t', TIMESTAMP '2024-03-10 09:59:59 UTC')) a, "
                "to_json(named_struct('t', TIMESTAMP '2024-03-10 10:00:00 UTC')) b, "
                "to_json(named_struct('t', TIMESTAMP '2024-11-03 08:30:00 UTC')) c, "
                "to_json(named_struct('t', TIMESTAMP '2024-11-03 09:30:00 UTC')) d").collect()
        finally:
            spark.conf.set("spark.sql.session.timeZone", "UTC")
    oracle.check(program)
