import os
import sys

# Run from a source checkout: make python/ importable even without the .venv's spate.pth.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))

import pytest


@pytest.fixture(scope="session")
def spark():
    """The shared SparkSession of the test run."""
    from spate.sql import SparkSession

    return SparkSession.builder.appName("spate-tests").master("local[*]").getOrCreate()



@pytest.fixture(scope="session", autouse=True)
def _release_native_objects_at_exit(spark):
    """Stops whatever the tests left running and collects reference cycles
    (exceptions hold frames that hold DataFrames) before the interpreter's
    shutdown, so native objects are freed while the extension still runs."""
    yield
    for query in spark.streams.active:
        query.stop()
    import gc
    gc.collect()


@pytest.fixture(scope="session")
def kafka(tmp_path_factory):
    """One real Kafka broker for the whole test session (tests/python/kafka_support.py)."""
    from kafka_support import start_broker, stop_broker

    directory = tmp_path_factory.mktemp("kafka-broker")
    try:
        broker = start_broker(directory)
    except RuntimeError as e:
        pytest.fail(str(e))
    yield broker
    stop_broker(directory)
