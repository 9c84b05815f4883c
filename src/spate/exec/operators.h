#pragma once

// The operator families, one file each, as physical_plan.cc builds them:
// scans (scan_operator.cc); operators that pass each batch on as it comes
// (pipelined_operators.cc: project, filter, expand, generate, watermark,
// union, limit, a batch query's distinct); operators that collect their input
// and compute at its end (blocking_operators.cc: sort, window, aggregate,
// join, intersect/except, and the streaming stateful aggregate and
// deduplicate; stream_static_join.cc).

#include <memory>
#include <vector>

#include <arrow/result.h>

#include "spate/exec/operator.h"
#include "spate/plan/logical_plan.h"

namespace spate {

class TaskPool;

arrow::Result<std::unique_ptr<SourceOperator>> MakeScanOperator(const PlanNode& node);
/// Has a scan (from MakeScanOperator) cut its rows into pieces for `maps`, the
/// operators right above it in order, and run them over the pieces on `pool`
/// (null: one piece after the other on the caller's thread); a source that
/// reads on demand reads on `pool` too.
void RunOnPool(SourceOperator& scan, std::vector<BatchMapOperator*> maps, TaskPool* pool);
/// Null when `node` is not of this family.
arrow::Result<std::unique_ptr<Operator>> MakePipelinedOperator(const PlanNode& node, std::vector<Operator*> inputs);
arrow::Result<std::unique_ptr<Operator>> MakeBlockingOperator(const PlanNode& node, std::vector<Operator*> inputs);
/// A join of a stream with static rows, `static_input` (0: left, 1: right),
/// that keeps the static side's hash table while its rows stay the same
/// (stream_static_join.cc).
std::unique_ptr<Operator> MakeStreamStaticJoinOperator(const PlanNode& node, std::vector<Operator*> inputs,
                                                       int static_input);

/// Whether `node` runs as a stateful operator in a streaming query.
bool IsStatefulNode(const PlanNode& node);

}  // namespace spate
