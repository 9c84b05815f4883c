"""spate.sql.Row behaves like pyspark.sql.Row."""

import pickle

import pytest

from spate.sql import Row


def test_keyword_row_reads_by_attribute_name_and_position():
    row = Row(name="Alice", age=11)
    assert isinstance(row, tuple)
    assert row.name == "Alice" and row["age"] == 11 and row[0] == "Alice"
    assert tuple(row) == ("Alice", 11)
    assert row == ("Alice", 11)
    assert "name" in row and "height" not in row


def test_row_class_called_with_values():
    Person = Row("name", "age")
    assert repr(Person) == "<Row('name', 'age')>"
    alice = Person("Alice", 11)
    assert alice.age == 11
    assert repr(alice) == "Row(name='Alice', age=11)"


def test_repr_and_as_dict():
    row = Row(a=1, b="x", c=Row(d=[Row(e=None)]), m={"k": Row(v=2)})
    assert repr(Row(a=1, b="x")) == "Row(a=1, b='x')"
    assert row.asDict() == {"a": 1, "b": "x", "c": Row(d=[Row(e=None)]), "m": {"k": Row(v=2)}}
    assert row.asDict(recursive=True) == {"a": 1, "b": "x", "c": {"d": [{"e": None}]},
                                          "m": {"k": {"v": 2}}}


def test_unknown_fields_and_immutability():
    row = Row(a=1)
    with pytest.raises(AttributeError):
        row.b
    with pytest.raises(ValueError):
        row["b"]
    with pytest.raises(RuntimeError):
        row.a = 2
    with pytest.raises(ValueError):
        Row(1, a=2)


def test_pickles_with_its_fields():
    row = pickle.loads(pickle.dumps(Row(a=1, b="x")))
    assert row.b == "x" and row.asDict() == {"a": 1, "b": "x"}
