"""Iceberg tables in a hadoop catalog whose warehouse is a gs:// or abfs:// URI, against the
emulators of tests/python/cloud_storage_support.py (fake-gcs-server, Azurite). Spate writes the
table; pyiceberg reads it back with its own (Arrow) clients, and so does Spate in a new process
that shares nothing with the writer but the store. Concurrent commits of one process each land;
those of two processes are in test_conditional_writes_gcs_azure.py."""

import json
import subprocess
import sys

import pytest

from iceberg_util import LAKE_SESSION_PROGRAM, append_concurrently, pyiceberg_table_on_azurite, pyiceberg_table_on_gcs, snapshot_props, use_hadoop_catalog

pytestmark = pytest.mark.fresh_process

# Reads lake.db.events from the warehouse in argv[2], with the store settings in argv[1].
READER = LAKE_SESSION_PROGRAM + """
print(json.dumps(sorted(r.id for r in spark.table("lake.db.events").collect())))
"""


class Warehouse:
    """A new bucket (GCS) or container (Azure) with the catalog `lake` on its warehouse/ prefix."""

    def __init__(self, kind, server, spark):
        self.kind, self.server = kind, server
        self.bucket = server.new_bucket() if kind == "gcs" else server.new_container()
        self.uri = self.location("warehouse")
        use_hadoop_catalog(spark, self.uri, name="lake")

    def location(self, path):
        if self.kind == "gcs":
            return "gs://%s/%s" % (self.bucket, path)
        return self.server.uri(self.bucket, path)

    def keys(self, prefix):
        return self.server.keys(self.bucket, prefix)

    def pyiceberg_table(self, name):
        read = pyiceberg_table_on_gcs if self.kind == "gcs" else pyiceberg_table_on_azurite
        return read(self.server, self.bucket, "warehouse", "db", name)

    def ids_read_by_a_new_process(self):
        out = subprocess.run([sys.executable, "-c", READER, json.dumps(self.server.conf()), self.uri],
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr[-3000:]
        return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(params=["gcs", "azurite"])
def lake(request, spark):
    server = request.getfixturevalue(request.param)
    for key, value in server.conf().items():
        spark.conf.set(key, value)
    yield Warehouse(request.param, server, spark)
    for key in server.conf():
        spark.conf.unset(key)


def events(spark, n, start=0):
    return spark.range(start, start + n).selectExpr("id", "concat('user-', cast(id % 3 as string)) AS user")


def test_iceberg_table_in_the_store_read_back_by_pyiceberg_and_a_new_process(spark, lake):
    spark.sql("CREATE NAMESPACE lake.db")
    events(spark, 10).write.format("iceberg").saveAsTable("lake.db.events")
    events(spark, 5, start=10).writeTo("lake.db.events").append()

    keys = lake.keys("warehouse/db/events/")
    assert [k for k in keys if k.endswith(".metadata.json")] == [
        "warehouse/db/events/metadata/v%d.metadata.json" % v for v in (1, 2, 3)]
    assert lake.server.get(lake.bucket, "warehouse/db/events/metadata/version-hint.text") == b"3"
    assert len([k for k in keys if k.startswith("warehouse/db/events/data/") and k.endswith(".parquet")]) == 2

    table = lake.pyiceberg_table("events")
    assert table.metadata.location == lake.location("warehouse/db/events")
    rows = table.scan().to_arrow().sort_by("id")
    assert rows.column("id").to_pylist() == list(range(15))
    assert rows.column("user").to_pylist()[:4] == ["user-0", "user-1", "user-2", "user-0"]
    assert [s["operation"] for s in snapshot_props(table)] == ["append", "append"]
    assert lake.ids_read_by_a_new_process() == list(range(15))

    spark.sql("DELETE FROM lake.db.events WHERE id < 12")
    assert sorted(lake.pyiceberg_table("events").scan().to_arrow().column("id").to_pylist()) == [12, 13, 14]
    assert lake.ids_read_by_a_new_process() == [12, 13, 14]

    spark.sql("DROP TABLE lake.db.events")
    assert lake.keys("warehouse/db/events/") == []


def test_concurrent_appends_of_one_process_lose_no_commit(spark, lake):
    spark.range(1).writeTo("lake.db.shared").create()

    def versions():
        return sorted(int(k.rsplit("/v", 1)[1].split(".")[0]) for k in lake.keys("warehouse/db/shared/metadata/v")
                      if k.endswith(".metadata.json"))

    before = versions()
    assert append_concurrently(spark, "lake.db.shared", writers=3, appends_each=2) == []
    table = lake.pyiceberg_table("shared")
    assert sorted(table.scan().to_arrow().column("id").to_pylist()) == sorted(
        [0] + [k * 1000 + i for k in range(3) for i in range(20)])
    assert len(table.snapshots()) == 1 + 3 * 2
    assert versions() == list(range(1, before[-1] + 3 * 2 + 1))
