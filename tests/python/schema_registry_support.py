"""A real schema registry for the tests of from_avro / to_avro's schema-registry form:
Apicurio Registry (scripts/schema_registry/fetch.sh puts it under build/schema-registry),
run on Java 17 on a free loopback port with in-memory storage. Its Confluent-compatible
REST API is under /apis/ccompat/v7; confluent_kafka's SchemaRegistryClient and Avro
serializers are the independent clients."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FETCH = os.path.join(ROOT, "scripts", "schema_registry", "fetch.sh")
DIRECTORY = os.environ.get("SPATE_SCHEMA_REGISTRY_DIR") or os.path.join(ROOT, "build", "schema-registry")
JAR = os.path.join(DIRECTORY, "apicurio-registry-app-3.0.9-runner.jar")
API = "/apis/ccompat/v7"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, port, process=None):
        self.port = port
        self.process = process
        self.address = "http://127.0.0.1:%d%s" % (port, API)

    def client(self):
        from confluent_kafka.schema_registry import SchemaRegistryClient

        return SchemaRegistryClient({"url": self.address})


def start_server():
    """Fetches the registry when missing and starts it; FileNotFoundError without Java or
    Maven, RuntimeError when it does not answer."""
    if shutil.which("java") is None:
        raise FileNotFoundError("java is not installed (scripts/bootstrap.sh installs openjdk-17)")
    if not os.path.exists(JAR):
        if shutil.which("mvn") is None:
            raise FileNotFoundError("mvn is not installed (scripts/bootstrap.sh installs maven)")
        subprocess.run([FETCH], check=True)
    port = _free_port()
    log = tempfile.TemporaryFile()  # never a pipe nobody reads
    process = subprocess.Popen(["java", "-Xmx384m", "-Dquarkus.http.host=127.0.0.1",
                                "-Dquarkus.http.port=%d" % port, "-jar", JAR],
                               cwd=DIRECTORY, stdout=log, stderr=subprocess.STDOUT)
    server = Server(port, process)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError("the schema registry exited (%d):\n%s"
                               % (process.returncode, log.read().decode(errors="replace")[-4000:]))
        try:
            with urllib.request.urlopen(server.address + "/subjects", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("the schema registry did not answer on port %d within 120 s" % port)


def stop_server(server):
    if server.process is not None:
        server.process.terminate()
        try:
            server.process.wait(30)
        except subprocess.TimeoutExpired:
            server.process.kill()
