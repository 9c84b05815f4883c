#include "spate/streaming/checkpoint_entries.h"

#include <gtest/gtest.h>

namespace spate {
namespace {

TEST(CheckpointEntriesTest, OffsetsRoundTrip) {
  std::string text = OffsetsEntry(5, 1700000000000, {std::string("{\"logOffset\":3}"), std::nullopt},
                                  {{"spark.sql.shuffle.partitions", "7"}, {"spark.sql.session.timeZone", "Asia/Tokyo"}});
  auto entry = ParseOffsetsEntry(text, "cp/offsets/3");
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();
  EXPECT_EQ(entry->batch_watermark_ms, 5);
  EXPECT_EQ(entry->batch_timestamp_ms, 1700000000000);
  EXPECT_EQ(entry->conf, (ConfMap{{"spark.sql.shuffle.partitions", "7"}, {"spark.sql.session.timeZone", "Asia/Tokyo"}}));
  ASSERT_EQ(entry->ends.size(), 2u);
  EXPECT_EQ(*entry->ends[0], "{\"logOffset\":3}");
  EXPECT_FALSE(entry->ends[1].has_value());
}

TEST(CheckpointEntriesTest, CommitRoundTrip) {
  auto watermark = ParseCommitEntry(CommitEntry(42), "cp/commits/0");
  ASSERT_TRUE(watermark.ok());
  EXPECT_EQ(*watermark, 42);
  EXPECT_EQ(*ParseCommitEntry("v1\n{}", "cp/commits/0"), 0);  // none recorded
}

// A garbage entry is refused naming its file, not read as a watermark of 0.
TEST(CheckpointEntriesTest, GarbageIsInvalidCheckpointNamingTheFile) {
  for (std::string garbage : {std::string("\x00garbage\xff", 9), std::string("v1\nnot json"),
                              std::string("v1\n{\"nextBatchWatermarkMs\":\"x\"}")}) {
    auto commit = ParseCommitEntry(garbage, "cp/commits/0");
    ASSERT_FALSE(commit.ok()) << garbage;
    EXPECT_NE(commit.status().message().find("[INVALID_CHECKPOINT]"), std::string::npos);
    EXPECT_NE(commit.status().message().find("cp/commits/0"), std::string::npos);
  }
  auto offsets = ParseOffsetsEntry("v2\n{}", "cp/offsets/1");
  ASSERT_FALSE(offsets.ok());
  EXPECT_NE(offsets.status().message().find("cp/offsets/1 has version 'v2'"), std::string::npos);
}

}  // namespace
}  // namespace spate
