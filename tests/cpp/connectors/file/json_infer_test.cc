#include "spate/connectors/file/json_infer.h"

#include <gtest/gtest.h>

#include "spate/common/error.h"

namespace spate {
namespace {

std::string Inferred(const std::vector<std::string>& records, ParseMode mode = ParseMode::kPermissive,
                     bool case_sensitive = false) {
  JsonSourceInferOptions options;
  options.mode = mode;
  auto schema = InferJsonSchema(records, options, case_sensitive);
  return schema.ok() ? (*schema)->SimpleString() : std::string(ErrorClassOf(schema.status()));
}

TEST(JsonInferTest, SparkTypeRules) {
  EXPECT_EQ(Inferred({R"({"b": 1, "a": "x", "c": true, "d": 1.5, "e": null})"}),
            "struct<a:string,b:bigint,c:boolean,d:double,e:string>");
  EXPECT_EQ(Inferred({R"({"n": 18446744073709551615})"}), "struct<n:decimal(20,0)>");
  EXPECT_EQ(Inferred({R"({"a": []})", R"({"a": [1, 2.5]})"}), "struct<a:array<double>>");
}

TEST(JsonInferTest, ConflictsWidenOrBecomeStrings) {
  EXPECT_EQ(Inferred({R"({"a": 1})", R"({"a": 2.0})"}), "struct<a:double>");
  EXPECT_EQ(Inferred({R"({"a": 1})", R"({"a": "x"})"}), "struct<a:string>");
  EXPECT_EQ(Inferred({R"({"a": {"y": 1}})", R"({"a": {"x": true}})"}), "struct<a:struct<x:boolean,y:bigint>>");
  EXPECT_EQ(Inferred({R"({"a": {"y": 1}})", R"({"a": [1]})"}), "struct<a:string>");
}

TEST(JsonInferTest, MalformedRecordsByMode) {
  std::vector<std::string> records = {R"({"a": 1})", "{oops", "[1]"};
  EXPECT_EQ(Inferred(records), "struct<_corrupt_record:string,a:bigint>");
  EXPECT_EQ(Inferred(records, ParseMode::kDropMalformed), "struct<a:bigint>");
  EXPECT_EQ(Inferred(records, ParseMode::kFailFast), "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION");
}

TEST(JsonInferTest, BigIntegersAndDecimalsMerge) {
  EXPECT_EQ(Inferred({R"({"a": 12345678901234567890})", R"({"a": 1})"}), "struct<a:decimal(20,0)>");
  EXPECT_EQ(Inferred({R"({"a": 12345678901234567890})", R"({"a": 123456789012345678901234})"}),
            "struct<a:decimal(24,0)>");
  EXPECT_EQ(Inferred({R"({"a": 12345678901234567890})", R"({"a": 1.5})"}), "struct<a:double>");
  EXPECT_EQ(Inferred({R"({"a": 123456789012345678901234567890123456789012})"}), "struct<a:double>");
}

TEST(JsonInferTest, EmptyStringsAreNullsUntilTheEnd) {
  EXPECT_EQ(Inferred({R"({"a": ""})", R"({"a": 1})"}), "struct<a:bigint>");
  EXPECT_EQ(Inferred({R"({"a": ""})"}), "struct<a:string>");
}

TEST(JsonInferTest, RepeatedFieldNamesAreRefused) {
  EXPECT_EQ(Inferred({R"({"a": {"b": 1, "b": 2}})"}), "COLUMN_ALREADY_EXISTS");
  EXPECT_EQ(Inferred({R"({"a": 1, "A": 2})"}), "COLUMN_ALREADY_EXISTS");
  EXPECT_EQ(Inferred({R"({"a": 1, "A": 2})"}, ParseMode::kPermissive, /*case_sensitive=*/true),
            "struct<A:bigint,a:bigint>");
}

TEST(JsonInferTest, MultiLineDocumentIsOneRecordAsWritten) {
  JsonReadOptions read;
  EXPECT_EQ(JsonDocumentRecord("{\n\"a\": 1\n}\n", read), "{\n\"a\": 1\n}");
  EXPECT_EQ(JsonDocumentRecord("{broken", read), "{broken");
}

TEST(JsonInferTest, ArraysOfObjectsSplitIntoTheirElementsAsWritten) {
  JsonReadOptions read;
  using Views = std::vector<std::string_view>;
  EXPECT_EQ(JsonArrayElements("[{\"a\": 1},\n {\"a\" : [ 2 ]}]", read), (Views{R"({"a": 1})", R"({"a" : [ 2 ]})"}));
  EXPECT_EQ(JsonArrayElements(" []", read), Views{});
  EXPECT_EQ(JsonArrayElements("[{\"a\": 1}, 2]", read), std::nullopt);
  EXPECT_EQ(JsonArrayElements("[{\"a\": 1}, null]", read), std::nullopt);
  EXPECT_EQ(JsonArrayElements("{\"a\": 1}", read), std::nullopt);
  EXPECT_EQ(JsonArrayElements("[{\"a\": 1},", read), std::nullopt);
}

TEST(JsonInferTest, TopLevelArraysStandForTheirElements) {
  EXPECT_EQ(Inferred({R"([{"a": 1}, {"b": "x"}])", "[]", "null", R"([[{"c": 1}]])"}), "struct<a:bigint,b:string,c:bigint>");
  EXPECT_EQ(Inferred({R"({"a": 1})", "[1, 2]"}), "struct<_corrupt_record:string,a:bigint>");
  EXPECT_EQ(Inferred({R"({"a": 1})", "[1, 2]"}, ParseMode::kDropMalformed), "struct<a:bigint>");
  EXPECT_EQ(Inferred({R"({"a": 1})", "[1, 2]"}, ParseMode::kFailFast), "INVALID_JSON_RECORD_TYPE");
  // Records that are not objects merge with each other before they meet one, as Spark's do.
  JsonSourceInferOptions fail_fast;
  fail_fast.mode = ParseMode::kFailFast;
  auto failed = InferJsonSchema({"1", R"("x")", R"({"a": 1})"}, fail_fast, false);
  EXPECT_NE(failed.status().message().find("but found \"STRING\""), std::string::npos) << failed.status();
}

}  // namespace
}  // namespace spate
