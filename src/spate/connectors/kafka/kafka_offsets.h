#pragma once

// Kafka offsets as Spark writes them to the offsets log:
// {"topicA":{"0":23,"1":-1},"topicB":{"0":-2}}, where -2 means earliest and
// -1 latest (in startingOffsets / endingOffsets). Topics and partitions are
// ordered, so the same offsets always print as the same text.

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include <arrow/result.h>

namespace spate::kafka {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  bool operator<(const TopicPartition& o) const {
    return topic != o.topic ? topic < o.topic : partition < o.partition;
  }
  bool operator==(const TopicPartition& o) const { return topic == o.topic && partition == o.partition; }
};

using PartitionOffsets = std::map<TopicPartition, int64_t>;

constexpr int64_t kLatest = -1;
constexpr int64_t kEarliest = -2;

std::string OffsetsToJson(const PartitionOffsets& offsets);
/// Parses offsets JSON; `option` names where it came from in errors.
arrow::Result<PartitionOffsets> OffsetsFromJson(const std::string& json, const std::string& option);
/// "topic-3", as Spark prints a TopicPartition.
std::string PartitionName(const TopicPartition& tp);

}  // namespace spate::kafka
