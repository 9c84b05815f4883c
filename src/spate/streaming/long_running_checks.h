#pragma once

// What the continuous trigger and real-time mode refuse, with Spark's
// messages: the continuous trigger as Spark 4.1's UnsupportedOperationChecker
// (checkForContinuous) and its continuous sources and sinks; real-time mode
// with Spark's STREAMING_REAL_TIME_MODE errors (Kafka source; Kafka, foreach,
// console and memory sinks; update mode; stateless operators).

#include <string>

#include <arrow/status.h>

#include "spate/plan/logical_plan.h"
#include "spate/plan/output_mode.h"
#include "spate/streaming/trigger.h"

namespace spate {

class RuntimeConfig;

/// At start(): `sink_format` is the writer's format ("kafka", "console", ...),
/// "foreach" or "foreachBatch".
arrow::Status CheckLongRunningQuery(const PlanNode& plan, const Trigger& trigger, OutputMode mode,
                                    const std::string& sink_format, const RuntimeConfig& conf);

/// When the query's thread starts: Spark starts a continuous query into a
/// sink without a continuous writer (files, ...) and then fails it. OK for
/// the sinks the trigger supports.
arrow::Status CheckLongRunningSink(const Trigger& trigger, const std::string& sink_format);

}  // namespace spate
