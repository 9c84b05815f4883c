"""The web UI in a real headless Chromium: the list shows a running query, a query's charts
change between two screenshots, a failed query shows its error. Screenshots are kept under
build/test-artifacts/."""

import os
import shutil
import subprocess
import time

import pytest

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "build", "test-artifacts")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

if CHROMIUM is None:
    if os.environ.get("CI") == "true":
        raise RuntimeError("chromium is required with CI=true (scripts/bootstrap.sh installs it)")
    pytest.skip("chromium is not installed", allow_module_level=True)


def chromium(*args, wait_for_script=False):
    """Runs headless Chromium; with wait_for_script, lets the page's script poll for a few
    (virtual) seconds first. (The list page reloads itself, which virtual time never ends.)"""
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-dev-shm-usage", "--window-size=1280,1400"]
    if wait_for_script:
        cmd.append("--virtual-time-budget=3000")
    proc = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def screenshot(url, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.abspath(os.path.join(ARTIFACTS, name))
    chromium("--screenshot=" + path, url, wait_for_script=True)
    with open(path, "rb") as f:
        return f.read()


def wait_for(predicate, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_running_query_listed_and_its_charts_move(spark):
    url = spark.uiWebUrl
    df = spark.readStream.format("rate").option("rowsPerSecond", 500).load()
    query = (df.writeStream.format("noop").queryName("browser_rate")
             .trigger(processingTime="300 milliseconds").start())
    try:
        wait_for(lambda: len(query.recentProgress) >= 2)
        listing = chromium("--dump-dom", url + "/streaming/")
        assert "browser_rate" in listing and "RUNNING" in listing
        page = url + "/streaming/query/%s" % query.runId
        dom = chromium("--dump-dom", page, wait_for_script=True)
        assert dom.count("<polyline") >= 3, dom[-3000:]
        assert '"batchId"' in dom  # the last progress JSON, filled in by the script
        first = screenshot(page, "ui-query-1.png")
        time.sleep(2)
        second = screenshot(page, "ui-query-2.png")
        assert first != second
    finally:
        query.stop()


def test_failed_query_shows_its_error(spark):
    url = spark.uiWebUrl
    df = spark.readStream.format("rate").option("rowsPerSecond", 50).load()
    failing = df.selectExpr("CASE WHEN value >= 3 THEN raise_error('ui boom <b>') ELSE value END AS v")
    query = failing.writeStream.format("noop").queryName("browser_failing").start()
    wait_for(lambda: not query.isActive)
    assert query.exception() is not None
    listing = chromium("--dump-dom", url + "/streaming/")
    assert "FAILED" in listing and "ui boom &lt;b&gt;" in listing
    dom = chromium("--dump-dom", url + "/streaming/query/%s" % query.runId)
    assert 'id="error"' in dom and "ui boom &lt;b&gt;" in dom
    screenshot(url + "/streaming/query/%s" % query.runId, "ui-failed-query.png")
