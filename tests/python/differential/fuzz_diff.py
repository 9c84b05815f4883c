"""A differential fuzzer: random well-typed SQL expressions and queries, generated from a seed,
run on Spate and on PySpark 4.1 and compared. A difference is shrunk to a small reproducer
(simpler sub-expressions, fewer rows) and can be saved as a regression case
(fuzz_regressions.json, with --save).

    python tests/python/differential/fuzz_diff.py --seconds 60 [--seed 7] [--save]
    make fuzz-diff SECONDS=60

Expressions are trees of typed nodes; each node is a template with typed holes. Each query
evaluates a batch of expressions as the columns of one SELECT (one pass on each engine); a
batch that differs is split until each difference stands alone.
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

    def outcome_pair(self, texts, rows):
        self.queries += 1
        for engine in (self.oracle.spate, self.oracle.pyspark):
            if self._views.get(engine.name) != rows:
                engine.spark.createDataFrame(rows, SCHEMA).createOrReplaceTempView("fz")
                self._views[engine.name] = list(rows)

        def program(sql, spark):
            return spark.sql("SELECT %s FROM fz" % ", ".join(
                "%s AS c%d" % (t, i) for i, t in enumerate(texts)))
        return (self.oracle.spate.run(program, False, keep_views=True),
                self.oracle.pyspark.run(program, False, keep_views=True))

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
        cases = load_regressions()
        known = {c["expr"] for c in cases}
        cases += [{"expr": c["expr"], "rows": c["rows"]} for c in found if c["expr"] not in known]
        with open(REGRESSIONS, "w") as out:
            json.dump(cases, out, indent=1, ensure_ascii=False)
            out.write("\n")
    return found


def replay(oracle, cases):
    """Each saved case run again: (case, why it still differs) for those that do."""
    fuzzer = Fuzzer(oracle)
    failing = []
    for case in cases:
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
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 30)
    oracle = Oracle()
    try:
        found = run(oracle, seed, seconds=args.seconds, save=args.save,
                    log=lambda line: print(line, flush=True))
    finally:
        oracle.pyspark.spark.stop()
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
