"""The jdbc data source against a real PostgreSQL server (tests/python/postgres_support.py):
what df.write.format("jdbc") creates and writes, checked with psql, and what
spark.read.format("jdbc") reads back. tests/python/differential/test_jdbc_differential.py
compares both directions with PySpark and the PostgreSQL JDBC driver."""

import datetime
import decimal

import pytest

TYPES = ("s STRING, i INT, l BIGINT, d DOUBLE, b BOOLEAN, day DATE, ts TIMESTAMP, "
         "amount DECIMAL(10,2), raw BINARY, small SMALLINT, f FLOAT")
ROWS = [
    ("a\tb\\c\nd", 1, 2 ** 40, 1.5, True, datetime.date(2024, 2, 29),
     datetime.datetime(2024, 3, 1, 12, 30, 45, 123456), decimal.Decimal("12345678.90"), b"\x00\xff\x10", 7, 0.25),
    (None, None, None, None, None, None, None, None, None, None, None),
]


def writer(df, postgres, table):
    return (df.write.format("jdbc").option("url", postgres.url).option("dbtable", table)
            .option("user", postgres.user).option("password", postgres.password))


def reader(spark, postgres, **options):
    r = (spark.read.format("jdbc").option("url", postgres.url)
         .option("user", postgres.user).option("password", postgres.password))
    for key, value in options.items():
        r = r.option(key, value)
    return r.load()


def column_types(postgres, table):
    return postgres.psql("SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                         "WHERE table_name = '%s' ORDER BY ordinal_position" % table)


def test_round_trip_of_every_mapped_type(spark, postgres):
    table = postgres.new_table()
    writer(spark.createDataFrame(ROWS, TYPES), postgres, table).save()
    assert column_types(postgres, table) == [
        ("s", "text", "YES"), ("i", "integer", "YES"), ("l", "bigint", "YES"), ("d", "double precision", "YES"),
        ("b", "boolean", "YES"), ("day", "date", "YES"), ("ts", "timestamp with time zone", "YES"),
        ("amount", "numeric", "YES"), ("raw", "bytea", "YES"), ("small", "smallint", "YES"),
        ("f", "real", "YES")]
    assert postgres.psql("SELECT replace(s, chr(10), '<LF>'), i, l, d, b, day, ts, amount, raw, small, f "
                         "FROM %s WHERE i = 1" % table) == [
        ("a\tb\\c<LF>d", "1", str(2 ** 40), "1.5", "t", "2024-02-29", "2024-03-01 12:30:45.123456+00", "12345678.90",
         "\\x00ff10", "7", "0.25")]
    back = reader(spark, postgres, dbtable=table)
    assert back.schema.simpleString() == (
        "struct<s:string,i:int,l:bigint,d:double,b:boolean,day:date,ts:timestamp,amount:decimal(10,2),"
        "raw:binary,small:smallint,f:float>")
    got = sorted(back.collect(), key=lambda r: r.i is None)
    assert [tuple(r) for r in got] == [tuple(ROWS[0]), tuple(ROWS[1])]


def test_read_types_of_a_table_created_in_postgres(spark, postgres):
    table = postgres.new_table()
    postgres.psql("CREATE TABLE %s (id INTEGER NOT NULL, name VARCHAR(20), code CHAR(3), n NUMERIC, "
                  "at TIMESTAMPTZ, doc JSONB, u UUID)" % table)
    postgres.psql("INSERT INTO %s VALUES (1, 'x', 'ab', 1.5, '2024-01-02 03:04:05+00', '{\"a\": 1}', "
                  "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')" % table)
    df = reader(spark, postgres, dbtable=table)
    assert df.schema.simpleString() == ("struct<id:int,name:string,code:string,n:decimal(38,18),at:timestamp,"
                                        "doc:string,u:string>")
    # Every column nullable (NOT NULL included), as Spark reads JDBC schemas.
    assert all(field.nullable for field in df.schema)
    assert df.schema["name"].metadata["__CHAR_VARCHAR_TYPE_STRING"] == "varchar(20)"
    assert [tuple(r) for r in df.collect()] == [
        (1, "x", "ab ", decimal.Decimal("1.5"), datetime.datetime(2024, 1, 2, 3, 4, 5), '{"a": 1}',
         "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")]


def test_save_modes(spark, postgres):
    table = postgres.new_table()
    one = spark.createDataFrame([(1, "a")], "id INT, v STRING")
    two = spark.createDataFrame([(2, "b")], "id INT, v STRING")
    writer(one, postgres, table).save()
    with pytest.raises(Exception, match="already exists. SaveMode: ErrorIfExists"):
        writer(two, postgres, table).save()
    writer(two, postgres, table).mode("ignore").save()
    assert postgres.psql("SELECT id FROM %s ORDER BY id" % table) == [("1",)]
    writer(two, postgres, table).mode("append").save()
    assert postgres.psql("SELECT id FROM %s ORDER BY id" % table) == [("1",), ("2",)]
    # overwrite drops and creates the table (with the new schema) unless truncate is set.
    writer(spark.createDataFrame([(3.5,)], "x DOUBLE"), postgres, table).mode("overwrite").save()
    assert column_types(postgres, table) == [("x", "double precision", "YES")]
    postgres.psql("ALTER TABLE %s ALTER COLUMN x TYPE NUMERIC(5,1)" % table)
    writer(spark.createDataFrame([(4.5,)], "x DOUBLE"), postgres, table).mode("overwrite") \
        .option("truncate", "true").save()
    assert column_types(postgres, table) == [("x", "numeric", "YES")]
    assert postgres.psql("SELECT x FROM %s" % table) == [("4.5",)]


def test_create_table_options_column_types_batchsize_isolation(spark, postgres):
    table = postgres.new_table()
    df = spark.range(2500).selectExpr("id", "CAST(id AS STRING) AS name")
    (writer(df, postgres, table).option("createTableColumnTypes", "name VARCHAR(32)")
     .option("createTableOptions", "WITH (fillfactor = 70)").option("batchsize", 100)
     .option("isolationLevel", "SERIALIZABLE").save())
    assert postgres.psql("SELECT character_maximum_length FROM information_schema.columns "
                         "WHERE table_name = '%s' AND column_name = 'name'" % table) == [("32",)]
    assert postgres.psql("SELECT reloptions FROM pg_class WHERE relname = '%s'" % table) == [("{fillfactor=70}",)]
    assert postgres.psql("SELECT count(*), sum(id) FROM %s" % table) == [("2500", str(sum(range(2500))))]
    assert column_types(postgres, table)[0] == ("id", "bigint", "NO")  # spark.range's id is non-nullable


def test_partitioned_read_returns_every_row_once(spark, postgres):
    table = postgres.new_table()
    postgres.psql("CREATE TABLE %s AS SELECT g AS id, 'r' || g AS name FROM generate_series(-5, 120) g "
                  "UNION ALL SELECT NULL, 'null'" % table)
    df = reader(spark, postgres, dbtable=table, partitionColumn="id", lowerBound=0, upperBound=100,
                numPartitions=7, fetchsize=10)
    rows = df.collect()
    assert len(rows) == 127
    assert sorted(r.name for r in rows) == sorted(["r%d" % g for g in range(-5, 121)] + ["null"])
    # More partitions than values in the range: one per value, as Spark narrows them.
    few = reader(spark, postgres, dbtable=table, partitionColumn="id", lowerBound=1, upperBound=3,
                 numPartitions=10)
    assert few.count() == 127


def test_query_option_and_reader_writer_shortcuts(spark, postgres):
    table = postgres.new_table()
    spark.createDataFrame([(1, "a"), (2, "b"), (3, "c")], "id INT, v STRING") \
        .write.jdbc(postgres.url, table, mode="overwrite", properties=postgres.properties)
    got = reader(spark, postgres, query="SELECT v FROM %s WHERE id >= 2" % table)
    assert sorted(r.v for r in got.collect()) == ["b", "c"]
    df = spark.read.jdbc(postgres.url, table, column="id", lowerBound=1, upperBound=4, numPartitions=2,
                         properties=postgres.properties)
    assert sorted(r.id for r in df.collect()) == [1, 2, 3]


def test_missing_and_conflicting_options(spark, postgres):
    df = spark.createDataFrame([(1,)], "id INT")
    with pytest.raises(Exception, match="Option 'url' is required"):
        df.write.format("jdbc").option("dbtable", "t").save()
    with pytest.raises(Exception, match="Option 'dbtable' or 'query' is required"):
        df.write.format("jdbc").option("url", postgres.url).save()
    with pytest.raises(Exception, match="Option 'query' is not applicable while writing"):
        df.write.format("jdbc").option("url", postgres.url).option("query", "SELECT 1").save()
    with pytest.raises(Exception, match="Option 'dbtable' or 'query' is required"):
        spark.read.format("jdbc").option("url", postgres.url).load()
    with pytest.raises(Exception, match="Both 'dbtable' and 'query' can not be specified"):
        reader(spark, postgres, dbtable="t", query="SELECT 1")
    with pytest.raises(Exception, match="specify all or none"):
        reader(spark, postgres, dbtable="t", partitionColumn="id")
    with pytest.raises(Exception, match="minimum value is 1"):
        writer(df, postgres, "t").option("batchsize", 0).save()
    with pytest.raises(Exception, match="lower bound of partitioning column is larger than the upper bound"):
        reader(spark, postgres, dbtable="(SELECT 1 AS id) q", partitionColumn="id", lowerBound=5, upperBound=1,
               numPartitions=2)
    with pytest.raises(Exception, match="Invalid value `BAD` for parameter `isolationLevel`"):
        writer(df, postgres, "t").option("isolationLevel", "BAD").save()


def test_bad_url_unreachable_server_missing_table_unmapped_type(spark, postgres):
    with pytest.raises(Exception, match="No suitable driver"):
        spark.read.format("jdbc").option("url", "jdbc:mysql://h/db").option("dbtable", "t").load()
    with pytest.raises(Exception, match="Cannot connect to PostgreSQL"):
        spark.read.format("jdbc").option("url", "jdbc:postgresql://127.0.0.1:1/x").option("dbtable", "t").load()
    with pytest.raises(Exception, match="password authentication failed"):
        reader(spark, postgres, dbtable="t", password="wrong")
    with pytest.raises(Exception, match='relation "no_such_table" does not exist'):
        reader(spark, postgres, dbtable="no_such_table")
    with pytest.raises(Exception, match="Can't get JDBC type for map<string,int>"):
        writer(spark.sql("SELECT map('a', 1) AS m"), postgres, postgres.new_table()).save()
    with pytest.raises(Exception, match="multidimensional arrays of binary values are not written"):
        writer(spark.sql("SELECT array(array(X'01')) AS a"), postgres, postgres.new_table()).save()
    grid = postgres.new_table()
    postgres.psql("CREATE TABLE %s (g BYTEA[][])" % grid)
    with pytest.raises(Exception, match="multidimensional PostgreSQL array of bytea"):
        reader(spark, postgres, dbtable=grid)
    # A one-dimensional one reads as array<binary>.
    assert reader(spark, postgres, query="SELECT ARRAY['\\x01'::bytea] AS a").collect()[0].a == [bytearray(b"\x01")]


def test_other_postgres_types_read_as_spark_does(spark, postgres):
    df = reader(spark, postgres, query="SELECT '1 day'::interval AS i, '12:30:00'::time AS t, B'1'::bit(1) AS b, "
                                       "1::money AS m")
    assert df.schema.simpleString() == "struct<i:string,t:timestamp,b:boolean,m:string>"
    assert [tuple(r) for r in df.collect()] == [("1 day", datetime.datetime(1970, 1, 1, 12, 30), True, "$1.00")]


@pytest.mark.parametrize("zone, hour", [("GMT+8", "08"), ("UTC-3", "21"), ("+05:30", "05:30"),
                                        ("PST", "16"), ("America/New_York", "19")])
def test_the_server_session_takes_the_session_time_zone(spark, postgres, zone, hour):
    """PostgreSQL's TimeZone is the session's zone as Spark reads it: a fixed offset east of
    UTC whatever its form (PostgreSQL itself would read 'GMT+8' as POSIX, eight hours west)."""
    spark.conf.set("spark.sql.session.timeZone", zone)
    try:
        fmt = "HH24:MI" if ":" in hour else "HH24"
        df = reader(spark, postgres, query="SELECT to_char(TIMESTAMPTZ '2024-01-01 00:00:00+00', '%s') AS h" % fmt)
        assert df.collect()[0].h == hour
    finally:
        spark.conf.unset("spark.sql.session.timeZone")
