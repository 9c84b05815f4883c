#pragma once

// The watermark each stateful operator of a streaming query sees, as Spark
// propagates the query's watermark through the plan (PropagateWatermarkSimulator):
// a withWatermark emits the query's watermark; an operator's input watermark
// is the lowest of its inputs'; a stateful operator passes its input
// watermark on, except a stream-stream join, which passes the lower of its
// sides' state watermarks (plan/stream_join_watermark.h), so that the rows
// it emits late are not late for the operators above it.

#include <cstdint>
#include <limits>
#include <vector>

namespace spate {

class PhysicalPlan;

/// An operator without event time below it: nothing is late, nothing evicted.
inline constexpr int64_t kNoWatermarkMs = std::numeric_limits<int64_t>::min() / 2000;

/// The input watermark of each stateful operator of `plan` (by state id)
/// when the query's watermark is `watermark_ms`.
std::vector<int64_t> OperatorWatermarks(const PhysicalPlan& plan, int64_t watermark_ms);

}  // namespace spate
