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

/// foreach(writer): rows one at a time, as Spark's ForeachWriter. Each batch
/// (one partition here) calls open(partition_id, epoch_id = batch id); when it
/// returns true, process() for every row; then close() with the error, if any.
class ForeachWriter {
 public:
  virtual ~ForeachWriter() = default;
  virtual arrow::Result<bool> open(int64_t partition_id, int64_t epoch_id) = 0;
  /// Row `row` of `rows`.
  virtual arrow::Status process(const arrow::RecordBatch& rows, int64_t row) = 0;
  virtual void close(const arrow::Status& error) = 0;
};

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
  DataStreamWriter& foreach(std::shared_ptr<ForeachWriter> writer);
  /// foreach() as a function of each batch that writes its rows one at a time
  /// (the Python layer's foreach): a foreach sink, not a foreachBatch one.
  DataStreamWriter& foreachRows(ForeachBatchFunction fn);

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
  bool foreach_rows_ = false;  // foreach_batch_ is foreach()'s row writer
};

}  // namespace spate
