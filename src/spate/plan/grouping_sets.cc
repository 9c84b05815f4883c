#include "spate/plan/grouping_sets.h"

#include <algorithm>

namespace spate {

namespace {

bool IsCall(const Expr& e, const char* name) { return e.kind == ExprKind::kCall && e.name == name; }

bool IsAnalytics(const Expr& e) {
  return IsCall(e, kRollup) || IsCall(e, kCube) || IsCall(e, kGroupingSets);
}

using Set = std::vector<size_t>;

// The indices of one element of a ROLLUP, CUBE or GROUPING SETS: a
// parenthesised list, or a single expression.
Set Element(const ExprPtr& e, std::vector<ExprPtr>* exprs) {
  Set set;
  const std::vector<ExprPtr> parts = IsCall(*e, kGroupingSet) ? e->args : std::vector<ExprPtr>{e};
  for (const auto& p : parts) {
    set.push_back(exprs->size());
    exprs->push_back(p);
  }
  return set;
}

Set Concat(const Set& a, const Set& b) {
  Set out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// ROLLUP(e1, ..., en): (e1..en), (e1..en-1), ..., ().
std::vector<Set> Rollup(const std::vector<Set>& elements) {
  std::vector<Set> out;
  for (size_t n = elements.size() + 1; n-- > 0;) {
    Set set;
    for (size_t i = 0; i < n; ++i) set = Concat(set, elements[i]);
    out.push_back(std::move(set));
  }
  return out;
}

// CUBE(e1, ..., en): every subset, in Spark's order (the sets with e1 first,
// each followed by the same set without it, recursively).
std::vector<Set> Cube(const std::vector<Set>& elements, size_t from = 0) {
  if (from == elements.size()) return {Set{}};
  std::vector<Set> rest = Cube(elements, from + 1);
  std::vector<Set> out;
  for (const auto& r : rest) out.push_back(Concat(elements[from], r));
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

}  // namespace

bool IsGroupingFunction(const std::string& name) { return name == "grouping" || name == "grouping_id"; }

std::optional<GroupingSets> ExpandGroupingSets(const std::vector<ExprPtr>& items) {
  if (std::none_of(items.begin(), items.end(), [](const ExprPtr& e) { return IsAnalytics(*e); })) {
    return std::nullopt;
  }
  GroupingSets out;
  out.sets = {Set{}};
  for (const auto& item : items) {
    std::vector<Set> alternatives;
    if (!IsAnalytics(*item)) {
      alternatives.push_back(Element(item, &out.exprs));
    } else {
      std::vector<Set> elements;
      for (const auto& a : item->args) elements.push_back(Element(a, &out.exprs));
      alternatives = IsCall(*item, kRollup) ? Rollup(elements) : IsCall(*item, kCube) ? Cube(elements) : elements;
    }
    std::vector<Set> product;
    for (const auto& s : out.sets) {
      for (const auto& a : alternatives) product.push_back(Concat(s, a));
    }
    out.sets = std::move(product);
  }
  return out;
}

}  // namespace spate
