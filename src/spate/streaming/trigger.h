#pragma once

// When micro-batches run: Spark's Trigger kinds. Continuous and RealTime run
// one long-lived loop instead of batches; their interval is the checkpoint's.

#include <cstdint>
#include <string>

#include <arrow/result.h>

namespace spate {

struct Trigger {
  enum class Kind { kDefault, kProcessingTime, kOnce, kAvailableNow, kContinuous, kRealTime };
  Kind kind = Kind::kDefault;
  int64_t interval_ms = 0;  // kProcessingTime; kContinuous and kRealTime: between checkpoints

  static Trigger ProcessingTime(int64_t ms) { return {Kind::kProcessingTime, ms}; }
  static Trigger Once() { return {Kind::kOnce, 0}; }
  static Trigger AvailableNow() { return {Kind::kAvailableNow, 0}; }
  /// processingTime="10 seconds" (Spark's interval strings; "0 seconds" is the default trigger).
  static arrow::Result<Trigger> ProcessingTime(const std::string& interval);
  static arrow::Result<Trigger> Continuous(const std::string& interval);
  /// Spark's Trigger.RealTime("5 seconds"): the long-running loop of the
  /// continuous trigger with stateless plans and a Kafka source.
  static arrow::Result<Trigger> RealTime(const std::string& interval);

  /// Continuous or RealTime: records are processed as they arrive, epochs checkpointed.
  bool is_long_running() const { return kind == Kind::kContinuous || kind == Kind::kRealTime; }

  std::string ToString() const;
};

}  // namespace spate
