"""Every public function of PySpark 4.1's `pyspark.sql.functions` is in `spate.sql.functions`,
with PySpark's parameters, or is listed with its reason in docs/compatibility.md
("Functions not in Spate")."""

import inspect
import os

import pytest

from compat_doc import listed_missing

SECTION = "## Functions not in Spate"


def pyspark_function_names():
    """The public function names of PySpark's functions module (its __all__)."""
    pf = pytest.importorskip("pyspark.sql.functions") if os.environ.get("CI") != "true" \
        else __import__("pyspark.sql.functions", fromlist=["*"])
    return sorted(n for n in pf.__all__ if callable(getattr(pf, n)) and not inspect.isclass(getattr(pf, n)))


def listed_exceptions():
    return listed_missing(SECTION)


def test_every_pyspark_function_is_in_spate_or_listed_with_a_reason():
    """PySpark 4.1's functions module is the list; a gap is documented, never silent."""
    import spate.sql.functions as sf
    names = pyspark_function_names()
    listed = listed_exceptions()
    missing = [n for n in names if not hasattr(sf, n)]
    unexplained = [n for n in missing if not listed.get(n)]
    stale = sorted(n for n in listed if hasattr(sf, n))
    covered = len(names) - len(missing)
    print("functions: %d of %d PySpark 4.1 names (%.1f%%)" % (covered, len(names),
                                                              100.0 * covered / len(names)))
    assert not unexplained, "missing from spate.sql.functions and not listed in %s: %s" % (
        SECTION, " ".join(unexplained))
    assert not stale, "listed as missing in docs/compatibility.md but present: %s" % " ".join(stale)
    assert covered >= 0.95 * len(names), "Spate has %d of PySpark's %d functions, fewer than 95%%" % (
        covered, len(names))


def test_spate_functions_take_pysparks_parameters():
    """Keyword calls written for PySpark work: same parameter names, order and kinds."""
    import pyspark.sql.functions as pf
    import spate.sql.functions as sf
    differ = []
    for name in pyspark_function_names():
        if not hasattr(sf, name):
            continue
        want = [(p.name, p.kind) for p in inspect.signature(getattr(pf, name)).parameters.values()]
        got = [(p.name, p.kind) for p in inspect.signature(getattr(sf, name)).parameters.values()]
        if got != want:
            differ.append("%s: spate %s, pyspark %s" % (name, got, want))
    assert not differ, "\n".join(differ)
