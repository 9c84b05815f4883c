"""The web UI over real HTTP: the JSON API, Prometheus /metrics, the pages' escaping, stopping a
query only by POST, the port fallback and spark.ui.enabled=false."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from spate import _native
from spate.sql import functions as f


@pytest.fixture()
def ui(spark):
    url = spark.uiWebUrl
    assert url and url.startswith("http://127.0.0.1:")
    return url


def get(url, path):
    with urllib.request.urlopen(url + path, timeout=10) as r:
        return r.status, r.headers.get("Content-Type"), r.read().decode()


def post(url, path):
    req = urllib.request.Request(url + path, data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status


def wait_for(predicate, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def rate_query(spark, name, rows_per_second=50):
    df = spark.readStream.format("rate").option("rowsPerSecond", rows_per_second).load()
    return (df.writeStream.format("noop").queryName(name).trigger(processingTime="200 milliseconds")
            .start())


def listed(url, query):
    queries = json.loads(get(url, "/api/v1/streaming/queries")[2])
    return next((q for q in queries if q["runId"] == str(query.runId)), None)


def test_queries_api_lists_a_running_then_finished_query(spark, ui):
    query = rate_query(spark, "ui_api_query")
    try:
        entry = wait_for(lambda: (e := listed(ui, query)) and e["latestBatchId"] is not None and e)
        assert entry["name"] == "ui_api_query"
        assert entry["id"] == str(query.id)
        assert entry["status"] == "RUNNING"
        assert entry["exception"] is None
        assert entry["startTimestamp"].endswith("Z")
        status, ctype, body = get(ui, "/api/v1/streaming/queries/%s/progress" % query.id)
        assert status == 200 and ctype.startswith("application/json")
        progress = json.loads(body)
        assert progress and progress[-1]["id"] == str(query.id)
        assert progress[-1]["batchId"] == query.lastProgress["batchId"] or progress[-1]["batchId"] >= 0
        assert set(progress[-1]) >= {"runId", "batchId", "numInputRows", "durationMs", "sources", "sink"}
    finally:
        query.stop()
    assert listed(ui, query)["status"] == "FINISHED"


def test_unknown_paths_and_queries_are_404(ui):
    for path in ("/nope", "/api/v1/streaming/queries/no-such-id/progress", "/streaming/query/nope"):
        with pytest.raises(urllib.error.HTTPError) as e:
            get(ui, path)
        assert e.value.code == 404


def scrape(url):
    status, ctype, body = get(url, "/metrics")
    assert status == 200 and ctype.startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(body):
        for s in family.samples:
            samples[(s.name, s.labels.get("query_name"))] = (family.type, s.value)
    return samples


def test_metrics_parse_and_counters_move(spark, ui):
    spark.conf.set("spark.sql.streaming.metricsEnabled", "true")
    query = rate_query(spark, "ui_metrics_query", rows_per_second=200)
    try:
        key = ("spate_streaming_input_rows_total", "ui_metrics_query")
        first = wait_for(lambda: (m := scrape(ui)).get(key, (None, 0))[1] > 0 and m)
        assert first[key][0] == "counter"
        assert first[("spate_streaming_query_active", "ui_metrics_query")] == ("gauge", 1.0)
        assert ("spate_streaming_batch_duration_seconds", "ui_metrics_query") in first
        assert ("spate_streaming_input_rows_per_second", "ui_metrics_query") in first
        second = wait_for(lambda: (m := scrape(ui))[key][1] > first[key][1] and m)
        batches = ("spate_streaming_batches_total", "ui_metrics_query")
        assert second[batches][1] > first[batches][1]
    finally:
        query.stop()
        spark.conf.unset("spark.sql.streaming.metricsEnabled")


def test_metrics_off_by_default_as_spark(spark, ui):
    spark.conf.unset("spark.sql.streaming.metricsEnabled")
    query = rate_query(spark, "ui_no_metrics_query")
    try:
        wait_for(lambda: query.lastProgress)
        assert not [k for k in scrape(ui) if k[1] == "ui_no_metrics_query"]
    finally:
        query.stop()


def test_state_metrics_of_an_aggregation(spark, ui):
    spark.conf.set("spark.sql.streaming.metricsEnabled", "true")
    df = spark.readStream.format("rate").option("rowsPerSecond", 100).load()
    counts = df.groupBy((df.value % 7).alias("k")).count()
    query = (counts.writeStream.format("noop").outputMode("complete").queryName("ui_state_query")
             .trigger(processingTime="200 milliseconds").start())
    try:
        key = ("spate_streaming_state_rows", "ui_state_query")
        samples = wait_for(lambda: (m := scrape(ui)).get(key, (None, 0))[1] > 0 and m)
        assert samples[key][1] <= 7
        assert ("spate_streaming_state_memory_bytes", "ui_state_query") in samples
    finally:
        query.stop()
        spark.conf.unset("spark.sql.streaming.metricsEnabled")


def test_watermark_metric(spark, ui):
    spark.conf.set("spark.sql.streaming.metricsEnabled", "true")
    df = spark.readStream.format("rate").option("rowsPerSecond", 100).load()
    windowed = (df.withWatermark("timestamp", "1 second")
                .groupBy(f.window("timestamp", "1 second")).count())
    query = (windowed.writeStream.format("noop").outputMode("append").queryName("ui_watermark_query")
             .trigger(processingTime="200 milliseconds").start())
    try:
        key = ("spate_streaming_watermark_timestamp_seconds", "ui_watermark_query")
        samples = wait_for(lambda: (m := scrape(ui)).get(key, (None, 0))[1] > 0 and m)
        assert abs(samples[key][1] - time.time()) < 60
    finally:
        query.stop()
        spark.conf.unset("spark.sql.streaming.metricsEnabled")


def test_pages_escape_a_script_in_the_query_name(spark, ui):
    name = "<script>alert('x')</script>"
    query = rate_query(spark, name)
    try:
        wait_for(lambda: query.lastProgress)
        _, ctype, page = get(ui, "/streaming/")
        assert ctype.startswith("text/html")
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
        assert "<script>alert" not in page
        _, _, query_page = get(ui, "/streaming/query/%s" % query.runId)
        assert "<script>alert" not in query_page
        assert "&lt;script&gt;" in query_page
        assert 'src="/static/spate-ui.js"' in query_page
        _, ctype, script = get(ui, "/static/spate-ui.js")
        assert ctype.startswith("text/javascript") and "/progress" in script
    finally:
        query.stop()


def test_stop_only_by_post(spark, ui):
    query = rate_query(spark, "ui_kill_query")
    try:
        wait_for(lambda: query.lastProgress)
        with pytest.raises(urllib.error.HTTPError) as e:
            get(ui, "/streaming/query/%s/stop" % query.runId)
        assert e.value.code == 405
        assert query.isActive
        assert post(ui, "/streaming/query/%s/stop" % query.runId) == 200  # after the redirect
        wait_for(lambda: not query.isActive)
    finally:
        query.stop()


def test_ui_disabled_session_has_no_url():
    session = _native.Session.make({"spark.ui.enabled": "false"})
    assert session.ui_web_url() == ""


CHILD = """
import socket, sys
from spate.sql import SparkSession
spark = (SparkSession.builder.config("spark.ui.port", sys.argv[1])
         .config("spark.ui.killEnabled", "false").getOrCreate())
print(spark.uiWebUrl)
second = spark.newSession()
print(second.uiWebUrl)
spark.stop()
print(spark.uiWebUrl)
again = SparkSession.builder.getOrCreate()
import urllib.request
with urllib.request.urlopen(again.uiWebUrl + "/api/v1/streaming/queries", timeout=10) as r:
    print(again.uiWebUrl, r.status)
"""


def test_port_taken_moves_to_the_next_and_stop_releases_it():
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        proc = subprocess.run([sys.executable, "-c", CHILD, str(port)], capture_output=True, text=True,
                              timeout=60)
    finally:
        taken.close()
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.split()
    # The port after a taken one (or a later one when other programs hold it).
    chosen = int(lines[0].rsplit(":", 1)[1])
    assert port < chosen <= port + 16
    assert lines[1] == lines[0]  # one UI per process, as Spark's per SparkContext
    assert lines[2] == "None"
    assert lines[3].startswith("http://127.0.0.1:") and lines[4] == "200"  # a new UI after stop()
    assert proc.stderr.count("Spate web UI available at ") == 2


def test_a_session_keeps_a_ui_after_another_session_stops(spark, ui):
    """The UI is the process's: another session's stop() ends it, and this session's
    uiWebUrl starts it again instead of naming a dead address."""
    spark.newSession().stop()
    url = spark.uiWebUrl
    assert get(url, "/api/v1/streaming/queries")[0] == 200


def test_metrics_counters_are_totals_past_the_recent_progress(spark, ui, tmp_path):
    """More batches than the recent progress keeps (100): the counters still sum every batch."""
    src = tmp_path / "src"
    src.mkdir()
    rows = 0
    for i in range(130):
        (src / ("f%03d.json" % i)).write_text("".join('{"a": %d}\n' % j for j in range(i % 5 + 1)))
        rows += i % 5 + 1
    spark.conf.set("spark.sql.streaming.metricsEnabled", "true")
    try:
        df = spark.readStream.schema("a INT").option("maxFilesPerTrigger", 1).json(str(src))
        query = (df.writeStream.format("memory").queryName("ui_totals_query").trigger(availableNow=True)
                 .option("checkpointLocation", str(tmp_path / "chk")).start())
        query.awaitTermination()
        assert len(query.recentProgress) == 100
        assert spark.table("ui_totals_query").count() == rows
        samples = scrape(ui)
        assert samples[("spate_streaming_batches_total", "ui_totals_query")] == ("counter", 130.0)
        assert samples[("spate_streaming_input_rows_total", "ui_totals_query")] == ("counter", float(rows))
        assert samples[("spate_streaming_output_rows_total", "ui_totals_query")] == ("counter", float(rows))
        assert listed(ui, query)["totals"] == {"batches": 130, "inputRows": rows, "outputRows": rows}
        page = get(ui, "/streaming/query/%s" % query.runId)[2]
        assert '<td id="total-batches">130</td>' in page
        assert '<td id="total-input-rows">%d</td>' % rows in page
    finally:
        spark.conf.unset("spark.sql.streaming.metricsEnabled")


def test_recent_progress_keeps_num_recent_progress_updates(spark):
    spark = spark.newSession()
    spark.conf.set("spark.sql.streaming.numRecentProgressUpdates", "3")
    df = spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 2).load()
    query = df.writeStream.format("noop").trigger(processingTime="10 milliseconds").start()
    try:
        wait_for(lambda: query.lastProgress and query.lastProgress["batchId"] >= 5)
        assert len(query.recentProgress) == 3
    finally:
        query.stop()
    spark.conf.set("spark.sql.streaming.numRecentProgressUpdates", "-1")
    with pytest.raises(Exception, match="numRecentProgressUpdates must be a non-negative number"):
        df.writeStream.format("noop").start()
