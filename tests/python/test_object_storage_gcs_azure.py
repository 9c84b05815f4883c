"""gs:// and abfs:// on the same code path as s3a://, against real emulators
(tests/python/cloud_storage_support.py): fake-gcs-server for Google Cloud Storage, Azurite for
Azure Blob Storage, configured with the keys of Hadoop's GCS connector (spark.hadoop.fs.gs.*)
and ABFS connector (spark.hadoop.fs.azure.*). A batch round trip, and a streaming file sink
whose checkpoint is in the same store, stopped and restarted. Each test runs in a fresh
process; the emulators' own APIs (plain HTTP for GCS, pyarrow for Azurite) list what Spate
wrote."""

import pytest

from cloud_storage_support import Store

pytestmark = pytest.mark.fresh_process

STORES = ["gcs", "azurite"]


@pytest.fixture(params=STORES)
def store(request, spark):
    server = request.getfixturevalue(request.param)
    for key, value in server.conf().items():
        spark.conf.set(key, value)
    yield Store(request.param, server)
    for key in server.conf():
        spark.conf.unset(key)


def test_batch_parquet_and_json_round_trip(spark, store):
    df = spark.createDataFrame([(1, "a", "x"), (2, "b", "y"), (3, None, "x")], "id INT, name STRING, part STRING")
    df.write.partitionBy("part").parquet(store.uri("people"))
    keys = store.keys("people/")
    assert "people/_SUCCESS" in keys
    assert any(k.startswith("people/part=x/part-") and k.endswith(".snappy.parquet") for k in keys), keys
    back = spark.read.parquet(store.uri("people")).orderBy("id")
    assert [tuple(r) for r in back.collect()] == [(1, "a", "x"), (2, "b", "y"), (3, None, "x")]
    df.write.mode("overwrite").json(store.uri("people-json"))
    assert spark.read.schema("id INT, name STRING").json(store.uri("people-json")).count() == 3


def test_streaming_file_sink_with_its_checkpoint_in_the_store(spark, store, tmp_path):
    from spate.sql import functions as f

    src = tmp_path / "in"
    src.mkdir()
    out, checkpoint = store.uri("stream-out"), store.uri("checkpoints/q")

    def write_json(name, ids):
        (src / name).write_text("".join('{"id": %d}\n' % i for i in ids))

    def run():
        q = (spark.readStream.schema("id INT").json(str(src))
             .select((f.col("id") * 10).alias("x")).writeStream.format("parquet")
             .option("checkpointLocation", checkpoint).trigger(availableNow=True).start(out))
        assert q.awaitTermination(120) is True
        assert q.exception() is None

    write_json("a.json", range(5))
    run()
    write_json("b.json", range(5, 8))
    run()
    run()  # nothing new: no batch

    assert sorted(r.x for r in spark.read.parquet(out).collect()) == [i * 10 for i in range(8)]
    assert [k for k in store.keys("stream-out/_spark_metadata/")] == ["stream-out/_spark_metadata/0",
                                                                     "stream-out/_spark_metadata/1"]
    keys = store.keys("checkpoints/q/")
    assert {"checkpoints/q/metadata", "checkpoints/q/offsets/0", "checkpoints/q/offsets/1",
            "checkpoints/q/commits/0", "checkpoints/q/commits/1"} <= set(keys), keys
    assert "checkpoints/q/offsets/2" not in keys
    assert store.get("checkpoints/q/commits/1").decode().startswith("v1\n")


def test_a_missing_bucket_is_named(spark, store):
    missing = store.uri("x").replace(store.bucket, "spate-missing-bucket")
    with pytest.raises(Exception, match="spate-missing-bucket"):
        spark.read.parquet(missing).collect()


def test_an_azure_key_that_is_not_base64_is_named(spark, azurite):
    for key, value in azurite.conf().items():
        spark.conf.set(key, value)
    setting = "spark.hadoop.fs.azure.account.key.%s.dfs.core.windows.net" % azurite.account
    spark.conf.set(setting, "not base64!")
    try:
        with pytest.raises(Exception) as info:
            spark.range(3).write.parquet(azurite.uri(azurite.new_container(), "t"))
    finally:
        for key in azurite.conf():
            spark.conf.unset(key)
    assert type(info.value).__name__ == "IllegalArgumentException"
    assert "is not base64" in str(info.value) and setting in str(info.value)
