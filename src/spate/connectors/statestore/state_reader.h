#pragma once

// spark.read.format("statestore").load(<checkpointLocation>): the state of
// one stateful operator as rows, as Spark's state data source reads it, for
// debugging. Columns: key (struct), value (struct), partition_id (int).
// Options (case-insensitive keys): batchId (default: the last committed
// batch; the state after it is read), operatorId (default 0), storeName
// (default "default"), joinSide ("left"/"right": a stream-stream join side's
// rows as Spark shows them, the join key and the side's input columns).
// On a transformWithState operator, one of stateVarName (a state variable's
// rows) or readRegisteredTimers (its timers), and flattenCollectionTypes
// (state_variable_reader.h).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/types/data_type.h"

namespace spate {

class RuntimeConfig;

struct StateTable {
  StructTypePtr schema;
  std::shared_ptr<arrow::Table> table;
};

/// `options` keys are lower-case. A checkpoint on an object store (s3a://) is
/// downloaded first, with the store's settings from `conf`.
arrow::Result<StateTable> ReadStateStore(const RuntimeConfig& conf, const std::string& checkpoint,
                                         const std::map<std::string, std::string>& options);

/// Visits every row (key and value encodings) of store `store_name` of an
/// operator as batch `batch_id` left it, partition by partition.
using StateRowVisitor = std::function<arrow::Status(int partition, std::string_view key, std::string_view value)>;
arrow::Status ForEachStateRow(const std::string& checkpoint, int64_t operator_id, const std::string& store_name,
                              int64_t batch_id, const std::map<std::string, std::string>& options,
                              const StateRowVisitor& visit);

}  // namespace spate
