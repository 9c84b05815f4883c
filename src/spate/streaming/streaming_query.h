#pragma once

// StreamingQuery: a running (or finished) streaming query, with PySpark's
// methods: id, runId, name, isActive, status, lastProgress, recentProgress,
// awaitTermination, stop, exception, explain, processAllAvailable.
//
// Threading: every method may be called from any thread while the query's
// own thread runs its micro-batches.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/status.h>

#include "spate/streaming/progress.h"

namespace spate {

struct QueryStatus {
  std::string message;
  bool is_data_available = false;
  bool is_trigger_active = false;
};

/// Sums over every batch of one run, kept apart from the recent progress
/// (which holds only the latest spark.sql.streaming.numRecentProgressUpdates
/// batches), so that counters built on them never go back.
struct QueryTotals {
  int64_t batches = 0;
  int64_t input_rows = 0;
  int64_t output_rows = 0;  // of the batches whose sink counts its rows
};

class StreamingQuery {
 public:
  virtual ~StreamingQuery() = default;
  virtual const std::string& id() const = 0;
  virtual const std::string& run_id() const = 0;
  virtual const std::optional<std::string>& name() const = 0;
  virtual bool isActive() const = 0;
  virtual QueryStatus status() const = 0;
  virtual std::optional<QueryProgress> lastProgress() const = 0;
  virtual std::vector<QueryProgress> recentProgress() const = 0;
  virtual QueryTotals totals() const = 0;
  /// Waits until the query ends; its error (a StreamingQueryException) if it failed.
  virtual arrow::Status awaitTermination() = 0;
  /// Waits at most `timeout_seconds`; true when the query has ended.
  virtual arrow::Result<bool> awaitTermination(double timeout_seconds) = 0;
  /// Stops after the running batch finishes and commits.
  virtual arrow::Status stop() = 0;
  virtual std::optional<arrow::Status> exception() const = 0;
  virtual std::string explain(bool extended = false) const = 0;
  /// Blocks until every source's data available now has been processed.
  virtual arrow::Status processAllAvailable() = 0;
};

}  // namespace spate
