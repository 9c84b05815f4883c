#pragma once

// Spark's rules for what a streaming query may contain and in which output
// mode (its UnsupportedOperationChecker), with its messages.

#include <arrow/status.h>

#include "spate/plan/logical_plan.h"
#include "spate/streaming/sink.h"

namespace spate {

class RuntimeConfig;

arrow::Status CheckStreamingQuery(const PlanNode& plan, OutputMode mode, const RuntimeConfig& conf);

/// What Spark finds only when it plans the query's first batch, so that the
/// query starts and then fails: a stream-stream join without an equality,
/// or a side of one with more than one event-time column.
arrow::Status CheckStreamingPlan(const PlanNode& plan);

}  // namespace spate
