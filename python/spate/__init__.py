"""Spate: Spark Structured Streaming, native.

Use it the way PySpark is used: ``from spate.sql import SparkSession, functions as f``.
"""

# Arrow's C++ libraries come from the pyarrow wheel: importing pyarrow first loads
# them, so the extension (and libspate) bind to the same copies pyarrow uses.
import pyarrow as _pyarrow  # noqa: F401

__version__ = "0.1.0"
