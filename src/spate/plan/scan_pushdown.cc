#include "spate/plan/scan_pushdown.h"

#include <set>

#include "spate/plan/column_pruning.h"

namespace spate {

namespace {

bool IsLazyScan(const PlanNode& n) {
  return n.kind == PlanNode::Kind::kScan && (n.source->reader || n.source->stream) &&
         n.source->request.columns.empty() && n.source->request.filters.empty();
}

bool IsColumnOnlyProject(const PlanNode& n) {
  if (n.kind != PlanNode::Kind::kProject) return false;
  for (const auto& e : n.exprs) {
    if (e->kind() != BoundExpr::Kind::kColumn) return false;
  }
  return true;
}

// A copy of the scan whose request is set.
PlanPtr ScanWith(const PlanNode& scan, ScanRequest request) {
  auto source = std::make_shared<ScanSource>();
  source->description = scan.source->description;
  source->reader = scan.source->reader;
  source->stream = scan.source->stream;
  source->request = std::move(request);
  PlanNode copy = scan;
  copy.source = std::move(source);
  return std::make_shared<const PlanNode>(std::move(copy));
}

// `plan` with its scan told the columns and filters it needs, when `plan` is a
// Project/Filter over a scan that reads on demand; else null.
PlanPtr WithScanPushdown(const PlanNode& plan) {
  if (plan.kind != PlanNode::Kind::kProject && plan.kind != PlanNode::Kind::kFilter &&
      plan.kind != PlanNode::Kind::kAggregate) {
    return nullptr;
  }
  // The path down to the scan: filters, watermarks and column-only
  // projections (renames, the qualifier of spark.table) below the top node.
  std::vector<const PlanNode*> path{&plan};
  while (!path.back()->children.empty()) {
    const PlanNode* child = path.back()->children[0].get();
    path.push_back(child);
    if (child->kind == PlanNode::Kind::kFilter || child->kind == PlanNode::Kind::kWatermark ||
        IsColumnOnlyProject(*child)) {
      continue;
    }
    break;
  }
  const PlanNode& scan = *path.back();
  if (!IsLazyScan(scan)) return nullptr;
  path.pop_back();

  // input_map[k]: where node k's input columns come from in the scan.
  std::vector<std::vector<int>> input_map(path.size());
  std::vector<int> map(scan.output.size());
  for (size_t i = 0; i < map.size(); ++i) map[i] = static_cast<int>(i);
  for (size_t k = path.size(); k-- > 0;) {
    input_map[k] = map;
    if (path[k]->kind == PlanNode::Kind::kProject && k > 0) {
      std::vector<int> out;
      for (const auto& e : path[k]->exprs) out.push_back(map[static_cast<const BoundColumn&>(*e).index()]);
      map = std::move(out);
    }
  }
  ScanRequest request;
  std::set<int> used;
  for (size_t k = 0; k < path.size(); ++k) {
    if (path[k]->kind == PlanNode::Kind::kFilter) {
      BoundExprPtr condition = RemapColumns(path[k]->condition, input_map[k]);
      SplitConjuncts(condition, &request.filters);
      CollectColumns(*condition, &used);
    } else if (path[k]->kind == PlanNode::Kind::kWatermark) {
      CollectColumns(*RemapColumns(path[k]->exprs[0], input_map[k]), &used);
    }
  }
  if (plan.kind != PlanNode::Kind::kFilter) {
    for (const auto& e : InputExprs(plan)) CollectColumns(*RemapColumns(e, input_map[0]), &used);
  }
  // An Aggregate that reads no column (count(*) right over the scan) asks for
  // none: the rows still count, and a JSON scan parses no field, as Spark's.
  if (plan.kind == PlanNode::Kind::kProject || plan.kind == PlanNode::Kind::kAggregate) {
    request.columns.assign(scan.output.size(), false);
    for (int i : used) request.columns[i] = true;
  }
  // The same nodes over the scan that now carries the request.
  PlanPtr rebuilt = ScanWith(scan, std::move(request));
  for (size_t k = path.size(); k-- > 0;) {
    PlanNode node = *path[k];
    node.children = {rebuilt};
    rebuilt = std::make_shared<const PlanNode>(std::move(node));
  }
  return rebuilt;
}

}  // namespace

PlanPtr PushDownIntoScans(const PlanPtr& plan) {
  if (PlanPtr pushed = WithScanPushdown(*plan)) return pushed;  // its scan is below: nothing more to do
  std::vector<PlanPtr> children;
  bool changed = false;
  for (const auto& child : plan->children) {
    children.push_back(PushDownIntoScans(child));
    changed = changed || children.back() != child;
  }
  if (!changed) return plan;
  PlanNode copy = *plan;
  copy.children = std::move(children);
  return std::make_shared<const PlanNode>(std::move(copy));
}

}  // namespace spate
