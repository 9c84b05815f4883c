#pragma once

// GROUP BY items that stand for several groupings: ROLLUP(a, b), CUBE(a, b)
// and GROUPING SETS ((a, b), (a), ()), alone or mixed with plain items
// (GROUP BY a, ROLLUP(b, c)). They are calls of the names below among the
// grouping expressions; a parenthesised list of expressions inside them (one
// grouping set, or one element of a ROLLUP or CUBE) is a kGroupingSet call.

#include <optional>
#include <string>
#include <vector>

#include "spate/expr/expression.h"

namespace spate {

inline constexpr const char* kRollup = "rollup";
inline constexpr const char* kCube = "cube";
inline constexpr const char* kGroupingSets = "grouping_sets";
inline constexpr const char* kGroupingSet = "grouping_set";

/// grouping(col) / grouping_id(cols...): which grouping set a result row belongs to.
bool IsGroupingFunction(const std::string& name);

/// The grouping sets GROUP BY `items` stands for.
struct GroupingSets {
  /// Every expression the items name, in order of appearance (may repeat).
  std::vector<ExprPtr> exprs;
  /// Each grouping set: indices into `exprs`. Spark's order of the sets; a
  /// set may appear more than once (its groups are then output as often).
  std::vector<std::vector<size_t>> sets;
};

/// The grouping sets of `items`, or nullopt when no item is a ROLLUP, CUBE or
/// GROUPING SETS. Plain items belong to every set; several ROLLUP/CUBE/GROUPING
/// SETS items combine as the cross product of their sets.
std::optional<GroupingSets> ExpandGroupingSets(const std::vector<ExprPtr>& items);

}  // namespace spate
