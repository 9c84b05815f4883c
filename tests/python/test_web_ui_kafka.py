"""Kafka offsets behind latest in the web UI, against the real broker: a query held back by
maxOffsetsPerTrigger shows its lag in the JSON API, in /metrics and on its page, and the lag falls
to 0 once it has caught up."""

import json
import re
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from test_web_ui import wait_for
from test_web_ui_browser import chromium

PER_PARTITION = 400
PER_TRIGGER = 40


def get(url, path):
    """The body at `path`."""
    with urllib.request.urlopen(url + path, timeout=10) as r:
        return r.read().decode()


def api_lag(url, query):
    """maxOffsetsBehindLatest of the query's latest progress in the JSON API, or None."""
    progress = json.loads(get(url, "/api/v1/streaming/queries/%s/progress" % query.id))
    if not progress:
        return None
    metrics = progress[-1]["sources"][0].get("metrics", {})
    return int(metrics["maxOffsetsBehindLatest"]) if "maxOffsetsBehindLatest" in metrics else None


def metrics_lag(url, name):
    """spate_streaming_source_offsets_behind_latest of the query, by source label."""
    out = {}
    for family in text_string_to_metric_families(get(url, "/metrics")):
        if family.name != "spate_streaming_source_offsets_behind_latest":
            continue
        assert family.type == "gauge"
        for s in family.samples:
            if s.labels["query_name"] == name:
                out[s.labels["source"]] = s.value
    return out


def page_lag(url, query):
    """The "Offsets behind latest" chart's latest value on the query's page, drawn by its script."""
    dom = chromium("--dump-dom", url + "/streaming/query/%s" % query.runId, wait_for_script=True)
    found = re.search(r"Offsets behind latest: (\d+)", dom)
    return int(found.group(1)) if found else None


def test_kafka_lag_shown_then_zero_once_caught_up(spark, kafka):
    url = spark.uiWebUrl
    topic = kafka.new_topic(partitions=2)
    for p in (0, 1):
        kafka.produce(topic, [b"v%d" % i for i in range(PER_PARTITION)], partition=p)
    spark.conf.set("spark.sql.streaming.metricsEnabled", "true")
    df = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", kafka.bootstrap)
          .option("subscribe", topic).option("startingOffsets", "earliest")
          .option("maxOffsetsPerTrigger", PER_TRIGGER).load())
    query = (df.writeStream.format("noop").queryName("ui_kafka_lag")
             .trigger(processingTime="1 second").start())
    try:
        # Each batch takes PER_TRIGGER / 2 from each partition: 20 batches, 20 seconds behind,
        # time enough for headless Chromium to load the page on a busy machine.
        first = wait_for(lambda: api_lag(url, query), timeout=60)
        assert 0 < first <= PER_PARTITION - PER_TRIGGER // 2
        source = "KafkaV2[Subscribe[%s]]" % topic
        lag = metrics_lag(url, "ui_kafka_lag")
        assert set(lag) == {source} and 0 < lag[source] <= first
        assert 0 < page_lag(url, query) <= first

        wait_for(lambda: api_lag(url, query) == 0, timeout=60)
        assert metrics_lag(url, "ui_kafka_lag") == {source: 0.0}
        assert page_lag(url, query) == 0
        assert sum(p["numInputRows"] for p in query.recentProgress) == 2 * PER_PARTITION
    finally:
        query.stop()
        spark.conf.unset("spark.sql.streaming.metricsEnabled")
