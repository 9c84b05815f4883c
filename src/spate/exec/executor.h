#pragma once

// Runs an analyzed plan to a table. Every operator works on whole Arrow
// arrays: expressions evaluate batch by batch, sorts and joins over the
// combined input, aggregation through Arrow's hash aggregate kernels.

#include <memory>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/plan/logical_plan.h"

namespace spate {

arrow::Result<std::shared_ptr<arrow::Table>> ExecutePlan(const PlanNode& plan, const EvalContext& ctx);

/// The operators, one per file in exec/ (called by ExecutePlan).
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
arrow::Result<std::shared_ptr<arrow::Table>> ExecuteJoin(const PlanNode& node,
                                                         const arrow::Table& left,
                                                         const arrow::Table& right,
                                                         const EvalContext& ctx);

/// INTERSECT [ALL] / EXCEPT [ALL] (set_operation.cc).
arrow::Result<std::shared_ptr<arrow::Table>> ExecuteSetOperation(const PlanNode& node,
                                                                 const arrow::Table& left,
                                                                 const arrow::Table& right);

/// `plan` with its scan told the columns and filters it needs, when `plan` is a
/// Project/Filter over a scan that reads on demand; else null (scan_pushdown.cc).
PlanPtr WithScanPushdown(const PlanNode& plan);

/// A table with one chunk per column, as one RecordBatch.
arrow::Result<std::shared_ptr<arrow::RecordBatch>> ToSingleBatch(const arrow::Table& table);

}  // namespace spate
