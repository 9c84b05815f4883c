"""Spark SQL data types with PySpark's names: ``StructType``, ``StringType()``, ...

The classes behave like ``pyspark.sql.types`` (constructors, ``repr``, equality,
``jsonValue``/``json``/``fromJson``, ``simpleString``, ``fromDDL``). Parsing and
printing run in Spate's C++ engine: a type crosses to it in Spark's JSON form,
the same form PySpark exchanges with the JVM, so both sides always agree.
"""

from __future__ import annotations

import json as _json
from typing import Any, Dict, Iterator, List, Optional, Union

from spate import _native

__all__ = [
    "DataType", "NullType", "BooleanType", "ByteType", "ShortType", "IntegerType",
    "LongType", "FloatType", "DoubleType", "DecimalType", "StringType", "BinaryType",
    "DateType", "TimestampType", "TimestampNTZType", "CalendarIntervalType", "ArrayType", "MapType",
    "StructField", "StructType",
]


class DataType:
    """Base class of all Spark SQL data types."""

    def __repr__(self) -> str:
        return self.__class__.__name__ + "()"

    def __hash__(self) -> int:
        return hash(str(self))

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, self.__class__) and self.__dict__ == other.__dict__

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    @classmethod
    def typeName(cls) -> str:
        return cls.__name__[:-4].lower()

    def simpleString(self) -> str:
        return _native.simple_string(self.json())

    def sql(self) -> str:
        """The type as Spark SQL writes it, e.g. ``ARRAY<INT>``."""
        return _native.type_sql(self.json())

    def jsonValue(self) -> Union[str, Dict[str, Any]]:
        return self.typeName()

    def json(self) -> str:
        return _json.dumps(self.jsonValue(), separators=(",", ":"), sort_keys=True)

    def needConversion(self) -> bool:
        return False

    @classmethod
    def fromDDL(cls, ddl: str) -> "DataType":
        """Parses a schema or type in DDL form: ``"a INT, b STRING"`` or ``"array<int>"``."""
        return _parse_datatype_string(ddl)


class DataTypeSingleton(type):
    """Makes the parameterless types singletons, as in PySpark."""

    _instances: Dict[type, Any] = {}

    def __call__(cls):
        if cls not in cls._instances:
            cls._instances[cls] = super().__call__()
        return cls._instances[cls]


class AtomicType(DataType):
    """A type that is not nested."""


class NumericType(AtomicType):
    """Numbers."""


class IntegralType(NumericType, metaclass=DataTypeSingleton):
    """Integers."""


class FractionalType(NumericType):
    """Floating point and decimal numbers."""


class NullType(DataType, metaclass=DataTypeSingleton):
    """The type of NULL (``void``)."""

    @classmethod
    def typeName(cls) -> str:
        return "void"


class BooleanType(AtomicType, metaclass=DataTypeSingleton):
    """``boolean``."""


class ByteType(IntegralType):
    """``tinyint``: 8-bit signed integers."""


class ShortType(IntegralType):
    """``smallint``: 16-bit signed integers."""


class IntegerType(IntegralType):
    """``int``: 32-bit signed integers."""


class LongType(IntegralType):
    """``bigint``: 64-bit signed integers."""


class FloatType(FractionalType, metaclass=DataTypeSingleton):
    """``float``: 32-bit floating point."""


class DoubleType(FractionalType, metaclass=DataTypeSingleton):
    """``double``: 64-bit floating point."""


class StringType(AtomicType, metaclass=DataTypeSingleton):
    """``string``: UTF-8 text."""


class BinaryType(AtomicType, metaclass=DataTypeSingleton):
    """``binary``: byte strings."""


class DateType(AtomicType, metaclass=DataTypeSingleton):
    """``date``: days since 1970-01-01."""


class TimestampType(AtomicType, metaclass=DataTypeSingleton):
    """``timestamp``: an instant, microseconds since the epoch in UTC."""


class TimestampNTZType(AtomicType, metaclass=DataTypeSingleton):
    """``timestamp_ntz``: a wall-clock date and time without a time zone."""

    @classmethod
    def typeName(cls) -> str:
        return "timestamp_ntz"


class CalendarIntervalType(DataType, metaclass=DataTypeSingleton):
    """``interval``: months, days and microseconds (Spark's CalendarInterval). Spate
    gives interval literals this type; Spark 3.2+ gives them ANSI interval types
    (docs/compatibility.md). Collected, an interval without months is a
    ``datetime.timedelta``, as Spark's day-time intervals are."""

    @classmethod
    def typeName(cls) -> str:
        return "interval"


class DecimalType(FractionalType):
    """``decimal(precision, scale)``: exact numbers, precision up to 38."""

    def __init__(self, precision: int = 10, scale: int = 0):
        self.precision = precision
        self.scale = scale
        self.hasPrecisionInfo = True

    def simpleString(self) -> str:
        return "decimal(%d,%d)" % (self.precision, self.scale)

    def jsonValue(self) -> str:
        return "decimal(%d,%d)" % (self.precision, self.scale)

    def __repr__(self) -> str:
        return "DecimalType(%d,%d)" % (self.precision, self.scale)


class ArrayType(DataType):
    """``array<element>``."""

    def __init__(self, elementType: DataType, containsNull: bool = True):
        if not isinstance(elementType, DataType):
            raise TypeError("elementType %r should be an instance of DataType" % (elementType,))
        self.elementType = elementType
        self.containsNull = containsNull

    def __repr__(self) -> str:
        return "ArrayType(%r, %s)" % (self.elementType, self.containsNull)

    def jsonValue(self) -> Dict[str, Any]:
        return {"type": self.typeName(), "elementType": self.elementType.jsonValue(),
                "containsNull": self.containsNull}

    @classmethod
    def fromJson(cls, json: Dict[str, Any]) -> "ArrayType":
        return ArrayType(_parse_datatype_json_value(json["elementType"]), json["containsNull"])


class MapType(DataType):
    """``map<key,value>``."""

    def __init__(self, keyType: DataType, valueType: DataType, valueContainsNull: bool = True):
        if not isinstance(keyType, DataType) or not isinstance(valueType, DataType):
            raise TypeError("keyType and valueType should be instances of DataType")
        self.keyType = keyType
        self.valueType = valueType
        self.valueContainsNull = valueContainsNull

    def __repr__(self) -> str:
        return "MapType(%r, %r, %s)" % (self.keyType, self.valueType, self.valueContainsNull)

    def jsonValue(self) -> Dict[str, Any]:
        return {"type": self.typeName(), "keyType": self.keyType.jsonValue(),
                "valueType": self.valueType.jsonValue(),
                "valueContainsNull": self.valueContainsNull}

    @classmethod
    def fromJson(cls, json: Dict[str, Any]) -> "MapType":
        return MapType(_parse_datatype_json_value(json["keyType"]),
                       _parse_datatype_json_value(json["valueType"]), json["valueContainsNull"])


class StructField(DataType):
    """One named field of a ``StructType``."""

    def __init__(self, name: str, dataType: DataType, nullable: bool = True,
                 metadata: Optional[Dict[str, Any]] = None):
        if not isinstance(name, str):
            raise TypeError("field name %r should be a string" % (name,))
        if not isinstance(dataType, DataType):
            raise TypeError("dataType %r should be an instance of DataType" % (dataType,))
        self.name = name
        self.dataType = dataType
        self.nullable = nullable
        self.metadata = metadata or {}

    def simpleString(self) -> str:
        return "%s:%s" % (self.name, self.dataType.simpleString())

    def __repr__(self) -> str:
        return "StructField(%r, %r, %s)" % (self.name, self.dataType, self.nullable)

    def jsonValue(self) -> Dict[str, Any]:
        return {"name": self.name, "type": self.dataType.jsonValue(),
                "nullable": self.nullable, "metadata": self.metadata}

    @classmethod
    def fromJson(cls, json: Dict[str, Any]) -> "StructField":
        return StructField(json["name"], _parse_datatype_json_value(json["type"]),
                           json.get("nullable", True), json.get("metadata"))

    def getComment(self) -> Optional[str]:
        return self.metadata.get("comment")


class StructType(DataType):
    """A row type: a list of ``StructField``."""

    def __init__(self, fields: Optional[List[StructField]] = None):
        self.fields = list(fields or [])
        for f in self.fields:
            if not isinstance(f, StructField):
                raise TypeError("fields should be a list of StructField, got %r" % (f,))
        self.names = [f.name for f in self.fields]

    def add(self, field: Union[str, StructField], data_type: Union[str, DataType, None] = None,
            nullable: bool = True, metadata: Optional[Dict[str, Any]] = None) -> "StructType":
        """Appends a field (a ``StructField``, or a name and a type or DDL type string)."""
        if isinstance(field, StructField):
            self.fields.append(field)
        else:
            if data_type is None:
                raise ValueError("Must specify DataType if passing name of struct_field to create.")
            if isinstance(data_type, str):
                data_type = _parse_datatype_json_string(_native.parse_ddl_type(data_type))
            self.fields.append(StructField(field, data_type, nullable, metadata))
        self.names.append(self.fields[-1].name)
        return self

    def __iter__(self) -> Iterator[StructField]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def __getitem__(self, key: Union[str, int, slice]) -> Any:
        if isinstance(key, str):
            for f in self.fields:
                if f.name == key:
                    return f
            raise KeyError("No StructField named {0}".format(key))
        if isinstance(key, int):
            return self.fields[key]
        if isinstance(key, slice):
            return StructType(self.fields[key])
        raise TypeError("StructType keys should be strings, integers or slices")

    def fieldNames(self) -> List[str]:
        return list(self.names)

    def __repr__(self) -> str:
        return "StructType([%s])" % ", ".join(repr(f) for f in self.fields)

    def jsonValue(self) -> Dict[str, Any]:
        return {"type": self.typeName(), "fields": [f.jsonValue() for f in self.fields]}

    @classmethod
    def fromJson(cls, json: Dict[str, Any]) -> "StructType":
        return StructType([StructField.fromJson(f) for f in json["fields"]])

    def treeString(self, level: Optional[int] = None) -> str:
        """The schema as ``printSchema()`` shows it (``level`` limits the depth)."""
        tree = _native.tree_string(self.json())
        if level is None or level <= 0:
            return tree
        keep = [ln for ln in tree.splitlines() if ln.count("|--") == 0 or
                (len(ln) - len(ln.lstrip(" |"))) // 5 < level]
        return "\n".join(keep) + "\n"

    def toDDL(self) -> str:
        """The schema as a DDL string: ``a INT NOT NULL,b STRING``."""
        return _native.to_ddl(self.json())

    def __arrow_c_schema__(self) -> Any:
        """The Arrow schema of this row type (Arrow PyCapsule interface)."""
        return _native.arrow_schema_capsule(self.json())


_SIMPLE_TYPES = {
    t.typeName(): t
    for t in (NullType, BooleanType, ByteType, ShortType, IntegerType, LongType, FloatType,
              DoubleType, StringType, BinaryType, DateType, TimestampType, TimestampNTZType,
              CalendarIntervalType)
}


def _parse_datatype_json_value(value: Union[str, Dict[str, Any]]) -> DataType:
    if isinstance(value, str):
        if value in _SIMPLE_TYPES:
            return _SIMPLE_TYPES[value]()
        if value.startswith("decimal"):
            normalized = _json.loads(_native.normalize_json_type(_json.dumps(value)))
            inner = normalized[len("decimal("):-1].split(",")
            return DecimalType(int(inner[0]), int(inner[1]))
        # Anything else the engine knows (char(n), timestamp_ltz, ...) or rejects.
        return _parse_datatype_json_value(_json.loads(_native.normalize_json_type(_json.dumps(value))))
    kind = value.get("type")
    if kind == "struct":
        return StructType.fromJson(value)
    if kind == "array":
        return ArrayType.fromJson(value)
    if kind == "map":
        return MapType.fromJson(value)
    _native.normalize_json_type(_json.dumps(value))  # raises with the engine's reason
    raise ValueError("Could not parse datatype: %s" % (value,))


def _parse_datatype_json_string(json_string: str) -> DataType:
    """A type from Spark's JSON form (validated by the engine first)."""
    return _parse_datatype_json_value(_json.loads(_native.normalize_json_type(json_string)))


def _parse_datatype_string(s: str) -> DataType:
    """A type from any schema string PySpark accepts: ``"a int, b string"``,
    ``"a: int, b: string"``, ``"array<int>"``. Raises ParseException."""
    return _parse_datatype_json_string(_native.parse_schema_string(s))


def _from_arrow_schema(obj: Any) -> StructType:
    """The row type of anything that exports ``__arrow_c_schema__`` (a pyarrow.Schema, ...)."""
    result = _parse_datatype_json_string(_native.schema_from_arrow_capsule(obj.__arrow_c_schema__()))
    assert isinstance(result, StructType)
    return result
