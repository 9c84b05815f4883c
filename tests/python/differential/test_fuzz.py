"""The differential fuzzer (fuzz_diff.py) as a test: a fixed seed and a fixed number of query
batches of random typed SQL expressions, and of random queries (WHERE, GROUP BY/HAVING, joins,
windows, ORDER BY + LIMIT, DISTINCT, set operations), must agree with PySpark 4.1, and so must
every reproducer it saved before (fuzz_regressions.json). Differences of a KNOWN class (fuzz_diff.KNOWN,
each explained there) are accepted."""

import pytest

import fuzz_diff
from oracle import pyspark_available

pytestmark = pytest.mark.skipif(pyspark_available() is not None, reason=str(pyspark_available()))

SEED = 20261203
BATCHES = 8  # about two minutes here
QUERIES = 60  # about two minutes here


@pytest.fixture
def fuzz_oracle(oracle):
    yield oracle
    for engine in (oracle.spate, oracle.pyspark):
        engine.drop_views()


def test_fixed_seed_finds_no_difference(fuzz_oracle, capsys):
    """SEED for BATCHES batches of 24 expressions over the fuzzer's table of edge values."""
    lines = []
    found = fuzz_diff.run(fuzz_oracle, SEED, queries=BATCHES, log=lines.append)
    with capsys.disabled():
        print("\n" + lines[-1])
    assert not found, "\n".join(lines)


def test_fixed_seed_queries_find_no_difference(fuzz_oracle, capsys):
    """SEED for QUERIES random queries of every shape over fz and fz2."""
    lines = []
    found = fuzz_diff.run_queries(fuzz_oracle, SEED, queries=QUERIES, log=lines.append)
    with capsys.disabled():
        print("\n" + lines[-1])
    assert not found, "\n".join(lines)


def test_saved_reproducers_agree(fuzz_oracle):
    """Every reproducer in fuzz_regressions.json agrees with PySpark (or is of a KNOWN class)."""
    cases = fuzz_diff.load_regressions()
    failing = fuzz_diff.replay(fuzz_oracle, cases)
    assert not failing, "%d of %d saved reproducers differ:\n%s" % (
        len(failing), len(cases), "\n".join("%s -- rows %s\n  %s" % (
            c["query"] if "query" in c else "SELECT %s FROM fz" % c["expr"], c["rows"],
            why.replace("\n", "\n  ")) for c, why in failing))
