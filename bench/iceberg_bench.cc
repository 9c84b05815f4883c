// Iceberg sink figures:
//  1. a 1 s processing-time trigger over a 100k rows/s rate source into an
//     Iceberg table (hadoop catalog): rows/s committed, snapshots, data files
//     per snapshot, the sink's addBatch time per batch;
//  2. the sink's ceiling: rate-micro-batch batches of 100k rows as fast as
//     they commit.
//
//   build/release/bench/iceberg_bench [seconds] [max_batches]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "spate/api/data_stream_reader.h"
#include "spate/api/data_stream_writer.h"
#include "spate/api/functions.h"
#include "spate/api/session.h"
#include "spate/connectors/iceberg/catalog.h"

namespace F = spate::functions;
namespace fs = std::filesystem;

namespace {

struct Figures {
  double seconds = 0;
  int64_t rows = 0, snapshots = 0, files = 0;
  std::vector<int64_t> add_batch_ms;
};

std::shared_ptr<spate::Session> MakeSession(const fs::path& warehouse) {
  auto session = spate::Session::Make();
  session->conf().Set("spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog");
  session->conf().Set("spark.sql.catalog.lake.type", "hadoop");
  session->conf().Set("spark.sql.catalog.lake.warehouse", warehouse.string());
  session->conf().Set("spate.streaming.checkpoint.fsync", "false");
  return session;
}

void TableFigures(const fs::path& warehouse, const std::string& table, Figures* f) {
  auto catalog = spate::iceberg::MakeHadoopCatalog("lake", warehouse.string());
  auto loaded = catalog->LoadTable({{"bench"}, table}).ValueOrDie();
  if (!loaded) return;
  for (const auto& s : loaded->metadata.snapshots) {
    ++f->snapshots;
    f->files += std::stoll(s.summary.at("added-data-files"));
    f->rows += std::stoll(s.summary.at("added-records"));
  }
}

Figures Run(const fs::path& dir, spate::DataFrame df, const spate::Trigger& trigger, const std::string& table,
            double seconds, int64_t max_batches) {
  Figures f;
  auto start = std::chrono::steady_clock::now();
  auto query = df.select({F::col("timestamp").alias("ts"), F::col("value").alias("id"),
                          (F::col("value") % spate::lit(int64_t{100})).alias("bucket")})
                   .writeStream()
                   .trigger(trigger)
                   .option("checkpointLocation", (dir / ("ck-" + table)).string())
                   .toTable("lake.bench." + table)
                   .ValueOrDie();
  while (query->isActive()) {
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto progress = query->recentProgress();
    int64_t batches = progress.empty() ? 0 : progress.back().batch_id + 1;
    if (elapsed >= seconds || batches >= max_batches) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  (void)query->stop();
  f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const auto& p : query->recentProgress()) {
    for (const auto& [name, ms] : p.duration_ms) {
      if (name == "addBatch" && p.num_input_rows > 0) f.add_batch_ms.push_back(ms);
    }
  }
  TableFigures(dir / "warehouse", table, &f);
  return f;
}

void Print(const char* title, const Figures& f) {
  std::vector<int64_t> ms = f.add_batch_ms;
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) { return ms.empty() ? 0 : ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))]; };
  std::printf("%s\n  %lld rows in %.2f s: %.0f rows/s committed; %lld snapshots, %.2f files/snapshot; "
              "addBatch p50 %lld ms, p99 %lld ms\n",
              title, static_cast<long long>(f.rows), f.seconds, f.rows / f.seconds,
              static_cast<long long>(f.snapshots), f.snapshots ? static_cast<double>(f.files) / f.snapshots : 0.0,
              static_cast<long long>(pct(0.5)), static_cast<long long>(pct(0.99)));
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 6;
  int64_t max_batches = argc > 2 ? std::atoll(argv[2]) : 20;
  fs::path dir = fs::temp_directory_path() / ("spate-iceberg-bench-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto session = MakeSession(dir / "warehouse");

  auto rate = session->ReadStream().format("rate").option("rowsPerSecond", "100000").load();
  Print("iceberg sink, 1 s trigger, rate source at 100k rows/s:",
        Run(dir, rate, spate::Trigger::ProcessingTime("1 second").ValueOrDie(), "trigger1s", seconds, 1 << 30));

  auto batches = session->ReadStream().format("rate-micro-batch").option("rowsPerBatch", "100000").load();
  Print("iceberg sink ceiling, 100k-row batches back to back:",
        Run(dir, batches, spate::Trigger(), "ceiling", 60, max_batches));
  fs::remove_all(dir);
  return 0;
}
