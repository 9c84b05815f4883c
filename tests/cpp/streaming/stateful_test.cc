// Watermarks, windowed aggregation, session windows and deduplication on a
// MemoryStream, batch by batch. Every expected output is worked out by hand
// from Spark's semantics, noted next to the step:
//   - batch N evicts with its own watermark and drops rows as late by the
//     previous batch's watermark (Spark 3.4+);
//   - after a batch the watermark becomes max(event time) - delay, and a
//     no-data batch runs when it moved and state may be evicted.

#include <filesystem>
#include <map>
#include <mutex>

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "spate/api/data_stream_writer.h"
#include "spate/api/functions.h"
#include "spate/api/session.h"
#include "spate/common/error.h"
#include "spate/connectors/memory/memory_stream.h"
#include "spate/expr/value_format.h"
#include "spate/types/ddl_parser.h"

namespace spate {
namespace {

namespace F = functions;
namespace fs = std::filesystem;

std::string TestDir(const std::string& name) {
  const char* env = std::getenv("SPATE_TEST_TMPDIR");
  auto dir = fs::path(env ? env : fs::temp_directory_path().string()) / "stateful_test" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

// Rows of (ts, k, v) from "HH:MM:SS k v" triples on 2024-01-01 (UTC).
std::shared_ptr<arrow::Table> Events(const std::vector<std::string>& rows) {
  arrow::TimestampBuilder ts(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool());
  arrow::StringBuilder k;
  arrow::Int32Builder v;
  for (const auto& row : rows) {
    int h = 0, m = 0, s = 0, value = 0;
    char key[16] = {0};
    std::sscanf(row.c_str(), "%d:%d:%d %15s %d", &h, &m, &s, key, &value);
    int64_t micros = (1704067200LL + h * 3600 + m * 60 + s) * 1'000'000;
    EXPECT_TRUE(ts.Append(micros).ok());
    EXPECT_TRUE(k.Append(key).ok());
    EXPECT_TRUE(v.Append(value).ok());
  }
  auto schema = arrow::schema({arrow::field("ts", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")),
                               arrow::field("k", arrow::utf8()), arrow::field("v", arrow::int32())});
  return arrow::Table::Make(schema, {ts.Finish().ValueOrDie(), k.Finish().ValueOrDie(), v.Finish().ValueOrDie()});
}

// Each row as "a | b | c" with show()'s cell text, sorted.
std::vector<std::string> RowStrings(const DataFrame& df) {
  auto table = df.toArrow().ValueOrDie();
  auto schema = df.schema();
  std::vector<std::string> rows(table->num_rows());
  auto combined = table->CombineChunksToBatch().ValueOrDie();
  for (int c = 0; c < combined->num_columns(); ++c) {
    auto cells = FormatForShow(*combined->column(c), *schema->fields()[c].type, FormatOptions{}).ValueOrDie();
    const auto& text = static_cast<const arrow::StringArray&>(*cells);
    for (int64_t r = 0; r < text.length(); ++r) rows[r] += (c ? " | " : "") + text.GetString(r);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

using Rows = std::vector<std::string>;

// Runs a query on (ts, k, v) events and records each batch's output.
class StatefulTest : public ::testing::Test {
 protected:
  void SetUp() override {
    session_ = Session::Make();
    session_->conf().Set("spark.sql.shuffle.partitions", "2");
    stream_ = MemoryStream::Make(*ParseDdlSchema("ts TIMESTAMP, k STRING, v INT"));
  }
  void TearDown() override {
    if (query_) {
      ASSERT_TRUE(query_->stop().ok());
    }
  }

  DataFrame Events() { return DataFrame(session_, stream_->plan()); }

  void Start(const DataFrame& df, const std::string& mode, const std::string& name) {
    checkpoint_ = TestDir(name);
    auto query = df.writeStream()
                     .outputMode(mode)
                     .option("checkpointLocation", checkpoint_)
                     .foreachBatch([this](const DataFrame& batch, int64_t id) -> arrow::Status {
                       auto rows = RowStrings(batch);
                       std::lock_guard<std::mutex> lock(mutex_);
                       batches_[id] = rows;
                       return arrow::Status::OK();
                     })
                     .start();
    ASSERT_TRUE(query.ok()) << query.status().ToString();
    query_ = *query;
  }

  // Adds rows, runs every batch they lead to (incl. no-data batches), and
  // returns the rows those batches emitted.
  Rows Step(const std::vector<std::string>& rows) {
    size_t before = BatchCount();
    EXPECT_TRUE(stream_->AddData(spate::Events(rows)).ok());
    auto status = query_->processAllAvailable();
    EXPECT_TRUE(status.ok()) << status.ToString();
    std::lock_guard<std::mutex> lock(mutex_);
    Rows out;
    size_t i = 0;
    for (const auto& [id, batch] : batches_) {
      if (i++ >= before) out.insert(out.end(), batch.begin(), batch.end());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  size_t BatchCount() {
    std::lock_guard<std::mutex> lock(mutex_);
    return batches_.size();
  }

  // A field of the last progress' first state operator.
  int64_t StateMetric(const std::string& name) {
    auto progress = query_->lastProgress();
    EXPECT_TRUE(progress.has_value());
    rapidjson::Document doc;
    doc.Parse(progress->Json().c_str());
    return doc["stateOperators"][0][name.c_str()].GetInt64();
  }

  std::string EventTime(const std::string& name) {
    auto progress = query_->lastProgress();
    rapidjson::Document doc;
    doc.Parse(progress->Json().c_str());
    if (!doc.HasMember("eventTime") || !doc["eventTime"].HasMember(name.c_str())) return "";
    return doc["eventTime"][name.c_str()].GetString();
  }

  arrow::Status StartError(const DataFrame& df, const std::string& mode) {
    auto query = df.writeStream().outputMode(mode).format("console").start();
    if (query.ok()) {
      (void)(*query)->stop();
      return arrow::Status::OK();
    }
    return query.status();
  }

  std::shared_ptr<Session> session_;
  std::shared_ptr<MemoryStream> stream_;
  std::shared_ptr<StreamingQuery> query_;
  std::string checkpoint_;
  std::mutex mutex_;
  std::map<int64_t, Rows> batches_;
};

DataFrame TumblingCounts(const DataFrame& events) {
  return events.withWatermark("ts", "10 minutes")
      .groupBy({F::window(F::col("ts"), "10 minutes"), F::col("k")})
      .agg({F::count(F::col("v")).alias("n"), F::sum(F::col("v")).alias("total")});
}

const char* kW1200 = "{2024-01-01 12:00:00, 2024-01-01 12:10:00}";
const char* kW1210 = "{2024-01-01 12:10:00, 2024-01-01 12:20:00}";
const char* kW1220 = "{2024-01-01 12:20:00, 2024-01-01 12:30:00}";

TEST_F(StatefulTest, TumblingWindowAppendEmitsEachWindowOnceWhenTheWatermarkPassesItsEnd) {
  Start(TumblingCounts(Events()), "append", "tumbling_append");
  // Watermark 0 while the first batch runs: nothing closes. Afterwards
  // max 12:14 - 10 min = 12:04; the no-data batch closes no window (ends 12:10, 12:20).
  EXPECT_EQ(Step({"12:07:00 a 1", "12:08:00 a 2", "12:14:00 b 5"}), Rows{});
  EXPECT_EQ(EventTime("watermark"), "2024-01-01T12:04:00.000Z");
  // 12:03 is late by less than the delay: [12:00, 12:10) is still open and counts it.
  // max 12:21 -> watermark 12:11: the no-data batch emits [12:00, 12:10) for a.
  EXPECT_EQ(Step({"12:21:00 a 4", "12:03:00 a 3"}), (Rows{std::string(kW1200) + " | a | 3 | 6"}));
  auto last = query_->lastProgress();
  EXPECT_EQ(last->num_input_rows, 0);  // the window was closed by the no-data batch
  EXPECT_EQ(batches_.rbegin()->second, (Rows{std::string(kW1200) + " | a | 3 | 6"}));
  EXPECT_EQ(StateMetric("numRowsTotal"), 2);  // [12:10) b and [12:20) a remain
  // 12:05 falls in [12:00, 12:10), closed by 12:11: dropped and counted.
  // 12:31 moves the watermark to 12:21: [12:10) b and [12:20) ... end 12:30 > 12:21 stays.
  EXPECT_EQ(Step({"12:05:00 a 9", "12:31:00 c 1"}), (Rows{std::string(kW1210) + " | b | 1 | 5"}));
  auto progress = query_->recentProgress();
  int64_t dropped = 0;
  for (const auto& p : progress) {
    rapidjson::Document doc;
    doc.Parse(p.Json().c_str());
    dropped += doc["stateOperators"][0]["numRowsDroppedByWatermark"].GetInt64();
  }
  EXPECT_EQ(dropped, 1);
  EXPECT_EQ(StateMetric("numRowsTotal"), 2);  // [12:20) a and [12:30) c
}

TEST_F(StatefulTest, TumblingWindowUpdateEmitsChangedWindowsAndForgetsClosedOnes) {
  Start(TumblingCounts(Events()), "update", "tumbling_update");
  EXPECT_EQ(Step({"12:07:00 a 1", "12:08:00 a 2", "12:14:00 b 5"}),
            (Rows{std::string(kW1200) + " | a | 2 | 3", std::string(kW1210) + " | b | 1 | 5"}));
  // Only a's window changes; then the watermark reaches 12:11 and [12:00) leaves the state.
  EXPECT_EQ(Step({"12:09:00 a 4", "12:21:00 a 1"}),
            (Rows{std::string(kW1200) + " | a | 3 | 7", std::string(kW1220) + " | a | 1 | 1"}));
  EXPECT_EQ(StateMetric("numRowsTotal"), 2);
  EXPECT_EQ(StateMetric("numRowsRemoved"), 1);
  // A late row for the evicted window is dropped, not emitted as a new count of 1.
  EXPECT_EQ(Step({"12:01:00 a 1"}), Rows{});
  EXPECT_EQ(StateMetric("numRowsDroppedByWatermark"), 1);
}

TEST_F(StatefulTest, TumblingWindowCompleteEmitsEveryWindowEachBatchAndKeepsThem) {
  Start(TumblingCounts(Events()), "complete", "tumbling_complete");
  EXPECT_EQ(Step({"12:07:00 a 1", "12:14:00 b 5"}),
            (Rows{std::string(kW1200) + " | a | 1 | 1", std::string(kW1210) + " | b | 1 | 5"}));
  // Complete mode keeps all state and drops nothing as late; it runs no
  // no-data batches (it never evicts).
  size_t before = BatchCount();
  Step({"12:45:00 a 2", "12:01:00 a 3"});
  EXPECT_EQ(BatchCount(), before + 1);
  EXPECT_EQ(batches_.rbegin()->second,
            (Rows{std::string(kW1200) + " | a | 2 | 4", std::string(kW1210) + " | b | 1 | 5",
                  "{2024-01-01 12:40:00, 2024-01-01 12:50:00} | a | 1 | 2"}));
  EXPECT_EQ(StateMetric("numRowsTotal"), 3);
}

TEST_F(StatefulTest, SlidingWindowsCountARowInEveryWindowContainingIt) {
  auto counts = Events()
                    .withWatermark("ts", "5 minutes")
                    .groupBy({F::window(F::col("ts"), "10 minutes", "5 minutes")})
                    .agg({F::count(F::col("v")).alias("n")});
  Start(counts, "append", "sliding_append");
  // 12:07 is in [12:00, 12:10) and [12:05, 12:15); 12:12 in [12:05, 12:15) and [12:10, 12:20).
  // Watermark 12:12 - 5 = 12:07: nothing ends by then.
  EXPECT_EQ(Step({"12:07:00 a 1", "12:12:00 a 1"}), Rows{});
  // 12:26 -> watermark 12:21: [12:00,12:10) 1, [12:05,12:15) 2, [12:10,12:20) 1 close.
  EXPECT_EQ(Step({"12:26:00 a 1"}), (Rows{"{2024-01-01 12:00:00, 2024-01-01 12:10:00} | 1",
                                          "{2024-01-01 12:05:00, 2024-01-01 12:15:00} | 2",
                                          "{2024-01-01 12:10:00, 2024-01-01 12:20:00} | 1"}));
}

TEST_F(StatefulTest, SlidingWindowsInUpdateAndCompleteModes) {
  auto counts = [this] {
    return Events()
        .withWatermark("ts", "5 minutes")
        .groupBy({F::window(F::col("ts"), "10 minutes", "5 minutes")})
        .agg({F::count(F::col("v")).alias("n")});
  };
  Start(counts(), "update", "sliding_update");
  EXPECT_EQ(Step({"12:07:00 a 1"}), (Rows{"{2024-01-01 12:00:00, 2024-01-01 12:10:00} | 1",
                                          "{2024-01-01 12:05:00, 2024-01-01 12:15:00} | 1"}));
  // 12:12 updates [12:05, 12:15) and opens [12:10, 12:20); [12:00, 12:10) is unchanged.
  EXPECT_EQ(Step({"12:12:00 a 1"}), (Rows{"{2024-01-01 12:05:00, 2024-01-01 12:15:00} | 2",
                                          "{2024-01-01 12:10:00, 2024-01-01 12:20:00} | 1"}));
  ASSERT_TRUE(query_->stop().ok());
  query_.reset();
  batches_.clear();
  stream_ = MemoryStream::Make(*ParseDdlSchema("ts TIMESTAMP, k STRING, v INT"));
  Start(counts(), "complete", "sliding_complete");
  Step({"12:07:00 a 1"});
  Step({"12:12:00 a 1"});
  EXPECT_EQ(batches_.rbegin()->second, (Rows{"{2024-01-01 12:00:00, 2024-01-01 12:10:00} | 1",
                                             "{2024-01-01 12:05:00, 2024-01-01 12:15:00} | 2",
                                             "{2024-01-01 12:10:00, 2024-01-01 12:20:00} | 1"}));
}

TEST_F(StatefulTest, EveryAggregateMergesAcrossBatches) {
  auto df = Events().groupBy({F::col("k")}).agg(
      {F::count(F::col("v")).alias("n"), F::sum(F::col("v")).alias("sum"), F::avg(F::col("v")).alias("avg"),
       F::min(F::col("v")).alias("min"), F::max(F::col("v")).alias("max"), F::first(F::col("v")).alias("first"),
       F::last(F::col("v")).alias("last"), F::collect_list(F::col("v")).alias("list"),
       F::collect_set(F::col("v")).alias("set"), F::approx_count_distinct(F::col("v")).alias("distinct")});
  Start(df, "update", "every_aggregate");
  EXPECT_EQ(Step({"12:00:00 a 4", "12:00:01 a 2", "12:00:02 a 4"}),
            (Rows{"a | 3 | 10 | 3.3333333333333335 | 2 | 4 | 4 | 4 | [4, 2, 4] | [4, 2] | 2"}));
  // The stored buffers merge with the new rows: first stays, last moves on.
  EXPECT_EQ(Step({"12:01:00 a 9", "12:01:01 a 2"}),
            (Rows{"a | 5 | 21 | 4.2 | 2 | 9 | 4 | 2 | [4, 2, 4, 9, 2] | [4, 2, 9] | 3"}));
}

TEST_F(StatefulTest, ChainedWindowAggregationsInAppendMode) {
  // Counts per 5-minute window, then the 10-minute windows of those counts' event times.
  auto fine = Events()
                  .withWatermark("ts", "0 seconds")
                  .groupBy({F::window(F::col("ts"), "5 minutes")})
                  .agg({F::count(F::col("v")).alias("n")});
  auto coarse = fine.groupBy({F::window(F::window_time(F::col("window")), "10 minutes")})
                    .agg({F::sum(F::col("n")).alias("total"), F::count(F::col("n")).alias("windows")});
  Start(coarse, "append", "chained");
  EXPECT_EQ(Step({"12:01:00 a 1", "12:02:00 a 1", "12:06:00 a 1"}), Rows{});
  // Watermark 12:25 closes [12:00, 12:05) and [12:05, 12:10) in the first
  // operator; the second then closes [12:00, 12:10) with both.
  EXPECT_EQ(Step({"12:25:00 a 1"}), (Rows{"{2024-01-01 12:00:00, 2024-01-01 12:10:00} | 3 | 2"}));
}

DataFrame Sessions(const DataFrame& events) {
  return events.withWatermark("ts", "10 minutes")
      .groupBy({F::session_window(F::col("ts"), "5 minutes"), F::col("k")})
      .agg({F::count(F::col("v")).alias("n"), F::collect_list(F::col("v")).alias("vs")});
}

TEST_F(StatefulTest, SessionWindowAppendMergesAcrossBatchesAndEmitsClosedSessions) {
  Start(Sessions(Events()), "append", "session_append");
  // a: 12:00 and 12:03 form [12:00, 12:08); b: [12:02, 12:07). Watermark 12:03 - 10 < any end.
  EXPECT_EQ(Step({"12:00:00 a 1", "12:03:00 a 2", "12:02:00 b 7"}), Rows{});
  // 12:07 joins a's stored session (it starts before 12:08): [12:00, 12:12).
  // 12:20 c opens its own. Watermark 12:10: b's [12:02, 12:07) closes.
  EXPECT_EQ(Step({"12:07:00 a 3", "12:20:00 c 1"}),
            (Rows{"{2024-01-01 12:02:00, 2024-01-01 12:07:00} | b | 1 | [7]"}));
  EXPECT_EQ(StateMetric("numRowsTotal"), 2);
  // 12:40 -> watermark 12:30: a's [12:00, 12:12) and c's [12:20, 12:25) close.
  EXPECT_EQ(Step({"12:40:00 d 1"}), (Rows{"{2024-01-01 12:00:00, 2024-01-01 12:12:00} | a | 3 | [1, 2, 3]",
                                          "{2024-01-01 12:20:00, 2024-01-01 12:25:00} | c | 1 | [1]"}));
}

TEST_F(StatefulTest, SessionWindowCompleteShowsMergedSessions) {
  Start(Sessions(Events()), "complete", "session_complete");
  Step({"12:00:00 a 1", "12:10:00 a 2"});
  EXPECT_EQ(batches_.rbegin()->second, (Rows{"{2024-01-01 12:00:00, 2024-01-01 12:05:00} | a | 1 | [1]",
                                             "{2024-01-01 12:10:00, 2024-01-01 12:15:00} | a | 1 | [2]"}));
  // 12:05 bridges both sessions (it reaches 12:10): one session [12:00, 12:15).
  Step({"12:05:00 a 3"});
  EXPECT_EQ(batches_.rbegin()->second, (Rows{"{2024-01-01 12:00:00, 2024-01-01 12:15:00} | a | 3 | [1, 3, 2]"}));
  EXPECT_EQ(StateMetric("numRowsTotal"), 1);
}

TEST_F(StatefulTest, SessionWindowWithADynamicGap) {
  auto gap = F::when(F::col("k") == lit("a"), lit("10 minutes")).otherwise(lit("1 minute"));
  auto df = Events()
                .withWatermark("ts", "0 seconds")
                .groupBy({F::session_window(F::col("ts"), gap), F::col("k")})
                .agg({F::count(F::col("v")).alias("n")});
  Start(df, "append", "session_dynamic");
  // a (10-minute gap): 12:00 and 12:08 merge into [12:00, 12:18); b (1 minute): two sessions.
  // Watermark 12:30 closes all of them.
  EXPECT_EQ(Step({"12:00:00 a 1", "12:08:00 a 1", "12:00:00 b 1", "12:05:00 b 1", "12:30:00 z 1"}),
            (Rows{"{2024-01-01 12:00:00, 2024-01-01 12:01:00} | b | 1", "{2024-01-01 12:00:00, 2024-01-01 12:18:00} | a | 2",
                  "{2024-01-01 12:05:00, 2024-01-01 12:06:00} | b | 1"}));
}

TEST_F(StatefulTest, DropDuplicatesWithoutWatermarkRemembersEveryKey) {
  Start(Events().dropDuplicates({"k"}).select({F::col("k"), F::col("v")}), "append", "dedup_plain");
  EXPECT_EQ(Step({"12:00:00 a 1", "12:01:00 a 2", "12:02:00 b 3"}), (Rows{"a | 1", "b | 3"}));
  EXPECT_EQ(Step({"12:03:00 a 4", "12:04:00 c 5"}), (Rows{"c | 5"}));
  EXPECT_EQ(StateMetric("numRowsTotal"), 3);
}

TEST_F(StatefulTest, DropDuplicatesWithEventTimeKeyEvictsByWatermark) {
  auto df = Events().withWatermark("ts", "5 minutes").dropDuplicates({"k", "ts"}).select({F::col("k"), F::col("v")});
  Start(df, "append", "dedup_watermark");
  EXPECT_EQ(Step({"12:00:00 a 1", "12:00:00 a 2", "12:10:00 b 3"}), (Rows{"a | 1", "b | 3"}));
  // Watermark 12:05 evicted (a, 12:00); a row at 12:00 is now late (dropped, not a "new" key).
  EXPECT_EQ(StateMetric("numRowsTotal"), 1);
  EXPECT_EQ(Step({"12:00:00 a 9", "12:10:00 b 4", "12:11:00 b 5"}), (Rows{"b | 5"}));
  EXPECT_EQ(StateMetric("numRowsDroppedByWatermark"), 0);  // the last (no-data) batch dropped none
}

TEST_F(StatefulTest, DropDuplicatesWithinWatermarkForgetsKeysAfterTheDelay) {
  auto df = Events().withWatermark("ts", "5 minutes").dropDuplicatesWithinWatermark({"k"}).select(
      {F::col("k"), F::col("v")});
  Start(df, "append", "dedup_within");
  EXPECT_EQ(Step({"12:00:00 a 1", "12:02:00 a 2"}), (Rows{"a | 1"}));
  // The key expires at 12:00 + 5 min; the watermark 12:20 - 5 = 12:15 passes it.
  EXPECT_EQ(Step({"12:20:00 b 3"}), (Rows{"b | 3"}));
  EXPECT_EQ(Step({"12:21:00 a 4"}), (Rows{"a | 4"}));
}

TEST_F(StatefulTest, StateSurvivesARestart) {
  auto df = TumblingCounts(Events());
  Start(df, "update", "restart");
  Step({"12:07:00 a 1"});
  ASSERT_TRUE(query_->stop().ok());
  query_.reset();
  std::string checkpoint = checkpoint_;
  auto again = df.writeStream()
                   .outputMode("update")
                   .option("checkpointLocation", checkpoint)
                   .foreachBatch([this](const DataFrame& batch, int64_t id) -> arrow::Status {
                     std::lock_guard<std::mutex> lock(mutex_);
                     batches_[id] = RowStrings(batch);
                     return arrow::Status::OK();
                   })
                   .start();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  query_ = *again;
  // The count continues from the stored state.
  EXPECT_EQ(Step({"12:08:00 a 2"}), (Rows{std::string(kW1200) + " | a | 2 | 3"}));
}

TEST_F(StatefulTest, ARestartKeepsTheRecordedNumberOfStatePartitions) {
  auto df = Events().groupBy({F::col("k")}).agg({F::count(F::col("v")).alias("n")});
  Start(df, "update", "restart_partitions");
  EXPECT_EQ(Step({"12:00:00 a 1", "12:00:00 b 1", "12:00:00 c 1"}), (Rows{"a | 1", "b | 1", "c | 1"}));
  ASSERT_TRUE(query_->stop().ok());
  session_->conf().Set("spark.sql.shuffle.partitions", "5");
  auto again = df.writeStream().outputMode("update").option("checkpointLocation", checkpoint_).foreachBatch(
      [this](const DataFrame& batch, int64_t id) -> arrow::Status {
        std::lock_guard<std::mutex> lock(mutex_);
        batches_[id] = RowStrings(batch);
        return arrow::Status::OK();
      }).start();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  query_ = *again;
  // Keys are still found in the partitions they were stored in: the counts continue.
  EXPECT_EQ(Step({"12:01:00 a 1", "12:01:00 b 1", "12:01:00 c 1"}), (Rows{"a | 2", "b | 2", "c | 2"}));
  EXPECT_EQ(StateMetric("numShufflePartitions"), 2);
  EXPECT_FALSE(fs::exists(checkpoint_ + "/state/0/4"));
}

TEST_F(StatefulTest, ARestartWithAnIncompatibleStateSchemaFails) {
  Start(Events().groupBy({F::col("k")}).agg({F::count(F::col("v")).alias("n")}), "update", "restart_schema");
  Step({"12:00:00 a 1"});
  ASSERT_TRUE(query_->stop().ok());
  // Grouped by an INT instead of a STRING: the stored keys cannot be read.
  auto changed = Events().groupBy({F::col("v")}).agg({F::count(F::col("k")).alias("n")});
  auto again = changed.writeStream().outputMode("update").option("checkpointLocation", checkpoint_).format("noop").start();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  query_ = *again;
  auto status = query_->awaitTermination();
  EXPECT_NE(status.message().find("STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE"), std::string::npos) << status.ToString();
}

TEST_F(StatefulTest, RejectedCombinationsGiveSparksMessages) {
  auto counts = Events().groupBy({F::col("k")}).agg({F::count(F::col("v")).alias("n")});
  auto error = StartError(counts, "append");
  EXPECT_NE(error.message().find("[STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION] Invalid streaming output mode: "
                                 "append. This output mode is not supported for streaming aggregations "
                                 "without watermark on streaming DataFrames/DataSets."),
            std::string::npos)
      << error.ToString();
  error = StartError(Sessions(Events()), "update");
  EXPECT_NE(error.message().find("Invalid streaming output mode: update. This output mode is not supported for "
                                 "session window streaming aggregations"),
            std::string::npos);
  error = StartError(Events().groupBy({F::col("k")}).agg({F::countDistinct({F::col("v")})}), "complete");
  EXPECT_NE(error.message().find("Distinct aggregations are not supported on streaming DataFrames/Datasets"),
            std::string::npos)
      << error.ToString();
  error = StartError(Events().dropDuplicatesWithinWatermark({"k"}), "append");
  EXPECT_NE(error.message().find("dropDuplicatesWithinWatermark is not supported on streaming "
                                 "DataFrames/DataSets without watermark"),
            std::string::npos)
      << error.ToString();
  error = StartError(Events().orderBy({F::col("k")}), "append");
  EXPECT_NE(error.message().find("Sorting is not supported on streaming DataFrames/Datasets"), std::string::npos);
  // An aggregation in update mode feeding another stateful operator.
  auto chained = counts.groupBy({F::col("n")}).agg({F::count(F::col("k")).alias("m")});
  error = StartError(chained, "update");
  EXPECT_NE(error.message().find("Detected pattern of possible 'correctness' issue"), std::string::npos)
      << error.ToString();
  session_->conf().Set("spark.sql.streaming.statefulOperator.checkCorrectness.enabled", "false");
  EXPECT_TRUE(StartError(chained, "update").ok());
}

// Impressions (ts, k) on the left, clicks (ct, ck) on the right: a click
// matches an impression of its key up to an hour after it.
TEST_F(StatefulTest, StreamStreamLeftOuterJoinPadsImpressionsTheWatermarkCloses) {
  auto clicks_stream = MemoryStream::Make(*ParseDdlSchema("ts TIMESTAMP, k STRING, v INT"));
  auto impressions = Events().withWatermark("ts", "10 minutes");
  auto clicks = DataFrame(session_, clicks_stream->plan())
                    .select({F::col("ts").alias("ct"), F::col("k").alias("ck")})
                    .withWatermark("ct", "10 minutes");
  auto joined = impressions.join(clicks, F::expr("k = ck AND ct >= ts AND ct <= ts + interval 1 hour"), "left_outer")
                    .select({F::col("k"), F::col("v"), F::col("ct")});
  Start(joined, "append", "stream_join_left_outer");
  // a's click comes 10 minutes after it; b has none.
  ASSERT_TRUE(clicks_stream->AddData(spate::Events({"12:10:00 a 0"})).ok());
  EXPECT_EQ(Step({"12:00:00 a 1", "12:05:00 b 2"}), (Rows{"a | 1 | 2024-01-01 12:10:00"}));
  EXPECT_EQ(StateMetric("numRowsTotal"), 3);
  // The watermark reaches 14:50: left rows at or before 13:49:59.999 leave
  // the state; b never matched and comes out with NULLs (in a no-data batch).
  ASSERT_TRUE(clicks_stream->AddData(spate::Events({"15:00:00 z 0"})).ok());
  EXPECT_EQ(Step({"15:00:00 c 3"}), (Rows{"b | 2 | NULL"}));
  EXPECT_EQ(StateMetric("numRowsTotal"), 2);
  // A click for a, now later than the watermark allows, is late: dropped.
  ASSERT_TRUE(clicks_stream->AddData(spate::Events({"12:20:00 a 0"})).ok());
  EXPECT_EQ(Step({}), Rows{});
  EXPECT_EQ(StateMetric("numRowsDroppedByWatermark"), 1);
}

TEST_F(StatefulTest, StreamStreamJoinsSparkRefusesGiveItsMessages) {
  auto right = DataFrame(session_, MemoryStream::Make(*ParseDdlSchema("ct TIMESTAMP, ck STRING, cv INT"))->plan());
  auto outer = Events().join(right, F::expr("k = ck"), "left_outer");
  EXPECT_EQ(StartError(outer, "append").message(),
            "[_LEGACY_ERROR_TEMP_3102] Stream-stream LeftOuter join between two streaming DataFrame/Datasets is not "
            "supported without a watermark in the join keys, or a watermark on the nullable side and an appropriate "
            "range condition");
  EXPECT_NE(StartError(Events().join(right, F::expr("k = ck")), "update").message().find(
                "Join between two streaming DataFrames/Datasets is not supported in Update output mode"),
            std::string::npos);
  auto anti = Events().join(right, F::expr("k = ck"), "left_anti");
  EXPECT_NE(StartError(anti, "append").message().find("LeftAnti joins with a streaming DataFrame/Dataset on the right"),
            std::string::npos);
  auto static_right = session_->CreateDataFrame(spate::Events({"12:00:00 a 1"}));
  auto right_outer = Events().join(static_right, std::vector<std::string>{"k"}, "right_outer");
  EXPECT_NE(StartError(right_outer, "append").message().find(
                "RightOuter join with a streaming DataFrame/Dataset on the left and a static DataFrame/DataSet"),
            std::string::npos);
}

TEST_F(StatefulTest, WithWatermarkValidatesItsArguments) {
  auto bad_type = Events().withWatermark("k", "10 minutes");
  ASSERT_FALSE(bad_type.ok());
  EXPECT_EQ(bad_type.status().message(),
            "[EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE] The event time `k` has the invalid type \"STRING\", but "
            "expected \"TIMESTAMP\". SQLSTATE: 42K09");
  auto negative = Events().withWatermark("ts", "-1 minute");
  ASSERT_FALSE(negative.ok());
  EXPECT_NE(negative.status().message().find("should not be negative"), std::string::npos);
  auto garbage = Events().withWatermark("ts", "ten minutes");
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.status().message().find("ten minutes"), std::string::npos);
}

TEST_F(StatefulTest, MaxWatermarkPolicyFollowsTheFasterStream) {
  auto other = MemoryStream::Make(*ParseDdlSchema("ts TIMESTAMP, k STRING, v INT"));
  session_->conf().Set("spark.sql.streaming.multipleWatermarkPolicy", "max");
  auto left = Events().withWatermark("ts", "10 minutes");
  auto right = DataFrame(session_, other->plan()).withWatermark("ts", "1 minute");
  Start(left.unionAll(right).groupBy({F::window(F::col("ts"), "5 minutes")}).agg({F::count(F::col("v")).alias("n")}),
        "append", "max_policy");
  ASSERT_TRUE(other->AddData(spate::Events({"12:30:00 x 1"})).ok());
  Step({"12:00:00 a 1"});
  // min would be 12:00 - 10 = 11:50; max takes 12:30 - 1 = 12:29.
  EXPECT_EQ(EventTime("watermark"), "2024-01-01T12:29:00.000Z");
}

}  // namespace
}  // namespace spate
