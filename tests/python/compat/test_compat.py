"""The Spate half of the compatibility check: each program of programs.py gives the
recorded expected output (``make compat`` runs the same programs on PySpark too)."""

import json
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from programs import PROGRAMS  # noqa: E402
from run_compat import expected_path, run  # noqa: E402


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.__name__ for p in PROGRAMS])
def test_program_gives_the_recorded_output(spark, program):
    with open(expected_path(program.__name__)) as src:
        want = json.load(src)
    assert run("spate", program) == want
