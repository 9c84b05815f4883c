#include "spate/streaming/trigger.h"

#include <fmt/format.h>

#include "spate/common/interval_text.h"

namespace spate {

namespace {

arrow::Result<int64_t> IntervalMs(const std::string& text, const char* what) {
  auto parsed = sql::ParseIntervalString(text);
  if (!parsed.ok()) {
    return arrow::Status::Invalid(fmt::format(
        "The provided {} interval ({}) is not a valid interval string: {}", what, text,
        parsed.status().message()));
  }
  if (parsed->months != 0) {
    return arrow::Status::Invalid(fmt::format(
        "Doesn't support month or year interval: {}", text));
  }
  int64_t ms = (parsed->days * 86'400'000'000LL + parsed->micros) / 1000;
  if (ms < 0) return arrow::Status::Invalid("interval cannot be negative: ", text);
  return ms;
}

}  // namespace

arrow::Result<Trigger> Trigger::ProcessingTime(const std::string& interval) {
  ARROW_ASSIGN_OR_RAISE(int64_t ms, IntervalMs(interval, "processingTime"));
  return ProcessingTime(ms);
}

arrow::Result<Trigger> Trigger::Continuous(const std::string& interval) {
  ARROW_ASSIGN_OR_RAISE(int64_t ms, IntervalMs(interval, "continuous"));
  return Trigger{Kind::kContinuous, ms};
}

arrow::Result<Trigger> Trigger::RealTime(const std::string& interval) {
  ARROW_ASSIGN_OR_RAISE(int64_t ms, IntervalMs(interval, "realTime"));
  return Trigger{Kind::kRealTime, ms};
}

std::string Trigger::ToString() const {
  switch (kind) {
    case Kind::kDefault: return "ProcessingTimeTrigger(0)";
    case Kind::kProcessingTime: return fmt::format("ProcessingTimeTrigger({})", interval_ms);
    case Kind::kOnce: return "OneTimeTrigger";
    case Kind::kAvailableNow: return "AvailableNowTrigger";
    case Kind::kContinuous: return fmt::format("ContinuousTrigger({})", interval_ms);
    case Kind::kRealTime: return fmt::format("RealTimeTrigger({})", interval_ms);
  }
  return "?";
}

}  // namespace spate
