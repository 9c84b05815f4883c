#pragma once

// df.writeStream: format(...).outputMode(...).option(...).trigger(...)
// .start() starts a StreamingQuery; foreachBatch(fn) hands each micro-batch
// to a function as a batch DataFrame.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/api/dataframe.h"
#include "spate/connectors/registry.h"
#include "spate/streaming/streaming_query.h"
#include "spate/streaming/trigger.h"

namespace spate {

using ForeachBatchFunction = std::function<arrow::Status(const DataFrame& batch, int64_t batch_id)>;

class DataStreamWriter {
 public:
  explicit DataStreamWriter(DataFrame df) : df_(std::move(df)) {}

  DataStreamWriter& format(const std::string& sink);
  /// "append", "update" or "complete" (case-insensitive); a bad one fails at start().
  DataStreamWriter& outputMode(const std::string& mode);
  DataStreamWriter& option(const std::string& key, const std::string& value);
  DataStreamWriter& queryName(const std::string& name);
  DataStreamWriter& trigger(const Trigger& trigger);
  DataStreamWriter& partitionBy(const std::vector<std::string>& columns);
  DataStreamWriter& foreachBatch(ForeachBatchFunction fn);

  arrow::Result<std::shared_ptr<StreamingQuery>> start() const;
  arrow::Result<std::shared_ptr<StreamingQuery>> start(const std::string& path) const;
  /// Writes into a table by name (file formats: a managed table).
  arrow::Result<std::shared_ptr<StreamingQuery>> toTable(const std::string& name) const;

 private:
  arrow::Result<std::shared_ptr<StreamingQuery>> Start(std::optional<std::string> path) const;
  arrow::Result<std::string> CheckpointLocation(bool needs_checkpoint) const;

  DataFrame df_;
  std::string format_;
  std::string output_mode_ = "append";
  Options options_;
  std::optional<std::string> query_name_;
  Trigger trigger_;
  std::vector<std::string> partition_by_;
  ForeachBatchFunction foreach_batch_;
};

}  // namespace spate
