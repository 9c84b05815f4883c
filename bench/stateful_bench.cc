// Stateful streaming figures, for each state store provider:
//  1. a tumbling-window count over 1M distinct keys (update mode): rows/s,
//     state rows and size, batch latency percentiles;
//  2. a session-window count (append mode, watermark): the same figures;
//  3. the process's peak RSS.
// CPU time (user + sys of the process while the query ran) is printed next
// to the wall-clock rate: wall times are noisy on a shared machine.
// bench/stateful_bench_pyspark.py runs the tumbling-window count on PySpark 4.1.
//
// spark.master (default local[*]) sets the threads the state partitions run
// on, spark.sql.shuffle.partitions (default the cores) how many there are.
//
//   build/release/bench/stateful_bench [rows_per_batch] [batches] [hdfs|rocksdb] [tumbling|session]
//                                      [master] [partitions]

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <rapidjson/document.h>

#include "spate/api/data_stream_reader.h"
#include "spate/api/data_stream_writer.h"
#include "spate/api/functions.h"
#include "spate/api/session.h"

namespace F = spate::functions;
namespace fs = std::filesystem;

namespace {

// User + system CPU time of the process so far.
double CpuSeconds() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(usage.ru_utime) + s(usage.ru_stime);
}

struct Figures {
  double rows_per_second = 0;
  double rows_per_cpu_second = 0;
  std::vector<double> batch_ms;
  int64_t state_rows = 0;
  int64_t state_memory_bytes = 0;
  int64_t checkpoint_bytes = 0;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

int64_t DirectoryBytes(const fs::path& dir) {
  int64_t total = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) total += static_cast<int64_t>(entry.file_size());
  }
  return total;
}

// Runs `query_df` until `batches` batches with data have run and reads the figures off progress.
Figures Run(const spate::DataFrame& query_df, const std::string& mode, int64_t batches, const fs::path& checkpoint) {
  auto start = std::chrono::steady_clock::now();
  double cpu_start = CpuSeconds();
  auto query = query_df.writeStream()
                   .format("noop")
                   .outputMode(mode)
                   .option("checkpointLocation", checkpoint.string())
                   .start()
                   .ValueOrDie();
  int64_t rows = 0;
  while (query->isActive()) {
    auto progress = query->recentProgress();
    int64_t with_data = 0;
    rows = 0;
    for (const auto& p : progress) {
      with_data += p.num_input_rows > 0;
      rows += p.num_input_rows;
    }
    if (with_data >= batches) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu_seconds = CpuSeconds() - cpu_start;
  (void)query->stop();
  Figures f;
  f.rows_per_second = rows / seconds;
  f.rows_per_cpu_second = rows / cpu_seconds;
  for (const auto& p : query->recentProgress()) {
    if (p.num_input_rows == 0) continue;
    f.batch_ms.push_back(static_cast<double>(p.batch_duration_ms));
    rapidjson::Document doc;
    doc.Parse(p.Json().c_str());
    const auto& op = doc["stateOperators"][0];
    f.state_rows = op["numRowsTotal"].GetInt64();
    f.state_memory_bytes = op["memoryUsedBytes"].GetInt64();
  }
  f.checkpoint_bytes = DirectoryBytes(checkpoint / "state");
  return f;
}

void Print(const char* what, const char* provider, const Figures& f) {
  std::printf("%-38s %-8s %10.0f rows/s (%10.0f per CPU s)  batch p50 %7.1f ms  p99 %7.1f ms  state %8lld rows  "
              "%7.1f MB in memory  %7.1f MB on disk\n",
              what, provider, f.rows_per_second, f.rows_per_cpu_second, Percentile(f.batch_ms, 0.5), Percentile(f.batch_ms, 0.99),
              static_cast<long long>(f.state_rows), f.state_memory_bytes / 1e6, f.checkpoint_bytes / 1e6);
}

spate::DataFrame Rate(const std::shared_ptr<spate::Session>& session, int64_t rows_per_batch) {
  return session->ReadStream()
      .format("rate-micro-batch")
      .option("rowsPerBatch", std::to_string(rows_per_batch))
      .option("advanceMillisPerBatch", "1000")
      .load();
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows_per_batch = argc > 1 ? std::atoll(argv[1]) : 250'000;
  int64_t batches = argc > 2 ? std::atoll(argv[2]) : 12;
  auto dir = fs::temp_directory_path() / "spate-stateful-bench";
  fs::remove_all(dir);
  const std::pair<const char*, const char*> providers[] = {
      {"hdfs", "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider"},
      {"rocksdb", "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"},
  };
  const std::string only = argc > 3 ? argv[3] : "";
  const std::string query = argc > 4 ? argv[4] : "";
  const std::string master = argc > 5 ? argv[5] : "local[*]";
  const std::string partitions = argc > 6 ? argv[6] : "";
  for (const auto& [name, provider] : providers) {
    if (!only.empty() && only != name) continue;
    auto session = spate::Session::Make();
    session->conf().Set("spark.sql.streaming.stateStore.providerClass", provider);
    session->conf().Set("spate.streaming.checkpoint.fsync", "false");
    session->conf().Set("spark.master", master);
    if (!partitions.empty()) session->conf().Set("spark.sql.shuffle.partitions", partitions);

    // 1M distinct keys inside one one-hour window: the state grows to 1M rows.
    auto keyed = Rate(session, rows_per_batch)
                     .withColumn("key", F::col("value") % spate::lit(int64_t{1'000'000}))
                     .withWatermark("timestamp", "1 minute");
    auto tumbling = keyed.groupBy({F::window(F::col("timestamp"), "1 hour"), F::col("key")})
                        .agg({F::count(F::col("value")).alias("n")});
    if (query.empty() || query == "tumbling") {
      Print("tumbling window count, 1M keys", name, Run(tumbling, "update", batches, dir / name / "tumbling"));
    }

    // Sessions of 100k users, one event per user every 10 s of event time (a
    // 30 s gap keeps them open), closed when events stop for a user.
    auto users = Rate(session, rows_per_batch / 10)
                     .withColumn("user", F::col("value") % spate::lit(int64_t{100'000}))
                     .withWatermark("timestamp", "10 seconds");
    auto sessions = users.groupBy({F::session_window(F::col("timestamp"), "30 seconds"), F::col("user")})
                        .agg({F::count(F::col("value")).alias("events")});
    if (query.empty() || query == "session") {
      Print("session window count, 100k users", name, Run(sessions, "append", batches, dir / name / "session"));
    }
  }
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak RSS: %.1f MB\n", usage.ru_maxrss / 1024.0);
  fs::remove_all(dir);
  return 0;
}
