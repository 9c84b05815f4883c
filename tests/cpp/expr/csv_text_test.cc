#include "spate/expr/csv_text.h"

#include <gtest/gtest.h>

#include "spate/common/error.h"

namespace spate {
namespace {

using Fields = std::vector<std::optional<std::string>>;

TEST(CsvTextTest, UnquotedEmptyIsNullQuotedEmptyIsEmptyValue) {
  auto o = *CsvOptions::Make({{"emptyValue", "E"}});
  auto records = ParseCsv("a,,\"\"\n", o);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{"a", std::nullopt, "E"}));
  EXPECT_EQ(records[0].text, "a,,\"\"");
}

TEST(CsvTextTest, BlankAndCommentLinesAreSkipped) {
  auto o = *CsvOptions::Make({{"comment", "#"}});
  auto records = ParseCsv("# note\n\n1,2\r\n3,4", o);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].fields, (Fields{"3", "4"}));
}

TEST(CsvTextTest, MultiLineKeepsQuotedLineBreaks) {
  std::string text = "\"a\nb\",c\n";
  EXPECT_EQ(ParseCsv(text, *CsvOptions::Make({{"multiLine", "true"}}))[0].fields, (Fields{"a\nb", "c"}));
  EXPECT_EQ(ParseCsv(text, *CsvOptions::Make({})).size(), 2u);
}

TEST(CsvTextTest, WritingQuotesOnlyWhenNeeded) {
  auto o = *CsvOptions::Make({});
  auto field = [&](std::optional<std::string_view> v) {
    std::string out;
    AppendCsvField(v, o, &out);
    return out;
  };
  EXPECT_EQ(field("plain"), "plain");
  EXPECT_EQ(field("a,b"), "\"a,b\"");
  EXPECT_EQ(field("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(field("say \"x\""), "\"say \\\"x\\\"\"");
  EXPECT_EQ(field("  trimmed "), "trimmed");
  EXPECT_EQ(field(""), "\"\"");
  EXPECT_EQ(field(std::nullopt), "");
  auto all = *CsvOptions::Make({{"quoteAll", "true"}, {"nullValue", "NULL"}});
  std::string out;
  AppendCsvField(std::string_view("x"), all, &out);
  AppendCsvField(std::nullopt, all, &out);
  EXPECT_EQ(out, "\"x\"NULL");
}

TEST(CsvTextTest, OptionErrors) {
  EXPECT_EQ(ErrorClassOf(CsvOptions::Make({{"sep", "ab"}}).status()), "INVALID_OPTIONS");
  EXPECT_EQ(ErrorClassOf(CsvOptions::Make({{"header", "maybe"}}).status()), "INVALID_OPTIONS");
  EXPECT_EQ(CsvOptions::Make({{"delimiter", "\\t"}})->sep, '\t');
  EXPECT_EQ(CsvOptions::Make({{"mode", "failFast"}})->mode, ParseMode::kFailFast);
  EXPECT_EQ(CsvOptions::Make({{"mode", "whatever"}})->mode, ParseMode::kPermissive);
}

}  // namespace
}  // namespace spate
