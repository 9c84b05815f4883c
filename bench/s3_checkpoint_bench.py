"""The cost of a checkpoint on S3 per micro-batch: the same query (JSON files, one a batch,
trigger availableNow, Parquet sink on local disk) with its checkpoint on local disk and on an
S3-compatible server (moto, started like the tests' fixture, on this machine), for a stateless
query and a windowed aggregation on each state store. Prints the mean batch time (the
progress' triggerExecution) of each, the extra time S3 costs per batch, and where it goes
(walCommit: the sources' log files and the offsets entry; commitOffsets: the state files and
the commit entry; addBatch: the query and the sink, the same on both), and what the checkpoint
holds in the bucket at the end (what a restart downloads).

    .venv/bin/python bench/s3_checkpoint_bench.py [batches] [rows_per_batch]
"""

import json
import os
import statistics
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "python"))

import s3_support  # noqa: E402

PROVIDERS = {
    "hdfs": "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider",
    "rocksdb": "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider",
}


def write_input(folder, batches, rows):
    os.makedirs(folder)
    for b in range(batches):
        with open(os.path.join(folder, "part-%04d.json" % b), "w") as out:
            for r in range(rows):
                second = b * 60 + r * 60 // rows
                out.write(json.dumps({"ts": "2024-01-01T%02d:%02d:%02d" % (10 + second // 3600, second // 60 % 60,
                                                                          second % 60),
                                      "user": "u%d" % (r % 50), "amount": r}) + "\n")
        os.utime(os.path.join(folder, "part-%04d.json" % b), (1_700_000_000 + b, 1_700_000_000 + b))


def run(spark, f, kind, src, out, checkpoint):
    events = spark.readStream.schema("ts TIMESTAMP, user STRING, amount INT").option("maxFilesPerTrigger", 1).json(src)
    if kind == "stateless":
        query_df = events.filter(f.col("amount") % 2 == 0).select("ts", "user")
    else:
        query_df = (events.withWatermark("ts", "1 minute").groupBy(f.window("ts", "1 minute"), "user")
                    .agg(f.count("*").alias("n")).select(f.col("window.start").alias("start"), "user", "n"))
    query = (query_df.writeStream.format("parquet").outputMode("append").option("checkpointLocation", checkpoint)
             .trigger(availableNow=True).start(out))
    query.awaitTermination()
    assert query.exception() is None, query.exception()
    progress = [p for p in query.recentProgress if p["numInputRows"] > 0]
    return {part: statistics.mean(p["durationMs"].get(part, 0) for p in progress)
            for part in ("triggerExecution", "walCommit", "addBatch", "commitOffsets")}


def stored(server, bucket, prefix):
    """The objects under `prefix` and their size in MB."""
    pages = server.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    sizes = [o["Size"] for page in pages for o in page.get("Contents", [])]
    return len(sizes), sum(sizes) / 1e6


def main(argv):
    batches = int(argv[1]) if len(argv) > 1 else 40
    rows = int(argv[2]) if len(argv) > 2 else 1000
    from spate.sql import SparkSession
    from spate.sql import functions as f

    server = s3_support.start_server()
    try:
        bucket = server.new_bucket("bench")
        spark = SparkSession.builder.appName("s3-checkpoint-bench").getOrCreate()
        for key, value in server.conf().items():
            spark.conf.set(key, value)
        spark.conf.set("spark.sql.shuffle.partitions", "2")
        tmp = tempfile.mkdtemp(prefix="s3-checkpoint-bench-")
        src = os.path.join(tmp, "in")
        write_input(src, batches, rows)
        print("S3 checkpoint cost per batch: %d batches of %d rows, moto on localhost, 2 shuffle partitions"
              % (batches, rows))
        print("%-22s %10s %10s %10s   %-41s %s" % ("query", "local ms", "s3a ms", "extra ms",
                                                  "extra in walCommit/addBatch/commitOffsets", "stored objects, MB"))
        for kind, provider in (("stateless", "hdfs"), ("windowed", "hdfs"), ("windowed", "rocksdb")):
            spark.conf.set("spark.sql.streaming.stateStore.providerClass", PROVIDERS[provider])
            name = kind if kind == "stateless" else "%s/%s" % (kind, provider)
            tag = name.replace("/", "-")
            local = run(spark, f, kind, src, os.path.join(tmp, "out-local-" + tag), os.path.join(tmp, "cp-" + tag))
            s3 = run(spark, f, kind, src, os.path.join(tmp, "out-s3-" + tag), "s3a://%s/cp-%s" % (bucket, tag))
            extra = s3["triggerExecution"] - local["triggerExecution"]
            parts = "/".join("%.1f" % (s3[p] - local[p]) for p in ("walCommit", "addBatch", "commitOffsets"))
            objects, mb = stored(server, bucket, "cp-%s/" % tag)
            print("%-22s %10.1f %10.1f %10.1f   %-41s %d, %.2f"
                  % (name, local["triggerExecution"], s3["triggerExecution"], extra, parts, objects, mb))
    finally:
        s3_support.stop_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
