// Query-core throughput on one machine: filter + project and a group-by
// aggregation over N generated rows (default 10 million), each run through
// the DataFrame API. Prints rows/s per pipeline, the time of the first 20
// rows of a filter (what show() asks for) and the process's peak RSS.
//
//   build/release/bench/query_core_bench [rows]

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <random>

#include <arrow/api.h>

#include "spate/api/dataframe.h"
#include "spate/api/functions.h"
#include "spate/api/session.h"

namespace F = spate::functions;

namespace {

std::shared_ptr<arrow::Table> Generate(int64_t rows) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> value(0.0, 1.0);
  arrow::Int64Builder ids;
  arrow::Int32Builder keys;
  arrow::DoubleBuilder values;
  (void)ids.Reserve(rows);
  (void)keys.Reserve(rows);
  (void)values.Reserve(rows);
  for (int64_t i = 0; i < rows; ++i) {
    ids.UnsafeAppend(i);
    keys.UnsafeAppend(static_cast<int32_t>(rng() % 1000));
    values.UnsafeAppend(value(rng));
  }
  auto schema = arrow::schema({arrow::field("id", arrow::int64(), false),
                               arrow::field("k", arrow::int32(), false),
                               arrow::field("v", arrow::float64(), false)});
  auto table = arrow::Table::Make(schema, {ids.Finish().ValueOrDie(), keys.Finish().ValueOrDie(),
                                           values.Finish().ValueOrDie()});
  return table->CombineChunks().ValueOrDie();
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void Run(const char* name, const spate::DataFrame& df, int64_t input_rows) {
  if (!df.ok()) {
    std::fprintf(stderr, "%s: %s\n", name, df.status().ToString().c_str());
    return;
  }
  auto start = std::chrono::steady_clock::now();
  auto out = df.toArrow();
  double secs = Seconds(start);
  if (!out.ok()) {
    std::fprintf(stderr, "%s: %s\n", name, out.status().ToString().c_str());
    return;
  }
  std::printf("%-22s %12.0f rows/s  (%lld rows in %.3f s, %lld rows out)\n", name, input_rows / secs,
              static_cast<long long>(input_rows), secs, static_cast<long long>((*out)->num_rows()));
}

// The time of a query that needs only the first rows of its input.
void RunFirstRows(const char* name, const spate::DataFrame& df) {
  auto start = std::chrono::steady_clock::now();
  auto out = df.toArrow();
  double secs = Seconds(start);
  if (!out.ok()) {
    std::fprintf(stderr, "%s: %s\n", name, out.status().ToString().c_str());
    return;
  }
  std::printf("%-22s %12.3f ms  (%lld rows out)\n", name, secs * 1000, static_cast<long long>((*out)->num_rows()));
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows = argc > 1 ? std::atoll(argv[1]) : 10'000'000;
  auto session = spate::Session::Make();
  auto generated = Generate(rows);
  arrow::TableBatchReader source(*generated);
  source.set_chunksize(64 * 1024);
  // Batches of 64k rows, as a source would hand them over.
  auto table = arrow::Table::FromRecordBatchReader(&source).ValueOrDie();
  auto df = session->CreateDataFrame(table);

  Run("filter+project", df.filter(F::col("v") > spate::lit(0.5))
                            .select({F::col("id"), (F::col("v") * spate::lit(2.0) + spate::lit(1.0)).alias("w")}),
      rows);
  Run("group-by (1000 keys)", df.groupBy({F::col("k")}).agg({F::sum(F::col("v")), F::count(spate::Column("*")),
                                                             F::max(F::col("id"))}),
      rows);
  RunFirstRows("filter+limit 20", df.filter(F::col("v") > spate::lit(0.5)).limit(20));
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak RSS               %12.1f MB\n", usage.ru_maxrss / 1024.0);
  return 0;
}
