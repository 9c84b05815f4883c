// Stateful operators run their state partitions on spark.master's threads:
// a query gives the same rows, in the same order, and leaves the same state
// with local[1] (one partition after the other) as with local[4] (four at
// once), over many partitions.

#include <filesystem>
#include <map>
#include <mutex>
#include <set>

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

// Key i of batch b.
std::string Key(int i, int b, int keys) { return "k" + std::to_string((i * 31 + b * 17) % keys); }

// `keys` rows (ts, k, v) of batch b: key i at minute b*7 + i % 13 past noon on 2024-01-01 (UTC);
// with `null_keys`, every eleventh row has no key.
std::shared_ptr<arrow::Table> Batch(int b, int keys, bool null_keys = false) {
  arrow::TimestampBuilder ts(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool());
  arrow::StringBuilder k;
  arrow::Int32Builder v;
  for (int i = 0; i < keys; ++i) {
    const int64_t minute = b * 7 + i % 13;
    EXPECT_TRUE(ts.Append((1704110400LL + minute * 60) * 1'000'000).ok());
    EXPECT_TRUE((null_keys && i % 11 == 0 ? k.AppendNull() : k.Append(Key(i, b, keys))).ok());
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
struct QueryRun {
  std::map<int64_t, Rows> batches;
  Rows state;
  std::shared_ptr<arrow::Table> state_table;
};

using Query = std::function<DataFrame(const DataFrame& events)>;

QueryRun RunQuery(const std::string& master, const Query& query, const std::string& mode, const std::string& name,
             bool null_keys = false) {
  auto session = Session::Make();
  session->conf().Set("spark.master", master);
  session->conf().Set("spark.sql.shuffle.partitions", "16");
  auto stream = MemoryStream::Make(*ParseDdlSchema("ts TIMESTAMP, k STRING, v INT"));
  const std::string checkpoint = TestDir(name);
  QueryRun run;
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
    EXPECT_TRUE(stream->AddData(Batch(b, 300, null_keys)).ok());
    auto status = (*started)->processAllAvailable();
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
  EXPECT_TRUE((*started)->stop().ok());
  auto state = session->read().format("statestore").load(checkpoint).toArrow();
  EXPECT_TRUE(state.ok()) << state.status().ToString();
  if (state.ok()) {
    run.state = RowsOf(*state);
    run.state_table = *state;
  }
  std::lock_guard<std::mutex> lock(mutex);
  return run;
}

QueryRun ExpectSameOnOneAndFourThreads(const Query& query, const std::string& mode, const std::string& name,
                                  bool null_keys = false) {
  QueryRun one = RunQuery("local[1]", query, mode, name + "_1", null_keys);
  QueryRun four = RunQuery("local[4]", query, mode, name + "_4", null_keys);
  EXPECT_GT(one.batches.size(), 1u);
  size_t rows = 0;
  for (const auto& [id, batch] : one.batches) rows += batch.size();
  EXPECT_GT(rows, 0u);
  EXPECT_EQ(one.batches, four.batches);
  EXPECT_FALSE(one.state.empty());
  EXPECT_EQ(one.state, four.state);
  return one;
}

// The text of a row's first column.
std::string FirstColumn(const std::string& row) { return row.substr(0, row.find(" | ")); }

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

// An aggregation's rows come out partition by partition (the partition
// whose store keeps the group: the statestore reader's partition_id), and
// within a partition in the order the batch first has each group, null
// key included.
TEST(ParallelPartitionsTest, GroupsComeOutInPartitionThenArrivalOrder) {
  QueryRun run = ExpectSameOnOneAndFourThreads(
      [](const DataFrame& events) { return events.groupBy({F::col("k")}).agg({F::count(F::col("v")).alias("n")}); },
      "update", "order", /*null_keys=*/true);
  ASSERT_NE(run.state_table, nullptr);
  auto state = run.state_table->CombineChunksToBatch().ValueOrDie();
  const auto& keys = static_cast<const arrow::StructArray&>(*state->GetColumnByName("key"));
  auto partition_ids = state->GetColumnByName("partition_id");
  std::map<std::string, int64_t> partition_of;
  std::set<int64_t> used;
  for (int64_t r = 0; r < state->num_rows(); ++r) {
    const std::string key = keys.field(0)->GetScalar(r).ValueOrDie()->ToString();
    auto id = std::static_pointer_cast<arrow::Int64Scalar>(
        partition_ids->GetScalar(r).ValueOrDie()->CastTo(arrow::int64()).ValueOrDie());
    partition_of[key] = id->value;
    used.insert(id->value);
  }
  EXPECT_TRUE(partition_of.count("null"));
  EXPECT_GT(used.size(), 8u);
  for (int b = 0; b < 6; ++b) {
    std::vector<std::string> expected;  // the batch's keys, in order of first appearance
    std::set<std::string> seen;
    for (int i = 0; i < 300; ++i) {
      std::string key = i % 11 == 0 ? "null" : Key(i, b, 300);
      if (seen.insert(key).second) expected.push_back(key);
    }
    std::stable_sort(expected.begin(), expected.end(),
                     [&](const std::string& x, const std::string& y) { return partition_of[x] < partition_of[y]; });
    std::vector<std::string> emitted;
    for (const auto& row : run.batches[b]) emitted.push_back(FirstColumn(row));
    EXPECT_EQ(emitted, expected) << "batch " << b;
  }
}

}  // namespace
}  // namespace spate
