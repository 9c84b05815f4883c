#include "spate/streaming/stream_execution.h"

#include <filesystem>
#include <mutex>
#include <thread>

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "spate/api/data_stream_reader.h"
#include "spate/api/data_stream_writer.h"
#include "spate/api/functions.h"
#include "spate/api/session.h"
#include "spate/common/error.h"
#include "spate/connectors/memory/memory_stream.h"
#include "spate/common/atomic_file.h"
#include "spate/types/ddl_parser.h"

namespace spate {
namespace {

namespace F = functions;
namespace fs = std::filesystem;

std::string TestDir(const std::string& name) {
  const char* env = std::getenv("SPATE_TEST_TMPDIR");
  auto dir = fs::path(env ? env : fs::temp_directory_path().string()) / "stream_execution_test" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::shared_ptr<arrow::Table> Ints(const std::string& json) {
  auto array = arrow::json::ArrayFromJSONString(arrow::int32(), json).ValueOrDie();
  return arrow::Table::Make(arrow::schema({arrow::field("v", arrow::int32())}), {array});
}

std::vector<int32_t> Values(const arrow::Table& table) {
  std::vector<int32_t> out;
  for (const auto& chunk : table.column(0)->chunks()) {
    const auto& a = static_cast<const arrow::Int32Array&>(*chunk);
    for (int64_t i = 0; i < a.length(); ++i) out.push_back(a.Value(i));
  }
  return out;
}

// Collects what foreachBatch receives, batch by batch.
struct Collected {
  std::mutex mutex;
  std::vector<std::pair<int64_t, std::vector<int32_t>>> batches;
  ForeachBatchFunction Fn() {
    return [this](const DataFrame& df, int64_t id) -> arrow::Status {
      ARROW_ASSIGN_OR_RAISE(auto rows, df.toArrow());
      std::lock_guard<std::mutex> lock(mutex);
      batches.emplace_back(id, Values(*rows));
      return arrow::Status::OK();
    };
  }
};

class StreamExecutionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    session_ = Session::Make();
    stream_ = MemoryStream::Make(*ParseDdlSchema("v INT"));
  }
  std::shared_ptr<Session> session_;
  std::shared_ptr<MemoryStream> stream_;
};

TEST_F(StreamExecutionTest, MemoryStreamToMemorySinkAppendsEachBatch) {
  auto df = DataFrame(session_, stream_->plan()).select({(F::col("v") * lit(10)).alias("v10")});
  ASSERT_TRUE(df.isStreaming());
  auto query = df.writeStream().format("memory").queryName("out").start();
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  ASSERT_TRUE(stream_->AddData(Ints("[1, 2]")).ok());
  ASSERT_TRUE((*query)->processAllAvailable().ok());
  auto rows = session_->Sql("SELECT * FROM out ORDER BY v10").toArrow();
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(Values(**rows), (std::vector<int32_t>{10, 20}));
  ASSERT_TRUE(stream_->AddData(Ints("[3]")).ok());
  ASSERT_TRUE((*query)->processAllAvailable().ok());
  EXPECT_EQ(Values(*session_->Sql("SELECT * FROM out ORDER BY v10").toArrow().ValueOrDie()),
            (std::vector<int32_t>{10, 20, 30}));
  auto progress = (*query)->lastProgress();
  ASSERT_TRUE(progress.has_value());
  EXPECT_EQ(progress->batch_id, 1);
  EXPECT_EQ(progress->num_input_rows, 1);
  EXPECT_EQ(progress->sources[0].start_offset.value_or(""), "1");
  EXPECT_EQ(progress->sources[0].end_offset.value_or(""), "2");
  EXPECT_EQ(progress->sink.description, "MemorySink");
  EXPECT_NE(progress->PrettyJson().find("\"numInputRows\" : 1,"), std::string::npos) << progress->PrettyJson();
  EXPECT_TRUE((*query)->isActive());
  ASSERT_TRUE((*query)->stop().ok());
  EXPECT_FALSE((*query)->isActive());
  EXPECT_EQ((*query)->status().message, "Stopped");
}

// Spark refuses to resume the memory sink in append and update modes from a checkpoint
// with offsets (_LEGACY_ERROR_TEMP_1299); complete mode resumes.
TEST_F(StreamExecutionTest, MemorySinkResumesOnlyInCompleteMode) {
  auto start = [&](const std::string& mode, const std::string& checkpoint) {
    auto df = DataFrame(session_, stream_->plan());
    if (mode != "append") df = df.groupBy({F::col("v")}).count();
    return df.writeStream().format("memory").queryName("out").outputMode(mode)
        .option("checkpointLocation", checkpoint).start();
  };
  for (std::string mode : {"append", "update", "complete"}) {
    std::string checkpoint = TestDir("memory_" + mode) + "/";
    auto first = start(mode, checkpoint);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    ASSERT_TRUE(stream_->AddData(Ints("[1]")).ok());
    ASSERT_TRUE((*first)->processAllAvailable().ok());
    ASSERT_TRUE((*first)->stop().ok());
    auto second = start(mode, checkpoint);
    if (mode == "complete") {
      ASSERT_TRUE(second.ok()) << second.status().ToString();
      ASSERT_TRUE((*second)->stop().ok());
      continue;
    }
    ASSERT_FALSE(second.ok()) << mode;
    EXPECT_EQ(ErrorClassOf(second.status()), "_LEGACY_ERROR_TEMP_1299");
    EXPECT_EQ(PrintedMessage(second.status()),
              "This query does not support recovering from checkpoint location. Delete " +
                  checkpoint + "offsets to start over.");
  }
}

TEST_F(StreamExecutionTest, RestartContinuesFromTheNextOffset) {
  std::string checkpoint = TestDir("restart");
  Collected collected;
  auto run = [&] {
    return DataFrame(session_, stream_->plan()).writeStream().foreachBatch(collected.Fn())
        .option("checkpointLocation", checkpoint).start();
  };
  auto first = run();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(stream_->AddData(Ints("[1]")).ok());
  ASSERT_TRUE((*first)->processAllAvailable().ok());
  std::string id = (*first)->id();
  ASSERT_TRUE((*first)->stop().ok());
  ASSERT_TRUE(stream_->AddData(Ints("[2, 3]")).ok());
  auto second = run();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_TRUE((*second)->processAllAvailable().ok());
  EXPECT_EQ((*second)->id(), id);            // the checkpoint keeps the query id
  EXPECT_NE((*second)->run_id(), (*first)->run_id());
  ASSERT_TRUE((*second)->stop().ok());
  ASSERT_EQ(collected.batches.size(), 2u);
  EXPECT_EQ(collected.batches[0], (std::pair<int64_t, std::vector<int32_t>>{0, {1}}));
  EXPECT_EQ(collected.batches[1], (std::pair<int64_t, std::vector<int32_t>>{1, {2, 3}}));
}

TEST_F(StreamExecutionTest, UncommittedBatchRunsAgainWithTheSameOffsets) {
  std::string checkpoint = TestDir("replay");
  Collected collected;
  auto run = [&] {
    return DataFrame(session_, stream_->plan()).writeStream().foreachBatch(collected.Fn())
        .option("checkpointLocation", checkpoint).start();
  };
  auto first = run();
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(stream_->AddData(Ints("[1]")).ok());
  ASSERT_TRUE((*first)->processAllAvailable().ok());
  ASSERT_TRUE(stream_->AddData(Ints("[2]")).ok());
  ASSERT_TRUE((*first)->processAllAvailable().ok());
  ASSERT_TRUE((*first)->stop().ok());
  // A crash between the sink's write and the commit: commits/1 never written.
  fs::remove(fs::path(checkpoint) / "commits" / "1");
  ASSERT_TRUE(stream_->AddData(Ints("[3]")).ok());  // must not join the re-run batch
  auto second = run();
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE((*second)->processAllAvailable().ok());
  ASSERT_TRUE((*second)->stop().ok());
  ASSERT_EQ(collected.batches.size(), 4u);
  EXPECT_EQ(collected.batches[2], (std::pair<int64_t, std::vector<int32_t>>{1, {2}}));
  EXPECT_EQ(collected.batches[3], (std::pair<int64_t, std::vector<int32_t>>{2, {3}}));
}

TEST_F(StreamExecutionTest, CheckpointOfAnotherQueryIsRefused) {
  std::string checkpoint = TestDir("foreign");
  auto first = DataFrame(session_, stream_->plan()).writeStream().format("noop").option("checkpointLocation", checkpoint).start();
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(stream_->AddData(Ints("[1]")).ok());
  ASSERT_TRUE((*first)->processAllAvailable().ok());
  ASSERT_TRUE((*first)->stop().ok());
  auto other = MemoryStream::Make(*ParseDdlSchema("v INT"));
  auto two_sources = DataFrame(session_, stream_->plan()).union_(DataFrame(session_, other->plan()));
  auto second = two_sources.writeStream().format("noop").option("checkpointLocation", checkpoint).start();
  ASSERT_TRUE(second.ok());
  auto result = (*second)->awaitTermination();
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.message().find("belongs to a different query"), std::string::npos) << result.message();
}

TEST_F(StreamExecutionTest, TwoLiveRunsOfOneCheckpointAreRefused) {
  std::string checkpoint = TestDir("concurrent");
  auto df = DataFrame(session_, stream_->plan());
  auto first = df.writeStream().format("noop").option("checkpointLocation", checkpoint).start();
  ASSERT_TRUE(first.ok());
  auto second = df.writeStream().format("noop").option("checkpointLocation", checkpoint).start();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(ErrorClassOf(second.status()), "CONCURRENT_QUERY");
  ASSERT_TRUE((*first)->stop().ok());
  auto third = df.writeStream().format("noop").option("checkpointLocation", checkpoint).start();
  ASSERT_TRUE(third.ok()) << third.status().ToString();  // the lock is released on stop
  ASSERT_TRUE((*third)->stop().ok());
}

TEST_F(StreamExecutionTest, FailingBatchStopsTheQueryNamingTheBatch) {
  auto query = DataFrame(session_, stream_->plan()).writeStream()
                   .foreachBatch([](const DataFrame&, int64_t id) -> arrow::Status {
                     if (id == 1) return arrow::Status::Invalid("sink unavailable");
                     return arrow::Status::OK();
                   })
                   .start();
  ASSERT_TRUE(query.ok());
  ASSERT_TRUE(stream_->AddData(Ints("[1]")).ok());
  ASSERT_TRUE((*query)->processAllAvailable().ok());
  ASSERT_TRUE(stream_->AddData(Ints("[2]")).ok());
  auto status = (*query)->awaitTermination();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(ErrorClassOf(status), "STREAM_FAILED");
  EXPECT_NE(status.message().find("batch 1 failed: sink unavailable"), std::string::npos) << status.message();
  EXPECT_FALSE((*query)->isActive());
  ASSERT_TRUE((*query)->exception().has_value());
  // spark.streams saw it end.
  EXPECT_TRUE(session_->streams().active().empty());
  EXPECT_FALSE(session_->streams().awaitAnyTermination(0.1).ok());
}

TEST_F(StreamExecutionTest, AvailableNowAndOnceStopByThemselves) {
  Collected collected;
  ASSERT_TRUE(stream_->AddData(Ints("[1]")).ok());
  ASSERT_TRUE(stream_->AddData(Ints("[2]")).ok());
  auto query = DataFrame(session_, stream_->plan()).writeStream().foreachBatch(collected.Fn()).trigger(Trigger::AvailableNow()).start();
  ASSERT_TRUE(query.ok());
  ASSERT_TRUE((*query)->awaitTermination().ok());
  ASSERT_EQ(collected.batches.size(), 1u);
  EXPECT_EQ(collected.batches[0].second, (std::vector<int32_t>{1, 2}));

  auto rate = session_->ReadStream().format("rate-micro-batch").option("rowsPerBatch", "5").option("numPartitions", "2").load();
  Collected rate_rows;
  auto once = rate.select({F::col("value").cast("int")}).writeStream().foreachBatch(rate_rows.Fn()).trigger(Trigger::Once()).start();
  ASSERT_TRUE(once.ok()) << once.status().ToString();
  auto done = (*once)->awaitTermination(10);
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(*done);
  ASSERT_EQ(rate_rows.batches.size(), 1u);
  // Two partitions: even values first, then odd ones.
  EXPECT_EQ(rate_rows.batches[0].second, (std::vector<int32_t>{0, 2, 4, 1, 3}));
}

TEST_F(StreamExecutionTest, TotalsCountEveryBatchPastTheRecentProgress) {
  auto session = Session::Make({{"spark.ui.enabled", "false"}, {"spark.sql.streaming.numRecentProgressUpdates", "4"}});
  auto stream = MemoryStream::Make(*ParseDdlSchema("v INT"));
  auto query = DataFrame(session, stream->plan()).writeStream().format("noop").start();
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(stream->AddData(Ints("[1, 2, 3]")).ok());
    ASSERT_TRUE((*query)->processAllAvailable().ok());
  }
  ASSERT_TRUE((*query)->stop().ok());
  EXPECT_EQ((*query)->recentProgress().size(), 4u);
  QueryTotals totals = (*query)->totals();
  EXPECT_EQ(totals.batches, 10);
  EXPECT_EQ(totals.input_rows, 30);

  auto bad = Session::Make({{"spark.ui.enabled", "false"}, {"spark.sql.streaming.numRecentProgressUpdates", "x"}});
  auto refused = DataFrame(bad, stream->plan()).writeStream().format("noop").start();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("numRecentProgressUpdates must be a non-negative number"),
            std::string::npos) << refused.status().ToString();
}

TEST_F(StreamExecutionTest, SparkErrorsForMisuse) {
  auto df = DataFrame(session_, stream_->plan());
  auto count = df.count();
  ASSERT_FALSE(count.ok());
  EXPECT_NE(count.status().message().find("Queries with streaming sources must be executed with writeStream.start()"),
            std::string::npos);
  auto complete = df.writeStream().format("memory").queryName("c").outputMode("complete").start();
  ASSERT_FALSE(complete.ok());
  EXPECT_NE(complete.status().message().find("Invalid streaming output mode: complete. This output mode is not supported for no streaming aggregations"),
            std::string::npos);
  auto bad_mode = df.writeStream().format("noop").outputMode("upsert").start();
  ASSERT_FALSE(bad_mode.ok());
  EXPECT_NE(bad_mode.status().message().find("Unknown output mode upsert"), std::string::npos);
  auto no_name = df.writeStream().format("memory").start();
  ASSERT_FALSE(no_name.ok());
  EXPECT_NE(no_name.status().message().find("queryName must be specified for memory sink"), std::string::npos);
  auto unknown = df.writeStream().format("nosuchsink").start();
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(ErrorClassOf(unknown.status()), "DATA_SOURCE_NOT_FOUND");
  auto bad_rate = session_->ReadStream().format("rate").option("rowsPerSecond", "0").load();
  ASSERT_FALSE(bad_rate.ok());
  EXPECT_EQ(bad_rate.status().message(), "Invalid value '0'. The option 'rowsPerSecond' must be positive");
  auto bad_trigger = Trigger::ProcessingTime(std::string("10 minuts"));
  ASSERT_FALSE(bad_trigger.ok());
  EXPECT_NE(bad_trigger.status().message().find("10 minuts"), std::string::npos);
  auto batch = session_->CreateDataFrame(Ints("[1]")).writeStream().format("noop").start();
  ASSERT_FALSE(batch.ok());
  EXPECT_NE(batch.status().message().find("'writeStream' can be called only on streaming Dataset/DataFrame"),
            std::string::npos);
}

TEST_F(StreamExecutionTest, CheckpointFilesFollowSparksLayout) {
  std::string checkpoint = TestDir("layout");
  auto query = DataFrame(session_, stream_->plan()).writeStream().format("noop").option("checkpointLocation", checkpoint).start();
  ASSERT_TRUE(query.ok());
  ASSERT_TRUE(stream_->AddData(Ints("[1]")).ok());
  ASSERT_TRUE((*query)->processAllAvailable().ok());
  ASSERT_TRUE((*query)->stop().ok());
  auto metadata = ReadFileToString(checkpoint + "/metadata").ValueOrDie();
  EXPECT_EQ(metadata, "{\"id\":\"" + (*query)->id() + "\"}");
  auto offsets = ReadFileToString(checkpoint + "/offsets/0").ValueOrDie();
  EXPECT_EQ(offsets.substr(0, 3), "v1\n");
  EXPECT_NE(offsets.find("\"batchWatermarkMs\":0"), std::string::npos);
  EXPECT_EQ(offsets.substr(offsets.rfind('\n') + 1), "1");
  EXPECT_EQ(ReadFileToString(checkpoint + "/commits/0").ValueOrDie(), "v1\n{\"nextBatchWatermarkMs\":0}");
}

// A per-row writer recording the calls it receives.
class RecordingWriter final : public ForeachWriter {
 public:
  arrow::Result<bool> open(int64_t partition_id, int64_t epoch_id) override {
    calls.push_back("open " + std::to_string(partition_id) + " " + std::to_string(epoch_id));
    return epoch_id != 1;  // refuse epoch 1: its rows are skipped
  }
  arrow::Status process(const arrow::RecordBatch& rows, int64_t row) override {
    calls.push_back("process " + std::to_string(static_cast<const arrow::Int32Array&>(*rows.column(0)).Value(row)));
    return arrow::Status::OK();
  }
  void close(const arrow::Status& error) override { calls.push_back(error.ok() ? "close" : "close error"); }
  std::vector<std::string> calls;
};

TEST_F(StreamExecutionTest, ForeachWriterSeesOpenProcessClose) {
  auto writer = std::make_shared<RecordingWriter>();
  auto query = DataFrame(session_, stream_->plan()).writeStream().foreach(writer).start();
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  for (const char* data : {"[1, 2]", "[3]", "[4]"}) {
    ASSERT_TRUE(stream_->AddData(Ints(data)).ok());
    ASSERT_TRUE((*query)->processAllAvailable().ok());
  }
  ASSERT_TRUE((*query)->stop().ok());
  EXPECT_EQ(writer->calls, (std::vector<std::string>{"open 0 0", "process 1", "process 2", "close", "open 0 1",
                                                     "close", "open 0 2", "process 4", "close"}));
}

}  // namespace
}  // namespace spate
