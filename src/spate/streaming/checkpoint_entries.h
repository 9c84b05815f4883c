#pragma once

// The entries of a checkpoint's offsets/ and commits/ logs, as text (the
// layout is in docs/checkpoint-format.md). Reading one that is not what Spate
// writes fails with [INVALID_CHECKPOINT] naming its file.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>

namespace spate {

/// offsets/N: "v1", the batch metadata, then one line per source ("-" for none).
std::string OffsetsEntry(int64_t batch_watermark_ms, int64_t batch_timestamp_ms,
                         const std::vector<std::optional<std::string>>& ends, const std::string& conf_json);

struct OffsetsEntryContent {
  int64_t batch_watermark_ms = 0;
  int64_t batch_timestamp_ms = 0;
  std::optional<int> shuffle_partitions;  // as recorded by the query's first run
  std::vector<std::optional<std::string>> ends;
};

/// An offsets/N entry read from `path`.
arrow::Result<OffsetsEntryContent> ParseOffsetsEntry(const std::string& text, const std::string& path);

/// commits/N: "v1", then {"nextBatchWatermarkMs":...}.
std::string CommitEntry(int64_t next_batch_watermark_ms);

/// The next batch's watermark recorded in a commits/N entry read from `path`
/// (0 when the entry records none, as Spark's older ones).
arrow::Result<int64_t> ParseCommitEntry(const std::string& text, const std::string& path);

}  // namespace spate
