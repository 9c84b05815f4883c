"""Spate: Spark Structured Streaming, native.

Use it the way PySpark is used: ``from spate.sql import SparkSession, functions as f``.
"""

from spate import _loader

# Loads the C++ runtime and pyarrow's libraries, each in a lookup scope of its own,
# before the extension: see _loader.py.
_loader.prepare()

__version__ = "0.1.0"
