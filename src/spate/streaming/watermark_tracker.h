#pragma once

// The query's event-time watermark, as Spark's WatermarkTracker keeps it:
// after each batch, every withWatermark proposes (max event time seen) -
// (its delay); the global watermark is the min (or, with
// spark.sql.streaming.multipleWatermarkPolicy=max, the max) of the proposals
// of the withWatermarks that have seen data, and never goes back.

#include <cstdint>
#include <map>
#include <string>

#include <arrow/result.h>

#include "spate/exec/streaming_context.h"

namespace spate {

class WatermarkTracker {
 public:
  /// `policy`: "min" or "max" (case-insensitive); anything else is an error.
  static arrow::Result<WatermarkTracker> Make(const std::string& policy);

  /// The watermark for the next batch, in milliseconds (0: none yet).
  int64_t current() const { return global_ms_; }
  /// After a restart: the watermark recorded in the checkpoint.
  void Restore(int64_t ms) { global_ms_ = std::max(global_ms_, ms); }

  /// Folds in the event times the batch's withWatermark operators saw (by operator id).
  void Update(const std::map<int, EventTimeStats>& event_times);

 private:
  explicit WatermarkTracker(bool use_max) : use_max_(use_max) {}
  bool use_max_;
  int64_t global_ms_ = 0;
  std::map<int, int64_t> per_operator_ms_;  // by operator id
};

}  // namespace spate
