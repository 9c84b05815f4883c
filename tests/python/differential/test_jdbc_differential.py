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
