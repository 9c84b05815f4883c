#include "spate/connectors/statestore/state_reader.h"

#include <filesystem>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "../../api/test_util.h"
#include "spate/api/reader.h"
#include "spate/api/session.h"
#include "spate/state/row_codec.h"
#include "spate/state/state_schema.h"
#include "spate/state/state_store.h"
#include "spate/streaming/metadata_log.h"
#include "spate/types/arrow_types.h"

namespace spate {
namespace {

namespace fs = std::filesystem;
using testing::ErrorClass;
using testing::FreshDir;
using testing::SortedRows;

constexpr const char* kHdfs = "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider";
constexpr const char* kRocksDb = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider";

// A checkpoint as a query with one aggregation (count by word) over two
// partitions leaves it after batches 0 and 1.
class StateReaderTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    checkpoint_ = FreshDir("StateReader");
    key_ = types::Struct({{"word", types::String(), true}});
    value_ = types::Struct({{"count", types::Long(), true}});
    ASSERT_TRUE(WriteOrCheckStateSchema(checkpoint_.string(), 0, *key_, *value_, 2).ok());
    // batch 0: partition 0 sees "a" twice, partition 1 sees "b"
    // batch 1: partition 0 sees "a" again and "c"; partition 1 nothing
    Commit(0, 0, {{"a", 2}});
    Commit(1, 0, {{"b", 1}});
    Commit(0, 1, {{"a", 3}, {"c", 1}});
    Commit(1, 1, {});
    MetadataLog commits((checkpoint_ / "commits").string(), false);
    ASSERT_TRUE(commits.Add(0, "v1\n{\"nextBatchWatermarkMs\":0}").ok());
    ASSERT_TRUE(commits.Add(1, "v1\n{\"nextBatchWatermarkMs\":0}").ok());
  }

  void Commit(int partition, int64_t batch, const std::vector<std::pair<std::string, int64_t>>& counts) {
    StateStoreConf conf;
    conf.provider_class = GetParam();
    conf.fsync = false;
    auto provider = StateStoreProvider::Create(StateStoreDir(checkpoint_.string(), 0, partition), conf).ValueOrDie();
    StateStore* store = provider->GetStore(batch).ValueOrDie();
    auto key_encoder = RowEncoder::Make(ToArrowSchema(*key_).ValueOrDie()).ValueOrDie();
    auto value_encoder = RowEncoder::Make(ToArrowSchema(*value_).ValueOrDie()).ValueOrDie();
    for (const auto& [word, count] : counts) {
      arrow::StringBuilder words;
      arrow::Int64Builder values;
      ASSERT_TRUE(words.Append(word).ok());
      ASSERT_TRUE(values.Append(count).ok());
      auto k = arrow::RecordBatch::Make(ToArrowSchema(*key_).ValueOrDie(), 1, {words.Finish().ValueOrDie()});
      auto v = arrow::RecordBatch::Make(ToArrowSchema(*value_).ValueOrDie(), 1, {values.Finish().ValueOrDie()});
      std::string key_bytes, value_bytes;
      key_encoder->Encode(*k, 0, &key_bytes);
      value_encoder->Encode(*v, 0, &value_bytes);
      ASSERT_TRUE(store->Put(key_bytes, value_bytes).ok());
    }
    ASSERT_EQ(store->Commit().ValueOrDie(), batch + 1);
  }

  DataFrame Read(const std::map<std::string, std::string>& options) {
    return session_->read().format("statestore").options(options).load(checkpoint_.string());
  }

  std::shared_ptr<Session> session_ = Session::Make();
  fs::path checkpoint_;
  StructTypePtr key_, value_;
};

TEST_P(StateReaderTest, ReadsTheStateAfterTheLastCommittedBatch) {
  DataFrame df = Read({});
  ASSERT_TRUE(df.status().ok()) << df.status().ToString();
  EXPECT_EQ(df.schema()->SimpleString(), "struct<key:struct<word:string>,value:struct<count:bigint>,partition_id:int>");
  EXPECT_EQ(SortedRows(df), (std::vector<std::string>{
                                R"({"key":{"word":"a"},"value":{"count":3},"partition_id":0})",
                                R"({"key":{"word":"b"},"value":{"count":1},"partition_id":1})",
                                R"({"key":{"word":"c"},"value":{"count":1},"partition_id":0})",
                            }));
}

TEST_P(StateReaderTest, BatchIdOptionReadsAnEarlierBatch) {
  DataFrame df = Read({{"batchId", "0"}, {"operatorId", "0"}, {"storeName", "default"}});
  EXPECT_EQ(SortedRows(df), (std::vector<std::string>{
                                R"({"key":{"word":"a"},"value":{"count":2},"partition_id":0})",
                                R"({"key":{"word":"b"},"value":{"count":1},"partition_id":1})",
                            }));
}

TEST_P(StateReaderTest, BadOptionsGiveSparksErrors) {
  DataFrame negative = Read({{"batchId", "-1"}});
  EXPECT_EQ(ErrorClass(negative.status()), "STDS_INVALID_OPTION_VALUE.IS_NEGATIVE");
  EXPECT_NE(negative.status().message().find("Invalid value for source option 'batchId': cannot be negative."),
            std::string::npos);
  DataFrame text = Read({{"operatorId", "x"}});
  EXPECT_EQ(ErrorClass(text.status()), "STDS_INVALID_OPTION_VALUE.WITH_MESSAGE");
  DataFrame no_operator = Read({{"operatorId", "4"}});
  EXPECT_EQ(ErrorClass(no_operator.status()), "STDS_FAILED_TO_READ_STATE_SCHEMA");
  DataFrame no_version = Read({{"batchId", "9"}});
  EXPECT_TRUE(ErrorClass(no_version.status()).starts_with("CANNOT_LOAD_STATE_STORE.")) << no_version.status().ToString();
  fs::remove_all(checkpoint_ / "commits");
  DataFrame no_commit = Read({});
  EXPECT_EQ(ErrorClass(no_commit.status()), "STDS_COMMITTED_BATCH_UNAVAILABLE");
  EXPECT_NE(no_commit.status().message().find("No committed batch found, checkpoint location: " + checkpoint_.string()),
            std::string::npos);
}

TEST_P(StateReaderTest, JoinOptionsGiveSparksErrors) {
  DataFrame bad_side = Read({{"joinSide", "LEFT"}});
  EXPECT_EQ(ErrorClass(bad_side.status()), "STDS_INVALID_OPTION_VALUE.WITH_MESSAGE");
  EXPECT_NE(bad_side.status().message().find("Invalid value for source option 'joinSide': Valid values are "
                                             "left,right,none"),
            std::string::npos);
  DataFrame both = Read({{"joinSide", "left"}, {"storeName", "left-keyWithIndexToValue"}});
  EXPECT_EQ(ErrorClass(both.status()), "STDS_CONFLICT_OPTIONS");
  // An aggregation's checkpoint has no join stores.
  DataFrame not_a_join = Read({{"joinSide", "right"}});
  EXPECT_EQ(ErrorClass(not_a_join.status()), "STDS_FAILED_TO_READ_STATE_SCHEMA");
  DataFrame none_side = Read({{"joinSide", "none"}, {"storeName", "default"}});
  EXPECT_TRUE(none_side.status().ok()) << none_side.status().ToString();
  // Spate keeps no keyToNumValues stores: the error says where a key's rows are.
  DataFrame counts = Read({{"storeName", "left-keyToNumValues"}});
  EXPECT_EQ(ErrorClass(counts.status()), "STDS_INVALID_OPTION_VALUE.WITH_MESSAGE");
  EXPECT_NE(counts.status().message().find("left-keyWithIndexToValue"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Providers, StateReaderTest, ::testing::Values(kHdfs, kRocksDb),
                         [](const auto& info) { return info.param == kHdfs ? "HDFS" : "RocksDB"; });

}  // namespace
}  // namespace spate
