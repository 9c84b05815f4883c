#include "spate/types/json_schema.h"

#include <gtest/gtest.h>

#include "spate/common/error.h"
#include "spate/types/ddl_parser.h"

namespace spate {
namespace {

TEST(JsonSchemaTest, WritesSparkJson) {
  auto schema = types::Struct({{"a", types::Int()},
                               {"b", types::Array(types::String(), false)},
                               {"m", types::Map(types::String(), types::Decimal(10, 2)), false}});
  EXPECT_EQ(ToJson(*schema),
            R"j({"type":"struct","fields":[)j"
            R"j({"name":"a","type":"integer","nullable":true,"metadata":{}},)j"
            R"j({"name":"b","type":{"type":"array","elementType":"string","containsNull":false},"nullable":true,"metadata":{}},)j"
            R"j({"name":"m","type":{"type":"map","keyType":"string","valueType":"decimal(10,2)","valueContainsNull":true},"nullable":false,"metadata":{}}]})j");
  EXPECT_EQ(ToJson(*types::Long()), R"j("long")j");
}

TEST(JsonSchemaTest, ReadsPySparkSortedKeyJson) {
  // PySpark's StructType.json() sorts keys; the reader must not care about order.
  auto t = ParseJsonType(
      R"j({"fields":[{"metadata":{"comment":"x"},"name":"a","nullable":false,"type":"integer"},)j"
      R"j({"metadata":{},"name":"ts","nullable":true,"type":"timestamp_ntz"}],"type":"struct"})j");
  ASSERT_TRUE(t.ok()) << t.status().message();
  const auto& st = static_cast<const StructType&>(**t);
  EXPECT_EQ(st.SimpleString(), "struct<a:int,ts:timestamp_ntz>");
  EXPECT_FALSE(st.field(0).nullable);
  EXPECT_EQ(st.field(0).Comment(), "x");
}

TEST(JsonSchemaTest, RoundTripsEveryType) {
  auto schema = ParseDdlSchema(
      "a boolean, b tinyint, c smallint, d int, e bigint, f float, g double, h decimal(38,9), "
      "i string COMMENT 'quote \" and \\\\', j binary, k date, l timestamp, m timestamp_ntz, "
      "n array<map<string,struct<x:int NOT NULL>>>, `we\"ird` void");
  ASSERT_TRUE(schema.ok()) << schema.status().message();
  std::string json = ToJson(**schema);
  auto back = ParseJsonType(json);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(**back == **schema) << json;
  EXPECT_EQ(ToJson(**back), json);
}

TEST(JsonSchemaTest, BareDecimalIsTheDefault) {
  auto t = ParseJsonType(R"j("decimal")j");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->SimpleString(), "decimal(10,0)");
}

TEST(JsonSchemaTest, BadJsonIsRefusedWithTheReason) {
  struct Case {
    const char* json;
    const char* expected;
  };
  const Case cases[] = {
      {"{not json", "not valid JSON"},
      {R"j("integr")j", "unknown type name \"integr\""},
      {R"j({"type":"array","containsNull":true})j", "array needs \"elementType\""},
      {R"j({"type":"struct","fields":[{"name":"a"}]})j", "needs \"name\" and \"type\""},
      {R"j({"type":"struct","fields":[{"name":"a","type":"integer"}]})j", "\"nullable\""},
      {R"j("decimal(50,2)")j", "invalid decimal precision/scale"},
      {"42", "a type must be a string or an object"},
  };
  for (const auto& c : cases) {
    auto t = ParseJsonType(c.json);
    ASSERT_FALSE(t.ok()) << c.json;
    EXPECT_EQ(ErrorClassOf(t.status()), "INVALID_JSON_SCHEMA");
    EXPECT_NE(t.status().message().find(c.expected), std::string::npos) << t.status().message();
  }
}

}  // namespace
}  // namespace spate
