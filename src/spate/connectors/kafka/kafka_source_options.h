#pragma once

// The Kafka source's options, parsed and checked as Spark checks them, and
// what they resolve to on a live cluster: which partitions are subscribed
// (subscribe / subscribePattern / assign) and the concrete offsets a
// startingOffsets / endingOffsets / timestamp option means for them.

#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/connectors/kafka/kafka_client.h"
#include "spate/connectors/kafka/kafka_reader.h"
#include "spate/connectors/registry.h"

namespace spate::kafka {

/// startingOffsets / endingOffsets and their timestamp forms.
struct OffsetSpec {
  enum class Kind { kEarliest, kLatest, kSpecific, kTimestamp, kTimestampPerPartition };
  Kind kind = Kind::kLatest;
  PartitionOffsets offsets;  // kSpecific: offsets (-2 earliest, -1 latest); kTimestampPerPartition: timestamps
  int64_t timestamp = 0;     // kTimestamp
  bool strategy_latest = false;  // startingOffsetsByTimestampStrategy=latest (else error)
  std::string option;        // which option it came from, for errors
};

struct SourceOptions {
  enum class Strategy { kSubscribe, kSubscribePattern, kAssign };
  Strategy strategy = Strategy::kSubscribe;
  std::vector<std::string> topics;            // subscribe
  std::string pattern;                        // subscribePattern
  std::vector<TopicPartition> assigned;       // assign
  OffsetSpec starting, ending;
  std::optional<int64_t> max_offsets_per_trigger, min_offsets_per_trigger;
  int64_t max_trigger_delay_ms = 15 * 60 * 1000;
  ReadSettings read;
  std::string group_id;  // kafka.group.id, or groupIdPrefix + a random suffix
  ClientConfig client;

  /// Spark's description: Subscribe[a,b], SubscribePattern[p], Assign[t-0, t-1].
  std::string StrategyDescription() const;
};

/// Parses and checks the options; `batch` for spark.read (startingOffsets
/// defaults to earliest there, endingOffsets applies).
arrow::Result<SourceOptions> ParseSourceOptions(const Options& options, bool batch);

/// The partitions the strategy names that exist now.
arrow::Result<std::vector<TopicPartition>> SubscribedPartitions(Client& client, const SourceOptions& options);

/// The concrete offsets `spec` means for `partitions` (earliest/latest looked
/// up, timestamps turned into offsets).
arrow::Result<PartitionOffsets> ResolveOffsets(Client& client, const OffsetSpec& spec,
                                               const std::vector<TopicPartition>& partitions);

}  // namespace spate::kafka
