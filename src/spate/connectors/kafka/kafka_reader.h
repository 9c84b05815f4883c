#pragma once

// Reads offset ranges of Kafka partitions into an Arrow table with the Kafka
// source's schema. The ranges are spread over parallel tasks, each with its
// own consumer (kept between batches); a task assigns its partitions at
// explicit offsets (no consumer-group commits) and takes messages in batches
// (rd_kafka_consume_batch_queue), copying each key and value once into the
// Arrow builders.

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/connectors/kafka/kafka_client.h"
#include "spate/types/data_type.h"

namespace spate::kafka {

/// key, value BINARY, topic STRING, partition INT, offset BIGINT, timestamp
/// TIMESTAMP, timestampType INT (+ headers ARRAY<STRUCT<key STRING, value BINARY>>).
StructTypePtr KafkaSourceSchema(bool include_headers);

struct OffsetRange {
  TopicPartition tp;
  int64_t from = 0;   // inclusive
  int64_t until = 0;  // exclusive
};

struct ReadSettings {
  bool include_headers = false;
  bool fail_on_data_loss = true;
  int64_t min_partitions = 0;  // split ranges into at least this many tasks
  int64_t poll_timeout_ms = 120000;
};

class RangeReader {
 public:
  RangeReader(ClientConfig config, ReadSettings settings);
  ~RangeReader();
  arrow::Result<std::shared_ptr<arrow::Table>> Read(const std::vector<OffsetRange>& ranges);

  /// The rows of `ranges` handed to `on_rows` on the calling thread in pieces as
  /// the tasks read them (pieces of different tasks interleave). After a piece
  /// fails, the tasks stop and that failure is returned.
  using RowsCallback = std::function<arrow::Status(std::shared_ptr<arrow::Table>)>;
  arrow::Status ReadInPieces(const std::vector<OffsetRange>& ranges, const RowsCallback& on_rows);

 private:
  struct Task {
    std::vector<OffsetRange> ranges;
    Client* client = nullptr;
  };
  arrow::Result<std::vector<Task>> PlanTasks(const std::vector<OffsetRange>& ranges);
  arrow::Status RunTask(const Task& task, const RowsCallback& emit, const std::atomic<bool>& cancelled);
  arrow::Result<Client*> Consumer(size_t task);

  ClientConfig config_;
  ReadSettings settings_;
  std::vector<std::unique_ptr<Client>> consumers_;
};

/// Splits ranges so there are at least `min_partitions` of them (larger
/// ranges split first, as Spark's offset range calculator does).
std::vector<OffsetRange> SplitRanges(const std::vector<OffsetRange>& ranges, int64_t min_partitions);

/// Spark's message for data that is gone (failOnDataLoss=true).
arrow::Status DataLossError(const std::string& detail);

}  // namespace spate::kafka
