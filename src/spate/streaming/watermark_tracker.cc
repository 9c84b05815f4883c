#include "spate/streaming/watermark_tracker.h"

#include <algorithm>

#include "spate/common/strings.h"

namespace spate {

arrow::Result<WatermarkTracker> WatermarkTracker::Make(const std::string& policy) {
  if (EqualsIgnoreCase(policy, "min")) return WatermarkTracker(false);
  if (EqualsIgnoreCase(policy, "max")) return WatermarkTracker(true);
  return arrow::Status::Invalid("Could not recognize watermark policy '", policy,
                                "' in spark.sql.streaming.multipleWatermarkPolicy: use 'min' or 'max'.");
}

void WatermarkTracker::Update(const std::map<int, EventTimeStats>& event_times) {
  for (const auto& [id, stats] : event_times) {
    if (stats.count == 0) continue;
    int64_t proposal = stats.max - stats.delay_ms;
    auto it = per_operator_ms_.find(id);
    if (it == per_operator_ms_.end()) {
      per_operator_ms_[id] = proposal;
    } else {
      it->second = std::max(it->second, proposal);
    }
  }
  if (per_operator_ms_.empty()) return;
  int64_t chosen = per_operator_ms_.begin()->second;
  for (const auto& [id, ms] : per_operator_ms_) chosen = use_max_ ? std::max(chosen, ms) : std::min(chosen, ms);
  global_ms_ = std::max(global_ms_, chosen);
}

}  // namespace spate
