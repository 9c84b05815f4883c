#pragma once

// StreamExecution runs a streaming query as Spark's micro-batch engine does:
// plan once, then batch after batch —
//   1. ask every source for its latest offset (nothing new: wait for the trigger),
//   2. write the batch's end offsets to offsets/N (atomically) before reading,
//   3. read the rows, run the plan, hand the result to the sink (idempotent by N),
//   4. write commits/N.
// A restart finds the last offsets/N without commits/N and runs it again
// with the same offsets. The checkpoint layout and file formats are in
// docs/checkpoint-format.md.

#include <memory>
#include <string>

#include <arrow/result.h>

#include "spate/plan/logical_plan.h"
#include "spate/streaming/sink.h"
#include "spate/streaming/streaming_query.h"
#include "spate/streaming/trigger.h"

namespace spate {

class QueryManager;
class RuntimeConfig;

struct StreamingQuerySpec {
  PlanPtr plan;  // a streaming plan
  std::shared_ptr<StreamSink> sink;
  /// The writer's format ("kafka", "console", ...), "foreach" or "foreachBatch":
  /// what the continuous trigger and real-time mode check.
  std::string sink_format;
  OutputMode output_mode = OutputMode::kAppend;
  Trigger trigger;
  std::optional<std::string> name;
  /// Empty: a temporary checkpoint (allowed for sinks that need no recovery).
  std::string checkpoint_location;
};

/// Validates the query (Spark's output mode rules), opens or creates the
/// checkpoint, and starts the query's thread. The query runs with a copy of
/// `conf` taken now and registers with `streams` (spark.streams).
arrow::Result<std::shared_ptr<StreamingQuery>> StartStreamingQuery(const RuntimeConfig& conf,
                                                                   std::shared_ptr<QueryManager> streams,
                                                                   StreamingQuerySpec spec);

}  // namespace spate
