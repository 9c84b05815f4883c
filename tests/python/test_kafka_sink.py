"""The Kafka sink (df.write / df.writeStream .format("kafka")) against a real broker, checked
with an independent client (confluent-kafka)."""

import uuid

import pytest


def test_batch_write_topic_option_key_value_partition_headers(spark, kafka):
    topic = kafka.new_topic(partitions=3)
    df = spark.createDataFrame(
        [("k1", "v1", 2), (None, "v2", 1)], "key STRING, value STRING, partition INT")
    df = df.selectExpr("key", "value", "partition",
                       "array(named_struct('key', 'h', 'value', CAST(value AS BINARY))) AS headers")
    df.write.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap).option("topic", topic).save()
    got = sorted((m.partition(), m.key(), m.value(), m.headers()) for m in kafka.consume_all(topic))
    assert got == [(1, None, b"v2", [("h", b"v2")]), (2, b"k1", b"v1", [("h", b"v1")])]


def test_batch_write_topic_column_and_binary_value(spark, kafka):
    a, b = kafka.new_topic(), kafka.new_topic()
    df = spark.createDataFrame([(a, b"\x00\x01"), (b, b"\xff")], "topic STRING, value BINARY")
    df.write.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap).save()
    assert [m.value() for m in kafka.consume_all(a)] == [b"\x00\x01"]
    assert [m.value() for m in kafka.consume_all(b)] == [b"\xff"]


def test_same_key_same_partition_as_java_client(spark, kafka):
    # The Java client's default partitioner hashes keys with murmur2; so does the sink.
    topic = kafka.new_topic(partitions=4)
    keys = ["key-%d" % i for i in range(20)]
    df = spark.createDataFrame([(k, "v") for k in keys], "key STRING, value STRING")
    df.write.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap).option("topic", topic).save()
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": kafka.bootstrap, "partitioner": "murmur2_random"})
    check = kafka.new_topic(partitions=4)
    for k in keys:
        p.produce(check, key=k.encode(), value=b"v")
    p.flush(30)
    spate = {m.key(): m.partition() for m in kafka.consume_all(topic)}
    java = {m.key(): m.partition() for m in kafka.consume_all(check)}
    assert spate == java and len(set(spate.values())) > 1


def test_write_schema_errors(spark, kafka):
    w = lambda df: df.write.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap)
    with pytest.raises(Exception, match="topic option required when no 'topic' attribute is present"):
        w(spark.createDataFrame([("v",)], "value STRING")).save()
    with pytest.raises(Exception, match="Required attribute 'value' not found"):
        w(spark.createDataFrame([("v",)], "v STRING")).option("topic", "x").save()
    with pytest.raises(Exception, match="value attribute unsupported type int"):
        w(spark.createDataFrame([(1,)], "value INT")).option("topic", "x").save()
    with pytest.raises(Exception, match="Save mode Overwrite not allowed for Kafka"):
        w(spark.createDataFrame([("v",)], "value STRING")).option("topic", "x").mode("overwrite").save()
    with pytest.raises(Exception, match="Option 'kafka.bootstrap.servers' must be specified"):
        spark.createDataFrame([("v",)], "value STRING").write.format("kafka").option("topic", "x").save()


def test_stream_kafka_to_kafka_round_trip(spark, kafka, tmp_path):
    src, dst = kafka.new_topic(partitions=2), kafka.new_topic()
    kafka.produce(src, [(b"k%d" % i, b"v%d" % i) for i in range(10)])
    df = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap)
          .option("subscribe", src).option("startingOffsets", "earliest").load())
    q = (df.selectExpr("key", "upper(CAST(value AS STRING)) AS value").writeStream.format("kafka")
         .option("kafka.bootstrap.servers", kafka.bootstrap).option("topic", dst)
         .option("checkpointLocation", str(tmp_path / "cp")).start())
    try:
        q.processAllAvailable()
    finally:
        q.stop()
    got = sorted((m.key(), m.value()) for m in kafka.consume_all(dst))
    assert got == sorted((b"k%d" % i, b"V%d" % i) for i in range(10))


def test_stream_many_batches_arrive_byte_identical(spark, kafka, tmp_path):
    # The sink produces from the batches' own buffers; every key, value and header of many
    # batches arrives as read, to the topic and partition its row names.
    src, even, odd = kafka.new_topic(partitions=2), kafka.new_topic(partitions=2), kafka.new_topic(partitions=2)
    keys = [None, b"", b"\x00k\x00", b"key"]
    values = [b"", b"\x00\x01\x00", b"x" * 300_000, b"\xff\xfe"]
    records = [(keys[i % 4], values[(i // 4) % 4] + b"%d" % i, [("h", b"\x00%d" % i), ("e", b"")])
               for i in range(60)]
    kafka.produce(src, records[0::2], partition=0)
    kafka.produce(src, records[1::2], partition=1)
    df = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap)
          .option("subscribe", src).option("startingOffsets", "earliest").option("includeHeaders", "true")
          .option("maxOffsetsPerTrigger", "7").load())
    q = (df.selectExpr("key", "value", "headers", "1 - partition AS partition",
                       "IF(partition = 0, '%s', '%s') AS topic" % (even, odd))
         .writeStream.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap)
         .option("checkpointLocation", str(tmp_path / "cp")).trigger(availableNow=True).start())
    q.awaitTermination()
    assert q.exception() is None
    assert len(q.recentProgress) >= 9
    for topic, part, sent in ((even, 1, records[0::2]), (odd, 0, records[1::2])):
        got = [m for m in kafka.consume_all(topic)]
        assert {m.partition() for m in got} == {part}
        assert [(m.key(), m.value(), m.headers()) for m in got] == sent


def test_undeliverable_message_fails_the_query(spark, kafka, tmp_path):
    # The broker refuses a message above the topic's max.message.bytes: its delivery report
    # fails the batch, and the query, naming the broker's error and the topic.
    from confluent_kafka.admin import AdminClient, NewTopic

    topic = "small-" + uuid.uuid4().hex[:10]
    admin = AdminClient({"bootstrap.servers": kafka.bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1, config={"max.message.bytes": "1000"})])[topic].result(30)
    src = kafka.new_topic()
    kafka.produce(src, [b"small", b"x" * 5000])
    df = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap)
          .option("subscribe", src).option("startingOffsets", "earliest").load())
    q = (df.select("value").writeStream.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap)
         .option("topic", topic).option("checkpointLocation", str(tmp_path / "cp"))
         .trigger(availableNow=True).start())
    with pytest.raises(Exception, match=r"could not be delivered: Broker: Message size too large \(topic '%s'\)"
                       % topic):
        q.awaitTermination()
    assert q.exception() is not None
