#pragma once

// DataFrame: an analyzed plan in a session, with PySpark's methods.
//
// A transformation that fails analysis (an unknown column, a type mismatch)
// returns a DataFrame carrying the error: status() says what went wrong, and
// every later transformation or action passes it on, so C++ code can chain
// calls and check once. The Python API raises at the failing call instead,
// as PySpark does.

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/api/column.h"
#include "spate/plan/group_state.h"
#include "spate/plan/logical_plan.h"
#include "spate/plan/stateful_processor.h"

namespace spate {

class Session;
class GroupedData;
class DataStreamWriter;
class DataFrameWriter;
class DataFrameWriterV2;
class MergeIntoWriter;

class DataFrame {
 public:
  DataFrame(std::shared_ptr<Session> session, arrow::Result<PlanPtr> plan);

  const arrow::Status& status() const { return status_; }
  bool ok() const { return status_.ok(); }
  const PlanPtr& plan() const { return plan_; }
  const std::shared_ptr<Session>& session() const { return session_; }

  // Transformations.
  DataFrame select(const std::vector<Column>& cols) const;
  DataFrame selectExpr(const std::vector<std::string>& exprs) const;
  DataFrame filter(const Column& condition) const;
  DataFrame filter(const std::string& sql_condition) const;
  DataFrame filter(const char* sql_condition) const { return filter(std::string(sql_condition)); }
  DataFrame where(const Column& condition) const { return filter(condition); }
  DataFrame where(const std::string& sql_condition) const { return filter(sql_condition); }
  DataFrame where(const char* sql_condition) const { return filter(std::string(sql_condition)); }
  DataFrame withColumn(const std::string& name, const Column& col) const;
  DataFrame withColumns(const std::vector<std::pair<std::string, Column>>& cols) const;
  DataFrame withColumnRenamed(const std::string& existing, const std::string& name) const;
  DataFrame drop(const std::vector<std::string>& names) const;
  GroupedData groupBy(const std::vector<Column>& cols) const;
  /// rollup(a, b): groups by (a, b), (a) and () — subtotals and a grand total.
  GroupedData rollup(const std::vector<Column>& cols) const;
  /// cube(a, b): groups by every subset of the columns.
  GroupedData cube(const std::vector<Column>& cols) const;
  /// groupingSets(sets, cols): groups by each set of `sets`; `cols` are the
  /// grouping columns of the output (NULL where a set leaves one out).
  GroupedData groupingSets(const std::vector<std::vector<Column>>& sets, const std::vector<Column>& cols) const;
  DataFrame agg(const std::vector<Column>& aggs) const;
  DataFrame join(const DataFrame& other, const Column& on, const std::string& how = "inner") const;
  DataFrame join(const DataFrame& other, const std::vector<std::string>& on,
                 const std::string& how = "inner") const;
  DataFrame crossJoin(const DataFrame& other) const;
  DataFrame union_(const DataFrame& other) const;
  DataFrame unionAll(const DataFrame& other) const { return union_(other); }
  DataFrame unionByName(const DataFrame& other, bool allow_missing_columns = false) const;
  /// INTERSECT / INTERSECT ALL / EXCEPT (subtract) / EXCEPT ALL, columns by position.
  DataFrame intersect(const DataFrame& other) const;
  DataFrame intersectAll(const DataFrame& other) const;
  DataFrame subtract(const DataFrame& other) const;
  DataFrame exceptAll(const DataFrame& other) const;
  DataFrame distinct() const;
  /// unpivot/melt: a row per input row and value column with the ids, the value
  /// column's name and its value (every non-id column when `values` is empty).
  /// freqItems(cols, support): one row, a column `<c>_freqItems` per column holding
  /// the values that may occur in more than `support` of the rows (Spark's
  /// one-pass counter of 1/support entries: no false negatives, some false positives).
  DataFrame freqItems(const std::vector<std::string>& cols, double support = 0.01) const;
  DataFrame unpivot(const std::vector<Column>& ids, const std::vector<Column>& values,
                    const std::string& variable_column, const std::string& value_column) const;
  /// na.drop: the rows with at least `thresh` values that are neither NULL nor NaN
  /// among `subset` (every column when empty); without `thresh`, all of them
  /// (how = "any") or one (how = "all").
  DataFrame dropna(const std::string& how = "any", std::optional<int> thresh = std::nullopt,
                   const std::vector<std::string>& subset = {}) const;
  /// na.fill: NULL and NaN replaced by the literal `value` in the columns of its
  /// kind (numeric, string or boolean) among `subset`; or by a value per column.
  DataFrame fillna(const Column& value, const std::vector<std::string>& subset = {}) const;
  DataFrame fillna(const std::vector<std::pair<std::string, Column>>& values) const;
  /// na.replace: each literal of `from` replaced by the one at the same position of
  /// `to` (or NULL), in the columns of their kind among `subset`.
  DataFrame replace(const std::vector<Column>& from, const std::vector<Column>& to,
                    const std::vector<std::string>& subset = {}) const;
  DataFrame dropDuplicates(const std::vector<std::string>& subset = {}) const;
  /// Streaming only: drops rows whose key was seen within the watermark delay
  /// of its first event time (needs withWatermark).
  DataFrame dropDuplicatesWithinWatermark(const std::vector<std::string>& subset = {}) const;
  /// Marks `event_time` (a timestamp column) as the event time and allows rows
  /// up to `delay_threshold` ("10 minutes") late; no effect on batch queries.
  DataFrame withWatermark(const std::string& event_time, const std::string& delay_threshold) const;
  DataFrame orderBy(const std::vector<Column>& cols) const;
  DataFrame sort(const std::vector<Column>& cols) const { return orderBy(cols); }
  DataFrame limit(int64_t n) const;
  /// The rows after the first `n`.
  DataFrame offset(int64_t n) const;
  /// The same rows with the columns renamed, all of them, by position.
  DataFrame toDF(const std::vector<std::string>& names) const;
  /// withColumnRenamed for each (existing, new) pair, in order.
  DataFrame withColumnsRenamed(const std::vector<std::pair<std::string, std::string>>& renames) const;
  DataFrame alias(const std::string& name) const;
  /// Computes the rows once, on the first action, and reuses them after.
  DataFrame cache() const;
  DataFrame persist() const { return cache(); }
  DataFrame unpersist() const;

  // Actions.
  arrow::Result<std::shared_ptr<arrow::Table>> toArrow() const;
  arrow::Result<int64_t> count() const;
  /// What show() prints (Spark's layout).
  arrow::Result<std::string> showString(int num_rows = 20, int truncate = 20,
                                        bool vertical = false) const;
  arrow::Status show(int num_rows = 20, int truncate = 20, bool vertical = false) const;
  /// Each row as a JSON object string (Spark's toJSON).
  arrow::Result<std::vector<std::string>> toJSON() const;
  arrow::Status createOrReplaceTempView(const std::string& name) const;
  arrow::Status createTempView(const std::string& name) const;
  /// df.write (include "spate/api/writer.h").
  DataFrameWriter write() const;
  /// df.writeTo(table): the v2 writer (append, create, createOrReplace) of catalog tables.
  DataFrameWriterV2 writeTo(const std::string& table) const;
  /// df.mergeInto(table, condition): MERGE INTO table USING df (include
  /// "spate/api/row_level_writes.h").
  MergeIntoWriter mergeInto(const std::string& table, const Column& condition) const;

  /// Starts building a streaming query (streaming DataFrames only).
  DataStreamWriter writeStream() const;
  bool isStreaming() const;

  // Metadata.
  StructTypePtr schema() const;
  std::vector<std::string> columns() const;
  std::string printSchema() const;
  /// explain(): the analyzed plan.
  std::string explain(bool extended = false) const;

 private:
  DataFrame With(arrow::Result<PlanPtr> plan) const;

  std::shared_ptr<Session> session_;
  PlanPtr plan_;
  arrow::Status status_;
};

/// groupBy(...), rollup(...) or cube(...) waiting for its aggregates.
class GroupedData {
 public:
  enum class Kind { kGroupBy, kRollup, kCube, kGroupingSets };
  GroupedData(DataFrame df, std::vector<Column> groups, Kind kind = Kind::kGroupBy,
              std::vector<std::vector<Column>> sets = {})
      : df_(std::move(df)), groups_(std::move(groups)), kind_(kind), sets_(std::move(sets)) {}
  DataFrame agg(const std::vector<Column>& aggs) const;
  /// pivot(col[, values]): one column per value of `col` (and aggregate), each
  /// aggregating the group's rows holding that value. Without values, the
  /// column's distinct values in ascending order (one query to find them).
  GroupedData pivot(const Column& col, std::vector<Column> values = {}) const;
  DataFrame count() const;
  DataFrame sum(const std::vector<std::string>& cols) const;
  DataFrame avg(const std::vector<std::string>& cols) const;
  DataFrame mean(const std::vector<std::string>& cols) const { return avg(cols); }
  DataFrame min(const std::vector<std::string>& cols) const;
  DataFrame max(const std::vector<std::string>& cols) const;
  /// Arbitrary stateful processing over a stream (Spark's transformWithState):
  /// `factory` makes the processor, called once per key of each micro-batch;
  /// its rows have the `output` columns. `output_mode` "Update" or "Append",
  /// `time_mode` "None", "ProcessingTime" or "EventTime" (plan/stateful_processor.h).
  DataFrame TransformWithState(StatefulProcessorFactory factory, const StructType& output,
                               const std::string& output_mode, const std::string& time_mode,
                               const std::string& event_time_column = "") const;
  /// The same from an initial state (Spark's initialState): `initial_state`
  /// groups a batch DataFrame by keys of this grouping's types; in the
  /// query's first batch the processor's HandleInitialState gets each key's
  /// rows of it (all its columns) before the batch's input.
  DataFrame TransformWithState(StatefulProcessorFactory factory, const StructType& output,
                               const std::string& output_mode, const std::string& time_mode,
                               const GroupedData& initial_state, const std::string& event_time_column = "") const;
  /// Spark's flatMapGroupsWithState: `func` is called once per key of each
  /// micro-batch with its rows and its GroupState (a value of the `state`
  /// columns and a timeout), and once per key that timed out; its rows have the
  /// `output` columns. `output_mode` "Update" or "Append", `timeout`
  /// "NoTimeout", "ProcessingTimeTimeout" or "EventTimeTimeout" (plan/group_state.h).
  DataFrame FlatMapGroupsWithState(GroupsWithStateFunction func, const StructType& output, const StructType& state,
                                   const std::string& output_mode, const std::string& timeout) const;
  /// The same from an initial state (Scala's initialState): `initial_state`
  /// groups a batch DataFrame by keys of this grouping's types, one row per key
  /// with the `state` columns (by name). In the query's first batch each of its
  /// keys starts with that value, and `func` is called for each of its keys
  /// (with no rows when the batch has none).
  DataFrame FlatMapGroupsWithState(GroupsWithStateFunction func, const StructType& output, const StructType& state,
                                   const std::string& output_mode, const std::string& timeout,
                                   const GroupedData& initial_state) const;
  /// Spark's mapGroupsWithState: FlatMapGroupsWithState in Update mode whose
  /// function returns exactly one row per call.
  DataFrame MapGroupsWithState(GroupsWithStateFunction func, const StructType& output, const StructType& state,
                               const std::string& timeout) const;
  DataFrame MapGroupsWithState(GroupsWithStateFunction func, const StructType& output, const StructType& state,
                               const std::string& timeout, const GroupedData& initial_state) const;
  /// The plan of Python's applyInPandasWithState: TransformWithState of
  /// `factory` (the Python function's processor) with the time mode of
  /// `timeout`, checked as Spark checks applyInPandasWithState.
  DataFrame ApplyInPandasWithState(StatefulProcessorFactory factory, const StructType& output,
                                   const std::string& output_mode, const std::string& timeout) const;

 private:
  DataFrame Simple(const char* fn, const std::vector<std::string>& cols) const;
  std::vector<Column> PivotAggregates(const std::vector<Column>& aggs) const;
  DataFrame df_;
  std::vector<Column> groups_;
  Kind kind_;
  std::vector<std::vector<Column>> sets_;  // kGroupingSets
  std::optional<Column> pivot_;  // set by pivot()
  std::vector<Column> pivot_values_;
};

}  // namespace spate
