#include <limits>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "function_test_util.h"
#include "spate/expr/xml_infer.h"
#include "spate/expr/xml_reader.h"
#include "spate/expr/xml_tree.h"
#include "spate/expr/xml_writer.h"
#include "spate/types/arrow_types.h"
#include "spate/types/ddl_parser.h"

namespace spate {
namespace {

using testing::Json;

std::string Schema(const std::string& xml, XmlInferOptions options = {}) {
  auto root = ParseXmlElement(xml);
  EXPECT_TRUE(root.ok()) << root.status().ToString();
  if (!root.ok()) return "";
  return InferXmlSchema(*root, options)->Sql();
}

TEST(XmlTree, KeepsQualifiedNamesTextAndAttributes) {
  auto root = ParseXmlElement(R"(<p xmlns:q="u" a="1">x<q:b>y</q:b><!-- c --><![CDATA[z]]></p>)");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->name, "p");
  ASSERT_EQ(root->attributes.size(), 2u);
  EXPECT_EQ(root->attributes[0].first, "xmlns:q");
  EXPECT_EQ(root->attributes[1].first, "a");
  EXPECT_EQ(root->text, "xz");
  ASSERT_EQ(root->children.size(), 1u);
  EXPECT_EQ(root->children[0].name, "q:b");
  EXPECT_FALSE(ParseXmlElement("<p>").ok());
  EXPECT_FALSE(ParseXmlElement("").ok());
}

TEST(XmlInfer, TypesArraysAttributesAndValueTag) {
  EXPECT_EQ(Schema("<p><a>1</a><b>x</b><c>1.5</c><d>true</d></p>"),
            "STRUCT<a: BIGINT, b: STRING, c: DOUBLE, d: BOOLEAN>");
  EXPECT_EQ(Schema(R"(<p a="1"><b>x</b><b>y</b><e k="v">t</e></p>)"),
            "STRUCT<_a: BIGINT, b: ARRAY<STRING>, e: STRUCT<_VALUE: STRING, _k: STRING>>");
  EXPECT_EQ(Schema("<p><a>1</a><a>1.5</a><c>1</c><c><d>1</d></c></p>"), "STRUCT<a: ARRAY<DOUBLE>, c: ARRAY<STRING>>");
  EXPECT_EQ(Schema("<p><a>2020-01-01</a><b></b></p>"), "STRUCT<a: DATE, b: STRING>");
  EXPECT_EQ(Schema("<p/>"), "STRUCT<>");
  EXPECT_EQ(Schema("<p><Ab>1</Ab><aB>2</aB></p>"), "STRUCT<Ab: ARRAY<BIGINT>>");
}

TEST(XmlInfer, Options) {
  XmlInferOptions o;
  o.prefers_decimal = true;
  EXPECT_EQ(Schema("<p><a>1.5</a><a>1</a></p>", o), "STRUCT<a: ARRAY<DECIMAL(21,1)>>");
  o = {};
  o.infer_types = false;
  EXPECT_EQ(Schema(R"(<p a="1"><b>1</b></p>)", o), "STRUCT<_a: STRING, b: STRING>");
  o = {};
  o.exclude_attributes = true;
  EXPECT_EQ(Schema(R"(<p a="1"><b>1</b></p>)", o), "STRUCT<b: BIGINT>");
}

TEST(XmlWriter, NestedRows) {
  auto type = ParseSchemaString("_a INT, b ARRAY<INT>, c STRUCT<_k: STRING, _VALUE: STRING>, d INT").ValueOrDie();
  auto rows = Json(type, R"([{"_a": 1, "b": [1, null, 2], "c": {"_k": "v", "_VALUE": "t<&"}, "d": null}])");
  std::string out;
  ASSERT_TRUE(WriteXmlRow(*rows, 0, static_cast<const StructType&>(*type), {}, &out).ok());
  EXPECT_EQ(out, "<ROW a=\"1\">\n    <b>1</b>\n    <b>2</b>\n    <c k=\"v\">t&lt;&amp;</c>\n</ROW>");
}

TEST(XmlReader, FieldsAttributesArraysAndBadValues) {
  auto type = ParseSchemaString("_id INT, a ARRAY<INT>, b STRUCT<_k: STRING, _VALUE: DOUBLE>, c INT, d STRING")
                  .ValueOrDie();
  const auto& st = static_cast<const StructType&>(*type);
  auto builder = arrow::MakeBuilder(ToArrowType(*type).ValueOrDie()).ValueOrDie();
  auto good = ParseXmlElement(R"(<p id="7"><a>1</a><a> 2 </a><b k="x">1.5</b><C>3</C><d></d></p>)").ValueOrDie();
  EXPECT_TRUE(AppendXmlRecord(good, st, {}, builder.get()).ValueOrDie());
  auto bad = ParseXmlElement("<p><c>x</c><a>1</a></p>").ValueOrDie();
  EXPECT_FALSE(AppendXmlRecord(bad, st, {}, builder.get()).ValueOrDie());
  auto array = builder->Finish().ValueOrDie();
  auto want = Json(type, R"([{"_id": 7, "a": [1, 2], "b": {"_k": "x", "_VALUE": 1.5}, "c": 3, "d": ""},
                             {"_id": null, "a": [1], "b": null, "c": null, "d": null}])");
  EXPECT_TRUE(array->Equals(*want)) << array->ToString();
}

// A FLOAT is rounded once from the text, as Java's Float.parseFloat: through
// the double, a number just off a tie between two floats rounds the tie.
TEST(XmlReader, FloatsRoundOnceFromTheText) {
  auto type = ParseSchemaString("a FLOAT, b FLOAT, c FLOAT").ValueOrDie();
  const auto& st = static_cast<const StructType&>(*type);
  auto builder = arrow::MakeBuilder(ToArrowType(*type).ValueOrDie()).ValueOrDie();
  auto record = ParseXmlElement("<p><a>3.4028235677973366e38</a><b>1.00000005960464477539062501</b><c>1e39</c></p>")
                    .ValueOrDie();
  EXPECT_TRUE(AppendXmlRecord(record, st, {}, builder.get()).ValueOrDie());
  auto rows = std::static_pointer_cast<arrow::StructArray>(builder->Finish().ValueOrDie());
  auto value = [&](int i) { return std::static_pointer_cast<arrow::FloatArray>(rows->field(i))->Value(0); };
  EXPECT_EQ(value(0), std::numeric_limits<float>::max());
  EXPECT_EQ(value(1), 1.00000012f);
  EXPECT_EQ(value(2), std::numeric_limits<float>::infinity());
}

}  // namespace
}  // namespace spate
