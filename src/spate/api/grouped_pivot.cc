// GroupedData.pivot: groupBy(g).pivot(p, [v1, v2]).agg(a, b) becomes one
// aggregation by g with a column per (value, aggregate), each aggregating
// only its group's rows where p <=> v (aggregate FILTER). As Spark's
// PivotFirst does, a group without a value gets NULL when every aggregate
// has a numeric or boolean result (a count too); otherwise each aggregate
// runs over its filtered rows (a count of none is 0).

#include <arrow/api.h>

#include "spate/api/pivot.h"

#include "spate/aggregates/aggregate_definitions.h"
#include "spate/api/dataframe.h"
#include "spate/api/session.h"
#include "spate/expr/expression.h"
#include "spate/expr/function_registry.h"
#include "spate/plan/plan_builder.h"
#include "spate/types/data_type.h"

namespace spate {

namespace {

// `e` with each aggregate call in it filtered by `condition`.
ExprPtr FilterAggregates(const ExprPtr& e, const ExprPtr& condition) {
  if (e->kind == ExprKind::kCall && e->function == nullptr && IsAggregateFunction(e->name)) {
    return ex::Call(kAggregateFilterCall, {e, condition});
  }
  if (e->args.empty()) return e;
  Expr copy = *e;
  for (auto& a : copy.args) a = FilterAggregates(a, condition);
  return ex::Node(std::move(copy));
}

// Types Spark's PivotFirst carries: a missing (group, value) pair is NULL.
bool PivotFirstType(const DataType& type) {
  return type.IsNumeric() || type.id() == TypeId::kBoolean;
}

// Spark's name of a pivot value's column: the value as text, `null` for NULL.
std::string ValueName(const Expr& e) {
  if (e.kind == ExprKind::kAlias) return e.name;
  if (e.kind == ExprKind::kLiteral && (e.literal == nullptr || !e.literal->is_valid)) return "null";
  return e.ToString();
}

// The distinct values of the DataFrame's one column, ascending (NULL first).
arrow::Result<std::vector<Column>> DistinctValues(const DataFrame& values) {
  ARROW_RETURN_NOT_OK(values.status());
  DataTypePtr type = values.schema()->fields()[0].type;
  ARROW_ASSIGN_OR_RAISE(auto table, values.toArrow());
  std::vector<Column> out;
  for (int64_t i = 0; i < table->num_rows(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto scalar, table->column(0)->GetScalar(i));
    out.emplace_back(ex::Lit(std::move(scalar), type));
  }
  return out;
}

}  // namespace

GroupedData GroupedData::pivot(const Column& col, std::vector<Column> values) const {
  GroupedData out = *this;
  Column bare(col.expr()->kind == ExprKind::kAlias ? col.expr()->args[0] : col.expr());
  out.pivot_ = bare;
  if (values.empty() && df_.ok()) {
    auto found = DistinctValues(df_.select({bare.alias("pivot")}).distinct().orderBy({Column("pivot")}));
    if (!found.ok()) {
      out.df_ = DataFrame(df_.session(), found.status());
      return out;
    }
    values = std::move(*found);
  }
  out.pivot_values_ = std::move(values);
  return out;
}

std::vector<Column> GroupedData::PivotAggregates(const std::vector<Column>& aggs) const {
  std::vector<ExprPtr> values, plain;
  for (const auto& v : pivot_values_) values.push_back(v.expr());
  for (const auto& a : aggs) plain.push_back(a.expr());
  std::vector<Column> out;
  for (auto& e : spate::PivotAggregates(df_.plan(), pivot_->expr(), values, plain)) out.emplace_back(std::move(e));
  return out;
}

std::vector<ExprPtr> PivotAggregates(const PlanPtr& input, const ExprPtr& pivot, const std::vector<ExprPtr>& values,
                                     const std::vector<ExprPtr>& aggs) {
  bool pivot_first = true;
  if (auto types = MakeAggregate(input, {}, aggs); types.ok()) {
    for (const auto& attr : (*types)->output) pivot_first = pivot_first && PivotFirstType(*attr.type);
  }
  std::vector<ExprPtr> out;
  for (const auto& value : values) {
    ExprPtr v = value->kind == ExprKind::kAlias ? value->args[0] : value;
    ExprPtr condition = ex::Call("<=>", {pivot, v});
    ExprPtr present = ex::Call(">", {ex::Call(kAggregateFilterCall, {ex::Call("count", {ex::Star({})}), condition}),
                                     ex::Int(0)});
    for (const auto& a : aggs) {
      ExprPtr body = a->kind == ExprKind::kAlias ? a->args[0] : a;
      ExprPtr filtered = FilterAggregates(body, condition);
      if (pivot_first) filtered = ex::Call("if", {present, filtered, ex::Null()});
      std::string name = aggs.size() == 1 ? ValueName(*value) : ValueName(*value) + "_" + a->ToString();
      out.push_back(ex::Alias(filtered, name));
    }
  }
  return out;
}

}  // namespace spate
