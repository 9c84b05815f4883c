// JoinKeyRows against real state stores: a join key's row suffixes follow
// Add and TakeUpTo, survive a committed batch, are rebuilt from the store on
// a fresh run, and lose the updates of a batch whose store was aborted;
// eviction takes rows in time order, times included after a rebuild; the
// index keys of an older store go; the bytes it reports grow with the rows.

#include "spate/exec/stream_join_key_rows.h"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "../api/test_util.h"
#include "spate/state/event_time_index.h"
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
  // Puts the row `join_key` + Suffix(index) in `store` and `rows`, as the
  // join does; its value is its time (when it has one) as text.
  static void AddRow(StateStore* store, JoinKeyRows* rows, const std::string& join_key, int64_t index,
                     std::optional<int64_t> micros = std::nullopt) {
    const std::string key = join_key + Suffix(index);
    ASSERT_TRUE(store->Put(key, micros ? std::to_string(*micros) : "-").ok());
    rows->Add(key, micros);
  }
  // The times of stored rows, read back from their values.
  static arrow::Result<std::vector<std::optional<int64_t>>> Times(const std::vector<std::string_view>&,
                                                                  const std::vector<std::string_view>& values) {
    std::vector<std::optional<int64_t>> out;
    for (std::string_view v : values) {
      out.push_back(v == "-" ? std::nullopt : std::optional<int64_t>(std::stoll(std::string(v))));
    }
    return out;
  }
  static std::vector<std::string> Taken(JoinKeyRows* rows, int64_t up_to) {
    EncodedRows keys;
    rows->TakeUpTo(up_to, &keys);
    std::vector<std::string> out;
    for (size_t i = 0; i < keys.size(); ++i) out.emplace_back(keys[i]);
    return out;
  }

  std::string dir_;
  std::unique_ptr<StateStoreProvider> provider_;
};

TEST_P(JoinKeyRowsTest, TakeUpToRemovesTheRowsTheTimeClosesInTimeOrder) {
  JoinKeyRows rows;
  StateStore* store = provider_->GetStore(0).ValueOrDie();
  ASSERT_TRUE(rows.BeginBatch(*store, Times).ok());
  AddRow(store, &rows, "k1", 1, 30);
  AddRow(store, &rows, "k2", 2, 10);
  AddRow(store, &rows, "k1", 3, 10);
  AddRow(store, &rows, "k1", 4, 50);
  AddRow(store, &rows, "k1", 5);  // never evicted
  EXPECT_EQ(rows.Find("k1"), Suffix(1) + Suffix(3) + Suffix(4) + Suffix(5));
  EXPECT_EQ(Taken(&rows, 30), (std::vector<std::string>{"k1" + Suffix(3), "k2" + Suffix(2), "k1" + Suffix(1)}));
  EXPECT_EQ(rows.Find("k1"), Suffix(4) + Suffix(5));
  EXPECT_EQ(rows.Find("k2"), "");
  EXPECT_EQ(rows.Find("k3"), "");
  // Rows added after an eviction join those left, in time order.
  AddRow(store, &rows, "k2", 6, 40);
  EXPECT_EQ(Taken(&rows, 30), std::vector<std::string>{});
  EXPECT_EQ(Taken(&rows, 1000), (std::vector<std::string>{"k2" + Suffix(6), "k1" + Suffix(4)}));
  EXPECT_EQ(rows.Find("k1"), Suffix(5));
}

TEST_P(JoinKeyRowsTest, ARebuildReadsEachRowsTimeAndRemovesTheIndexKeysOfAnOlderStore) {
  StateStore* store = provider_->GetStore(0).ValueOrDie();
  JoinKeyRows rows;
  ASSERT_TRUE(rows.BeginBatch(*store, Times).ok());
  AddRow(store, &rows, "k1", 1, 20);
  AddRow(store, &rows, "k1", 2, 10);
  AddRow(store, &rows, "k2", 3);
  StateWriteBatch index;  // as the join wrote its rows' times before
  PutIndexKey(20, "k1" + Suffix(1), &index);
  ASSERT_TRUE(store->Write(index).ok());
  ASSERT_EQ(store->Commit().ValueOrDie(), 1);

  store = provider_->GetStore(1).ValueOrDie();
  JoinKeyRows fresh;
  ASSERT_TRUE(fresh.BeginBatch(*store, Times).ok());
  ASSERT_FALSE(HasIndexKeys(*store).ValueOrDie());
  EXPECT_EQ(Taken(&fresh, 15), std::vector<std::string>{"k1" + Suffix(2)});
  EXPECT_EQ(Taken(&fresh, 1000), std::vector<std::string>{"k1" + Suffix(1)});
  EXPECT_EQ(fresh.Find("k2"), Suffix(3));
}

TEST_P(JoinKeyRowsTest, AFreshRunRebuildsFromTheStoreAndAnAbortedBatchIsForgotten) {
  JoinKeyRows rows;
  StateStore* store = provider_->GetStore(0).ValueOrDie();
  ASSERT_TRUE(rows.BeginBatch(*store, Times).ok());
  AddRow(store, &rows, "k1", 1);
  AddRow(store, &rows, "k1", 2);
  ASSERT_EQ(store->Commit().ValueOrDie(), 1);

  // The next batch keeps what it holds; its updates are then aborted.
  store = provider_->GetStore(1).ValueOrDie();
  ASSERT_TRUE(rows.BeginBatch(*store, Times).ok());
  AddRow(store, &rows, "k1", 3);
  EXPECT_EQ(rows.Find("k1"), Suffix(1) + Suffix(2) + Suffix(3));
  store->Abort();

  // Batch 1 again: the aborted row is gone.
  store = provider_->GetStore(1).ValueOrDie();
  ASSERT_TRUE(rows.BeginBatch(*store, Times).ok());
  EXPECT_EQ(rows.Find("k1"), Suffix(1) + Suffix(2));

  // A new run starts empty and reads the store.
  JoinKeyRows fresh;
  ASSERT_TRUE(fresh.BeginBatch(*store, Times).ok());
  EXPECT_EQ(fresh.Find("k1"), Suffix(1) + Suffix(2));
}

TEST_P(JoinKeyRowsTest, BytesGrowWithTheRowsBuffered) {
  JoinKeyRows rows;
  StateStore* store = provider_->GetStore(0).ValueOrDie();
  ASSERT_TRUE(rows.BeginBatch(*store, Times).ok());
  AddRow(store, &rows, "k0", 0);
  const int64_t one = rows.bytes();
  EXPECT_GT(one, 0);
  for (int64_t i = 1; i < 10000; ++i) AddRow(store, &rows, "k" + std::to_string(i % 100), i);
  // At least a suffix a row.
  EXPECT_GE(rows.bytes() - one, 9999 * kEncodedInt64Bytes);
  // And an evictable row's key and time.
  const int64_t untimed = rows.bytes();
  for (int64_t i = 10000; i < 20000; ++i) AddRow(store, &rows, "k" + std::to_string(i % 100), i, i);
  EXPECT_GE(rows.bytes() - untimed, 10000 * (kEncodedInt64Bytes * 2 + 8));
}

INSTANTIATE_TEST_SUITE_P(
    Providers, JoinKeyRowsTest,
    ::testing::Values("org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider",
                      "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"),
    [](const auto& info) { return info.param.find("HDFS") != std::string::npos ? "HDFS" : "RocksDB"; });

}  // namespace
}  // namespace spate
