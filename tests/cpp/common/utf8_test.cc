#include "spate/common/utf8.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

namespace spate {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";

TEST(Utf8Test, ValidTextIsUnchanged) {
  for (std::string text : {"", "plain", "caf\xC3\xA9", "\xF0\x9F\x98\x80 smile", "\xE2\x82\xAC"}) {
    EXPECT_EQ(ReplaceInvalidUtf8(text), text);
  }
}

// One U+FFFD per maximal invalid subsequence, as Java's and Python's decoders do.
TEST(Utf8Test, InvalidSequencesBecomeOneReplacementEach) {
  EXPECT_EQ(ReplaceInvalidUtf8("a\xFF" "b"), "a" + kReplacement + "b");
  EXPECT_EQ(ReplaceInvalidUtf8("\xFF\xFE"), kReplacement + kReplacement);
  EXPECT_EQ(ReplaceInvalidUtf8("\xF0\x9F\x98"), kReplacement);          // truncated: one
  EXPECT_EQ(ReplaceInvalidUtf8("\xED\xA0\x80"), kReplacement + kReplacement + kReplacement);  // surrogate
  EXPECT_EQ(ReplaceInvalidUtf8("\xC0\xAF"), kReplacement + kReplacement);  // overlong
  EXPECT_EQ(ReplaceInvalidUtf8("\xE2\x82" "x"), kReplacement + "x");
}

std::shared_ptr<arrow::Array> Strings(const std::vector<std::string>& values) {
  arrow::StringBuilder builder;
  EXPECT_TRUE(builder.AppendValues(values).ok());
  return *builder.Finish();
}

TEST(Utf8Test, ArraysAtAnyDepthAreRepaired) {
  arrow::Int32Builder bounds;
  ASSERT_TRUE(bounds.AppendValues({0, 1, 3}).ok());
  auto list = *arrow::ListArray::FromArrays(**bounds.Finish(), *Strings({"ok", "b\xFF" "d", "x"}));
  auto repaired = *ReplaceInvalidUtf8(list);
  ASSERT_TRUE(repaired->ValidateFull().ok());
  const auto& values = static_cast<const arrow::StringArray&>(
      *static_cast<const arrow::ListArray&>(*repaired).values());
  EXPECT_EQ(values.GetString(1), "b" + kReplacement + "d");
  EXPECT_EQ(values.GetString(0), "ok");
  auto valid = Strings({"a", "b"});
  EXPECT_EQ(*ReplaceInvalidUtf8(valid), valid);  // nothing to repair: the same array
}

// A character cut between two values ("\xC3" then "\xA9", together "é") is
// invalid in each, though their bytes together are valid.
TEST(Utf8Test, EachValueIsCheckedByItself) {
  auto split = Strings({"\xC3", "\xA9", "", "A\xE2\x82", "\xAC"});
  auto repaired = *ReplaceInvalidUtf8(split);
  ASSERT_NE(repaired, split);
  const auto& values = static_cast<const arrow::StringArray&>(*repaired);
  EXPECT_EQ(values.GetString(0), kReplacement);
  EXPECT_EQ(values.GetString(1), kReplacement);
  EXPECT_EQ(values.GetString(2), "");
  EXPECT_EQ(values.GetString(3), "A" + kReplacement);
  EXPECT_EQ(values.GetString(4), kReplacement);
  auto whole = Strings({"\xC3\xA9", "", "\xE2\x82\xAC"});
  EXPECT_EQ(*ReplaceInvalidUtf8(whole), whole);
}

}  // namespace
}  // namespace spate
