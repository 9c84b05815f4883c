"""Checks that Spate's native libraries live peacefully in a user's Python process.

Two kinds of check, both run in fresh processes (nothing imported before the
program under test):

* ``foreign_bindings``: the dynamic loader's own account (``LD_DEBUG=bindings``) of
  every symbol it bound while a program ran. A binding is foreign when a library
  outside pyarrow binds to a pyarrow library for a symbol that is not Arrow's or
  Parquet's own API (pyarrow's libraries also export the OpenSSL, Abseil, RE2,
  protobuf, simdjson and libstdc++ code they carry), or when a pyarrow library binds
  to a library that is neither pyarrow's nor the C/C++ runtime (pyarrow's calls
  must stay in its own copies).
* ``import_order_program``: Spate imported before or after a popular module that
  loads native code of its own (OpenSSL, numpy, gRPC, ...), then a query that reads,
  aggregates and collects.

Used by tests/python/test_native_isolation.py and, from the wheel's venv, by
scripts/wheel_test.sh (``python isolation_checks.py`` runs every import order with
the interpreter that runs it and exits non-zero on a failure).
"""

import os
import re
import subprocess
import sys
import tempfile

# Each module with a statement that makes it use its native code.
OTHER_MODULES = {
    "hashlib": "import hashlib; assert hashlib.sha256(b'x').hexdigest()[:4] == '2d71'",
    "ssl": "import ssl; ssl.create_default_context().load_default_certs()",
    "pandas": "import pandas; assert pandas.DataFrame({'a': [1, 2]})['a'].sum() == 3",
    "numpy.random": "import numpy.random; assert 0 <= numpy.random.default_rng(7).random() < 1",
    "requests": "import requests; requests.Session().close()",
    "urllib.request": "import urllib.request; urllib.request.build_opener()",
    "pyiceberg": "import pyiceberg.catalog.sql, pyiceberg.io.pyarrow",
    "confluent_kafka": ("import confluent_kafka\n"
                        "from confluent_kafka.schema_registry import SchemaRegistryClient\n"
                        "from confluent_kafka.schema_registry.avro import AvroSerializer\n"
                        "SchemaRegistryClient({'url': 'http://127.0.0.1:1'})\n"
                        "confluent_kafka.Producer({'bootstrap.servers': '127.0.0.1:1'}).flush(0)"),
    "grpc": "import grpc; grpc.insecure_channel('127.0.0.1:1').close()",
}

IMPORT_SPATE = "from spate.sql import SparkSession, functions as f"

# Reads (a Parquet file written by Spate), aggregates and collects.
QUERY = """
import os, tempfile
spark = SparkSession.builder.appName("fresh-process").getOrCreate()
folder = os.path.join(tempfile.mkdtemp(), "t")
spark.createDataFrame([(i % 3, i) for i in range(30)], "k INT, v INT").write.parquet(folder)
rows = spark.read.parquet(folder).groupBy("k").agg(f.sum("v").alias("s")).orderBy("k").collect()
assert [(r.k, r.s) for r in rows] == [(0, 135), (1, 145), (2, 155)], rows
assert spark.range(3).collect()[2].id == 2
spark.stop()
print("query ok")
"""


def import_order_program(module, spate_first):
    """A program importing Spate and ``module`` in the given order, then querying."""
    other = OTHER_MODULES[module]
    first, second = (IMPORT_SPATE, other) if spate_first else (other, IMPORT_SPATE)
    return "\n".join([first, second, QUERY])


def run_fresh(code, python=None, env=None, timeout=300):
    """Runs ``code`` with ``python -c`` in a new process; returns the CompletedProcess."""
    full_env = dict(os.environ)
    full_env.pop("PYTHONPATH", None)
    full_env.update(env or {})
    return subprocess.run([python or sys.executable, "-c", code], capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=tempfile.gettempdir())


# --- The loader's account ------------------------------------------------------------------------

BINDING = re.compile(r"binding file (\S+) \[\d+\] to (\S+) \[\d+\]: \S+ symbol `([^']+)'")
RUNTIME = re.compile(r"(^|/)(linux-vdso\.so|ld-linux[^/]*|lib(c|m|dl|rt|pthread|util|gcc_s|stdc\+\+)"
                     r"\.so[.\d]*|libpython[\d.]+\.so[.\d]*|python[\d.]*)$")


def is_pyarrow(path):
    return os.sep + "pyarrow" + os.sep in path


def is_arrow_api(demangled):
    return "arrow::" in demangled or "parquet::" in demangled or "arrow_vendored" in demangled


def demangle(names):
    if not names:
        return []
    out = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True,
                         check=True).stdout
    return out.splitlines()


def loader_bindings(code, python=None):
    """Runs ``code`` in a fresh process under LD_DEBUG=bindings: (process, [(from, to, symbol)])."""
    with tempfile.TemporaryDirectory() as tmp:
        proc = run_fresh(code, python, env={"LD_DEBUG": "bindings",
                                            "LD_DEBUG_OUTPUT": os.path.join(tmp, "ld")})
        found = []
        for name in os.listdir(tmp):
            with open(os.path.join(tmp, name), errors="replace") as log:
                found.extend(m.groups() for m in map(BINDING.search, log) if m)
    return proc, found


def foreign_bindings(bindings):
    """The foreign bindings among ``bindings``, as (from, to, demangled symbol), sorted."""
    candidates = []
    for source, target, symbol in bindings:
        if source == target:
            continue
        into_pyarrow = is_pyarrow(target) and not is_pyarrow(source)
        out_of_pyarrow = (is_pyarrow(source) and not is_pyarrow(target)
                          and not RUNTIME.search(target))
        if into_pyarrow or out_of_pyarrow:
            candidates.append((source, target, symbol))
    names = demangle([symbol for _, _, symbol in candidates])
    foreign = set()
    for (source, target, _), name in zip(candidates, names):
        if is_arrow_api(name):  # Arrow's and Parquet's own API, either way
            continue
        foreign.add((source, target, name))
    return sorted(foreign)


def summarize(foreign, limit=20):
    """A few lines per pair of libraries: how many symbols, and some of them."""
    by_pair = {}
    for source, target, name in foreign:
        by_pair.setdefault((source, target), []).append(name)
    lines = []
    for (source, target), names in sorted(by_pair.items(), key=lambda kv: -len(kv[1])):
        lines.append("%5d  %s -> %s  (e.g. %s)" % (len(names), os.path.basename(source),
                                                   os.path.basename(target), ", ".join(names[:3])))
    return "\n".join(lines[:limit])


def main():
    failures = 0
    proc, found = loader_bindings("import spate.sql")
    foreign = foreign_bindings(found)
    print("import spate.sql: %d bindings, %d foreign" % (len(found), len(foreign)))
    if foreign or proc.returncode != 0:
        print(summarize(foreign) or proc.stderr[-2000:])
        failures += 1
    for module in OTHER_MODULES:
        for spate_first in (True, False):
            proc = run_fresh(import_order_program(module, spate_first))
            order = ("spate, then %s" if spate_first else "%s, then spate") % module
            ok = proc.returncode == 0 and "query ok" in proc.stdout
            print("%-34s %s" % (order, "ok" if ok else "FAILED (exit %d)" % proc.returncode))
            if not ok:
                print(proc.stderr[-2000:])
                failures += 1
    print("isolation checks: %d of %d failed" % (failures, 2 * len(OTHER_MODULES) + 1))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
