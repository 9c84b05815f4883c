"""Spate: Spark Structured Streaming, native.

Use it the way PySpark is used: ``from spate.sql import SparkSession, functions as f``.
"""

__version__ = "0.1.0"
