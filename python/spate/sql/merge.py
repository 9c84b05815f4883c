"""``df.mergeInto(table, condition)``: PySpark's MergeIntoWriter, the DataFrame form of
MERGE INTO for Iceberg tables.

    (updates.alias("s").mergeInto("ice.db.t", col("t.id") == col("s.id"))
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .merge())
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Optional, Tuple

from spate import _native
from spate.sql.column import Column, _col_expr

if TYPE_CHECKING:
    from spate.sql.dataframe import DataFrame

__all__ = ["MergeIntoWriter"]

# One clause: (when, action, condition, all columns, {column: value}); the names
# the native merge_into reads.
_Clause = Tuple[str, str, Optional[_native.Expr], bool, Dict[str, _native.Expr]]


def _assignments(assignments: Dict[str, Column]) -> Dict[str, _native.Expr]:
    if not isinstance(assignments, dict):
        raise TypeError("assignments must be a dict of column name to Column, got %s"
                        % type(assignments).__name__)
    return {name: _col_expr(value) for name, value in assignments.items()}


class MergeIntoWriter:
    """Builds a MERGE of a DataFrame (the source) into a table; ``merge()`` runs it."""

    def __init__(self, df: "DataFrame", table: str, condition: Column) -> None:
        self._df = df
        self._table = table
        self._condition = _col_expr(condition)
        self._clauses: List[_Clause] = []
        self._schema_evolution = False

    def _add(self, when: str, action: str, condition: Optional[Column], all_columns: bool = False,
             assignments: Optional[Dict[str, Column]] = None) -> "MergeIntoWriter":
        cond = None if condition is None else _col_expr(condition)
        self._clauses.append((when, action, cond, all_columns, _assignments(assignments or {})))
        return self

    def whenMatched(self, condition: Optional[Column] = None) -> "MergeIntoWriter.WhenMatched":
        return MergeIntoWriter.WhenMatched(self, condition)

    def whenNotMatched(self, condition: Optional[Column] = None) -> "MergeIntoWriter.WhenNotMatched":
        return MergeIntoWriter.WhenNotMatched(self, condition)

    def whenNotMatchedBySource(self, condition: Optional[Column] = None
                               ) -> "MergeIntoWriter.WhenNotMatchedBySource":
        return MergeIntoWriter.WhenNotMatchedBySource(self, condition)

    def withSchemaEvolution(self) -> "MergeIntoWriter":
        self._schema_evolution = True
        return self

    def merge(self) -> None:
        _native.merge_into(self._df._jdf, self._table, self._condition, self._clauses,
                           self._schema_evolution)

    class WhenMatched:
        def __init__(self, writer: "MergeIntoWriter", condition: Optional[Column]) -> None:
            self._writer, self._condition = writer, condition

        def updateAll(self) -> "MergeIntoWriter":
            return self._writer._add("matched", "update", self._condition, all_columns=True)

        def update(self, assignments: Dict[str, Column]) -> "MergeIntoWriter":
            return self._writer._add("matched", "update", self._condition, assignments=assignments)

        def delete(self) -> "MergeIntoWriter":
            return self._writer._add("matched", "delete", self._condition)

    class WhenNotMatched:
        def __init__(self, writer: "MergeIntoWriter", condition: Optional[Column]) -> None:
            self._writer, self._condition = writer, condition

        def insertAll(self) -> "MergeIntoWriter":
            return self._writer._add("not_matched", "insert", self._condition, all_columns=True)

        def insert(self, assignments: Dict[str, Column]) -> "MergeIntoWriter":
            return self._writer._add("not_matched", "insert", self._condition, assignments=assignments)

    class WhenNotMatchedBySource:
        def __init__(self, writer: "MergeIntoWriter", condition: Optional[Column]) -> None:
            self._writer, self._condition = writer, condition

        def update(self, assignments: Dict[str, Column]) -> "MergeIntoWriter":
            return self._writer._add("not_matched_by_source", "update", self._condition,
                                     assignments=assignments)

        def delete(self) -> "MergeIntoWriter":
            return self._writer._add("not_matched_by_source", "delete", self._condition)
