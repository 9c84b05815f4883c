"""``Row``: a result row, as ``pyspark.sql.Row``."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple


class Row(tuple):
    """A row of a DataFrame: a tuple whose fields can also be read by name.

    ``Row(name="Alice", age=11)`` makes a row with fields; ``Row("name", "age")``
    makes a row class to call with values: ``Person = Row("name", "age");
    Person("Alice", 11)``.

    >>> row = Row(name="Alice", age=11)
    >>> row.name, row["age"], row[0]
    ('Alice', 11, 'Alice')
    """

    __fields__: List[str]

    def __new__(cls, *args: Any, **kwargs: Any) -> "Row":
        if args and kwargs:
            raise ValueError("Can not use both args and kwargs to create Row")
        if kwargs:
            row = tuple.__new__(cls, list(kwargs.values()))
            row.__fields__ = list(kwargs.keys())
            return row
        # Row("a", "b"): a row of field names, to be called with values.
        return tuple.__new__(cls, args)

    @classmethod
    def _from_fields(cls, fields: List[str], values: List[Any]) -> "Row":
        row = tuple.__new__(cls, values)
        row.__fields__ = list(fields)
        return row

    def asDict(self, recursive: bool = False) -> Dict[str, Any]:
        """The row as a ``dict`` of field name to value; with ``recursive``, nested
        rows (also inside lists and dicts) become dicts too."""
        if not hasattr(self, "__fields__"):
            raise TypeError("Cannot convert a Row class into dict")
        if not recursive:
            return dict(zip(self.__fields__, self))

        def convert(value: Any) -> Any:
            if isinstance(value, Row):
                return value.asDict(True)
            if isinstance(value, list):
                return [convert(v) for v in value]
            if isinstance(value, dict):
                return {k: convert(v) for k, v in value.items()}
            return value

        return {k: convert(v) for k, v in zip(self.__fields__, self)}

    def __contains__(self, item: Any) -> bool:
        if hasattr(self, "__fields__"):
            return item in self.__fields__
        return super().__contains__(item)

    def __call__(self, *args: Any) -> "Row":
        """Makes a row with these values for the field names of this row class."""
        if len(args) > len(self):
            raise ValueError("Can not create Row with fields %s, expected %d values but got %s"
                             % (self, len(self), args))
        return Row._from_fields(list(self), list(args))

    def __getitem__(self, item: Any) -> Any:
        if isinstance(item, (int, slice)):
            return super().__getitem__(item)
        try:
            idx = self.__fields__.index(item)
        except (AttributeError, ValueError):
            raise ValueError(item) from None
        return super().__getitem__(idx)

    def __getattr__(self, item: str) -> Any:
        if item.startswith("__"):
            raise AttributeError(item)
        try:
            idx = self.__fields__.index(item)
        except (AttributeError, ValueError):
            raise AttributeError(item) from None
        return self[idx]

    def __setattr__(self, key: str, value: Any) -> None:
        if key != "__fields__":
            raise RuntimeError("Row is read-only")
        self.__dict__[key] = value

    def __reduce__(self) -> Tuple[Any, ...]:
        if hasattr(self, "__fields__"):
            return (Row._from_fields, (self.__fields__, list(self)))
        return (Row, tuple(self))

    def __repr__(self) -> str:
        if hasattr(self, "__fields__"):
            return "Row(%s)" % ", ".join("%s=%r" % (k, v) for k, v in zip(self.__fields__, tuple(self)))
        return "<Row(%s)>" % ", ".join(repr(field) for field in self)
