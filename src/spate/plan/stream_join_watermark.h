#pragma once

// How a stream-stream join finds, from its condition and the query's
// watermark, which buffered rows can no longer match and may leave its state
// (Spark's StreamingJoinHelper and StreamingSymmetricHashJoinHelper):
//
//   - A watermarked column among the equi-join keys (`l.window = r.window`,
//     or the event time itself): a row leaves once the watermark passes its
//     key's time, on both sides ("key" eviction).
//   - Otherwise a side with a watermarked column, and a time-range condition
//     between the two sides' times (`rt >= lt AND rt <= lt + interval 1
//     hour`): each inequality solved for this side's time with the other
//     side's time at the watermark gives a bound; a row leaves once its time
//     is at or below the lowest bound ("value" eviction).
//
// The bound of an inequality is linear in the watermark: Spark evaluates
// `watermark * 1000 + constants` in microseconds as a double, truncates to
// milliseconds, and subtracts 1 for <= and >=. StateWatermarkMs does the same.

#include <cstdint>
#include <optional>
#include <vector>

#include "spate/plan/logical_plan.h"

namespace spate {

/// One inequality of the join condition solved for one side's time.
struct JoinTimeBound {
  double watermark_sign = 1;  // the watermark's coefficient (+1, or -1 in a negated term)
  double constant_micros = 0;  // the intervals and constants of the inequality
  bool inclusive = false;      // <= or >=: one millisecond less
};

/// How one side's buffered rows leave the state.
struct JoinSideEviction {
  enum class Kind { kNone, kByKey, kByValue };
  Kind kind = Kind::kNone;
  /// kByKey: the join key (its ordinal among the keys) whose time the
  /// watermark closes; kByValue: the side's watermarked column (its index in
  /// the side's input).
  int column = -1;
  std::vector<JoinTimeBound> bounds;  // kByValue
};

struct StreamJoinEviction {
  JoinSideEviction left, right;
};

/// The watermarked equi-key's ordinal (left keys first), as Spark's
/// findJoinKeyOrdinalForWatermark: a key that is a plain reference to a
/// column with a watermark.
std::optional<int> WatermarkKeyOrdinal(const PlanNode& join);

/// The bounds the condition `join.condition` gives on `side`'s time (0: left,
/// 1: right) from the other side's watermarked time; empty when there are none.
std::vector<JoinTimeBound> StateValueBounds(const PlanNode& join, int side);

/// How each side of `join` evicts, as Spark decides it.
StreamJoinEviction JoinEvictionOf(const PlanNode& join);

/// The watermark a stream-stream join passes to the operators above it when
/// its input watermark is `input_ms` (Spark's produceOutputWatermark): the
/// lower of the two sides' state watermarks; nullopt when neither has one.
std::optional<int64_t> JoinOutputWatermarkMs(const PlanNode& join, int64_t input_ms);

/// The state watermark of a kByValue side at `watermark_ms`, in milliseconds:
/// rows at or below it leave. Nullopt without bounds.
std::optional<int64_t> StateWatermarkMs(const std::vector<JoinTimeBound>& bounds, int64_t watermark_ms);

}  // namespace spate
