#pragma once

// Builds analyzed plan nodes from unresolved expressions: this is Spate's
// analyzer. Each function resolves names (case-insensitively, as Spark does
// by default), types and aggregates against its input and fails with Spark's
// error classes: UNRESOLVED_COLUMN.WITH_SUGGESTION, AMBIGUOUS_REFERENCE,
// MISSING_AGGREGATION, DATATYPE_MISMATCH.*, ...

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>

#include "spate/expr/expression.h"
#include "spate/plan/logical_plan.h"

namespace spate {

PlanPtr MakeScan(std::shared_ptr<ScanSource> source, const StructType& schema);
/// A scan of rows in memory (Spark's LocalRelation), typed from their Arrow schema.
arrow::Result<PlanPtr> MakeLocalRelation(std::shared_ptr<arrow::Table> rows);

/// select(exprs): stars expand, aggregate calls make it a global aggregation,
/// one explode()/posexplode() makes it a Generate.
arrow::Result<PlanPtr> MakeProject(const PlanPtr& child, const std::vector<ExprPtr>& exprs);
/// Whether a select-list call of this name is a generator (explode, inline, stack, ...).
bool IsGeneratorName(std::string_view name);
arrow::Result<PlanPtr> MakeFilter(const PlanPtr& child, const ExprPtr& condition);
/// groupBy(groups).agg(aggs) [HAVING having]: the output is exactly `aggs`
/// (the DataFrame API puts the grouping columns first itself).
arrow::Result<PlanPtr> MakeAggregate(const PlanPtr& child, const std::vector<ExprPtr>& groups,
                                     const std::vector<ExprPtr>& aggs,
                                     const ExprPtr& having = nullptr);
/// join on a condition (may be null: cross join) or on USING column names.
arrow::Result<PlanPtr> MakeJoin(const PlanPtr& left, const PlanPtr& right, const ExprPtr& condition,
                                const std::vector<std::string>& using_columns, JoinType type);
arrow::Result<PlanPtr> MakeSort(const PlanPtr& child, const std::vector<ExprPtr>& orders);
/// LIMIT n [OFFSET m]; n < 0 is refused, pass INT64_MAX for "no limit".
arrow::Result<PlanPtr> MakeLimit(const PlanPtr& child, int64_t n, int64_t offset = 0);
/// union (by position) / unionByName (allow_missing fills absent columns with NULL).
arrow::Result<PlanPtr> MakeUnion(const PlanPtr& left, const PlanPtr& right, bool by_name,
                                 bool allow_missing);
/// UNION ALL of any number of inputs (by position), as one node.
arrow::Result<PlanPtr> MakeUnionAll(const std::vector<PlanPtr>& inputs);
/// toDF(names): every column renamed, by position (names may repeat).
arrow::Result<PlanPtr> MakeRenameColumns(const PlanPtr& child, const std::vector<std::string>& names);
/// INTERSECT [ALL] (`intersect`) or EXCEPT [ALL] of two inputs by position; the
/// ALL forms keep duplicates (min and difference of the counts of each row).
arrow::Result<PlanPtr> MakeSetOperation(const PlanPtr& left, const PlanPtr& right, bool intersect, bool all);
/// distinct() when `columns` is empty, dropDuplicates(columns) otherwise;
/// dropDuplicatesWithinWatermark(columns) with `within_watermark`.
arrow::Result<PlanPtr> MakeDistinct(const PlanPtr& child, const std::vector<std::string>& columns,
                                    bool within_watermark = false);
/// withWatermark(eventTime, delayThreshold): the column must be a timestamp
/// (or a window struct); the delay an interval string ("10 minutes").
arrow::Result<PlanPtr> MakeWatermark(const PlanPtr& child, const std::string& event_time,
                                     const std::string& delay_threshold);
/// withColumn(s): replaces same-named columns in place, appends the others.
arrow::Result<PlanPtr> MakeWithColumns(const PlanPtr& child, const std::vector<std::string>& names,
                                       const std::vector<ExprPtr>& exprs);
arrow::Result<PlanPtr> MakeRename(const PlanPtr& child, const std::string& from, const std::string& to);
/// drop(names): unknown names are ignored, as in Spark.
arrow::Result<PlanPtr> MakeDrop(const PlanPtr& child, const std::vector<std::string>& names);
/// df.alias("t") / FROM x AS t: the same rows, columns qualified by `alias`.
arrow::Result<PlanPtr> MakeAlias(const PlanPtr& child, const std::string& alias);

/// Binds one expression against `input` (no aggregates allowed).
arrow::Result<BoundExprPtr> BindExpression(const ExprPtr& expr, const std::vector<Attribute>& input);

/// A column of `input` by name (case-insensitive), or the Spark error.
arrow::Result<int> ResolveColumnIndex(const std::vector<Attribute>& input, const std::string& name);

/// Parses a join type as DataFrame.join accepts it ("inner", "left", "leftouter",
/// "left_outer", "full", "outer", "semi", "leftanti", "cross", ...).
arrow::Result<JoinType> ParseJoinType(const std::string& how);

}  // namespace spate
