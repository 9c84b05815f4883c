"""A real PostgreSQL server for the jdbc tests: Debian's postgresql package, a fresh cluster made
with initdb in a temporary directory and started with pg_ctl on a free loopback port (as the
`postgres` user when the tests run as root: PostgreSQL refuses to run as root), password
authentication over TCP. `psql` is the independent client that sets tables up and checks what
Spate wrote."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid

USER = "spate"
PASSWORD = "spate-secret"
DATABASE = "spate"


def _bin_dir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, directory, port):
        self.directory = directory
        self.port = port
        self.host = "127.0.0.1"
        self.user = USER
        self.password = PASSWORD
        self.database = DATABASE
        self.url = "jdbc:postgresql://%s:%d/%s" % (self.host, port, DATABASE)
        self.properties = {"user": USER, "password": PASSWORD}

    def new_table(self, prefix="t"):
        return "%s_%s" % (prefix, uuid.uuid4().hex[:10])

    def psql(self, sql, database=None):
        """Runs SQL with psql; the rows as tuples of strings (None for NULL)."""
        env = dict(os.environ, PGPASSWORD=self.password)
        proc = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-F", "\x1f",
                               "-P", "null=<NULL>", "-h", self.host, "-p", str(self.port), "-U", self.user,
                               "-d", database or self.database, "-c", sql],
                              capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise RuntimeError("psql failed: " + proc.stderr)
        rows = []
        for line in proc.stdout.split("\n"):
            if line:
                rows.append(tuple(None if v == "<NULL>" else v for v in line.split("\x1f")))
        return rows


def _run(argv, as_postgres, **kwargs):
    if as_postgres:
        argv = ["runuser", "-u", "postgres", "--"] + argv
    return subprocess.run(argv, capture_output=True, text=True, **kwargs)


def start_server():
    """Starts a server; raises RuntimeError with the tools' output if it cannot, or
    FileNotFoundError when PostgreSQL is not installed."""
    bindir = _bin_dir()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL is not installed (Debian package postgresql)")
    as_postgres = os.geteuid() == 0
    directory = tempfile.mkdtemp(prefix="spate-pg-")
    os.chmod(directory, 0o755)
    if as_postgres:
        shutil.chown(directory, "postgres", "postgres")
    data = os.path.join(directory, "data")
    pwfile = os.path.join(directory, "pw")
    with open(pwfile, "w") as f:
        f.write(PASSWORD + "\n")
    if as_postgres:
        shutil.chown(pwfile, "postgres", "postgres")
    proc = _run([os.path.join(bindir, "initdb"), "-D", data, "-U", USER, "--pwfile", pwfile, "-E", "UTF8",
                 "--locale", "C", "--auth-local", "trust", "--auth-host", "scram-sha-256"], as_postgres)
    if proc.returncode != 0:
        raise RuntimeError("initdb failed:\n" + proc.stdout + proc.stderr)
    port = _free_port()
    options = "-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50" % (port, directory)
    proc = _run([os.path.join(bindir, "pg_ctl"), "-D", data, "-o", options, "-l",
                 os.path.join(directory, "server.log"), "-w", "start"], as_postgres)
    if proc.returncode != 0:
        raise RuntimeError("pg_ctl start failed:\n" + proc.stdout + proc.stderr)
    server = Server(directory, port)
    server.psql("CREATE DATABASE %s" % DATABASE, database="postgres")
    return server


def stop_server(server):
    bindir = _bin_dir()
    _run([os.path.join(bindir, "pg_ctl"), "-D", os.path.join(server.directory, "data"), "-m", "immediate",
          "stop"], os.geteuid() == 0)
    shutil.rmtree(server.directory, ignore_errors=True)
