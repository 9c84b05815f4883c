#pragma once

// A plan rewritten from its leaves up: `at` takes each node, with its
// children already rewritten, and gives what stands in its place. A node
// shared by two parents is rewritten once and stays shared.

#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "spate/plan/logical_plan.h"

namespace spate {

template <typename At>
PlanPtr RewriteUp(const PlanPtr& plan, const At& at, std::map<const PlanNode*, PlanPtr>* done) {
  auto it = done->find(plan.get());
  if (it != done->end()) return it->second;
  std::vector<PlanPtr> children;
  bool changed = false;
  for (const auto& child : plan->children) {
    children.push_back(RewriteUp(child, at, done));
    changed = changed || children.back() != child;
  }
  PlanPtr out = plan;
  if (changed) {
    PlanNode copy = *plan;
    copy.children = std::move(children);
    out = std::make_shared<const PlanNode>(std::move(copy));
  }
  out = at(out);
  (*done)[plan.get()] = out;
  return out;
}

template <typename At>
PlanPtr RewriteUp(const PlanPtr& plan, const At& at) {
  std::map<const PlanNode*, PlanPtr> done;
  return RewriteUp(plan, at, &done);
}

}  // namespace spate
