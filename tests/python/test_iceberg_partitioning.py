"""writeTo(...).partitionedBy with partition transforms (years, months, days, hours,
bucket): the Iceberg table's spec and each data file's partition values as pyiceberg reads
them (pyiceberg's transforms compute the expected values from the file's own rows), pruning
by pyiceberg's partition filters, appends routed to the right partitions, and the table
read back and filtered in Spate."""

import datetime

import pyarrow.parquet as pq
import pytest

from iceberg_util import pyiceberg_table, use_hadoop_catalog
from spate.sql import functions as f
from spate.sql.functions import partitioning as p

UTC = datetime.timezone.utc


@pytest.fixture
def warehouse(spark, tmp_path):
    wh = tmp_path / "warehouse"
    use_hadoop_catalog(spark, wh)
    return wh


def events(spark, n, start=0):
    """Rows an hour and a half apart from 2019-12-31 20:00 UTC: they cross days, months and a year."""
    return spark.range(start, start + n).selectExpr(
        "id", "cast(id AS INT) AS n", "concat('user-', cast(id % 5 AS STRING)) AS user",
        "cast(1577822400 + id * 5400 AS timestamp) AS ts",
        "cast(cast(1577822400 + id * 5400 AS timestamp) AS date) AS d")


def micros(value):
    return int(value.replace(tzinfo=UTC).timestamp() * 1_000_000) if value.tzinfo is None \
        else int(value.timestamp() * 1_000_000)


def days_since_epoch(value):
    return (value - datetime.date(1970, 1, 1)).days


def as_date(days):
    """A day transform's value as pyiceberg's inspect.files() shows it: a date."""
    return datetime.date(1970, 1, 1) + datetime.timedelta(days=days)


def spec_of(table):
    return [(fld.name, str(fld.transform), table.schema().find_field(fld.source_id).name)
            for fld in table.spec().fields]


def check_files(table, expected):
    """Every data file's partition value of each field is the pyiceberg transform of every row
    of the file; `expected` maps a partition field to (source column, function of a value)."""
    files = table.inspect.files().to_pylist()
    assert files
    for entry in files:
        rows = pq.read_table(entry["file_path"]).to_pylist()
        for field, (column, transform) in expected.items():
            values = {transform(r[column]) if r[column] is not None else None for r in rows}
            assert values == {entry["partition"][field]}, (field, entry["file_path"])
    return files


def test_years_and_bucket_spec_and_partition_values(spark, warehouse):
    from pyiceberg.transforms import BucketTransform, YearTransform
    from pyiceberg.types import LongType, TimestamptzType

    events(spark, 40).writeTo("ice.db.yb").partitionedBy(p.years("ts"), p.bucket(16, "id")).create()
    table = pyiceberg_table(warehouse, "db", "yb")
    assert spec_of(table) == [("ts_year", "year", "ts"), ("id_bucket", "bucket[16]", "id")]
    year = YearTransform().transform(TimestamptzType())
    bucket = BucketTransform(16).transform(LongType())
    files = check_files(table, {"ts_year": ("ts", lambda v: year(micros(v))), "id_bucket": ("id", bucket)})
    assert {fl["partition"]["ts_year"] for fl in files} == {49, 50}  # 2019 and 2020
    assert sum(fl["record_count"] for fl in files) == 40
    # pyiceberg prunes by both partitions and returns the right rows.
    scan = table.scan(row_filter="ts >= '2020-01-01T00:00:00+00:00'")
    assert len(list(scan.plan_files())) < len(files)
    assert sorted(scan.to_arrow().column("id").to_pylist()) == list(range(3, 40))
    assert sorted(table.scan(row_filter="id == 7").to_arrow().column("id").to_pylist()) == [7]
    assert len(list(table.scan(row_filter="id == 7").plan_files())) < len(files)


def test_months_days_hours(spark, warehouse):
    from pyiceberg.transforms import DayTransform, HourTransform, MonthTransform
    from pyiceberg.types import DateType, TimestamptzType

    events(spark, 30).writeTo("ice.db.mdh").partitionedBy(p.months("ts"), p.days("d"), p.hours("ts")).create()
    table = pyiceberg_table(warehouse, "db", "mdh")
    assert spec_of(table) == [("ts_month", "month", "ts"), ("d_day", "day", "d"), ("ts_hour", "hour", "ts")]
    month = MonthTransform().transform(TimestamptzType())
    day = DayTransform().transform(DateType())
    hour = HourTransform().transform(TimestamptzType())
    files = check_files(table, {"ts_month": ("ts", lambda v: month(micros(v))),
                                "d_day": ("d", lambda v: as_date(day(days_since_epoch(v)))),
                                "ts_hour": ("ts", lambda v: hour(micros(v)))})
    assert len(files) == 30  # one file per hour
    assert table.scan(row_filter="d == '2020-01-01'").to_arrow().num_rows == 16


def test_bucket_of_each_type(spark, warehouse):
    from pyiceberg.transforms import BucketTransform
    from pyiceberg.types import DateType, IntegerType, StringType, TimestamptzType

    events(spark, 25).writeTo("ice.db.types").partitionedBy(
        p.bucket(3, "n"), p.bucket(4, "user"), p.bucket(5, "d"), p.bucket(6, "ts")).create()
    table = pyiceberg_table(warehouse, "db", "types")
    assert [t for _, t, _ in spec_of(table)] == ["bucket[3]", "bucket[4]", "bucket[5]", "bucket[6]"]
    check_files(table, {
        "n_bucket": ("n", BucketTransform(3).transform(IntegerType())),
        "user_bucket": ("user", BucketTransform(4).transform(StringType())),
        "d_bucket": ("d", lambda v: BucketTransform(5).transform(DateType())(days_since_epoch(v))),
        "ts_bucket": ("ts", lambda v: BucketTransform(6).transform(TimestamptzType())(micros(v)))})


def test_appends_go_to_their_partitions_and_read_back(spark, warehouse):
    from pyiceberg.transforms import BucketTransform, DayTransform
    from pyiceberg.types import LongType, TimestamptzType

    events(spark, 10).writeTo("ice.db.app").partitionedBy(p.days("ts"), "user", p.bucket(4, "id")).create()
    events(spark, 20, start=10).writeTo("ice.db.app").append()
    spark.createDataFrame([(100, 100, None, None, None)], "id BIGINT, n INT, user STRING, ts TIMESTAMP, d DATE") \
        .writeTo("ice.db.app").append()
    table = pyiceberg_table(warehouse, "db", "app")
    day = DayTransform().transform(TimestamptzType())
    files = check_files(table, {"ts_day": ("ts", lambda v: as_date(day(micros(v)))), "user": ("user", lambda v: v),
                                "id_bucket": ("id", BucketTransform(4).transform(LongType()))})
    assert sum(fl["record_count"] for fl in files) == 31
    assert any(fl["partition"]["ts_day"] is None for fl in files)  # NULL goes to the null partition
    assert table.scan(row_filter="ts < '2020-01-01T00:00:00+00:00'").to_arrow().num_rows == 3
    # Spate reads the table back and filters on the partition source columns.
    back = spark.table("ice.db.app")
    assert back.count() == 31
    got = back.filter(f.col("ts") >= datetime.datetime(2020, 1, 2, tzinfo=UTC)).select("id").collect()
    assert sorted(r.id for r in got) == list(range(19, 30))
    assert sorted(r.id for r in back.filter("user = 'user-2' AND id < 20").collect()) == [2, 7, 12, 17]
    assert [r.id for r in back.filter("ts IS NULL").collect()] == [100]


def test_create_or_replace_changes_the_partitioning(spark, warehouse):
    events(spark, 5).writeTo("ice.db.repl").partitionedBy(p.days("ts")).create()
    events(spark, 5).writeTo("ice.db.repl").partitionedBy(p.bucket(2, "id")).createOrReplace()
    table = pyiceberg_table(warehouse, "db", "repl")
    assert spec_of(table) == [("id_bucket", "bucket[2]", "id")]
    assert table.scan().to_arrow().num_rows == 5
    events(spark, 5).writeTo("ice.db.repl").createOrReplace()  # no partitioning: unpartitioned
    assert spec_of(pyiceberg_table(warehouse, "db", "repl")) == []


@pytest.mark.parametrize("term, message", [
    (lambda: p.years("user"), r"years\(user\).*STRING"),
    (lambda: p.hours("d"), r"hours\(d\).*DATE"),
    (lambda: p.bucket(0, "id"), r"bucket\(0, \.\.\.\).*positive"),
    (lambda: p.bucket(-3, "id"), r"bucket\(-3, \.\.\.\).*positive"),
    (lambda: p.years("nope"), r"UNRESOLVED_COLUMN"),
])
def test_bad_transforms_are_explained(spark, warehouse, term, message):
    """A transform the column's type does not take, a bucket count below 1 or an unknown
    column fails before any table is made."""
    with pytest.raises(Exception, match=message):
        events(spark, 3).writeTo("ice.db.bad").partitionedBy(term()).create()
    assert not (warehouse / "db" / "bad").exists()
