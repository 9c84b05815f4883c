#pragma once

// StreamingQueryProgress with Spark's field names and meanings; json() and
// prettyJson() print it as Spark does (Jackson's layout: "key" : value).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace spate {

struct SourceProgress {
  std::string description;
  std::optional<std::string> start_offset;   // JSON text, as the offsets log stores it
  std::optional<std::string> end_offset;
  std::optional<std::string> latest_offset;
  int64_t num_input_rows = 0;
  double input_rows_per_second = 0;
  double processed_rows_per_second = 0;
  std::string metrics_json;  // extra members of "metrics" (Kafka lag), or ""
};

struct SinkProgress {
  std::string description;
  int64_t num_output_rows = -1;
};

struct QueryProgress {
  std::string id;
  std::string run_id;
  std::optional<std::string> name;
  std::string timestamp;  // trigger start, "2024-01-01T12:00:00.000Z"
  int64_t batch_id = 0;
  int64_t batch_duration_ms = 0;
  int64_t num_input_rows = 0;
  double input_rows_per_second = 0;
  double processed_rows_per_second = 0;
  std::vector<std::pair<std::string, int64_t>> duration_ms;  // addBatch, getBatch, ...
  std::vector<std::pair<std::string, std::string>> event_time;  // avg/max/min/watermark
  std::vector<std::string> state_operators;  // each a JSON object
  std::vector<SourceProgress> sources;
  SinkProgress sink;

  std::string Json() const;
  std::string PrettyJson() const;
};

/// Milliseconds since the epoch as Spark prints progress timestamps.
std::string FormatProgressTimestamp(int64_t epoch_ms);

}  // namespace spate
