// DataFrame.na: dropping and filling missing values, replacing values. A value
// applies to the columns of its kind (numeric, string or boolean), as in Spark;
// NaN counts as missing in float and double columns.

#include <map>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/api/dataframe.h"
#include "spate/api/functions.h"
#include "spate/common/error.h"
#include "spate/plan/plan_builder.h"

namespace spate {

namespace {

namespace F = functions;

enum class ValueKind { kNumeric, kString, kBoolean, kOther };

ValueKind KindOf(const DataType& type) {
  if (type.IsNumeric()) return ValueKind::kNumeric;
  if (type.id() == TypeId::kString) return ValueKind::kString;
  if (type.id() == TypeId::kBoolean) return ValueKind::kBoolean;
  return ValueKind::kOther;
}

bool IsFloating(const DataType& type) { return type.id() == TypeId::kFloat || type.id() == TypeId::kDouble; }

// The kind of a literal value (NULL and non-literals have none).
ValueKind LiteralKind(const Column& value) {
  const Expr& e = *value.expr();
  if (e.kind != ExprKind::kLiteral || !e.type) return ValueKind::kOther;
  return KindOf(*e.type);
}

// The positions of the columns `subset` names, all columns when it is empty.
arrow::Result<std::vector<size_t>> Scope(const PlanNode& plan, const std::vector<std::string>& subset) {
  std::vector<size_t> scope;
  if (subset.empty()) {
    for (size_t i = 0; i < plan.output.size(); ++i) scope.push_back(i);
    return scope;
  }
  for (const auto& name : subset) {
    ARROW_ASSIGN_OR_RAISE(int index, ResolveColumnIndex(plan.output, name));
    scope.push_back(static_cast<size_t>(index));
  }
  return scope;
}

Column ColumnAt(const PlanNode& plan, size_t i) { return Column(ex::Col({plan.output[i].name})); }

// A float or double column with NaN read as NULL; other columns as they are.
Column MissingAsNull(const PlanNode& plan, size_t i) {
  Column c = ColumnAt(plan, i);
  if (!IsFloating(*plan.output[i].type)) return c;
  return Column(ex::Call("nanvl", {c.expr(), ex::Null()}));
}

// Every column, with `replaced` given for some positions.
std::vector<Column> ProjectReplacing(const PlanNode& plan, const std::map<size_t, Column>& replaced) {
  std::vector<Column> out;
  for (size_t i = 0; i < plan.output.size(); ++i) {
    auto it = replaced.find(i);
    out.push_back(it == replaced.end() ? ColumnAt(plan, i) : it->second.alias(plan.output[i].name));
  }
  return out;
}

}  // namespace

DataFrame DataFrame::dropna(const std::string& how, std::optional<int> thresh,
                            const std::vector<std::string>& subset) const {
  if (!ok()) return *this;
  if (how != "any" && how != "all") {
    return With(arrow::Status::Invalid(
        fmt::format("[VALUE_NOT_ANY_OR_ALL] Value for `how` must be 'any' or 'all', got '{}'.", how)));
  }
  auto scope = Scope(*plan_, subset);
  if (!scope.ok()) return With(scope.status());
  int min_present = thresh ? *thresh : how == "any" ? static_cast<int>(scope->size()) : 1;
  Column present = lit(0);
  for (size_t i : *scope) {
    present = present + F::when(MissingAsNull(*plan_, i).isNotNull(), lit(1)).otherwise(lit(0));
  }
  return filter(present >= lit(min_present));
}

DataFrame DataFrame::fillna(const Column& value, const std::vector<std::string>& subset) const {
  if (!ok()) return *this;
  ValueKind kind = LiteralKind(value);
  if (kind == ValueKind::kOther) {
    return With(arrow::Status::Invalid(
        "[NOT_BOOL_OR_DICT_OR_FLOAT_OR_INT_OR_STR] Argument `value` should be a bool, dict, float, int or str, "
        "got " + value.ToString() + "."));
  }
  auto scope = Scope(*plan_, subset);
  if (!scope.ok()) return With(scope.status());
  std::map<size_t, Column> filled;
  for (size_t i : *scope) {
    const DataTypePtr& type = plan_->output[i].type;
    if (KindOf(*type) != kind) continue;
    filled[i] = F::coalesce({MissingAsNull(*plan_, i), value.cast(type)});
  }
  return select(ProjectReplacing(*plan_, filled));
}

DataFrame DataFrame::fillna(const std::vector<std::pair<std::string, Column>>& values) const {
  if (!ok()) return *this;
  std::map<size_t, Column> filled;
  for (const auto& [name, value] : values) {
    auto index = ResolveColumnIndex(plan_->output, name);
    if (!index.ok()) return With(index.status());
    size_t i = static_cast<size_t>(*index);
    filled[i] = F::coalesce({MissingAsNull(*plan_, i), value.cast(plan_->output[i].type)});
  }
  return select(ProjectReplacing(*plan_, filled));
}

DataFrame DataFrame::replace(const std::vector<Column>& from, const std::vector<Column>& to,
                             const std::vector<std::string>& subset) const {
  if (!ok()) return *this;
  if (from.size() != to.size()) {
    return With(arrow::Status::Invalid(fmt::format(
        "[LENGTH_SHOULD_BE_THE_SAME] to_replace and value should be of the same length, got {} and {}.",
        from.size(), to.size())));
  }
  if (from.empty()) return *this;
  ValueKind kind = LiteralKind(from[0]);
  auto is_null = [](const Column& v) {
    const Expr& e = *v.expr();
    return e.kind == ExprKind::kLiteral && e.type && e.type->id() == TypeId::kNull;
  };
  for (size_t k = 0; k < from.size(); ++k) {
    if (LiteralKind(from[k]) != kind || (LiteralKind(to[k]) != kind && !is_null(to[k]))) {
      return With(arrow::Status::Invalid("[MIXED_TYPE_REPLACEMENT] Mixed type replacements are not supported."));
    }
  }
  auto scope = Scope(*plan_, subset);
  if (!scope.ok()) return With(scope.status());
  std::map<size_t, Column> replaced;
  for (size_t i : *scope) {
    const DataTypePtr& type = plan_->output[i].type;
    if (KindOf(*type) != kind) continue;
    Column c = ColumnAt(*plan_, i);
    Column out = F::when(c == from[0].cast(type), to[0].cast(type));
    for (size_t k = 1; k < from.size(); ++k) out = out.when(c == from[k].cast(type), to[k].cast(type));
    replaced[i] = out.otherwise(c);
  }
  return select(ProjectReplacing(*plan_, replaced));
}

}  // namespace spate
