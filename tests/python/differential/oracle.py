"""Differential testing against PySpark 4.1: one program, run on both engines, compared.

A program is a function of ``(sql, spark)`` or ``(sql, spark, tmp)``: ``sql`` is the
engine's ``sql`` module (``pyspark.sql`` or ``spate.sql``), ``spark`` its session and
``tmp`` a fresh directory. It returns a DataFrame, or any plain value. The code of a
program is what a PySpark user writes; only the module it is given differs.

What is compared:

- a DataFrame: its schema (names, types and nullability, nested ones too) and its rows,
  as a multiset unless ``ordered=True``; floats are equal within ``rel`` (relative) and
  NaN equals NaN; with ``show=True`` also the text ``show()`` prints;
- any other value: equality after the same conversion of rows, floats and dates;
- a failure: the error condition (``getCondition()``), on both engines.

PySpark runs in one JVM per test session (``local[2]``, UI off), started on first use.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import importlib
import inspect
import io
import json
import logging
import math
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile

# Iceberg's Spark runtime, so that PySpark can be the oracle for Iceberg tables too
# (MERGE INTO, UPDATE, DELETE); fetched from Maven Central once, into build/.
ICEBERG_RUNTIME = "org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:1.12.0"
# The PostgreSQL JDBC driver, so that PySpark can be the oracle for format("jdbc").
POSTGRES_JDBC = "org.postgresql:postgresql:42.7.14"
# spark-avro, so that PySpark can be the oracle for from_avro/to_avro and format("avro").
# 4.1.4 (the pinned PySpark) is not published on Maven Central; 4.1.1 is the newest 4.1
# release there, and loads into PySpark 4.1.4.
SPARK_AVRO = "org.apache.spark:spark-avro_2.13:4.1.1"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def maven_jar(coordinates):
    """The path of a Maven artifact's jar in build/oracle-jars, fetched with Maven when
    missing; None when it cannot be fetched."""
    folder = os.path.join(ROOT, "build", "oracle-jars")
    group, artifact, version = coordinates.split(":")
    jar = os.path.join(folder, "%s-%s.jar" % (artifact, version))
    if not os.path.exists(jar) and shutil.which("mvn"):
        subprocess.run(["mvn", "-q", "-B", "dependency:copy", "-Dartifact=" + coordinates,
                        "-DoutputDirectory=" + folder], check=False, capture_output=True)
    return jar if os.path.exists(jar) else None


def iceberg_runtime_jar():
    """The path of Iceberg's Spark runtime jar, or None."""
    return maven_jar(ICEBERG_RUNTIME)


def postgres_jdbc_jar():
    """The path of the PostgreSQL JDBC driver's jar, or None."""
    return maven_jar(POSTGRES_JDBC)


def spark_avro_jar():
    """The path of spark-avro's jar, or None."""
    return maven_jar(SPARK_AVRO)


# The same settings on both engines.
CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "2",
}


class Failure:
    """A program that raised: its error condition (or exception type) and message."""

    def __init__(self, exc: BaseException):
        condition = None
        for getter in ("getCondition", "getErrorClass"):
            if hasattr(exc, getter):
                try:
                    condition = getattr(exc, getter)()
                except Exception:  # noqa: BLE001 - a JVM error without a condition
                    condition = None
                if condition:
                    break
        self.condition = condition or type(exc).__name__
        # The exception's class, which users catch (DateTimeException, ArithmeticException, ...).
        self.kind = type(exc).__name__
        self.message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""

    def __repr__(self):
        return "raised [%s] %s" % (self.condition, self.message[:300])


class Frame:
    """A DataFrame's outcome: schema, rows, and the text show() prints (when asked)."""

    def __init__(self, schema, rows, shown):
        self.schema, self.rows, self.shown = schema, rows, shown

    def __repr__(self):
        return "schema %s\nrows %s" % (json.dumps(self.schema), self.rows)


def plain(value):
    """A value of either engine as plain, comparable Python data."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return ("NaN",) if math.isnan(value) else value
    if isinstance(value, decimal.Decimal):
        return ("decimal", str(value))
    if isinstance(value, (bytes, bytearray, memoryview)):
        return ("binary", type(value).__name__, bytes(value).hex())
    if isinstance(value, datetime.datetime):
        return ("timestamp", value.replace(tzinfo=None).isoformat(), value.tzinfo is not None)
    if isinstance(value, datetime.date):
        return ("date", value.isoformat())
    if isinstance(value, datetime.timedelta):
        return ("interval", value.days, value.seconds, value.microseconds)
    if isinstance(value, dict):
        return ("map", sorted((repr(plain(k)), plain(v)) for k, v in value.items()))
    if hasattr(value, "asDict") and hasattr(value, "__fields__"):  # a Row
        return ("row", [(name, plain(v)) for name, v in zip(value.__fields__, value)])
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "jsonValue"):  # a DataType
        return value.jsonValue()
    return ("other", type(value).__name__, str(value))


def _sort_key(value):
    """A total order for rows of mixed values: their repr, floats rounded."""
    def rounded(v):
        if isinstance(v, float):
            return "%.9g" % v
        if isinstance(v, (list, tuple)):
            return [rounded(x) for x in v]
        return v
    return repr(rounded(value))


def same(got, want, rel):
    """Whether two plain values are equal, floats within `rel`."""
    if isinstance(want, float) and isinstance(got, float):
        return got == want or math.isclose(got, want, rel_tol=rel)
    if isinstance(want, (list, tuple)) and isinstance(got, (list, tuple)):
        return (type(got) is type(want) and len(got) == len(want)
                and all(same(g, w, rel) for g, w in zip(got, want)))
    return type(got) is type(want) and got == want


def _schema(schema):
    """A schema as JSON data, without Spark 4.1's internal `__autoGeneratedAlias` field
    metadata (a marker of its analyzer, not something a program reads)."""
    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != "__autoGeneratedAlias"}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node
    return strip(json.loads(schema.json()))


class Engine:
    """One engine's sql module and session, with Spark's settings of CONF."""

    def __init__(self, name):
        self.name = name
        # PySpark's Python workers run this interpreter (with the .venv's packages).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        self.sql = importlib.import_module(name + ".sql")
        # SPATE_TEST_MASTER: Spate's spark.master (local[1]: state partitions one after the other).
        master = os.environ.get("SPATE_TEST_MASTER", "local[2]") if name == "spate" else "local[2]"
        builder = self.sql.SparkSession.builder.appName("differential").master(master)
        if name == "pyspark":
            builder = (builder.config("spark.ui.enabled", "false")
                       .config("spark.ui.showConsoleProgress", "false")
                       .config("spark.driver.memory", "2g")
                       .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="pyspark-wh-")))
            jars = [j for j in (iceberg_runtime_jar(), postgres_jdbc_jar(), spark_avro_jar()) if j]
            if jars:
                builder = builder.config("spark.jars", ",".join(jars))
            if postgres_jdbc_jar():  # java.sql.DriverManager finds drivers on the driver's class path
                builder = builder.config("spark.driver.extraClassPath", postgres_jdbc_jar())
        self.spark = builder.getOrCreate()
        for key, value in CONF.items():
            self.spark.conf.set(key, value)
        if name == "pyspark":
            self.spark.sparkContext.setLogLevel("OFF")
            # PySpark logs every failed query's stack trace: failures are expected outcomes here.
            logging.getLogger("SQLQueryContextLogger").disabled = True

    def run(self, program, show, keep_views=False):
        tmp = tempfile.mkdtemp(prefix="diff-%s-" % self.name)
        try:
            args = (self.sql, self.spark, tmp)[:len(inspect.signature(program).parameters)]
            try:
                out = program(*args)
                if hasattr(out, "schema") and hasattr(out, "collect"):
                    shown = None
                    if show:
                        text = io.StringIO()
                        with contextlib.redirect_stdout(text):
                            out.show(**(show if isinstance(show, dict) else {}))
                        shown = text.getvalue()
                    return Frame(_schema(out.schema), [plain(r) for r in out.collect()], shown)
                return plain(out)
            except Exception as exc:  # noqa: BLE001 - a failure is an outcome to compare
                return Failure(exc)
        finally:
            if not keep_views:
                self.drop_views()
            shutil.rmtree(tmp, ignore_errors=True)

    def drop_views(self):
        for query in list(self.spark.streams.active):
            query.stop()
        catalog = getattr(self.spark, "catalog", None)
        for table in catalog.listTables() if catalog is not None else ():
            if getattr(table, "isTemporary", False):
                self.spark.catalog.dropTempView(table.name)


def difference(got, want, ordered=False, rel=1e-9, schema=True):
    """Why Spate's outcome `got` differs from PySpark's `want`, or None."""
    if isinstance(want, Failure) or isinstance(got, Failure):
        if isinstance(want, Failure) and isinstance(got, Failure):
            if got.condition != want.condition:
                return "error condition: spate %r, pyspark %r" % (got, want)
            return None if got.kind == want.kind else \
                "exception class: spate %s, pyspark %s (%r)" % (got.kind, want.kind, want)
        return "spate %r\npyspark %r" % (got, want)
    if isinstance(want, Frame) != isinstance(got, Frame):
        return "spate %r\npyspark %r" % (got, want)
    if not isinstance(want, Frame):
        return None if same(got, want, rel) else "value: spate %r, pyspark %r" % (got, want)
    if schema and got.schema != want.schema:
        return "schema:\n  spate   %s\n  pyspark %s" % (json.dumps(got.schema), json.dumps(want.schema))
    g, w = got.rows, want.rows
    if not ordered:
        g, w = sorted(g, key=_sort_key), sorted(w, key=_sort_key)
    if len(g) != len(w):
        return "%d rows from spate, %d from pyspark:\n  spate   %s\n  pyspark %s" % (
            len(g), len(w), g[:20], w[:20])
    for i, (a, b) in enumerate(zip(g, w)):
        if not same(a, b, rel):
            return "row %d:\n  spate   %r\n  pyspark %r" % (i, a, b)
    if want.shown is not None and got.shown != want.shown:
        return "show():\n--- spate\n%s--- pyspark\n%s" % (got.shown, want.shown)
    return None


class Oracle:
    """Both engines; check() runs a program on each and asserts the outcomes agree."""

    def __init__(self):
        self.pyspark = Engine("pyspark")
        self.spate = Engine("spate")

    def outcomes(self, program, show=False):
        return self.spate.run(program, show), self.pyspark.run(program, show)

    def check(self, program, *, ordered=False, show=False, rel=1e-9, schema=True, error=None):
        """Runs `program` on both engines and fails with the first difference. `error`, when
        given, is the error condition PySpark must raise (so a test cannot pass because both
        engines fail the same unexpected way)."""
        got, want = self.outcomes(program, show)
        if error is not None:
            assert isinstance(want, Failure) and want.condition == error, \
                "PySpark was expected to raise %s: %r" % (error, want)
        elif isinstance(want, Failure):
            raise AssertionError("PySpark raised %r: the program is wrong" % want)
        why = difference(got, want, ordered=ordered, rel=rel, schema=schema)
        assert why is None, why
        return want

    def check_in_child(self, module_file, name, *, timeout=150, attempts=3):
        """check() for a program whose PySpark run may leave tasks behind: PySpark runs it in
        a Python process and JVM of its own (pyspark_child.py), killed after `timeout`
        seconds and run again, up to `attempts` times. `name` is the program's name in
        `module_file` (``DICT[key]`` for one held in a dict)."""
        got = self.spate.run(program_of(module_file, name), False)
        want = pyspark_in_child(module_file, name, timeout, attempts)
        if isinstance(want, Failure):
            raise AssertionError("PySpark raised %r: the program is wrong" % want)
        why = difference(got, want)
        assert why is None, why
        return want

    def check_sql(self, text, **kwargs):
        return self.check(lambda sql, spark: spark.sql(text), **kwargs)

    def check_exprs(self, exprs, rows=None, schema=None, *, rel=1e-9, view="t"):
        """Each SQL expression of `exprs` as `SELECT <expr> FROM t`, where t holds `rows` of the
        DDL `schema` (no table when rows is None): every difference is reported at once. An
        expression PySpark rejects must be rejected by Spate with the same condition. All
        expressions run first as one query (one pass on each engine); when that fails on
        either engine, one query each."""
        for engine in (self.spate, self.pyspark):
            if rows is not None:
                engine.spark.createDataFrame(rows, schema).createOrReplaceTempView(view)
        source = "" if rows is None else " FROM %s" % view

        def query(texts):
            def program(sql, spark):
                return spark.sql("SELECT %s%s" % (", ".join(texts), source))
            return self.spate.run(program, False, keep_views=True), \
                self.pyspark.run(program, False, keep_views=True)

        problems = []
        got, want = query(["%s AS `c%d`" % (t, i) for i, t in enumerate(exprs)])
        if isinstance(got, Frame) and isinstance(want, Frame):
            for i, text in enumerate(exprs):
                g, w = (Frame({"fields": [dict(f.schema["fields"][i], name=text)]},
                              [r[1][i][1] for r in f.rows], None) for f in (got, want))
                why = difference(g, w, ordered=True, rel=rel)
                if why is not None:
                    problems.append("%s\n  %s" % (text, why.replace("\n", "\n  ")))
        else:
            for text in exprs:
                got, want = query([text])
                why = difference(got, want, rel=rel)
                if why is not None:
                    problems.append("%s\n  %s" % (text, why.replace("\n", "\n  ")))
        for engine in (self.spate, self.pyspark):
            engine.drop_views()
        assert not problems, "%d of %d expressions differ:\n%s" % (
            len(problems), len(exprs), "\n".join(problems))


def program_of(module_file, name):
    """The program `name` of a test module (see Oracle.check_in_child)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from pyspark_child import program_of as find
    return find(module_file, name)


def pyspark_in_child(module_file, name, timeout, attempts):
    """PySpark's outcome of program `name` run by pyspark_child.py; AssertionError when every
    attempt outlived `timeout` seconds or the child failed."""
    child = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pyspark_child.py")
    problems = []
    for _ in range(attempts):
        with tempfile.TemporaryDirectory(prefix="pyspark-child-") as folder:
            out_file, log_file = (os.path.join(folder, f) for f in ("outcome.pickle", "log"))
            # A session of its own, so that the kill below reaches its JVM too.
            with open(log_file, "wb") as log:
                process = subprocess.Popen([sys.executable, child, module_file, name, out_file],
                                           stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                problems.append("PySpark did not finish %s within %d s" % (name, timeout))
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            if os.path.exists(out_file):
                with open(out_file, "rb") as outcome:
                    return pickle.load(outcome)
            with open(log_file, errors="replace") as log:
                problems.append("PySpark's process for %s exited with %d:\n%s" % (
                    name, process.returncode, log.read()[-3000:]))
    raise AssertionError("; ".join(problems))


def pyspark_available():
    """None when PySpark and Java can run, or why not."""
    try:
        importlib.import_module("pyspark")
    except ImportError as exc:
        return "PySpark is not installed: %s" % exc
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java on PATH and no JAVA_HOME"
    return None
