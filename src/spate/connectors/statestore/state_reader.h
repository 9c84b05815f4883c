#pragma once

// spark.read.format("statestore").load(<checkpointLocation>): the state of
// one stateful operator as rows, as Spark's state data source reads it, for
// debugging. Columns: key (struct), value (struct), partition_id (int).
// Options (case-insensitive keys): batchId (default: the last committed
// batch; the state after it is read), operatorId (default 0), storeName
// (default "default"), joinSide ("left"/"right": a stream-stream join side's
// rows as Spark shows them, the join key and the side's input columns).

#include <map>
#include <memory>
#include <string>

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

}  // namespace spate
