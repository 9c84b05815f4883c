#include "spate/plan/json_expr_pruning.h"

#include <map>
#include <set>

#include <arrow/scalar.h>

#include "spate/common/strings.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/json_field_pruning.h"
#include "spate/plan/plan_rewrite.h"

namespace spate {

namespace {

using Kind = PlanNode::Kind;

// The field of `base`'s struct that `e` reads when `e` is `extract_value(base,
// 'name')`; -1 otherwise. Names match as extract_value matched them, case ignored.
int FieldRead(const BoundExpr& e, const BoundExpr& base) {
  if (e.kind() != BoundExpr::Kind::kFunction || static_cast<const BoundFunction&>(e).function() != "extract_value" ||
      e.children()[0].get() != &base || base.type()->id() != TypeId::kStruct) {
    return -1;
  }
  const arrow::Scalar* key = ConstantValue(*e.children()[1]);
  if (key == nullptr || !key->is_valid) return -1;
  const auto& schema = static_cast<const StructType&>(*base.type());
  std::string wanted = AsciiLower(key->ToString());
  int found = -1;
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (AsciiLower(schema.field(i).name) != wanted) continue;
    if (found >= 0) return -1;
    found = i;
  }
  return found;
}

// `e` over the new base: the field it reads found again in the base's new struct.
arrow::Result<BoundExprPtr> Reread(const BoundExpr& e, BoundExprPtr base) {
  return BindCall("extract_value", {std::move(base), e.children()[1]}, e.name());
}

// The fields of `schema` in `kept`, in the schema's order.
StructTypePtr Fields(const StructType& schema, const std::set<int>& kept) {
  std::vector<StructField> fields;
  for (int i : kept) fields.push_back(schema.field(i));
  return types::Struct(std::move(fields));
}

// Spark's rule within an expression: a field of a from_json call is read from
// a call over that field alone.
arrow::Result<BoundExprPtr> PruneFieldAccesses(const BoundExprPtr& e) {
  std::vector<BoundExprPtr> children;
  bool changed = false;
  for (const auto& c : e->children()) {
    ARROW_ASSIGN_OR_RAISE(children.emplace_back(), PruneFieldAccesses(c));
    changed = changed || children.back() != c;
  }
  BoundExprPtr out = e;
  if (changed) out = static_cast<const BoundFunction&>(*e).WithChildren(std::move(children));
  if (out->children().empty()) return out;
  const BoundExpr& base = *out->children()[0];
  const StructType* schema = PrunableFromJsonSchema(base);
  int field = FieldRead(*out, base);
  if (schema == nullptr || field < 0 || schema->num_fields() < 2) return out;
  ARROW_ASSIGN_OR_RAISE(BoundExprPtr pruned, FromJsonReading(base, Fields(*schema, {field})));
  return Reread(*out, std::move(pruned));
}

// The expressions of a node this rule rewrites: a Project's, a Filter's
// condition, an Aggregate's keys, arguments and filters.
std::vector<BoundExprPtr*> ExprSlots(PlanNode* node) {
  std::vector<BoundExprPtr*> out;
  if (node->kind == Kind::kFilter) out.push_back(&node->condition);
  if (node->kind != Kind::kProject && node->kind != Kind::kAggregate) return out;
  for (auto& e : node->exprs) out.push_back(&e);
  for (auto& call : node->aggregates) {
    for (auto& a : call.args) out.push_back(&a);
    if (call.filter) out.push_back(&call.filter);
  }
  return out;
}

// The fields of input column `column` that `e` reads, into `fields`; false
// when it reads the column otherwise (whole, or past the input: a lambda).
bool ReadsOnlyFields(const BoundExpr& e, int column, size_t width, std::set<int>* fields) {
  if (e.kind() == BoundExpr::Kind::kColumn) {
    int index = static_cast<const BoundColumn&>(e).index();
    return index != column && index < static_cast<int>(width);
  }
  if (!e.children().empty() && e.children()[0]->kind() == BoundExpr::Kind::kColumn &&
      static_cast<const BoundColumn&>(*e.children()[0]).index() == column) {
    int field = FieldRead(e, *e.children()[0]);
    if (field < 0) return false;
    fields->insert(field);
    return true;
  }
  for (const auto& c : e.children()) {
    if (!ReadsOnlyFields(*c, column, width, fields)) return false;
  }
  return true;
}

// `e` with its field accesses to input column `column` read from `base`, the column's new value.
arrow::Result<BoundExprPtr> RereadColumn(const BoundExprPtr& e, int column, const BoundExprPtr& base) {
  if (e->kind() != BoundExpr::Kind::kFunction) return e;
  const auto& first = e->children().empty() ? nullptr : e->children()[0];
  if (first && first->kind() == BoundExpr::Kind::kColumn &&
      static_cast<const BoundColumn&>(*first).index() == column) {
    return Reread(*e, base);
  }
  std::vector<BoundExprPtr> children;
  for (const auto& c : e->children()) {
    ARROW_ASSIGN_OR_RAISE(children.emplace_back(), RereadColumn(c, column, base));
  }
  return static_cast<const BoundFunction&>(*e).WithChildren(std::move(children));
}

// `parent` (a Project or an Aggregate) over `project` with project's column
// `column`, a from_json call, reading only the fields `parent` reads of it;
// false when it reads it otherwise, or all its fields.
arrow::Result<bool> PruneColumnFields(PlanNode* parent, PlanNode* project, int column) {
  int corrupt = -1;
  const StructType* schema = PrunableFromJsonSchema(*project->exprs[column], &corrupt);
  if (schema == nullptr) return false;
  std::set<int> fields;
  for (BoundExprPtr* e : ExprSlots(parent)) {
    if (!ReadsOnlyFields(**e, column, project->output.size(), &fields)) return false;
  }
  if (fields.empty() || static_cast<int>(fields.size()) == schema->num_fields()) return false;
  if (fields.size() > 1 && corrupt >= 0) return false;
  StructTypePtr pruned = Fields(*schema, fields);
  ARROW_ASSIGN_OR_RAISE(project->exprs[column], FromJsonReading(*project->exprs[column], pruned));
  Attribute& out = project->output[column];
  out.type = pruned;
  auto base = std::make_shared<BoundColumn>(column, pruned, out.nullable, out.name);
  for (BoundExprPtr* e : ExprSlots(parent)) {
    ARROW_ASSIGN_OR_RAISE(*e, RereadColumn(*e, column, base));
  }
  return true;
}

PlanPtr Node(PlanNode node) { return std::make_shared<const PlanNode>(std::move(node)); }

// `node` with this rule applied to its expressions and, for a Project or an
// Aggregate over a Project, to the from_json calls of that Project.
arrow::Result<PlanPtr> PruneAt(const PlanPtr& node) {
  PlanNode copy = *node;
  bool changed = false;
  for (BoundExprPtr* e : ExprSlots(&copy)) {
    ARROW_ASSIGN_OR_RAISE(BoundExprPtr pruned, PruneFieldAccesses(*e));
    changed = changed || pruned != *e;
    *e = std::move(pruned);
  }
  bool over_project = copy.children.size() == 1 && copy.children[0]->kind == Kind::kProject;
  if ((copy.kind == Kind::kProject || copy.kind == Kind::kAggregate) && over_project) {
    PlanNode project = *copy.children[0];
    bool pruned_any = false;
    for (size_t i = 0; i < project.exprs.size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(bool pruned, PruneColumnFields(&copy, &project, static_cast<int>(i)));
      pruned_any = pruned_any || pruned;
    }
    if (pruned_any) copy.children = {Node(std::move(project))};
    changed = changed || pruned_any;
  }
  return changed ? Node(std::move(copy)) : node;
}

}  // namespace

PlanPtr PruneJsonFields(const PlanPtr& plan) {
  // Rebinding a field access over fewer fields cannot fail; should it, the plan stays as it was.
  arrow::Status failed;
  PlanPtr pruned = RewriteUp(plan, [&](const PlanPtr& node) {
    if (!failed.ok()) return node;
    auto at = PruneAt(node);
    failed = at.status();
    return at.ok() ? *at : node;
  });
  return failed.ok() ? pruned : plan;
}

}  // namespace spate
