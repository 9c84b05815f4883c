#pragma once

// A streaming source, as Spark's micro-batch sources work: the engine asks
// for the latest offset, writes the planned end offset to the offsets log,
// then asks for the rows between two offsets. Offsets are JSON text (what the
// offsets log stores for the source, as Spark's does), so a restart can hand
// them back. Reading the same range twice returns the same rows.
//
// Threading: one query's execution thread calls a source; never concurrently.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/types/data_type.h"

namespace spate {

/// How much a batch may take (maxOffsetsPerTrigger, maxFilesPerTrigger, ...).
/// Trigger.AvailableNow sets `available_now` with the end fixed at start.
struct ReadLimit {
  bool available_now = false;
  /// Trigger.Once: its one batch reads everything there, as in Spark, so
  /// per-trigger limits (maxFilesPerTrigger, maxOffsetsPerTrigger, ...) do not apply.
  bool all_available = false;
};

/// How far an availableNow run has read what was there when it started.
struct InputBacklog {
  int64_t done = 0;
  int64_t total = 0;
  std::string unit;  // "files", ...
};

/// What a continuous read took: the rows after the start offset, and the
/// offset after them (the start offset again when nothing arrived).
struct PolledRows {
  std::shared_ptr<arrow::Table> rows;
  std::string end;
};

class StreamSource {
 public:
  virtual ~StreamSource() = default;

  virtual StructTypePtr schema() const = 0;
  /// Spark's description in progress: "RateStreamV2[rowsPerSecond=1, ...]".
  virtual std::string description() const = 0;

  /// The offset the next batch should end at, given where the previous one
  /// ended (nullopt: from the beginning). nullopt when there is no data.
  virtual arrow::Result<std::optional<std::string>> LatestOffset(
      const std::optional<std::string>& start, const ReadLimit& limit) = 0;

  /// The columns of schema() the query reads (true: read; empty: all), given
  /// once before the first batch. A source that can skip reading the others
  /// (the file source's Parquet files) leaves them null in GetBatch's rows.
  virtual void ReadOnlyColumns(const std::vector<bool>& columns) { (void)columns; }

  /// The rows in (start, end]. Must return the same rows for the same range.
  virtual arrow::Result<std::shared_ptr<arrow::Table>> GetBatch(
      const std::optional<std::string>& start, const std::string& end) = 0;

  /// The rows in (start, end] handed to `on_rows` in pieces as they are read, for
  /// a batch the engine runs piece by piece (a map-like plan into a sink that
  /// writes rows as they come). The pieces together are GetBatch's rows, in any
  /// order; by default they are one piece, GetBatch's table.
  using RowsCallback = std::function<arrow::Status(std::shared_ptr<arrow::Table>)>;
  virtual arrow::Status ReadBatch(const std::optional<std::string>& start, const std::string& end,
                                  const RowsCallback& on_rows) {
    ARROW_ASSIGN_OR_RAISE(auto rows, GetBatch(start, end));
    return on_rows(std::move(rows));
  }

  /// Everything up to `end` is committed; the source may drop it.
  virtual arrow::Status Commit(const std::string& end) { (void)end; return arrow::Status::OK(); }

  /// Trigger.AvailableNow: fix the end at what is available now; later
  /// LatestOffset calls never go past it (but still respect rate limits).
  virtual arrow::Status PrepareForAvailableNow() { return arrow::Status::OK(); }

  /// After PrepareForAvailableNow: how much of that input the run has read,
  /// when the source can tell (the console progress bar shows it).
  virtual std::optional<InputBacklog> AvailableNowBacklog() const { return std::nullopt; }

  /// The continuous trigger and real-time mode: the rows that arrived after
  /// `start`, waiting up to `timeout_ms` for the first. nullopt: the source has
  /// no such reader, and the engine polls LatestOffset and GetBatch instead.
  virtual arrow::Result<std::optional<PolledRows>> Poll(const std::optional<std::string>& start, int timeout_ms) {
    (void)start;
    (void)timeout_ms;
    return std::nullopt;
  }

  /// Called once when the query stops.
  virtual void Stop() {}

  /// Per-source metrics for progress (Kafka's offsets behind latest, ...): a
  /// JSON object's members, or "".
  virtual std::string MetricsJson() const { return ""; }
};

/// Creates a source for one run of a query. `checkpoint_dir` is the
/// source's folder in the checkpoint (sources/<i>), for sources that keep
/// their own log (the file source's seen-files log).
class StreamSourceFactory {
 public:
  virtual ~StreamSourceFactory() = default;
  virtual StructTypePtr schema() const = 0;
  virtual std::string name() const = 0;  // "rate", "memory", "kafka", ...
  virtual arrow::Result<std::shared_ptr<StreamSource>> Create(const std::string& checkpoint_dir) = 0;
};

}  // namespace spate
