"""format("jdbc") on PostgreSQL: the same program on Spate and on PySpark 4.1 with the PostgreSQL
JDBC driver, against the same server (tests/python/postgres_support.py), each engine in tables of
its own. What each engine reads back must agree, and so must what each one wrote (column types
and values, as psql shows them)."""

import os

import pytest

from oracle import postgres_jdbc_jar


@pytest.fixture(scope="module", autouse=True)
def _driver():
    if postgres_jdbc_jar() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the PostgreSQL JDBC driver could not be fetched with Maven")
        pytest.skip("the PostgreSQL JDBC driver could not be fetched with Maven")


def engine_table(sql, name):
    """A table name of the engine running the program (spate or pyspark)."""
    return "%s_%s" % (name, sql.__name__.split(".")[0])


def opts(postgres):
    return {"url": postgres.url, "user": postgres.user, "password": postgres.password}


def written(postgres, table):
    types = postgres.psql("SELECT column_name, data_type, numeric_precision, numeric_scale, is_nullable "
                          "FROM information_schema.columns WHERE table_name = '%s' "
                          "ORDER BY ordinal_position" % table)
    return types, sorted(postgres.psql("SELECT * FROM %s" % table), key=repr)


def test_write_then_read_every_type(oracle, postgres):
    name = postgres.new_table("types")

    def program(sql, spark):
        df = spark.createDataFrame(
            [("x\ty", 1, 10 ** 12, 2.5, True, "2024-02-29", "2024-03-01 12:30:45.5", "123.45", "0aff", 3, 0.5),
             (None, None, None, None, None, None, None, None, None, None, None)],
            "s STRING, i INT, l BIGINT, d DOUBLE, b BOOLEAN, day STRING, ts STRING, amount STRING, raw STRING, "
            "small SMALLINT, f FLOAT")
        df = df.selectExpr("s", "i", "l", "d", "b", "CAST(day AS DATE) AS day", "CAST(ts AS TIMESTAMP) AS ts",
                           "CAST(amount AS DECIMAL(10,2)) AS amount", "unhex(raw) AS raw", "small", "f",
                           "CAST(i AS TINYINT) AS tiny", "CAST(NULL AS TIMESTAMP_NTZ) AS ntz")
        table = engine_table(sql, name)
        df.write.format("jdbc").options(**opts(postgres)).option("dbtable", table).save()
        return spark.read.format("jdbc").options(**opts(postgres)).option("dbtable", table).load()

    oracle.check(program)
    assert written(postgres, name + "_spate") == written(postgres, name + "_pyspark")


def test_save_modes_and_truncate(oracle, postgres):
    name = postgres.new_table("modes")

    def program(sql, spark):
        table = engine_table(sql, name)
        df = spark.range(3).selectExpr("id", "CAST(id AS STRING) AS v")
        w = lambda d: d.write.format("jdbc").options(**opts(postgres)).option("dbtable", table)  # noqa: E731
        w(df).save()
        w(df).mode("append").save()
        w(df).mode("ignore").save()
        w(df.limit(1)).mode("overwrite").option("truncate", "true").save()
        w(df).mode("append").option("createTableColumnTypes", "v VARCHAR(5)").save()
        return spark.read.format("jdbc").options(**opts(postgres)).option("dbtable", table).load()

    oracle.check(program)
    assert written(postgres, name + "_spate") == written(postgres, name + "_pyspark")


def test_error_if_exists(oracle, postgres):
    name = postgres.new_table("exists")

    def program(sql, spark):
        table = engine_table(sql, name)
        df = spark.range(1)
        df.write.format("jdbc").options(**opts(postgres)).option("dbtable", table).save()
        df.write.format("jdbc").options(**opts(postgres)).option("dbtable", table).save()

    oracle.check(program, error="_LEGACY_ERROR_TEMP_1288")


def test_partitioned_query_and_postgres_types(oracle, postgres):
    table = postgres.new_table("pg")
    postgres.psql("CREATE TABLE %s (id INTEGER NOT NULL, name VARCHAR(10), code CHAR(2), n NUMERIC, "
                  "m NUMERIC(7,3), r REAL, at TIMESTAMPTZ, js JSONB, big BIGINT)" % table)
    postgres.psql("INSERT INTO %s SELECT g, 'n' || g, 'c', g * 1.5, g / 7.0, g / 4.0, "
                  "TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '1 hour', '{\"g\": 1}', g * 1000 "
                  "FROM generate_series(1, 40) g" % table)

    def partitioned(sql, spark):
        return (spark.read.format("jdbc").options(**opts(postgres)).option("dbtable", table)
                .option("partitionColumn", "id").option("lowerBound", 5).option("upperBound", 30)
                .option("numPartitions", 4).option("fetchsize", 7).load())

    def query(sql, spark):
        return (spark.read.format("jdbc").options(**opts(postgres))
                .option("query", "SELECT id, name FROM %s WHERE id < 4" % table).load())

    oracle.check(partitioned, ordered=True)
    oracle.check(query)


def test_missing_options(oracle, postgres):
    oracle.check(lambda sql, spark: spark.read.format("jdbc").option("url", postgres.url).load(),
                 error="_LEGACY_ERROR_TEMP_2079")
    oracle.check(lambda sql, spark: spark.range(1).write.format("jdbc").option("dbtable", "t").save(),
                 error="IllegalArgumentException")
    oracle.check(lambda sql, spark: spark.range(1).write.format("jdbc").options(**opts(postgres))
                 .option("dbtable", "t").option("isolationLevel", "BAD").save(), error="_LEGACY_ERROR_TEMP_2081")


def test_other_postgres_types(oracle, postgres):
    oracle.check(lambda sql, spark: spark.read.format("jdbc").options(**opts(postgres)).option(
        "query", "SELECT '1 day'::interval AS i, '12:30:00'::time AS t, B'1'::bit(1) AS b, 1::money AS m, "
                 "'{\"a\": 1}'::json AS j, 'ab'::char(3) AS c").load())


def test_partitions_on_date_and_timestamp_columns_and_by_predicates(oracle, postgres):
    table = postgres.new_table("parts")
    postgres.psql("CREATE TABLE %s (id INTEGER, day DATE, ts TIMESTAMP, tz TIMESTAMPTZ)" % table)
    postgres.psql("INSERT INTO %s SELECT g, DATE '2020-01-01' + g * 11, TIMESTAMP '2020-01-01 00:00:00' + "
                  "g * INTERVAL '37 hours', TIMESTAMPTZ '2020-01-01 00:00:00+00' + g * INTERVAL '5 days' "
                  "FROM generate_series(1, 60) g" % table)
    postgres.psql("INSERT INTO %s VALUES (61, NULL, NULL, NULL)" % table)

    def by(column, lower, upper, partitions=3):
        def program(sql, spark):
            return (spark.read.format("jdbc").options(**opts(postgres)).option("dbtable", table)
                    .option("partitionColumn", column).option("lowerBound", lower)
                    .option("upperBound", upper).option("numPartitions", partitions).load())
        return program

    oracle.check(by("day", "2020-01-01", "2021-06-30"), ordered=True)
    oracle.check(by("ts", "2020-01-01 00:00:00", "2020-04-01 12:30:00", 4), ordered=True)
    oracle.check(by("tz", "2020-02-01", "2020-05-01"), ordered=True)
    oracle.check(by("day", "2020-01-01", "2020-01-02", 5), ordered=True)  # fewer days than partitions
    oracle.check(by("day", "notadate", "2021-01-01"), error="IllegalArgumentException")
    oracle.check(by("ts", "2020-01-01", "2020-13-01"), error="IllegalArgumentException")
    oracle.check(by("day", "2021-01-01", "2020-01-01"), error="IllegalArgumentException")

    def predicates(sql, spark):
        # One partition per condition: a row two of them match is read twice.
        return spark.read.jdbc(postgres.url, table, predicates=["id < 3", "id >= 2 AND id < 5", "day IS NULL"],
                               properties={"user": postgres.user, "password": postgres.password})

    def column_wins(sql, spark):
        return spark.read.jdbc(postgres.url, table, column="id", lowerBound=1, upperBound=61, numPartitions=2,
                               predicates=["id = 1"],
                               properties={"user": postgres.user, "password": postgres.password})

    oracle.check(predicates, ordered=True)
    oracle.check(column_wins, ordered=True)


def test_partition_column_of_another_type_is_refused(oracle, postgres):
    table = postgres.new_table("badpart")
    postgres.psql("CREATE TABLE %s (id INTEGER, name TEXT, flag BOOLEAN)" % table)

    def by(column):
        return lambda sql, spark: (spark.read.format("jdbc").options(**opts(postgres)).option("dbtable", table)
                                   .option("partitionColumn", column).option("lowerBound", "1")
                                   .option("upperBound", "9").option("numPartitions", 2).load())

    oracle.check(by("name"), error="_LEGACY_ERROR_TEMP_1287")
    oracle.check(by("flag"), error="_LEGACY_ERROR_TEMP_1287")


def test_read_postgres_arrays(oracle, postgres):
    table = postgres.new_table("arrays")
    postgres.psql("CREATE TABLE %s (id INT, ints INT[], texts TEXT[], grid INT[][], fl FLOAT8[], bs BOOLEAN[], "
                  "ds DATE[], nums NUMERIC(5,2)[], big BIGINT[], ts TIMESTAMPTZ[])" % table)
    postgres.psql("INSERT INTO %s VALUES "
                  "(1, '{1,2,NULL}', '{a,\"b c\",\"q\\\"uote\",NULL}', '{{1,2},{3,4}}', '{1.5,-2}', '{t,f}', "
                  "'{2020-01-02}', '{1.25,3}', '{9000000000}', '{\"2020-01-01 10:00:00+00\"}'), "
                  "(2, '{}', '{}', '{}', '{}', NULL, NULL, NULL, NULL, NULL), "
                  "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)" % table)
    oracle.check(lambda sql, spark: spark.read.format("jdbc").options(**opts(postgres))
                 .option("dbtable", table).load().orderBy("id"), ordered=True)


def test_write_then_read_arrays(oracle, postgres):
    name = postgres.new_table("warrays")

    def program(sql, spark):
        df = spark.createDataFrame(
            [(1, [1, None, 3], ["a", None, 'q"uote', "back\\slash", "tab\there", "{brace}, comma"], [[1, 2], [3, 4]],
              [1.5], ["2020-01-01"], [10, 20]),
             (2, [], [], [], [], [], None)],
            "id INT, a ARRAY<INT>, s ARRAY<STRING>, n ARRAY<ARRAY<INT>>, d ARRAY<DOUBLE>, days ARRAY<STRING>, "
            "l ARRAY<BIGINT>")
        df = df.selectExpr("id", "a", "s", "n", "d", "transform(days, x -> CAST(x AS DATE)) AS days",
                           "transform(days, x -> CAST(x AS TIMESTAMP)) AS ts", "CAST(l AS ARRAY<DECIMAL(10,2)>) AS dec",
                           "CAST(l AS ARRAY<TINYINT>) AS tiny", "CAST(d AS ARRAY<FLOAT>) AS f",
                           "transform(a, x -> x > 1) AS b")
        table = engine_table(sql, name)
        df.write.format("jdbc").options(**opts(postgres)).option("dbtable", table).save()
        return spark.read.format("jdbc").options(**opts(postgres)).option("dbtable", table).load().orderBy("id")

    oracle.check(program, ordered=True)
    assert written(postgres, name + "_spate") == written(postgres, name + "_pyspark")
    udt = "SELECT column_name, udt_name FROM information_schema.columns WHERE table_name = '%s' ORDER BY 1"
    assert postgres.psql(udt % (name + "_spate")) == postgres.psql(udt % (name + "_pyspark"))


def test_read_postgres_bytea_arrays(oracle, postgres):
    table = postgres.new_table("byteas")
    postgres.psql("CREATE TABLE %s (id INT, bs BYTEA[])" % table)
    postgres.psql("INSERT INTO %s VALUES (1, ARRAY['\\x00ff'::bytea, NULL, ''::bytea, 'abc'::bytea]), "
                  "(2, '{}'), (3, NULL)" % table)
    oracle.check(lambda sql, spark: spark.read.format("jdbc").options(**opts(postgres))
                 .option("dbtable", table).load().orderBy("id"), ordered=True)



def test_write_binary_arrays(oracle, postgres):
    """array<binary> is a BYTEA[] column, as PySpark creates it. PySpark's PostgreSQL driver then
    refuses every non-empty array (UnsupportedOperationException: byte[] nested inside Object[]),
    so only empty and NULL arrays compare directly; the values Spate writes are checked by
    reading them back with PySpark."""
    name = postgres.new_table("wbytea")

    def empty_or_null(sql, spark):
        df = spark.sql("SELECT 1 AS id, CAST(array() AS ARRAY<BINARY>) AS bs "
                       "UNION ALL SELECT 2, CAST(NULL AS ARRAY<BINARY>)")
        table = engine_table(sql, name)
        df.write.format("jdbc").options(**opts(postgres)).option("dbtable", table).mode("overwrite").save()
        return spark.read.format("jdbc").options(**opts(postgres)).option("dbtable", table).load().orderBy("id")

    oracle.check(empty_or_null, ordered=True)
    assert written(postgres, name + "_spate") == written(postgres, name + "_pyspark")
    udt = "SELECT column_name, udt_name FROM information_schema.columns WHERE table_name = '%s' ORDER BY 1"
    assert postgres.psql(udt % (name + "_pyspark")) == [("bs", "_bytea"), ("id", "int4")]
    assert postgres.psql(udt % (name + "_spate")) == postgres.psql(udt % (name + "_pyspark"))

    values = postgres.new_table("wbytea_values")
    spate = oracle.spate.spark
    # unhex('615C...'): a\b"c{},<tab>, the characters an array literal and COPY escape.
    (spate.sql("SELECT 1 AS id, array(unhex('00FF'), CAST(NULL AS BINARY), unhex(''), "
               "unhex('615C6222637B7D2C09')) AS bs UNION ALL SELECT 2, array(unhex('0A0D09'))")
     .write.format("jdbc").options(**opts(postgres)).option("dbtable", values).mode("overwrite").save())
    assert postgres.psql(udt % values) == [("bs", "_bytea"), ("id", "int4")]
    read_back = lambda sql, spark: (spark.read.format("jdbc").options(**opts(postgres))  # noqa: E731
                                    .option("dbtable", values).load().orderBy("id"))
    oracle.check(read_back, ordered=True)
    rows = read_back(None, oracle.pyspark.spark).collect()
    assert [(r.id, [None if b is None else bytes(b) for b in r.bs]) for r in rows] == \
        [(1, [b"\x00\xff", None, b"", b'a\\b"c{},\t']), (2, [b"\n\r\t"])]


def test_write_arrays_of_other_element_types(oracle, postgres):
    """Arrays of dates, timestamps (with and without time zone) and decimals are written as
    DATE[], TIMESTAMP WITH TIME ZONE[], TIMESTAMP[] and NUMERIC(p,s)[]; arrays of structs and
    maps are refused as PySpark refuses them, naming the whole column type."""
    name = postgres.new_table("wtyped")

    def program(sql, spark):
        df = spark.sql("SELECT 1 AS id, array(DATE'2020-01-02', NULL, DATE'1969-12-31') AS days, "
                       "array(TIMESTAMP'2020-01-02 03:04:05.123456', NULL) AS ts, "
                       "array(TIMESTAMP_NTZ'2020-01-02 03:04:05.5') AS ntz, "
                       "array(CAST(1.25 AS DECIMAL(10,2)), NULL, CAST(-3 AS DECIMAL(10,2))) AS dec")
        table = engine_table(sql, name)
        df.write.format("jdbc").options(**opts(postgres)).option("dbtable", table).mode("overwrite").save()
        return spark.read.format("jdbc").options(**opts(postgres)).option("dbtable", table).load()

    oracle.check(program)
    assert written(postgres, name + "_spate") == written(postgres, name + "_pyspark")
    udt = "SELECT column_name, udt_name FROM information_schema.columns WHERE table_name = '%s' ORDER BY 1"
    assert postgres.psql(udt % (name + "_spate")) == postgres.psql(udt % (name + "_pyspark"))

    def refused(column):
        return lambda sql, spark: (spark.sql("SELECT %s AS c" % column).write.format("jdbc")
                                   .options(**opts(postgres)).option("dbtable", postgres.new_table("refused"))
                                   .save())

    oracle.check(refused("array(named_struct('a', 1))"), error="_LEGACY_ERROR_TEMP_2082")
    oracle.check(refused("array(map(1, 2))"), error="_LEGACY_ERROR_TEMP_2082")
    oracle.check(refused("array(array(named_struct('a', 1)))"), error="_LEGACY_ERROR_TEMP_2082")
