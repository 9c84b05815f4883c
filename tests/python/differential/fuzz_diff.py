"""A differential fuzzer: random well-typed SQL expressions and queries, generated from a seed,
run on Spate and on PySpark 4.1 and compared. A difference is shrunk to a small reproducer
(simpler sub-expressions, fewer rows) and can be saved as a regression case
(fuzz_regressions.json, with --save).

    python tests/python/differential/fuzz_diff.py --seconds 60 [--seed 7] [--save]
    make fuzz-diff SECONDS=60

    python tests/python/differential/fuzz_diff.py --shapes queries --seconds 60

Expressions are trees of typed nodes; each node is a template with typed holes. Each query
evaluates a batch of expressions as the columns of one SELECT (one pass on each engine); a
batch that differs is split until each difference stands alone.

Queries (--shapes queries, or half the time of the default `both`) are random well-typed
queries over fz (ROWS and a few more, QROWS, each with a unique id) and a second small table
fz2 (ROWS2), in these shapes:

- select:    SELECT id, <exprs> FROM fz [WHERE <bool>]
- distinct:  SELECT DISTINCT <exprs> FROM fz [WHERE <bool>]
- order:     SELECT id, <exprs> FROM fz [WHERE] ORDER BY <expr> ASC|DESC [NULLS ..], id [LIMIT n]
             (total order thanks to id; compared in order)
- aggregate: SELECT <keys>, <aggregates> FROM fz [WHERE] [GROUP BY <keys>] [HAVING <cond>];
             count, count(DISTINCT), sum, sum(DISTINCT), avg, min, max, first of an input
             that is the same on every row
- join:      fz INNER|LEFT|RIGHT|FULL|LEFT SEMI|LEFT ANTI JOIN fz2 (or fz itself under fz2's
             column names) ON typed keys (INT, DOUBLE with NULL, -0.0, 0.0 and NaN, STRING,
             <=>, two keys, a non-equi part, OR) [WHERE]
- window:    row_number, rank, dense_rank, lag, lead, sum/count/min/max/avg/first over
             [PARTITION BY <expr>] ORDER BY <expr>, id [ROWS BETWEEN ..]; the id tie-break
             is left out only when every function gives the same result whatever order peers
             take (rank, dense_rank, aggregates over the default RANGE frame)
- setop:     SELECT <exprs> FROM fz [WHERE] UNION|UNION ALL|INTERSECT [ALL]|EXCEPT [ALL]
             SELECT <exprs of the same types> FROM fz [WHERE]

Keys, orderings, DISTINCT and set operation columns are never ARRAYs (Spate cannot group or
sort them yet). A query that differs is shrunk: optional clauses dropped, list items dropped,
expressions simplified, then rows of fz and of fz2 dropped. Saved regression cases are
{"expr", "rows"} for expressions and {"query", "rows", "rows2", "ordered"} for queries (rows
index ROWS, resp. QROWS and ROWS2).
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import json
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "python"))

from oracle import Failure, Frame, Oracle, difference  # noqa: E402

REGRESSIONS = os.path.join(HERE, "fuzz_regressions.json")

# The table every expression reads: one column per type, rows of edge values.
SCHEMA = ("i INT, l BIGINT, d DOUBLE, s STRING, b BOOLEAN, dt DATE, ts TIMESTAMP, "
          "dec DECIMAL(10,2), arr ARRAY<INT>, t STRING")
ROWS = [
    (1, 10, 1.5, "abc", True, datetime.date(2024, 2, 29),
     datetime.datetime(2024, 2, 29, 23, 59, 59, 999999), decimal.Decimal("12.34"), [1, 2, None], "x"),
    (-7, -3000000000, -0.0, "", False, datetime.date(1970, 1, 1),
     datetime.datetime(1970, 1, 1, 0, 0, 0), decimal.Decimal("-0.01"), [], "ÄbC é"),
    (2147483647, 9223372036854775807, float("nan"), "Straße 日本", None, datetime.date(2000, 12, 31),
     datetime.datetime(2000, 12, 31, 12, 30, 15, 500000), decimal.Decimal("99999999.99"), [3], "  pad  "),
    (-2147483648, -9223372036854775808, float("inf"), "a%b_c", True, datetime.date(1900, 3, 1),
     datetime.datetime(2038, 1, 19, 3, 14, 8), decimal.Decimal("0.00"), None, "12"),
    (None, None, None, None, None, None, None, None, None, None),
    (0, 0, 1e-300, " 42 ", False, datetime.date(2023, 12, 31),
     datetime.datetime(2023, 3, 26, 1, 30), decimal.Decimal("1.50"), [0, 0], "-3.5"),
    (42, 7, -2.5, "Hello World", True, datetime.date(2024, 1, 1),
     datetime.datetime(2024, 1, 1, 0, 0, 0, 1), decimal.Decimal("2.50"), [5, -5, 5], "2024-02-29"),
]

# Queries read fz with a unique `id` column (the row's index in QROWS, for total orderings)
# and these rows besides ROWS: groups of more than one row, 0.0 beside -0.0, a second NaN.
QROWS = ROWS + [
    (1, 10, 0.0, "abc", True, datetime.date(2024, 2, 29),
     datetime.datetime(2024, 2, 29, 23, 59, 59, 999999), decimal.Decimal("12.34"), [1, 2, None], "x"),
    (42, 7, float("nan"), "Hello World", False, datetime.date(2024, 1, 1),
     datetime.datetime(2024, 1, 1, 0, 0, 0, 1), decimal.Decimal("2.50"), [5, -5, 5], "x"),
    (None, 0, -0.0, "", None, datetime.date(1970, 1, 1), None, decimal.Decimal("0.00"), [], None),
]

# The second table of joins, fz2: keys of each type, NULL, 0.0 and -0.0, NaN.
SCHEMA2 = "k INT, kd DOUBLE, ks STRING, v BIGINT"
ROWS2 = [
    (1, 0.0, "abc", 10), (1, -0.0, "x", 7), (42, float("nan"), "", -3000000000),
    (None, None, None, None), (-7, float("inf"), "ÄbC é", 0), (0, 1.5, None, 10),
    (2147483647, -2.5, "abc", None),
]

# Leaves and templates per result type. "{INT}" is a hole for an INT expression, etc.
LEAVES = {
    "INT": ["i", "0", "1", "-1", "7", "2147483647", "CAST(NULL AS INT)"],
    "BIGINT": ["l", "CAST(3 AS BIGINT)", "9223372036854775807", "CAST(NULL AS BIGINT)"],
    "DOUBLE": ["d", "0.5D", "-0.0D", "CAST('NaN' AS DOUBLE)", "1e10D", "CAST(NULL AS DOUBLE)"],
    "STRING": ["s", "t", "''", "'abc'", "'ß'", "'%'", "CAST(NULL AS STRING)"],
    "BOOLEAN": ["b", "true", "false", "CAST(NULL AS BOOLEAN)"],
    "DATE": ["dt", "DATE'2024-02-29'", "DATE'1999-12-31'", "CAST(NULL AS DATE)"],
    "TIMESTAMP": ["ts", "TIMESTAMP'2024-03-10 02:30:00'", "CAST(NULL AS TIMESTAMP)"],
    "DECIMAL": ["dec", "1.25", "CAST(0.1 AS DECIMAL(10,2))"],
    "ARRAY": ["arr", "array(1, 2, 3)", "array(CAST(NULL AS INT))"],
}

TEMPLATES = {
    "INT": [
        "({INT} + {INT})", "({INT} - {INT})", "({INT} * {INT})", "({INT} % {INT})", "(- {INT})",
        "abs({INT})", "length({STRING})", "CAST({DOUBLE} AS INT)", "CAST({STRING} AS INT)",
        "TRY_CAST({STRING} AS INT)", "CAST({BIGINT} AS INT)", "year({DATE})", "month({DATE})",
        "dayofmonth({DATE})", "hour({TIMESTAMP})", "minute({TIMESTAMP})", "second({TIMESTAMP})",
        "size({ARRAY})", "coalesce({INT}, {INT})", "greatest({INT}, {INT})", "least({INT}, {INT})",
        "CASE WHEN {BOOLEAN} THEN {INT} ELSE {INT} END", "IF({BOOLEAN}, {INT}, {INT})",
        "nullif({INT}, {INT})", "datediff({DATE}, {DATE})", "instr({STRING}, {STRING})",
        "locate({STRING}, {STRING})", "ascii({STRING})", "element_at({ARRAY}, 1)",
        "dayofweek({DATE})", "dayofyear({DATE})", "quarter({DATE})", "weekofyear({DATE})",
    ],
    "BIGINT": [
        "({BIGINT} + {BIGINT})", "({BIGINT} * {INT})", "({INT} div {INT})", "CAST({INT} AS BIGINT)",
        "unix_timestamp({TIMESTAMP})", "CAST({DOUBLE} AS BIGINT)", "({BIGINT} - {BIGINT})",
    ],
    "DOUBLE": [
        "({DOUBLE} + {DOUBLE})", "({DOUBLE} * {DOUBLE})", "({DOUBLE} / {DOUBLE})", "({INT} / {INT})",
        "CAST({INT} AS DOUBLE)", "CAST({STRING} AS DOUBLE)", "TRY_CAST({STRING} AS DOUBLE)",
        "abs({DOUBLE})", "(- {DOUBLE})", "CAST({DECIMAL} AS DOUBLE)", "greatest({DOUBLE}, {DOUBLE})",
        "coalesce({DOUBLE}, {DOUBLE})", "({DOUBLE} % {DOUBLE})",
    ],
    "STRING": [
        "upper({STRING})", "lower({STRING})", "concat({STRING}, {STRING})",
        "concat_ws('-', {STRING}, {STRING})", "substring({STRING}, {INT}, {INT})",
        "substr({STRING}, {INT})", "trim({STRING})", "ltrim({STRING})", "rtrim({STRING})",
        "lpad({STRING}, 6, '*')", "rpad({STRING}, 2, 'xy')", "replace({STRING}, 'a', 'Z')",
        "reverse({STRING})", "initcap({STRING})", "repeat({STRING}, 2)", "left({STRING}, 2)",
        "right({STRING}, 3)", "CAST({INT} AS STRING)", "CAST({DOUBLE} AS STRING)",
        "CAST({DATE} AS STRING)", "CAST({TIMESTAMP} AS STRING)", "CAST({BOOLEAN} AS STRING)",
        "CAST({DECIMAL} AS STRING)", "date_format({TIMESTAMP}, 'yyyy-MM-dd HH:mm')",
        "date_format({DATE}, 'EEE dd MMM')", "regexp_replace({STRING}, '[a-c]', '#')",
        "regexp_extract({STRING}, '([a-z]+)', 1)", "coalesce({STRING}, 'none')",
        "CASE WHEN {BOOLEAN} THEN {STRING} END", "split({STRING}, ' ')[0]",
        "array_join({ARRAY}, ',')", "get_json_object('{\"a\": [1, \"x\"]}', '$.a[1]')",
        "to_json(named_struct('k', {INT}, 'v', {STRING}))",
    ],
    "BOOLEAN": [
        "({INT} = {INT})", "({INT} < {INT})", "({STRING} <= {STRING})", "({DOUBLE} > {DOUBLE})",
        "({DOUBLE} = {DOUBLE})", "({INT} <=> {INT})", "({BOOLEAN} AND {BOOLEAN})",
        "({BOOLEAN} OR {BOOLEAN})", "(NOT {BOOLEAN})", "isnull({INT})", "isnotnull({STRING})",
        "({STRING} LIKE 'a%')", "({STRING} LIKE '%\\\\_%')", "({STRING} RLIKE '[0-9]')",
        "({INT} IN (1, 2, NULL))", "({STRING} IN ('abc', ''))", "startswith({STRING}, 'a')",
        "endswith({STRING}, {STRING})", "contains({STRING}, {STRING})", "({DATE} < {DATE})",
        "({TIMESTAMP} >= {TIMESTAMP})", "array_contains({ARRAY}, {INT})", "CAST({INT} AS BOOLEAN)",
        "CAST({STRING} AS BOOLEAN)", "({DECIMAL} > {DECIMAL})",
    ],
    "DATE": [
        "date_add({DATE}, {INT})", "date_sub({DATE}, 3)", "CAST({TIMESTAMP} AS DATE)",
        "to_date({STRING})", "CAST({STRING} AS DATE)", "last_day({DATE})",
        "trunc({DATE}, 'MM')", "trunc({DATE}, 'year')", "({DATE} + {INT})", "coalesce({DATE}, DATE'2000-01-01')",
    ],
    "TIMESTAMP": [
        "CAST({DATE} AS TIMESTAMP)", "to_timestamp({STRING})", "date_trunc('hour', {TIMESTAMP})",
        "date_trunc('month', {TIMESTAMP})", "({TIMESTAMP} + INTERVAL 1 DAY)",
        "({TIMESTAMP} - INTERVAL '2' HOUR)", "from_unixtime({INT})",
    ],
    "DECIMAL": [
        "({DECIMAL} + {DECIMAL})", "({DECIMAL} * {DECIMAL})", "({DECIMAL} - {INT})",
        "CAST({INT} AS DECIMAL(12,3))", "CAST({DOUBLE} AS DECIMAL(10,2))", "abs({DECIMAL})",
        "({DECIMAL} / {DECIMAL})",
    ],
    "ARRAY": [
        "array({INT}, {INT})", "sort_array({ARRAY})", "array_distinct({ARRAY})",
        "array({INT})",
    ],
}
TYPES = sorted(LEAVES)
COLUMNS = {"i", "l", "d", "s", "b", "dt", "ts", "dec", "arr", "t"}


class Node:
    """An expression tree: a template and its filled holes."""

    def __init__(self, type_, template, children=()):
        self.type, self.template, self.children = type_, template, list(children)

    def sql(self):
        out, pos = self.template, 0
        for child in self.children:
            start = out.index("{" + child.type + "}", pos)
            text = child.sql()
            out = out[:start] + text + out[start + len(child.type) + 2:]
            pos = start + len(text)
        return out

    def size(self):
        return 1 + sum(c.size() for c in self.children)


def holes(template):
    found, pos = [], 0
    while True:
        start = template.find("{", pos)
        if start < 0:
            return found
        end = template.find("}", start)
        name = template[start + 1:end]
        if name in LEAVES:
            found.append(name)
        pos = end + 1


def generate(rng, type_, depth):
    if depth <= 0 or rng.random() < 0.3:
        return Node(type_, rng.choice(LEAVES[type_]))
    template = rng.choice(TEMPLATES[type_])
    return Node(type_, template, [generate(rng, h, depth - 1) for h in holes(template)])


def simpler(node):
    """Candidate replacements of `node`, simplest first: leaves of its type, then its
    same-typed descendants, then itself with one child simplified."""
    for leaf in LEAVES[node.type][:3]:
        if node.children or node.template != leaf:
            yield Node(node.type, leaf)
    for child in node.children:
        if child.type == node.type:
            yield child
    for i, child in enumerate(node.children):
        for smaller in simpler(child):
            yield Node(node.type, node.template, node.children[:i] + [smaller] + node.children[i + 1:])


# Differences that are known and accepted, each with its reason (docs/compatibility.md).
KNOWN = {
    "error-order": "Both engines fail, with two different errors that the expression really "
                   "has: each engine's error is raised alike by both engines for a part of the "
                   "expression or for one row alone. Spark stops at the first row that raises "
                   "and folds constant parts (raising their errors) before any row runs; Spate "
                   "evaluates each part over a whole batch in turn, so which error is reported "
                   "first can differ.",
    "constant-error": "Spark fails and Spate gives NULL: a constant part of the expression "
                      "raises (alike on both engines when run alone), and another part is NULL "
                      "once folded. Spark folds constants top-down before it propagates NULL "
                      "(raising the constant's error while planning); Spate folds bottom-up, "
                      "NULL first, and so never runs the constant.",
    "spark-internal-error": "Both engines fail; Spark with a JVM exception that carries no "
                            "error condition (an ArithmeticException converting a date tens "
                            "of thousands of years away to microseconds), Spate with an error "
                            "condition of Spark's (CAST_OVERFLOW).",
    "python-range": "Both engines compute a date outside Python's datetime range and fail to "
                    "return it to Python: PySpark with ValueError, Spate (pyarrow) with "
                    "OverflowError.",
}


class Fuzzer:
    def __init__(self, oracle):
        self.oracle = oracle
        self.queries = 0
        self.known = {}  # expression -> the KNOWN class it fell in
        self._views = {}  # engine name -> the rows its view fz holds

    def load(self, rows, rows2=ROWS2):
        """Makes fz hold `rows` (each with its index in QROWS as id) and fz2 `rows2`."""
        for engine in (self.oracle.spate, self.oracle.pyspark):
            if self._views.get(engine.name) != (rows, rows2):
                with_id = [(_row_id(r),) + tuple(r) for r in rows]
                engine.spark.createDataFrame(with_id, "id INT, " + SCHEMA).createOrReplaceTempView("fz")
                engine.spark.createDataFrame(list(rows2), SCHEMA2).createOrReplaceTempView("fz2")
                self._views[engine.name] = (list(rows), list(rows2))

    def sql_pair(self, text, rows, rows2=ROWS2):
        """The outcomes of the SQL query `text` on Spate and PySpark."""
        self.queries += 1
        self.load(rows, rows2)

        def program(sql, spark):
            return spark.sql(text)
        return (self.oracle.spate.run(program, False, keep_views=True),
                self.oracle.pyspark.run(program, False, keep_views=True))

    def outcome_pair(self, texts, rows):
        return self.sql_pair("SELECT %s FROM fz" % ", ".join(
            "%s AS c%d" % (t, i) for i, t in enumerate(texts)), rows)

    def known_class(self, expr, rows, got, want):
        """The KNOWN class of a difference of `expr` (a Node, or text) over `rows`, or None."""
        if isinstance(want, Failure) and isinstance(got, Frame) and isinstance(expr, Node):
            if all(v is None for r in got.rows for _, v in r[1]):
                for part in _descendants(expr):
                    if _is_constant(part):
                        g, w = self.outcome_pair([part.sql()], rows)
                        if _both_fail_alike(g, w) and g.condition == want.condition:
                            return "constant-error"
            return None
        if not (isinstance(got, Failure) and isinstance(want, Failure)):
            return None
        if want.condition == "Py4JJavaError" and got.condition.isupper():
            return "spark-internal-error"
        if {got.condition, want.condition} == {"OverflowError", "ValueError"}:
            return "python-range"
        # The errors both engines agree the expression has: those of its parts over the
        # same rows, and its own on each row alone.
        agreed = set()
        wanted = {got.condition, want.condition}
        parts = {n.sql() for n in _descendants(expr)} if isinstance(expr, Node) else set()
        text = expr.sql() if isinstance(expr, Node) else expr
        trials = [(p, rows) for p in sorted(parts)]
        if len(rows) > 1:
            trials += [(text, [row]) for row in rows]
        for part, part_rows in trials:
            g, w = self.outcome_pair([part], part_rows)
            if _both_fail_alike(g, w):
                agreed.add(g.condition)
                if wanted <= agreed:
                    return "error-order"
        return None

    def differs(self, expr, rows):
        """Why `expr` (a Node, or text) over `rows` differs on the two engines; None when it
        does not or when the difference is a KNOWN one."""
        text = expr.sql() if isinstance(expr, Node) else expr
        got, want = self.outcome_pair([text], rows)
        return self.judge(expr, rows, got, want)

    def judge(self, expr, rows, got, want):
        if _both_fail_alike(got, want):
            return None
        why = difference(got, want, ordered=True)
        if why is not None:
            known = self.known_class(expr, rows, got, want)
            if known is not None:
                self.known[expr.sql() if isinstance(expr, Node) else expr] = known
                return None
        return why

    def check_batch(self, nodes):
        """The nodes whose expressions differ (each checked alone when the batch differs)."""
        texts = [n.sql() for n in nodes]
        got, want = self.outcome_pair(texts, ROWS)
        if isinstance(got, Frame) and isinstance(want, Frame) and \
                difference(got, want, ordered=True) is None:
            return []
        if len(nodes) == 1:
            return [] if self.judge(nodes[0], ROWS, got, want) is None else nodes
        half = len(nodes) // 2
        return self.check_batch(nodes[:half]) + self.check_batch(nodes[half:])

    def shrink(self, node):
        """A smaller expression and fewer rows with a difference still."""
        rows = list(ROWS)
        changed = True
        while changed:
            changed = False
            for candidate in simpler(node):
                if candidate.size() < node.size() and self.differs(candidate, rows):
                    node, changed = candidate, True
                    break
        for i in range(len(rows) - 1, -1, -1):
            fewer = rows[:i] + rows[i + 1:]
            if fewer and self.differs(node, fewer):
                rows = fewer
        return node, rows


def _row_id(row):
    for i, known in enumerate(QROWS):
        if known is row or repr(known) == repr(row):
            return i
    raise ValueError("not a row of QROWS: %r" % (row,))


def _is_constant(node):
    """Whether `node` reads no column (its leaves are all literals)."""
    if not node.children:
        return node.template not in COLUMNS
    return all(_is_constant(c) for c in node.children)


def _descendants(node):
    for child in node.children:
        yield child
        yield from _descendants(child)


def _both_fail_alike(got, want):
    return isinstance(got, Failure) and isinstance(want, Failure) and got.condition == want.condition


# --- Queries -------------------------------------------------------------------------------
#
# A query is a shape and its parts: expression trees (Nodes), lists and pairs of them, choices
# (strings) and optional parts (None when absent). Aggregates, HAVING conditions and window
# functions are Nodes of their own kinds (AGG, HAVING, WINDOW), templates whose holes are
# ordinary typed expressions; "{SPEC}" in a window function is the query's window.

NUMERIC = ["INT", "BIGINT", "DOUBLE", "DECIMAL"]
# Types of grouping keys, sort keys, DISTINCT and set operation columns, and of min/max:
# all but ARRAY, which Spate cannot group or sort yet.
KEYS = [t for t in TYPES if t != "ARRAY"]
ORDERED = [t for t in KEYS if t != "BOOLEAN"]
AGGREGATES = (["count(*)"] + ["count({%s})" % t for t in ("INT", "STRING", "DOUBLE", "DATE")]
              + ["sum({%s})" % t for t in NUMERIC] + ["avg({%s})" % t for t in NUMERIC]
              + ["min({%s})" % t for t in ORDERED] + ["max({%s})" % t for t in ORDERED]
              + ["count(DISTINCT {%s})" % t for t in ("INT", "DOUBLE", "STRING", "DATE")]
              + ["sum(DISTINCT {DOUBLE})", "count(DISTINCT {INT}, {STRING})",
                 "max({BOOLEAN})", "first(7)", "first({DATE} = {DATE} OR true)"])
HAVINGS = ["count(*) > 1", "count({INT}) >= 1", "max({DOUBLE}) > 0", "min({STRING}) <= 'b'",
           "sum({INT}) IS NOT NULL", "avg({DECIMAL}) < 10", "max({BOOLEAN})"]
# Window functions; those of ORDER_FREE give the same result whatever order peers take.
WINDOWS = [
    "row_number() OVER ({SPEC})", "rank() OVER ({SPEC})", "dense_rank() OVER ({SPEC})",
    "lag({INT}) OVER ({SPEC})", "lead({STRING}, 2, 'z') OVER ({SPEC})",
    "lag({DOUBLE}, 1, 0.5D) OVER ({SPEC})", "lead({DATE}) OVER ({SPEC})",
    "sum({INT}) OVER ({SPEC})", "sum({DOUBLE}) OVER ({SPEC})", "count({STRING}) OVER ({SPEC})",
    "max({DOUBLE}) OVER ({SPEC})", "avg({DECIMAL}) OVER ({SPEC})",
    "sum({DOUBLE}) OVER ({SPEC} ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)",
    "sum({BIGINT}) OVER ({SPEC} ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING)",
    "min({INT}) OVER ({SPEC} ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)",
    "max({STRING}) OVER ({SPEC} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)",
    "count(*) OVER ({SPEC} ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING)",
    "avg({DOUBLE}) OVER ({SPEC} ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)",
    "first({INT}) OVER ({SPEC} ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING)",
]
ORDER_FREE = {"rank() OVER ({SPEC})", "dense_rank() OVER ({SPEC})", "sum({INT}) OVER ({SPEC})",
              "count({STRING}) OVER ({SPEC})", "max({DOUBLE}) OVER ({SPEC})",
              "avg({DECIMAL}) OVER ({SPEC})"}
# Join conditions between fz and the right side (fz2, or fz itself under fz2's names).
JOIN_KEYS = ["i = k", "d = kd", "s = ks", "i <=> k", "d <=> kd", "i = k AND s = ks", "l = v",
             "i = k AND d > kd", "CAST(d AS INT) = k", "upper(s) = upper(ks)", "i = k OR d = kd"]
JOIN_TYPES = ["INNER", "LEFT", "RIGHT", "FULL", "LEFT SEMI", "LEFT ANTI"]
SELF = "(SELECT id AS id2, i AS k, d AS kd, s AS ks, l AS v FROM fz)"
SET_OPS = ["UNION", "UNION ALL", "INTERSECT", "INTERSECT ALL", "EXCEPT", "EXCEPT ALL"]
SHAPES = ["select", "distinct", "order", "aggregate", "join", "window", "setop"]


class Query:
    """A query shape and its parts; sql() renders it, `ordered` says whether its rows come
    in a total order (compared in order) or as a multiset."""

    def __init__(self, shape, parts):
        self.shape, self.parts = shape, dict(parts)

    def sql(self):
        return RENDER[self.shape](self.parts)

    @property
    def ordered(self):
        return self.shape == "order"

    def size(self):
        return _size(list(self.parts.values()))

    def nodes(self):
        return list(_nodes(list(self.parts.values())))


def _size(value):
    if isinstance(value, Node):
        return value.size()
    if isinstance(value, (list, tuple)):
        return 1 + sum(_size(v) for v in value)
    return 0 if value is None else 1


def _nodes(value):
    if isinstance(value, Node):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _nodes(v)


def _where(parts, key="where"):
    return "" if parts.get(key) is None else " WHERE " + parts[key].sql()


def _columns(nodes, prefix="c"):
    return ", ".join("%s AS %s%d" % (n.sql(), prefix, i) for i, n in enumerate(nodes))


def _with_id(nodes):
    return ", ".join(["id"] + ([_columns(nodes)] if nodes else []))


def _render_select(parts):
    return "SELECT %s FROM fz%s" % (_with_id(parts["cols"]), _where(parts))


def _render_distinct(parts):
    return "SELECT DISTINCT %s FROM fz%s" % (_columns(parts["cols"]), _where(parts))


def _render_order(parts):
    limit = "" if parts["limit"] is None else " LIMIT %d" % parts["limit"]
    return "SELECT %s FROM fz%s ORDER BY %s %s, id%s" % (
        _with_id(parts["cols"]), _where(parts), parts["key"].sql(), parts["direction"], limit)


def _render_aggregate(parts):
    keys = parts["keys"] or []
    out = ", ".join(filter(None, [_columns(keys, "g"), _columns(parts["aggs"], "a")]))
    text = "SELECT %s FROM fz%s" % (out, _where(parts))
    if keys:
        text += " GROUP BY " + ", ".join(k.sql() for k in keys)
    if parts["having"] is not None:
        text += " HAVING " + parts["having"].sql()
    return text


def _render_join(parts):
    right = "fz2" if parts["right"] == "fz2" else SELF + " r"
    cols = ["id"] + ([] if "SEMI" in parts["type"] or "ANTI" in parts["type"] else ["k", "kd", "ks", "v"])
    if parts["cols"]:
        cols.append(_columns(parts["cols"]))
    return "SELECT %s FROM fz %s JOIN %s ON %s%s" % (
        ", ".join(cols), parts["type"], right, parts["on"], _where(parts))


def _render_window(parts):
    spec = "ORDER BY %s%s" % (parts["key"].sql(), ", id" if parts["tiebreak"] else "")
    if parts["partition"] is not None:
        spec = "PARTITION BY %s %s" % (parts["partition"].sql(), spec)
    fns = ", ".join("%s AS w%d" % (f.sql().replace("{SPEC}", spec), i)
                    for i, f in enumerate(parts["fns"]))
    return "SELECT %s, %s FROM fz%s" % (_with_id(parts["cols"]), fns, _where(parts))


def _render_setop(parts):
    left = _columns([p[0] for p in parts["cols"]])
    right = ", ".join(p[1].sql() for p in parts["cols"])
    return "SELECT %s FROM fz%s %s SELECT %s FROM fz%s" % (
        left, _where(parts, "where"), parts["op"], right, _where(parts, "where2"))


RENDER = {"select": _render_select, "distinct": _render_distinct, "order": _render_order,
          "aggregate": _render_aggregate, "join": _render_join, "window": _render_window,
          "setop": _render_setop}


def _maybe(rng, make, p=0.5):
    return make() if rng.random() < p else None


def generate_query(rng, depth=2):
    """A random well-typed query of a random shape."""
    shape = rng.choice(SHAPES)

    def expr(type_=None):  # often a plain column: keys and orderings of the edge values
        type_ = type_ or rng.choice(TYPES)
        return Node(type_, LEAVES[type_][0]) if rng.random() < 0.4 else generate(rng, type_, depth)

    def cols(lo=1, hi=4, types=TYPES):
        return [expr(rng.choice(types)) for _ in range(rng.randint(lo, hi))]

    def where():
        return _maybe(rng, lambda: expr("BOOLEAN"), 0.6)

    def kind(kind_, templates):
        template = rng.choice(templates)
        return Node(kind_, template, [expr(h) for h in holes(template)])

    if shape in ("select", "distinct"):
        return Query(shape, {"cols": cols(types=KEYS if shape == "distinct" else TYPES),
                             "where": where()})
    if shape == "order":
        return Query(shape, {"cols": cols(0, 3), "where": where(), "key": expr(rng.choice(KEYS)),
                             "direction": rng.choice(["ASC", "DESC", "ASC NULLS LAST", "DESC NULLS FIRST"]),
                             "limit": _maybe(rng, lambda: rng.randint(0, 5), 0.7)})
    if shape == "aggregate":
        return Query(shape, {"keys": _maybe(rng, lambda: cols(1, 2, KEYS), 0.8),
                             "aggs": [kind("AGG", AGGREGATES) for _ in range(rng.randint(1, 4))],
                             "where": where(), "having": _maybe(rng, lambda: kind("HAVING", HAVINGS), 0.4)})
    if shape == "join":
        return Query(shape, {"type": rng.choice(JOIN_TYPES), "right": rng.choice(["fz2", "self"]),
                             "on": rng.choice(JOIN_KEYS), "cols": cols(0, 2),
                             "where": _maybe(rng, lambda: expr("BOOLEAN"), 0.3)})
    if shape == "window":
        fns = [kind("WINDOW", WINDOWS) for _ in range(rng.randint(1, 3))]
        free = all(f.template in ORDER_FREE for f in fns)
        return Query(shape, {"cols": cols(0, 2), "fns": fns, "where": where(),
                             "partition": _maybe(rng, lambda: expr(rng.choice(KEYS)), 0.6),
                             "key": expr(rng.choice(KEYS)),
                             "tiebreak": not free or rng.random() < 0.5})
    types = [rng.choice(KEYS) for _ in range(rng.randint(1, 3))]
    return Query(shape, {"op": rng.choice(SET_OPS), "cols": [(expr(t), expr(t)) for t in types],
                         "where": where(), "where2": where()})


def _simpler_any(node):
    """simpler() for any Node: an expression's, or an aggregate's, HAVING's or window
    function's with its arguments simplified (an aggregate first as count(*))."""
    if node.type in LEAVES:
        yield from simpler(node)
        return
    if node.type == "AGG" and node.template != "count(*)":
        yield Node("AGG", "count(*)")
    for i, child in enumerate(node.children):
        for smaller in simpler(child):
            yield Node(node.type, node.template, node.children[:i] + [smaller] + node.children[i + 1:])


# The parts a query may lose, and those that are lists that must keep one element.
OPTIONAL = {"where", "where2", "having", "limit", "partition", "keys"}
KEEP_ONE = {"aggs", "fns"}


def _variants(value, keep_one):
    """Smaller replacements of one part's value."""
    if isinstance(value, Node):
        yield from _simpler_any(value)
    elif isinstance(value, list):
        if len(value) > (1 if keep_one else 0):
            for i in range(len(value)):
                yield value[:i] + value[i + 1:]
        for i, item in enumerate(value):
            for smaller in _variants(item, False):
                yield value[:i] + [smaller] + value[i + 1:]
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            for smaller in _variants(item, False):
                yield value[:i] + (smaller,) + value[i + 1:]


def simpler_queries(query):
    """Candidate smaller queries: an optional part dropped, then each part made smaller."""
    for name, value in query.parts.items():
        if name in OPTIONAL and value is not None:
            yield Query(query.shape, dict(query.parts, **{name: None}))
    for name, value in query.parts.items():
        if name == "cols" and query.shape in ("select", "distinct", "setop") and len(value) == 1:
            continue
        for smaller in _variants(value, name in KEEP_ONE):
            yield Query(query.shape, dict(query.parts, **{name: smaller}))


class QueryFuzzer(Fuzzer):
    """The Fuzzer's comparisons for whole queries over fz and fz2."""

    def differs_query(self, query, rows, rows2, ordered=None):
        """Why `query` (a Query, or SQL text) over `rows` and `rows2` differs on the two
        engines; None when it does not or when the difference is a KNOWN one."""
        text = query.sql() if isinstance(query, Query) else query
        ordered = query.ordered if ordered is None else ordered
        got, want = self.sql_pair(text, rows, rows2)
        if _both_fail_alike(got, want):
            return None
        why = difference(got, want, ordered=ordered)
        if why is not None and isinstance(query, Query):
            known = self.known_query_class(query, rows, got, want)
            if known is not None:
                self.known[text] = known
                return None
        return why

    def known_query_class(self, query, rows, got, want):
        """The KNOWN class of a difference of a query: that of its expressions' errors."""
        if isinstance(got, Failure) and isinstance(want, Failure):
            if want.condition == "Py4JJavaError" and got.condition.isupper():
                return "spark-internal-error"
            if {got.condition, want.condition} == {"OverflowError", "ValueError"}:
                return "python-range"
        elif not isinstance(want, Failure):
            return None
        wanted, agreed = {want.condition}, set()
        if isinstance(got, Failure):
            wanted.add(got.condition)
        parts = set()
        for node in query.nodes():
            tops = [node] if node.type in LEAVES else node.children
            for top in tops:
                parts.add(top.sql())
                parts.update(d.sql() for d in _descendants(top))
        for part in sorted(parts, key=len)[:40]:
            g, w = self.outcome_pair([part], rows)
            if _both_fail_alike(g, w):
                agreed.add(g.condition)
                if wanted <= agreed:
                    return "error-order" if isinstance(got, Failure) else "constant-error"
        return None

    def shrink_query(self, query):
        """A smaller query and fewer rows (of both tables) with a difference still."""
        rows, rows2 = list(QROWS), list(ROWS2)
        changed = True
        while changed:
            changed = False
            for candidate in simpler_queries(query):
                if candidate.size() < query.size() and self.differs_query(candidate, rows, rows2):
                    query, changed = candidate, True
                    break
        for i in range(len(rows) - 1, -1, -1):
            fewer = rows[:i] + rows[i + 1:]
            if self.differs_query(query, fewer, rows2):
                rows = fewer
        if query.shape == "join":
            for i in range(len(rows2) - 1, -1, -1):
                fewer = rows2[:i] + rows2[i + 1:]
                if self.differs_query(query, rows, fewer):
                    rows2 = fewer
        return query, rows, rows2


def run_queries(oracle, seed, seconds=None, queries=None, save=False, log=print):
    """Fuzzes random queries until `seconds` pass or `queries` ran; returns the shrunk
    differences."""
    rng = random.Random(seed)
    fuzzer = QueryFuzzer(oracle)
    found, seen, count = [], set(), 0
    started = time.monotonic()
    shapes = {}
    while True:
        if seconds is not None and time.monotonic() - started > seconds:
            break
        if queries is not None and count >= queries:
            break
        query = generate_query(rng)
        count += 1
        shapes[query.shape] = shapes.get(query.shape, 0) + 1
        if not fuzzer.differs_query(query, QROWS, ROWS2):
            continue
        small, rows, rows2 = fuzzer.shrink_query(query)
        key = small.sql()
        if key in seen:
            continue
        seen.add(key)
        why = fuzzer.differs_query(small, rows, rows2) or "no longer differs"
        case = {"query": key, "rows": [_row_id(r) for r in rows],
                "rows2": [ROWS2.index(r) for r in rows2], "ordered": small.ordered}
        found.append(dict(case, why=why))
        log("difference: %s  -- rows %s, fz2 rows %s\n  %s" % (
            key, case["rows"], case["rows2"], why.replace("\n", "\n  ")))
    elapsed = time.monotonic() - started
    log("fuzz-diff queries: seed %d, %d queries (%s) in %d runs, %.1f s, %d differences, "
        "%d known (%s)" % (seed, count, ", ".join("%s %d" % kv for kv in sorted(shapes.items())),
                           fuzzer.queries, elapsed, len(found), len(fuzzer.known),
                           ", ".join(sorted(set(fuzzer.known.values()))) or "-"))
    if save and found:
        _save([{k: v for k, v in c.items() if k != "why"} for c in found])
    return found


def run(oracle, seed, seconds=None, queries=None, batch=24, depth=4, save=False, log=print):
    """Fuzzes until `seconds` pass or `queries` batches ran; returns the shrunk differences."""
    rng = random.Random(seed)
    fuzzer = Fuzzer(oracle)
    found, seen, expressions = [], set(), 0
    started = time.monotonic()
    batches = 0
    while True:
        if seconds is not None and time.monotonic() - started > seconds:
            break
        if queries is not None and batches >= queries:
            break
        nodes = [generate(rng, rng.choice(TYPES), depth) for _ in range(batch)]
        expressions += len(nodes)
        batches += 1
        for bad in fuzzer.check_batch(nodes):
            small, rows = fuzzer.shrink(bad)
            key = small.sql()
            if key in seen:
                continue
            seen.add(key)
            why = fuzzer.differs(small, rows) or "no longer differs"
            case = {"expr": key, "rows": [ROWS.index(r) for r in rows], "why": why}
            found.append(case)
            log("difference: SELECT %s FROM fz  -- rows %s\n  %s" % (key, case["rows"], why.replace("\n", "\n  ")))
    elapsed = time.monotonic() - started
    log("fuzz-diff: seed %d, %d batches, %d expressions in %d queries, %.1f s: %.1f expressions/s, "
        "%d differences, %d known (%s)"
        % (seed, batches, expressions, fuzzer.queries, elapsed, expressions / max(elapsed, 1e-9),
           len(found), len(fuzzer.known), ", ".join(sorted(set(fuzzer.known.values()))) or "-"))
    if save and found:
        _save([{"expr": c["expr"], "rows": c["rows"]} for c in found])
    return found


def _save(new_cases):
    """Appends the cases not saved yet to fuzz_regressions.json."""
    cases = load_regressions()
    known = {c.get("expr") or c.get("query") for c in cases}
    cases += [c for c in new_cases if (c.get("expr") or c.get("query")) not in known]
    with open(REGRESSIONS, "w") as out:
        json.dump(cases, out, indent=1, ensure_ascii=False)
        out.write("\n")


def replay(oracle, cases):
    """Each saved case run again: (case, why it still differs) for those that do."""
    fuzzer = QueryFuzzer(oracle)
    failing = []
    for case in cases:
        if "query" in case:  # a whole query over fz (rows of QROWS) and fz2 (rows of ROWS2)
            why = fuzzer.differs_query(case["query"], [QROWS[i] for i in case["rows"]],
                                       [ROWS2[i] for i in case.get("rows2", range(len(ROWS2)))],
                                       ordered=case.get("ordered", False))
        else:
            why = fuzzer.differs(case["expr"], [ROWS[i] for i in case["rows"]])
        if why is not None:
            failing.append((case, why))
    return failing


def load_regressions():
    if not os.path.exists(REGRESSIONS):
        return []
    with open(REGRESSIONS) as src:
        return json.load(src)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--save", action="store_true", help="append shrunk differences to "
                        "fuzz_regressions.json")
    parser.add_argument("--shapes", choices=["expressions", "queries", "both"], default="both",
                        help="fuzz expressions, queries, or both (half the time each)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 30)
    oracle = Oracle()
    log = lambda line: print(line, flush=True)  # noqa: E731
    try:
        found = []
        if args.shapes in ("expressions", "both"):
            share = args.seconds / 2 if args.shapes == "both" else args.seconds
            found += run(oracle, seed, seconds=share, save=args.save, log=log)
        if args.shapes in ("queries", "both"):
            share = args.seconds / 2 if args.shapes == "both" else args.seconds
            found += run_queries(oracle, seed, seconds=share, save=args.save, log=log)
    finally:
        oracle.pyspark.spark.stop()
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
