#pragma once

// spark.read.format("state-metadata").load(<checkpointLocation>): a row per
// store of each stateful operator the checkpoint records, as Spark's state
// metadata source: operatorId, operatorName, stateStoreName, numPartitions,
// minBatchId, maxBatchId (the committed batches) and operatorProperties
// (a transformWithState's time mode, output mode and state variables, as
// JSON; "" for the other operators). A transformWithState has one row, store
// "default", as in Spark, though Spate keeps a store per state variable.

#include <string>

#include <arrow/result.h>

#include "spate/connectors/statestore/state_reader.h"

namespace spate {

class RuntimeConfig;

arrow::Result<StateTable> ReadStateMetadata(const RuntimeConfig& conf, const std::string& checkpoint);

}  // namespace spate
