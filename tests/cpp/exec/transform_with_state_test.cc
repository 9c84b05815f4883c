// GroupedData::TransformWithState with a C++ StatefulProcessor on a
// MemoryStream, batch by batch, on both state store providers. The expected
// rows are worked out by hand from Spark's semantics:
//   - the processor runs once per key of a batch, then once per expired timer;
//   - event-time timers fire when the watermark for eviction passes them, in a
//     no-data batch too; rows older than the previous watermark are dropped;
//   - a value with a TTL is gone in a batch whose processing time reaches the
//     time of its last update plus the TTL;
//   - an initial state is handed over key by key in the first batch only;
//   - the progress names the operator transformWithStateExec and counts, per
//     batch, the timers registered, deleted and fired, and the state
//     variables once per partition (Spark's customMetrics).

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include <arrow/api.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

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

RecordBatchPtr Int64Row(const std::string& name, int64_t n) {
  arrow::Int64Builder b;
  (void)b.Append(n);
  return arrow::RecordBatch::Make(arrow::schema({arrow::field(name, arrow::int64())}), 1, {b.Finish().ValueOrDie()});
}

int64_t Int64At(const arrow::RecordBatch& batch, int64_t row) {
  return static_cast<const arrow::Int64Array&>(*batch.column(0)).Value(row);
}

// Per key, a value, a list and a map state with a TTL and a running total
// without one. Output: k STRING, last BIGINT (the TTL value before this
// batch, NULL when gone), total BIGINT, listed BIGINT, mapped BIGINT (the
// list's elements and the map's entries after this batch's writes).
class RememberWithTtl final : public StatefulProcessor {
 public:
  explicit RememberWithTtl(int64_t ttl_ms) : ttl_{ttl_ms} {}
  arrow::Status Init(StatefulProcessorHandle& handle) override {
    auto n = arrow::schema({arrow::field("n", arrow::int64())});
    ARROW_ASSIGN_OR_RAISE(last_, handle.GetValueState("last", n, ttl_));
    ARROW_ASSIGN_OR_RAISE(total_, handle.GetValueState("total", n));
    ARROW_ASSIGN_OR_RAISE(list_, handle.GetListState("list", n, ttl_));
    ARROW_ASSIGN_OR_RAISE(map_, handle.GetMapState("map", n, n, ttl_));
    return arrow::Status::OK();
  }
  arrow::Result<RecordBatchPtr> HandleInputRows(const arrow::RecordBatch& key, const arrow::RecordBatch& rows,
                                                const TimerValues&) override {
    ARROW_ASSIGN_OR_RAISE(auto last, last_->Get());
    ARROW_ASSIGN_OR_RAISE(auto total, total_->Get());
    const int64_t sum = (total ? Int64At(*total, 0) : 0) + rows.num_rows();
    ARROW_RETURN_NOT_OK(total_->Update(*Int64Row("n", sum)));
    const auto& values = static_cast<const arrow::Int32Array&>(*rows.column(2));
    for (int64_t i = 0; i < values.length(); ++i) {
      ARROW_RETURN_NOT_OK(last_->Update(*Int64Row("n", values.Value(i))));
      ARROW_RETURN_NOT_OK(list_->AppendList(*Int64Row("n", values.Value(i))));
      ARROW_RETURN_NOT_OK(map_->UpdateValue(*Int64Row("n", values.Value(i)), *Int64Row("n", 1)));
    }
    ARROW_ASSIGN_OR_RAISE(auto listed, list_->Get());
    ARROW_ASSIGN_OR_RAISE(auto mapped, map_->Entries());
    arrow::Int64Builder out;
    ARROW_RETURN_NOT_OK(last ? out.Append(Int64At(*last, 0)) : out.AppendNull());
    ARROW_RETURN_NOT_OK(out.AppendValues({sum, listed->num_rows(), mapped.first->num_rows()}));
    ARROW_ASSIGN_OR_RAISE(auto cells, out.Finish());
    auto schema = arrow::schema({arrow::field("k", arrow::utf8()), arrow::field("last", arrow::int64()),
                                 arrow::field("total", arrow::int64()), arrow::field("listed", arrow::int64()),
                                 arrow::field("mapped", arrow::int64())});
    return arrow::RecordBatch::Make(schema, 1,
                                    {key.column(0), cells->Slice(0, 1), cells->Slice(1, 1), cells->Slice(2, 1),
                                     cells->Slice(3, 1)});
  }

 private:
  TTLConfig ttl_;
  ValueState* last_ = nullptr;
  ValueState* total_ = nullptr;
  ListState* list_ = nullptr;
  MapState* map_ = nullptr;
};

// Adds the initial state's `init` column to a per-key total, then each row's
// v. Output: k STRING, n BIGINT.
class TotalFromInitialState final : public StatefulProcessor {
 public:
  arrow::Status Init(StatefulProcessorHandle& handle) override {
    ARROW_ASSIGN_OR_RAISE(total_, handle.GetValueState("total", arrow::schema({arrow::field("n", arrow::int64())})));
    return arrow::Status::OK();
  }
  arrow::Status HandleInitialState(const arrow::RecordBatch&, const arrow::RecordBatch& rows,
                                   const TimerValues&) override {
    int64_t n = 0;
    const auto& init = static_cast<const arrow::Int64Array&>(*rows.GetColumnByName("init"));
    for (int64_t i = 0; i < init.length(); ++i) n += init.Value(i);
    return Add(n).status();
  }
  arrow::Result<RecordBatchPtr> HandleInputRows(const arrow::RecordBatch& key, const arrow::RecordBatch& rows,
                                                const TimerValues&) override {
    const auto& values = static_cast<const arrow::Int32Array&>(*rows.column(2));
    int64_t n = 0;
    for (int64_t i = 0; i < values.length(); ++i) n += values.Value(i);
    ARROW_ASSIGN_OR_RAISE(int64_t total, Add(n));
    auto schema = arrow::schema({arrow::field("k", arrow::utf8()), arrow::field("n", arrow::int64())});
    return arrow::RecordBatch::Make(schema, 1, {key.column(0), Int64Row("n", total)->column(0)});
  }

 private:
  arrow::Result<int64_t> Add(int64_t n) {
    ARROW_ASSIGN_OR_RAISE(auto stored, total_->Get());
    const int64_t total = n + (stored ? Int64At(*stored, 0) : 0);
    ARROW_RETURN_NOT_OK(total_->Update(*Int64Row("n", total)));
    return total;
  }
  ValueState* total_ = nullptr;
};

// Appends one element per call, then tries to put and to append an empty
// list. Output: k STRING, put STRING and append STRING (the error classes),
// listed BIGINT (the list's elements after the call).
class WritesEmptyLists final : public StatefulProcessor {
 public:
  explicit WritesEmptyLists(int64_t ttl_ms) : ttl_{ttl_ms} {}
  arrow::Status Init(StatefulProcessorHandle& handle) override {
    ARROW_ASSIGN_OR_RAISE(list_, handle.GetListState("list", arrow::schema({arrow::field("n", arrow::int64())}), ttl_));
    return arrow::Status::OK();
  }
  arrow::Result<RecordBatchPtr> HandleInputRows(const arrow::RecordBatch& key, const arrow::RecordBatch& rows,
                                                const TimerValues&) override {
    ARROW_RETURN_NOT_OK(list_->AppendList(*Int64Row("n", rows.num_rows())));
    ARROW_ASSIGN_OR_RAISE(auto none, arrow::RecordBatch::MakeEmpty(arrow::schema({arrow::field("n", arrow::int64())})));
    arrow::StringBuilder errors;
    ARROW_RETURN_NOT_OK(errors.Append(std::string(ErrorClassOf(list_->Put(*none)))));
    ARROW_RETURN_NOT_OK(errors.Append(std::string(ErrorClassOf(list_->AppendList(*none)))));
    ARROW_ASSIGN_OR_RAISE(auto error_cells, errors.Finish());
    ARROW_ASSIGN_OR_RAISE(auto listed, list_->Get());
    auto schema = arrow::schema({arrow::field("k", arrow::utf8()), arrow::field("put", arrow::utf8()),
                                 arrow::field("append", arrow::utf8()), arrow::field("listed", arrow::int64())});
    return arrow::RecordBatch::Make(schema, 1, {key.column(0), error_cells->Slice(0, 1), error_cells->Slice(1, 1),
                                                Int64Row("n", listed->num_rows())->column(0)});
  }

 private:
  TTLConfig ttl_;
  ListState* list_ = nullptr;
};

// Counts and sums each key's rows in a value state, every key of a batch in
// one call (as a processor in another runtime does). Output: k STRING, n
// BIGINT, s BIGINT (the key's count and sum of v so far).
class SumAllKeysAtOnce final : public StatefulProcessor {
 public:
  arrow::Status Init(StatefulProcessorHandle& handle) override {
    ARROW_ASSIGN_OR_RAISE(total_, handle.GetValueState("total", TotalRow(0, 0)->schema()));
    return arrow::Status::OK();
  }
  arrow::Result<RecordBatchPtr> HandleInputRows(const arrow::RecordBatch&, const arrow::RecordBatch&,
                                                const TimerValues&) override {
    return arrow::Status::Invalid("HandleInputRows was called, not HandleInputGroups");
  }
  arrow::Result<std::vector<RecordBatchPtr>> HandleInputGroups(const InputGroups& groups,
                                                               const TimerValues&) override {
    const auto& v = static_cast<const arrow::Int32Array&>(*groups.rows->column(2));
    arrow::Int64Builder counts, sums;
    for (int64_t k = 0; k < groups.keys->num_rows(); ++k) {
      groups.select_key(k);
      int64_t n = groups.offsets[k + 1] - groups.offsets[k], s = 0;
      for (int64_t r = groups.offsets[k]; r < groups.offsets[k + 1]; ++r) s += v.Value(r);
      ARROW_ASSIGN_OR_RAISE(auto stored, total_->Get());
      if (stored) {
        n += Int64At(*stored, 0);
        s += static_cast<const arrow::Int64Array&>(*stored->column(1)).Value(0);
      }
      ARROW_RETURN_NOT_OK(total_->Update(*TotalRow(n, s)));
      ARROW_RETURN_NOT_OK(counts.Append(n));
      ARROW_RETURN_NOT_OK(sums.Append(s));
    }
    auto schema = arrow::schema({arrow::field("k", arrow::utf8()), arrow::field("n", arrow::int64()),
                                 arrow::field("s", arrow::int64())});
    ARROW_ASSIGN_OR_RAISE(auto n_array, counts.Finish());
    ARROW_ASSIGN_OR_RAISE(auto s_array, sums.Finish());
    return std::vector<RecordBatchPtr>{
        arrow::RecordBatch::Make(schema, groups.keys->num_rows(), {groups.keys->column(0), n_array, s_array})};
  }

 private:
  static RecordBatchPtr TotalRow(int64_t n, int64_t s) {
    auto schema = arrow::schema({arrow::field("n", arrow::int64()), arrow::field("s", arrow::int64())});
    return arrow::RecordBatch::Make(schema, 1, {Int64Row("n", n)->column(0), Int64Row("s", s)->column(0)});
  }
  ValueState* total_ = nullptr;
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

  // A processing-time transformWithState asks for a batch at every trigger; without those
  // batches processAllAvailable returns once the data is processed.
  DataFrame Remembered(int64_t ttl_ms, const std::string& time_mode = "ProcessingTime") {
    session_->conf().Set("spark.sql.streaming.noDataMicroBatches.enabled", "false");
    StatefulProcessorFactory factory = [ttl_ms]() -> arrow::Result<std::shared_ptr<StatefulProcessor>> {
      return std::make_shared<RememberWithTtl>(ttl_ms);
    };
    auto output = ParseDdlSchema("k STRING, last BIGINT, total BIGINT, listed BIGINT, mapped BIGINT").ValueOrDie();
    return DataFrame(session_, stream_->plan()).groupBy({Column("k")}).TransformWithState(
        factory, *output, "Update", time_mode);
  }

  DataFrame SummedAllAtOnce() {
    StatefulProcessorFactory factory = []() -> arrow::Result<std::shared_ptr<StatefulProcessor>> {
      return std::make_shared<SumAllKeysAtOnce>();
    };
    auto output = ParseDdlSchema("k STRING, n BIGINT, s BIGINT").ValueOrDie();
    return DataFrame(session_, stream_->plan()).groupBy({Column("k")}).TransformWithState(factory, *output, "Update",
                                                                                           "None");
  }

  DataFrame FromInitialState(const DataFrame& initial) {
    StatefulProcessorFactory factory = []() -> arrow::Result<std::shared_ptr<StatefulProcessor>> {
      return std::make_shared<TotalFromInitialState>();
    };
    auto output = ParseDdlSchema("k STRING, n BIGINT").ValueOrDie();
    return DataFrame(session_, stream_->plan())
        .groupBy({Column("k")})
        .TransformWithState(factory, *output, "Update", "None", initial.groupBy({Column("k")}));
  }

  // Runs the stored batches, then waits a few milliseconds, so that the next
  // batch's processing time is later than every value's expiry with a 1 ms TTL.
  Rows StepThenPause(const std::vector<std::string>& rows) {
    Rows out = Step(rows);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return out;
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

// Per batch: the operator's name and its timer and state variable counts.
std::vector<std::string> OperatorProgress(const StreamingQuery& query) {
  std::vector<std::string> out;
  for (const auto& progress : query.recentProgress()) {
    rapidjson::Document doc;
    doc.Parse(progress.Json().c_str());
    if (doc["stateOperators"].Empty()) continue;
    const auto& op = doc["stateOperators"][0];
    const auto& m = op["customMetrics"];
    out.push_back(fmt::format("{} {} registered={} deleted={} expired={} values={} lists={} ttl={}",
                              progress.batch_id, op["operatorName"].GetString(), m["numRegisteredTimers"].GetInt64(),
                              m["numDeletedTimers"].GetInt64(), m["numExpiredTimers"].GetInt64(),
                              m["numValueStateVars"].GetInt64(), m["numListStateVars"].GetInt64(),
                              m["numValuesRemovedDueToTTLExpiry"].GetInt64()));
  }
  return out;
}

TEST_P(TransformWithStateTest, EventTimeTimersFireWhenTheWatermarkPassesThem) {
  Start(Counted("EventTime"), "event_time");
  // Timers a at 10 s, b at 15 s; the watermark becomes 5 s - 5 s = 0 s.
  EXPECT_EQ(Step({"0 a 1", "5 b 2"}), (Rows{"a | 1 | NULL", "b | 1 | NULL"}));
  // a's timer moves to 40 s; the watermark becomes 25 s and the no-data batch fires b's.
  EXPECT_EQ(Step({"30 a 3"}), (Rows{"a | 2 | NULL", "b | 1 | 15000"}));
  // A row at 1 s is late (watermark 25 s); 60 s moves the watermark to 55 s: a fires.
  EXPECT_EQ(Step({"1 b 9", "60 c 4"}), (Rows{"a | 2 | 40000", "c | 1 | NULL"}));
}

TEST_P(TransformWithStateTest, TheProgressCountsTimersAndStateVariables) {
  Start(Counted("EventTime"), "metrics");
  // a and b register a timer each; the watermark moves to 0 s, which brings a no-data batch.
  Step({"0 a 1", "5 b 2"});
  // a deletes its timer and registers one; the no-data batch (watermark 25 s) fires b's.
  Step({"30 a 3"});
  // One value state, declared on each of the 2 partitions; a fired timer is deleted too.
  EXPECT_EQ(OperatorProgress(*query_),
            (std::vector<std::string>{
                "0 transformWithStateExec registered=2 deleted=0 expired=0 values=2 lists=0 ttl=0",
                "1 transformWithStateExec registered=0 deleted=0 expired=0 values=2 lists=0 ttl=0",
                "2 transformWithStateExec registered=1 deleted=1 expired=0 values=2 lists=0 ttl=0",
                "3 transformWithStateExec registered=0 deleted=1 expired=1 values=2 lists=0 ttl=0",
            }));
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

TEST_P(TransformWithStateTest, ValuesWithATtlExpireByTheBatchesProcessingTime) {
  Start(Remembered(1), "ttl_short");
  EXPECT_EQ(StepThenPause({"0 a 1", "0 a 2"}), (Rows{"a | NULL | 2 | 2 | 2"}));
  // Every TTL value of the first batch expired; the total (no TTL) stays.
  EXPECT_EQ(StepThenPause({"0 a 3", "0 b 4"}), (Rows{"a | NULL | 3 | 1 | 1", "b | NULL | 1 | 1 | 1"}));
}

TEST_P(TransformWithStateTest, TheProgressCountsTheValuesRemovedByTheirTtl) {
  Start(Remembered(1), "ttl_metrics");
  StepThenPause({"0 a 1", "0 a 2"});
  // a writes its value again; its two list elements and two map entries of the first batch are removed.
  StepThenPause({"0 a 3", "0 b 4"});
  // Per partition: one value state without a TTL (total), one with (last), a list and a map with one.
  EXPECT_EQ(OperatorProgress(*query_),
            (std::vector<std::string>{
                "0 transformWithStateExec registered=0 deleted=0 expired=0 values=2 lists=0 ttl=0",
                "1 transformWithStateExec registered=0 deleted=0 expired=0 values=2 lists=0 ttl=4",
            }));
  rapidjson::Document doc;
  doc.Parse(query_->lastProgress()->Json().c_str());
  const auto& m = doc["stateOperators"][0]["customMetrics"];
  EXPECT_EQ(m["numValueStateWithTTLVars"].GetInt64(), 2);
  EXPECT_EQ(m["numListStateWithTTLVars"].GetInt64(), 2);
  EXPECT_EQ(m["numMapStateWithTTLVars"].GetInt64(), 2);
  EXPECT_EQ(m["numMapStateVars"].GetInt64(), 0);
}

TEST_P(TransformWithStateTest, ValuesLiveAsLongAsTheirTtl) {
  Start(Remembered(3'600'000), "ttl_long");
  EXPECT_EQ(StepThenPause({"0 a 1", "0 a 2"}), (Rows{"a | NULL | 2 | 2 | 2"}));
  EXPECT_EQ(StepThenPause({"0 a 3"}), (Rows{"a | 2 | 3 | 3 | 3"}));
}

TEST_P(TransformWithStateTest, ATtlNeedsProcessingTimeAndAPositiveDuration) {
  for (const auto& [ttl, mode, error] : std::vector<std::tuple<int64_t, std::string, std::string>>{
           {1000, "None", "STATEFUL_PROCESSOR_INCORRECT_TIME_MODE_TO_ASSIGN_TTL"},
           {1000, "EventTime", "STATEFUL_PROCESSOR_INCORRECT_TIME_MODE_TO_ASSIGN_TTL"},
           {-5, "ProcessingTime", "STATEFUL_PROCESSOR_TTL_DURATION_MUST_BE_POSITIVE"}}) {
    auto df = Remembered(ttl, mode);
    std::string name = "ttl_refused_" + mode + std::to_string(ttl);
    auto query = df.writeStream()
                     .format("noop")
                     .outputMode("update")
                     .option("checkpointLocation", TestDir(name + std::to_string(GetParam().size())))
                     .start();
    arrow::Status status = query.status();
    if (query.ok()) {
      status = (*query)->processAllAvailable();
      (void)(*query)->stop();
    }
    ASSERT_FALSE(status.ok()) << mode;
    EXPECT_NE(status.message().find(error), std::string::npos) << status.ToString();
  }
}

TEST_P(TransformWithStateTest, AListStateRefusesEmptyLists) {
  // As Spark's ListState: put and appendList of no elements fail and leave the list as it was,
  // with a TTL (ProcessingTime) or without one.
  session_->conf().Set("spark.sql.streaming.noDataMicroBatches.enabled", "false");
  for (int64_t ttl_ms : {0, 3600000}) {
    StatefulProcessorFactory factory = [ttl_ms]() -> arrow::Result<std::shared_ptr<StatefulProcessor>> {
      return std::make_shared<WritesEmptyLists>(ttl_ms);
    };
    auto output = ParseDdlSchema("k STRING, put STRING, append STRING, listed BIGINT").ValueOrDie();
    stream_ = MemoryStream::Make(*ParseDdlSchema("ts TIMESTAMP, k STRING, v INT"));
    Start(DataFrame(session_, stream_->plan())
              .groupBy({Column("k")})
              .TransformWithState(factory, *output, "Update", ttl_ms ? "ProcessingTime" : "None"),
          "empty_lists_" + std::to_string(ttl_ms));
    const std::string error = "ILLEGAL_STATE_STORE_VALUE.EMPTY_LIST_VALUE";
    const std::string refused = error + " | " + error;
    EXPECT_EQ(Step({"0 a 1", "0 a 2"}), (Rows{"a | " + refused + " | 1"})) << ttl_ms;
    EXPECT_EQ(Step({"0 a 3"}), (Rows{"a | " + refused + " | 2"})) << ttl_ms;
    ASSERT_TRUE(query_->stop().ok());
    query_.reset();
  }
}

TEST_P(TransformWithStateTest, AnInitialStateIsHandedOverInTheFirstBatchOnly) {
  auto initial = session_->Sql("SELECT * FROM VALUES ('a', 5L), ('a', 6L), ('z', 7L) AS t(k, init)");
  Start(FromInitialState(initial), "initial_state");
  EXPECT_EQ(Step({"0 a 1", "0 b 2"}), (Rows{"a | 12", "b | 2"}));
  EXPECT_EQ(Step({"0 a 3", "0 z 1"}), (Rows{"a | 15", "z | 8"}));
}

TEST_P(TransformWithStateTest, AnInitialStateNeedsTheQuerysKeyTypes) {
  auto initial = session_->Sql("SELECT * FROM VALUES (1, 5L) AS t(k, init)");
  auto df = FromInitialState(initial);
  ASSERT_FALSE(df.ok());
  EXPECT_NE(df.status().message().find("initialState must be grouped by keys of the query's key types"),
            std::string::npos)
      << df.status().ToString();
}

TEST_P(TransformWithStateTest, AProcessorMayHandleEveryKeyOfABatchInOneCall) {
  Start(SummedAllAtOnce(), "all_keys_at_once");
  // Each key's rows are its own slice, and select_key points the state at it.
  EXPECT_EQ(Step({"0 a 1", "0 b 2", "0 a 3", "0 c 4"}), (Rows{"a | 2 | 4", "b | 1 | 2", "c | 1 | 4"}));
  EXPECT_EQ(Step({"0 b 10", "0 a 5"}), (Rows{"a | 3 | 9", "b | 2 | 12"}));
}

INSTANTIATE_TEST_SUITE_P(
    Providers, TransformWithStateTest,
    ::testing::Values("org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider",
                      "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"),
    [](const auto& info) { return info.param.find("RocksDB") != std::string::npos ? "RocksDB" : "InMemory"; });

}  // namespace
}  // namespace spate
