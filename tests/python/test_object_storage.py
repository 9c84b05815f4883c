"""Object storage (s3a://, s3://) against a real S3-compatible server (moto, tests/python/s3_support.py):
batch reads and writes of Parquet, JSON, CSV, text and Avro with the same calls as local paths,
configured with Spark's spark.hadoop.fs.s3a.* settings. Each test runs in a fresh process that
imports Spate first (the fresh_process mark), as a user's program does. boto3 is the independent
client that puts objects and lists what Spate wrote."""

import datetime as dt
import io
import time

import pyarrow.parquet as pq
import pytest

from spate.errors import AnalysisException

pytestmark = pytest.mark.fresh_process


@pytest.fixture
def s3_spark(spark, s3):
    """The session with s3a:// pointed at the test server."""
    for key, value in s3.conf().items():
        spark.conf.set(key, value)
    yield spark
    for key in s3.conf():
        spark.conf.unset(key)


@pytest.fixture
def people(spark):
    return spark.createDataFrame(
        [(1, "ann", "eng", dt.datetime(2024, 1, 1, 12, 0)), (2, "bob", None, None), (3, None, "ops", None)],
        "id INT, name STRING, dept STRING, ts TIMESTAMP")


def test_s3_server_fixture_serves_buckets(s3):
    bucket = s3.new_bucket()
    s3.put(bucket, "a/b.txt", b"hello")
    assert s3.keys(bucket) == ["a/b.txt"]
    assert s3.get(bucket, "a/b.txt") == b"hello"


def test_parquet_round_trip_on_s3a(s3_spark, s3, people):
    bucket = s3.new_bucket()
    people.write.parquet("s3a://%s/people" % bucket)
    keys = s3.keys(bucket)
    assert "people/_SUCCESS" in keys
    parts = [k for k in keys if k.endswith(".snappy.parquet")]
    assert len(parts) == 1 and parts[0].startswith("people/part-00000-")
    # The object is a real Parquet file: pyarrow reads it from boto3's bytes.
    assert sorted(pq.read_table(io.BytesIO(s3.get(bucket, parts[0]))).column("id").to_pylist()) == [1, 2, 3]
    back = s3_spark.read.parquet("s3a://%s/people" % bucket).orderBy("id")
    assert back.collect() == people.orderBy("id").collect()
    assert back.dtypes == people.dtypes


def test_json_save_modes_on_s3a(s3_spark, s3, people):
    path = "s3a://%s/modes" % s3.new_bucket()
    people.write.format("json").save(path)
    with pytest.raises(AnalysisException) as info:
        people.write.format("json").save(path)
    assert info.value.getErrorClass() == "PATH_ALREADY_EXISTS"
    assert path in str(info.value)
    people.write.mode("ignore").json(path)  # leaves the data alone
    assert s3_spark.read.schema("id INT, name STRING").json(path).count() == 3
    people.write.mode("append").json(path)
    assert s3_spark.read.schema("id INT, name STRING").json(path).count() == 6
    people.limit(1).write.mode("overwrite").json(path)
    assert s3_spark.read.schema("id INT, name STRING").json(path).count() == 1


def test_csv_partitioned_and_gzip_on_s3(s3_spark, s3, people):
    bucket = s3.new_bucket()
    path = "s3://%s/csv" % bucket  # s3:// is the same file system as s3a://
    people.select("id", "name", "dept").write.partitionBy("dept").option("header", True) \
        .option("compression", "gzip").csv(path)
    dirs = sorted({k.split("/")[1] for k in s3.keys(bucket, "csv/") if "=" in k})
    assert dirs == ["dept=__HIVE_DEFAULT_PARTITION__", "dept=eng", "dept=ops"]
    assert all(k.endswith(".csv.gz") for k in s3.keys(bucket, "csv/dept="))
    back = s3_spark.read.option("header", True).option("inferSchema", True).csv(path)
    assert back.columns == ["id", "name", "dept"]
    assert dict(back.dtypes)["id"] == "int"
    assert sorted((r.id, r.dept) for r in back.collect()) == [(1, "eng"), (2, None), (3, "ops")]


def test_reads_objects_another_client_wrote(s3_spark, s3):
    bucket = s3.new_bucket()
    s3.put(bucket, "in/a.json", b'{"x": 1}\n{"x": 2}\n')
    s3.put(bucket, "in/b.json", b'{"x": 3}\n')
    s3.put(bucket, "in/_ignored.json", b'{"x": 100}\n')
    s3.put(bucket, "in/.hidden", b'{"x": 200}\n')
    s3.put(bucket, "lines/one.txt", b"a\nbb\n")
    s3.put(bucket, "lines/two.csv", b"c\n")
    assert sorted(r.x for r in s3_spark.read.json("s3a://%s/in" % bucket).collect()) == [1, 2, 3]
    assert [r.x for r in s3_spark.read.json("s3a://%s/in/b.json" % bucket).collect()] == [3]
    assert sorted(r.x for r in s3_spark.read.json("s3a://%s/in/*.json" % bucket).collect()) == [1, 2, 3, 100]
    assert [r.value for r in s3_spark.read.text("s3a://%s/lines/*.txt" % bucket).collect()] == ["a", "bb"]


def test_avro_and_text_round_trip_on_s3a(s3_spark, s3, people):
    bucket = s3.new_bucket()
    people.write.format("avro").save("s3a://%s/avro" % bucket)
    back = s3_spark.read.format("avro").load("s3a://%s/avro" % bucket).orderBy("id")
    assert [(r.id, r.name) for r in back.collect()] == [(1, "ann"), (2, "bob"), (3, None)]
    people.select("name").na.fill("-").write.text("s3a://%s/text" % bucket)
    assert sorted(r.value for r in s3_spark.read.text("s3a://%s/text" % bucket).collect()) == ["-", "ann", "bob"]


def test_sql_over_an_s3a_view(s3_spark, s3, people):
    path = "s3a://%s/v" % s3.new_bucket()
    people.write.parquet(path)
    s3_spark.read.parquet(path).createOrReplaceTempView("people_on_s3")
    rows = s3_spark.sql("SELECT count(*) AS n, max(id) AS m FROM people_on_s3").collect()
    assert (rows[0].n, rows[0].m) == (3, 3)


def test_missing_object_is_path_not_found(s3_spark, s3):
    path = "s3a://%s/nope" % s3.new_bucket()
    with pytest.raises(AnalysisException) as info:
        s3_spark.read.parquet(path)
    assert info.value.getErrorClass() == "PATH_NOT_FOUND"
    assert "Path does not exist: %s." % path in str(info.value)


def test_unknown_bucket_is_named(s3_spark, people):
    with pytest.raises(Exception) as info:
        s3_spark.read.parquet("s3a://no-such-bucket-spate/x")
    assert "s3a://no-such-bucket-spate/x: Bucket no-such-bucket-spate does not exist" in str(info.value)
    with pytest.raises(Exception) as info:
        people.write.parquet("s3a://no-such-bucket-spate/y")
    assert "s3a://no-such-bucket-spate/y: Bucket no-such-bucket-spate does not exist" in str(info.value)


def test_missing_credentials_name_the_settings(spark, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(Exception) as info:
        spark.read.parquet("s3a://some-bucket/x")
    message = str(info.value)
    assert "s3a://some-bucket/x" in message
    assert "spark.hadoop.fs.s3a.access.key" in message and "spark.hadoop.fs.s3a.secret.key" in message
    with pytest.raises(Exception) as info:
        spark.read.parquet("s3a:///x")
    assert "names no bucket" in str(info.value)


def test_unreachable_endpoint_fails_quickly(s3_spark, s3):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    s3_spark.conf.set("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:%d" % closed_port)
    start = time.monotonic()
    with pytest.raises(Exception) as info:
        s3_spark.read.parquet("s3a://bucket/x")
    assert time.monotonic() - start < 30
    assert "s3a://bucket/x" in str(info.value)


def test_per_bucket_endpoint(spark, s3, people):
    bucket = s3.new_bucket()
    conf = s3.conf()
    conf["spark.hadoop.fs.s3a.endpoint"] = "http://127.0.0.1:1"  # wrong for every bucket but this one
    conf["spark.hadoop.fs.s3a.bucket.%s.endpoint" % bucket] = s3.endpoint
    for key, value in conf.items():
        spark.conf.set(key, value)
    try:
        people.write.parquet("s3a://%s/p" % bucket)
        assert spark.read.parquet("s3a://%s/p" % bucket).count() == 3
    finally:
        for key in conf:
            spark.conf.unset(key)


def _write_json(folder, name, ids):
    import json
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / name, "w") as out:
        for i in ids:
            out.write(json.dumps({"id": i, "name": "n%d" % i}) + "\n")


def test_streaming_file_sink_on_s3a_commits_through_its_log(s3_spark, s3, tmp_path):
    from spate.sql import functions as f

    bucket = s3.new_bucket()
    out = "s3a://%s/stream-out" % bucket
    src = tmp_path / "in"
    _write_json(src, "a.json", range(0, 5))
    _write_json(src, "b.json", range(5, 8))

    def run():
        stream = s3_spark.readStream.json(str(src), schema="id INT, name STRING")
        q = (stream.select((f.col("id") * 10).alias("x"), (f.col("id") % 2).alias("odd")).writeStream
             .format("parquet").partitionBy("odd").option("maxFilesPerTrigger", 1)
             .option("checkpointLocation", str(tmp_path / "cp")).trigger(availableNow=True).start(out))
        assert q.awaitTermination(120) is True
        assert q.exception() is None

    run()
    keys = s3.keys(bucket, "stream-out/")
    assert "stream-out/_spark_metadata/0" in keys
    entry = s3.get(bucket, "stream-out/_spark_metadata/0").decode().splitlines()
    assert entry[0] == "v1" and all('"path":"%s/odd=' % out in line for line in entry[1:])
    # A part file no log entry names (a crashed attempt's) is not data.
    s3.put(bucket, "stream-out/odd=0/part-99999-orphan.snappy.parquet", b"not parquet")
    rows = sorted((r.x, r.odd) for r in s3_spark.read.parquet(out).collect())
    assert rows == [(i * 10, i % 2) for i in range(8)]

    # A restart with the same checkpoint adds only the new file's rows.
    _write_json(src, "c.json", [8])
    run()
    assert "stream-out/_spark_metadata/1" in s3.keys(bucket, "stream-out/_spark_metadata/")
    assert sorted(r.x for r in s3_spark.read.parquet(out).collect()) == [i * 10 for i in range(9)]


def test_streaming_file_source_on_s3a_reads_each_object_once(s3_spark, s3, tmp_path):
    bucket = s3.new_bucket()
    s3.put(bucket, "incoming/day=1/a.json", b'{"id": 1}\n{"id": 2}\n')
    s3.put(bucket, "incoming/day=2/b.json", b'{"id": 3}\n')
    s3.put(bucket, "incoming/_temporary.json", b'{"id": 100}\n')
    out = "s3a://%s/copied" % bucket

    def run():
        stream = s3_spark.readStream.schema("id INT, day INT").json("s3a://%s/incoming" % bucket)
        q = (stream.writeStream.format("parquet").option("checkpointLocation", str(tmp_path / "cp"))
             .trigger(availableNow=True).start(out))
        assert q.awaitTermination(120) is True
        assert q.exception() is None

    run()
    assert sorted((r.id, r.day) for r in s3_spark.read.parquet(out).collect()) == [(1, 1), (2, 1), (3, 2)]
    # The seen-files log names the objects by their s3a:// URIs.
    seen = (tmp_path / "cp" / "sources" / "0" / "0").read_text()
    assert '"path":"s3a://%s/incoming/day=1/a.json"' % bucket in seen

    # A restart reads only the object added since.
    s3.put(bucket, "incoming/day=2/c.json", b'{"id": 4}\n')
    run()
    assert sorted(r.id for r in s3_spark.read.parquet(out).collect()) == [1, 2, 3, 4]


def test_streaming_source_errors_on_s3a(s3_spark, s3):
    bucket = s3.new_bucket()
    with pytest.raises(AnalysisException) as info:
        s3_spark.readStream.schema("a INT").json("s3a://%s/missing" % bucket)
    assert info.value.getErrorClass() == "PATH_NOT_FOUND"
    s3.put(bucket, "in/a.json", b'{"a": 1}\n')
    # Spark archives by a rename: within the source's file system (bucket) only.
    with pytest.raises(Exception) as info:
        s3_spark.readStream.schema("a INT").option("cleanSource", "archive") \
            .option("sourceArchiveDir", "s3a://other-bucket/archive").json("s3a://%s/in" % bucket)
    assert "Base archive path is located on a different file system than the source files" in str(info.value)


def test_clean_source_archive_on_s3a_moves_committed_objects(s3_spark, s3, tmp_path):
    # As Spark: an archived file keeps its full path under the archive folder
    # (s3a://b/incoming/day=1/a.json -> s3a://b/archive/incoming/day=1/a.json).
    bucket = s3.new_bucket()
    s3.put(bucket, "incoming/day=1/a.json", b'{"id": 1}\n')
    s3.put(bucket, "incoming/day=2/b.json", b'{"id": 2}\n')
    stream = s3_spark.readStream.schema("id INT, day INT").option("cleanSource", "archive") \
        .option("sourceArchiveDir", "s3a://%s/archive" % bucket).json("s3a://%s/incoming" % bucket)
    q = (stream.writeStream.format("memory").queryName("archived")
         .option("checkpointLocation", "s3a://%s/cp" % bucket).trigger(availableNow=True).start())
    assert q.awaitTermination(120) is True
    assert q.exception() is None
    assert sorted((r.id, r.day) for r in s3_spark.sql("SELECT * FROM archived").collect()) == [(1, 1), (2, 2)]
    # Only the folders' markers stay ("incoming/day=1/"), as S3A leaves them when a folder's last file goes.
    assert [k for k in s3.keys(bucket, "incoming/") if not k.endswith("/")] == []
    assert s3.keys(bucket, "archive/") == ["archive/incoming/day=1/a.json", "archive/incoming/day=2/b.json"]


def test_a_checkpoint_in_a_missing_bucket_fails_at_start_naming_it(s3_spark, s3):
    rate = s3_spark.readStream.format("rate").load()
    with pytest.raises(Exception) as info:
        rate.writeStream.format("noop").option("checkpointLocation", "s3a://no-such-bucket-x1/cp").start()
    assert "s3a://no-such-bucket-x1/cp: Bucket no-such-bucket-x1 does not exist" in str(info.value)
    assert s3_spark.streams.active == []


def test_a_checkpoint_on_s3_without_credentials_names_the_settings(s3_spark, s3):
    s3_spark.conf.unset("spark.hadoop.fs.s3a.secret.key")
    with pytest.raises(Exception) as info:
        s3_spark.readStream.format("rate").load().writeStream.format("noop") \
            .option("checkpointLocation", "s3a://%s/cp" % s3.new_bucket()).start()
    assert "No credentials for s3a://" in str(info.value)
    assert "spark.hadoop.fs.s3a.secret.key" in str(info.value)


def test_a_memory_sink_refuses_to_resume_from_an_s3_checkpoint(s3_spark, s3, tmp_path):
    """As from a local checkpoint (differential/test_streaming_programs.py): in append mode the
    memory sink refuses a checkpoint whose offsets/ exists, naming it by its URI."""
    from spate.errors import AnalysisException

    checkpoint = "s3a://%s/cp" % s3.new_bucket()
    src = tmp_path / "in"
    _write_json(src, "a.json", range(3))
    writer = (s3_spark.readStream.json(str(src), schema="id INT, name STRING").writeStream.format("memory")
              .queryName("s3_resumed").option("checkpointLocation", checkpoint).trigger(availableNow=True))
    assert writer.start().awaitTermination(120) is True
    with pytest.raises(AnalysisException) as info:
        writer.start()
    assert info.value.getCondition() == "_LEGACY_ERROR_TEMP_1299"
    assert str(info.value).startswith("This query does not support recovering from checkpoint location. "
                                      "Delete %s/offsets to start over." % checkpoint)


def test_two_runs_on_one_s3_checkpoint_are_refused(s3_spark, s3):
    # One live run per checkpoint, as with a local one (the second writer on another machine
    # fails at its first log entry: entries are written only if absent).
    checkpoint = "s3a://%s/cp" % s3.new_bucket()
    rate = s3_spark.readStream.format("rate").option("rowsPerSecond", 1).load()
    first = rate.writeStream.format("noop").option("checkpointLocation", checkpoint).start()
    try:
        with pytest.raises(Exception) as info:
            rate.writeStream.format("noop").option("checkpointLocation", checkpoint).start()
        assert "CONCURRENT_QUERY" in str(info.value)
    finally:
        first.stop()
    assert "cp/metadata" in s3.keys(checkpoint.split("/")[2], "cp/")


WRITER = """
import json, sys
from spate.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
for key, value in json.loads(sys.argv[2]).items():
    spark.conf.set(key, value)
query = (spark.readStream.format("rate").option("rowsPerSecond", 100).load().writeStream.format("noop")
         .option("checkpointLocation", sys.argv[1]).trigger(processingTime="50 milliseconds").start())
print("started", flush=True)
query.awaitTermination(120)
print("error:", query.exception(), flush=True)
"""


def test_a_second_writer_on_another_machine_fails_at_a_log_entry(s3, tmp_path):
    # Two processes with their own temporary folders (so their own lock files, as on two
    # machines) run one query on one S3 checkpoint: the log entries are written only if absent,
    # so one of them fails with Spark's error instead of overwriting the other's batches.
    import json
    import os
    import subprocess
    import sys

    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    bucket = s3.new_bucket()
    checkpoint = "s3a://%s/cp" % bucket
    procs = []
    try:
        for name in ("a", "b"):
            (tmp_path / name).mkdir()
            env = dict(os.environ, TMPDIR=str(tmp_path / name))
            procs.append(subprocess.Popen([sys.executable, str(script), checkpoint, json.dumps(s3.conf())],
                                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
            deadline = time.monotonic() + 60  # the first writer commits a batch before the second starts
            while name == "a" and not s3.keys(bucket, "cp/commits/") and time.monotonic() < deadline:
                time.sleep(0.1)
        deadline = time.monotonic() + 120
        while all(p.poll() is None for p in procs) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    outputs = [p.communicate()[0] for p in procs]
    assert any("CONCURRENT_STREAM_LOG_UPDATE" in out for out in outputs), outputs


def test_checkpoint_requests_pass_a_server_that_checks_signatures(spark, s3, tmp_path):
    # moto accepts any request unless told to check them: against a server that does, the
    # log entries' conditional PUTs (signed by Spate, not by Arrow) are accepted, and a
    # wrong secret key is refused naming the path.
    from s3_support import start_server, stop_server

    server = start_server(check_signatures=True)
    try:
        for key, value in server.conf().items():
            spark.conf.set(key, value)
        bucket = server.new_bucket()
        src = tmp_path / "in"
        _write_json(src, "a.json", range(3))
        counts = spark.readStream.json(str(src), schema="id INT, name STRING").groupBy("name").count()

        def start(checkpoint):
            return (counts.writeStream.format("memory").queryName("signed").outputMode("complete")
                    .option("checkpointLocation", checkpoint).trigger(availableNow=True).start())

        q = start("s3a://%s/cp dir+x" % bucket)  # a key that needs escaping in the signature
        assert q.awaitTermination(120) is True
        assert q.exception() is None
        assert {"cp dir+x/offsets/0", "cp dir+x/commits/0"} <= set(server.keys(bucket, "cp dir+x/"))
        spark.conf.set("spark.hadoop.fs.s3a.secret.key", "wrong")
        with pytest.raises(Exception) as info:
            start("s3a://%s/cp2" % bucket)
        assert "s3a://%s/cp2" % bucket in str(info.value)
    finally:
        stop_server(server)
        for key in server.conf():
            spark.conf.unset(key)


def test_an_inconsistent_s3_checkpoint_is_named_by_its_uri(s3_spark, s3, tmp_path):
    bucket = s3.new_bucket()
    checkpoint = "s3a://%s/cp" % bucket
    src = tmp_path / "in"
    _write_json(src, "a.json", range(3))
    stream = s3_spark.readStream.json(str(src), schema="id INT, name STRING")

    def run():
        q = stream.writeStream.format("noop").option("checkpointLocation", checkpoint) \
            .trigger(availableNow=True).start()
        try:
            q.awaitTermination(120)
        except Exception:  # noqa: BLE001 - the query's error is checked below
            pass
        return q.exception()

    assert run() is None
    s3.client().delete_object(Bucket=bucket, Key="cp/offsets/0")  # commits/0 without its offsets
    error = run()
    assert "[INVALID_CHECKPOINT] The checkpoint at %s is inconsistent" % checkpoint in str(error)


def test_rocksdb_state_on_s3_puts_each_sst_file_once(s3_spark, s3, tmp_path):
    # A RocksDB store's versions list the SST files they share (SSTs/ in the store's folder)
    # instead of holding copies: each SST is one object however many versions use it, and a
    # restart builds the state from them.
    import json

    from spate.sql import functions as f

    bucket = s3.new_bucket()
    src = tmp_path / "in"
    for b in range(3):
        _write_json(src, "%d.json" % b, range(b * 10, b * 10 + 10))
    settings = {"spark.sql.streaming.stateStore.providerClass":
                "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider",
                "spark.sql.shuffle.partitions": "1"}
    for key, value in settings.items():
        s3_spark.conf.set(key, value)

    def run():
        stream = s3_spark.readStream.option("maxFilesPerTrigger", 1).json(str(src), schema="id INT, name STRING")
        q = (stream.groupBy((f.col("id") % 4).alias("k")).count().writeStream.format("memory")
             .queryName("rocksdb_on_s3").outputMode("complete")
             .option("checkpointLocation", "s3a://%s/cp" % bucket).trigger(availableNow=True).start())
        assert q.awaitTermination(120) is True
        assert q.exception() is None
        return sorted(tuple(r) for r in s3_spark.table("rocksdb_on_s3").collect())

    def expected(n):
        return [(k, len(range(k, n, 4))) for k in range(4)]

    def listing(version):
        text = s3.get(bucket, "cp/state/0/0/checkpoint-%d/spate-state.json" % version)
        return set(json.loads(text)["sstFiles"])

    def sst_objects():  # name in SSTs/ -> when it was put
        pages = s3.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="cp/state/0/0/")
        objects = [o for page in pages for o in page.get("Contents", [])]
        assert [o["Key"] for o in objects if o["Key"].endswith(".sst") and "/SSTs/" not in o["Key"]] == []
        return {o["Key"].rsplit("/", 1)[1]: o["LastModified"] for o in objects if "/SSTs/" in o["Key"]}

    try:
        assert run() == expected(30)
        # One flush a batch: each version lists the SSTs of the one before and its own new one.
        assert len(listing(1)) == 1 and listing(1) < listing(2) < listing(3)
        assert set(sst_objects()) == listing(3)

        # The restarted query puts only its new SSTs: the others keep the objects first put.
        put_before = sst_objects()
        _write_json(src, "3.json", range(30, 40))
        assert run() == expected(40)
        put_after = sst_objects()
        assert set(put_after) == listing(1) | listing(2) | listing(3) | listing(4)
        assert {name: put_after[name] for name in put_before} == put_before
    finally:
        for key in settings:
            s3_spark.conf.unset(key)
