import os
import sys

# Run from a source checkout: make python/ importable even without the .venv's spate.pth.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))

import pytest


@pytest.fixture(scope="session")
def spark():
    """The shared SparkSession of the test run."""
    from spate.sql import SparkSession

    return SparkSession.builder.appName("spate-tests").master("local[*]").getOrCreate()

