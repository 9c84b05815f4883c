"""The engine's folders form layers (docs/architecture.md): each folder of src/spate/ may
include only its own headers and those of the folders below it. An #include that points
upward fails this test, unless it is one of the known ones listed below, each waiting for
the change named beside it; fixing one means deleting its line here."""

import os
import re

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "src", "spate")

# Lower numbers are lower layers; folders of one number may include each other.
LAYER = {"common": 0, "sketches": 0, "types": 1, "expr": 2, "sql": 3, "plan": 3, "aggregates": 3, "exec": 4, "state": 4,
         "streaming": 5, "connectors": 6, "api": 7, "ui": 7}

# Known upward includes: (file, included folder) -> what removes it.
KNOWN = {}


def upward_includes():
    found = {}
    for root, _, files in os.walk(SRC):
        for name in files:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, SRC)
            folder = rel.split(os.sep)[0]
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    m = re.match(r'#include "spate/([a-z_]+)/', line)
                    if m and LAYER.get(m.group(1), -1) > LAYER[folder]:
                        found.setdefault((rel, m.group(1)), []).append(line.strip())
    return found


def test_every_folder_has_a_layer():
    assert sorted(d for d in os.listdir(SRC) if os.path.isdir(os.path.join(SRC, d))) == sorted(LAYER)


def test_no_new_include_points_upward():
    new = {k: v for k, v in upward_includes().items() if k not in KNOWN}
    assert not new, "includes that point to a higher layer:\n" + "\n".join(
        "%s: %s" % (k[0], line) for k, lines in sorted(new.items()) for line in lines)


def test_known_upward_includes_are_still_there():
    # A fixed one must leave KNOWN, so that the list only shrinks.
    gone = sorted(set(KNOWN) - set(upward_includes()))
    assert not gone, "no longer upward, delete from KNOWN: %s" % gone
