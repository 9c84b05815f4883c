"""The idempotent upsert of docs/jdbc.md across crashes: a file stream's foreachBatch stages each
micro-batch in PostgreSQL with df.write.jdbc (mode overwrite, a table named by batch_id) and then
replaces the batch's rows of the target in one transaction (DELETE ... WHERE batch_id, INSERT
... SELECT). The child process is killed with SIGKILL at random points and restarted from its
checkpoint; the target must end up holding every input row exactly once."""

import random
import textwrap

from test_stream_crash_recovery import add_input_file, crash_then_finish

CHILD = textwrap.dedent("""
    import os
    import subprocess
    import sys
    from spate.sql import SparkSession
    from spate.sql import functions as f

    src, checkpoint, host, port, user, password = sys.argv[1:7]
    url = "jdbc:postgresql://%s:%s/spate" % (host, port)
    props = {"user": user, "password": password}

    def run_sql(sql):
        env = dict(os.environ, PGPASSWORD=password)
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", port, "-U", user,
                        "-d", "spate", "-c", sql], check=True, env=env, capture_output=True)

    def upsert(batch_df, batch_id):
        stage = "events_stage_%d" % batch_id
        batch_df.withColumn("batch_id", f.lit(batch_id)).write.jdbc(url, stage, "overwrite", props)
        run_sql("BEGIN; DELETE FROM events WHERE batch_id = %d; "
                "INSERT INTO events (id, name, amount, batch_id) SELECT id, name, amount, batch_id FROM %s; "
                "DROP TABLE %s; COMMIT;" % (batch_id, stage, stage))

    spark = SparkSession.builder.appName("jdbc-crash-child").getOrCreate()
    spark.conf.set("spate.streaming.checkpoint.fsync", "false")
    stream = (spark.readStream.option("maxFilesPerTrigger", 1)
              .json(src, schema="id BIGINT, name STRING, amount DOUBLE"))
    query = (stream.writeStream.foreachBatch(upsert).option("checkpointLocation", checkpoint)
             .trigger(availableNow=True).start())
    print("started", flush=True)
    query.awaitTermination()
    if query.exception() is not None:
        print("failed:", query.exception(), flush=True)
        sys.exit(3)
    print("done", flush=True)
""")

FILES = 12
ROWS_PER_FILE = 15
RESTARTS = 10


def test_sigkill_restarts_keep_each_row_once(postgres, tmp_path):
    rng = random.Random(20261204)
    postgres.psql("CREATE TABLE IF NOT EXISTS events (id BIGINT PRIMARY KEY, name TEXT, amount FLOAT8, "
                  "batch_id BIGINT NOT NULL)")
    postgres.psql("TRUNCATE events")
    src, checkpoint = tmp_path / "in", tmp_path / "checkpoint"
    src.mkdir()
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    args = (src, checkpoint, postgres.host, postgres.port, postgres.user, postgres.password)

    crash_then_finish(script, args, RESTARTS, FILES, lambda i: add_input_file(src, i), rng, 0.5)

    ids = [int(r[0]) for r in postgres.psql("SELECT id FROM events ORDER BY id")]
    assert ids == list(range(FILES * ROWS_PER_FILE))
    assert postgres.psql("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'events_stage_%'") == [("0",)]
