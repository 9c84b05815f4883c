"""Write-once objects on gs:// and abfs:// from separate processes, against the emulators of
tests/python/cloud_storage_support.py: a checkpoint's log entries and an Iceberg table's next
vN.metadata.json are created by one conditional request (Azure's Put Blob with If-None-Match: *
under the account's shared key; GCS's upload with ifGenerationMatch=0 without credentials), so
the store itself refuses a name that is taken. A HoldingProxy in front of the emulator holds one
process's write on the network while another process writes the same name, or while the holder
is killed."""

import json
import os
import signal
import subprocess
import sys

import pytest

from cloud_storage_support import HoldingProxy, Store
from iceberg_util import LAKE_SESSION_PROGRAM, pyiceberg_table_on_azurite, pyiceberg_table_on_gcs, use_hadoop_catalog

pytestmark = pytest.mark.fresh_process

# One availableNow batch of the JSON files in argv[1] into the noop sink, with its checkpoint at
# argv[2] and the store settings in argv[3]; prints the query's error.
LOG_WRITER = """
import json, sys
from spate.sql import SparkSession
spark = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
for key, value in json.loads(sys.argv[3]).items():
    spark.conf.set(key, value)
query = (spark.readStream.schema("id INT").json(sys.argv[1]).writeStream.format("noop")
         .option("checkpointLocation", sys.argv[2]).trigger(availableNow=True).start())
query.awaitTermination(300)
print("error:", query.exception(), flush=True)
"""

# Appends ids argv[3] .. argv[3] + 9 to lake.db.shared in the warehouse argv[2], with the store
# settings in argv[1].
ICEBERG_WRITER = LAKE_SESSION_PROGRAM + """
start = int(sys.argv[3])
spark.range(start, start + 10).writeTo("lake.db.shared").append()
print("appended", flush=True)
"""


@pytest.fixture(params=["gcs", "azurite"])
def store(request):
    return Store(request.param, request.getfixturevalue(request.param))


def start(program, args, tmp_path, name):
    """`program` in a new Python process with its own temporary folder (its own checkpoint lock
    files, as on another machine)."""
    folder = tmp_path / name
    folder.mkdir()
    return subprocess.Popen([sys.executable, "-c", program] + args, env=dict(os.environ, TMPDIR=str(folder)),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(process):
    """What `process` printed, once it has ended."""
    return process.communicate(timeout=300)[0]


def kill_when_held(writer, proxy):
    """Kills `writer` once `proxy` holds its request, and drops the request."""
    assert proxy.held.wait(120), finish(writer)
    writer.send_signal(signal.SIGKILL)
    writer.wait(60)
    proxy.drop()


def log_writer(store, server, source, tmp_path, name):
    """A process running one batch on the checkpoint cp/ through `server`."""
    args = [str(source), store.uri("cp"), json.dumps(server.conf())]
    return start(LOG_WRITER, args, tmp_path, name)


@pytest.fixture
def source(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.json").write_text("".join('{"id": %d}\n' % i for i in range(5)))
    return folder


def test_a_log_entry_written_by_another_process_first_fails_the_later_writer(store, source, tmp_path):
    # Writer b's offsets/0 is held on the network; writer a, another process, writes the whole
    # batch meanwhile. Then b's write arrives: the store refuses it, and b
    # fails with Spark's error instead of replacing a's entry.
    proxy = HoldingProxy(store.server.port, b"batchWatermarkMs")
    try:
        b = log_writer(store, store.server.behind(proxy), source, tmp_path, "b")
        assert proxy.held.wait(120), finish(b)
        a_out = finish(log_writer(store, store.server, source, tmp_path, "a"))
        assert "error: None" in a_out, a_out
        a_entry = store.get("cp/offsets/0")
        proxy.release()
        b_out = finish(b)
    finally:
        proxy.close()
    assert "CONCURRENT_STREAM_LOG_UPDATE" in b_out, b_out
    assert store.get("cp/offsets/0") == a_entry
    assert {"cp/offsets/0", "cp/commits/0"} <= set(store.keys("cp/"))


@pytest.mark.parametrize("store", ["azurite"], indirect=True)
def test_a_writer_killed_while_writing_a_log_entry_leaves_none(store, source, tmp_path):
    # Arrow's Azure output stream creates a blob empty and fills it later: a writer killed in
    # between left an empty offsets entry that no later run could read. One Put Blob leaves the
    # entry whole or absent.
    proxy = HoldingProxy(store.server.port, b"batchWatermarkMs")
    try:
        writer = log_writer(store, store.server.behind(proxy), source, tmp_path, "killed")
        kill_when_held(writer, proxy)
    finally:
        proxy.close()
    assert "cp/offsets/0" not in store.keys("cp/")
    out = finish(log_writer(store, store.server, source, tmp_path, "again"))
    assert "error: None" in out, out
    assert {"cp/offsets/0", "cp/commits/0"} <= set(store.keys("cp/"))


def create_shared_table(spark, store):
    """lake.db.shared with one row in the store's warehouse/; returns its metadata version."""
    for key, value in store.server.conf().items():
        spark.conf.set(key, value)
    try:
        use_hadoop_catalog(spark, store.uri("warehouse"), name="lake")
        spark.range(1).writeTo("lake.db.shared").create()
    finally:
        for key in store.server.conf():
            spark.conf.unset(key)
    return metadata_versions(store)[-1]


def metadata_versions(store):
    return sorted(int(k.rsplit("/v", 1)[1].split(".")[0]) for k in store.keys("warehouse/db/shared/metadata/v")
                  if k.endswith(".metadata.json"))


def iceberg_writer(server, store, first_id, tmp_path, name):
    """A process appending ids first_id .. first_id + 9 to lake.db.shared through `server`."""
    return start(ICEBERG_WRITER, [json.dumps(server.conf()), store.uri("warehouse"), str(first_id)], tmp_path, name)


def shared_ids(store):
    read = pyiceberg_table_on_gcs if store.kind == "gcs" else pyiceberg_table_on_azurite
    table = read(store.server, store.bucket, "warehouse", "db", "shared")
    return sorted(table.scan().to_arrow().column("id").to_pylist()), len(table.snapshots())


def test_iceberg_commits_of_two_processes_on_one_version_both_land(spark, store, tmp_path):
    # Writer b's next vN.metadata.json is held on the network; writer a, another process, commits
    # version N meanwhile. b's write is then refused by the store, and b commits again on top of
    # a's version: no commit is lost.
    created = create_shared_table(spark, store)
    proxy = HoldingProxy(store.server.port, b"v%d.metadata.json" % (created + 1))
    try:
        b = iceberg_writer(store.server.behind(proxy), store, 100, tmp_path, "b")
        assert proxy.held.wait(120), finish(b)
        assert "appended" in finish(iceberg_writer(store.server, store, 200, tmp_path, "a"))
        proxy.release()
        b_out = finish(b)
    finally:
        proxy.close()
    assert "appended" in b_out, b_out
    assert shared_ids(store) == ([0] + list(range(100, 110)) + list(range(200, 210)), 3)
    assert metadata_versions(store) == list(range(1, created + 3))


@pytest.mark.parametrize("store", ["azurite"], indirect=True)
def test_an_iceberg_writer_killed_while_committing_leaves_no_empty_version(spark, store, tmp_path):
    # Arrow's Azure output stream left an empty vN.metadata.json behind a writer killed while
    # writing it, and later commits failed until it was deleted. One Put Blob leaves the version
    # whole or absent. (The held piece is the one carrying the new snapshot's summary.)
    created = create_shared_table(spark, store)
    proxy = HoldingProxy(store.server.port, b'"added-records"')
    try:
        writer = iceberg_writer(store.server.behind(proxy), store, 100, tmp_path, "killed")
        kill_when_held(writer, proxy)
    finally:
        proxy.close()
    assert metadata_versions(store) == list(range(1, created + 1))
    assert "appended" in finish(iceberg_writer(store.server, store, 200, tmp_path, "next"))
    assert shared_ids(store) == ([0] + list(range(200, 210)), 2)
