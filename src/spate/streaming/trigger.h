#pragma once

// When micro-batches run: Spark's Trigger kinds.

#include <cstdint>
#include <string>

#include <arrow/result.h>

namespace spate {

struct Trigger {
  enum class Kind { kDefault, kProcessingTime, kOnce, kAvailableNow, kContinuous };
  Kind kind = Kind::kDefault;
  int64_t interval_ms = 0;  // kProcessingTime, kContinuous

  static Trigger ProcessingTime(int64_t ms) { return {Kind::kProcessingTime, ms}; }
  static Trigger Once() { return {Kind::kOnce, 0}; }
  static Trigger AvailableNow() { return {Kind::kAvailableNow, 0}; }
  /// processingTime="10 seconds" (Spark's interval strings; "0 seconds" is the default trigger).
  static arrow::Result<Trigger> ProcessingTime(const std::string& interval);
  static arrow::Result<Trigger> Continuous(const std::string& interval);

  std::string ToString() const;
};

}  // namespace spate
