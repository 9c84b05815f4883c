// JoinKeyRows against real state stores: a join key's row suffixes follow
// Add and Remove, survive a committed batch, are rebuilt from the store on
// a fresh run, and lose the updates of a batch whose store was aborted; the
// bytes it reports grow with the rows it holds.

#include "spate/exec/stream_join_key_rows.h"

#include <string>

#include <gtest/gtest.h>

#include "../api/test_util.h"
#include "spate/state/row_codec.h"
#include "spate/state/state_store.h"

namespace spate {
namespace {

using testing::FreshDir;

std::string Suffix(int64_t index) {
  std::string out;
  AppendEncodedInt64(index, &out);
  return out;
}

class JoinKeyRowsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    StateStoreConf conf;
    conf.provider_class = GetParam();
    conf.fsync = false;
    dir_ = (FreshDir("JoinKeyRows") / "state" / "0" / "0").string();
    provider_ = StateStoreProvider::Create(dir_, conf).ValueOrDie();
  }
  // Puts the row `join_key` + Suffix(index) in `store` and `rows`, as the join does.
  static void AddRow(StateStore* store, JoinKeyRows* rows, const std::string& join_key, int64_t index) {
    const std::string key = join_key + Suffix(index);
    ASSERT_TRUE(store->Put(key, "value").ok());
    rows->Add(key);
  }

  std::string dir_;
  std::unique_ptr<StateStoreProvider> provider_;
};

TEST_P(JoinKeyRowsTest, AddAndRemoveKeepEachKeysSuffixesInOrder) {
  JoinKeyRows rows;
  StateStore* store = provider_->GetStore(0).ValueOrDie();
  ASSERT_TRUE(rows.BeginBatch(*store).ok());
  AddRow(store, &rows, "k1", 1);
  AddRow(store, &rows, "k2", 2);
  AddRow(store, &rows, "k1", 3);
  AddRow(store, &rows, "k1", 4);
  EXPECT_EQ(rows.Find("k1"), Suffix(1) + Suffix(3) + Suffix(4));
  rows.Remove({"k1" + Suffix(3), "k2" + Suffix(2), "k1" + Suffix(1)});
  EXPECT_EQ(rows.Find("k1"), Suffix(4));
  EXPECT_EQ(rows.Find("k2"), "");
  EXPECT_EQ(rows.Find("k3"), "");
}

TEST_P(JoinKeyRowsTest, AFreshRunRebuildsFromTheStoreAndAnAbortedBatchIsForgotten) {
  JoinKeyRows rows;
  StateStore* store = provider_->GetStore(0).ValueOrDie();
  ASSERT_TRUE(rows.BeginBatch(*store).ok());
  AddRow(store, &rows, "k1", 1);
  AddRow(store, &rows, "k1", 2);
  ASSERT_EQ(store->Commit().ValueOrDie(), 1);

  // The next batch keeps what it holds; its updates are then aborted.
  store = provider_->GetStore(1).ValueOrDie();
  ASSERT_TRUE(rows.BeginBatch(*store).ok());
  AddRow(store, &rows, "k1", 3);
  EXPECT_EQ(rows.Find("k1"), Suffix(1) + Suffix(2) + Suffix(3));
  store->Abort();

  // Batch 1 again: the aborted row is gone.
  store = provider_->GetStore(1).ValueOrDie();
  ASSERT_TRUE(rows.BeginBatch(*store).ok());
  EXPECT_EQ(rows.Find("k1"), Suffix(1) + Suffix(2));

  // A new run starts empty and reads the store.
  JoinKeyRows fresh;
  ASSERT_TRUE(fresh.BeginBatch(*store).ok());
  EXPECT_EQ(fresh.Find("k1"), Suffix(1) + Suffix(2));
}

TEST_P(JoinKeyRowsTest, BytesGrowWithTheRowsBuffered) {
  JoinKeyRows rows;
  StateStore* store = provider_->GetStore(0).ValueOrDie();
  ASSERT_TRUE(rows.BeginBatch(*store).ok());
  AddRow(store, &rows, "k0", 0);
  const int64_t one = rows.bytes();
  EXPECT_GT(one, 0);
  for (int64_t i = 1; i < 10000; ++i) AddRow(store, &rows, "k" + std::to_string(i % 100), i);
  // At least a suffix a row.
  EXPECT_GE(rows.bytes() - one, 9999 * kEncodedInt64Bytes);
}

INSTANTIATE_TEST_SUITE_P(
    Providers, JoinKeyRowsTest,
    ::testing::Values("org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider",
                      "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"),
    [](const auto& info) { return info.param.find("HDFS") != std::string::npos ? "HDFS" : "RocksDB"; });

}  // namespace
}  // namespace spate
