"""The Google Cloud Storage and Azure Blob Storage emulators of the gs:// and abfs:// tests:
fake-gcs-server and Azurite, which scripts/object_store_servers/fetch.sh installs into
build/object-store-servers, each started as its own process on a free loopback port.
The independent clients are GCS's JSON API over plain HTTP (urllib) and pyarrow's
AzureFileSystem (Azurite's shared-key signing is not worth writing again here)."""

import glob
import json
import os
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVERS = os.environ.get("SPATE_OBJECT_STORE_SERVERS_DIR", os.path.join(REPO, "build", "object-store-servers"))
# Azurite's well-known development account.
AZURE_ACCOUNT = "devstoreaccount1"
AZURE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _program(pattern, what):
    found = sorted(glob.glob(os.path.join(SERVERS, pattern)))
    if not found:
        raise FileNotFoundError("%s is not installed in %s (scripts/object_store_servers/fetch.sh)" % (what, SERVERS))
    return found[-1]


def _start(argv, name, ready):
    """Starts `argv` with its output in a temporary file; RuntimeError if `ready()` is not true in 30 s."""
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError("%s exited:\n%s" % (name, log.read().decode(errors="replace")[-3000:]))
        try:
            ready()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("%s did not answer within 30 s" % name)


def stop_server(server):
    if server.process is not None:
        server.process.terminate()
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            server.process.kill()


class GcsServer:
    def __init__(self, port, process=None):
        self.port = port
        self.process = process
        self.endpoint = "http://127.0.0.1:%d" % port

    def behind(self, proxy):
        """This server as reached through `proxy` (a HoldingProxy in front of it)."""
        return GcsServer(proxy.port)

    def conf(self):
        """Spark's settings (Hadoop's GCS connector keys) that point gs:// at this server."""
        return {"spark.hadoop.fs.gs.storage.root.url": self.endpoint + "/",
                "spark.hadoop.fs.gs.auth.type": "UNAUTHENTICATED",
                "spark.hadoop.fs.gs.project.id": "spate-test"}

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.endpoint + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()

    def new_bucket(self, prefix="spate"):
        name = "%s-%s" % (prefix, uuid.uuid4().hex[:12])
        self._call("POST", "/storage/v1/b?project=spate-test", {"name": name})
        return name

    def keys(self, bucket, prefix=""):
        out, token = [], ""
        while True:
            query = "prefix=%s%s" % (urllib.parse.quote(prefix, safe=""), "&pageToken=" + token if token else "")
            page = json.loads(self._call("GET", "/storage/v1/b/%s/o?%s" % (bucket, query)))
            out += [item["name"] for item in page.get("items", [])]
            token = page.get("nextPageToken", "")
            if not token:
                return sorted(out)

    def get(self, bucket, key):
        return self._call("GET", "/storage/v1/b/%s/o/%s?alt=media" % (bucket, urllib.parse.quote(key, safe="")))


def start_gcs_server():
    program = _program("bin/fake-gcs-server-*", "fake-gcs-server")
    port = _free_port()
    data = tempfile.mkdtemp(prefix="spate-fake-gcs-")
    process = _start([program, "-scheme", "http", "-host", "127.0.0.1", "-port", str(port), "-backend", "memory",
                      "-data", data, "-log-level", "error"], "fake-gcs-server",
                     lambda: urllib.request.urlopen("http://127.0.0.1:%d/storage/v1/b" % port, timeout=1).close())
    return GcsServer(port, process)


class AzuriteServer:
    def __init__(self, port, process=None):
        self.port = port
        self.process = process
        self.account = AZURE_ACCOUNT
        self.key = AZURE_KEY

    def behind(self, proxy):
        """This server as reached through `proxy` (a HoldingProxy in front of it)."""
        return AzuriteServer(proxy.port)

    def conf(self):
        """Spark's settings (Hadoop's ABFS keys) that point abfs:// at this server."""
        return {"spark.hadoop.fs.azure.abfs.endpoint": "127.0.0.1:%d" % self.port,
                "spark.hadoop.fs.azure.always.use.https": "false",
                "spark.hadoop.fs.azure.account.auth.type": "SharedKey",
                "spark.hadoop.fs.azure.account.key.%s.dfs.core.windows.net" % self.account: self.key}

    def uri(self, container, path=""):
        return "abfs://%s@%s.dfs.core.windows.net/%s" % (container, self.account, path)

    def client(self):
        from pyarrow import fs
        authority = "127.0.0.1:%d" % self.port
        return fs.AzureFileSystem(account_name=self.account, account_key=self.key, blob_storage_authority=authority,
                                  dfs_storage_authority=authority, blob_storage_scheme="http",
                                  dfs_storage_scheme="http")

    def new_container(self, prefix="spate"):
        name = "%s-%s" % (prefix, uuid.uuid4().hex[:12])
        self.client().create_dir(name)
        return name

    def keys(self, container, prefix=""):
        from pyarrow import fs
        infos = self.client().get_file_info(fs.FileSelector(container, recursive=True, allow_not_found=True))
        names = [i.path[len(container) + 1:] for i in infos if i.type == fs.FileType.File]
        return sorted(n for n in names if n.startswith(prefix))

    def get(self, container, key):
        with self.client().open_input_stream("%s/%s" % (container, key)) as f:
            return f.read()


def start_azurite():
    program = _program("azurite-*/node_modules/.bin/azurite-blob", "Azurite")
    port = _free_port()
    data = tempfile.mkdtemp(prefix="spate-azurite-")

    def ready():
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/%s?comp=list" % (port, AZURE_ACCOUNT), timeout=1).close()
        except urllib.error.HTTPError:
            pass  # an answer (403 without a signature): the server is up

    process = _start([program, "--silent", "--blobHost", "127.0.0.1", "--blobPort", str(port), "--location", data,
                      "--skipApiVersionCheck", "--loose"], "Azurite", ready)
    return AzuriteServer(port, process)


class HoldingProxy:
    """A TCP proxy on a free loopback port in front of the emulator on `port`. It holds back the
    first piece of a write (anything but a GET or HEAD request) whose bytes contain `marker` until
    release() sends it on or drop() closes its connection unsent: a write caught on the network
    while the test lets another writer go first, or kills the writer. `held` is set once it
    holds one."""

    def __init__(self, port, marker):
        self.upstream = port
        self.marker = marker
        self.held = threading.Event()
        self._decided = threading.Event()
        self._send = True
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def release(self):
        self._decided.set()

    def drop(self):
        self._send = False
        self._decided.set()

    def close(self):
        self.release()
        self._listener.close()

    def _accept(self):
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:  # closed
                return
            server = socket.create_connection(("127.0.0.1", self.upstream))
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _holds(self, data):
        with self._lock:
            if self.held.is_set() or self.marker not in data or data.startswith((b"GET ", b"HEAD ")):
                return False
            self.held.set()
            return True

    def _pump(self, source, target, to_server):
        try:
            while True:
                data = source.recv(1 << 16)
                if not data:
                    break
                if to_server and self._holds(data):
                    self._decided.wait()
                    if not self._send:
                        break
                target.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, target):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()


class Store:
    """One emulator as the tests use it: URIs of a new bucket (GCS) or container (Azure), and
    its keys."""

    def __init__(self, kind, server):
        self.kind, self.server = kind, server
        self.bucket = server.new_bucket() if kind == "gcs" else server.new_container()

    def uri(self, path):
        if self.kind == "gcs":
            return "gs://%s/%s" % (self.bucket, path)
        return self.server.uri(self.bucket, path)

    def keys(self, prefix):
        return self.server.keys(self.bucket, prefix)

    def get(self, key):
        return self.server.get(self.bucket, key)
