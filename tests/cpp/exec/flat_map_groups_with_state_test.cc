// GroupedData::FlatMapGroupsWithState and MapGroupsWithState with C++
// functions on a MemoryStream, batch by batch, on both state store providers.
// The expected rows are worked out by hand from Spark's semantics:
//   - the function runs once per key of a batch, then once per key whose
//     timeout is before (not at) the watermark for eviction, in a no-data
//     batch too; rows older than the previous watermark are dropped;
//   - a call starts without a timeout: one the call does not set is gone;
//   - an initial state sets its keys' values before the first batch, whose
//     function runs for each of its keys, with no rows for a key without any.

#include <filesystem>
#include <chrono>
#include <mutex>
#include <thread>

#include <arrow/api.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "spate/api/data_stream_writer.h"
#include "spate/api/session.h"
#include "spate/common/error.h"
#include "spate/connectors/memory/memory_stream.h"
#include "spate/expr/value_format.h"
#include "spate/plan/group_state.h"
#include "spate/types/ddl_parser.h"

namespace spate {
namespace {

namespace fs = std::filesystem;
using Rows = std::vector<std::string>;

constexpr int64_t kMidnightMs = 1704067200000LL;  // 2024-01-01 00:00:00 UTC

std::string TestDir(const std::string& name) {
  const char* env = std::getenv("SPATE_TEST_TMPDIR");
  auto dir = fs::path(env ? env : fs::temp_directory_path().string()) / "flat_map_groups_with_state_test" / name;
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

RecordBatchPtr CountRow(int64_t n) {
  arrow::Int64Builder b;
  (void)b.Append(n);
  return arrow::RecordBatch::Make(arrow::schema({arrow::field("n", arrow::int64())}), 1, {b.Finish().ValueOrDie()});
}

int64_t StoredCount(const GroupState& state) {
  auto value = state.GetOption();
  return value ? static_cast<const arrow::Int64Array&>(*value->column(0)).Value(0) : 0;
}

// (k, n, timed_out): k STRING, n BIGINT, timed_out BOOLEAN.
arrow::Result<RecordBatchPtr> Output(const arrow::RecordBatch& key, int64_t n, bool timed_out) {
  arrow::Int64Builder count;
  arrow::BooleanBuilder flag;
  ARROW_RETURN_NOT_OK(count.Append(n));
  ARROW_RETURN_NOT_OK(flag.Append(timed_out));
  auto schema = arrow::schema({arrow::field("k", arrow::utf8()), arrow::field("n", arrow::int64()),
                               arrow::field("timed_out", arrow::boolean())});
  ARROW_ASSIGN_OR_RAISE(auto n_array, count.Finish());
  ARROW_ASSIGN_OR_RAISE(auto flag_array, flag.Finish());
  return arrow::RecordBatch::Make(schema, 1, {key.column(0), n_array, flag_array});
}

// Counts a key's rows; the key times out 5 seconds of event time after its
// latest row (at the watermark when that is later), says so and goes.
arrow::Result<RecordBatchPtr> EventTimeSession(const arrow::RecordBatch& key, const arrow::RecordBatch& rows,
                                               GroupState& state) {
  const int64_t n = StoredCount(state);
  if (state.HasTimedOut()) {
    state.Remove();
    return Output(key, n, true);
  }
  const auto& times = static_cast<const arrow::TimestampArray&>(*rows.column(0));
  int64_t latest_ms = 0;
  for (int64_t i = 0; i < times.length(); ++i) latest_ms = std::max(latest_ms, times.Value(i) / 1000);
  ARROW_RETURN_NOT_OK(state.Update(*CountRow(n + rows.num_rows())));
  ARROW_ASSIGN_OR_RAISE(int64_t watermark, state.GetCurrentWatermarkMs());
  ARROW_RETURN_NOT_OK(state.SetTimeoutTimestamp(std::max(latest_ms + 5000, watermark)));
  return Output(key, n + rows.num_rows(), false);
}

// One row per call: the key's count so far; the third row of a key removes its state.
arrow::Result<RecordBatchPtr> RunningCount(const arrow::RecordBatch& key, const arrow::RecordBatch& rows,
                                           GroupState& state) {
  const int64_t n = StoredCount(state) + rows.num_rows();
  if (n >= 3) {
    state.Remove();
  } else {
    ARROW_RETURN_NOT_OK(state.Update(*CountRow(n)));
  }
  return Output(key, n, !state.Exists());
}

std::string Cell(const arrow::Array& column, const DataType& type, int64_t row) {
  auto cells = FormatForShow(column, type, FormatOptions{}).ValueOrDie();
  return static_cast<const arrow::StringArray&>(*cells).GetString(row);
}

class FlatMapGroupsWithStateTest : public ::testing::TestWithParam<std::string> {
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

  DataFrame Input(bool watermark) {
    DataFrame df(session_, stream_->plan());
    return watermark ? df.withWatermark("ts", "10 seconds") : df;
  }

  static StructTypePtr Ddl(const std::string& text) { return ParseDdlSchema(text).ValueOrDie(); }

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

TEST_P(FlatMapGroupsWithStateTest, EventTimeTimeoutsFireWhenTheWatermarkPassesThem) {
  Start(Input(true).groupBy({Column("k")}).FlatMapGroupsWithState(
            EventTimeSession, *Ddl("k STRING, n BIGINT, timed_out BOOLEAN"), *Ddl("n BIGINT"), "Update",
            "EventTimeTimeout"),
        "event_time");
  // Timeouts a at 5 s, b at 10 s; the watermark becomes -5 s.
  EXPECT_EQ(Step({"0 a 1", "5 b 2"}), (Rows{"a | 1 | false", "b | 1 | false"}));
  // a's timeout moves to 35 s; the watermark becomes 20 s and the no-data batch times b out.
  EXPECT_EQ(Step({"30 a 3"}), (Rows{"a | 2 | false", "b | 1 | true"}));
  // A row at 1 s is late (watermark 20 s); 60 s moves the watermark to 50 s: a times out.
  EXPECT_EQ(Step({"1 b 9", "60 c 4"}), (Rows{"a | 2 | true", "c | 1 | false"}));
  // d's timeout is 75 s; the watermark becomes 60 s.
  EXPECT_EQ(Step({"70 d 1"}), (Rows{"d | 1 | false"}));
  // The watermark becomes 75 s: c (65 s) times out, d (75 s, not before it) does not.
  EXPECT_EQ(Step({"85 e 1"}), (Rows{"c | 1 | true", "e | 1 | false"}));
  EXPECT_EQ(Step({"86 e 1"}), (Rows{"d | 1 | true", "e | 2 | false"}));
}

TEST_P(FlatMapGroupsWithStateTest, ProcessingTimeTimeoutsFireInTheBatchesAfter) {
  // Each key times out 1 ms of processing time after its batch: in a later batch (a batch
  // runs at every trigger), which says so and removes the state.
  GroupsWithStateFunction idle = [](const arrow::RecordBatch& key, const arrow::RecordBatch& rows,
                                    GroupState& state) -> arrow::Result<RecordBatchPtr> {
    const int64_t n = StoredCount(state) + rows.num_rows();
    if (state.HasTimedOut()) {
      state.Remove();
      return Output(key, n, true);
    }
    ARROW_RETURN_NOT_OK(state.Update(*CountRow(n)));
    ARROW_RETURN_NOT_OK(state.SetTimeoutDuration(1));
    return Output(key, n, false);
  };
  Start(Input(false).groupBy({Column("k")}).FlatMapGroupsWithState(
            idle, *Ddl("k STRING, n BIGINT, timed_out BOOLEAN"), *Ddl("n BIGINT"), "Update", "ProcessingTimeTimeout"),
        "processing_time");
  ASSERT_TRUE(stream_->AddData(Events({"0 a 1", "1 a 2", "2 b 1"})).ok());
  Rows seen;
  for (int i = 0; i < 600 && seen.size() < 4; ++i) {  // the timeouts come in batches of their own
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::lock_guard<std::mutex> lock(mutex_);
    seen.insert(seen.end(), rows_.begin(), rows_.end());
    rows_.clear();
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (Rows{"a | 2 | false", "a | 2 | true", "b | 1 | false", "b | 1 | true"}));
}

TEST_P(FlatMapGroupsWithStateTest, MapGroupsWithStateUpdatesAndRemoves) {
  Start(Input(false).groupBy({Column("k")}).MapGroupsWithState(
            RunningCount, *Ddl("k STRING, n BIGINT, timed_out BOOLEAN"), *Ddl("n BIGINT"), "NoTimeout"),
        "map_groups");
  EXPECT_EQ(Step({"0 a 1", "1 a 2", "2 b 1"}), (Rows{"a | 2 | false", "b | 1 | false"}));
  EXPECT_EQ(Step({"3 a 1"}), (Rows{"a | 3 | true"}));
  EXPECT_EQ(Step({"4 a 1", "5 b 1"}), (Rows{"a | 1 | false", "b | 2 | false"}));
}

// Spark runs both APIs in its FlatMapGroupsWithStateExec, named flatMapGroupsWithState, which
// reports none of transformWithState's metrics.
TEST_P(FlatMapGroupsWithStateTest, TheOperatorHasSparksName) {
  Start(Input(false).groupBy({Column("k")}).MapGroupsWithState(
            RunningCount, *Ddl("k STRING, n BIGINT, timed_out BOOLEAN"), *Ddl("n BIGINT"), "NoTimeout"),
        "operator_name");
  EXPECT_EQ(Step({"0 a 1"}), (Rows{"a | 1 | false"}));
  auto progress = query_->lastProgress();
  ASSERT_TRUE(progress.has_value());
  rapidjson::Document doc;
  doc.Parse(progress->Json().c_str());
  EXPECT_STREQ(doc["stateOperators"][0]["operatorName"].GetString(), "flatMapGroupsWithState");
  EXPECT_FALSE(doc["stateOperators"][0]["customMetrics"].HasMember("numRegisteredTimers"));
}

TEST_P(FlatMapGroupsWithStateTest, ATimeoutWithoutItsConfFailsTheQuery) {
  GroupsWithStateFunction func = [](const arrow::RecordBatch& key, const arrow::RecordBatch&,
                                    GroupState& state) -> arrow::Result<RecordBatchPtr> {
    ARROW_RETURN_NOT_OK(state.SetTimeoutDuration(1000));
    return Output(key, 0, false);
  };
  Start(Input(false).groupBy({Column("k")}).FlatMapGroupsWithState(
            func, *Ddl("k STRING, n BIGINT, timed_out BOOLEAN"), *Ddl("n BIGINT"), "Update", "NoTimeout"),
        "no_timeout");
  EXPECT_TRUE(stream_->AddData(Events({"0 a 1"})).ok());
  auto status = query_->processAllAvailable();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("Cannot set timeout duration without enabling processing time timeout"),
            std::string::npos)
      << status.ToString();
  (void)query_->stop();
  query_.reset();
}

TEST_P(FlatMapGroupsWithStateTest, SparksRefusals) {
  auto grouped = Input(false).groupBy({Column("k")});
  auto output = Ddl("k STRING, n BIGINT, timed_out BOOLEAN");
  auto complete = grouped.FlatMapGroupsWithState(RunningCount, *output, *Ddl("n BIGINT"), "Complete", "NoTimeout");
  ASSERT_FALSE(complete.ok());
  EXPECT_NE(complete.status().message().find("should be append or update"), std::string::npos);
  auto unknown = grouped.FlatMapGroupsWithState(RunningCount, *output, *Ddl("n BIGINT"), "Sometimes", "NoTimeout");
  EXPECT_EQ(ErrorClassOf(unknown.status()), "STREAMING_OUTPUT_MODE.INVALID");
  auto no_watermark = grouped.FlatMapGroupsWithState(EventTimeSession, *output, *Ddl("n BIGINT"), "Update",
                                                     "EventTimeTimeout");
  ASSERT_FALSE(no_watermark.ok());
  EXPECT_NE(no_watermark.status().message().find("Watermark must be specified"), std::string::npos);
  EXPECT_FALSE(grouped.MapGroupsWithState(RunningCount, *output, *Ddl("n BIGINT"), "Sometimes").ok());
}

TEST_P(FlatMapGroupsWithStateTest, TheFunctionsOutputModeMustBeTheQuerys) {
  auto output = Ddl("k STRING, n BIGINT, timed_out BOOLEAN");
  auto append = Input(false).groupBy({Column("k")}).FlatMapGroupsWithState(RunningCount, *output, *Ddl("n BIGINT"),
                                                                            "Append", "NoTimeout");
  ASSERT_TRUE(append.ok()) << append.status().ToString();
  auto query = append.writeStream().outputMode("update").foreachBatch([](const DataFrame&, int64_t) {
    return arrow::Status::OK();
  }).start();
  ASSERT_FALSE(query.ok());
  EXPECT_NE(query.status().message().find(
                "flatMapGroupsWithState in append mode is not supported with Update output mode on a streaming "
                "DataFrame/Dataset"),
            std::string::npos)
      << query.status().ToString();
  auto mapped = Input(false).groupBy({Column("k")}).MapGroupsWithState(RunningCount, *output, *Ddl("n BIGINT"),
                                                                       "NoTimeout");
  query = mapped.writeStream().outputMode("append").foreachBatch([](const DataFrame&, int64_t) {
    return arrow::Status::OK();
  }).start();
  ASSERT_FALSE(query.ok());
  EXPECT_NE(query.status().message().find("mapGroupsWithState is not supported with Append output mode"),
            std::string::npos)
      << query.status().ToString();
}

// A key's count: its initial state's n, plus its rows so far.
arrow::Result<RecordBatchPtr> CountOn(const arrow::RecordBatch& key, const arrow::RecordBatch& rows,
                                      GroupState& state) {
  const int64_t n = StoredCount(state) + rows.num_rows();
  ARROW_RETURN_NOT_OK(state.Update(*CountRow(n)));
  return Output(key, n, false);
}

TEST_P(FlatMapGroupsWithStateTest, AnInitialStateStartsItsKeysInTheFirstBatch) {
  // Each key of the initial state starts from its value; in the first batch the function
  // runs for each of them, with no rows for z; the initial state is not read again.
  auto initial = session_->Sql("SELECT * FROM VALUES ('a', 5L, 'x'), ('z', 7L, 'y') AS t(k, n, extra)");
  Start(Input(false).groupBy({Column("k")}).FlatMapGroupsWithState(
            CountOn, *Ddl("k STRING, n BIGINT, timed_out BOOLEAN"), *Ddl("n BIGINT"), "Update", "NoTimeout",
            initial.groupBy({Column("k")})),
        "initial_state");
  EXPECT_EQ(Step({"0 a 1", "1 b 2"}), (Rows{"a | 6 | false", "b | 1 | false", "z | 7 | false"}));
  EXPECT_EQ(Step({"2 a 3", "3 z 1"}), (Rows{"a | 7 | false", "z | 8 | false"}));
}

TEST_P(FlatMapGroupsWithStateTest, SkippingTheInitialStatesKeysWithoutRows) {
  // With Spark's skipEmittingInitialStateKeys, z gets no call in the first batch, but its value.
  session_->conf().Set("spark.sql.streaming.flatMapGroupsWithState.skipEmittingInitialStateKeys", "true");
  auto initial = session_->Sql("SELECT * FROM VALUES ('a', 5L), ('z', 7L) AS t(k, n)");
  Start(Input(false).groupBy({Column("k")}).FlatMapGroupsWithState(
            CountOn, *Ddl("k STRING, n BIGINT, timed_out BOOLEAN"), *Ddl("n BIGINT"), "Update", "NoTimeout",
            initial.groupBy({Column("k")})),
        "skip_initial_keys");
  EXPECT_EQ(Step({"0 a 1", "1 b 2"}), (Rows{"a | 6 | false", "b | 1 | false"}));
  EXPECT_EQ(Step({"3 z 1"}), (Rows{"z | 8 | false"}));
}

TEST_P(FlatMapGroupsWithStateTest, MapGroupsWithStateFromAnInitialState) {
  // a starts at 2, so its first row makes 3 and removes it; z has no rows and stays at 1.
  auto initial = session_->Sql("SELECT * FROM VALUES ('a', 2L), ('z', 1L) AS t(k, n)");
  Start(Input(false).groupBy({Column("k")}).MapGroupsWithState(
            RunningCount, *Ddl("k STRING, n BIGINT, timed_out BOOLEAN"), *Ddl("n BIGINT"), "NoTimeout",
            initial.groupBy({Column("k")})),
        "map_groups_initial_state");
  EXPECT_EQ(Step({"0 a 1"}), (Rows{"a | 3 | true", "z | 1 | false"}));
  EXPECT_EQ(Step({"1 a 1", "2 z 1"}), (Rows{"a | 1 | false", "z | 2 | false"}));
}

TEST_P(FlatMapGroupsWithStateTest, AnInitialStateWithARepeatedKeyFailsTheQuery) {
  auto initial = session_->Sql("SELECT * FROM VALUES ('a', 5L), ('a', 6L) AS t(k, n)");
  Start(Input(false).groupBy({Column("k")}).FlatMapGroupsWithState(
            CountOn, *Ddl("k STRING, n BIGINT, timed_out BOOLEAN"), *Ddl("n BIGINT"), "Update", "NoTimeout",
            initial.groupBy({Column("k")})),
        "repeated_initial_key");
  EXPECT_TRUE(stream_->AddData(Events({"0 b 1"})).ok());
  auto status = query_->processAllAvailable();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("The initial state provided contained multiple rows(state) with the same key. "
                                  "Make sure to de-duplicate the initial state before passing it."),
            std::string::npos)
      << status.ToString();
  (void)query_->stop();
  query_.reset();
}

TEST_P(FlatMapGroupsWithStateTest, SparksRefusalsOfAnInitialState) {
  auto grouped = Input(false).groupBy({Column("k")});
  auto output = Ddl("k STRING, n BIGINT, timed_out BOOLEAN");
  auto streaming = grouped.FlatMapGroupsWithState(CountOn, *output, *Ddl("n BIGINT"), "Update", "NoTimeout",
                                                  Input(false).groupBy({Column("k")}));
  ASSERT_FALSE(streaming.ok());
  EXPECT_NE(streaming.status().message().find(
                "Non-streaming DataFrame/Dataset is not supported as the initial state in "
                "[flatMap|map]GroupsWithState operation on a streaming DataFrame/Dataset"),
            std::string::npos)
      << streaming.status().ToString();
  auto other_key = session_->Sql("SELECT * FROM VALUES (1, 5L) AS t(k, n)").groupBy({Column("k")});
  auto keys = grouped.MapGroupsWithState(CountOn, *output, *Ddl("n BIGINT"), "NoTimeout", other_key);
  ASSERT_FALSE(keys.ok());
  EXPECT_NE(keys.status().message().find("mapGroupsWithState's initialState must be grouped by keys of the query's "
                                         "key types"),
            std::string::npos)
      << keys.status().ToString();
  auto no_state = session_->Sql("SELECT * FROM VALUES ('a', 5) AS t(k, n)").groupBy({Column("k")});
  auto columns = grouped.FlatMapGroupsWithState(CountOn, *output, *Ddl("n BIGINT"), "Update", "NoTimeout", no_state);
  ASSERT_FALSE(columns.ok());
  EXPECT_NE(columns.status().message().find("initial state must have the state's columns"), std::string::npos)
      << columns.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(
    Providers, FlatMapGroupsWithStateTest,
    ::testing::Values("org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider",
                      "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"),
    [](const auto& info) { return info.param.find("RocksDB") != std::string::npos ? "RocksDB" : "InMemory"; });

}  // namespace
}  // namespace spate
