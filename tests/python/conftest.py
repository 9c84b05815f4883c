import json
import os
import subprocess
import sys

# Run from a source checkout: make python/ importable even without the .venv's spate.pth.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))

import pytest

# Tests marked fresh_process run in a new Python process that imports Spate before
# anything else, as a user's program does; this process only starts it and reports.
FRESH_CHILD = "SPATE_FRESH_PROCESS_CHILD"
FRESH_CHILD_PROGRAM = """import spate.sql
import sys, pytest
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", sys.argv[1]]))
"""


def pytest_configure(config):
    config.addinivalue_line("markers", "fresh_process: run the test in a new Python process "
                                       "that imports Spate first")


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    if os.environ.get(FRESH_CHILD) or pyfuncitem.get_closest_marker("fresh_process") is None:
        return None
    env = dict(os.environ, **{FRESH_CHILD: "1"})
    broker = pyfuncitem.funcargs.get("kafka")
    if broker is not None:  # the child uses this session's broker
        env["SPATE_TEST_KAFKA_ENV"] = json.dumps(broker.env)
    server = pyfuncitem.funcargs.get("postgres")
    if server is not None:  # the child uses this session's PostgreSQL server
        env["SPATE_TEST_POSTGRES_DIR"] = server.directory
        env["SPATE_TEST_POSTGRES_PORT"] = str(server.port)
    s3 = pyfuncitem.funcargs.get("s3")
    if s3 is not None:  # the child uses this session's S3 server
        env["SPATE_TEST_S3_PORT"] = str(s3.port)
    for name, variable in (("gcs", "SPATE_TEST_GCS_PORT"), ("azurite", "SPATE_TEST_AZURITE_PORT")):
        if pyfuncitem.funcargs.get(name) is not None:  # the child uses this session's emulator
            env[variable] = str(pyfuncitem.funcargs[name].port)
    registry = pyfuncitem.funcargs.get("schema_registry")
    if registry is not None:  # the child uses this session's schema registry
        env["SPATE_TEST_SCHEMA_REGISTRY_PORT"] = str(registry.port)
    proc = subprocess.run([sys.executable, "-c", FRESH_CHILD_PROGRAM, pyfuncitem.nodeid],
                          cwd=str(pyfuncitem.config.rootpath), env=env, capture_output=True,
                          text=True, timeout=600)
    if proc.returncode != 0:
        pytest.fail("in a fresh process (exit %d):\n%s\n%s"
                    % (proc.returncode, proc.stdout[-6000:], proc.stderr[-3000:]), pytrace=False)
    return True


@pytest.fixture(scope="session")
def spark():
    """The shared SparkSession of the test run; SPATE_TEST_MASTER sets its spark.master
    (local[1] runs every state partition on the query's thread)."""
    from spate.sql import SparkSession

    master = os.environ.get("SPATE_TEST_MASTER", "local[*]")
    return SparkSession.builder.appName("spate-tests").master(master).getOrCreate()



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
    from kafka_support import Broker, start_broker, stop_broker

    if os.environ.get("SPATE_TEST_KAFKA_ENV"):  # a fresh-process child: the parent's broker
        yield Broker(json.loads(os.environ["SPATE_TEST_KAFKA_ENV"]))
        return
    directory = tmp_path_factory.mktemp("kafka-broker")
    try:
        broker = start_broker(directory)
    except RuntimeError as e:
        pytest.fail(str(e))
    yield broker
    stop_broker(directory)


def _session_server(start_server, stop_server):
    """Starts a test server for the session and stops it at the end. A missing program skips
    the tests, except under CI=true, where that fails; a server that does not start fails."""
    try:
        server = start_server()
    except FileNotFoundError as e:
        if os.environ.get("CI") == "true":
            pytest.fail(str(e))
        pytest.skip(str(e))
    except RuntimeError as e:
        pytest.fail(str(e))
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def postgres():
    """One real PostgreSQL server for the whole test session (tests/python/postgres_support.py).
    Without PostgreSQL installed the tests skip, except under CI=true, where that fails."""
    from postgres_support import Server, start_server, stop_server

    if os.environ.get("SPATE_TEST_POSTGRES_PORT"):  # a fresh-process child: the parent's server
        yield Server(os.environ["SPATE_TEST_POSTGRES_DIR"], int(os.environ["SPATE_TEST_POSTGRES_PORT"]))
        return
    yield from _session_server(start_server, stop_server)


@pytest.fixture(scope="session")
def s3():
    """One S3-compatible server (moto) for the whole test session (tests/python/s3_support.py).
    Without moto installed the tests skip, except under CI=true, where that fails."""
    from s3_support import Server, start_server, stop_server

    if os.environ.get("SPATE_TEST_S3_PORT"):  # a fresh-process child: the parent's server
        yield Server(int(os.environ["SPATE_TEST_S3_PORT"]))
        return
    yield from _session_server(start_server, stop_server)


@pytest.fixture(scope="session")
def gcs():
    """One Google Cloud Storage emulator (fake-gcs-server) for the whole test session
    (tests/python/cloud_storage_support.py). Without it the tests skip, except under CI=true,
    where that fails."""
    from cloud_storage_support import GcsServer, start_gcs_server, stop_server

    if os.environ.get("SPATE_TEST_GCS_PORT"):  # a fresh-process child: the parent's server
        yield GcsServer(int(os.environ["SPATE_TEST_GCS_PORT"]))
        return
    yield from _session_server(start_gcs_server, stop_server)


@pytest.fixture(scope="session")
def azurite():
    """One Azure Blob Storage emulator (Azurite) for the whole test session
    (tests/python/cloud_storage_support.py). Without it the tests skip, except under CI=true,
    where that fails."""
    from cloud_storage_support import AzuriteServer, start_azurite, stop_server

    if os.environ.get("SPATE_TEST_AZURITE_PORT"):  # a fresh-process child: the parent's server
        yield AzuriteServer(int(os.environ["SPATE_TEST_AZURITE_PORT"]))
        return
    yield from _session_server(start_azurite, stop_server)


@pytest.fixture(scope="session")
def schema_registry():
    """One real schema registry (Apicurio Registry, Confluent's REST API) for the whole test
    session (tests/python/schema_registry_support.py). Without Java or Maven the tests skip,
    except under CI=true, where that fails."""
    from schema_registry_support import Server, start_server, stop_server

    if os.environ.get("SPATE_TEST_SCHEMA_REGISTRY_PORT"):  # a fresh-process child: the parent's
        yield Server(int(os.environ["SPATE_TEST_SCHEMA_REGISTRY_PORT"]))
        return
    yield from _session_server(start_server, stop_server)
