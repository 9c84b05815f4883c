// ByteHashTable: a value grown by appends holds every byte appended, in
// order, across its moves, and leaves other keys alone; removed entries'
// space comes back at Compact, which moves the live entries and keeps them
// whole; entries bigger than the current block fit in the next, or in one
// of their own.

#include "spate/state/byte_hash_table.h"

#include <string>

#include <gtest/gtest.h>

namespace spate {
namespace {

TEST(ByteHashTable, AppendGrowsAValueAcrossMoves) {
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

TEST(ByteHashTable, CompactGivesBackTheSpaceOfRemovedEntries) {
  ByteHashTable table;
  auto value = [](int i) { return std::string(50, static_cast<char>('a' + i % 26)); };
  for (int i = 0; i < 10000; ++i) table.Put("key" + std::to_string(i), value(i));
  const int64_t full = table.bytes();
  for (int i = 0; i < 10000; ++i) {
    if (i % 10 != 0) {
      EXPECT_TRUE(table.Remove("key" + std::to_string(i)));
    }
  }
  EXPECT_EQ(table.bytes(), full);  // until compacted
  const uint64_t frees = table.frees();
  table.Compact();
  EXPECT_NE(table.frees(), frees);  // the entries moved
  EXPECT_LT(table.bytes(), full / 2);
  EXPECT_EQ(table.size(), 1000u);
  for (int i = 0; i < 10000; ++i) {
    const ByteHashTable::Entry* e = table.Find("key" + std::to_string(i));
    ASSERT_EQ(e != nullptr, i % 10 == 0) << i;
    if (e != nullptr) {
      EXPECT_EQ(e->value(), value(i));
    }
  }
  // Compacting a table with little freed leaves it be.
  const int64_t compacted = table.bytes();
  EXPECT_TRUE(table.Remove("key0"));
  table.Compact();
  EXPECT_EQ(table.bytes(), compacted);
  EXPECT_EQ(table.Find("key10")->value(), value(10));
}

TEST(ByteHashTable, EntriesOfAnySizeFindRoomInTheBlocks) {
  ByteHashTable table;
  // Bigger than the first blocks, smaller than the last.
  const std::string medium(5000, 'm');
  EXPECT_TRUE(table.Put("medium", medium));
  EXPECT_EQ(table.Find("medium")->value(), medium);
  // Bigger than any block: one of its own.
  const std::string big(1 << 21, 'b');
  EXPECT_TRUE(table.Put("small1", "one"));
  EXPECT_TRUE(table.Put("big", big));
  EXPECT_TRUE(table.Put("small2", "two"));
  EXPECT_EQ(table.Find("small1")->value(), "one");
  EXPECT_EQ(table.Find("big")->value(), big);
  EXPECT_EQ(table.Find("small2")->value(), "two");
  EXPECT_EQ(table.Find("medium")->value(), medium);
  EXPECT_GE(table.bytes(), static_cast<int64_t>(big.size() + medium.size()));
}

}  // namespace
}  // namespace spate
