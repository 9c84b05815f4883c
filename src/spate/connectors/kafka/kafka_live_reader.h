#pragma once

// Reads Kafka partitions as messages arrive, for the continuous trigger and
// real-time mode: one consumer stays assigned to the partitions (at explicit
// offsets, no consumer-group commits) and each Poll takes what has arrived.

#include <memory>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/connectors/kafka/kafka_client.h"
#include "spate/connectors/kafka/kafka_offsets.h"
#include "spate/connectors/kafka/kafka_reader.h"

namespace spate::kafka {

class RowBuilder;

/// The consumer properties of a live reader: larger fetches at high rates
/// (fetch.min.bytes, fetch.wait.max.ms), each unless the user sets it.
ClientConfig LiveConsumerDefaults(ClientConfig config);

class LiveReader {
 public:
  LiveReader(ClientConfig config, ReadSettings settings);
  ~LiveReader();

  /// The messages after `from` (next offsets by partition) that arrive within
  /// `timeout_ms`; `from` moves past them. A change of `from`'s partitions, or
  /// of where they start, reassigns the consumer.
  arrow::Result<std::shared_ptr<arrow::Table>> Poll(PartitionOffsets* from, int timeout_ms);

 private:
  arrow::Status Assign(const PartitionOffsets& from);

  ClientConfig config_;
  ReadSettings settings_;
  // Kept across polls: a poll's setup costs as much as its records when few arrive.
  std::shared_ptr<arrow::Schema> schema_;
  std::unique_ptr<RowBuilder> rows_;
  std::vector<rd_kafka_message_t*> batch_;
  std::unique_ptr<Client> consumer_;
  rd_kafka_queue_t* queue_ = nullptr;
  PartitionOffsets assigned_;  // the next offsets the consumer will deliver
};

}  // namespace spate::kafka
