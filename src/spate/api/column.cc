#include "spate/api/column.h"

#include <arrow/scalar.h>

#include "spate/types/ddl_parser.h"

namespace spate {

Column::Column(const char* name) : expr_(ex::ColFromName(name)) {}
Column::Column(const std::string& name) : expr_(ex::ColFromName(name)) {}

Column Column::alias(const std::string& name) const { return Column(ex::Alias(expr_, name)); }
Column Column::alias(const std::vector<std::string>& names) const {
  return Column(ex::MultiAlias(expr_, names));
}

Column Column::cast(const std::string& ddl_type) const {
  auto type = ParseDdlType(ddl_type);
  // An unknown type name cannot be reported here; a cast to it fails at analysis.
  return cast(type.ok() ? *type : types::Null());
}
Column Column::cast(const DataTypePtr& type) const { return Column(ex::Cast(expr_, type)); }
Column Column::try_cast(const DataTypePtr& type) const {
  return Column(ex::Cast(expr_, type, /*try_cast=*/true));
}

Column Column::isNull() const { return Column(ex::Call("isnull", {expr_})); }
Column Column::isNotNull() const { return Column(ex::Call("isnotnull", {expr_})); }
Column Column::isin(const std::vector<Column>& values) const {
  std::vector<ExprPtr> args = {expr_};
  for (const auto& v : values) args.push_back(v.expr());
  return Column(ex::Call("in", std::move(args)));
}
Column Column::between(const Column& lower, const Column& upper) const {
  return (*this >= lower) && (*this <= upper);
}
Column Column::like(const std::string& p) const { return Column(ex::Call("like", {expr_, ex::String(p)})); }
Column Column::ilike(const std::string& p) const { return Column(ex::Call("ilike", {expr_, ex::String(p)})); }
Column Column::rlike(const std::string& p) const { return Column(ex::Call("rlike", {expr_, ex::String(p)})); }
Column Column::startswith(const Column& o) const { return Column(ex::Call("startswith", {expr_, o.expr()})); }
Column Column::endswith(const Column& o) const { return Column(ex::Call("endswith", {expr_, o.expr()})); }
Column Column::contains(const Column& o) const { return Column(ex::Call("contains", {expr_, o.expr()})); }
Column Column::substr(const Column& pos, const Column& len) const {
  return Column(ex::Call("substr", {expr_, pos.expr(), len.expr()}));
}
Column Column::eqNullSafe(const Column& o) const { return Column(ex::Call("<=>", {expr_, o.expr()})); }
Column Column::getField(const std::string& name) const {
  return Column(ex::Extract(expr_, ex::String(name)));
}
Column Column::getItem(const Column& key) const { return Column(ex::Extract(expr_, key.expr())); }

Column Column::when(const Column& condition, const Column& value) const {
  std::vector<ExprPtr> args;
  if (expr_ && expr_->kind == ExprKind::kCall && expr_->name == "casewhen") args = expr_->args;
  args.push_back(condition.expr());
  args.push_back(value.expr());
  return Column(ex::Call("casewhen", std::move(args)));
}
Column Column::otherwise(const Column& value) const {
  std::vector<ExprPtr> args = expr_->args;
  args.push_back(value.expr());
  return Column(ex::Call("casewhen", std::move(args)));
}

Column Column::asc() const { return Column(ex::Sort(expr_, true, true)); }
Column Column::desc() const { return Column(ex::Sort(expr_, false, false)); }
Column Column::asc_nulls_first() const { return Column(ex::Sort(expr_, true, true)); }
Column Column::asc_nulls_last() const { return Column(ex::Sort(expr_, true, false)); }
Column Column::desc_nulls_first() const { return Column(ex::Sort(expr_, false, true)); }
Column Column::desc_nulls_last() const { return Column(ex::Sort(expr_, false, false)); }

Column lit(int32_t v) { return Column(ex::Int(v)); }
Column lit(int64_t v) { return Column(ex::Long(v)); }
Column lit(double v) { return Column(ex::Double(v)); }
Column lit(bool v) { return Column(ex::Bool(v)); }
Column lit(const char* v) { return Column(ex::String(v)); }
Column lit(const std::string& v) { return Column(ex::String(v)); }
Column lit(std::nullptr_t) { return Column(ex::Null()); }

namespace {
Column Binary(const char* op, const Column& a, const Column& b) {
  return Column(ex::Call(op, {a.expr(), b.expr()}));
}
}  // namespace

Column operator+(const Column& a, const Column& b) { return Binary("+", a, b); }
Column operator-(const Column& a, const Column& b) { return Binary("-", a, b); }
Column operator*(const Column& a, const Column& b) { return Binary("*", a, b); }
Column operator/(const Column& a, const Column& b) { return Binary("/", a, b); }
Column operator%(const Column& a, const Column& b) { return Binary("%", a, b); }
Column operator-(const Column& a) { return Column(ex::Call("negative", {a.expr()})); }
Column operator==(const Column& a, const Column& b) { return Binary("=", a, b); }
Column operator!=(const Column& a, const Column& b) { return !(a == b); }
Column operator<(const Column& a, const Column& b) { return Binary("<", a, b); }
Column operator<=(const Column& a, const Column& b) { return Binary("<=", a, b); }
Column operator>(const Column& a, const Column& b) { return Binary(">", a, b); }
Column operator>=(const Column& a, const Column& b) { return Binary(">=", a, b); }
Column operator&&(const Column& a, const Column& b) { return Binary("and", a, b); }
Column operator||(const Column& a, const Column& b) { return Binary("or", a, b); }
Column operator!(const Column& a) { return Column(ex::Call("not", {a.expr()})); }

}  // namespace spate
