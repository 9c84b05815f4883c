// ByteHashTable::Append: a value grown by appends holds every byte appended,
// in order, across the moves to bigger blocks, and leaves other keys alone.

#include "spate/state/byte_hash_table.h"

#include <string>

#include <gtest/gtest.h>

namespace spate {
namespace {

TEST(ByteHashTable, AppendGrowsAValueAcrossBlocks) {
  ByteHashTable table;
  EXPECT_TRUE(table.Put("other", "unchanged"));
  EXPECT_TRUE(table.Append("list", "a"));
  std::string expected = "a";
  for (int i = 0; i < 100; ++i) {
    const std::string more = "<" + std::to_string(i) + ">";
    EXPECT_FALSE(table.Append("list", more));
    expected += more;
  }
  ASSERT_NE(table.Find("list"), nullptr);
  EXPECT_EQ(table.Find("list")->value(), expected);
  EXPECT_EQ(table.Find("other")->value(), "unchanged");
  EXPECT_EQ(table.size(), 2u);
  // A Put after appends replaces the whole value.
  EXPECT_FALSE(table.Put("list", "b"));
  EXPECT_EQ(table.Find("list")->value(), "b");
}

}  // namespace
}  // namespace spate
