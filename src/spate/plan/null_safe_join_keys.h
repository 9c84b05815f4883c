#pragma once

// The equi-join keys of a null-safe equality `l <=> r` in a join condition,
// as Spark's ExtractEquiJoinKeys makes them: (coalesce(x, default), isnull(x))
// on each side, which never are NULL, so a hash join (or a stream-stream
// join's state) pairs NULL with NULL and a value with the same value.

#include <optional>
#include <vector>

#include <arrow/result.h>

#include "spate/expr/bound_expr.h"

namespace spate {

struct NullSafeKeys {
  std::vector<BoundExprPtr> left, right;
};

/// The keys of `left <=> right` (each over its own side's columns); nullopt
/// when the sides' types differ or the type has no default value here (then
/// the equality stays in the join's condition).
arrow::Result<std::optional<NullSafeKeys>> NullSafeJoinKeys(const BoundExprPtr& left, const BoundExprPtr& right);

}  // namespace spate
