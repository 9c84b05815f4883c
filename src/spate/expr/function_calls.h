#pragma once

// Which functions a bound expression calls: the one walk that decides where
// an expression may run (in pieces of a batch, on other threads).

#include <string>

#include "spate/expr/bound_expr.h"

namespace spate {

/// Whether `e`, or an expression under it, calls a function `names` answers true for.
template <typename Names>
bool CallsAny(const BoundExpr& e, const Names& names) {
  if (e.kind() == BoundExpr::Kind::kFunction && names(static_cast<const BoundFunction&>(e).function())) return true;
  for (const auto& child : e.children()) {
    if (child && CallsAny(*child, names)) return true;
  }
  return false;
}

}  // namespace spate
