"""Date, timestamp and interval functions against PySpark 4.1 (session time zone UTC, ANSI on)."""

import datetime

import pytest

from oracle import pyspark_available

pytestmark = pytest.mark.skipif(pyspark_available() is not None, reason=str(pyspark_available()))

D = datetime.date
# Dates, timestamps as text (cast in the expressions), integers and strings.
ROWS = [
    (D(2020, 2, 29), "2020-02-29 13:45:30.123456", "2020-02-29 13:45:30.123456", 2020, 2, 29, "MON"),
    (D(2021, 1, 31), "2021-01-31 00:00:00", "2021-01-31 23:59:59.999999", 2021, 1, 31, "friday"),
    (D(1969, 12, 31), "1969-12-31 23:59:59.5", "1969-12-31 23:59:59.5", 1969, 12, 31, "Su"),
    (D(2021, 3, 31), "2021-03-14 02:30:00", "2021-11-07 01:30:00", 2021, 3, 31, "we"),
    (None, None, None, None, None, None, None),
]
SCHEMA = "d DATE, s STRING, n STRING, y INT, m INT, dd INT, dow STRING"
TS = "CAST(s AS TIMESTAMP)"
NTZ = "CAST(n AS TIMESTAMP_NTZ)"


def test_fields(oracle):
    """year .. second, dayname, monthname of dates, timestamps, NTZ and strings; NULL in, NULL out."""
    exprs = []
    for fn in ["year", "quarter", "month", "day", "dayofmonth", "dayofweek", "dayofyear", "weekday",
               "weekofyear", "dayname", "monthname"]:
        exprs += ["%s(d)" % fn, "%s(%s)" % (fn, TS), "%s(s)" % fn, "%s(%s)" % (fn, NTZ)]
    for fn in ["hour", "minute", "second"]:
        exprs += ["%s(%s)" % (fn, TS), "%s(%s)" % (fn, NTZ), "%s(s)" % fn, "%s(d)" % fn]
    oracle.check_exprs(exprs + ["year(NULL)", "dayname(NULL)"], rows=ROWS, schema=SCHEMA)


def test_extract_and_date_part(oracle):
    """extract / date_part / datepart with every field and abbreviation Spark accepts; SECOND keeps
    the fraction as DECIMAL(8,6); CalendarInterval fields; unknown fields are INVALID_EXTRACT_FIELD."""
    fields = ["YEAR", "Y", "YEARS", "YR", "YRS", "YEAROFWEEK", "QUARTER", "QTR", "MONTH", "MON",
              "MONS", "MONTHS", "WEEK", "W", "WEEKS", "DAY", "D", "DAYS", "DAYOFWEEK", "DOW",
              "DAYOFWEEK_ISO", "DOW_ISO", "DOY", "HOUR", "H", "HOURS", "HR", "HRS", "MINUTE", "M",
              "MIN", "MINS", "MINUTES", "SECOND", "S", "SEC", "SECONDS", "SECS"]
    exprs = ["extract(%s FROM %s)" % (f, TS) for f in fields]
    exprs += ["extract(%s FROM d)" % f for f in ["YEAR", "DOW", "SECOND", "HOUR", "YEAROFWEEK"]]
    exprs += ["date_part('%s', %s)" % (f.lower(), NTZ) for f in ["year", "week", "doy", "sec"]]
    exprs += ["datepart('MONTH', s)", "date_part(NULL, d)", "date_part('hour', NULL)"]
    iv = "make_interval(y, m, 0, dd, -30, 61, -1.5)"
    exprs += ["extract(%s FROM %s)" % (f, iv) for f in ["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"]]
    oracle.check_exprs(exprs, rows=ROWS, schema=SCHEMA)
    oracle.check_exprs(["extract(FOO FROM %s)" % TS, "extract(WEEK FROM make_interval(y))",
                        "extract(YEAR FROM y)"], rows=ROWS, schema=SCHEMA)


def test_make_date_and_timestamp(oracle):
    """make_date / make_timestamp* build from parts, leap days included; NULL parts give NULL;
    60 seconds is the next minute; try_ forms are NULL on invalid parts."""
    oracle.check_exprs([
        "make_date(y, m, dd)", "make_date(y, 2, 28)", "make_date(2020, 2, 29)",
        "make_timestamp(y, m, dd, 10, 30, 45.5)", "make_timestamp(y, m, dd, 23, 59, 60)",
        "make_timestamp(y, m, dd, 1, 2, 3, 'Asia/Tokyo')", "make_timestamp(y, m, dd, 1, 2, 3, '+05:30')",
        "make_timestamp(y, 3, 14, 2, 30, 0, 'America/New_York')",
        "make_timestamp(y, 11, 7, 1, 30, 0, 'America/New_York')",
        "make_timestamp_ltz(y, m, dd, 1, 2, 3.25)", "make_timestamp_ltz(y, m, dd, 1, 2, 3, 'Europe/Paris')",
        "make_timestamp_ntz(y, m, dd, 1, 2, 3.000001)",
        "try_make_timestamp(y, 2, 30, 0, 0, 0)", "try_make_timestamp(y, m, dd, 0, 0, 60.5)",
        "try_make_timestamp(y, m, dd, 24, 0, 0)", "try_make_timestamp_ltz(y, m, 32, 0, 0, 0)",
        "try_make_timestamp_ntz(y, 13, 1, 0, 0, 0)", "try_make_timestamp_ntz(y, m, dd, 0, 0, 1.5)",
        "make_timestamp(y, m, dd, 1, 2, 3, NULL)",
    ], rows=ROWS, schema=SCHEMA)


@pytest.mark.parametrize("expr", [
    "make_date(2023, 2, 29)", "make_date(2023, 2, 30)", "make_date(2023, 13, 1)", "make_date(2023, 4, 31)",
    "make_date(2023, 1, 0)", "make_timestamp(2023, 1, 1, 24, 0, 0)", "make_timestamp(2023, 1, 1, 0, 60, 0)",
    "make_timestamp(2023, 1, 1, 0, 0, 60.5)", "make_timestamp(2023, 1, 1, 0, 0, -1)",
    "make_timestamp(2023, 1, 1, 0, 0, 1, 'Bad/Zone')", "try_make_timestamp(2023, 1, 1, 0, 0, 1, 'nowhere')",
    "make_date(true, 1, 1)", "make_date(2020, 1)", "make_timestamp_ntz(2020, 1, 1, 0, 0, 1, 'UTC')",
    "make_interval(2147483647, 12)", "make_interval(0, 0, 0, 0, 0, 0, 1, 2)",
])
def test_make_errors(oracle, expr):
    """Invalid fields under ANSI: DATETIME_FIELD_OUT_OF_BOUNDS, INVALID_FRACTION_OF_SECOND,
    INVALID_TIMEZONE (also for try_), ARITHMETIC_OVERFLOW, type and argument-count errors."""
    oracle.check_exprs([expr], rows=ROWS, schema=SCHEMA)


def test_make_interval(oracle):
    """make_interval / try_make_interval as CalendarInterval text; missing parts are 0; overflow is
    NULL for the try_ form."""
    oracle.check_exprs([
        "CAST(make_interval(y, m, 1, dd, 4, 5, 6.5) AS STRING)", "CAST(make_interval() AS STRING)",
        "CAST(make_interval(y) AS STRING)", "CAST(make_interval(0, -m, 0, -dd, -1, 0, -0.5) AS STRING)",
        "CAST(try_make_interval(2147483647, 12) AS STRING)", "CAST(try_make_interval(y, m) AS STRING)",
        "CAST(make_interval(y, NULL) AS STRING)",
    ], rows=ROWS, schema=SCHEMA)


def test_epoch_conversions(oracle):
    """timestamp_seconds/millis/micros, unix_date/seconds/millis/micros (rounded down before 1970),
    date_from_unix_date; NaN seconds are NULL."""
    oracle.check_exprs([
        "timestamp_seconds(y)", "timestamp_seconds(CAST(y AS DOUBLE) + 0.5)", "timestamp_seconds(1.5)",
        "timestamp_seconds(CAST('NaN' AS DOUBLE))", "timestamp_seconds(CAST(y AS FLOAT))",
        "timestamp_seconds(-1.25)", "timestamp_millis(y)", "timestamp_millis(-1)", "timestamp_micros(y)",
        "unix_date(d)", "unix_seconds(%s)" % TS, "unix_millis(%s)" % TS, "unix_micros(%s)" % TS,
        "date_from_unix_date(y)", "date_from_unix_date(-1)", "unix_date(NULL)",
        "to_timestamp(y)", "to_timestamp(1.5)",
    ], rows=ROWS, schema=SCHEMA)
    oracle.check_exprs(["timestamp_seconds('1')", "timestamp_millis(1.5)", "unix_date(%s)" % TS,
                        "unix_seconds(d)", "unix_micros(%s)" % NTZ, "unix_seconds(s)"],
                       rows=ROWS, schema=SCHEMA)


def test_arithmetic(oracle):
    """add_months clamps to month ends (leap days), date_add/date_sub/dateadd, datediff/date_diff,
    months_between (roundOff), next_day, last_day."""
    oracle.check_exprs([
        "add_months(d, 1)", "add_months(d, -12)", "add_months(d, m)", "add_months(s, 1)",
        "add_months(%s, 1)" % TS, "date_add(d, 1)", "date_add(d, -dd)", "date_sub(d, 1)", "dateadd(d, 365)",
        "date_add(s, '2')", "datediff(d, DATE'2020-01-01')", "date_diff(%s, d)" % TS,
        "months_between(%s, d)" % TS, "months_between(d, DATE'2020-01-31')",
        "months_between(%s, %s, false)" % (TS, "TIMESTAMP'2019-06-15 12:00:00'"),
        "months_between(d, NULL)", "months_between(d, d, NULL)", "months_between(s, '2019-12-31')",
        "next_day(d, dow)", "next_day(d, 'TUESDAY')", "next_day(s, 'sat')", "next_day(d, NULL)",
        "last_day(d)", "last_day(s)", "last_day(%s)" % TS,
    ], rows=ROWS, schema=SCHEMA)
    oracle.check_exprs(["next_day(d, 'xx')", "months_between(d, 1)", "date_add(d, 1L)", "date_sub(d, 1.5D)",
                        "date_add(d, CAST(1 AS SMALLINT))", "add_months(d, 1L)"], rows=ROWS, schema=SCHEMA)


def test_timestampadd_and_diff(oracle):
    """timestampadd / timestampdiff (and the unit forms of dateadd, date_add, datediff, date_diff) for
    every unit; NTZ stays NTZ; month units count complete months."""
    units = ["YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND",
             "MICROSECOND"]
    exprs = []
    for u in units:
        exprs += ["timestampadd(%s, 3, %s)" % (u, TS), "timestampadd(%s, -m, %s)" % (u, NTZ),
                  "timestampdiff(%s, %s, TIMESTAMP'2024-02-29 12:00:00')" % (u, TS),
                  "timestampdiff(%s, %s, %s)" % (u, NTZ, "TIMESTAMP_NTZ'2019-01-31 23:00:00'")]
    exprs += ["timestampadd(DAYOFYEAR, 1, d)", "timestampadd(MONTH, 1, d)", "dateadd(MONTH, 1, s)",
              "date_add(WEEK, 2, d)", "datediff(MONTH, d, DATE'2022-02-28')", "date_diff(DAY, d, s)",
              "timestampdiff(SECOND, %s, %s)" % (TS, NTZ), "timestampadd(HOUR, NULL, d)"]
    oracle.check_exprs(exprs, rows=ROWS, schema=SCHEMA)


def test_truncation(oracle):
    """trunc (date units, others NULL) and date_trunc with every unit Spark accepts."""
    units = ["YEAR", "YYYY", "YY", "QUARTER", "MONTH", "MM", "MON", "WEEK", "DAY", "DD", "HOUR",
             "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND", "Q", "bad", "year", "week"]
    exprs = ["date_trunc('%s', %s)" % (u, TS) for u in units]
    exprs += ["trunc(d, '%s')" % u for u in units]
    exprs += ["date_trunc('MONTH', d)", "date_trunc('HOUR', %s)" % NTZ, "date_trunc('DAY', s)",
              "trunc(s, 'MM')", "date_trunc(NULL, %s)" % TS]
    oracle.check_exprs(exprs, rows=ROWS, schema=SCHEMA)


def test_time_zones(oracle):
    """convert_timezone (default source is the session zone; DST gaps and overlaps),
    from_utc_timestamp / to_utc_timestamp, INVALID_TIMEZONE."""
    oracle.check_exprs([
        "convert_timezone('Europe/Brussels', 'America/Los_Angeles', %s)" % NTZ,
        "convert_timezone('America/New_York', 'UTC', %s)" % NTZ,
        "convert_timezone('America/New_York', 'UTC', %s)" % TS,
        "convert_timezone('Asia/Kolkata', %s)" % NTZ, "convert_timezone('+05:00', 'UTC', d)",
        "convert_timezone(NULL, 'UTC', %s)" % NTZ,
        "from_utc_timestamp(%s, 'America/New_York')" % TS, "to_utc_timestamp(%s, 'America/New_York')" % TS,
        "from_utc_timestamp(s, 'Asia/Tokyo')", "to_utc_timestamp(%s, 'Europe/London')" % NTZ,
        "from_utc_timestamp(%s, 'GMT+8')" % TS, "from_utc_timestamp(%s, NULL)" % TS,
    ], rows=ROWS, schema=SCHEMA)
    oracle.check_exprs(["convert_timezone('Nowhere/City', 'UTC', %s)" % NTZ,
                        "from_utc_timestamp(%s, 'bad')" % TS], rows=ROWS, schema=SCHEMA)


def test_parsing_and_formatting(oracle):
    """to_date / try_to_date, to_timestamp / try_to_timestamp / _ltz / _ntz, unix_timestamp,
    to_unix_timestamp, from_unixtime, date_format with patterns."""
    oracle.check_exprs([
        "to_date(s)", "to_date(s, 'yyyy-MM-dd HH:mm:ss')", "try_to_date(s, 'yyyy-MM-dd')",
        "try_to_date('2020-02-30')", "try_to_date(dow)", "to_timestamp(s)", "try_to_timestamp(dow)",
        "try_to_timestamp(s, 'yyyy-MM-dd HH:mm:ss')", "to_timestamp_ltz(s)", "to_timestamp_ntz(s)",
        "to_timestamp_ntz(d)", "to_timestamp_ntz(%s)" % TS, "to_timestamp_ltz(%s)" % NTZ,
        "to_timestamp_ntz('2020-01-02 10:00:00+05:00')", "unix_timestamp(s)", "to_unix_timestamp(s)",
        "to_unix_timestamp(d)", "from_unixtime(y)", "from_unixtime(y, 'yyyy/MM/dd HH')",
        "date_format(%s, 'yyyy-MM-dd HH:mm:ss.SSSSSS')" % TS, "date_format(d, 'EEEE, MMMM d, yy')",
        "date_format(%s, 'E MMM dd hh:mm a')" % TS, "date_format(%s, 'D Q qq')" % TS,
        "date_format(%s, \"'T'HH'h' k K\")" % TS, "date_format(%s, 'y yyy yyyyy')" % TS,
        "date_format(s, 'XXX xx Z')", "date_format(%s, 'G')" % TS,
    ], rows=ROWS, schema=SCHEMA)
    oracle.check_exprs(["to_date('2020-02-30')", "to_timestamp_ntz('bad')",
                        "to_date('2020-01-02', 'yyyy/MM/dd')"],
                       rows=ROWS, schema=SCHEMA)


def test_generated_names(oracle):
    """The column names Spark generates for aliases and defaulted arguments (dateadd, curdate,
    extract, datepart, make_interval, months_between, convert_timezone, timestampadd)."""
    oracle.check_sql(
        "SELECT dateadd(DATE'2020-01-01', 1), curdate() IS NULL, date_diff(DATE'2020-01-01', DATE'2020-01-02'), "
        "extract(YEAR FROM DATE'2020-01-01'), datepart('doy', DATE'2020-01-01'), date_part('D', DATE'2020-01-01'), "
        "CAST(make_interval(1) AS STRING), months_between(DATE'2020-01-01', DATE'2020-02-01'), "
        "convert_timezone('UTC', TIMESTAMP_NTZ'2020-01-01 00:00:00'), dateadd(HOUR, 1, DATE'2020-01-01'), "
        "date_diff(HOUR, DATE'2020-01-01', DATE'2020-01-02'), localtimestamp() IS NULL, current_timezone()")


def test_current(oracle):
    """current_timezone is the session zone; now / curdate / localtimestamp agree with their
    relatives (one instant per query) and are never NULL."""
    oracle.check_exprs(["current_timezone()", "now() = current_timestamp()", "curdate() = current_date()",
                        "localtimestamp() IS NULL"])


def test_other_session_zone(oracle):
    """With spark.sql.session.timeZone set to America/Los_Angeles: fields, casts, make_timestamp,
    convert_timezone and formatting follow it; the setting is restored."""
    def program(sql, spark):
        spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
        try:
            ts = "CAST('%s' AS TIMESTAMP)"
            return spark.sql(
                "SELECT hour({gap}) AS h, CAST({gap} AS STRING) AS gap, "
                "CAST({overlap} AS STRING) AS overlap, unix_seconds({overlap}) AS overlap_s, "
                "CAST(make_timestamp(2021, 3, 14, 2, 30, 0) AS STRING) AS made, "
                "CAST(convert_timezone('UTC', CAST('2021-06-01 00:00:00' AS TIMESTAMP_NTZ)) AS STRING) AS conv, "
                "current_timezone() AS tz, date_format(timestamp_seconds(0), 'yyyy-MM-dd HH:mm XXX') AS f, "
                "CAST(to_date(timestamp_seconds(3600)) AS STRING) AS day, "
                "CAST(date_trunc('DAY', timestamp_seconds(3600)) AS STRING) AS trunc, "
                "CAST(timestampadd(DAY, 1, {before}) AS STRING) AS add_day, "
                "CAST(timestampadd(HOUR, 24, {before}) AS STRING) AS add_hours, "
                "CAST(timestampadd(MONTH, 1, {gap_day}) AS STRING) AS add_month, "
                "timestampdiff(HOUR, {midnight}, {next}) AS hours, hour(from_utc_timestamp({before}, 'UTC')) AS fu"
                .format(gap=ts % "2021-03-14 02:30:00", overlap=ts % "2021-11-07 01:30:00",
                        before=ts % "2021-03-13 12:00:00", gap_day=ts % "2021-02-14 02:30:00", midnight=ts % "2021-03-14 00:00:00",
                        next=ts % "2021-03-15 00:00:00")
            ).collect()
        finally:
            spark.conf.set("spark.sql.session.timeZone", "UTC")
    oracle.check(program)


def test_python_wrappers(oracle):
    """Every Python wrapper with PySpark's signature: names of the generated columns, int and
    column arguments, optional formats and zones."""
    def program(sql, spark):
        f = sql.functions
        df = spark.createDataFrame(ROWS, SCHEMA).withColumn("ts", f.col("s").cast("timestamp"))
        return df.select(
            f.year("d"), f.quarter("ts"), f.month(f.col("d")), f.day("d"), f.dayofmonth("d"),
            f.dayofweek("d"), f.dayofyear("d"), f.weekday("d"), f.weekofyear("d"), f.dayname("d"),
            f.monthname("ts"), f.hour("ts"), f.minute("ts"), f.second("ts"),
            f.extract(f.lit("YEAR"), "ts"), f.date_part(f.lit("SECOND"), "ts"), f.datepart(f.lit("doy"), "d"),
            f.add_months("d", 1), f.add_months("d", "m"), f.date_add("d", 2), f.date_sub("d", "dd"),
            f.dateadd("d", 3), f.datediff("d", "d"), f.date_diff("ts", "d"),
            f.months_between("ts", "d"), f.months_between("ts", "d", False), f.next_day("d", "Mon"),
            f.last_day("d"), f.trunc("d", "month"), f.date_trunc("hour", "ts"),
            f.make_date("y", "m", "dd"), f.make_timestamp("y", "m", "dd", "m", "m", "dd"),
            f.make_timestamp("y", "m", "dd", "m", "m", "dd", f.lit("Asia/Tokyo")),
            f.make_timestamp_ltz("y", "m", "dd", "m", "m", "dd"),
            f.make_timestamp_ntz("y", "m", "dd", "m", "m", "dd"),
            f.try_make_timestamp("y", "m", f.lit(30), "m", "m", "dd"),
            f.try_make_timestamp_ltz("y", "m", "dd", "m", "m", "dd", f.lit("UTC")),
            f.try_make_timestamp_ntz("y", "m", "dd", "m", "m", "dd"),
            f.timestamp_seconds("y"), f.timestamp_millis("y"), f.timestamp_micros("y"),
            f.unix_date("d"), f.unix_seconds("ts"), f.unix_millis("ts"), f.unix_micros("ts"),
            f.date_from_unix_date("y"), f.timestamp_add("MONTH", "m", "ts"),
            f.timestamp_diff("DAY", "d", "ts"),
            f.convert_timezone(None, f.lit("Asia/Tokyo"), "ts"),
            f.convert_timezone(f.lit("Asia/Tokyo"), f.lit("UTC"), "ts"),
            f.from_utc_timestamp("ts", "Asia/Tokyo"), f.to_utc_timestamp("ts", f.lit("Europe/Paris")),
            f.to_date("s"), f.to_date("d", "yyyy-MM-dd"), f.try_to_date("dow"),
            f.try_to_date("s", "yyyy-MM-dd"), f.to_timestamp("s"), f.try_to_timestamp("dow"),
            f.try_to_timestamp("s", f.lit("yyyy-MM-dd HH:mm:ss")), f.to_timestamp_ltz("s"),
            f.to_timestamp_ntz("s"), f.to_timestamp_ntz("d", f.lit("yyyy-MM-dd")),
            f.to_unix_timestamp("d"), f.to_unix_timestamp("d", f.lit("yyyy-MM-dd")), f.unix_timestamp("d"),
            f.from_unixtime("y"),
            f.date_format("ts", "yyyy MMM"), f.current_timezone(),
        )
    oracle.check(program)


def test_python_wrappers_intervals_and_current(oracle):
    """make_interval / try_make_interval fill missing parts with 0; current-time wrappers."""
    def program(sql, spark):
        f = sql.functions
        df = spark.createDataFrame(ROWS, SCHEMA)
        return df.select(
            f.make_interval("y", "m").cast("string"), f.make_interval().cast("string"),
            f.make_interval(hours=f.lit(2)).cast("string"),
            f.try_make_interval(f.lit(2147483647), f.lit(12)).cast("string"),
            (f.now() == f.current_timestamp()).alias("a"), (f.curdate() == f.current_date()).alias("b"),
            f.localtimestamp().isNull().alias("c"),
        )
    oracle.check(program)


@pytest.mark.parametrize("call", [
    lambda f: f.date_add(1.5, 1), lambda f: f.next_day(1, "Mon"), lambda f: f.make_date(1, "m", "d"),
])
def test_python_wrong_argument_types(oracle, call):
    """A wrapper given a non-column argument raises PySpark's PySparkTypeError (NOT_COLUMN_OR_STR)."""
    oracle.check(lambda sql, spark: spark.range(1).select(call(sql.functions)),
                 error="NOT_COLUMN_OR_STR")


def test_date_plus_days_operators(oracle):
    """DATE + INT, INT + DATE and DATE - INT are date_add / date_sub (and so named); a BIGINT
    number of days is a type error, as date_add's."""
    oracle.check(lambda sql, spark: spark.createDataFrame(ROWS, SCHEMA).selectExpr(
        "d + 1", "1 + d", "d - 1", "d + dd", "d - CAST(dd AS SMALLINT)", "DATE'2024-02-29' + 1"))
    oracle.check_exprs(["d + 1L", "d - 1.5D", "2.5D + d"], rows=ROWS, schema=SCHEMA)


def test_text_plus_interval(oracle):
    """Text +/- an interval is read as a timestamp, moved, and given back as text (Spark's
    Cast(TimeAdd(text, interval), STRING)); malformed text fails as CAST_INVALID_INPUT."""
    oracle.check(lambda sql, spark: spark.createDataFrame(ROWS, SCHEMA).selectExpr(
        "s + INTERVAL 1 DAY AS a", "s - INTERVAL '2' HOUR AS b", "INTERVAL 3 DAYS + s AS c",
        "from_unixtime(y) - INTERVAL '2' HOUR AS d"))
    oracle.check_exprs(["dow + INTERVAL 1 DAY"], rows=ROWS, schema=SCHEMA)


def test_date_add_wraps_around(oracle):
    """date_add / date_sub / datediff count days in a Java int: past its range the day number
    wraps around (no error), as Spark's DateAdd; the fields of such far dates are exact."""
    oracle.check_exprs(["CAST(date_add(d, 2147483647) AS STRING)",
                        "CAST(date_sub(d, -2147483648) AS STRING)",
                        "CAST(d + 2147483647 AS STRING)", "year(date_add(d, 2147483647))",
                        "dayofweek(date_sub(d, -2147483648))", "month(d + 2147483647)",
                        "datediff(date_add(d, 2147483647), d)"],
                       rows=ROWS, schema=SCHEMA)


# Dates and timestamps moved by intervals, in every interval literal form.
INTERVAL_NAMES_SQL = [
    "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL 1 HOUR",
    "TIMESTAMP '2024-01-01 00:00:00' - INTERVAL 1 HOUR",
    "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL 2 DAYS",
    "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL '1-2' YEAR TO MONTH",
    "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL 90 MINUTES",
    "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL 1 DAY 2 HOURS",
    "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL 1 YEAR 2 MONTHS",
    "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL 14 MONTHS",
    "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL 3 WEEKS",
    "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL -1 HOUR",
    "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL 1.5 SECONDS",
    "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL 100 MILLISECONDS",
    "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL 1 MICROSECOND",
    "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL 1 DAY 2 HOURS 3 MINUTES 4.5 SECONDS",
    "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL '1 02:03:04.5' DAY TO SECOND",
    "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL '01:30' HOUR TO MINUTE",
    "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL '2' DAY",
    "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL '1 hour'",
    "TIMESTAMP '2024-01-01 00:00:00' + INTERVAL 1 HOUR + INTERVAL 1 HOUR",
    "TIMESTAMP '2024-01-01 00:00:00' + make_interval(0, 0, 0, 1, 2, 0, 0)",
    "DATE '2024-01-01' + make_interval(0, 0, 0, 2)",
    "TIMESTAMP_NTZ '2024-01-01 00:00:00' + INTERVAL 1 HOUR",
    "INTERVAL 1 HOUR + TIMESTAMP '2024-01-01 00:00:00'",
    "DATE '2024-01-01' + INTERVAL 2 DAYS",
    "DATE '2024-01-01' - INTERVAL 2 DAYS",
    "INTERVAL 2 DAYS + DATE '2024-01-01'",
    "DATE '2024-01-01' + INTERVAL 1 MONTH",
    "DATE '2024-01-01' - INTERVAL '1-2' YEAR TO MONTH",
    "DATE '2024-01-01' + INTERVAL 1 HOUR",
    "INTERVAL 1 HOUR",
    "INTERVAL 1 DAY -2 HOURS",
    "INTERVAL '-1-2' YEAR TO MONTH",
    "INTERVAL 1 HOUR 30 MINUTES",
    "INTERVAL 10 HOURS 5 SECONDS",
    "INTERVAL 1 HOUR + INTERVAL 30 MINUTES",
]


def test_interval_arithmetic_column_names(oracle):
    """The names Spark generates for interval arithmetic: an interval literal prints as its ANSI
    form (INTERVAL '01' HOUR, INTERVAL '1 02' DAY TO HOUR, INTERVAL '1-2' YEAR TO MONTH), a date
    or timestamp moved by an interval has no parentheses, and a date moved by whole days is
    date_add(d, extractansiintervaldays(...)); in SQL text and through the DataFrame API."""
    def program(sql, spark):
        f = sql.functions
        df = spark.sql("SELECT TIMESTAMP '2024-01-01 00:00:00' AS t, DATE '2024-01-01' AS d")
        columns = [f.col("t") + f.expr("INTERVAL 1 HOUR"), f.col("t") - f.expr("INTERVAL 2 DAYS"),
                   f.expr("t + INTERVAL 1 HOUR"), f.col("d") + f.expr("INTERVAL '1-2' YEAR TO MONTH"),
                   f.expr("d + INTERVAL 2 DAYS"), f.expr("t + INTERVAL 1 DAY 2 HOURS"),
                   f.expr("t - INTERVAL 90 MINUTES"), f.expr("t + make_interval(0, 0, 0, 1, 2, 0, 0)"),
                   f.col("t") + f.make_interval(f.lit(0), f.lit(0), f.lit(0), f.lit(1))]
        return ([spark.sql("SELECT " + e).columns[0] for e in INTERVAL_NAMES_SQL]
                + [df.select(c).columns[0] for c in columns])
    oracle.check(program)


def test_interval_sign_operators(oracle):
    """Unary minus, unary plus and negative() take a day-time interval: (- INTERVAL '01' HOUR),
    (+ INTERVAL '1' DAY), negative(INTERVAL '2' DAY), their values, and a timestamp moved by a
    negated interval; abs() of one."""
    def program(sql, spark):
        out = []
        for e in ("- INTERVAL 1 HOUR", "+INTERVAL 1 DAY", "negative(INTERVAL 2 DAYS)",
                  "- INTERVAL '1 02:03:04.5' DAY TO SECOND",
                  "TIMESTAMP '2024-01-01 00:00:00' - (- INTERVAL 1 HOUR)",
                  "DATE '2024-03-01' + (- INTERVAL 1 DAY)", "abs(- INTERVAL 1 HOUR)", "abs(INTERVAL 2 DAYS)",
                  "abs(- INTERVAL '1 02:03:04.5' DAY TO SECOND)"):
            df = spark.sql("SELECT " + e)
            out.append([df.columns, [tuple(r) for r in df.collect()]])
        out.append(spark.sql("SELECT - INTERVAL '1-2' YEAR TO MONTH").columns)
        return out
    oracle.check(program)


# Timestamp text as CAST reads it: separators, an hour alone, fractions, zones, signed and
# long years, surrounding spaces, and malformed forms.
DATED_TEXTS = [
    "2020-01-01", "2020-01-01T", "2020-01-01 ", "2020-01-01T10", "2020-01-01 10", "2020-01-01T1",
    "2020-01-01T10:", "2020-01-01T10:0", "2020-01-01T10:00", "2020-01-01T10:00:", "2020-01-01T10:00:01",
    "2020-01-01T10:00:01.", "2020-01-01T10:00:01.5", "2020-01-01T10:00:01.123456789",
    "2020-01-01T10:00:01.1234567891", "2020-01-01T10:00:01Z", "2020-01-01T10:00Z", "2020-01-01T10Z",
    "2020-01-01T10:00:01+01", "2020-01-01T10:00:01+01:00", "2020-01-01T10:00:01 UTC+1",
    "2020-01-01T10:00:01GMT-08:00", "2020-01-01T10:00:01 Europe/Paris", "2020-01-01T10:00:01Europe/Paris",
    "2020-01-01T10:00 Z", "2020-01-01T10:00:01.5Z", "2020-01-01T10:00:01.Z", "2020-01-01T10:00:01 Bogus/Zone",
    "2020-01-01 10:00:01 +01:00", "  2020-01-01 10:00:01  ", "+2020-01-01", "-2020-01-01", "+12020-01-01",
    "12020-01-01", "123456-01-01", "1234567-01-01", "020-01-01", "2020", "2020-1", "2020-1-1", "2020-01-",
    "2020-13-01", "2020-02-30", "2020-01-01T24:00", "2020-01-01T23:60", "2020-01-01T23:59:60", "2020-01-01X",
    "2020-01T10:00", "2020T10:00", "2020-01-01T10:00:01.5.5", "2020-01-01TT10", "2020-01-01  10:00",
    "2020-01-01 T10:00", "2020-01-01T10:00:01+1", "2020-01-01T10:00:01+0100", "2020-01-01T10:00:01-08",
    "2020-01-01T10:00:01 PST", "10", "10:", "10:00:", "+10:00", " T10:00", "24:00", "T", "", "10:00Z",
]
# A time alone is today's date at that time: compared as the time since today's midnight.
TIME_TEXTS = ["10:00", "10:00:01", "10:00:01.5", "T10:00", "T10", "T10:00:01Z", "10:00:01 UTC", "1:2",
              " 10:00", "T10:00:01+01:00"]
SINCE_MIDNIGHT = "unix_micros(%s) - unix_micros(CAST(current_date() AS TIMESTAMP))"


def test_cast_string_to_timestamp_forms(oracle):
    """CAST / try_cast / to_timestamp of timestamp text: every form Spark reads (a time alone is
    today's; TIMESTAMP_NTZ ignores a zone and has no date for a time alone) and, under ANSI,
    CAST_INVALID_INPUT for every form it refuses."""
    quoted = ["'%s'" % t for t in DATED_TEXTS]
    # As text: Python's datetime holds no year before 1 or after 9999.
    oracle.check_exprs(["CAST(try_cast(%s AS TIMESTAMP) AS STRING)" % q for q in quoted]
                       + ["CAST(try_cast(%s AS TIMESTAMP_NTZ) AS STRING)" % q for q in quoted]
                       + ["CAST(try_to_timestamp(%s) AS STRING)" % q for q in quoted])
    oracle.check_exprs(["CAST(CAST(%s AS TIMESTAMP) AS STRING)" % q for q in quoted])


def test_cast_time_alone_to_timestamp(oracle):
    """A time without a date (`10:00`, `T10`, with a zone after the seconds) is today's date at
    that time through CAST, try_cast and to_timestamp; TIMESTAMP_NTZ refuses it."""
    quoted = ["'%s'" % t for t in TIME_TEXTS]
    oracle.check_exprs([SINCE_MIDNIGHT % ("%s(%s AS TIMESTAMP)" % (f, q)) for q in quoted
                        for f in ("CAST", "try_cast")]
                       + [SINCE_MIDNIGHT % ("to_timestamp(%s)" % q) for q in quoted]
                       + ["try_cast(%s AS TIMESTAMP_NTZ)" % q for q in quoted]
                       + ["CAST('10:00' AS TIMESTAMP_NTZ)"])
