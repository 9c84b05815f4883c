// Stateful operators run their state partitions on spark.master's threads:
// a query gives the same rows, in the same order, and leaves the same state
// with local[1] (one partition after the other) as with local[4] (four at
// once), over many partitions.

#include <filesystem>
#include <map>
#include <mutex>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "spate/api/data_stream_writer.h"
#include "spate/api/functions.h"
#include "spate/api/reader.h"
#include "spate/api/session.h"
#include "spate/connectors/memory/memory_stream.h"
#include "spate/types/ddl_parser.h"

namespace spate {
namespace {

namespace F = functions;
namespace fs = std::filesystem;

using Rows = std::vector<std::string>;

std::string TestDir(const std::string& name) {
  const char* env = std::getenv("SPATE_TEST_TMPDIR");
  auto dir = fs::path(env ? env : fs::temp_directory_path().string()) / "parallel_partitions_test" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

// `keys` rows (ts, k, v) of batch b: key i at minute b*7 + i % 13 past noon on 2024-01-01 (UTC).
std::shared_ptr<arrow::Table> Batch(int b, int keys) {
  arrow::TimestampBuilder ts(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool());
  arrow::StringBuilder k;
  arrow::Int32Builder v;
  for (int i = 0; i < keys; ++i) {
    const int64_t minute = b * 7 + i % 13;
    EXPECT_TRUE(ts.Append((1704110400LL + minute * 60) * 1'000'000).ok());
    EXPECT_TRUE(k.Append("k" + std::to_string((i * 31 + b * 17) % keys)).ok());
    EXPECT_TRUE(v.Append(b * 1000 + i).ok());
  }
  auto schema = arrow::schema({arrow::field("ts", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")),
                               arrow::field("k", arrow::utf8()), arrow::field("v", arrow::int32())});
  return arrow::Table::Make(schema, {ts.Finish().ValueOrDie(), k.Finish().ValueOrDie(), v.Finish().ValueOrDie()});
}

// A table's rows as text, in order.
Rows RowsOf(const std::shared_ptr<arrow::Table>& table) {
  auto batch = table->CombineChunksToBatch().ValueOrDie();
  Rows rows(static_cast<size_t>(batch->num_rows()));
  for (int64_t r = 0; r < batch->num_rows(); ++r) {
    for (int c = 0; c < batch->num_columns(); ++c) {
      rows[r] += (c ? " | " : "") + batch->column(c)->GetScalar(r).ValueOrDie()->ToString();
    }
  }
  return rows;
}

// What a query did: each batch's rows in the order emitted, and its state at the end.
struct Run {
  std::map<int64_t, Rows> batches;
  Rows state;
};

using Query = std::function<DataFrame(const DataFrame& events)>;

Run RunQuery(const std::string& master, const Query& query, const std::string& mode, const std::string& name) {
  auto session = Session::Make();
  session->conf().Set("spark.master", master);
  session->conf().Set("spark.sql.shuffle.partitions", "16");
  auto stream = MemoryStream::Make(*ParseDdlSchema("ts TIMESTAMP, k STRING, v INT"));
  const std::string checkpoint = TestDir(name);
  Run run;
  std::mutex mutex;
  auto started = query(DataFrame(session, stream->plan()))
                     .writeStream()
                     .outputMode(mode)
                     .option("checkpointLocation", checkpoint)
                     .foreachBatch([&](const DataFrame& batch, int64_t id) -> arrow::Status {
                       ARROW_ASSIGN_OR_RAISE(auto table, batch.toArrow());
                       std::lock_guard<std::mutex> lock(mutex);
                       run.batches[id] = RowsOf(table);
                       return arrow::Status::OK();
                     })
                     .start();
  EXPECT_TRUE(started.ok()) << started.status().ToString();
  if (!started.ok()) return run;
  for (int b = 0; b < 6; ++b) {
    EXPECT_TRUE(stream->AddData(Batch(b, 300)).ok());
    auto status = (*started)->processAllAvailable();
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
  EXPECT_TRUE((*started)->stop().ok());
  auto state = session->read().format("statestore").load(checkpoint).toArrow();
  EXPECT_TRUE(state.ok()) << state.status().ToString();
  if (state.ok()) run.state = RowsOf(*state);
  std::lock_guard<std::mutex> lock(mutex);
  return run;
}

void ExpectSameOnOneAndFourThreads(const Query& query, const std::string& mode, const std::string& name) {
  Run one = RunQuery("local[1]", query, mode, name + "_1");
  Run four = RunQuery("local[4]", query, mode, name + "_4");
  ASSERT_GT(one.batches.size(), 1u);
  size_t rows = 0;
  for (const auto& [id, batch] : one.batches) rows += batch.size();
  EXPECT_GT(rows, 0u);
  EXPECT_EQ(one.batches, four.batches);
  EXPECT_FALSE(one.state.empty());
  EXPECT_EQ(one.state, four.state);
}

TEST(ParallelPartitionsTest, TumblingWindowUpdateModeWithEviction) {
  ExpectSameOnOneAndFourThreads(
      [](const DataFrame& events) {
        return events.withWatermark("ts", "10 minutes")
            .groupBy({F::window(F::col("ts"), "10 minutes"), F::col("k")})
            .agg({F::count(F::col("v")).alias("n"), F::sum(F::col("v")).alias("total"),
                  F::collect_list(F::col("v")).alias("vs")});
      },
      "update", "tumbling");
}

TEST(ParallelPartitionsTest, GroupByCompleteMode) {
  ExpectSameOnOneAndFourThreads(
      [](const DataFrame& events) {
        return events.groupBy({F::col("k")}).agg({F::count(F::col("v")).alias("n"), F::max(F::col("v")).alias("top")});
      },
      "complete", "complete");
}

TEST(ParallelPartitionsTest, SessionWindowAppendMode) {
  ExpectSameOnOneAndFourThreads(
      [](const DataFrame& events) {
        return events.withWatermark("ts", "5 minutes")
            .groupBy({F::session_window(F::col("ts"), "4 minutes"), F::col("k")})
            .agg({F::count(F::col("v")).alias("n"), F::collect_list(F::col("v")).alias("vs")});
      },
      "append", "session");
}

TEST(ParallelPartitionsTest, DropDuplicatesWithinWatermark) {
  ExpectSameOnOneAndFourThreads(
      [](const DataFrame& events) {
        return events.withWatermark("ts", "10 minutes").dropDuplicatesWithinWatermark({"k"});
      },
      "append", "dedup");
}

}  // namespace
}  // namespace spate
