#include "spate/expr/json_infer.h"

#include <gtest/gtest.h>

#include "spate/expr/json_record_parser.h"

namespace spate {
namespace {

std::string TypeOf(const std::string& text, const JsonInferOptions& options = {}) {
  rapidjson::Document doc;
  bool big_numbers = false;
  if (!ParseJsonRecord(text, JsonReadOptions{.numbers_as_text = true}, &doc, &big_numbers)) return "malformed";
  auto inferred = InferJsonType(doc, big_numbers, options);
  if (!inferred.ok()) return inferred.status().message();
  auto type = CanonicalJsonType(*inferred, options.drop_field_if_all_null);
  return type ? type->SimpleString() : "dropped";
}

// Expected types from PySpark 4.1's schema_of_json with prefersDecimal.
TEST(JsonInferTypeTest, PrefersDecimal) {
  JsonInferOptions decimal{.prefers_decimal = true};
  EXPECT_EQ(TypeOf("1.50", decimal), "decimal(3,2)");
  EXPECT_EQ(TypeOf("[1.5, 1]", decimal), "array<decimal(21,1)>");
  EXPECT_EQ(TypeOf("0.1e-40", decimal), "double");
  EXPECT_EQ(TypeOf("\"1,000.5\"", decimal), "decimal(5,1)");
  EXPECT_EQ(TypeOf("\"0.05\"", decimal), "string");
  EXPECT_NE(TypeOf("1e3", decimal).find("NEGATIVE_SCALE_DISALLOWED"), std::string::npos);
}

TEST(JsonInferTypeTest, NumbersBeyondALong) {
  EXPECT_EQ(TypeOf("9223372036854775807"), "bigint");
  EXPECT_EQ(TypeOf("-9223372036854775809"), "decimal(19,0)");
  EXPECT_EQ(TypeOf("18446744073709551616"), "decimal(20,0)");
  EXPECT_EQ(TypeOf("123456789012345678901234567890123456789"), "double");
  EXPECT_EQ(TypeOf("1e400"), "double");
}

TEST(JsonInferTypeTest, MergesLikeCompatibleType) {
  EXPECT_EQ(TypeOf("[1, 12345678901234567890]"), "array<decimal(20,0)>");
  EXPECT_EQ(TypeOf("[12345678901234567890, 1.5]"), "array<double>");
  EXPECT_EQ(TypeOf("[1, true]"), "array<string>");
  EXPECT_EQ(TypeOf("[{\"b\": 1}, {\"a\": [null]}]"), "array<struct<a:array<string>,b:bigint>>");
  EXPECT_EQ(TypeOf("[\"\", 2]"), "array<bigint>");
  EXPECT_EQ(MergeJsonTypes(types::Decimal(5, 2), types::Decimal(38, 0))->SimpleString(), "double");
  EXPECT_EQ(MergeJsonTypes(types::Long(), types::Decimal(5, 2))->SimpleString(), "decimal(22,2)");
}

TEST(JsonInferTypeTest, RepeatedKeysAreKeptInOrder) {
  EXPECT_EQ(TypeOf("[{\"a\": 1, \"a\": \"x\"}, {\"a\": 2}]"), "array<struct<a:bigint,a:string>>");
}

TEST(JsonInferTypeTest, Options) {
  JsonInferOptions strings;
  strings.primitives_as_string = true;
  EXPECT_EQ(TypeOf("{\"a\": 1, \"b\": true, \"c\": 12345678901234567890, \"d\": \"\"}", strings),
            "struct<a:string,b:string,c:string,d:string>");
  JsonInferOptions drop;
  drop.drop_field_if_all_null = true;
  EXPECT_EQ(TypeOf("{\"a\": null, \"b\": [], \"c\": {}, \"d\": \"\", \"e\": 1}", drop), "struct<e:bigint>");
}

}  // namespace
}  // namespace spate
