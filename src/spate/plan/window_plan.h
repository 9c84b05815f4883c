#pragma once

// What a Window plan node computes: window function calls over one
// (PARTITION BY, ORDER BY) specification — the node's exprs and sort_keys —
// each with its own frame. The node's output is its input followed by one
// column per call, as Spark's Window operator.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "spate/expr/bound_expr.h"
#include "spate/types/data_type.h"

namespace spate {

/// One end of a frame. ROWS offsets count rows; RANGE offsets are in the
/// units of the single order key (numbers; days for a DATE; microseconds
/// for a TIMESTAMP), negative towards the preceding rows.
struct WindowFrameBound {
  enum class Kind { kUnboundedPreceding, kOffset, kUnboundedFollowing };
  Kind kind = Kind::kOffset;
  int64_t rows = 0;     // ROWS kOffset (0: CURRENT ROW)
  double range = 0;     // RANGE kOffset
  bool current = true;  // kOffset 0 written as CURRENT ROW (RANGE: the row's peers)
};

struct WindowFrame {
  bool rows = true;  // ROWS, else RANGE
  WindowFrameBound lower{WindowFrameBound::Kind::kUnboundedPreceding}, upper{};
};

/// One window function call. `function` is a ranking or offset function
/// (row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag, lead,
/// nth_value) or an aggregate (sum, count, count_all, avg, min, max, first,
/// last, collect_list, collect_set).
struct WindowCall {
  std::string function;
  std::vector<BoundExprPtr> args{};  // evaluated on the node's input
  DataTypePtr type;
  bool nullable = true;
  bool ignore_nulls = false;
  int64_t offset = 0;  // lag/lead: rows ahead (negative for lag); nth_value: n; ntile: buckets
  WindowFrame frame{};
  std::string name{};  // Spark's column name: "row_number() OVER (...)"
  std::string column{};  // when not `name`, the column Spark's analyzer names: an alias, or "_we0" inside an expression
};

struct WindowCalls {
  std::vector<WindowCall> calls;
};

}  // namespace spate
