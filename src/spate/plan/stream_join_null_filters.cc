#include "spate/plan/stream_join_null_filters.h"

#include <set>

#include "spate/expr/function_registry.h"

namespace spate {

namespace {

using Kind = PlanNode::Kind;

PlanPtr WithChildren(const PlanNode& node, std::vector<PlanPtr> children) {
  PlanNode copy = node;
  copy.children = std::move(children);
  return std::make_shared<const PlanNode>(std::move(copy));
}

PlanPtr FilterOver(const PlanPtr& child, BoundExprPtr condition) {
  PlanNode filter{.kind = Kind::kFilter, .children = {child}, .output = child->output};
  filter.condition = std::move(condition);
  return std::make_shared<const PlanNode>(std::move(filter));
}

// Whether `e` gives the same value however often it runs, and is NULL when an
// input is (columns, literals and null-intolerant functions): safe to compute
// below a projection as well.
bool IsPlainExpression(const BoundExpr& e) {
  if (e.kind() != BoundExpr::Kind::kFunction) return true;
  if (!IsNullIntolerant(static_cast<const BoundFunction&>(e).function())) return false;
  for (const auto& c : e.children()) {
    if (!IsPlainExpression(*c)) return false;
  }
  return true;
}

// `e` over a projection's input: each column replaced by its expression.
BoundExprPtr Substitute(const BoundExprPtr& e, const std::vector<BoundExprPtr>& exprs) {
  if (e->kind() == BoundExpr::Kind::kColumn) return exprs[static_cast<const BoundColumn&>(*e).index()];
  if (e->kind() != BoundExpr::Kind::kFunction) return e;
  std::vector<BoundExprPtr> children;
  for (const auto& c : e->children()) children.push_back(Substitute(c, exprs));
  return static_cast<const BoundFunction&>(*e).WithChildren(std::move(children));
}

// Whether `predicate` (over `node`'s output) can go below `node`, with the
// predicate it becomes there.
BoundExprPtr BelowNode(const PlanNode& node, const BoundExprPtr& predicate) {
  std::set<int> columns;
  CollectColumns(*predicate, &columns);
  switch (node.kind) {
    case Kind::kFilter: return predicate;
    case Kind::kWatermark: {
      // Not below withWatermark when it reads the event time.
      const auto& time = *node.exprs[0];
      if (time.kind() != BoundExpr::Kind::kColumn) return nullptr;
      return columns.count(static_cast<const BoundColumn&>(time).index()) ? nullptr : predicate;
    }
    case Kind::kProject:
      for (int c : columns) {
        if (!IsPlainExpression(*node.exprs[c])) return nullptr;
      }
      return Substitute(predicate, node.exprs);
    default: return nullptr;
  }
}

// `plan` with a filter on `predicate` placed as deep as Spark pushes it.
PlanPtr PushFilter(const PlanPtr& plan, const BoundExprPtr& predicate) {
  BoundExprPtr below = BelowNode(*plan, predicate);
  if (!below) return FilterOver(plan, predicate);
  return WithChildren(*plan, {PushFilter(plan->children[0], below)});
}

arrow::Result<PlanPtr> WithNullFilters(const PlanPtr& side, const std::vector<BoundExprPtr>& keys) {
  PlanPtr out = side;
  for (const auto& key : keys) {
    if (!key->nullable()) continue;
    ARROW_ASSIGN_OR_RAISE(auto not_null, BindCall("isnotnull", {key}, "isnotnull(" + key->name() + ")"));
    out = PushFilter(out, not_null);
  }
  return out;
}

// Which sides of a join lose their NULL-key rows: [left, right].
std::pair<bool, bool> FilteredSides(JoinType type) {
  switch (type) {
    case JoinType::kInner:
    case JoinType::kLeftSemi: return {true, true};
    case JoinType::kLeftOuter: return {false, true};
    case JoinType::kRightOuter: return {true, false};
    default: return {false, false};
  }
}

arrow::Result<PlanPtr> Rewrite(const PlanPtr& plan) {
  std::vector<PlanPtr> children;
  bool changed = false;
  for (const auto& child : plan->children) {
    ARROW_ASSIGN_OR_RAISE(auto rewritten, Rewrite(child));
    changed = changed || rewritten != child;
    children.push_back(std::move(rewritten));
  }
  if (plan->kind == Kind::kJoin && !plan->left_keys.empty() && IsStreamingPlan(*plan->children[0]) &&
      IsStreamingPlan(*plan->children[1])) {
    auto [left, right] = FilteredSides(plan->join_type);
    if (left) {
      ARROW_ASSIGN_OR_RAISE(children[0], WithNullFilters(children[0], plan->left_keys));
    }
    if (right) {
      ARROW_ASSIGN_OR_RAISE(children[1], WithNullFilters(children[1], plan->right_keys));
    }
    changed = changed || left || right;
  }
  return changed ? WithChildren(*plan, std::move(children)) : plan;
}

}  // namespace

PlanPtr AddStreamJoinNullFilters(const PlanPtr& plan) {
  auto rewritten = Rewrite(plan);
  return rewritten.ok() ? *rewritten : plan;
}

}  // namespace spate
