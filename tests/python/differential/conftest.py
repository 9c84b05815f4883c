import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from oracle import Oracle, pyspark_available  # noqa: E402


@pytest.fixture(scope="session")
def oracle():
    """Spate and PySpark 4.1 side by side (one JVM for the whole test session). With
    CI=true a missing PySpark or Java fails the test instead of skipping it."""
    why = pyspark_available()
    if why is not None:
        if os.environ.get("CI") == "true":
            pytest.fail("the differential tests need PySpark 4.1 and Java: " + why, pytrace=False)
        pytest.skip(why)
    engines = Oracle()
    yield engines
    engines.pyspark.spark.stop()
