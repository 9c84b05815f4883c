#include "spate/expr/bound_expr.h"

#include <chrono>
#include <mutex>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/compute/initialize.h>

#include "spate/common/runtime_config.h"
#include "spate/expr/function_registry.h"
#include "spate/types/arrow_types.h"

namespace spate {

void EnsureComputeInitialized() {
  static std::once_flag once;
  std::call_once(once, [] {
    arrow::Status st = arrow::compute::Initialize();
    if (!st.ok()) std::abort();  // the kernels ship with libarrow_compute; failing here is a broken install
  });
}

arrow::Result<arrow::Datum> BoundColumn::Evaluate(const arrow::RecordBatch& batch,
                                                  const EvalContext&) const {
  return arrow::Datum(batch.column(index_));
}

BoundLiteral::BoundLiteral(std::shared_ptr<arrow::Scalar> value, DataTypePtr type, std::string name)
    : BoundExpr(Kind::kLiteral, std::move(type), !value->is_valid, std::move(name)),
      value_(std::move(value)) {}

arrow::Result<arrow::Datum> BoundLiteral::Evaluate(const arrow::RecordBatch&,
                                                   const EvalContext&) const {
  return arrow::Datum(value_);
}

namespace {
arrow::Result<arrow::Datum> EvaluateNullIntolerant(const BoundFunction& f,
                                                   const arrow::RecordBatch& batch,
                                                   const EvalContext& ctx);
}  // namespace

bool BoundFunction::lazy() const { return static_cast<bool>(lazy_); }

arrow::Result<arrow::Datum> BoundFunction::Evaluate(const arrow::RecordBatch& batch,
                                                    const EvalContext& ctx) const {
  EnsureComputeInitialized();  // functions may run outside ExecutePlan (tests, constant folding)
  if (lazy_) return lazy_(LazyArgs{batch, children(), *type(), ctx});
  if (children().size() > 1 && IsNullIntolerant(function_)) {
    return EvaluateNullIntolerant(*this, batch, ctx);
  }
  std::vector<arrow::Datum> values;
  values.reserve(children().size());
  for (const auto& child : children()) {
    ARROW_ASSIGN_OR_RAISE(auto v, child->Evaluate(batch, ctx));
    values.push_back(std::move(v));
  }
  return impl_(FunctionArgs{values, children(), *type(), ctx, batch.num_rows()});
}

namespace {

// As Spark's generated code: each argument runs only on the rows where the ones
// evaluated before it (left to right; a divisor before its dividend) are not
// NULL, so that a row whose result is NULL anyway raises nothing.
arrow::Result<arrow::Datum> EvaluateNullIntolerant(const BoundFunction& f,
                                                   const arrow::RecordBatch& batch,
                                                   const EvalContext& ctx) {
  namespace cp = arrow::compute;
  const auto& children = f.children();
  const size_t n = children.size();
  std::vector<arrow::Datum> values(n);
  std::shared_ptr<arrow::BooleanArray> rows;  // where every argument so far is not NULL
  for (size_t k = 0; k < n; ++k) {
    const size_t i = EvaluatesDivisorFirst(f.function()) ? n - 1 - k : k;
    const BoundExpr& child = *children[i];
    if (rows != nullptr && child.kind() == BoundExpr::Kind::kFunction) {
      ARROW_ASSIGN_OR_RAISE(auto part, EvaluateOnRows(child, batch, *rows, ctx));
      values[i] = arrow::Datum(std::move(part));
    } else {
      ARROW_ASSIGN_OR_RAISE(values[i], child.Evaluate(batch, ctx));
    }
    if (k + 1 == n) break;
    const arrow::Datum& v = values[i];
    if (v.is_scalar()) {
      if (v.scalar()->is_valid) continue;
      ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(*f.type()));
      return arrow::Datum(arrow::MakeNullScalar(arrow_type));
    }
    if (!v.is_array() || v.null_count() == 0) continue;
    ARROW_ASSIGN_OR_RAISE(auto valid, cp::CallFunction("is_valid", {v}));
    if (rows != nullptr) {
      ARROW_ASSIGN_OR_RAISE(valid, cp::CallFunction("and", {valid, rows}));
    }
    rows = std::static_pointer_cast<arrow::BooleanArray>(valid.make_array());
  }
  return f.impl()(FunctionArgs{values, children, *f.type(), ctx, batch.num_rows()});
}

}  // namespace

arrow::Result<std::shared_ptr<arrow::Array>> EvaluateToArray(const BoundExpr& expr,
                                                             const arrow::RecordBatch& batch,
                                                             const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto datum, expr.Evaluate(batch, ctx));
  if (datum.is_array()) return datum.make_array();
  if (datum.is_scalar()) {
    return arrow::MakeArrayFromScalar(*datum.scalar(), batch.num_rows());
  }
  if (datum.is_chunked_array()) {
    return arrow::Concatenate(datum.chunked_array()->chunks());
  }
  return arrow::Status::Invalid("expression ", expr.name(), " did not produce an array");
}

arrow::Result<std::shared_ptr<arrow::Array>> EvaluateOnRows(const BoundExpr& expr,
                                                            const arrow::RecordBatch& batch,
                                                            const arrow::BooleanArray& mask,
                                                            const EvalContext& ctx) {
  namespace cp = arrow::compute;
  const int64_t n = batch.num_rows();
  const int64_t selected = mask.true_count();
  if (selected == n) return EvaluateToArray(expr, batch, ctx);
  if (selected == 0) {
    // Not even constants run: coalesce(1, 1 / 0) must not divide.
    ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(*expr.type()));
    return arrow::MakeArrayOfNull(arrow_type, n);
  }
  // The selected rows as a batch of their own (columns taken by index, so a
  // batch without columns keeps its row count).
  ARROW_ASSIGN_OR_RAISE(auto indices_datum, cp::CallFunction("indices_nonzero", {mask}));
  auto indices = indices_datum.make_array();
  std::vector<std::shared_ptr<arrow::Array>> columns;
  for (const auto& column : batch.columns()) {
    ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(*column, *indices));
    columns.push_back(std::move(taken));
  }
  auto subset = arrow::RecordBatch::Make(batch.schema(), selected, std::move(columns));
  ARROW_ASSIGN_OR_RAISE(auto values, EvaluateToArray(expr, *subset, ctx));
  // Scatter back: row i takes value k when it is the k-th selected row, NULL otherwise.
  arrow::Int64Builder positions;
  ARROW_RETURN_NOT_OK(positions.Reserve(n));
  int64_t k = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (mask.Value(i)) {
      positions.UnsafeAppend(k++);
    } else {
      positions.UnsafeAppendNull();
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto scatter, positions.Finish());
  return cp::Take(*values, *scatter);
}

EvalContext MakeEvalContext(const RuntimeConfig& conf) {
  EvalContext ctx;
  ctx.ansi = conf.GetBool("spark.sql.ansi.enabled");
  ctx.format.time_zone = conf.Get("spark.sql.session.timeZone").value_or("UTC");
  auto now = std::chrono::system_clock::now().time_since_epoch();
  ctx.current_timestamp_us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  return ctx;
}

void SplitConjuncts(const BoundExprPtr& e, std::vector<BoundExprPtr>* out) {
  if (e->kind() == BoundExpr::Kind::kFunction && static_cast<const BoundFunction&>(*e).function() == "and") {
    for (const auto& c : e->children()) SplitConjuncts(c, out);
    return;
  }
  out->push_back(e);
}

void CollectColumns(const BoundExpr& e, std::set<int>* out) {
  if (e.kind() == BoundExpr::Kind::kColumn) out->insert(static_cast<const BoundColumn&>(e).index());
  for (const auto& c : e.children()) CollectColumns(*c, out);
}

BoundExprPtr ShiftColumns(const BoundExprPtr& e, int offset) {
  if (e->kind() == BoundExpr::Kind::kColumn) {
    const auto& c = static_cast<const BoundColumn&>(*e);
    return std::make_shared<BoundColumn>(c.index() + offset, c.type(), c.nullable(), c.name());
  }
  if (e->kind() == BoundExpr::Kind::kLiteral) return e;
  std::vector<BoundExprPtr> children;
  for (const auto& c : e->children()) children.push_back(ShiftColumns(c, offset));
  return static_cast<const BoundFunction&>(*e).WithChildren(std::move(children));
}

BoundExprPtr RemapColumns(const BoundExprPtr& e, const std::vector<int>& map) {
  if (e->kind() == BoundExpr::Kind::kColumn) {
    const auto& c = static_cast<const BoundColumn&>(*e);
    return std::make_shared<BoundColumn>(map[c.index()], c.type(), c.nullable(), c.name());
  }
  if (e->kind() == BoundExpr::Kind::kLiteral) return e;
  std::vector<BoundExprPtr> children;
  for (const auto& c : e->children()) children.push_back(RemapColumns(c, map));
  return static_cast<const BoundFunction&>(*e).WithChildren(std::move(children));
}

}  // namespace spate
