#include "spate/expr/json_flat_record.h"

#include <limits>
#include <random>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "function_test_util.h"
#include "spate/expr/json_record_parser.h"
#include "spate/types/arrow_types.h"
#include "spate/types/ddl_parser.h"

// The single-pass reader with schemas that hold some of a record's fields (as
// from_json's pruned schemas do): the values of the other fields are skipped,
// checked for their syntax only. A record the reader leaves (TryAppend false)
// goes to the full reader, which decides it; a record the reader takes must be
// one the full reader reads, to the same values.

namespace spate {
namespace {

// What the reader makes of texts with `ddl` as its schema: whether it took
// each, and the struct rows it appended.
struct Outcome {
  std::vector<bool> taken;
  arrow::Result<std::shared_ptr<arrow::Array>> rows;
};

Outcome ReadAll(const std::string& ddl, const std::vector<std::string>& texts) {
  auto schema = ParseSchemaString(ddl).ValueOrDie();
  std::unique_ptr<arrow::ArrayBuilder> builder;
  EXPECT_TRUE(arrow::MakeBuilder(arrow::default_memory_pool(), ToArrowType(*schema).ValueOrDie(), &builder).ok());
  auto reader = JsonFlatRecordReader::Make(static_cast<const StructType&>(*schema), -1, builder.get(), 4);
  EXPECT_NE(reader, nullptr);
  Outcome out;
  for (const auto& text : texts) out.taken.push_back(reader->TryAppend(text).ValueOrDie());
  out.rows = builder->Finish();
  return out;
}

// Whether the full reader (with from_json's default options) reads the text.
bool FullReaderReads(const std::string& text) {
  rapidjson::Document doc;
  bool big_numbers;
  return ParseJsonRecord(text, JsonReadOptions{}, &doc, &big_numbers);
}

// Whether the reader takes the record with `ddl` as its schema.
bool Takes(const std::string& ddl, const std::string& text) { return ReadAll(ddl, {text}).taken[0]; }

TEST(JsonFlatRecord, SkipsUnreadValuesOfEveryKind) {
  std::vector<std::string> texts = {
      R"({"n":1.5e10,"k":"a"})",
      R"({"n":-0,"m":-12.25E-3,"p":1e+400,"k":"b"})",
      R"({"n":123456789012345678901234567890,"k":"c"})",
      R"({"s":"q\"u\\o\/\b\f\n\r\t\u0041\u00e9","k":"d"})",
      "{\"s\":\"\xC3\xA9\xF0\x9F\x98\x80 caf\xC3\xA9\",\"k\":\"e\"}",
      R"({"o":{"a":[1,{"b":null}],"c":"}"},"a":[[],{},"]",true],"k":"f"})",
      R"({"t":true,"f":false,"z":null,"k":"g"})",
      R"({ "n" : 1 , "k" : "h" , "e" : { } })",
  };
  auto out = ReadAll("k STRING", texts);
  EXPECT_EQ(out.taken, std::vector<bool>(texts.size(), true));
  for (const auto& text : texts) EXPECT_TRUE(FullReaderReads(text)) << text;
  testing::ExpectArray(ParseSchemaString("k STRING").ValueOrDie(),
                       R"([{"k":"a"},{"k":"b"},{"k":"c"},{"k":"d"},{"k":"e"},{"k":"f"},{"k":"g"},{"k":"h"}])",
                       out.rows);
}

TEST(JsonFlatRecord, UnreadValuesOfAnotherTypeAreNotConverted) {
  auto out = ReadAll("k INT", {R"({"a":"text","b":1.5,"k":7})", R"({"k":8,"a":[1],"b":{"x":"y"}})"});
  EXPECT_EQ(out.taken, std::vector<bool>({true, true}));
  testing::ExpectArray(ParseSchemaString("k INT").ValueOrDie(), R"([{"k":7},{"k":8}])", out.rows);
}

TEST(JsonFlatRecord, LeavesMalformedUnreadValues) {
  for (const char* text : {
           R"({"n":01,"k":1})",         // a leading zero
           R"({"n":-01,"k":1})",
           R"({"n":1.,"k":1})",         // no fraction digits
           R"({"n":.5,"k":1})",
           R"({"n":1e,"k":1})",         // no exponent digits
           R"({"n":1e+,"k":1})",
           R"({"n":-,"k":1})",
           R"({"n":+1,"k":1})",
           R"({"n":1x,"k":1})",
           R"({"s":"a\x","k":1})",      // not an escape of strict JSON
           R"({"s":"a\u12G4","k":1})",  // not four hex digits
           R"({"s":"a\u12","k":1})",
           R"({"s":"open,"k":1})",      // a string not closed
           "{\"s\":\"a\tb\",\"k\":1}",  // a control character
           "{\"s\":\"\xC3\",\"k\":1}",  // a broken UTF-8 sequence
           "{\"s\":\"\xED\xA0\x80\",\"k\":1}",  // a UTF-8 surrogate
           R"({"o":{"a":1,},"k":1})",   // a trailing comma
           R"({"o":{"a" 1},"k":1})",
           R"({"o":{a:1},"k":1})",
           R"({"a":[1,2,"k":1})",
           R"({"a":[1 2],"k":1})",
           R"({"t":tru,"k":1})",
           R"({"t":nul,"k":1})",
           R"({"k":1,"t":True})",
           R"({"k":1,"o":{"a":1})",
       }) {
    EXPECT_FALSE(Takes("k INT", text)) << text;
    EXPECT_FALSE(FullReaderReads(text)) << text;
  }
}

TEST(JsonFlatRecord, LeavesUnreadValuesForTheFullReaderToDecide) {
  for (const char* text : {
           R"({"n":NaN,"k":1})",               // lenient forms the options decide
           R"({"n":-Infinity,"k":1})",
           R"({"s":'single',"k":1})",
           R"({"s":"\uD83D\uDE00","k":1})",    // escaped surrogates
           R"({"s":"\udc00","k":1})",
           R"({"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"k":1})",  // deep
           R"({"k\u0069":1})",                  // a key with an escape, which might name a field
       }) {
    EXPECT_FALSE(Takes("k INT", text)) << text;
  }
}

TEST(JsonFlatRecord, RepeatedKeys) {
  // An unread key repeated is nothing to the fields read.
  EXPECT_TRUE(Takes("k INT", R"({"a":1,"a":"x","k":1,"a":[]})"));
  // A field read twice is left to the full reader (Spark keeps its last value).
  EXPECT_FALSE(Takes("k INT", R"({"k":1,"a":1,"k":2})"));
}

TEST(JsonFlatRecord, ReadsFieldsAmongSkippedOnesInAnyOrder) {
  auto out = ReadAll("id BIGINT, amount DOUBLE, kind STRING",
                     {R"({"id":1,"sent":1700000000.123,"user":"u\"1","amount":2.25,"kind":"refund"})",
                      R"({"kind":"view","x":{"id":9},"amount":-1e2,"id":2})",
                      R"({"user":"u"})"});
  EXPECT_EQ(out.taken, std::vector<bool>({true, true, true}));
  testing::ExpectArray(ParseSchemaString("id BIGINT, amount DOUBLE, kind STRING").ValueOrDie(),
                       R"([{"id":1,"amount":2.25,"kind":"refund"},{"id":2,"amount":-100.0,"kind":"view"},
                           {"id":null,"amount":null,"kind":null}])",
                       out.rows);
}

TEST(JsonFlatRecord, KeysMovingBetweenRecordsAreReadWhereTheyAre) {
  // The reader remembers the keys of the last records by their place: a key
  // that moved, a prefix or an extension of the remembered one, an escaped one,
  // fewer or more keys must all still be read as written.
  auto out = ReadAll("kind STRING, id BIGINT",
                     {R"({"id":1,"kind":"a","x":1})", R"({"id":2,"kind":"b","x":2})", R"({"kind":"c","id":3})",
                      R"({"ki":"no","kind":"d","id":4})", R"({"kindx":5,"id":5,"kind":"e"})",
                      R"({"k\u0069nd":"esc","id":6})", R"({"id":7,"kind":"g","x":1})", R"({"id":8})",
                      R"({"x":1,"id":9,"kind":"h","y":2,"z":3})"});
  EXPECT_EQ(out.taken, std::vector<bool>({true, true, true, true, true, false, true, true, true}));
  testing::ExpectArray(ParseSchemaString("kind STRING, id BIGINT").ValueOrDie(),
                       R"([{"kind":"a","id":1},{"kind":"b","id":2},{"kind":"c","id":3},{"kind":"d","id":4},
                           {"kind":"e","id":5},{"kind":"g","id":7},{"kind":null,"id":8},{"kind":"h","id":9}])",
                       out.rows);
}

// Random records around a field read, their other values picked from pieces
// of JSON (valid or not) and then one byte changed at random: a record the
// reader takes must be one the full reader reads, to the same value.
TEST(JsonFlatRecord, TakesOnlyWhatTheFullReaderReads) {
  const std::vector<std::string> pieces = {
      "0", "-0", "12", "-3.25", "1e5", "2E-3", "1.5e+300", "1e400", "123456789012345678901234567890", "01", "1.",
      ".5", "-", "+1", "true", "false", "null", "tru", "NaN", "\"\"", "\"plain\"", "\"q\\\"u\\\\o\\/\"",
      "\"\\u00e9\\n\"", "\"\\ud83d\\ude00\"", "\"\\x\"", "\"\xC3\xA9\"", "\"\xC3\"", "\"a\tb\"",
      "'single'", "{}", "[]", "{\"x\":[1,{\"y\":null}]}", "[1,[2,[3]],\"]\"]", "{\"x\":1,}", "[1 2]", "{x:1}"};
  const std::string bytes = "\"\\{}[],:0123456789.eE+-tfnul \t\x01\xC3\xA9x'";
  std::mt19937 random(7);
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random); };
  int taken = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = "{\"a\":" + pieces[pick(pieces.size())] + ",\"k\":7,\"b\":" + pieces[pick(pieces.size())] + "}";
    if (i % 2 == 1) text[pick(text.size())] = bytes[pick(bytes.size())];
    auto out = ReadAll("k INT", {text});
    if (!out.taken[0]) continue;
    ++taken;
    rapidjson::Document doc;
    bool big_numbers;
    ASSERT_TRUE(ParseJsonRecord(text, JsonReadOptions{}, &doc, &big_numbers)) << text;
    ASSERT_TRUE(out.rows.ok());
    auto k = std::static_pointer_cast<arrow::StructArray>(*out.rows)->field(0);
    auto member = doc.FindMember("k");
    bool same = member == doc.MemberEnd() ? k->IsNull(0)
                                          : k->IsValid(0) && member->value.IsInt64() &&
                                                std::static_pointer_cast<arrow::Int32Array>(k)->Value(0) ==
                                                    member->value.GetInt64();
    EXPECT_TRUE(same) << text;
  }
  EXPECT_GT(taken, 1000);  // the property is not empty
}

TEST(JsonFlatRecord, ReadsDoublesOfManyDigitsAsTheFullReaderConvertsThem) {
  // More significant digits than 15, or powers beyond 1e22: converted from the
  // text as the full reader converts it (DoubleOfNumberText), bit for bit.
  const std::vector<std::string> numbers = {"1765003456.123456", "-1765003456.1234567", "0.30000000000000004",
                                            "9007199254740993.0", "123456789012345678.5", "1.2345678901234567e-5",
                                            "2.2250738585072011e-308", "1.7976931348623157e308", "1e23",
                                            "0.1000000000000000055511151231257827"};
  std::vector<std::string> texts;
  for (const auto& n : numbers) texts.push_back(R"({"d":)" + n + "}");
  auto out = ReadAll("d DOUBLE", texts);
  EXPECT_EQ(out.taken, std::vector<bool>(texts.size(), true));
  ASSERT_TRUE(out.rows.ok());
  const auto& rows = static_cast<const arrow::StructArray&>(**out.rows);
  const auto& doubles = static_cast<const arrow::DoubleArray&>(*rows.field(0));
  for (size_t i = 0; i < numbers.size(); ++i) {
    EXPECT_EQ(doubles.Value(static_cast<int64_t>(i)), DoubleOfNumberText(numbers[i])) << numbers[i];
  }
  // Beyond a double's range the full reader decides (an infinity, or zero).
  EXPECT_FALSE(Takes("d DOUBLE", R"({"d":1e400})"));
  EXPECT_FALSE(Takes("d DOUBLE", R"({"d":-1.5e999})"));
}

TEST(JsonFlatRecord, ReadsFloatsRoundedOnceFromTheirText) {
  // Java rounds a float once from the text; through the double it would be
  // twice, where the double lands on a tie between two floats.
  const std::vector<std::string> numbers = {"3.4028235677973366e38", "1.00000005960464477539062501",
                                            "1.00000017881393432617187499", "1765003456.123456", "0.1", "16777217"};
  const std::vector<float> expected = {std::numeric_limits<float>::max(), 1.00000012f, 1.00000012f,
                                       1765003456.123456f, 0.1f, 16777216.0f};
  std::vector<std::string> texts;
  for (const auto& n : numbers) texts.push_back(R"({"f":)" + n + "}");
  auto out = ReadAll("f FLOAT", texts);
  EXPECT_EQ(out.taken, std::vector<bool>(texts.size(), true));
  ASSERT_TRUE(out.rows.ok());
  const auto& floats = static_cast<const arrow::FloatArray&>(*static_cast<const arrow::StructArray&>(**out.rows).field(0));
  for (size_t i = 0; i < numbers.size(); ++i) EXPECT_EQ(floats.Value(static_cast<int64_t>(i)), expected[i]) << numbers[i];
}

}  // namespace
}  // namespace spate
