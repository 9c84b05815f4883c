"""from_avro and to_avro, as pyspark.sql.avro.functions: Avro binary <-> Spark values.

Beyond Spark, the schema-registry form Databricks offers: with ``subject`` and
``schemaRegistryAddress``, from_avro reads values in a schema registry's wire format
(magic byte 0, 4-byte schema id, the Avro datum), each with the schema its id names,
and to_avro writes that format with the id the schema has under the subject."""

from __future__ import annotations

from typing import Dict, Optional, Union

from spate.errors import PySparkTypeError, PySparkValueError, _raise
from spate.sql.column import Column, _col_expr
from spate.sql.functions._common import ColumnOrName, _args, _lit, _options_map

__all__ = ["from_avro", "to_avro"]


def _invalid_type(arg_name: str, arg_type: str) -> None:
    # PySpark's text for these checks (its message template reads "should not be").
    _raise(PySparkTypeError, "INVALID_TYPE", "Argument `%s` should not be a %s." % (arg_name, arg_type),
           arg_name=arg_name, arg_type=arg_type)


def _registry_options(options: Optional[Dict[str, str]], subject: Optional[str],
                      schemaRegistryAddress: Optional[str],
                      subject_types: tuple = (str,)) -> Optional[Dict[str, str]]:
    """The options with the registry's address and (a str) subject added (None without a
    registry); `subject_types` are the subject's accepted types."""
    if subject is None and schemaRegistryAddress is None:
        return None
    if subject is None or schemaRegistryAddress is None:
        missing = "subject" if subject is None else "schemaRegistryAddress"
        _raise(PySparkValueError, "CANNOT_BE_NONE",
               "Argument `%s` cannot be None: the schema-registry form needs both subject and "
               "schemaRegistryAddress." % missing, arg_name=missing)
    if not isinstance(subject, subject_types):
        _invalid_type("subject", " or ".join("pyspark.sql.Column" if t is Column else t.__name__
                                             for t in subject_types))
    if not isinstance(schemaRegistryAddress, str):
        _invalid_type("schemaRegistryAddress", "str")
    merged = dict(options or {})
    if isinstance(subject, str):
        merged["subject"] = subject
    merged["schemaRegistryAddress"] = schemaRegistryAddress
    return merged


def from_avro(data: ColumnOrName, jsonFormatSchema: Optional[str] = None,
              options: Optional[Dict[str, str]] = None, subject: Optional[str] = None,
              schemaRegistryAddress: Optional[str] = None) -> Column:
    """Decodes Avro binary (no container header, no schema-registry prefix) with the
    Avro schema ``jsonFormatSchema``. Options: ``mode`` (FAILFAST, the default, or
    PERMISSIVE), ``avroSchema`` (an evolved schema to read as),
    ``enableStableIdentifiersForUnionType``, ``datetimeRebaseMode``.

    With ``subject`` and ``schemaRegistryAddress`` (Databricks' form) the values are in
    the registry's wire format and are read as the subject's latest schema (or as
    ``jsonFormatSchema`` when given). More options: ``avroSchemaEvolutionMode``
    (``none``, the default, or ``restart``: stop at a record written with a newer
    schema), ``confluent.schema.registry.basic.auth.credentials.source`` (``USER_INFO``)
    with ``confluent.schema.registry.basic.auth.user.info`` (``user:password``)."""
    if not isinstance(data, (Column, str)):
        _invalid_type("data", "pyspark.sql.Column or str")
    if jsonFormatSchema is not None and not isinstance(jsonFormatSchema, str):
        _invalid_type("jsonFormatSchema", "str")
    if options is not None and not isinstance(options, dict):
        _invalid_type("options", "dict, optional")
    registry = _registry_options(options, subject, schemaRegistryAddress)
    if registry is not None:
        return _args("from_avro", _col_expr(data), _lit(jsonFormatSchema), *_options_map(registry))
    if jsonFormatSchema is None:
        _raise(PySparkValueError, "CANNOT_BE_NONE",
               "Argument `jsonFormatSchema` cannot be None (or pass subject and schemaRegistryAddress).",
               arg_name="jsonFormatSchema")
    return _args("from_avro", _col_expr(data), _lit(jsonFormatSchema), *_options_map(options))


def to_avro(data: ColumnOrName, jsonFormatSchema: Optional[str] = "",
            subject: Optional[Union[Column, str]] = None, schemaRegistryAddress: Optional[str] = None,
            options: Optional[Dict[str, str]] = None) -> Column:
    """Encodes a column as Avro binary, with ``jsonFormatSchema`` or the schema derived
    from the column's type.

    With ``subject`` and ``schemaRegistryAddress`` (Databricks' form) the values are in
    the registry's wire format: the schema must be registered under the subject (else
    AVRO_SCHEMA_NOT_REGISTERED); ``options`` configure the registry client. The subject
    is a str or, as Databricks takes it, a Column of one constant string
    (``lit("topic-value")``); a subject that differs by row is refused when the query is
    analyzed (DATATYPE_MISMATCH.NON_FOLDABLE_INPUT)."""
    if not isinstance(data, (Column, str)):
        _invalid_type("data", "pyspark.sql.Column or str")
    if jsonFormatSchema is not None and not isinstance(jsonFormatSchema, str):
        _invalid_type("jsonFormatSchema", "str")
    if options is not None and not isinstance(options, dict):
        _invalid_type("options", "dict, optional")
    schema = jsonFormatSchema or None
    registry = _registry_options(options, subject, schemaRegistryAddress, (Column, str))
    if isinstance(subject, Column):  # to_avro's fourth argument
        return _args("to_avro", _col_expr(data), _lit(schema), *_options_map(registry), _col_expr(subject))
    if registry is not None:
        return _args("to_avro", _col_expr(data), _lit(schema), *_options_map(registry))
    if schema is None:
        return _args("to_avro", _col_expr(data))
    return _args("to_avro", _col_expr(data), _lit(schema))
