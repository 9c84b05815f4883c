"""The tables of docs/compatibility.md that coverage tests read: names missing from Spate,
each with its reason."""

import os
import re

DOC = os.path.join(os.path.dirname(__file__), "..", "..", "..", "docs", "compatibility.md")


def listed_missing(section):
    """name -> reason, from the `| name | reason |` table under the heading `section`; a row
    names one or more things in backquotes."""
    with open(DOC) as src:
        text = src.read()
    assert section in text, "docs/compatibility.md has no %r section" % section
    table = text.split(section, 1)[1].split("\n## ", 1)[0]
    listed = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0] not in ("name", "") and not set(cells[0]) <= set("-"):
            for name in re.findall(r"`([A-Za-z_0-9.]+)`", cells[0]):
                listed[name] = cells[1]
    return listed
