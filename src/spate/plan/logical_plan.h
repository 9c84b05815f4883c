#pragma once

// Analyzed plans. Spate analyzes eagerly, as Spark does for Datasets: every
// DataFrame operation resolves its expressions against its input while the
// plan is built (plan_builder.h), so a node always knows its output columns
// and holds bound expressions ready to run. The same plan runs once for a
// batch query and once per micro-batch for a streaming one.
//
// Nodes are immutable and shared between DataFrames.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <arrow/type_fwd.h>

#include "spate/expr/bound_expr.h"
#include "spate/types/data_type.h"

namespace spate {

class StreamSourceFactory;  // streaming/source.h: a scan of a stream holds one
class TaskPool;             // common/task_pool.h: the threads a reader may read on

/// One output column of a plan node.
struct Attribute {
  std::string name;
  DataTypePtr type;
  bool nullable = true;
  /// The relation name it can be qualified with (`t` in `t.a`), empty if none.
  std::string qualifier{};
  /// An event-time column: the delay of its withWatermark, in milliseconds
  /// (Spark's spark.watermarkDelayMs metadata); -1 for other columns. Window
  /// structs computed from an event-time column carry it too.
  int64_t watermark_delay_ms = -1;
  /// A time window struct: "spark.timeWindow" (window) or "spark.sessionWindow"
  /// (session_window), the metadata key Spark marks it with; empty otherwise.
  std::string window_marker{};
  /// Other field metadata it carries (a comment, metadata read from a source), as
  /// Spark's JSON object; references to the column keep it.
  std::string metadata_json = "{}";
};

struct SortKey {
  BoundExprPtr expr;
  bool ascending = true;
  bool nulls_first = true;
};

/// One aggregate function call of an Aggregate node. Its argument
/// expressions are bound to the Aggregate's input.
struct AggregateCall {
  std::string function;  // "count", "count_all", "sum", "avg", "min", "max", "first", "last",
                         // "collect_list", "collect_set", "count_distinct"
  std::vector<BoundExprPtr> args;
  DataTypePtr type;
  bool ignore_nulls = false;  // first/last
  BoundExprPtr filter;        // FILTER (WHERE filter): only its true rows are aggregated
  bool descending = false;    // WITHIN GROUP (ORDER BY x DESC): percentile, percentile_disc, mode
  std::string name;           // Spark's generated name: "count(1)", "sum(x)"
};

enum class JoinType { kInner, kCross, kLeftOuter, kRightOuter, kFullOuter, kLeftSemi, kLeftAnti };
const char* JoinTypeName(JoinType type);

struct WindowCalls;  // plan/window_plan.h
struct TransformWithStateSpec;  // plan/stateful_processor.h

struct PlanNode;
using PlanPtr = std::shared_ptr<const PlanNode>;

/// What a query needs from a scan that reads on demand: the columns it uses
/// and the conjuncts of the filter right above it (over the scan's output).
struct ScanRequest {
  std::vector<bool> columns;  // empty: all
  std::vector<BoundExprPtr> filters;
};

/// A source of data for a Scan: a materialized table, or a cached plan
/// (df.cache()) computed on first use and kept. Streaming sources plug in here.
struct ScanSource {
  std::string description;             // for explain(): "LocalRelation", "InMemoryRelation"
  std::shared_ptr<arrow::Table> table;  // the rows (for a cache: once computed; for a
                                        // running stream: the current micro-batch)
  std::shared_ptr<const PlanNode> cached_plan{};
  /// A streaming source: the plan is a streaming plan; a query run creates
  /// the source and feeds each micro-batch's rows into a copy of this scan.
  std::shared_ptr<StreamSourceFactory> stream{};
  /// A table read on demand (files, Iceberg): returns rows of the scan's full
  /// schema, skipping what `request` rules out — files the filters exclude (the
  /// Filter above still applies them) and unused columns (left all-null). The
  /// reader may read on the task pool's threads (null: on the caller's alone).
  std::function<arrow::Result<std::shared_ptr<arrow::Table>>(const ScanRequest&, TaskPool*)> reader{};
  /// Set by the optimizer for a scan that reads on demand or a streaming scan
  /// (plan/scan_pushdown.h); a query run hands its columns to the stream.
  ScanRequest request{};
  std::mutex mutex{};  // guards `table`
};

/// Whether the plan reads a streaming source anywhere.
bool IsStreamingPlan(const PlanNode& plan);

struct PlanNode {
  enum class Kind { kScan, kProject, kFilter, kAggregate, kJoin, kUnion, kIntersect, kExcept,
                    kDistinct, kSort, kLimit, kGenerate, kWatermark, kWindow, kExpand, kTransformWithState };
  Kind kind;
  std::vector<PlanPtr> children{};
  std::vector<Attribute> output{};

  std::shared_ptr<ScanSource> source{};  // kScan
  /// kProject: one expression per output column. kAggregate: the grouping
  /// keys (output = keys then aggregates). kDistinct: the key columns.
  /// kGenerate: the generator input (an array or map), then pass-through columns.
  std::vector<BoundExprPtr> exprs{};
  BoundExprPtr condition{};                // kFilter; kJoin's non-equi rest (over left ++ right)
  std::vector<AggregateCall> aggregates{};  // kAggregate
  JoinType join_type = JoinType::kInner;   // kJoin
  std::vector<BoundExprPtr> left_keys{}, right_keys{};  // kJoin equi-keys, bound to each side
  /// kJoin with USING columns: how output columns map onto left ++ right;
  /// -1 - k stands for coalesce(left using_left[k], right using_right[k]),
  /// the key column of a full outer join.
  std::vector<int> join_projection{};
  std::vector<int> using_left{}, using_right{};
  std::vector<SortKey> sort_keys{};  // kSort
  int64_t limit = 0;               // kLimit: at most this many rows ...
  int64_t offset = 0;              // ... after skipping this many (OFFSET)
  bool generate_outer = false;     // kGenerate: explode_outer
  bool generate_position = false;  // kGenerate: posexplode
  /// kWatermark: withWatermark(exprs[0], delay) — the event-time column and its delay.
  int64_t watermark_delay_ms = 0;
  /// kAggregate: the grouping key that is a session_window(...), or -1.
  int session_window_key = -1;
  /// kDistinct: dropDuplicatesWithinWatermark (keys expire at event time + delay).
  bool within_watermark = false;
  /// kIntersect / kExcept: INTERSECT ALL / EXCEPT ALL (keep duplicates) rather
  /// than the DISTINCT forms.
  bool set_all = false;
  /// kWindow: the window function calls; exprs are the PARTITION BY keys and
  /// sort_keys the ORDER BY keys.
  std::shared_ptr<const WindowCalls> window{};
  /// kExpand: one projection per grouping set (GROUPING SETS, ROLLUP, CUBE),
  /// each computing every output column; the output is all their rows.
  std::vector<std::vector<BoundExprPtr>> projections{};
  /// kTransformWithState: the processor and its modes; exprs are the grouping keys.
  std::shared_ptr<const TransformWithStateSpec> transform{};

  StructTypePtr Schema() const;
  /// The plan as Spark's explain() prints its analyzed plan (an indented tree).
  std::string TreeString() const;
};

}  // namespace spate
