"""The Kafka source (spark.readStream / spark.read .format("kafka")) against a real broker:
Spark's options and semantics, offsets in the checkpoint, new partitions, data loss, metrics."""

import json
import uuid

import pytest


def kafka_reader(spark, broker, stream=True, **options):
    r = (spark.readStream if stream else spark.read).format("kafka")
    r = r.option("kafka.bootstrap.servers", broker.bootstrap)
    for k, v in options.items():
        r = r.option(k, v)
    return r


def run_to_memory(df, name=None, **options):
    name = name or "k" + uuid.uuid4().hex[:8]
    w = df.writeStream.format("memory").queryName(name)
    for k, v in options.items():
        w = w.option(k, v)
    return w.start(), name


def values(spark, table, column="value"):
    return sorted(r[0] for r in spark.sql("SELECT CAST(%s AS STRING) FROM %s" % (column, table)).collect())


# ---------------------------------------------------------------- batch reads

def test_batch_read_schema_and_rows(spark, kafka):
    topic = kafka.new_topic()
    kafka.produce(topic, [(b"k1", b"v1"), (None, b"v2")])
    df = kafka_reader(spark, kafka, stream=False, subscribe=topic).load()
    assert [(f.name, f.dataType.simpleString()) for f in df.schema.fields] == [
        ("key", "binary"), ("value", "binary"), ("topic", "string"), ("partition", "int"),
        ("offset", "bigint"), ("timestamp", "timestamp"), ("timestampType", "int")]
    rows = df.orderBy("offset").collect()
    assert [(r.key, r.value, r.topic, r.partition, r.offset, r.timestampType) for r in rows] == [
        (b"k1", b"v1", topic, 0, 0, 0), (None, b"v2", topic, 0, 1, 0)]


def test_batch_read_starting_and_ending_offsets_json(spark, kafka):
    topic = kafka.new_topic(partitions=2)
    kafka.produce(topic, [b"a%d" % i for i in range(5)], partition=0)
    kafka.produce(topic, [b"b%d" % i for i in range(5)], partition=1)
    df = kafka_reader(spark, kafka, stream=False, subscribe=topic,
                      startingOffsets=json.dumps({topic: {"0": 1, "1": -2}}),
                      endingOffsets=json.dumps({topic: {"0": 3, "1": -1}})).load()
    assert sorted(r.value for r in df.collect()) == [b"a1", b"a2", b"b0", b"b1", b"b2", b"b3", b"b4"]


def test_batch_read_rejects_latest_start_and_earliest_end(spark, kafka):
    with pytest.raises(Exception, match="starting offset can't be latest for batch queries on Kafka"):
        kafka_reader(spark, kafka, stream=False, subscribe="x", startingOffsets="latest").load()
    with pytest.raises(Exception, match="ending offset can't be earliest for batch queries on Kafka"):
        kafka_reader(spark, kafka, stream=False, subscribe="x", endingOffsets="earliest").load()


def test_specific_offsets_must_name_every_partition(spark, kafka):
    topic = kafka.new_topic(partitions=2)
    with pytest.raises(Exception, match="you must specify all TopicPartitions"):
        kafka_reader(spark, kafka, stream=False, subscribe=topic,
                     startingOffsets=json.dumps({topic: {"0": 0}})).load()


def test_strategy_options_exactly_one(spark, kafka):
    with pytest.raises(Exception, match="One of the following options must be specified for Kafka source: "
                                        "subscribe, subscribePattern, assign"):
        kafka_reader(spark, kafka).load()
    with pytest.raises(Exception, match="Only one of the following options can be specified"):
        kafka_reader(spark, kafka, subscribe="a", assign='{"a":[0]}').load()
    with pytest.raises(Exception, match="Invalid value for option 'assign'"):
        kafka_reader(spark, kafka, assign="a-0").load()


def test_bootstrap_servers_required(spark):
    with pytest.raises(Exception, match="Option 'kafka.bootstrap.servers' must be specified"):
        spark.readStream.format("kafka").option("subscribe", "a").load()


def test_unsupported_kafka_options_rejected(spark, kafka):
    with pytest.raises(Exception, match="Kafka option 'auto.offset.reset' is not supported"):
        kafka_reader(spark, kafka, subscribe="a", **{"kafka.auto.offset.reset": "earliest"}).load()
    with pytest.raises(Exception, match="Kafka option 'key.deserializer' is not supported"):
        kafka_reader(spark, kafka, subscribe="a", **{"kafka.key.deserializer": "x"}).load()


def test_min_partitions_splits_reads_without_changing_rows(spark, kafka):
    topic = kafka.new_topic()
    kafka.produce(topic, [b"%03d" % i for i in range(40)])
    df = kafka_reader(spark, kafka, stream=False, subscribe=topic, minPartitions="4").load()
    assert [r.offset for r in df.orderBy("offset").collect()] == list(range(40))
    assert df.count() == 40


def test_include_headers(spark, kafka):
    topic = kafka.new_topic()
    kafka.produce(topic, [(b"k", b"v", [("h1", b"x"), ("h2", None)]), (b"k2", b"v2")])
    df = kafka_reader(spark, kafka, stream=False, subscribe=topic, includeHeaders="true").load()
    assert df.schema["headers"].dataType.simpleString() == "array<struct<key:string,value:binary>>"
    rows = df.orderBy("offset").collect()
    assert [(h.key, h.value) for h in rows[0].headers] == [("h1", b"x"), ("h2", None)]
    assert rows[1].headers in (None, [])


def test_starting_timestamp_options(spark, kafka):
    topic = kafka.new_topic()
    for i, ts in enumerate([1000, 2000, 3000, 4000]):
        kafka.produce(topic, [b"m%d" % i], timestamp=ts)
    df = kafka_reader(spark, kafka, stream=False, subscribe=topic, startingTimestamp="2500").load()
    assert sorted(r.value for r in df.collect()) == [b"m2", b"m3"]
    by_partition = kafka_reader(spark, kafka, stream=False, subscribe=topic,
                                startingOffsetsByTimestamp=json.dumps({topic: {"0": 1500}})).load()
    assert sorted(r.value for r in by_partition.collect()) == [b"m1", b"m2", b"m3"]
    assert [r.timestamp.timestamp() for r in df.orderBy("offset").collect()] == [3.0, 4.0]
    with pytest.raises(Exception, match="No offset matched from request of topic-partition"):
        kafka_reader(spark, kafka, stream=False, subscribe=topic, startingTimestamp="9000").load().collect()
    latest = kafka_reader(spark, kafka, stream=False, subscribe=topic, startingTimestamp="9000",
                          startingOffsetsByTimestampStrategy="latest").load()
    assert latest.count() == 0


def test_fail_on_data_loss_when_offsets_are_gone(spark, kafka):
    from confluent_kafka import TopicPartition
    from confluent_kafka.admin import AdminClient

    topic = kafka.new_topic()
    kafka.produce(topic, [b"%d" % i for i in range(10)])
    admin = AdminClient({"bootstrap.servers": kafka.bootstrap})
    futures = admin.delete_records([TopicPartition(topic, 0, 5)])
    for f in futures.values():
        f.result(30)
    start = json.dumps({topic: {"0": 2}})
    with pytest.raises(Exception, match="KAFKA_DATA_LOSS"):
        kafka_reader(spark, kafka, stream=False, subscribe=topic, startingOffsets=start).load().collect()
    df = kafka_reader(spark, kafka, stream=False, subscribe=topic, startingOffsets=start,
                      failOnDataLoss="false").load()
    assert sorted(int(r.value) for r in df.collect()) == [5, 6, 7, 8, 9]


# ---------------------------------------------------------------- streaming

def test_stream_subscribe_multiple_topics(spark, kafka):
    a, b = kafka.new_topic(), kafka.new_topic(partitions=2)
    kafka.produce(a, [b"a1", b"a2"])
    kafka.produce(b, [b"b1", b"b2", b"b3"])
    q, name = run_to_memory(kafka_reader(spark, kafka, subscribe="%s,%s" % (a, b),
                                         startingOffsets="earliest").load())
    try:
        q.processAllAvailable()
        assert values(spark, name) == ["a1", "a2", "b1", "b2", "b3"]
        assert q.lastProgress.sources[0].description == "KafkaV2[Subscribe[%s,%s]]" % (a, b)
    finally:
        q.stop()


def test_stream_subscribe_pattern_and_assign(spark, kafka):
    prefix = "pat" + uuid.uuid4().hex[:6]
    a, b = kafka.new_topic(prefix=prefix), kafka.new_topic(prefix=prefix, partitions=2)
    kafka.produce(a, [b"a"])
    kafka.produce(b, [b"b0"], partition=0)
    kafka.produce(b, [b"b1"], partition=1)
    q, name = run_to_memory(kafka_reader(spark, kafka, subscribePattern=prefix + "-.*",
                                         startingOffsets="earliest").load())
    q2, name2 = run_to_memory(kafka_reader(spark, kafka, assign=json.dumps({b: [1]}),
                                           startingOffsets="earliest").load())
    try:
        q.processAllAvailable()
        q2.processAllAvailable()
        assert values(spark, name) == ["a", "b0", "b1"]
        assert values(spark, name2) == ["b1"]
    finally:
        q.stop()
        q2.stop()


def test_stream_starting_latest_skips_existing_rows(spark, kafka):
    topic = kafka.new_topic()
    kafka.produce(topic, [b"old"])
    q, name = run_to_memory(kafka_reader(spark, kafka, subscribe=topic).load())
    try:
        q.processAllAvailable()
        kafka.produce(topic, [b"new"])
        q.processAllAvailable()
        assert values(spark, name) == ["new"]
    finally:
        q.stop()


def test_stream_picks_up_new_partitions(spark, kafka):
    topic = kafka.new_topic()
    kafka.produce(topic, [b"p0"])
    q, name = run_to_memory(kafka_reader(spark, kafka, subscribe=topic, startingOffsets="earliest").load())
    try:
        q.processAllAvailable()
        kafka.add_partitions(topic, 3)
        kafka.produce(topic, [b"p2"], partition=2)
        kafka.produce(topic, [b"p1"], partition=1)
        q.processAllAvailable()
        assert sorted((r[0], r[1]) for r in spark.sql(
            "SELECT CAST(value AS STRING), partition FROM %s" % name).collect()) == [
            ("p0", 0), ("p1", 1), ("p2", 2)]
    finally:
        q.stop()


def test_max_offsets_per_trigger_and_metrics(spark, kafka):
    topic = kafka.new_topic()
    kafka.produce(topic, [b"%d" % i for i in range(10)])
    df = kafka_reader(spark, kafka, subscribe=topic, startingOffsets="earliest", maxOffsetsPerTrigger="4").load()
    name = "k" + uuid.uuid4().hex[:8]
    q = df.writeStream.format("memory").queryName(name).trigger(availableNow=True).start()
    q.awaitTermination()
    batches = [p.numInputRows for p in q.recentProgress if p.numInputRows > 0]
    assert batches == [4, 4, 2]
    first = [p for p in q.recentProgress if p.numInputRows > 0][0]
    # After the first batch (offset 4 of 10) the source is 6 offsets behind.
    assert first.sources[0].metrics == {"avgOffsetsBehindLatest": "6.0", "maxOffsetsBehindLatest": "6",
                                        "minOffsetsBehindLatest": "6"}
    assert q.lastProgress.sources[0].metrics["maxOffsetsBehindLatest"] == "0"


def test_trigger_once_ignores_the_per_trigger_limits(spark, kafka):
    # As in Spark: the one batch of Trigger.Once reads all that is there.
    topic = kafka.new_topic()
    kafka.produce(topic, [b"%d" % i for i in range(10)])
    df = kafka_reader(spark, kafka, subscribe=topic, startingOffsets="earliest", maxOffsetsPerTrigger="4",
                      minOffsetsPerTrigger="2", maxTriggerDelay="1h").load()
    name = "k" + uuid.uuid4().hex[:8]
    q = df.writeStream.format("memory").queryName(name).trigger(once=True).start()
    q.awaitTermination()
    assert [p.numInputRows for p in q.recentProgress] == [10]


def test_min_offsets_per_trigger_waits_until_max_trigger_delay(spark, kafka):
    topic = kafka.new_topic()
    q, name = run_to_memory(kafka_reader(spark, kafka, subscribe=topic, startingOffsets="earliest",
                                         minOffsetsPerTrigger="5", maxTriggerDelay="1h").load())
    try:
        q.processAllAvailable()
        kafka.produce(topic, [b"1", b"2"])
        q.processAllAvailable()
        assert values(spark, name) == []  # 2 < minOffsetsPerTrigger and the delay has not passed
        kafka.produce(topic, [b"3", b"4", b"5"])
        q.processAllAvailable()
        assert values(spark, name) == ["1", "2", "3", "4", "5"]
    finally:
        q.stop()
    q, name = run_to_memory(kafka_reader(spark, kafka, subscribe=topic, startingOffsets="earliest",
                                         minOffsetsPerTrigger="100", maxTriggerDelay="0s").load())
    try:
        q.processAllAvailable()
        assert len(values(spark, name)) == 5  # the delay (0s) has passed: read what there is
    finally:
        q.stop()


def test_min_offsets_above_max_offsets_rejected(spark, kafka):
    with pytest.raises(Exception, match=r"minOffsetPerTrigger\(10\) is higher than the maxOffsetsPerTrigger\(5\)"):
        kafka_reader(spark, kafka, subscribe="a", minOffsetsPerTrigger="10", maxOffsetsPerTrigger="5").load()


def test_restart_from_checkpoint_no_loss_no_duplicates(spark, kafka, tmp_path):
    topic = kafka.new_topic(partitions=2)
    kafka.produce(topic, [b"a%d" % i for i in range(10)])
    out, checkpoint = str(tmp_path / "out"), str(tmp_path / "cp")

    def run():
        df = kafka_reader(spark, kafka, subscribe=topic, startingOffsets="earliest",
                          maxOffsetsPerTrigger="3").load()
        q = (df.selectExpr("CAST(value AS STRING) AS v", "partition", "offset").writeStream.format("parquet")
             .option("checkpointLocation", checkpoint).trigger(availableNow=True).start(out))
        q.awaitTermination()
        assert q.exception() is None

    run()
    kafka.produce(topic, [b"b%d" % i for i in range(10)])
    run()
    rows = spark.read.parquet(out).collect()
    assert sorted(r.v for r in rows) == sorted(["a%d" % i for i in range(10)] + ["b%d" % i for i in range(10)])


def test_offsets_live_in_checkpoint_not_in_group(spark, kafka):
    from confluent_kafka import ConsumerGroupTopicPartitions, TopicPartition
    from confluent_kafka.admin import AdminClient

    topic = kafka.new_topic()
    kafka.produce(topic, [b"x"])
    group = "g-" + uuid.uuid4().hex[:8]
    q, name = run_to_memory(kafka_reader(spark, kafka, subscribe=topic, startingOffsets="earliest",
                                         **{"kafka.group.id": group}).load())
    try:
        q.processAllAvailable()
        assert values(spark, name) == ["x"]
    finally:
        q.stop()
    admin = AdminClient({"bootstrap.servers": kafka.bootstrap})
    request = [ConsumerGroupTopicPartitions(group, [TopicPartition(topic, 0)])]
    result = admin.list_consumer_group_offsets(request)[group].result(30)
    assert [p.offset for p in result.topic_partitions] == [-1001]  # nothing committed


def test_deleted_topic_follows_fail_on_data_loss(spark, kafka):
    a, b = kafka.new_topic(), kafka.new_topic()
    kafka.produce(a, [b"a"])
    kafka.produce(b, [b"b"])
    queries = {}
    for fail in ("true", "false"):
        queries[fail] = run_to_memory(kafka_reader(spark, kafka, subscribe="%s,%s" % (a, b),
                                                   startingOffsets="earliest", failOnDataLoss=fail).load())
    for q, _ in queries.values():
        q.processAllAvailable()
    kafka.delete_topic(a)
    kafka.produce(b, [b"b2"])
    q, name = queries["false"]
    q.processAllAvailable()
    assert values(spark, name) == ["a", "b", "b2"]
    q.stop()
    q, _ = queries["true"]
    with pytest.raises(Exception, match="KAFKA_DATA_LOSS"):
        q.processAllAvailable()
    q.stop()


def test_quick_start_from_json_pipeline(spark, kafka):
    from spate.sql import functions as f

    topic = kafka.new_topic()
    kafka.produce(topic, [json.dumps({"user": "u%d" % i, "amount": i * 1.5}).encode() for i in range(3)])
    events = kafka_reader(spark, kafka, subscribe=topic, startingOffsets="earliest").load()
    parsed = (events.select(f.from_json(f.col("value").cast("string"), "user STRING, amount DOUBLE").alias("data"))
              .select("data.*"))
    q, name = run_to_memory(parsed)
    try:
        q.processAllAvailable()
        rows = spark.sql("SELECT user, amount FROM %s ORDER BY user" % name).collect()
        assert [(r.user, r.amount) for r in rows] == [("u0", 0.0), ("u1", 1.5), ("u2", 3.0)]
    finally:
        q.stop()


def test_batch_read_ending_timestamp(spark, kafka):
    topic = kafka.new_topic()
    for i, ts in enumerate([1000, 2000, 3000]):
        kafka.produce(topic, [b"m%d" % i], timestamp=ts)
    df = kafka_reader(spark, kafka, stream=False, subscribe=topic, endingTimestamp="2500").load()
    assert sorted(r.value for r in df.collect()) == [b"m0", b"m1"]
    by_partition = kafka_reader(spark, kafka, stream=False, subscribe=topic,
                                endingOffsetsByTimestamp=json.dumps({topic: {"0": 2000}})).load()
    assert sorted(r.value for r in by_partition.collect()) == [b"m0"]


def test_ending_offsets_refused_in_streaming(spark, kafka):
    with pytest.raises(Exception, match="Ending offset not valid in streaming queries"):
        kafka_reader(spark, kafka, subscribe="a", endingOffsets="latest").load()
