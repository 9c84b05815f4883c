#pragma once

// The durations of a window(ts, windowDuration, slideDuration, startTime)
// call, in microseconds.

#include <cstdint>
#include <optional>
#include <vector>

#include <arrow/result.h>

#include "spate/expr/bound_expr.h"

namespace spate {

struct WindowSpec {
  int64_t size = 0;
  int64_t slide = 0;
  int64_t start = 0;
};

/// The spec of window(...) arguments when the window slides (slide < size),
/// nullopt for a tumbling window; an error for invalid durations.
arrow::Result<std::optional<WindowSpec>> SlidingWindowSpec(const std::vector<BoundExprPtr>& args);

}  // namespace spate
