// Math and hash functions against the values Spark's documentation gives.

#include <cmath>
#include <limits>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "spate/expr/function_registry.h"

namespace spate {
namespace {

BoundExprPtr Str(const std::string& v) {
  return std::make_shared<BoundLiteral>(std::make_shared<arrow::StringScalar>(v), types::String(),
                                        v);
}
BoundExprPtr Int(int32_t v) {
  return std::make_shared<BoundLiteral>(std::make_shared<arrow::Int32Scalar>(v), types::Int(),
                                        std::to_string(v));
}
BoundExprPtr Double(double v) {
  return std::make_shared<BoundLiteral>(std::make_shared<arrow::DoubleScalar>(v), types::Double(),
                                        std::to_string(v));
}

// The value of name(args) on a one-row batch, as text.
std::string Eval(const std::string& name, std::vector<BoundExprPtr> args) {
  EnsureComputeInitialized();
  auto bound = BindCall(name, std::move(args), name);
  EXPECT_TRUE(bound.ok()) << bound.status().ToString();
  if (!bound.ok()) return "";
  auto batch = arrow::RecordBatch::Make(arrow::schema({}), 1,
                                        std::vector<std::shared_ptr<arrow::Array>>{});
  auto out = EvaluateToArray(**bound, *batch, EvalContext{});
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  if (!out.ok()) return "";
  return (*out)->GetScalar(0).ValueOrDie()->ToString();
}

TEST(MathFunctionsTest, HashesOfSparkDocumentation) {
  EXPECT_EQ(Eval("md5", {Str("Spark")}), "8cde774d6f7333752ed72cacddb05126");
  EXPECT_EQ(Eval("sha1", {Str("Spark")}), "85f5955f4b27a9a4c2aab6ffe5d7189fc298b92c");
  EXPECT_EQ(Eval("sha2", {Str("Spark"), Int(256)}),
            "529bc3b07127ecb7e53a4dcf1991d9152c24537d919178022b2c42657f79a26b");
  EXPECT_EQ(Eval("crc32", {Str("Spark")}), "1557323817");
}

TEST(MathFunctionsTest, RoundingUsesTheDecimalTextOfDoubles) {
  EXPECT_EQ(Eval("round", {Double(0.285), Int(2)}), "0.29");
  EXPECT_EQ(Eval("bround", {Double(0.285), Int(2)}), "0.28");
  EXPECT_EQ(Eval("round", {Double(-2.5)}), "-3");
  EXPECT_EQ(Eval("bround", {Double(2.5)}), "2");
}

TEST(MathFunctionsTest, ConvAndBitwise) {
  EXPECT_EQ(Eval("conv", {Str("-10"), Int(16), Int(-10)}), "-16");
  EXPECT_EQ(Eval("conv", {Str("-1"), Int(10), Int(16)}), "FFFFFFFFFFFFFFFF");
  EXPECT_EQ(Eval("shiftrightunsigned", {Int(-8), Int(1)}), "2147483644");
  EXPECT_EQ(Eval("bit_count", {Int(-1)}), "64");
}

TEST(MathFunctionsTest, SeededRandIsSparks) {
  EXPECT_EQ(Eval("rand", {Int(0)}), "0.7604953758285915");
  EXPECT_EQ(Eval("randstr", {Int(5), Int(0)}), "ceV0P");
}

TEST(MathFunctionsTest, NanIsEqualToItselfAndAboveEveryDouble) {
  const double nan = std::nan("");
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(Eval("=", {Double(nan), Double(nan)}), "true");
  EXPECT_EQ(Eval("<=>", {Double(nan), Double(nan)}), "true");
  EXPECT_EQ(Eval(">", {Double(nan), Double(inf)}), "true");
  EXPECT_EQ(Eval("<", {Double(nan), Double(1.0)}), "false");
  EXPECT_EQ(Eval("<=", {Double(1.0), Double(nan)}), "true");
  EXPECT_EQ(Eval("greatest", {Double(1.0), Double(nan)}), "nan");
  EXPECT_EQ(Eval("least", {Double(nan), Double(1.0)}), "1");
}

TEST(MathFunctionsTest, NullLiteralOperandFoldsTheCall) {
  // NULL - CAST(1e10D AS INT): the cast would overflow, but never runs.
  auto null_int = NullLiteral(types::Int(), "NULL").ValueOrDie();
  auto overflow = BindCast(Double(1e10), types::Int(), false, "CAST(1e10 AS INT)").ValueOrDie();
  auto bound = BindCall("-", {null_int, overflow}, "(NULL - CAST(1e10 AS INT))");
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  EXPECT_EQ((*bound)->kind(), BoundExpr::Kind::kLiteral);
  EXPECT_EQ((*bound)->type()->id(), TypeId::kInt);
  // CAST(NULL AS INT) is itself a NULL literal.
  auto cast = BindCast(NullLiteral(types::Null(), "NULL").ValueOrDie(), types::Int(), false, "c");
  ASSERT_TRUE(cast.ok());
  EXPECT_EQ((*cast)->kind(), BoundExpr::Kind::kLiteral);
}

}  // namespace
}  // namespace spate
