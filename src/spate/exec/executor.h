#pragma once

// Runs an analyzed plan to a table: ExecutePlan builds the plan's physical
// plan (physical_plan.h) and runs it once. The functions below compute the
// operators that need their whole input (sort, aggregate, join, ...) over
// a table; the physical operators call them when their input has ended.

#include <memory>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/plan/logical_plan.h"

namespace spate {

/// `task_threads`: spark.master's task threads (common/parallelism.h), on which
/// the projections and filters above the scans run (physical_plan.h).
arrow::Result<std::shared_ptr<arrow::Table>> ExecutePlan(const PlanNode& plan, const EvalContext& ctx,
                                                        int task_threads = 1);

/// The operators, one per file in exec/ (called by the physical operators).
arrow::Result<std::shared_ptr<arrow::Table>> ExecuteAggregate(const PlanNode& node,
                                                              const arrow::Table& input,
                                                              const EvalContext& ctx);
/// Stateful operators of a streaming query (EvalContext::streaming is set).
arrow::Result<std::shared_ptr<arrow::Table>> ExecuteStreamingAggregate(const PlanNode& node,
                                                                       const arrow::Table& input,
                                                                       const EvalContext& ctx);
arrow::Result<std::shared_ptr<arrow::Table>> ExecuteStreamingDeduplicate(const PlanNode& node,
                                                                         const arrow::Table& input,
                                                                         const EvalContext& ctx);
/// transformWithState (transform_with_state.cc).
arrow::Result<std::shared_ptr<arrow::Table>> ExecuteTransformWithState(const PlanNode& node, const arrow::Table& input,
                                                                       const EvalContext& ctx);
/// A stream-stream join (stream_join.cc).
arrow::Result<std::shared_ptr<arrow::Table>> ExecuteStreamingJoin(const PlanNode& node, const arrow::Table& left,
                                                                  const arrow::Table& right, const EvalContext& ctx);
arrow::Result<std::shared_ptr<arrow::Table>> ExecuteJoin(const PlanNode& node,
                                                         const arrow::Table& left,
                                                         const arrow::Table& right,
                                                         const EvalContext& ctx);

/// INTERSECT [ALL] / EXCEPT [ALL] (set_operation.cc).
arrow::Result<std::shared_ptr<arrow::Table>> ExecuteSetOperation(const PlanNode& node,
                                                                 const arrow::Table& left,
                                                                 const arrow::Table& right);

/// ORDER BY (sort.cc), distinct() (distinct.cc).
arrow::Result<std::shared_ptr<arrow::Table>> ExecuteSort(const PlanNode& node, const arrow::Table& input,
                                                         const EvalContext& ctx);
arrow::Result<std::shared_ptr<arrow::Table>> ExecuteDistinct(const PlanNode& node, const arrow::Table& input,
                                                             const EvalContext& ctx);

/// A table with one chunk per column, as one RecordBatch.
arrow::Result<std::shared_ptr<arrow::RecordBatch>> ToSingleBatch(const arrow::Table& table);

/// `array` as the output schema's type wants it (kernels may return a wider or
/// view type than the column's Arrow type): unchanged when it already is.
arrow::Result<std::shared_ptr<arrow::Array>> ConformArray(const std::shared_ptr<arrow::Array>& array,
                                                          const std::shared_ptr<arrow::DataType>& type);

}  // namespace spate
