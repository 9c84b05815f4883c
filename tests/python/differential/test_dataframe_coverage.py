"""Every public method and property of PySpark 4.1's DataFrame, GroupedData, DataFrameNaFunctions
and DataFrameStatFunctions is in Spate's, with PySpark's parameters, or is listed with its reason
in docs/compatibility.md ("DataFrame methods not in Spate")."""

import inspect
import os

import pytest

from compat_doc import listed_missing

SECTION = "## DataFrame methods not in Spate"
CLASSES = [("pyspark.sql.dataframe", "spate.sql.dataframe", "DataFrame"),
           ("pyspark.sql.group", "spate.sql.group", "GroupedData"),
           ("pyspark.sql.dataframe", "spate.sql.dataframe", "DataFrameNaFunctions"),
           ("pyspark.sql.dataframe", "spate.sql.dataframe", "DataFrameStatFunctions")]


def classes():
    import importlib
    if os.environ.get("CI") != "true":
        pytest.importorskip("pyspark")
    for pyspark_module, spate_module, name in CLASSES:
        yield name, getattr(importlib.import_module(pyspark_module), name), \
            getattr(importlib.import_module(spate_module), name)


def listed_exceptions():
    return listed_missing(SECTION)


def public_names(cls):
    return sorted(n for n in dir(cls) if not n.startswith("_"))


def test_every_pyspark_dataframe_method_is_in_spate_or_listed():
    """A missing method is documented with its reason, never silent; a listed one that exists fails."""
    listed = listed_exceptions()
    missing, present, total = [], [], 0
    for name, theirs, ours in classes():
        for member in public_names(theirs):
            total += 1
            qualified = "%s.%s" % (name, member)
            (present if hasattr(ours, member) else missing).append(qualified)
    unexplained = [m for m in missing if not listed.get(m)]
    stale = sorted(m for m in listed if m in present)
    print("DataFrame API: %d of %d PySpark 4.1 members" % (len(present), total))
    assert not unexplained, "missing and not listed in %s: %s" % (SECTION, " ".join(unexplained))
    assert not stale, "listed as missing but present: %s" % " ".join(stale)


def test_spate_methods_take_pysparks_parameters():
    """Keyword calls written for PySpark work: same parameter names, order and kinds."""
    differ = []
    for name, theirs, ours in classes():
        for member in public_names(theirs):
            a, b = getattr(theirs, member, None), getattr(ours, member, None)
            if b is None or not inspect.isfunction(a) or not inspect.isfunction(b):
                continue
            want = [(p.name, p.kind) for p in inspect.signature(a).parameters.values()]
            got = [(p.name, p.kind) for p in inspect.signature(b).parameters.values()]
            if got != want:
                differ.append("%s.%s: spate %s, pyspark %s" % (name, member, got, want))
    assert not differ, "\n".join(differ)
