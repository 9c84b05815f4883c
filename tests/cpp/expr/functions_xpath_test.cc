#include <cmath>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "function_test_util.h"
#include "spate/expr/function_registry.h"
#include "spate/types/arrow_types.h"

namespace spate {
namespace {

using testing::ExpectArray;
using testing::ExpectErrorClass;

// A batch of XML documents, one per row (nullptr for NULL).
std::shared_ptr<arrow::RecordBatch> Docs(const std::vector<const char*>& docs) {
  arrow::StringBuilder b;
  for (const char* d : docs) {
    EXPECT_TRUE((d == nullptr ? b.AppendNull() : b.Append(d)).ok());
  }
  auto array = b.Finish().ValueOrDie();
  return arrow::RecordBatch::Make(arrow::schema({arrow::field("c", arrow::utf8())}), array->length(), {array});
}

BoundExprPtr Doc() { return std::make_shared<BoundColumn>(0, types::String(), true, "c"); }

BoundExprPtr Str(const std::string& s) {
  return std::make_shared<BoundLiteral>(std::make_shared<arrow::StringScalar>(s), types::String(), s);
}

arrow::Result<std::shared_ptr<arrow::Array>> XPath(const std::string& fn, const std::string& path,
                                                 const arrow::RecordBatch& batch) {
  ARROW_ASSIGN_OR_RAISE(auto e, BindCall(fn, {Doc(), Str(path)}, fn));
  return EvaluateToArray(*e, batch, EvalContext{});
}

TEST(XPathFunctions, NodeValuesOfTextAttributesAndElements) {
  auto batch = Docs({R"(<a><b id="1">x</b><b id="2">y</b></a>)", nullptr, "", "<a/>"});
  ExpectArray(types::Array(types::String()), R"([["x", "y"], null, null, []])", XPath("xpath", "a/b/text()", *batch));
  ExpectArray(types::Array(types::String()), R"([["1", "2"], null, null, []])", XPath("xpath", "a/b/@id", *batch));
  ExpectArray(types::Array(types::String()), R"([[null, null], null, null, []])", XPath("xpath", "a/b", *batch));
}

TEST(XPathFunctions, StringsAndBooleans) {
  auto batch = Docs({"<a><b>x</b><b>y</b><n>1</n><n>2</n></a>"});
  ExpectArray(types::String(), R"(["x"])", XPath("xpath_string", "a/b", *batch));
  ExpectArray(types::String(), R"(["3"])", XPath("xpath_string", "sum(a/n)", *batch));
  ExpectArray(types::String(), R"(["0.3333333333333333"])", XPath("xpath_string", "1 div 3", *batch));
  ExpectArray(types::String(), R"(["0.000001"])", XPath("xpath_string", "0.000001", *batch));
  ExpectArray(types::String(), R"(["Infinity"])", XPath("xpath_string", "1 div 0", *batch));
  ExpectArray(types::Boolean(), R"([true])", XPath("xpath_boolean", "a/b", *batch));
  ExpectArray(types::Boolean(), R"([false])", XPath("xpath_boolean", "a/z", *batch));
}

TEST(XPathFunctions, NumbersNarrowAsJavaDoes) {
  auto batch = Docs({"<a>70000</a>", "<a>x</a>", "<a>3000000000.5</a>", "<a> -1.9 </a>", "<a>1e3</a>"});
  ExpectArray(types::Short(), R"([4464, 0, -1, -1, 0])", XPath("xpath_short", "a", *batch));
  ExpectArray(types::Int(), R"([70000, 0, 2147483647, -1, 0])", XPath("xpath_int", "a", *batch));
  ExpectArray(types::Long(), R"([70000, 0, 3000000000, -1, 0])", XPath("xpath_long", "a", *batch));
  auto doubles = XPath("xpath_double", "a", *batch);
  ASSERT_TRUE(doubles.ok());
  const auto& d = static_cast<const arrow::DoubleArray&>(**doubles);
  EXPECT_EQ(d.Value(0), 70000);
  EXPECT_TRUE(std::isnan(d.Value(1)));
  EXPECT_EQ(d.Value(3), -1.9);
  EXPECT_TRUE(std::isnan(d.Value(4)));
}

TEST(XPathFunctions, NamespacesAreIgnored) {
  auto batch = Docs({R"(<a xmlns="u" xmlns:p="v"><b>1</b><p:c>2</p:c></a>)"});
  ExpectArray(types::Array(types::String()), R"([["1"]])", XPath("xpath", "a/b/text()", *batch));
  ExpectArray(types::String(), R"(["p:c"])", XPath("xpath_string", "name(a/*[2])", *batch));
  ExpectArray(types::Array(types::String()), R"([[]])", XPath("xpath", "a/p:c", *batch));
}

TEST(XPathFunctions, Errors) {
  auto batch = Docs({"<a>"});
  EXPECT_FALSE(XPath("xpath", "a", *batch).ok());
  EXPECT_FALSE(XPath("xpath_string", "a/b[", *Docs({"<a/>"})).ok());
  EXPECT_FALSE(XPath("xpath", "count(a)", *Docs({"<a/>"})).ok());
  auto non_constant = BindCall("xpath", {Doc(), Doc()}, "xpath(c, c)");
  ExpectErrorClass(non_constant.status(), "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT");
  auto number = std::make_shared<BoundLiteral>(std::make_shared<arrow::Int32Scalar>(1), types::Int(), "1");
  ExpectErrorClass(BindCall("xpath", {number, Str("a")}, "xpath(1, a)").status(),
                   "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE");
}

}  // namespace
}  // namespace spate
