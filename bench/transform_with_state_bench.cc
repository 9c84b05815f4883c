// transformWithState with a C++ StatefulProcessor: the session tracker of
// bench/transform_with_state_bench.py (a value state per user: the event count;
// one output row per user and batch) over a rate-micro-batch source whose user
// is value % 1M, Update mode, a noop sink, on each state store provider.
// Prints rows/s and batch p50/p99.
//
//   build/release/bench/transform_with_state_bench [rows_per_batch] [batches] [hdfs|rocksdb]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <arrow/api.h>

#include "spate/api/data_stream_reader.h"
#include "spate/api/data_stream_writer.h"
#include "spate/api/functions.h"
#include "spate/api/session.h"
#include "spate/plan/stateful_processor.h"
#include "spate/types/ddl_parser.h"

namespace F = spate::functions;
namespace fs = std::filesystem;

namespace {

// Counts each user's events in a value state and emits (user, events).
class SessionTracker final : public spate::StatefulProcessor {
 public:
  arrow::Status Init(spate::StatefulProcessorHandle& handle) override {
    ARROW_ASSIGN_OR_RAISE(events_, handle.GetValueState("session", EventsSchema()));
    return arrow::Status::OK();
  }

  arrow::Result<spate::RecordBatchPtr> HandleInputRows(const arrow::RecordBatch& key, const arrow::RecordBatch& rows,
                                                       const spate::TimerValues&) override {
    int64_t events = rows.num_rows();
    ARROW_ASSIGN_OR_RAISE(auto stored, events_->Get());
    if (stored) events += static_cast<const arrow::Int64Array&>(*stored->column(0)).Value(0);
    arrow::Int64Builder builder;
    ARROW_RETURN_NOT_OK(builder.Append(events));
    ARROW_ASSIGN_OR_RAISE(auto column, builder.Finish());
    ARROW_RETURN_NOT_OK(events_->Update(*arrow::RecordBatch::Make(EventsSchema(), 1, {column})));
    auto out = arrow::schema({arrow::field("user", arrow::int64()), arrow::field("events", arrow::int64())});
    return arrow::RecordBatch::Make(out, 1, {key.column(0), column});
  }

 private:
  static std::shared_ptr<arrow::Schema> EventsSchema() {
    return arrow::schema({arrow::field("events", arrow::int64())});
  }
  spate::ValueState* events_ = nullptr;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

void Run(const char* provider_name, const char* provider, int64_t rows_per_batch, int64_t batches) {
  auto session = spate::Session::Make();
  session->conf().Set("spark.sql.streaming.stateStore.providerClass", provider);
  session->conf().Set("spate.streaming.checkpoint.fsync", "false");
  session->conf().Set("spark.sql.shuffle.partitions", "2");
  spate::StatefulProcessorFactory factory = []() -> arrow::Result<std::shared_ptr<spate::StatefulProcessor>> {
    return std::make_shared<SessionTracker>();
  };
  auto output = spate::ParseDdlSchema("user BIGINT, events BIGINT").ValueOrDie();
  auto tracked = session->ReadStream()
                     .format("rate-micro-batch")
                     .option("rowsPerBatch", std::to_string(rows_per_batch))
                     .option("advanceMillisPerBatch", "1000")
                     .load()
                     .withColumn("user", F::col("value") % spate::lit(int64_t{1'000'000}))
                     .groupBy({F::col("user")})
                     .TransformWithState(factory, *output, "Update", "None");
  auto checkpoint = fs::temp_directory_path() / "spate-tws-bench" / provider_name;
  fs::remove_all(checkpoint);
  auto start = std::chrono::steady_clock::now();
  auto query = tracked.writeStream()
                   .format("noop")
                   .outputMode("update")
                   .option("checkpointLocation", checkpoint.string())
                   .start()
                   .ValueOrDie();
  int64_t rows = 0;
  std::vector<double> batch_ms;
  while (query->isActive()) {
    rows = 0;
    batch_ms.clear();
    for (const auto& p : query->recentProgress()) {
      if (p.num_input_rows == 0) continue;
      rows += p.num_input_rows;
      batch_ms.push_back(static_cast<double>(p.batch_duration_ms));
    }
    if (static_cast<int64_t>(batch_ms.size()) >= batches) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  (void)query->stop();
  std::printf("C++ transformWithState session tracker, 1M keys [%s]: %.0f rows/s   batch p50 %.0f ms   p99 %.0f ms\n",
              provider_name, rows / seconds, Percentile(batch_ms, 0.5), Percentile(batch_ms, 0.99));
  fs::remove_all(checkpoint);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows_per_batch = argc > 1 ? std::atoll(argv[1]) : 100'000;
  int64_t batches = argc > 2 ? std::atoll(argv[2]) : 5;
  const std::string only = argc > 3 ? argv[3] : "";
  const std::pair<const char*, const char*> providers[] = {
      {"hdfs", "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider"},
      {"rocksdb", "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"},
  };
  for (const auto& [name, provider] : providers) {
    if (only.empty() || only == name) Run(name, provider, rows_per_batch, batches);
  }
  return 0;
}
