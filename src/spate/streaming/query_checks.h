#pragma once

// Spark's rules for what a streaming query may contain and in which output
// mode (its UnsupportedOperationChecker), with its messages.

#include <arrow/status.h>

#include "spate/plan/logical_plan.h"
#include "spate/streaming/sink.h"

namespace spate {

class RuntimeConfig;

arrow::Status CheckStreamingQuery(const PlanNode& plan, OutputMode mode, const RuntimeConfig& conf);

/// Whether the node keeps state across micro-batches (a streaming
/// aggregation or deduplication).
bool IsStatefulOperator(const PlanNode& node);

}  // namespace spate
