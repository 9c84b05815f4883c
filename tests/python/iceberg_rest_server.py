"""A small Iceberg REST catalog server for tests: the REST OpenAPI endpoints
Spate's client and pyiceberg's client use (config, namespaces, tables,
commits with requirements), backed by pyiceberg's SqlCatalog on a SQLite
file. Commits whose requirements fail answer 409, as the spec says.

    server = RestCatalogServer(tmp_path)  # a child process; server.uri; server.stop()
"""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.exceptions import (CommitFailedException, NamespaceAlreadyExistsError, NamespaceNotEmptyError,
                                  NoSuchNamespaceError, NoSuchTableError, TableAlreadyExistsError)
from pyiceberg.partitioning import PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.table import CommitTableRequest
from pyiceberg.table.sorting import SortOrder


def _load_result(table):
    return {"metadata-location": table.metadata_location,
            "metadata": json.loads(table.metadata.model_dump_json()), "config": {}}


class _Handler(BaseHTTPRequestHandler):
    catalog = None
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def _send(self, status, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status, kind, message):
        self._send(status, {"error": {"message": message, "type": kind, "code": status}})

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def _route(self):
        path = urllib.parse.urlparse(self.path).path
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
        if parts[:1] != ["v1"]:
            return None, []
        return parts[1:], parts

    def _namespace(self, text):
        return tuple(text.split("\x1f"))

    def do_GET(self):
        route, _ = self._route()
        try:
            if route == ["config"]:
                return self._send(200, {"defaults": {}, "overrides": {}})
            if route == ["namespaces"]:
                query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
                parent = self._namespace(query["parent"][0]) if "parent" in query else ()
                if parent:
                    self.catalog.load_namespace_properties(parent)
                namespaces = self.catalog.list_namespaces(parent)
                return self._send(200, {"namespaces": [list(n) for n in namespaces]})
            if len(route) == 2 and route[0] == "namespaces":
                props = self.catalog.load_namespace_properties(self._namespace(route[1]))
                props = {k: v for k, v in props.items() if k != "exists"}  # SqlCatalog's own marker
                return self._send(200, {"namespace": list(self._namespace(route[1])), "properties": props})
            if len(route) == 3 and route[2] == "tables":
                ids = self.catalog.list_tables(self._namespace(route[1]))
                return self._send(200, {"identifiers": [{"namespace": list(i[:-1]), "name": i[-1]} for i in ids]})
            if len(route) == 4 and route[2] == "tables":
                table = self.catalog.load_table(self._namespace(route[1]) + (route[3],))
                return self._send(200, _load_result(table))
        except (NoSuchTableError, NoSuchNamespaceError) as e:
            return self._error(404, type(e).__name__, str(e))
        self._error(404, "NotFound", self.path)

    def do_HEAD(self):
        route, _ = self._route()
        try:
            if len(route) == 4 and route[2] == "tables":
                self.catalog.load_table(self._namespace(route[1]) + (route[3],))
                return self._send(204)
            if len(route) == 2 and route[0] == "namespaces":
                self.catalog.load_namespace_properties(self._namespace(route[1]))
                return self._send(204)
        except (NoSuchTableError, NoSuchNamespaceError):
            pass
        self._send(404)

    def do_POST(self):
        route, _ = self._route()
        body = self._body()
        with self.lock:
            try:
                if route == ["namespaces"]:
                    self.catalog.create_namespace(tuple(body["namespace"]), body.get("properties") or {})
                    return self._send(200, {"namespace": body["namespace"], "properties": {}})
                if len(route) == 3 and route[2] == "tables":
                    ident = self._namespace(route[1]) + (body["name"],)
                    spec = body.get("partition-spec")
                    order = body.get("write-order")
                    table = self.catalog.create_table(
                        ident, schema=Schema.model_validate(body["schema"]), location=body.get("location"),
                        partition_spec=PartitionSpec.model_validate(spec) if spec else PartitionSpec(),
                        sort_order=SortOrder.model_validate(order) if order else SortOrder(),
                        properties=body.get("properties") or {})
                    return self._send(200, _load_result(table))
                if len(route) == 4 and route[2] == "tables":
                    table = self.catalog.load_table(self._namespace(route[1]) + (route[3],))
                    request = CommitTableRequest.model_validate(body)
                    response = self.catalog.commit_table(table, request.requirements, request.updates)
                    return self._send(200, {"metadata-location": response.metadata_location,
                                            "metadata": json.loads(response.metadata.model_dump_json())})
            except (NamespaceAlreadyExistsError, TableAlreadyExistsError) as e:
                return self._error(409, type(e).__name__, str(e))
            except CommitFailedException as e:
                return self._error(409, "CommitFailedException", str(e))
            except (NoSuchTableError, NoSuchNamespaceError) as e:
                return self._error(404, type(e).__name__, str(e))
        self._error(404, "NotFound", self.path)

    def do_DELETE(self):
        route, _ = self._route()
        with self.lock:
            try:
                if len(route) == 2 and route[0] == "namespaces":
                    self.catalog.drop_namespace(self._namespace(route[1]))
                    return self._send(204)
                if len(route) == 4 and route[2] == "tables":
                    ident = self._namespace(route[1]) + (route[3],)
                    if "purgeRequested=true" in self.path:
                        self.catalog.purge_table(ident)
                    else:
                        self.catalog.drop_table(ident)
                    return self._send(204)
            except NamespaceNotEmptyError as e:
                return self._error(409, type(e).__name__, str(e))
            except (NoSuchTableError, NoSuchNamespaceError) as e:
                return self._error(404, type(e).__name__, str(e))
        self._error(404, "NotFound", self.path)


def serve(root, warehouse=None, properties="{}"):
    """Runs the server on a free loopback port; prints its URI, then serves until killed. Tables
    go under `warehouse` (a URI; a local folder by default), with the pyiceberg FileIO
    `properties` (JSON: s3.endpoint and keys for an s3:// warehouse)."""
    import pathlib
    root = pathlib.Path(root)
    if warehouse is None:
        (root / "rest-warehouse").mkdir(parents=True, exist_ok=True)
        warehouse = "file://%s" % (root / "rest-warehouse")
    catalog = SqlCatalog("rest-backend", uri="sqlite:///%s" % (root / "rest-catalog.db"), warehouse=warehouse,
                         **json.loads(properties))
    handler = type("Handler", (_Handler,), {"catalog": catalog, "lock": threading.Lock()})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    print("http://127.0.0.1:%d" % httpd.server_address[1], flush=True)
    httpd.serve_forever()


class RestCatalogServer:
    """The server in a child process (so that a client in the test process
    never waits on the server for Python's interpreter lock)."""

    def __init__(self, root, warehouse=None, properties=None):
        import subprocess
        import sys
        extra = [] if warehouse is None else [warehouse, json.dumps(properties or {})]
        self.proc = subprocess.Popen([sys.executable, __file__, str(root)] + extra, stdout=subprocess.PIPE, text=True)
        self.uri = self.proc.stdout.readline().strip()
        if not self.uri.startswith("http://"):
            self.proc.kill()
            raise RuntimeError("the REST catalog server did not start")

    def start(self):
        return self

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()


if __name__ == "__main__":
    import sys
    serve(*sys.argv[1:])
