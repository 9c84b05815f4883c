#include "spate/plan/column_pruning.h"

#include <map>
#include <set>

#include "spate/plan/plan_rewrite.h"

namespace spate {

namespace {

using Kind = PlanNode::Kind;

PlanPtr Node(PlanNode node) { return std::make_shared<const PlanNode>(std::move(node)); }

// The columns of `exprs`; false when one reads past `width` columns (a
// lambda's variable), which a renumbering would break.
bool ColumnsWithin(const std::vector<BoundExprPtr>& exprs, size_t width, std::set<int>* out) {
  for (const auto& e : exprs) CollectColumns(*e, out);
  return out->empty() || *out->rbegin() < static_cast<int>(width);
}

// `node` reading its child's column map[i] where it read column i.
void Remap(PlanNode* node, const std::vector<int>& map) {
  for (auto& e : node->exprs) e = RemapColumns(e, map);
  for (auto& call : node->aggregates) {
    for (auto& a : call.args) a = RemapColumns(a, map);
    if (call.filter) call.filter = RemapColumns(call.filter, map);
  }
}

PlanPtr PruneAt(const PlanPtr& node);

// `project` over `generate` with only the pass-through columns they read; null
// when they read them all (or none).
PlanPtr PrunedGenerate(const PlanNode& project, const PlanNode& generate) {
  const PlanPtr& input = generate.children[0];
  const size_t passed = input->output.size();
  std::set<int> used;
  if (!ColumnsWithin(project.exprs, generate.output.size(), &used)) return nullptr;
  std::set<int> generator_used;
  if (!ColumnsWithin(generate.exprs, passed, &generator_used)) return nullptr;
  std::set<int> kept = generator_used;
  for (int i : used) {
    if (i < static_cast<int>(passed)) kept.insert(i);
  }
  if (kept.empty() || kept.size() == passed) return nullptr;

  // Below: the kept columns. input_map / output_map renumber the Generate's
  // input and output columns.
  PlanNode below{.kind = Kind::kProject, .children = {input}};
  std::vector<int> input_map(passed, -1), output_map(generate.output.size(), -1);
  for (int i : kept) {
    const Attribute& a = input->output[i];
    input_map[i] = output_map[i] = static_cast<int>(below.exprs.size());
    below.exprs.push_back(std::make_shared<BoundColumn>(i, a.type, a.nullable, a.name));
    below.output.push_back(a);
  }
  PlanNode gen = generate;
  gen.children = {PruneAt(Node(std::move(below)))};
  gen.output.erase(gen.output.begin(), gen.output.begin() + static_cast<std::ptrdiff_t>(passed));
  gen.output.insert(gen.output.begin(), gen.children[0]->output.begin(), gen.children[0]->output.end());
  for (auto& e : gen.exprs) e = RemapColumns(e, input_map);
  for (size_t i = passed; i < generate.output.size(); ++i) output_map[i] = static_cast<int>(kept.size() + i - passed);
  PlanNode top = project;
  top.children = {Node(std::move(gen))};
  Remap(&top, output_map);
  return Node(std::move(top));
}

// `parent` (a Project or an Aggregate) over `project`, or over `filter` (may
// be null) over it, with the project narrowed to the columns the two read;
// null when they read them all (or none).
PlanPtr Narrowed(const PlanNode& parent, const PlanNode* filter, const PlanNode& project) {
  const size_t width = project.output.size();
  std::vector<BoundExprPtr> exprs = InputExprs(parent);
  if (filter) exprs.push_back(filter->condition);
  std::set<int> used;
  if (!ColumnsWithin(exprs, width, &used) || used.empty() || used.size() == width) return nullptr;
  PlanNode below{.kind = Kind::kProject, .children = project.children};
  std::vector<int> map(width, -1);
  for (int i : used) {
    map[i] = static_cast<int>(below.exprs.size());
    below.exprs.push_back(project.exprs[i]);
    below.output.push_back(project.output[i]);
  }
  PlanPtr child = PruneAt(Node(std::move(below)));
  if (filter) {
    PlanNode middle = *filter;
    middle.children = {std::move(child)};
    middle.condition = RemapColumns(filter->condition, map);
    middle.output = middle.children[0]->output;
    child = Node(std::move(middle));
  }
  PlanNode top = parent;
  top.children = {std::move(child)};
  Remap(&top, map);
  return Node(std::move(top));
}

// A Project of every column of `scan`, to narrow as a Project under a Filter.
PlanNode AllColumnsOf(const PlanPtr& scan) {
  PlanNode all{.kind = Kind::kProject, .children = {scan}, .output = scan->output};
  for (size_t i = 0; i < scan->output.size(); ++i) {
    const Attribute& a = scan->output[i];
    all.exprs.push_back(std::make_shared<BoundColumn>(static_cast<int>(i), a.type, a.nullable, a.name));
  }
  return all;
}

// `node` pruned where it meets its child; `node` itself when no rule applies.
PlanPtr PruneAt(const PlanPtr& node) {
  if (node->children.size() != 1) return node;
  const Kind child = node->children[0]->kind;
  PlanPtr pruned;
  if (node->kind == Kind::kProject && child == Kind::kGenerate) {
    pruned = PrunedGenerate(*node, *node->children[0]);
  } else if ((node->kind == Kind::kProject || node->kind == Kind::kAggregate) && child == Kind::kProject) {
    pruned = Narrowed(*node, nullptr, *node->children[0]);
  } else if ((node->kind == Kind::kProject || node->kind == Kind::kAggregate) && child == Kind::kFilter &&
             node->children[0]->children[0]->kind == Kind::kProject) {
    pruned = Narrowed(*node, node->children[0].get(), *node->children[0]->children[0]);
  } else if ((node->kind == Kind::kProject || node->kind == Kind::kAggregate) && child == Kind::kFilter &&
             node->children[0]->children[0]->kind == Kind::kScan) {
    // A filter right over a scan keeps only the columns read above it, as
    // Spark's ColumnPruning: its rows are not copied with columns no one reads.
    pruned = Narrowed(*node, node->children[0].get(), AllColumnsOf(node->children[0]->children[0]));
  }
  return pruned ? pruned : node;
}

}  // namespace

std::vector<BoundExprPtr> InputExprs(const PlanNode& node) {
  std::vector<BoundExprPtr> out = node.exprs;
  for (const auto& call : node.aggregates) {
    out.insert(out.end(), call.args.begin(), call.args.end());
    if (call.filter) out.push_back(call.filter);
  }
  return out;
}

PlanPtr PruneColumns(const PlanPtr& plan) { return RewriteUp(plan, PruneAt); }

}  // namespace spate
