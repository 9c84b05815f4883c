"""Helpers of the Iceberg tests: a hadoop catalog on a temp warehouse and
pyiceberg's view of the tables Spate writes."""

import glob
import os
import threading
import time
from urllib.parse import urlparse

from pyiceberg.io.pyarrow import PyArrowFileIO
from pyiceberg.table import StaticTable


# The opening of a program run in its own process: a session with the store settings given as
# JSON in argv[1] and a hadoop catalog `lake` on the warehouse argv[2].
LAKE_SESSION_PROGRAM = """
import json, sys
from spate.sql import SparkSession
builder = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
for key, value in json.loads(sys.argv[1]).items():
    builder = builder.config(key, value)
spark = (builder.config("spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog")
         .config("spark.sql.catalog.lake.type", "hadoop")
         .config("spark.sql.catalog.lake.warehouse", sys.argv[2]).getOrCreate())
"""


def use_hadoop_catalog(spark, warehouse, name="ice"):
    spark.conf.set("spark.sql.catalog.%s" % name, "org.apache.iceberg.spark.SparkCatalog")
    spark.conf.set("spark.sql.catalog.%s.type" % name, "hadoop")
    spark.conf.set("spark.sql.catalog.%s.warehouse" % name, str(warehouse))


def pyiceberg_table(warehouse, namespace, table):
    """The table as pyiceberg reads it from the hadoop layout (version-hint.text)."""
    meta = os.path.join(str(warehouse), namespace, table, "metadata")
    with open(os.path.join(meta, "version-hint.text")) as f:
        version = int(f.read().strip())
    return StaticTable.from_metadata(os.path.join(meta, "v%d.metadata.json" % version))


def metadata_versions(warehouse, namespace, table):
    meta = os.path.join(str(warehouse), namespace, table, "metadata")
    return sorted(int(os.path.basename(p)[1:].split(".")[0]) for p in glob.glob(os.path.join(meta, "v*.metadata.json")))


def snapshot_props(table):
    """Each snapshot's summary as a dict, oldest first."""
    out = []
    for s in table.snapshots():
        props = dict(s.summary.additional_properties)
        props["operation"] = s.summary.operation.value
        out.append(props)
    return out


def append_concurrently(spark, table, writers, appends_each):
    """`writers` threads each append `appends_each` batches of 10 rows to `table` at once;
    returns the errors they raised (none expected: conflicting commits are retried)."""
    errors = []

    def writer(start):
        try:
            for i in range(appends_each):
                spark.range(start + i * 10, start + i * 10 + 10).writeTo(table).append()
        except Exception as e:  # returned to the caller
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(k * 1000,)) for k in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def pyiceberg_table_on_s3(s3, bucket, warehouse_key, namespace, table):
    """The table as pyiceberg reads it from a hadoop layout in a bucket of the test server
    (version-hint.text, then the metadata file it names), with pyiceberg's own S3 client."""
    meta = "%s/%s/%s/metadata" % (warehouse_key, namespace, table)
    version = int(s3.get(bucket, meta + "/version-hint.text").decode().strip())
    return StaticTable.from_metadata("s3a://%s/%s/v%d.metadata.json" % (bucket, meta, version), properties={
        "s3.endpoint": s3.endpoint, "s3.access-key-id": s3.access_key, "s3.secret-access-key": s3.secret_key,
        "s3.region": "us-east-1"})


def pyiceberg_table_on_gcs(gcs, bucket, warehouse_key, namespace, table):
    """The table as pyiceberg reads it from a hadoop layout in a bucket of the GCS emulator, with
    its pyarrow FileIO (Arrow's GCS client; the emulator takes any access token)."""
    meta = "%s/%s/%s/metadata" % (warehouse_key, namespace, table)
    version = int(gcs.get(bucket, meta + "/version-hint.text").decode().strip())
    expires = str(int((time.time() + 3600) * 1000))
    return StaticTable.from_metadata("gs://%s/%s/v%d.metadata.json" % (bucket, meta, version), properties={
        "gcs.service.host": gcs.endpoint, "gcs.oauth2.token": "emulator", "gcs.oauth2.token-expires-at": expires})


class AzureFileIO(PyArrowFileIO):
    """pyiceberg's pyarrow FileIO with abfs[s]:// locations given to Arrow's Azure file system as
    "container/path": pyiceberg 0.12 passes "container@account.dfs.core.windows.net/path", which
    Arrow takes for a container name (its fsspec FileIO needs adlfs, which is not installed)."""

    @staticmethod
    def parse_location(location, properties=None):
        uri = urlparse(location)
        if uri.scheme in ("abfs", "abfss"):
            return uri.scheme, uri.netloc, uri.netloc.split("@")[0] + uri.path
        return PyArrowFileIO.parse_location(location, properties or {})


def pyiceberg_table_on_azurite(azurite, container, warehouse_key, namespace, table):
    """The table as pyiceberg reads it from a hadoop layout in a container of Azurite, with its
    pyarrow FileIO (AzureFileIO above) and Azurite's shared key."""
    meta = "%s/%s/%s/metadata" % (warehouse_key, namespace, table)
    version = int(azurite.get(container, meta + "/version-hint.text").decode().strip())
    authority = "127.0.0.1:%d" % azurite.port
    return StaticTable.from_metadata(azurite.uri(container, "%s/v%d.metadata.json" % (meta, version)), properties={
        "py-io-impl": "iceberg_util.AzureFileIO", "adls.account-name": azurite.account,
        "adls.account-key": azurite.key, "adls.blob-storage-authority": authority,
        "adls.dfs-storage-authority": authority, "adls.blob-storage-scheme": "http",
        "adls.dfs-storage-scheme": "http"})
