// Window-function throughput on one machine, over N generated rows (default
// 10 million): row_number() over 100k partitions, and a moving sum over the
// 1000 rows up to the current one. Prints rows/s per query (the median of
// `runs` runs, 3 by default) and the peak RSS.
//
//   build/release/bench/window_bench [rows] [runs]
//
// bench/window_bench_pyspark.py runs the same two queries on PySpark.

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

#include <arrow/api.h>

#include "spate/api/dataframe.h"
#include "spate/api/session.h"

namespace {

std::shared_ptr<arrow::Table> Generate(int64_t rows) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> value(0.0, 1.0);
  arrow::Int64Builder ids, keys;
  arrow::DoubleBuilder values;
  (void)ids.Reserve(rows);
  (void)keys.Reserve(rows);
  (void)values.Reserve(rows);
  for (int64_t i = 0; i < rows; ++i) {
    ids.UnsafeAppend(i);
    keys.UnsafeAppend(static_cast<int64_t>(rng() % 100'000));
    values.UnsafeAppend(value(rng));
  }
  auto schema = arrow::schema({arrow::field("id", arrow::int64(), false), arrow::field("k", arrow::int64(), false),
                               arrow::field("v", arrow::float64(), false)});
  auto table = arrow::Table::Make(schema, {ids.Finish().ValueOrDie(), keys.Finish().ValueOrDie(),
                                           values.Finish().ValueOrDie()});
  return table->CombineChunks().ValueOrDie();
}

// Runs the query `runs` times and prints the median rate: the first run pays
// for memory fresh from the system, which the next ones reuse.
void Run(const char* name, const spate::DataFrame& df, int64_t input_rows, int runs) {
  if (!df.ok()) {
    std::fprintf(stderr, "%s: %s\n", name, df.status().ToString().c_str());
    return;
  }
  std::vector<double> seconds;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto out = df.toArrow();
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!out.ok()) {
      std::fprintf(stderr, "%s: %s\n", name, out.status().ToString().c_str());
      return;
    }
  }
  std::sort(seconds.begin(), seconds.end());
  double secs = seconds[seconds.size() / 2];
  std::printf("%-34s %12.0f rows/s  (%lld rows in %.3f s, median of %d runs)\n", name, input_rows / secs,
              static_cast<long long>(input_rows), secs, runs);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = argc > 1 ? std::atoll(argv[1]) : 10'000'000;
  int runs = argc > 2 ? std::atoi(argv[2]) : 3;
  auto session = spate::Session::Make();
  auto generated = Generate(rows);
  arrow::TableBatchReader source(*generated);
  source.set_chunksize(64 * 1024);
  auto table = arrow::Table::FromRecordBatchReader(&source).ValueOrDie();
  auto df = session->CreateDataFrame(table);

  Run("row_number (100k partitions)",
      df.selectExpr({"id", "row_number() OVER (PARTITION BY k ORDER BY id) AS rn"}), rows, runs);
  Run("moving sum (1000 rows)",
      df.selectExpr({"id", "sum(v) OVER (ORDER BY id ROWS BETWEEN 999 PRECEDING AND CURRENT ROW) AS s"}), rows, runs);
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak RSS                           %12.1f MB\n", usage.ru_maxrss / 1024.0);
  return 0;
}
