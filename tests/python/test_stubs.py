"""The package ships type information: _native.pyi (nanobind's stubgen output for the
extension, kept in step with it) and py.typed; its public classes have docstrings."""

import inspect
import os
import subprocess
import sys

import spate
import spate.errors
import spate.sql
import spate.sql.streaming

PACKAGE = os.path.dirname(spate.__file__)


def test_native_stub_matches_the_extension(tmp_path):
    out = tmp_path / "_native.pyi"
    subprocess.run([sys.executable, "-m", "nanobind.stubgen", "-q", "-m", "spate._native", "-o", str(out)],
                   check=True)
    with open(os.path.join(PACKAGE, "_native.pyi")) as shipped:
        assert shipped.read() == out.read_text(), "python/spate/_native.pyi is stale: run `make stubs`"
    assert os.path.exists(os.path.join(PACKAGE, "py.typed"))


def test_public_classes_have_docstrings():
    missing = []
    for module in (spate.sql, spate.sql.streaming, spate.sql.types, spate.errors):
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and not name.startswith("_") and obj.__module__.startswith("spate"):
                if not (obj.__doc__ or "").strip():
                    missing.append("%s.%s" % (module.__name__, name))
    assert missing == []
