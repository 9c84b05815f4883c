#include <limits>

#include <gtest/gtest.h>

#include "spate/expr/json_record_parser.h"

namespace spate {
namespace {

std::string Strict(std::string_view text, JsonReadOptions o = {}) {
  return StrictJsonText(text, o).value_or("(unchanged)");
}

TEST(JsonRecordParserTest, SingleQuotedStringsBecomeDoubleQuoted) {
  EXPECT_EQ(Strict("{'a':'it\\'s \"x\"'}"), "{\"a\":\"it's \\\"x\\\"\"}");
  EXPECT_EQ(Strict("{\"a\":\"\\'\"}"), "{\"a\":\"'\"}");
  JsonReadOptions strict;
  strict.allow_single_quotes = false;
  EXPECT_EQ(Strict("{'a':1}", strict), "(unchanged)");
}

TEST(JsonRecordParserTest, OtherLenientFormsOnlyWhenAllowed) {
  JsonReadOptions o;
  EXPECT_EQ(Strict("{a:01, \"s\":\"\\q\"}", o), "(unchanged)");
  o.allow_unquoted_field_names = true;
  o.allow_numeric_leading_zeros = true;
  o.allow_backslash_escaping_any_character = true;
  EXPECT_EQ(Strict("{a:01, \"s\":\"\\q\", \"b\":[true, x], c_1:-00.5}", o),
                   "{\"a\":1, \"s\":\"q\", \"b\":[true, x], \"c_1\":-0.5}");
  EXPECT_EQ(Strict("[+INF, -INF, +Infinity, +1]"), "[Infinity, -Infinity, Infinity, +1]");
}

TEST(JsonRecordParserTest, ReadsTheFirstValueAndBigNumbers) {
  rapidjson::Document doc;
  bool big = false;
  ASSERT_TRUE(ParseJsonRecord("{'a':1e400,\"b\":123456789012345678901234567890} x", {}, &doc, &big));
  EXPECT_TRUE(big);
  EXPECT_EQ(BigNumberText(doc["a"]).value_or(""), "1e400");
  EXPECT_EQ(BigNumberText(doc["b"]).value_or(""), "123456789012345678901234567890");
  ASSERT_TRUE(ParseJsonRecord("[0.1, 1e-400, 18446744073709551615]", {}, &doc, &big));
  EXPECT_FALSE(big);
  EXPECT_EQ(doc[0].GetDouble(), 0.1);
  EXPECT_EQ(doc[1].GetDouble(), 0.0);
  EXPECT_TRUE(doc[2].IsUint64());
  EXPECT_FALSE(ParseJsonRecord("{\"a\":1", {}, &doc, &big));
  JsonReadOptions no_nan;
  no_nan.allow_non_numeric_numbers = false;
  EXPECT_TRUE(ParseJsonRecord("[NaN]", {}, &doc, &big));
  EXPECT_FALSE(ParseJsonRecord("[NaN]", no_nan, &doc, &big));
}

TEST(JsonRecordParserTest, FloatsRoundOnceFromTheText) {
  EXPECT_EQ(FloatOfNumberText("3.4028235677973366e38"), std::numeric_limits<float>::max());
  EXPECT_EQ(FloatOfNumberText("-3.4028236e38"), -std::numeric_limits<float>::infinity());
  EXPECT_EQ(FloatOfNumberText("1e-50"), 0.0f);
  EXPECT_EQ(FloatOfNumberText("1.00000005960464477539062501"), 1.00000012f);
  // A number whose double is a tie between two floats, while the number is
  // not, keeps its text; an exact tie, or a double that is no tie, does not.
  rapidjson::Document doc;
  bool big = false;
  ASSERT_TRUE(ParseJsonRecord("[3.4028235677973366e38, 1.00000017881393432617187499, 1.000000059604644775390625, 0.1]",
                              {}, &doc, &big));
  EXPECT_TRUE(big);
  EXPECT_EQ(BigNumberText(doc[0]).value_or(""), "3.4028235677973366e38");
  EXPECT_EQ(BigNumberText(doc[1]).value_or(""), "1.00000017881393432617187499");
  EXPECT_EQ(doc[2].GetDouble(), 1.000000059604644775390625);
  EXPECT_EQ(doc[3].GetDouble(), 0.1);
}

TEST(JsonRecordParserTest, ControlCharactersInStringsOnlyWhenAllowed) {
  rapidjson::Document doc;
  bool big = false;
  EXPECT_FALSE(ParseJsonRecord("{\"a\":\"x\ty\"}", {}, &doc, &big));
  JsonReadOptions o;
  o.allow_unquoted_control_chars = true;
  ASSERT_TRUE(ParseJsonRecord("{'a':\"x\ty\n\x01\"}", o, &doc, &big));
  EXPECT_EQ(std::string(doc["a"].GetString()), "x\ty\n\x01");
}

// Members kept as null and elements left out: the outermost value's shape
// alone is built, what it holds is still read and checked.
class OutermostOnly : public JsonRecordPruner {
 public:
  int MemberState(int, std::string_view) const override { return kNullMember; }
  int ElementState(int, size_t) const override { return kLeftOut; }
};

TEST(JsonRecordParserTest, PrunedValuesKeepTheOutermostShape) {
  OutermostOnly pruner;
  JsonRecordReader reader(JsonReadOptions{}, &pruner);
  const rapidjson::Value* object = reader.Read(R"({"a": {"b": [1, 2]}, "c": "x", "a": [{}]})");
  ASSERT_NE(object, nullptr);
  ASSERT_EQ(object->MemberCount(), 3u);
  EXPECT_STREQ(object->MemberBegin()->name.GetString(), "a");
  EXPECT_STREQ((object->MemberBegin() + 2)->name.GetString(), "a");
  for (auto it = object->MemberBegin(); it != object->MemberEnd(); ++it) EXPECT_TRUE(it->value.IsNull());
  const rapidjson::Value* array = reader.Read(R"([[1, [2]], {"a": 1}, "x"])");
  ASSERT_NE(array, nullptr);
  EXPECT_EQ(array->Size(), 3u);
  EXPECT_EQ(reader.Read(R"({"a": [1, {"b": }]})"), nullptr);
  EXPECT_EQ(reader.Read(R"([1, {"b" 2}])"), nullptr);
}

TEST(JsonRecordParserTest, AtMostAThousandLevelsOfNesting) {
  rapidjson::Document doc;
  bool big = false;
  EXPECT_TRUE(ParseJsonRecord(std::string(1000, '[') + std::string(1000, ']'), {}, &doc, &big));
  EXPECT_FALSE(ParseJsonRecord(std::string(1001, '[') + std::string(1001, ']'), {}, &doc, &big));
  EXPECT_FALSE(ParseJsonRecord(std::string(1000000, '['), {}, &doc, &big));
}

TEST(JsonRecordParserTest, ANumberOrLiteralAloneEndsWithASpace) {
  rapidjson::Document doc;
  bool big = false;
  for (const char* text : {"1 x", "1", "-2.5\n", "true]", "true x", "null,", "NaN ", "\"a\"x", "[1]x", "1e400 x"}) {
    EXPECT_TRUE(ParseJsonRecord(text, {}, &doc, &big)) << text;
  }
  for (const char* text : {"1x", "1,", "1-2", "truex", "true1", "null_", "NaNx", "1e400x"}) {
    EXPECT_FALSE(ParseJsonRecord(text, {}, &doc, &big)) << text;
  }
}

}  // namespace
}  // namespace spate
