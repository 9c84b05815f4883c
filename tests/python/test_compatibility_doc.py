"""Every test that docs/compatibility.md names in its last column exists: a Python test file,
a test function (alone, after `file.py::` or after `::` for the file named before it), a SQL
golden file (`name.test`), or a C++ GoogleTest `Suite.Name` (with an instantiation prefix
`Prefix/`, a `/*` or a `*` pattern)."""

import fnmatch
import glob
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PY_TESTS = os.path.join(ROOT, "tests", "python")


def python_tests():
    """{file path relative to tests/python: set of test function names}."""
    out = {}
    for path in glob.glob(os.path.join(PY_TESTS, "**", "*.py"), recursive=True):
        with open(path) as source:
            out[os.path.relpath(path, PY_TESTS)] = set(re.findall(r"^\s*def (test_\w+)", source.read(), re.M))
    return out


def cpp_tests():
    """Every `Suite.Name` of tests/cpp."""
    names = set()
    for path in glob.glob(os.path.join(ROOT, "tests", "cpp", "**", "*.cc"), recursive=True):
        with open(path) as source:
            for suite, name in re.findall(r"\bTEST(?:_F|_P)?\(\s*(\w+)\s*,\s*(\w+)\s*\)", source.read()):
                names.add(suite + "." + name)
    return names


def named_tests():
    """(row number, name) for each backquoted name in the rows' last column."""
    with open(os.path.join(ROOT, "docs", "compatibility.md")) as doc:
        for number, line in enumerate(doc, 1):
            if line.startswith("|") and not line.startswith("|--"):
                for name in re.findall(r"`([^`]+)`", line.rstrip().rstrip("|").split("|")[-1]):
                    yield number, name


def missing_tests():
    py, cpp = python_tests(), cpp_tests()
    every_function = set().union(*py.values())
    by_file_name = {}
    for path in py:
        by_file_name.setdefault(os.path.basename(path), []).append(path)
    missing, last_file = [], None
    for number, name in named_tests():
        name = re.sub(r"\[[^\]]*\]$", "", name)  # a parameter: [rocksdb]
        if not name:
            continue
        file_part, _, function = name.partition("::")
        if file_part.endswith(".py"):
            if os.path.exists(os.path.join(ROOT, file_part)):  # a path from the repository's root
                continue
            files = [file_part] if file_part in py else by_file_name.get(os.path.basename(file_part), [])
            if not files:
                missing.append((number, name))
                continue
            last_file = files[0]
            if function and function not in py[last_file]:
                missing.append((number, name))
        elif name.startswith("::"):
            if last_file is None or function not in py[last_file]:
                missing.append((number, name))
        elif name.endswith(".test"):
            if not glob.glob(os.path.join(ROOT, "tests", "**", name), recursive=True):
                missing.append((number, name))
        elif re.fullmatch(r"test_\w+", name):
            if name not in every_function:
                missing.append((number, name))
        elif re.fullmatch(r"(\w+/)?\w+\.[\w*]+(/\*|/\w+)?", name):
            pattern = re.sub(r"^\w+/", "", name)  # an instantiation prefix: Providers/
            pattern = re.sub(r"/(\*|\w+)$", "", pattern)  # a parameter: /* or /0
            if not fnmatch.filter(cpp, pattern):
                missing.append((number, name))
    return missing


def test_the_compatibility_table_names_tests_that_exist():
    assert missing_tests() == []
