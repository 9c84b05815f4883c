#include "spate/plan/null_safe_join_keys.h"

#include <arrow/scalar.h>

#include "spate/expr/function_registry.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

// Spark's Literal.default: 0 of a number, date or timestamp, false, "".
std::shared_ptr<arrow::Scalar> DefaultValue(const std::shared_ptr<arrow::DataType>& type) {
  if (type->id() == arrow::Type::STRING) return std::make_shared<arrow::StringScalar>("");
  if (type->id() == arrow::Type::LARGE_STRING) return std::make_shared<arrow::LargeStringScalar>("");
  if (!arrow::is_integer(type->id()) && !arrow::is_floating(type->id()) && type->id() != arrow::Type::BOOL &&
      type->id() != arrow::Type::DATE32 && type->id() != arrow::Type::TIMESTAMP) {
    return nullptr;
  }
  auto scalar = arrow::MakeScalar(type, int64_t{0});
  return scalar.ok() ? *scalar : nullptr;
}

arrow::Result<std::vector<BoundExprPtr>> KeysOf(const BoundExprPtr& x, const std::shared_ptr<arrow::Scalar>& zero) {
  auto literal = std::make_shared<BoundLiteral>(zero, x->type(), zero->ToString());
  ARROW_ASSIGN_OR_RAISE(auto value, BindCall("coalesce", {x, literal}, "coalesce(" + x->name() + ")"));
  ARROW_ASSIGN_OR_RAISE(auto is_null, BindCall("isnull", {x}, "isnull(" + x->name() + ")"));
  return std::vector<BoundExprPtr>{value, is_null};
}

}  // namespace

arrow::Result<std::optional<NullSafeKeys>> NullSafeJoinKeys(const BoundExprPtr& left, const BoundExprPtr& right) {
  if (!left->type()->Equals(*right->type())) return std::nullopt;
  if (!left->nullable() && !right->nullable()) return NullSafeKeys{{left}, {right}};
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(*left->type()));
  auto zero = DefaultValue(arrow_type);
  if (!zero) return std::nullopt;
  NullSafeKeys keys;
  ARROW_ASSIGN_OR_RAISE(keys.left, KeysOf(left, zero));
  ARROW_ASSIGN_OR_RAISE(keys.right, KeysOf(right, zero));
  return keys;
}

}  // namespace spate
