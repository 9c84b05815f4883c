"""Exceptions with the names and methods of ``pyspark.errors``.

Engine errors carry Spark's error class in brackets (``[PARSE_SYNTAX_ERROR] ...``);
``_from_native`` turns one into the matching exception so that code written
against PySpark catches the same types.
"""

from __future__ import annotations

import re
from typing import Dict, Optional


class PySparkException(Exception):
    """Base of every Spate error; mirrors ``pyspark.errors.PySparkException``."""

    def __init__(self, message: Optional[str] = None, errorClass: Optional[str] = None,
                 messageParameters: Optional[Dict[str, str]] = None,
                 sqlState: Optional[str] = None):
        super().__init__(message or "")
        self._message = message or ""
        self._error_class = errorClass
        self._message_parameters = messageParameters or {}
        self._sql_state = sqlState

    def getCondition(self) -> Optional[str]:
        """The error class (condition), e.g. ``PARSE_SYNTAX_ERROR``."""
        return self._error_class

    def getErrorClass(self) -> Optional[str]:
        return self._error_class

    def getMessageParameters(self) -> Dict[str, str]:
        return dict(self._message_parameters)

    def getSqlState(self) -> Optional[str]:
        return self._sql_state

    def getMessage(self) -> str:
        return self._message

    def __str__(self) -> str:
        return self._message


class AnalysisException(PySparkException):
    """A query that cannot be analyzed: unknown columns, type mismatches, bad options."""


class ParseException(AnalysisException):
    """Text that does not parse as Spark SQL or DDL."""

    def __str__(self) -> str:
        # As PySpark's: the JVM's ParseException message starts on a new line.
        return "\n" + self._message


class IllegalArgumentException(PySparkException):
    """An argument with a value that is not allowed."""


class ArithmeticException(PySparkException):
    """Overflow or division by zero under ANSI mode."""


class NumberFormatException(IllegalArgumentException):
    """A string that does not cast to a number under ANSI mode."""


class DateTimeException(PySparkException):
    """A date or time that cannot be parsed, built or cast under ANSI mode."""


class ArrayIndexOutOfBoundsException(PySparkException):
    """An array index outside the array under ANSI mode."""


class SparkRuntimeException(PySparkException):
    """An error while a query runs."""


class StreamingQueryException(PySparkException):
    """A streaming query that stopped with an error."""


class PythonException(PySparkException):
    """An exception raised inside a user-defined Python function; the message
    carries its traceback."""


class PySparkTypeError(PySparkException, TypeError):
    """A Python argument of the wrong type."""


class PySparkValueError(PySparkException, ValueError):
    """A Python argument with a wrong value."""


class PySparkNotImplementedError(PySparkException, NotImplementedError):
    """A PySpark feature Spate does not have (yet)."""


# Error classes whose exception is not AnalysisException.
_CLASS_TO_EXCEPTION = {
    "DIVIDE_BY_ZERO": ArithmeticException,
    "ARITHMETIC_OVERFLOW": ArithmeticException,
    "CAST_OVERFLOW": ArithmeticException,
    "NUMERIC_VALUE_OUT_OF_RANGE": ArithmeticException,
    "BINARY_ARITHMETIC_OVERFLOW": ArithmeticException,
    "REMAINDER_BY_ZERO": ArithmeticException,
    "INTERVAL_ARITHMETIC_OVERFLOW": ArithmeticException,
    "INTERVAL_DIVIDED_BY_ZERO": ArithmeticException,
    "DATETIME_OVERFLOW": ArithmeticException,
    "CAST_INVALID_INPUT": NumberFormatException,  # a date or time target: DateTimeException
    "CANNOT_PARSE_TIMESTAMP": DateTimeException,
    "DATETIME_FIELD_OUT_OF_BOUNDS": DateTimeException,
    "INVALID_FRACTION_OF_SECOND": DateTimeException,
    "INVALID_ARRAY_INDEX": ArrayIndexOutOfBoundsException,
    "INVALID_ARRAY_INDEX_IN_ELEMENT_AT": ArrayIndexOutOfBoundsException,
    "STREAM_FAILED": StreamingQueryException,
    "MERGE_CARDINALITY_VIOLATION": SparkRuntimeException,
    # JDBC options (Spark's JDBCOptions) and types.
    "_LEGACY_ERROR_TEMP_2078": IllegalArgumentException,
    "_LEGACY_ERROR_TEMP_2079": IllegalArgumentException,
    "_LEGACY_ERROR_TEMP_2081": IllegalArgumentException,
    "_LEGACY_ERROR_TEMP_2082": IllegalArgumentException,
}

# CAST_INVALID_INPUT's exception by the cast's target type, as Spark raises it.
_CAST_TARGET_RE = re.compile(r' cannot be cast to "([A-Z_]+)')
_CAST_TARGET_EXCEPTION = {
    "DATE": DateTimeException,
    "TIMESTAMP": DateTimeException,
    "TIMESTAMP_NTZ": DateTimeException,
    "TIME": DateTimeException,
    "BOOLEAN": SparkRuntimeException,
}


def _exception_class(error_class: str, message: str) -> type:
    """The exception PySpark raises for an error condition of Spark's."""
    cls = _CLASS_TO_EXCEPTION.get(error_class.split(".")[0], AnalysisException)
    if error_class == "CAST_INVALID_INPUT":
        target = _CAST_TARGET_RE.search(message)
        cls = _CAST_TARGET_EXCEPTION.get(target.group(1) if target else "", cls)
    return cls


# How a user-defined function's exception begins (PySpark's text).
_PYTHON_EXCEPTION = "\n  An exception was thrown from the Python worker."
_ERROR_RE = re.compile(r"^\[([A-Z0-9_.]+)\] ")
_SQLSTATE_RE = re.compile(r" SQLSTATE: ([0-9A-Z]{5})")


def _from_native(message: str, code: str = "Invalid") -> PySparkException:
    """The exception for an engine error message (and its arrow status code)."""
    match = _ERROR_RE.match(message)
    if match is None:
        if message.startswith(_PYTHON_EXCEPTION):
            return PythonException(message)
        if code == "Analysis":
            return AnalysisException(message)
        if code == "Invalid":
            return IllegalArgumentException(message)
        if code == "Type error":
            return PySparkTypeError(message)
        if code == "NotImplemented":
            return PySparkNotImplementedError(message)
        return SparkRuntimeException(message)
    error_class = match.group(1)
    state = _SQLSTATE_RE.search(message)
    sql_state = state.group(1) if state else None
    if "\n== SQL ==\n" in message:
        cls = ParseException
    else:
        cls = _exception_class(error_class, message)
    return cls(message, errorClass=error_class, sqlState=sql_state)


class PySparkAttributeError(PySparkException, AttributeError):
    """An attribute that does not exist (``df.no_such_column``)."""


class SparkNoSuchElementException(PySparkException):
    """A lookup of something that does not exist (an unknown configuration key)."""


def _raise(cls: type, error_class: str, message: str, **params: str) -> None:
    """Raises ``cls`` with PySpark's ``[ERROR_CLASS] message`` text."""
    raise cls("[%s] %s" % (error_class, message), errorClass=error_class,
              messageParameters=dict(params))


def _type_name(value: object) -> str:
    return type(value).__name__
