#pragma once

// The entries of a checkpoint's offsets/ and commits/ logs, as text (the
// layout is in docs/checkpoint-format.md). Reading one that is not what Spate
// writes fails with [INVALID_CHECKPOINT] naming its file.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>

namespace spate {

/// The settings a query keeps for life, with Spark's defaults: recorded in
/// every offsets/N entry and, on a restart, taken from the checkpoint over
/// the session's. Spark's list (state layout and partitioning), plus the
/// session time zone, which windows and dates of the state depend on.
const std::vector<std::pair<std::string, std::string>>& PinnedQueryConf();

using ConfMap = std::map<std::string, std::string>;

/// offsets/N: "v1", the batch metadata with `conf`, then one line per source ("-" for none).
std::string OffsetsEntry(int64_t batch_watermark_ms, int64_t batch_timestamp_ms,
                         const std::vector<std::optional<std::string>>& ends, const ConfMap& conf);

struct OffsetsEntryContent {
  int64_t batch_watermark_ms = 0;
  int64_t batch_timestamp_ms = 0;
  ConfMap conf;  // the settings recorded with the batch (string values)
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
