"""The examples users copy: the README's, those of docs/*.md and `make demo`'s
program, each run as a script in a fresh Python process, as a user runs them.

A block that is a fragment (it uses ``spark``, ``df`` or ``events`` without making
them) gets a short preamble that makes them; addresses that point outside this
machine (a broker, /data/warehouse, /tmp/cp) become the test's own. Nothing else of
a block changes."""

import os
import re
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def python_blocks(doc):
    with open(os.path.join(REPO, doc)) as f:
        return re.findall(r"```python\n(.*?)\n```", f.read(), re.S)


def run_script(code, tmp_path, timeout=180):
    """Writes ``code`` to a script and runs it in a new process from ``tmp_path``."""
    script = tmp_path / "example.py"
    script.write_text(code)
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, "exit %d\n%s\n%s" % (proc.returncode, proc.stdout[-3000:],
                                                     proc.stderr[-3000:])
    return proc.stdout


def test_every_doc_block_is_covered():
    # A new block in the README or docs/ needs a test here.
    counts = {doc: len(python_blocks(doc)) for doc in
              ["README.md", "docs/python.md", "docs/iceberg.md", "docs/kafka.md", "docs/ui.md", "docs/jdbc.md",
               "docs/object-storage.md", "docs/avro.md", "docs/low-latency.md", "docs/nexmark.md"]}
    assert counts == {"README.md": 1, "docs/python.md": 2, "docs/iceberg.md": 4, "docs/kafka.md": 2,
                      "docs/ui.md": 1, "docs/jdbc.md": 2, "docs/object-storage.md": 3, "docs/avro.md": 1,
                      "docs/low-latency.md": 2, "docs/nexmark.md": 1}
    others = [d for d in os.listdir(os.path.join(REPO, "docs"))
              if d.endswith(".md") and d not in ("python.md", "iceberg.md", "kafka.md", "ui.md", "jdbc.md",
                                                 "object-storage.md", "avro.md", "low-latency.md", "nexmark.md")]
    assert all(not python_blocks(os.path.join("docs", d)) for d in others), others


def test_ui_doc_example(tmp_path):
    [block] = python_blocks("docs/ui.md")
    code = "from spate.sql import SparkSession\n" + block.split("  #")[0] + "\nprint(spark.uiWebUrl)\n"
    assert run_script(code, tmp_path).startswith("http://127.0.0.1:")


def test_nexmark_md(tmp_path):
    """The block's batch read has Nexmark's 1:3:46 mix of people, auctions and bids, and its
    streams are streaming DataFrames of the documented columns."""
    [block] = python_blocks("docs/nexmark.md")
    out = run_script(block + "\nprint(events.isStreaming, bids.isStreaming, per_window.columns)\n", tmp_path)
    counts = [tuple(map(int, row.strip("|").split("|"))) for row in out.splitlines()
              if re.fullmatch(r"\|\s+\d+\|\s*\d+\|", row)]
    assert counts == [(0, 20000), (1, 60000), (2, 920000)]
    assert "True True ['window', 'auction', 'count']" in out


def test_readme_example(tmp_path):
    [block] = python_blocks("README.md")
    out = run_script(block, tmp_path)
    assert "Batch: 0" in out
    assert re.search(r"\|value\|\s*time\|", out), out[-2000:]
    values = [int(v) for v in re.findall(r"^\|\s*(\d+)\|\d\d:\d\d:\d\d\|$", out, re.M)]
    assert values and all(v % 2 == 0 for v in values), out[-2000:]


def test_python_md_quick_start(tmp_path):
    block = python_blocks("docs/python.md")[0]
    out = run_script(block, tmp_path)
    assert re.search(r"\|\s*ann\|\s*100\|", out) and re.search(r"\|\s*bob\|\s*NULL\|", out), out
    assert re.search(r"\|\s*ANN\|", out), out
    assert re.search(r"\|count\(1\)\|", out), out


def test_python_md_apply_in_pandas_with_state(tmp_path):
    block = python_blocks("docs/python.md")[1]
    out = run_script(block, tmp_path)
    # Batch 0 opens both sessions, batch 1 adds bob's click, the no-data batch closes ann's.
    batches = re.split(r"Batch: \d+", out)[1:]
    assert re.search(r"\|\s*ann\|\s*1\|\s*false\|", batches[0]), out
    assert re.search(r"\|\s*bob\|\s*1\|\s*false\|", batches[0]), out
    assert re.search(r"\|\s*bob\|\s*2\|\s*false\|", out), out
    assert re.search(r"\|\s*ann\|\s*1\|\s*true\|", out), out
    assert not re.search(r"\|\s*bob\|\s*\d\|\s*true\|", out), out


def test_iceberg_md(tmp_path):
    configure, write, _, maintain = python_blocks("docs/iceberg.md")
    warehouse = str(tmp_path / "warehouse")
    events = tmp_path / "events"
    events.mkdir()
    (events / "1.json").write_text('{"id": 3, "ts": "2024-01-02T10:00:00", "user": "c"}\n')
    preamble = ("from spate.sql import SparkSession\n"
                "spark = SparkSession.builder.getOrCreate()\n"
                "df = spark.createDataFrame([(1, '2024-01-01 10:00:00', 'a'), (2, '2024-01-01 11:00:00', 'b')],"
                " 'id BIGINT, ts STRING, user STRING').selectExpr('id', 'CAST(ts AS TIMESTAMP) AS ts', 'user')\n"
                "events = spark.readStream.schema('id BIGINT, ts TIMESTAMP, user STRING').json(%r)\n"
                % str(events))
    # The stream the block starts is stopped after it has taken the file.
    checks = ("\nimport time\n"
              "q = spark.streams.active[0]\n"
              "q.processAllAvailable(); q.stop()\n"
              "print(sorted(r.id for r in spark.table('lake.bronze.events').collect()))\n"
              "print(spark.table('lake.db.t').schema.simpleString())\n")
    code = (preamble + configure.replace("/data/warehouse", warehouse) + "\n" +
            write.replace('"/ck"', repr(str(tmp_path / "ck"))) + "\n" + maintain + checks)
    out = run_script(code, tmp_path)
    # Two appends of df (saveAsTable, writeTo) and the streamed row.
    assert "[1, 1, 2, 2, 3]" in out, out
    assert "struct<id:bigint,ts:timestamp,user:string>" in out, out


def test_iceberg_md_row_level_writes(tmp_path):
    configure, _, row_level, _ = python_blocks("docs/iceberg.md")
    preamble = ("from spate.sql import SparkSession, functions as f\n"
                "spark = SparkSession.builder.getOrCreate()\n")
    tables = ("spark.sql('CREATE TABLE lake.db.t (id BIGINT, v STRING) USING iceberg')\n"
              "spark.createDataFrame([(5, 'e')], 'id BIGINT, v STRING').createOrReplaceTempView('staging')\n"
              "updates = spark.createDataFrame([(5, 'E', 'u'), (20, 'x', 'd'), (11, 'k', 'u'), (12, None, 'u')],"
              " 'id BIGINT, v STRING, op STRING')\n"
              "updates.createOrReplaceTempView('updates')\n")
    checks = "\nprint(sorted(tuple(r) for r in spark.table('lake.db.t').collect()))\n"
    code = (preamble + configure.replace("/data/warehouse", str(tmp_path / "warehouse")) + "\n" + tables
            + row_level + checks)
    out = run_script(code, tmp_path)
    # INSERT leaves (1, a); the overwrite (5, e); MERGE updates 5 and inserts 20, 11, 12;
    # UPDATE upper-cases 11 and 20; DELETE drops 12 (NULL v); mergeInto puts 5, 11, 20
    # back to the source's values and inserts 12 again.
    assert "[(5, 'E'), (11, 'k'), (12, None), (20, 'x')]" in out, out


def test_object_storage_md(tmp_path, s3):
    batch, streaming, _ = python_blocks("docs/object-storage.md")
    bucket = s3.new_bucket()
    s3.put(bucket, "logs/2024-01.csv", b"id,msg\n1,a\n2,b\n")
    s3.put(bucket, "logs/2024-02.csv", b"id,msg\n3,c\n")
    # The streaming block's `events`: a watermarked stream with a timestamp and a user.
    events = ("from spate.sql import functions as f\n"
              "events = (spark.readStream.format('rate').option('rowsPerSecond', 20).load()\n"
              "          .select(f.col('timestamp').alias('ts'), (f.col('value') % 3).cast('string').alias('user'))\n"
              "          .withWatermark('ts', '1 second'))\n")
    wait = ("import time\n"
            "deadline = time.monotonic() + 60\n"
            "while (query.lastProgress is None or query.lastProgress['batchId'] < 2) and time.monotonic() < deadline:\n"
            "    time.sleep(0.2)\n"
            "query.stop()\n")
    code = (batch + "\nprint(back.collect(), logs.count())\n" + events + streaming + "\n" + wait)
    code = (code.replace("http://localhost:9000", s3.endpoint).replace('"minio"', repr(s3.access_key))
            .replace('"minio-secret"', repr(s3.secret_key)).replace("my-bucket", bucket))
    out = run_script(code, tmp_path)
    assert "[Row(id=1, name='a', part='x')] 3" in out, out
    keys = set(s3.keys(bucket, "checkpoints/clicks/"))
    assert {"checkpoints/clicks/metadata", "checkpoints/clicks/offsets/0", "checkpoints/clicks/commits/0"} <= keys, keys


def test_object_storage_md_iceberg_block(tmp_path, s3):
    _, _, iceberg = python_blocks("docs/object-storage.md")
    bucket = s3.new_bucket()
    code = (iceberg.replace("http://localhost:9000", s3.endpoint).replace('"minio"', repr(s3.access_key))
            .replace('"minio-secret"', repr(s3.secret_key)).replace("my-bucket", bucket))
    assert run_script(code, tmp_path).strip() == "8"
    assert "warehouse/db/numbers/metadata/v2.metadata.json" in s3.keys(bucket, "warehouse/db/numbers/metadata/")


def test_jdbc_md(tmp_path, postgres, monkeypatch):
    write_read, upsert = python_blocks("docs/jdbc.md")
    people, events = postgres.new_table("people"), postgres.new_table("events")
    postgres.psql("CREATE TABLE %s (id INT, name TEXT, amount FLOAT8, batch_id BIGINT)" % events)
    src = tmp_path / "in"
    src.mkdir()
    (src / "1.json").write_text('{"id": 1, "name": "a", "amount": 2.5}\n{"id": 2, "name": "b", "amount": 1.0}\n')
    address = "%s:%d" % (postgres.host, postgres.port)
    user, password, db = postgres.user, postgres.password, postgres.database
    code = (write_read.replace("localhost:5432/mydb", "%s/%s" % (address, db)).replace('"people"', repr(people))
            .replace('{"user": "user", "password": "pass"}', repr({"user": user, "password": password}))
            .replace('.option("user", "user").option("password", "pass")',
                     '.option("user", %r).option("password", %r)' % (user, password))
            .replace("FROM people", "FROM " + people)
            + "\nprint(sorted(tuple(r) for r in people.collect()), sorted(r.name for r in some.collect()))\n"
            + "df = spark.readStream.schema('id INT, name STRING, amount DOUBLE').json(%r)\n" % str(src)
            + upsert.replace('"-h", "localhost", "-U", "user", "-d", "mydb"',
                             '"-h", %r, "-p", "%d", "-U", %r, "-d", %r' % (postgres.host, postgres.port, user, db))
            .replace("FROM events", "FROM " + events).replace("INTO events", "INTO " + events)
            .replace('"/checkpoints/postgres-upsert"', repr(str(tmp_path / "ck")))
            + "\nquery.processAllAvailable(); query.stop()\n")
    monkeypatch.setenv("PGPASSWORD", postgres.password)  # the block runs psql
    out = run_script(code, tmp_path)
    assert "[(1, 'a'), (1, 'a')] ['a', 'a']" in out, out
    assert postgres.psql("SELECT id, name, amount, batch_id FROM %s ORDER BY id" % events) == \
        [("1", "a", "2.5", "0"), ("2", "b", "1", "0")]


def test_kafka_md(tmp_path, kafka):
    block = python_blocks("docs/kafka.md")[0]
    topic_in, topic_out = kafka.new_topic(prefix="events"), kafka.new_topic(prefix="out")
    kafka.produce(topic_in, [b'{"user": "ann", "amount": 2.5}', b'{"user": "bob", "amount": 1.0}'])
    code = (block.replace("127.0.0.1:9092", kafka.bootstrap)
            .replace('"subscribe", "events"', '"subscribe", %r' % topic_in)
            .replace('"topic", "out"', '"topic", %r' % topic_out)
            .replace('"/tmp/cp"', repr(str(tmp_path / "cp"))))
    preamble = ("from spate.sql import SparkSession, functions as f\n"
                "spark = SparkSession.builder.getOrCreate()\n")
    checks = ("\nq = spark.streams.active[0]\n"
              "q.processAllAvailable(); q.stop()\n")
    run_script(preamble + code + checks, tmp_path)
    got = sorted((m.key(), m.value()) for m in kafka.consume_all(topic_out))
    assert got == [(b"ann", b'{"user":"ann","amount":2.5}'), (b"bob", b'{"user":"bob","amount":1.0}')]


def test_low_latency_md(tmp_path, kafka):
    blocks = python_blocks("docs/low-latency.md")  # the stateless query, then the windowed count
    topic_in, topic_out = kafka.new_topic(prefix="orders"), kafka.new_topic(prefix="orders-upper")
    counts_out = kafka.new_topic(prefix="orders-per-second")
    kafka.produce(topic_in, [(b"k%d" % i, b"order %d" % i) for i in range(5)])
    code = ("\n".join(blocks).replace("127.0.0.1:9092", kafka.bootstrap)
            .replace('"subscribe", "orders"', '"subscribe", %r' % topic_in)
            .replace('"topic", "orders-upper"', '"topic", %r' % topic_out)
            .replace('"/tmp/cp-orders"', repr(str(tmp_path / "cp")))
            .replace('"topic", "orders-per-second"', '"topic", %r' % counts_out)
            .replace('"/tmp/cp-orders-per-second"', repr(str(tmp_path / "cp-counts"))))
    # The script waits (bounded) for an outside consumer to see five records on each
    # output topic, then stops the queries.
    checks = ("\nimport time, sys\nsys.path.insert(0, %r)\nfrom kafka_support import Broker\n"
              "broker = Broker(dict(KAFKA_BOOTSTRAP=%r, KAFKA_SASL_BOOTSTRAP='', KAFKA_SSL_BOOTSTRAP='',"
              " KAFKA_SASL_USER='', KAFKA_SASL_PASSWORD='', KAFKA_SSL_CA=''))\n"
              "deadline = time.monotonic() + 60\n"
              "for t in (%r, %r):\n"
              "    while len(broker.consume_all(t)) < 5 and time.monotonic() < deadline:\n        time.sleep(0.2)\n"
              "query.stop()\ncounts.stop()\n"
              % (os.path.dirname(os.path.abspath(__file__)), kafka.bootstrap, topic_out, counts_out))
    run_script(code + checks, tmp_path)
    got = sorted((m.key(), m.value()) for m in kafka.consume_all(topic_out))
    assert got == [(b"k%d" % i, b"ORDER %d" % i) for i in range(5)]
    # One record per key: each key's window counts 1.
    counts = sorted((m.key(), m.value()) for m in kafka.consume_all(counts_out))
    assert counts == [(b"k%d" % i, b"1") for i in range(5)]


def test_kafka_md_avro(tmp_path, kafka):
    import io
    import json
    import struct

    import fastavro

    block = python_blocks("docs/kafka.md")[1]
    schema = fastavro.parse_schema(json.loads(block.split('"""')[1]))
    topic_in, topic_out = kafka.new_topic(prefix="users"), kafka.new_topic(prefix="plain")

    def datum(record):
        buf = io.BytesIO()
        fastavro.schemaless_writer(buf, schema, record)
        return buf.getvalue()
    users = [{"name": "ann", "age": 31}, {"name": "bob", "age": 47}]
    kafka.produce(topic_in, [b"\x00" + struct.pack(">I", 3) + datum(u) for u in users])
    code = (block.replace("127.0.0.1:9092", kafka.bootstrap)
            .replace('"subscribe", "users"', '"subscribe", %r' % topic_in)
            .replace('"topic", "users-plain"', '"topic", %r' % topic_out)
            .replace('"/tmp/cp-avro"', repr(str(tmp_path / "cp"))))
    preamble = ("from spate.sql import SparkSession, functions as f\n"
                "spark = SparkSession.builder.getOrCreate()\n")
    checks = ("\nq = spark.streams.active[0]\n"
              "q.processAllAvailable(); q.stop()\n")
    run_script(preamble + code + checks, tmp_path)
    got = sorted((fastavro.schemaless_reader(io.BytesIO(m.value()), schema) for m in kafka.consume_all(topic_out)),
                 key=lambda r: r["name"])
    assert got == users


def test_make_demo_program(tmp_path):
    with open(os.path.join(REPO, "examples", "streaming_demo.py")) as f:
        out = run_script(f.read(), tmp_path, timeout=300)
    assert "events.isStreaming = True" in out
    assert "Batch: 0" in out
    assert re.search(r"Last batch: \d+, \d+ input rows from RateStreamV2", out), out[-3000:]
    assert "Iceberg table lake.bronze.evens in" in out


def test_avro_md(tmp_path, kafka, schema_registry):
    """docs/avro.md's block on the real broker and registry: it reads what confluent_kafka's
    AvroSerializer wrote and writes what its AvroDeserializer reads."""
    from confluent_kafka.schema_registry import Schema
    from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    [block] = python_blocks("docs/avro.md")
    users, adults = kafka.new_topic(), kafka.new_topic()
    schema = ('{"type":"record","name":"User","fields":[{"name":"name","type":"string"},'
              '{"name":"age","type":"int"}]}')
    serialize = AvroSerializer(schema_registry.client(), schema)
    kafka.produce(users, [serialize(u, SerializationContext(users, MessageField.VALUE))
                          for u in [{"name": "ann", "age": 31}, {"name": "bob", "age": 47}]])
    schema_registry.client().register_schema(adults + "-value", Schema(schema, "AVRO"))
    code = (block.replace('"users-value"', repr(users + "-value")).replace('"users"', repr(users))
            .replace('"adults-value"', repr(adults + "-value")).replace('"adults"', repr(adults))
            .replace('"http://127.0.0.1:8081"', repr(schema_registry.address))
            .replace('"127.0.0.1:9092"', repr(kafka.bootstrap))
            .replace('"/tmp/cp-adults"', repr(str(tmp_path / "cp-adults"))))
    code = ("from spate.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\n"
            "user_schema = %r\n" % schema + code +
            "\n[query] = spark.streams.active\nquery.processAllAvailable()\nquery.stop()\n")
    run_script(code, tmp_path)
    deserialize = AvroDeserializer(schema_registry.client())
    got = [deserialize(m.value(), SerializationContext(adults, MessageField.VALUE))
           for m in kafka.consume_all(adults)]
    assert sorted((u["name"], u["age"]) for u in got) == [("ann", 31), ("bob", 47)]
