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


class UnsupportedOperationException(PySparkException):
    """An operation the table or catalog does not support."""


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


class PySparkRuntimeError(PySparkException, RuntimeError):
    """A call that is not allowed in the current state (``GroupState.setTimeoutDuration``
    without a processing-time timeout)."""


# Error classes whose exception is not AnalysisException: a full class
# ("UNSUPPORTED_FEATURE.AES_MODE") first, else its main class.
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
    "INVALID_BITMAP_POSITION": ArrayIndexOutOfBoundsException,
    "INVALID_TIMEZONE": DateTimeException,
    # The state data source's errors (format("statestore")).
    "STDS_INVALID_OPTION_VALUE": SparkRuntimeException,
    "STDS_CONFLICT_OPTIONS": SparkRuntimeException,
    "STDS_REQUIRED_OPTION_UNSPECIFIED": SparkRuntimeException,
    "STDS_FAILED_TO_READ_STATE_SCHEMA": SparkRuntimeException,
    "STDS_COMMITTED_BATCH_UNAVAILABLE": SparkRuntimeException,
    "STDS_NO_PARTITION_DISCOVERED_IN_STATE_STORE": SparkRuntimeException,
    "USER_RAISED_EXCEPTION": SparkRuntimeException,
    "INVALID_INDEX_OF_ZERO": SparkRuntimeException,
    "DUPLICATED_MAP_KEY": SparkRuntimeException,
    "THETA_LG_NOM_ENTRIES_MUST_BE_CONSTANT": SparkRuntimeException,
    "KLL_INVALID_INPUT_SKETCH_BUFFER": SparkRuntimeException,
    "UNSUPPORTED_FEATURE.AES_MODE": SparkRuntimeException,
    "UNSUPPORTED_FEATURE.AES_MODE_IV": SparkRuntimeException,
    "UNSUPPORTED_FEATURE.AES_MODE_AAD": SparkRuntimeException,
    "INVALID_PARAMETER_VALUE.AES_IV_LENGTH": SparkRuntimeException,
    "INVALID_PARAMETER_VALUE.AES_KEY_LENGTH": SparkRuntimeException,
    "INVALID_PARAMETER_VALUE.AES_CRYPTO_ERROR": SparkRuntimeException,
    "INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX": SparkRuntimeException,
    "INVALID_PARAMETER_VALUE.CHARSET": IllegalArgumentException,
    "INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE": IllegalArgumentException,
    "STRUCT_ARRAY_LENGTH_MISMATCH": IllegalArgumentException,
    "STATEFUL_PROCESSOR_UNKNOWN_TIME_MODE": IllegalArgumentException,
    "NEGATIVE_VALUES_IN_FREQUENCY_EXPRESSION": IllegalArgumentException,
    "INVALID_URL": IllegalArgumentException,
    "INVALID_FORMAT.MISMATCH_INPUT": IllegalArgumentException,
    "CANNOT_DECODE_URL": IllegalArgumentException,
    "NULL_MAP_KEY": SparkRuntimeException,
    "KLL_SKETCH_INVALID_QUANTILE_RANGE": SparkRuntimeException,
    "THETA_INVALID_LG_NOM_ENTRIES": SparkRuntimeException,
    "MALFORMED_CHARACTER_CODING": SparkRuntimeException,
    "MALFORMED_RECORD_IN_PARSING.CANNOT_PARSE_JSON_ARRAYS_AS_STRUCTS": SparkRuntimeException,
    "INVALID_PARAMETER_VALUE.START": SparkRuntimeException,
    "INVALID_PARAMETER_VALUE.PATTERN": SparkRuntimeException,
    "INVALID_PARAMETER_VALUE.LENGTH": SparkRuntimeException,
    "THETA_INVALID_INPUT_SKETCH_BUFFER": SparkRuntimeException,
    "ILLEGAL_DAY_OF_WEEK": IllegalArgumentException,
    "CONVERSION_INVALID_INPUT": IllegalArgumentException,
    "INVALID_UTF8_STRING": IllegalArgumentException,
    "INVALID_CONF_VALUE.TIME_ZONE": IllegalArgumentException,
    "UNSUPPORTED_FEATURE.TABLE_OPERATION": UnsupportedOperationException,
    "UNSUPPORTED_PARTITION_TRANSFORM": UnsupportedOperationException,
    "UNSUPPORTED_DATATYPE": UnsupportedOperationException,
    "NON_LAST_MATCHED_CLAUSE_OMIT_CONDITION": ParseException,
    "NON_LAST_NOT_MATCHED_BY_TARGET_CLAUSE_OMIT_CONDITION": ParseException,
    "NON_LAST_NOT_MATCHED_BY_SOURCE_CLAUSE_OMIT_CONDITION": ParseException,
    "STREAM_FAILED": StreamingQueryException,
    "MERGE_CARDINALITY_VIOLATION": SparkRuntimeException,
    # JDBC options (Spark's JDBCOptions) and types.
    "_LEGACY_ERROR_TEMP_3102": AnalysisException,
    "_LEGACY_ERROR_TEMP_2253": UnsupportedOperationException,  # a source without continuous reads
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
    cls = _CLASS_TO_EXCEPTION.get(error_class) or \
        _CLASS_TO_EXCEPTION.get(error_class.split(".")[0], AnalysisException)
    if error_class == "CAST_INVALID_INPUT":
        target = _CAST_TARGET_RE.search(message)
        cls = _CAST_TARGET_EXCEPTION.get(target.group(1) if target else "", cls)
    elif error_class.startswith("STDS_INVALID_OPTION_VALUE") and "'recursiveFieldMaxDepth'" in message:
        cls = AnalysisException  # from_avro's option, checked while analyzing (the state reader's at run time)
    elif error_class == "UNSUPPORTED_FEATURE.TABLE_OPERATION" and "does not support DELETE" in message:
        cls = AnalysisException  # Spark refuses DELETE while analyzing, UPDATE and MERGE while planning
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
    if error_class.startswith("_LEGACY_ERROR_"):
        # Spark prints a legacy error's message alone, without its class or SQLSTATE.
        message = re.sub(r" SQLSTATE: [0-9A-Z]*$", "", message[match.end():])
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
