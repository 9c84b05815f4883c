#pragma once

// The Kafka connector's entry points for the batch reader and writer
// (spark.read.format("kafka"), df.write.format("kafka")); the streaming
// source and sink register themselves under "kafka" (registry.h).

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/connectors/registry.h"

namespace spate {

class RuntimeConfig;
struct PlanNode;
using PlanPtr = std::shared_ptr<const PlanNode>;

/// spark.read.format("kafka").options(...).load(): the rows between
/// startingOffsets (default earliest) and endingOffsets (default latest).
arrow::Result<PlanPtr> LoadKafka(const RuntimeConfig& conf, const std::map<std::string, std::string>& options);

/// df.write.format("kafka").options(...).save(): checks the save mode, the
/// options and `schema`, then computes `rows`, writes every row and waits for
/// the broker's acknowledgements. Save modes: append, error/errorifexists.
arrow::Status WriteKafka(const StructType& schema,
                         const std::function<arrow::Result<std::shared_ptr<arrow::Table>>()>& rows,
                         const std::string& mode, const std::map<std::string, std::string>& options);

/// The streaming sink for writeStream.format("kafka").
arrow::Result<std::shared_ptr<StreamSink>> MakeKafkaStreamSink(const SinkRequest& request);

}  // namespace spate
