// The continuous trigger and real-time mode from C++: a rate -> memory query that
// processes records as they arrive and checkpoints epochs, and the refusals with
// Spark's messages (the Python tests compare them with PySpark 4.1).

#include <chrono>
#include <filesystem>
#include <thread>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "spate/api/data_stream_reader.h"
#include "spate/api/data_stream_writer.h"
#include "spate/api/functions.h"
#include "spate/api/session.h"
#include "spate/common/error.h"
#include "spate/plan/group_state.h"
#include "spate/types/ddl_parser.h"
#include "spate/streaming/trigger.h"

namespace spate {
namespace {

namespace F = functions;
namespace fs = std::filesystem;

std::string TestDir(const std::string& name) {
  const char* env = std::getenv("SPATE_TEST_TMPDIR");
  auto dir = fs::path(env ? env : fs::temp_directory_path().string()) / "continuous_trigger_test" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

class ContinuousTriggerTest : public ::testing::Test {
 protected:
  void SetUp() override { session_ = Session::Make(); }
  DataFrame Rate() { return session_->ReadStream().format("rate").option("rowsPerSecond", "200").load(); }

  std::shared_ptr<Session> session_;
};

TEST_F(ContinuousTriggerTest, RateToMemoryCommitsEpochs) {
  std::string checkpoint = TestDir("rate");
  auto query = Rate()
                   .select({(F::col("value") * lit(int64_t{2})).alias("v")})
                   .writeStream()
                   .format("memory")
                   .queryName("doubled")
                   .option("checkpointLocation", checkpoint)
                   .trigger(*Trigger::Continuous(std::string("200 milliseconds")))
                   .start();
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  int64_t rows = 0;
  for (int i = 0; i < 300 && rows == 0; ++i) {  // bounded wait for the first epoch's rows
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto table = session_->Sql("SELECT * FROM doubled").toArrow();
    ASSERT_TRUE(table.ok()) << table.status().ToString();
    rows = (*table)->num_rows();
  }
  EXPECT_GT(rows, 0);
  EXPECT_FALSE((*query)->lastProgress().has_value());  // as Spark: no progress for continuous queries
  EXPECT_TRUE((*query)->recentProgress().empty());
  ASSERT_TRUE((*query)->stop().ok());
  EXPECT_FALSE((*query)->exception().has_value());
  EXPECT_TRUE(fs::exists(checkpoint + "/commits/0"));
  EXPECT_TRUE(fs::exists(checkpoint + "/offsets/0"));
}

TEST_F(ContinuousTriggerTest, SparksRefusals) {
  auto continuous = *Trigger::Continuous(std::string("1 second"));
  auto agg = Rate().groupBy({F::col("value")}).count().writeStream().format("console").outputMode("complete")
                 .trigger(continuous).start();
  ASSERT_FALSE(agg.ok());
  EXPECT_EQ(PrintedMessage(agg.status()), "Continuous processing does not support Aggregate operations.");
  auto now = Rate().select({F::current_timestamp()}).writeStream().format("console").trigger(continuous).start();
  ASSERT_FALSE(now.ok());
  EXPECT_EQ(PrintedMessage(now.status()), "Continuous processing does not support current time operations.");
  auto batches = Rate().writeStream()
                     .foreachBatch([](const DataFrame&, int64_t) { return arrow::Status::OK(); })
                     .trigger(continuous)
                     .start();
  ASSERT_FALSE(batches.ok());
  EXPECT_EQ(PrintedMessage(batches.status()), "'foreachBatch' is not supported with continuous trigger.");
}

TEST_F(ContinuousTriggerTest, RealTimeModeChecks) {
  auto real_time = *Trigger::RealTime(std::string("5 seconds"));
  EXPECT_EQ(real_time.ToString(), "RealTimeTrigger(5000)");
  auto append = Rate().writeStream().format("console").trigger(real_time).start();
  ASSERT_FALSE(append.ok());
  EXPECT_EQ(ErrorClassOf(append.status()), "STREAMING_REAL_TIME_MODE.OUTPUT_MODE_NOT_SUPPORTED");
  auto rate = Rate().writeStream().format("console").outputMode("update").trigger(real_time).start();
  ASSERT_FALSE(rate.ok());
  EXPECT_EQ(ErrorClassOf(rate.status()), "STREAMING_REAL_TIME_MODE.INPUT_STREAM_NOT_SUPPORTED");
  auto kafka = session_->ReadStream().format("kafka").option("kafka.bootstrap.servers", "127.0.0.1:1")
                   .option("subscribe", "t").load();
  auto noop = kafka.writeStream().format("noop").outputMode("update").trigger(real_time).start();
  ASSERT_FALSE(noop.ok());
  EXPECT_EQ(ErrorClassOf(noop.status()), "STREAMING_REAL_TIME_MODE.SINK_NOT_SUPPORTED");
  // Aggregations and deduplication run (Spark 4.3); arbitrary stateful operators do not.
  StructTypePtr output = *ParseDdlSchema("key BINARY, n BIGINT"), state = *ParseDdlSchema("n BIGINT");
  GroupsWithStateFunction none = [](const arrow::RecordBatch&, const arrow::RecordBatch&, GroupState&)
      -> arrow::Result<std::shared_ptr<arrow::RecordBatch>> { return arrow::Status::NotImplemented("unused"); };
  auto mapped = kafka.groupBy({F::col("key")})
                    .MapGroupsWithState(none, *output, *state, "NoTimeout")
                    .writeStream().format("console").outputMode("update").trigger(real_time).start();
  ASSERT_FALSE(mapped.ok());
  EXPECT_EQ(ErrorClassOf(mapped.status()), "STREAMING_REAL_TIME_MODE.OPERATOR_OR_SINK_NOT_IN_ALLOWLIST");
  EXPECT_NE(PrintedMessage(mapped.status()).find("The operator(s): TransformWithState not in the operator allowlist"),
            std::string::npos);
  auto short_interval = kafka.writeStream().format("console").outputMode("update")
                            .trigger(*Trigger::RealTime(std::string("1 second"))).start();
  ASSERT_FALSE(short_interval.ok());
  EXPECT_EQ(ErrorClassOf(short_interval.status()), "INVALID_STREAMING_REAL_TIME_MODE_TRIGGER_INTERVAL");
}

}  // namespace
}  // namespace spate
