// Lambdas of the higher-order functions, bound and evaluated without SQL:
// variables, outer columns, nesting.

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "spate/expr/function_registry.h"
#include "function_test_util.h"

namespace spate {
namespace {

using testing::ExpectArray;
using testing::ExpectErrorClass;
using testing::Json;

const DataTypePtr kIntArray = types::Array(types::Int());

std::shared_ptr<arrow::RecordBatch> ArraysAndInts() {
  auto a = Json(kIntArray, "[[1, 2], null, [], [5, null]]");
  auto n = Json(types::Int(), "[10, 20, 30, 40]");
  return arrow::RecordBatch::Make(
      arrow::schema({arrow::field("a", a->type()), arrow::field("n", n->type())}), 4, {a, n});
}

BoundExprPtr Column(int i, const DataTypePtr& type, const std::string& name) {
  return std::make_shared<BoundColumn>(i, type, true, name);
}

// x -> f(x), with `body` building f from the variable.
template <typename Body>
BoundExprPtr Lambda(const std::vector<LambdaVariable>& vars, Body body) {
  std::vector<BoundExprPtr> bound;
  for (const auto& v : vars) bound.push_back(MakeLambdaVariable(v));
  return MakeLambda(body(bound), bound);
}

arrow::Result<std::shared_ptr<arrow::Array>> Eval(const BoundExprPtr& e) {
  EvalContext ctx;
  return EvaluateToArray(*e, *ArraysAndInts(), ctx);
}

TEST(CollectionFunctions, TransformSeesVariablesAndOuterColumns) {
  auto lambda = Lambda({{types::Int(), true}}, [](const std::vector<BoundExprPtr>& v) {
    return BindCall("+", {v[0], Column(1, types::Int(), "n")}, "(x + n)").ValueOrDie();
  });
  auto call = BindCall("transform", {Column(0, kIntArray, "a"), lambda}, "transform");
  ASSERT_TRUE(call.ok()) << call.status().ToString();
  ExpectArray(types::Array(types::Int()), "[[11, 12], null, [], [45, null]]", Eval(*call));
}

TEST(CollectionFunctions, NestedLambdasReadBothVariables) {
  auto outer = Lambda({{types::Int(), true}}, [](const std::vector<BoundExprPtr>& x) {
    auto inner = Lambda({{types::Int(), true}}, [&](const std::vector<BoundExprPtr>& y) {
      return BindCall("*", {x[0], y[0]}, "(x * y)").ValueOrDie();
    });
    return BindCall("transform", {Column(0, kIntArray, "a"), inner}, "inner").ValueOrDie();
  });
  auto call = BindCall("transform", {Column(0, kIntArray, "a"), outer}, "outer");
  ASSERT_TRUE(call.ok()) << call.status().ToString();
  ExpectArray(types::Array(types::Array(types::Int())),
              "[[[1, 2], [2, 4]], null, [], [[25, null], [null, null]]]", Eval(*call));
}

TEST(CollectionFunctions, AggregateFoldsLeftToRight) {
  auto merge = Lambda({{types::Int(), true}, {types::Int(), true}},
                      [](const std::vector<BoundExprPtr>& v) {
                        return BindCall("-", {v[0], v[1]}, "(acc - x)").ValueOrDie();
                      });
  auto zero = Column(1, types::Int(), "n");
  auto call = BindCall("aggregate", {Column(0, kIntArray, "a"), zero, merge}, "aggregate(a)");
  ASSERT_TRUE(call.ok()) << call.status().ToString();
  ExpectArray(types::Int(), "[7, null, 30, null]", Eval(*call));
}

TEST(CollectionFunctions, LambdaArityIsChecked) {
  auto a = Column(0, kIntArray, "a");
  ExpectErrorClass(LambdaVariables("transform", {a, nullptr}, 1, 3, "transform").status(),
                   "INVALID_LAMBDA_FUNCTION_CALL.NUM_ARGS_MISMATCH");
  ExpectErrorClass(LambdaVariables("upper", {nullptr}, 0, 1, "upper").status(),
                   "INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION");
}

}  // namespace
}  // namespace spate
