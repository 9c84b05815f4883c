"""The ``pyspark.sql`` API of Spate."""

from spate.sql import types

__all__ = ["types"]
