#include "spate/expr/bound_expr.h"

#include <mutex>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/compute/initialize.h>

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

arrow::Result<arrow::Datum> BoundFunction::Evaluate(const arrow::RecordBatch& batch,
                                                    const EvalContext& ctx) const {
  std::vector<arrow::Datum> values;
  values.reserve(children().size());
  for (const auto& child : children()) {
    ARROW_ASSIGN_OR_RAISE(auto v, child->Evaluate(batch, ctx));
    values.push_back(std::move(v));
  }
  return impl_(FunctionArgs{values, children(), *type(), ctx, batch.num_rows()});
}

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

}  // namespace spate
