// Stream-stream join figures, for an inner and a left outer join and each
// state store provider: input rows/s (both sides), state rows after the last
// batch, output rows and batch duration p50/p99.
//
// Impressions (ad_id, it) and clicks (cad, ct) come from two
// rate-micro-batch sources of rows_per_batch rows each, two minutes of event
// time a batch from 2024-01-01. Impression v shows ad v % ads; clicks v and
// v + 1 (v even) are both on ad v % ads, 30 seconds after its impression:
// even impressions match two clicks, odd ones none (the left outer join pads
// them once the watermark passes). An ad comes back every ads / rows_per_batch
// batches (10 with the default ads = 10 * rows_per_batch), too late for the
// condition `ad_id = cad AND ct >= it AND ct <= it + interval 10 minutes`,
// which keeps about 10 minutes (5 batches) of impressions in the state.
// Watermarks: 10 seconds on impressions, 1 minute on clicks.
// bench/stream_join_bench_pyspark.py runs the same pipelines on PySpark 4.1.
//
//   build/release/bench/stream_join_bench [rows_per_batch] [batches] [hdfs|rocksdb] [ads]

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

struct Figures {
  double rows_per_second = 0;
  std::vector<double> batch_ms;
  int64_t state_rows = 0;
  int64_t output_rows = 0;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

// Runs `joined` until `batches` batches with data have run and reads the figures off progress.
Figures Run(const spate::DataFrame& joined, int64_t batches, const fs::path& checkpoint) {
  auto start = std::chrono::steady_clock::now();
  auto query = joined.writeStream()
                   .format("noop")
                   .outputMode("append")
                   .option("checkpointLocation", checkpoint.string())
                   .start()
                   .ValueOrDie();
  std::vector<spate::QueryProgress> done;  // the batches with data
  while (query->isActive() && static_cast<int64_t>(done.size()) < batches) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    done.clear();
    for (const auto& p : query->recentProgress()) {
      if (p.num_input_rows > 0) done.push_back(p);
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto error = query->exception();
  if (error.has_value()) {
    std::fprintf(stderr, "query failed: %s\n", error->ToString().c_str());
    std::exit(1);
  }
  (void)query->stop();
  if (static_cast<int64_t>(done.size()) > batches) done.resize(batches);
  Figures f;
  for (const auto& p : done) {
    f.rows_per_second += p.num_input_rows / seconds;
    f.batch_ms.push_back(static_cast<double>(p.batch_duration_ms));
    f.output_rows += std::max<int64_t>(0, p.sink.num_output_rows);
    rapidjson::Document doc;
    doc.Parse(p.state_operators.at(0).c_str());
    f.state_rows = doc["numRowsTotal"].GetInt64();
  }
  return f;
}

void Print(const char* what, const char* provider, const Figures& f) {
  std::printf("%-22s %-8s %10.0f rows/s  batch p50 %7.1f ms  p99 %7.1f ms  state %9lld rows  output %10lld rows\n",
              what, provider, f.rows_per_second, Percentile(f.batch_ms, 0.5), Percentile(f.batch_ms, 0.99),
              static_cast<long long>(f.state_rows), static_cast<long long>(f.output_rows));
}

spate::DataFrame Rate(const std::shared_ptr<spate::Session>& session, int64_t rows_per_batch) {
  return session->ReadStream()
      .format("rate-micro-batch")
      .option("rowsPerBatch", std::to_string(rows_per_batch))
      .option("startTimestamp", "1704067200000")  // 2024-01-01
      .option("advanceMillisPerBatch", "120000")
      .load();
}

spate::DataFrame Join(const std::shared_ptr<spate::Session>& session, int64_t rows_per_batch, int64_t ads,
                      const std::string& how) {
  const std::string n = std::to_string(ads);
  auto impressions = Rate(session, rows_per_batch)
                         .selectExpr({"value % " + n + " AS ad_id", "timestamp AS it"})
                         .withWatermark("it", "10 seconds");
  auto clicks = Rate(session, rows_per_batch)
                    .selectExpr({"(value - value % 2) % " + n + " AS cad", "timestamp + interval 30 seconds AS ct"})
                    .withWatermark("ct", "1 minute");
  return impressions.join(clicks, F::expr("ad_id = cad AND ct >= it AND ct <= it + interval 10 minutes"), how);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows_per_batch = argc > 1 ? std::atoll(argv[1]) : 50'000;
  int64_t batches = argc > 2 ? std::atoll(argv[2]) : 12;
  const std::string only = argc > 3 ? argv[3] : "";
  int64_t ads = argc > 4 ? std::atoll(argv[4]) : 10 * rows_per_batch;
  auto dir = fs::temp_directory_path() / "spate-stream-join-bench";
  fs::remove_all(dir);
  const std::pair<const char*, const char*> providers[] = {
      {"hdfs", "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider"},
      {"rocksdb", "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"},
  };
  for (const auto& [name, provider] : providers) {
    if (!only.empty() && only != name) continue;
    auto session = spate::Session::Make();
    session->conf().Set("spark.sql.streaming.stateStore.providerClass", provider);
    session->conf().Set("spark.sql.shuffle.partitions", "2");
    session->conf().Set("spate.streaming.checkpoint.fsync", "false");
    for (const char* how : {"inner", "left_outer"}) {
      auto figures = Run(Join(session, rows_per_batch, ads, how), batches, dir / name / how);
      Print((std::string(how) + " join").c_str(), name, figures);
    }
  }
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak RSS: %.1f MB\n", usage.ru_maxrss / 1024.0);
  fs::remove_all(dir);
  return 0;
}
