"""The ``pyspark.sql`` API of Spate: ``from spate.sql import SparkSession, functions as f``."""

from spate.sql import types
from spate.sql.catalog import Catalog
from spate.sql.column import Column
from spate.sql.conf import RuntimeConfig
from spate.sql.dataframe import DataFrame
from spate.sql.group import GroupedData
from spate.sql.row import Row
from spate.sql.session import SparkSession
from spate.sql.udf import UDFRegistration, UserDefinedFunction
from spate.sql.window import Window, WindowSpec
from spate.sql import functions

__all__ = ["SparkSession", "DataFrame", "Column", "Row", "GroupedData", "RuntimeConfig",
           "Catalog", "functions", "types", "Window", "WindowSpec", "UDFRegistration",
           "UserDefinedFunction"]
