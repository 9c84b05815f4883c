#include "spate/state/state_store.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "../api/test_util.h"
#include "spate/api/session.h"
#include "spate/common/atomic_file.h"
#include "spate/common/error.h"
#include "spate/state/event_time_index.h"

namespace spate {
namespace {

namespace fs = std::filesystem;
using testing::ErrorClass;
using testing::FreshDir;

constexpr const char* kHdfs = "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider";
constexpr const char* kRocksDb = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider";

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs ScanPairs(StateStore* store, std::string_view begin, std::string_view end) {
  Pairs out;
  auto status = store->Scan(begin, end, [&](std::string_view k, std::string_view v) {
    out.emplace_back(k, v);
    return arrow::Status::OK();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return out;
}

Pairs PrefixPairs(StateStore* store, std::string_view prefix) {
  Pairs out;
  auto status = store->PrefixScan(prefix, [&](std::string_view k, std::string_view v) {
    out.emplace_back(k, v);
    return arrow::Status::OK();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return out;
}

Pairs VersionPairs(StateStoreProvider* provider, int64_t version) {
  Pairs out;
  auto status = provider->ReadVersion(version, [&](std::string_view k, std::string_view v) {
    out.emplace_back(k, v);
    return arrow::Status::OK();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return out;
}

int64_t Custom(const StateStoreMetrics& m, const std::string& name) {
  for (const auto& [k, v] : m.custom) {
    if (k == name) return v;
  }
  ADD_FAILURE() << "no custom metric " << name;
  return -1;
}

// The files of a folder, without the hidden checksum files beside them.
std::vector<std::string> FileNames(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (!name.starts_with(".")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

class StateStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { dir_ = FreshDir("StateStore") / "state" / "0" / "0"; }

  StateStoreConf Conf(int64_t min_deltas = 10, int64_t retain = 100) const {
    StateStoreConf conf;
    conf.provider_class = GetParam();
    conf.min_deltas_for_snapshot = min_deltas;
    conf.min_batches_to_retain = retain;
    conf.fsync = false;
    return conf;
  }
  std::unique_ptr<StateStoreProvider> Provider(const StateStoreConf& conf) const {
    auto provider = StateStoreProvider::Create(dir_.string(), conf);
    EXPECT_TRUE(provider.ok()) << provider.status().ToString();
    return std::move(provider).ValueOrDie();
  }
  // Commits `count` versions; version v puts key "k<v>" = "v<v>" and
  // updates "counter" to v.
  void CommitVersions(StateStoreProvider* provider, int64_t from, int64_t count) {
    for (int64_t v = from; v < from + count; ++v) {
      StateStore* store = provider->GetStore(v).ValueOrDie();
      ASSERT_TRUE(store->Put("k" + std::to_string(v + 1), "v" + std::to_string(v + 1)).ok());
      ASSERT_TRUE(store->Put("counter", std::to_string(v + 1)).ok());
      ASSERT_EQ(store->Commit().ValueOrDie(), v + 1);
      ASSERT_TRUE(provider->DoMaintenance().ok());
    }
  }

  fs::path dir_;
};

TEST_P(StateStoreTest, GetPutRemoveAndCommitMakesTheNextVersion) {
  auto provider = Provider(Conf());
  StateStore* store = provider->GetStore(0).ValueOrDie();
  EXPECT_EQ(store->version(), 0);
  EXPECT_EQ(store->Get("a").ValueOrDie(), std::nullopt);
  ASSERT_TRUE(store->Put("a", "1").ok());
  ASSERT_TRUE(store->Put("b", "2").ok());
  ASSERT_TRUE(store->Put("a", "3").ok());  // read-your-writes, overwrite
  EXPECT_EQ(store->Get("a").ValueOrDie(), "3");
  ASSERT_TRUE(store->Remove("b").ok());
  ASSERT_TRUE(store->Remove("missing").ok());
  EXPECT_EQ(store->Get("b").ValueOrDie(), std::nullopt);
  StateStoreMetrics m = store->metrics();
  EXPECT_EQ(m.num_rows_total, 1);
  EXPECT_EQ(m.num_rows_updated, 3);
  EXPECT_EQ(m.num_rows_removed, 1);
  EXPECT_EQ(store->Commit().ValueOrDie(), 1);
  EXPECT_FALSE(store->Put("c", "x").ok());  // committed: read-only

  store = provider->GetStore(1).ValueOrDie();
  EXPECT_EQ(store->version(), 1);
  EXPECT_EQ(store->Get("a").ValueOrDie(), "3");
  ASSERT_TRUE(store->Put("c", "4").ok());
  EXPECT_EQ(store->metrics().num_rows_total, 2);
  EXPECT_EQ(store->metrics().num_rows_updated, 1);
  EXPECT_EQ(store->Commit().ValueOrDie(), 2);
  EXPECT_EQ((VersionPairs(provider.get(), 2)), (Pairs{{"a", "3"}, {"c", "4"}}));
  EXPECT_EQ((VersionPairs(provider.get(), 1)), (Pairs{{"a", "3"}}));
  EXPECT_TRUE(VersionPairs(provider.get(), 0).empty());
}

TEST_P(StateStoreTest, AbortRevertsTheUpdates) {
  auto provider = Provider(Conf());
  StateStore* store = provider->GetStore(0).ValueOrDie();
  ASSERT_TRUE(store->Put("a", "1").ok());
  ASSERT_TRUE(store->Put("b", "2").ok());
  ASSERT_EQ(store->Commit().ValueOrDie(), 1);

  store = provider->GetStore(1).ValueOrDie();
  ASSERT_TRUE(store->Put("a", "changed").ok());
  ASSERT_TRUE(store->Remove("b").ok());
  ASSERT_TRUE(store->Put("c", "new").ok());
  store->Abort();

  store = provider->GetStore(1).ValueOrDie();
  EXPECT_EQ((ScanPairs(store, "", "")), (Pairs{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(store->metrics().num_rows_total, 2);
  // A store left open with updates is aborted by the next GetStore.
  ASSERT_TRUE(store->Put("d", "x").ok());
  store = provider->GetStore(1).ValueOrDie();
  EXPECT_EQ(store->Get("d").ValueOrDie(), std::nullopt);
  EXPECT_EQ(store->metrics().num_rows_total, 2);
}

TEST_P(StateStoreTest, AFreshProviderReloadsOlderVersionsFromFiles) {
  {
    auto provider = Provider(Conf());
    CommitVersions(provider.get(), 0, 5);
  }
  // A restart: a new provider on the same folder, re-running batch 3.
  auto provider = Provider(Conf());
  StateStore* store = provider->GetStore(3).ValueOrDie();
  EXPECT_EQ(store->Get("counter").ValueOrDie(), "3");
  EXPECT_EQ(store->Get("k4").ValueOrDie(), std::nullopt);
  EXPECT_EQ(store->metrics().num_rows_total, 4);  // k1..k3, counter
  ASSERT_TRUE(store->Put("counter", "re-run").ok());
  ASSERT_EQ(store->Commit().ValueOrDie(), 4);
  EXPECT_EQ(provider->GetStore(4).ValueOrDie()->Get("counter").ValueOrDie(), "re-run");
  // The version after the re-run's is rebuilt on load too.
  store = provider->GetStore(2).ValueOrDie();
  EXPECT_EQ(store->Get("counter").ValueOrDie(), "2");
}

TEST_P(StateStoreTest, RangeAndPrefixScansVisitKeysInByteOrder) {
  auto provider = Provider(Conf());
  StateStore* store = provider->GetStore(0).ValueOrDie();
  const std::vector<std::string> keys = {"b/2", "a/1", "b/1", "c", "b", std::string("a\xff", 2)};
  for (const std::string& k : keys) ASSERT_TRUE(store->Put(k, "v" + k).ok());
  ASSERT_EQ(store->Commit().ValueOrDie(), 1);
  store = provider->GetStore(1).ValueOrDie();
  ASSERT_TRUE(store->Put("b/0", "new").ok());  // uncommitted updates are scanned too
  ASSERT_TRUE(store->Remove("b/2").ok());
  EXPECT_EQ((ScanPairs(store, "", "")), (Pairs{{"a/1", "va/1"},
                                              {std::string("a\xff", 2), std::string("va\xff", 3)},
                                              {"b", "vb"},
                                              {"b/0", "new"},
                                              {"b/1", "vb/1"},
                                              {"c", "vc"}}));
  EXPECT_EQ((ScanPairs(store, "b", "b/1")), (Pairs{{"b", "vb"}, {"b/0", "new"}}));
  EXPECT_EQ((ScanPairs(store, "b/05", "")), (Pairs{{"b/1", "vb/1"}, {"c", "vc"}}));
  EXPECT_EQ((PrefixPairs(store, "b/")), (Pairs{{"b/0", "new"}, {"b/1", "vb/1"}}));
  EXPECT_TRUE(PrefixPairs(store, "z").empty());
  // A visitor's error stops the scan.
  int visited = 0;
  auto status = store->ScanAll([&](std::string_view, std::string_view) {
    return ++visited == 2 ? arrow::Status::Cancelled("enough") : arrow::Status::OK();
  });
  EXPECT_TRUE(status.IsCancelled());
  EXPECT_EQ(visited, 2);
}

TEST_P(StateStoreTest, MultiGetAndWriteBatchesKeepTheRowCountWithoutLookups) {
  auto provider = Provider(Conf());
  StateStore* store = provider->GetStore(0).ValueOrDie();
  ASSERT_TRUE(store->Put("a", "1").ok());
  ASSERT_TRUE(store->Put("b", "2").ok());
  ASSERT_EQ(store->Commit().ValueOrDie(), 1);

  store = provider->GetStore(1).ValueOrDie();
  std::vector<std::optional<std::string>> values;
  ASSERT_TRUE(store->MultiGet({"b", "missing", "a"}, &values).ok());
  EXPECT_EQ(values, (std::vector<std::optional<std::string>>{"2", std::nullopt, "1"}));
  std::string index_key;
  AppendIndexKey(7, "x", &index_key);
  StateWriteBatch batch;
  batch.Put("a", "10", /*is_new=*/false);
  batch.Put("x", "new", /*is_new=*/true);
  batch.Put(index_key, "", /*is_new=*/true);
  batch.Remove("b");
  ASSERT_TRUE(store->Write(batch).ok());
  StateStoreMetrics m = store->metrics();
  EXPECT_EQ(m.num_rows_total, 2);  // a, x: the index key is not a row
  EXPECT_EQ(m.num_rows_updated, 2);
  EXPECT_EQ(m.num_rows_removed, 1);
  EXPECT_EQ((ScanPairs(store, "", "")), (Pairs{{"a", "10"}, {"x", "new"}, {index_key, ""}}));
  Pairs rows;
  ASSERT_TRUE(store->ScanAll([&](std::string_view k, std::string_view v) {
    rows.emplace_back(k, v);
    return arrow::Status::OK();
  }).ok());
  EXPECT_EQ(rows, (Pairs{{"a", "10"}, {"x", "new"}}));
  ASSERT_EQ(store->Commit().ValueOrDie(), 2);

  // The statestore reader's view has rows only; the index survives a reload.
  EXPECT_EQ((VersionPairs(provider.get(), 2)), (Pairs{{"a", "10"}, {"x", "new"}}));
  provider.reset();
  auto fresh = Provider(Conf());
  store = fresh->GetStore(2).ValueOrDie();
  EXPECT_EQ(store->metrics().num_rows_total, 2);
  EXPECT_EQ((PrefixPairs(store, std::string(1, kIndexKeyByte))), (Pairs{{index_key, ""}}));
}

// A batch of thousands of ops (RocksDB ingests such a batch as a file
// rather than through its memtable) leaves what its ops applied in order
// leave: the last op of a key counts, removes remove, the row count holds,
// and the version reloads as written.
TEST_P(StateStoreTest, LargeWriteBatchesLeaveWhatTheirOpsInOrderLeave) {
  auto key = [](int i) { return fmt::format("k{:05}", (i * 7919) % 10000); };  // not in key order
  std::map<std::string, std::string> model;
  auto provider = Provider(Conf());
  StateStore* store = provider->GetStore(0).ValueOrDie();
  StateWriteBatch batch;
  for (int i = 0; i < 10000; ++i) {
    batch.Put(key(i), "a" + std::to_string(i), /*is_new=*/true);
    model[key(i)] = "a" + std::to_string(i);
  }
  ASSERT_TRUE(store->Write(batch).ok());
  ASSERT_EQ(store->Commit().ValueOrDie(), 1);

  store = provider->GetStore(1).ValueOrDie();
  batch.Clear();
  for (int i = 0; i < 6000; ++i) {
    if (i % 3 == 0) {
      batch.Remove(key(i));
      model.erase(key(i));
    } else {
      batch.Put(key(i), "b" + std::to_string(i), /*is_new=*/false);
      model[key(i)] = "b" + std::to_string(i);
    }
  }
  batch.Put("new", "1", /*is_new=*/true);  // put, then removed
  batch.Remove("new");
  batch.Remove(key(6000));  // removed, then put again
  batch.Put(key(6000), "again", /*is_new=*/true);
  batch.Put(key(6001), "first", /*is_new=*/false);  // put twice: the last value counts
  batch.Put(key(6001), "second", /*is_new=*/false);
  model[key(6000)] = "again";
  model[key(6001)] = "second";
  std::string index_key;
  AppendIndexKey(42, key(6001), &index_key);
  batch.Put(index_key, "", /*is_new=*/true);
  ASSERT_TRUE(store->Write(batch).ok());
  const Pairs rows(model.begin(), model.end());
  Pairs with_index = rows;
  with_index.emplace_back(index_key, "");
  EXPECT_EQ(ScanPairs(store, "", ""), with_index);
  EXPECT_EQ(store->metrics().num_rows_total, static_cast<int64_t>(model.size()));
  std::vector<std::optional<std::string>> values;
  ASSERT_TRUE(store->MultiGet({key(0), key(1), key(6001), "new"}, &values).ok());
  EXPECT_EQ(values, (std::vector<std::optional<std::string>>{std::nullopt, "b1", "second", std::nullopt}));
  ASSERT_EQ(store->Commit().ValueOrDie(), 2);

  EXPECT_EQ(VersionPairs(provider.get(), 2), rows);
  EXPECT_EQ(VersionPairs(provider.get(), 1).size(), 10000u);
  provider.reset();  // a restart
  auto fresh = Provider(Conf());
  store = fresh->GetStore(2).ValueOrDie();
  EXPECT_EQ(store->metrics().num_rows_total, static_cast<int64_t>(model.size()));
  EXPECT_EQ(ScanPairs(store, "", ""), with_index);
}

// Reads see the version's values whatever was read or written before: after
// a write batch, after an abort, after loading an older version.
TEST_P(StateStoreTest, ReadsSeeTheValuesOfTheLoadedVersionAndItsUpdates) {
  using Values = std::vector<std::optional<std::string>>;
  auto provider = Provider(Conf());
  StateStore* store = provider->GetStore(0).ValueOrDie();
  ASSERT_TRUE(store->Put("a", "1").ok());
  ASSERT_TRUE(store->Put("b", "2").ok());
  ASSERT_EQ(store->Commit().ValueOrDie(), 1);

  store = provider->GetStore(1).ValueOrDie();
  Values values;
  ASSERT_TRUE(store->MultiGet({"a", "b"}, &values).ok());
  EXPECT_EQ(values, (Values{"1", "2"}));
  StateWriteBatch batch;
  batch.Put("a", "10", false);
  batch.Remove("b");
  ASSERT_TRUE(store->Write(batch).ok());
  ASSERT_TRUE(store->MultiGet({"a", "b"}, &values).ok());
  EXPECT_EQ(values, (Values{"10", std::nullopt}));
  EXPECT_EQ(store->Get("a").ValueOrDie(), "10");
  store->Abort();

  store = provider->GetStore(1).ValueOrDie();
  EXPECT_EQ(store->Get("a").ValueOrDie(), "1");
  ASSERT_TRUE(store->MultiGet({"a", "b"}, &values).ok());
  EXPECT_EQ(values, (Values{"1", "2"}));
  ASSERT_TRUE(store->Put("a", "11").ok());
  ASSERT_EQ(store->Commit().ValueOrDie(), 2);

  store = provider->GetStore(1).ValueOrDie();  // an older version, as a re-run after a failure loads
  ASSERT_TRUE(store->MultiGet({"a", "b"}, &values).ok());
  EXPECT_EQ(values, (Values{"1", "2"}));
  store = provider->GetStore(2).ValueOrDie();
  ASSERT_TRUE(store->MultiGet({"a", "b"}, &values).ok());
  EXPECT_EQ(values, (Values{"11", "2"}));
}

TEST_P(StateStoreTest, EvictionReadsTheIndexUpToTheWatermarkOnly) {
  auto provider = Provider(Conf());
  StateStore* store = provider->GetStore(0).ValueOrDie();
  StateWriteBatch batch;
  const std::vector<std::pair<int64_t, std::string>> rows = {{30, "k30"}, {-5, "k-5"}, {10, "k10"}, {20, "k20"}};
  for (const auto& [time, key] : rows) {
    batch.Put(key, "v" + key, true);
    PutIndexKey(time, key, &batch);
  }
  batch.Put("unindexed", "u", true);  // never evicted (a row without an event time)
  ASSERT_TRUE(store->Write(batch).ok());
  ASSERT_EQ(store->Commit().ValueOrDie(), 1);

  store = provider->GetStore(1).ValueOrDie();
  EvictedRows evicted;
  ASSERT_TRUE(EvictUpTo(*store, 20, &evicted).ok());
  EXPECT_EQ(evicted.keys, (std::vector<std::string>{"k-5", "k10", "k20"}));  // in event-time order
  EXPECT_EQ(evicted.values, (std::vector<std::string>{"vk-5", "vk10", "vk20"}));
  EXPECT_EQ(store->metrics().num_rows_total, 2);
  EXPECT_EQ(store->metrics().num_rows_removed, 3);
  evicted = {};
  ASSERT_TRUE(EvictUpTo(*store, 29, &evicted).ok());
  EXPECT_TRUE(evicted.keys.empty());
  ASSERT_EQ(store->Commit().ValueOrDie(), 2);
  EXPECT_EQ((VersionPairs(provider.get(), 2)), (Pairs{{"k30", "vk30"}, {"unindexed", "u"}}));

  store = provider->GetStore(2).ValueOrDie();
  ASSERT_TRUE(EvictUpTo(*store, std::numeric_limits<int64_t>::max(), &evicted).ok());
  EXPECT_EQ(evicted.keys, (std::vector<std::string>{"k30"}));
  EXPECT_EQ((ScanPairs(store, "", "")), (Pairs{{"unindexed", "u"}}));
}

TEST_P(StateStoreTest, MissingVersionIsCannotLoadStateStore) {
  {
    auto provider = Provider(Conf());
    CommitVersions(provider.get(), 0, 2);
  }
  auto fresh = Provider(Conf());
  auto missing = fresh->GetStore(7);
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(ErrorClass(missing.status()).starts_with("CANNOT_LOAD_STATE_STORE.")) << missing.status().ToString();
  EXPECT_NE(missing.status().message().find("An error occurred during loading state."), std::string::npos);
  EXPECT_NE(missing.status().message().find("SQLSTATE: 58030"), std::string::npos);
  auto negative = fresh->GetStore(-1);
  EXPECT_EQ(ErrorClass(negative.status()), "CANNOT_LOAD_STATE_STORE.UNEXPECTED_VERSION");
  EXPECT_NE(negative.status().message().find("Version cannot be -1 because it is less than 0."), std::string::npos);
}

TEST_P(StateStoreTest, MetricsCountRowsAndMemory) {
  auto provider = Provider(Conf());
  StateStore* store = provider->GetStore(0).ValueOrDie();
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(store->Put("key-" + std::to_string(i), std::string(100, 'x')).ok());
  }
  ASSERT_TRUE(store->Commit().ok());
  store = provider->GetStore(1).ValueOrDie();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(store->Remove("key-" + std::to_string(i)).ok());
  ASSERT_TRUE(store->Put("key-500", "y").ok());
  StateStoreMetrics m = store->metrics();
  EXPECT_EQ(m.num_rows_total, 990);
  EXPECT_EQ(m.num_rows_updated, 1);
  EXPECT_EQ(m.num_rows_removed, 10);
  EXPECT_GT(m.memory_used_bytes, 0);
  if (GetParam() == kHdfs) {
    // 990 values of 100 bytes at least, and not wildly more than the pairs.
    EXPECT_GE(m.memory_used_bytes, 990 * 100);
    EXPECT_LE(m.memory_used_bytes, 990 * 400);
    EXPECT_GE(Custom(m, "stateOnCurrentVersionSizeBytes"), 989 * 100);
    EXPECT_EQ(Custom(m, "loadedMapCacheHitCount"), 1);   // GetStore(1) after committing 1
    EXPECT_EQ(Custom(m, "loadedMapCacheMissCount"), 1);  // GetStore(0)
  } else {
    ASSERT_TRUE(store->Commit().ok());
    m = store->metrics();
    EXPECT_GT(Custom(m, "rocksdbSstFileSize"), 0);
    EXPECT_GE(Custom(m, "rocksdbCommitFlushLatency"), 0);
    EXPECT_GE(Custom(m, "rocksdbCommitCheckpointLatency"), 0);
    EXPECT_EQ(Custom(m, "rocksdbPutCount"), 1);
  }
}

TEST_P(StateStoreTest, ReadVersionDoesNotDisturbTheOpenStore) {
  auto provider = Provider(Conf());
  CommitVersions(provider.get(), 0, 3);
  StateStore* store = provider->GetStore(3).ValueOrDie();
  ASSERT_TRUE(store->Put("pending", "x").ok());
  EXPECT_EQ(VersionPairs(provider.get(), 1).size(), 2u);  // counter, k1
  EXPECT_EQ(VersionPairs(provider.get(), 3).size(), 4u);  // without "pending"
  EXPECT_EQ(store->Get("pending").ValueOrDie(), "x");
  EXPECT_EQ(store->Commit().ValueOrDie(), 4);
}

INSTANTIATE_TEST_SUITE_P(Providers, StateStoreTest, ::testing::Values(kHdfs, kRocksDb),
                         [](const auto& info) { return info.param == kHdfs ? "HDFS" : "RocksDB"; });

// ------------------------------------------------------- provider file layouts

TEST(HdfsStateStore, WritesDeltasSnapshotsAndDeletesOldFiles) {
  fs::path dir = FreshDir("HdfsStateStore") / "state" / "0" / "0";
  StateStoreConf conf;
  conf.min_deltas_for_snapshot = 3;
  conf.min_batches_to_retain = 4;
  conf.fsync = false;
  auto provider = StateStoreProvider::Create(dir.string(), conf).ValueOrDie();
  for (int64_t v = 0; v < 7; ++v) {
    StateStore* store = provider->GetStore(v).ValueOrDie();
    ASSERT_TRUE(store->Put("counter", std::to_string(v + 1)).ok());
    ASSERT_TRUE(store->Put("k" + std::to_string(v + 1), "x").ok());
    ASSERT_TRUE(store->Commit().ok());
    ASSERT_TRUE(provider->DoMaintenance().ok());
  }
  // Snapshots at 3 and 6; versions 4..7 must stay loadable, which needs the
  // snapshot at 3 and the deltas after it: 1.delta and 2.delta are gone.
  EXPECT_EQ(FileNames(dir), (std::vector<std::string>{"3.delta", "3.snapshot", "4.delta", "5.delta", "6.delta",
                                                      "6.snapshot", "7.delta"}));
  // Each file has its checksum, and the checksums of deleted files are gone too.
  for (const auto& name : FileNames(dir)) EXPECT_TRUE(fs::exists(dir / ("." + name + ".checksum"))) << name;
  EXPECT_FALSE(fs::exists(dir / ".1.delta.checksum"));
  for (int64_t v : {4, 5, 7}) {
    auto fresh = StateStoreProvider::Create(dir.string(), conf).ValueOrDie();
    StateStore* store = fresh->GetStore(v).ValueOrDie();
    EXPECT_EQ(store->Get("counter").ValueOrDie(), std::to_string(v));
    EXPECT_EQ(store->metrics().num_rows_total, v + 1);
  }
  // Version 2 was cleaned up: its delta is what Spark names in the error.
  auto fresh = StateStoreProvider::Create(dir.string(), conf).ValueOrDie();
  auto gone = fresh->GetStore(2);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(ErrorClass(gone.status()), "CANNOT_LOAD_STATE_STORE.CANNOT_READ_DELTA_FILE_NOT_EXISTS");
  std::string delta = (dir / "1.delta").string();
  EXPECT_NE(gone.status().message().find("Error reading delta file " + delta + " of HDFSStateStoreProvider[dir = " +
                                         dir.string() + "]: " + delta + " does not exist."),
            std::string::npos)
      << gone.status().ToString();
}

TEST(HdfsStateStore, RecoversFromSnapshotPlusDeltasAndRejectsCorruptFiles) {
  fs::path dir = FreshDir("HdfsStateStore") / "state" / "0" / "0";
  StateStoreConf conf;
  conf.min_deltas_for_snapshot = 2;
  conf.fsync = false;
  auto provider = StateStoreProvider::Create(dir.string(), conf).ValueOrDie();
  for (int64_t v = 0; v < 3; ++v) {
    StateStore* store = provider->GetStore(v).ValueOrDie();
    ASSERT_TRUE(store->Put("k" + std::to_string(v), "x").ok());
    if (v == 2) {
      ASSERT_TRUE(store->Remove("k0").ok());
    }
    ASSERT_TRUE(store->Commit().ok());
    ASSERT_TRUE(provider->DoMaintenance().ok());
  }
  ASSERT_TRUE(fs::exists(dir / "2.snapshot"));
  // Version 3 loads from 2.snapshot + 3.delta even without 1.delta and 2.delta.
  fs::remove(dir / "1.delta");
  fs::remove(dir / "2.delta");
  auto fresh = StateStoreProvider::Create(dir.string(), conf).ValueOrDie();
  EXPECT_EQ((VersionPairs(fresh.get(), 3)), (Pairs{{"k1", "x"}, {"k2", "x"}}));
  // A truncated delta file is an error, not a crash: its checksum tells first,
  // and without the checksum the reader does.
  std::string bytes = testing::ReadFile(dir / "3.delta");
  testing::WriteFile(dir / "3.delta", bytes.substr(0, bytes.size() - 6));
  auto again = StateStoreProvider::Create(dir.string(), conf).ValueOrDie();
  auto corrupt = again->GetStore(3);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(ErrorClass(corrupt.status()), "CHECKPOINT_FILE_CHECKSUM_VERIFICATION_FAILED") << corrupt.status().ToString();
  EXPECT_NE(corrupt.status().message().find("3.delta"), std::string::npos);
  fs::remove(dir / ".3.delta.checksum");
  auto unchecked = StateStoreProvider::Create(dir.string(), conf).ValueOrDie()->GetStore(3);
  ASSERT_FALSE(unchecked.ok());
  EXPECT_TRUE(ErrorClass(unchecked.status()).starts_with("CANNOT_LOAD_STATE_STORE.")) << unchecked.status().ToString();
}

TEST(RocksDbStateStore, CheckpointPerVersionAndOldOnesDeleted) {
  fs::path dir = FreshDir("RocksDbStateStore") / "state" / "0" / "0";
  StateStoreConf conf;
  conf.provider_class = kRocksDb;
  conf.min_batches_to_retain = 3;
  conf.fsync = false;
  {
    auto provider = StateStoreProvider::Create(dir.string(), conf).ValueOrDie();
    for (int64_t v = 0; v < 6; ++v) {
      StateStore* store = provider->GetStore(v).ValueOrDie();
      ASSERT_TRUE(store->Put("counter", std::to_string(v + 1)).ok());
      ASSERT_TRUE(store->Put("k" + std::to_string(v + 1), "x").ok());
      ASSERT_TRUE(store->Commit().ok());
      ASSERT_TRUE(provider->DoMaintenance().ok());
    }
    EXPECT_EQ(FileNames(dir).back().rfind("working-", 0), 0u) << FileNames(dir).back();
  }
  // The working copy goes with the provider; versions 4..6 stay.
  EXPECT_EQ(FileNames(dir), (std::vector<std::string>{"SSTs", "checkpoint-4", "checkpoint-5", "checkpoint-6"}));
  EXPECT_TRUE(fs::exists(dir / "checkpoint-6" / "spate-state.json"));
  auto provider = StateStoreProvider::Create(dir.string(), conf).ValueOrDie();
  StateStore* store = provider->GetStore(5).ValueOrDie();
  EXPECT_EQ(store->Get("counter").ValueOrDie(), "5");
  EXPECT_EQ(store->metrics().num_rows_total, 6);  // exact, from the checkpoint's key count
  auto gone = provider->GetStore(3);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(ErrorClass(gone.status()), "CANNOT_LOAD_STATE_STORE.CANNOT_READ_STREAMING_STATE_FILE");
  EXPECT_NE(gone.status().message().find((dir / "checkpoint-3").string() + " does not exist."), std::string::npos)
      << gone.status().ToString();
}

TEST(RocksDbStateStore, TwoProvidersOfOneFolderKeepTheirOwnWorkingCopies) {
  fs::path dir = FreshDir("RocksDbStateStore") / "state" / "0" / "0";
  StateStoreConf conf;
  conf.provider_class = kRocksDb;
  conf.fsync = false;
  auto old_run = StateStoreProvider::Create(dir.string(), conf).ValueOrDie();
  for (int64_t v = 0; v < 2; ++v) {
    StateStore* store = old_run->GetStore(v).ValueOrDie();
    ASSERT_TRUE(store->Put("counter", std::to_string(v + 1)).ok());
    ASSERT_TRUE(store->Commit().ok());
  }
  StateStore* pending = old_run->GetStore(2).ValueOrDie();
  ASSERT_TRUE(pending->Put("counter", "old").ok());
  // A new run in the same process loads version 2 while the old one is open.
  auto new_run = StateStoreProvider::Create(dir.string(), conf).ValueOrDie();
  StateStore* store = new_run->GetStore(2).ValueOrDie();
  EXPECT_EQ(store->Get("counter").ValueOrDie(), "2");
  EXPECT_EQ(pending->Get("counter").ValueOrDie(), "old");
  pending->Abort();
  old_run.reset();
  ASSERT_TRUE(store->Put("counter", "3").ok());
  EXPECT_EQ(store->Commit().ValueOrDie(), 3);
  EXPECT_EQ((VersionPairs(new_run.get(), 3)), (Pairs{{"counter", "3"}}));
}

StateStoreConf RocksDbConf(int64_t retain = 100) {
  StateStoreConf conf;
  conf.provider_class = kRocksDb;
  conf.min_batches_to_retain = retain;
  conf.fsync = false;
  return conf;
}

// Commits version v + 1 on `provider`: "counter" = v + 1 and a new key "k<v + 1>".
void CommitNext(StateStoreProvider* provider, int64_t v) {
  StateStore* store = provider->GetStore(v).ValueOrDie();
  ASSERT_TRUE(store->Put("counter", std::to_string(v + 1)).ok());
  ASSERT_TRUE(store->Put("k" + std::to_string(v + 1), "x").ok());
  ASSERT_EQ(store->Commit().ValueOrDie(), v + 1);
  ASSERT_TRUE(provider->DoMaintenance().ok());
}

// The shared SSTs a version's metadata lists.
std::set<std::string> ListedSsts(const fs::path& dir, int64_t version) {
  auto text = ReadFileToString((dir / ("checkpoint-" + std::to_string(version)) / "spate-state.json").string());
  rapidjson::Document doc;
  doc.Parse(text.ValueOrDie().c_str());
  std::set<std::string> names;
  for (const auto& name : doc["sstFiles"].GetArray()) names.insert(name.GetString());
  return names;
}

std::set<std::string> SstsIn(const fs::path& folder) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(folder)) {
    if (e.path().extension() == ".sst") names.insert(e.path().filename().string());
  }
  return names;
}

ino_t Inode(const fs::path& path) {
  struct stat st;
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_ino;
}

TEST(RocksDbStateStore, VersionsListUnchangedSstFilesInsteadOfStoringThemAgain) {
  fs::path dir = FreshDir("RocksDbStateStore") / "state" / "0" / "0";
  auto provider = StateStoreProvider::Create(dir.string(), RocksDbConf()).ValueOrDie();
  CommitNext(provider.get(), 0);
  std::set<std::string> first = SstsIn(dir / "SSTs");
  ASSERT_EQ(first.size(), 1u);
  ino_t first_inode = Inode(dir / "SSTs" / *first.begin());
  EXPECT_EQ(ListedSsts(dir, 1), first);

  StateStore* store = provider->GetStore(1).ValueOrDie();
  ASSERT_TRUE(store->Put("k2", "x").ok());
  ASSERT_EQ(store->Commit().ValueOrDie(), 2);
  // Version 2 lists version 1's SST and its own new one; the first is the same file, not a copy.
  EXPECT_EQ(Custom(store->metrics(), "rocksdbFilesReused"), 1);
  EXPECT_EQ(Custom(store->metrics(), "rocksdbFilesCopied"), 1);
  std::set<std::string> second = SstsIn(dir / "SSTs");
  EXPECT_EQ(second.size(), 2u);
  EXPECT_EQ(ListedSsts(dir, 2), second);
  EXPECT_EQ(Inode(dir / "SSTs" / *first.begin()), first_inode);
  EXPECT_TRUE(SstsIn(dir / "checkpoint-1").empty());
  EXPECT_TRUE(SstsIn(dir / "checkpoint-2").empty());

  auto fresh = StateStoreProvider::Create(dir.string(), RocksDbConf()).ValueOrDie();
  EXPECT_EQ((VersionPairs(fresh.get(), 1)), (Pairs{{"counter", "1"}, {"k1", "x"}}));
  EXPECT_EQ(fresh->GetStore(2).ValueOrDie()->Get("k2").ValueOrDie(), "x");
}

TEST(RocksDbStateStore, MaintenanceDeletesTheSstsNoRetainedVersionLists) {
  fs::path dir = FreshDir("RocksDbStateStore") / "state" / "0" / "0";
  auto provider = StateStoreProvider::Create(dir.string(), RocksDbConf(/*retain=*/2)).ValueOrDie();
  CommitNext(provider.get(), 0);
  // An SST moved into SSTs/ by a commit killed before its version was renamed into place.
  { std::ofstream(dir / "SSTs" / "000999-00000000000000aa.sst") << "orphan"; }
  auto retained_listings = [&](int64_t newest) {
    std::set<std::string> listed = ListedSsts(dir, newest);
    std::set<std::string> previous = ListedSsts(dir, newest - 1);
    listed.insert(previous.begin(), previous.end());
    return listed;
  };
  for (int64_t v = 1; v < 6; ++v) {
    CommitNext(provider.get(), v);
    if (v >= 2) {
      EXPECT_EQ(SstsIn(dir / "SSTs"), retained_listings(v + 1)) << "after version " << v + 1;
    }
  }
  // Version 6 written again from version 5 (a batch run again): the SSTs the
  // first version 6 stored are listed by no version once version 5 goes.
  std::set<std::string> replaced;
  std::set<std::string> five = ListedSsts(dir, 5);
  for (const auto& name : ListedSsts(dir, 6)) {
    if (!five.count(name)) replaced.insert(name);
  }
  ASSERT_FALSE(replaced.empty());
  StateStore* store = provider->GetStore(5).ValueOrDie();
  ASSERT_TRUE(store->Put("counter", "again").ok());
  ASSERT_EQ(store->Commit().ValueOrDie(), 6);
  ASSERT_TRUE(provider->DoMaintenance().ok());
  CommitNext(provider.get(), 6);
  EXPECT_EQ(SstsIn(dir / "SSTs"), retained_listings(7));
  for (const auto& name : replaced) {
    EXPECT_FALSE(fs::exists(dir / "SSTs" / name)) << name;
  }
  auto fresh = StateStoreProvider::Create(dir.string(), RocksDbConf(2)).ValueOrDie();
  EXPECT_EQ((VersionPairs(fresh.get(), 6)),
            (Pairs{{"counter", "again"}, {"k1", "x"}, {"k2", "x"}, {"k3", "x"}, {"k4", "x"}, {"k5", "x"}}));
  EXPECT_EQ(fresh->GetStore(7).ValueOrDie()->Get("counter").ValueOrDie(), "7");
}

TEST(RocksDbStateStore, LoadsAndReadsVersionsWrittenBeforeSstsWereShared) {
  fs::path dir = FreshDir("RocksDbStateStore") / "state" / "0" / "0";
  {
    auto provider = StateStoreProvider::Create(dir.string(), RocksDbConf()).ValueOrDie();
    for (int64_t v = 0; v < 3; ++v) CommitNext(provider.get(), v);
  }
  // The layout before: each version's SST files and CURRENT in its own folder, metadata without a list.
  for (int64_t v = 2; v <= 3; ++v) {
    fs::path checkpoint = dir / ("checkpoint-" + std::to_string(v));
    for (const auto& shared : ListedSsts(dir, v)) {
      fs::copy_file(dir / "SSTs" / shared, checkpoint / (shared.substr(0, shared.find('-')) + ".sst"));
    }
    for (const auto& name : FileNames(checkpoint)) {
      if (name.starts_with("MANIFEST-")) std::ofstream(checkpoint / "CURRENT") << name << "\n";
    }
    ASSERT_TRUE(fs::exists(checkpoint / "CURRENT"));
    ASSERT_TRUE(WriteFileAtomically((checkpoint / "spate-state.json").string(),
                                    R"({"version":)" + std::to_string(v) + R"(,"numKeys":)" + std::to_string(v + 1) +
                                        "}",
                                    false)
                    .ok());
  }
  fs::remove_all(dir / "SSTs");
  fs::remove_all(dir / "checkpoint-1");

  auto provider = StateStoreProvider::Create(dir.string(), RocksDbConf(/*retain=*/1)).ValueOrDie();
  EXPECT_EQ((VersionPairs(provider.get(), 2)), (Pairs{{"counter", "2"}, {"k1", "x"}, {"k2", "x"}}));
  StateStore* store = provider->GetStore(3).ValueOrDie();
  EXPECT_EQ(store->metrics().num_rows_total, 4);
  ASSERT_TRUE(store->Put("k4", "x").ok());
  ASSERT_EQ(store->Commit().ValueOrDie(), 4);
  ASSERT_TRUE(provider->DoMaintenance().ok());
  // Version 4 is written in the shared layout; the old versions went with maintenance.
  EXPECT_EQ(FileNames(dir).front(), "SSTs");
  EXPECT_FALSE(fs::exists(dir / "checkpoint-3"));
  EXPECT_EQ(SstsIn(dir / "SSTs"), ListedSsts(dir, 4));
  auto fresh = StateStoreProvider::Create(dir.string(), RocksDbConf(1)).ValueOrDie();
  EXPECT_EQ((VersionPairs(fresh.get(), 4)),
            (Pairs{{"counter", "3"}, {"k1", "x"}, {"k2", "x"}, {"k3", "x"}, {"k4", "x"}}));
}

TEST(RocksDbStateStore, AMissingSharedSstIsCannotLoadStateStoreNamingIt) {
  fs::path dir = FreshDir("RocksDbStateStore") / "state" / "0" / "0";
  {
    auto provider = StateStoreProvider::Create(dir.string(), RocksDbConf()).ValueOrDie();
    CommitNext(provider.get(), 0);
  }
  std::string lost = *ListedSsts(dir, 1).begin();
  fs::remove(dir / "SSTs" / lost);
  auto provider = StateStoreProvider::Create(dir.string(), RocksDbConf()).ValueOrDie();
  auto store = provider->GetStore(1);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(ErrorClass(store.status()), "CANNOT_LOAD_STATE_STORE.CANNOT_READ_STREAMING_STATE_FILE");
  EXPECT_NE(store.status().message().find((dir / "SSTs" / lost).string() + " does not exist."), std::string::npos)
      << store.status().ToString();
}

// ------------------------------------------------------------------ the conf

TEST(StateStoreConf, ReadsSparkKeysAndDefaults) {
  RuntimeConfig conf;
  StateStoreConf defaults = StateStoreConf::FromConf(conf).ValueOrDie();
  EXPECT_EQ(defaults.provider_class, kHdfs);
  EXPECT_EQ(defaults.min_deltas_for_snapshot, 10);
  EXPECT_EQ(defaults.min_batches_to_retain, 100);
  EXPECT_TRUE(defaults.fsync);

  conf.Set("spark.sql.streaming.stateStore.providerClass", kRocksDb);
  conf.Set("spark.sql.streaming.stateStore.minDeltasForSnapshot", "5");
  conf.Set("spark.sql.streaming.minBatchesToRetain", "7");
  conf.Set("spate.streaming.checkpoint.fsync", "false");
  StateStoreConf set = StateStoreConf::FromConf(conf).ValueOrDie();
  EXPECT_EQ(set.provider_class, kRocksDb);
  EXPECT_EQ(set.min_deltas_for_snapshot, 5);
  EXPECT_EQ(set.min_batches_to_retain, 7);
  EXPECT_FALSE(set.fsync);

  // Spark loads the class by its full name only.
  conf.Set("spark.sql.streaming.stateStore.providerClass", "RocksDBStateStoreProvider");
  EXPECT_FALSE(StateStoreConf::FromConf(conf).ok());
}

TEST(StateStoreConf, BadValuesNameTheKeyAndWhatIsAllowed) {
  RuntimeConfig conf;
  conf.Set("spark.sql.streaming.stateStore.providerClass", "com.example.MyProvider");
  auto unknown = StateStoreConf::FromConf(conf);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(),
            std::string("Unknown state store provider class 'com.example.MyProvider' "
                        "(spark.sql.streaming.stateStore.providerClass); supported: ") +
                kHdfs + " (the default) and " + kRocksDb);
  RuntimeConfig bad_number;
  bad_number.Set("spark.sql.streaming.minBatchesToRetain", "0");
  EXPECT_EQ(StateStoreConf::FromConf(bad_number).status().message(),
            "spark.sql.streaming.minBatchesToRetain must be a positive integer, got '0'");
}

}  // namespace
}  // namespace spate
