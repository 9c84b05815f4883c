// GroupedData::TransformWithState with a C++ StatefulProcessor on a
// MemoryStream, batch by batch, on both state store providers. The expected
// rows are worked out by hand from Spark's semantics:
//   - the processor runs once per key of a batch, then once per expired timer;
//   - event-time timers fire when the watermark for eviction passes them, in a
//     no-data batch too; rows older than the previous watermark are dropped.

#include <filesystem>
#include <map>
#include <mutex>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "spate/api/data_stream_writer.h"
#include "spate/api/session.h"
#include "spate/common/error.h"
#include "spate/connectors/memory/memory_stream.h"
#include "spate/expr/value_format.h"
#include "spate/plan/stateful_processor.h"
#include "spate/types/ddl_parser.h"

namespace spate {
namespace {

namespace fs = std::filesystem;
using Rows = std::vector<std::string>;

constexpr int64_t kMidnightMs = 1704067200000LL;  // 2024-01-01 00:00:00 UTC

std::string TestDir(const std::string& name) {
  const char* env = std::getenv("SPATE_TEST_TMPDIR");
  auto dir = fs::path(env ? env : fs::temp_directory_path().string()) / "transform_with_state_test" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

// Rows of (ts, k, v) from "SS k v" triples: seconds after 2024-01-01 00:00 UTC.
std::shared_ptr<arrow::Table> Events(const std::vector<std::string>& rows) {
  arrow::TimestampBuilder ts(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool());
  arrow::StringBuilder k;
  arrow::Int32Builder v;
  for (const auto& row : rows) {
    int s = 0, value = 0;
    char key[16] = {0};
    std::sscanf(row.c_str(), "%d %15s %d", &s, key, &value);
    EXPECT_TRUE(ts.Append((kMidnightMs + s * 1000LL) * 1000).ok());
    EXPECT_TRUE(k.Append(key).ok());
    EXPECT_TRUE(v.Append(value).ok());
  }
  auto schema = arrow::schema({arrow::field("ts", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")),
                               arrow::field("k", arrow::utf8()), arrow::field("v", arrow::int32())});
  return arrow::Table::Make(schema, {ts.Finish().ValueOrDie(), k.Finish().ValueOrDie(), v.Finish().ValueOrDie()});
}

// Counts each key's rows in a value state and keeps one event-time timer 10
// seconds after its latest row; the timer emits (k, count, expiry) and clears
// the count. Output: k STRING, n BIGINT, fired BIGINT (NULL for input rows).
class CountUntilQuiet final : public StatefulProcessor {
 public:
  arrow::Status Init(StatefulProcessorHandle& handle) override {
    handle_ = &handle;
    ARROW_ASSIGN_OR_RAISE(count_, handle.GetValueState("count", arrow::schema({arrow::field("n", arrow::int64())})));
    return arrow::Status::OK();
  }

  arrow::Result<RecordBatchPtr> HandleInputRows(const arrow::RecordBatch& key, const arrow::RecordBatch& rows,
                                                const TimerValues&) override {
    int64_t n = rows.num_rows();
    ARROW_ASSIGN_OR_RAISE(auto stored, count_->Get());
    if (stored) n += static_cast<const arrow::Int64Array&>(*stored->column(0)).Value(0);
    ARROW_RETURN_NOT_OK(count_->Update(*CountRow(n)));
    const auto& times = static_cast<const arrow::TimestampArray&>(*rows.column(0));
    int64_t latest_ms = 0;
    for (int64_t i = 0; i < times.length(); ++i) latest_ms = std::max(latest_ms, times.Value(i) / 1000);
    ARROW_ASSIGN_OR_RAISE(auto timers, handle_->ListTimers());
    for (int64_t t : timers) ARROW_RETURN_NOT_OK(handle_->DeleteTimer(t));
    ARROW_RETURN_NOT_OK(handle_->RegisterTimer(latest_ms + 10'000));
    return Output(key, n, std::nullopt);
  }

  arrow::Result<RecordBatchPtr> HandleExpiredTimer(const arrow::RecordBatch& key, const TimerValues&,
                                                   const ExpiredTimerInfo& expired) override {
    ARROW_ASSIGN_OR_RAISE(auto stored, count_->Get());
    const int64_t n = stored ? static_cast<const arrow::Int64Array&>(*stored->column(0)).Value(0) : 0;
    ARROW_RETURN_NOT_OK(count_->Clear());
    return Output(key, n, expired.expiry_time_ms - kMidnightMs);
  }

 private:
  static RecordBatchPtr CountRow(int64_t n) {
    arrow::Int64Builder b;
    (void)b.Append(n);
    return arrow::RecordBatch::Make(arrow::schema({arrow::field("n", arrow::int64())}), 1, {b.Finish().ValueOrDie()});
  }
  static arrow::Result<RecordBatchPtr> Output(const arrow::RecordBatch& key, int64_t n, std::optional<int64_t> fired) {
    arrow::Int64Builder count, expiry;
    ARROW_RETURN_NOT_OK(count.Append(n));
    ARROW_RETURN_NOT_OK(fired ? expiry.Append(*fired) : expiry.AppendNull());
    auto schema = arrow::schema({arrow::field("k", arrow::utf8()), arrow::field("n", arrow::int64()),
                                 arrow::field("fired", arrow::int64())});
    ARROW_ASSIGN_OR_RAISE(auto n_array, count.Finish());
    ARROW_ASSIGN_OR_RAISE(auto fired_array, expiry.Finish());
    return arrow::RecordBatch::Make(schema, 1, {key.column(0), n_array, fired_array});
  }

  StatefulProcessorHandle* handle_ = nullptr;
  ValueState* count_ = nullptr;
};

std::string Cell(const arrow::Array& column, const DataType& type, int64_t row) {
  auto cells = FormatForShow(column, type, FormatOptions{}).ValueOrDie();
  return static_cast<const arrow::StringArray&>(*cells).GetString(row);
}

class TransformWithStateTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    session_ = Session::Make();
    session_->conf().Set("spark.sql.shuffle.partitions", "2");
    session_->conf().Set("spark.sql.streaming.stateStore.providerClass", GetParam());
    stream_ = MemoryStream::Make(*ParseDdlSchema("ts TIMESTAMP, k STRING, v INT"));
  }
  void TearDown() override {
    if (query_) {
      ASSERT_TRUE(query_->stop().ok());
    }
  }

  DataFrame Counted(const std::string& time_mode) {
    StatefulProcessorFactory factory = []() -> arrow::Result<std::shared_ptr<StatefulProcessor>> {
      return std::make_shared<CountUntilQuiet>();
    };
    auto output = ParseDdlSchema("k STRING, n BIGINT, fired BIGINT").ValueOrDie();
    return DataFrame(session_, stream_->plan())
        .withWatermark("ts", "5 seconds")
        .groupBy({Column("k")})
        .TransformWithState(factory, *output, "Update", time_mode);
  }

  void Start(const DataFrame& df, const std::string& name) {
    ASSERT_TRUE(df.ok()) << df.status().ToString();
    auto query = df.writeStream()
                     .outputMode("update")
                     .option("checkpointLocation", TestDir(name + "_" + std::to_string(GetParam().size())))
                     .foreachBatch([this](const DataFrame& batch, int64_t) -> arrow::Status {
                       auto table = batch.toArrow().ValueOrDie()->CombineChunksToBatch().ValueOrDie();
                       auto schema = batch.schema();
                       std::lock_guard<std::mutex> lock(mutex_);
                       for (int64_t r = 0; r < table->num_rows(); ++r) {
                         std::string row;
                         for (int c = 0; c < table->num_columns(); ++c) {
                           row += (c ? " | " : "") + Cell(*table->column(c), *schema->fields()[c].type, r);
                         }
                         rows_.push_back(row);
                       }
                       return arrow::Status::OK();
                     })
                     .start();
    ASSERT_TRUE(query.ok()) << query.status().ToString();
    query_ = *query;
  }

  // Adds rows and runs every batch they lead to; the rows those batches emitted, sorted.
  Rows Step(const std::vector<std::string>& rows) {
    EXPECT_TRUE(stream_->AddData(Events(rows)).ok());
    auto status = query_->processAllAvailable();
    EXPECT_TRUE(status.ok()) << status.ToString();
    std::lock_guard<std::mutex> lock(mutex_);
    Rows out = std::move(rows_);
    rows_.clear();
    std::sort(out.begin(), out.end());
    return out;
  }

  std::shared_ptr<Session> session_;
  std::shared_ptr<MemoryStream> stream_;
  std::shared_ptr<StreamingQuery> query_;
  std::mutex mutex_;
  Rows rows_;
};

TEST_P(TransformWithStateTest, EventTimeTimersFireWhenTheWatermarkPassesThem) {
  Start(Counted("EventTime"), "event_time");
  // Timers a at 10 s, b at 15 s; the watermark becomes 5 s - 5 s = 0 s.
  EXPECT_EQ(Step({"0 a 1", "5 b 2"}), (Rows{"a | 1 | NULL", "b | 1 | NULL"}));
  // a's timer moves to 40 s; the watermark becomes 25 s and the no-data batch fires b's.
  EXPECT_EQ(Step({"30 a 3"}), (Rows{"a | 2 | NULL", "b | 1 | 15000"}));
  // A row at 1 s is late (watermark 25 s); 60 s moves the watermark to 55 s: a fires.
  EXPECT_EQ(Step({"1 b 9", "60 c 4"}), (Rows{"a | 2 | 40000", "c | 1 | NULL"}));
}

TEST_P(TransformWithStateTest, WithoutATimeModeTimersAreRefused) {
  Start(Counted("None"), "no_time");
  EXPECT_TRUE(stream_->AddData(Events({"0 a 1"})).ok());
  auto status = query_->processAllAvailable();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("STATEFUL_PROCESSOR_CANNOT_PERFORM_OPERATION_WITH_INVALID_TIME_MODE"),
            std::string::npos)
      << status.ToString();
  (void)query_->stop();  // joins the failed query's thread (its stop reports the failure)
  query_.reset();
}

TEST_P(TransformWithStateTest, AnUnknownTimeModeIsSparksError) {
  auto df = Counted("Sometimes");
  ASSERT_FALSE(df.ok());
  EXPECT_EQ(ErrorClassOf(df.status()), "STATEFUL_PROCESSOR_UNKNOWN_TIME_MODE");
}

INSTANTIATE_TEST_SUITE_P(
    Providers, TransformWithStateTest,
    ::testing::Values("org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider",
                      "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"),
    [](const auto& info) { return info.param.find("RocksDB") != std::string::npos ? "RocksDB" : "InMemory"; });

}  // namespace
}  // namespace spate
