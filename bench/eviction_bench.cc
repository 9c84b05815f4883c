// Eviction cost against state size. A store holds N windowed-count rows
// (key: (bigint, window struct), value: a count) with their event-time
// index; each batch adds `closed` newer rows and evicts the `closed` oldest
// (the watermark passes one more window), for N = 1M and 10M, both
// providers. Eviction reads only what the watermark closed, so its batch
// time should not grow with N (target: 10M within 1.5x of 1M). For
// reference, the last batch also evicts the previous way: a scan and decode
// of every row.
//
//   build/release/bench/eviction_bench [closed_per_batch] [batches] [hdfs|rocksdb]

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <arrow/api.h>

#include "spate/state/event_time_index.h"
#include "spate/state/row_codec.h"
#include "spate/state/state_store.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kWindowMicros = 60'000'000;

double Millis(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// This thread's CPU time: on a shared machine, what the eviction itself cost.
double CpuMillis() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

std::shared_ptr<arrow::Schema> KeySchema() {
  auto ts = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  auto window = arrow::struct_({arrow::field("start", ts), arrow::field("end", ts)});
  return arrow::schema({arrow::field("k", arrow::int64()), arrow::field("window", window)});
}

// Rows [first, first + n): row i lies in window i / per_window.
std::shared_ptr<arrow::RecordBatch> Keys(int64_t first, int64_t n, int64_t per_window) {
  auto schema = KeySchema();
  auto ts = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  arrow::Int64Builder keys;
  arrow::TimestampBuilder starts(ts, arrow::default_memory_pool());
  arrow::TimestampBuilder ends(ts, arrow::default_memory_pool());
  for (int64_t i = first; i < first + n; ++i) {
    (void)keys.Append(i);
    (void)starts.Append((i / per_window) * kWindowMicros);
    (void)ends.Append((i / per_window + 1) * kWindowMicros);
  }
  auto window = arrow::StructArray::Make({starts.Finish().ValueOrDie(), ends.Finish().ValueOrDie()},
                                         schema->field(1)->type()->fields())
                    .ValueOrDie();
  return arrow::RecordBatch::Make(schema, n, {keys.Finish().ValueOrDie(), window});
}

// Puts rows [first, first + n) and their index keys, in chunks.
void AddRows(spate::StateStore* store, const spate::RowEncoder& encoder, int64_t first, int64_t n,
             int64_t per_window) {
  const std::string value(9, '\1');
  spate::EncodedRows rows;
  spate::StateWriteBatch batch;
  for (int64_t at = first; at < first + n; at += per_window) {
    int64_t count = std::min(per_window, first + n - at);
    encoder.EncodeBatch(*Keys(at, count, per_window), &rows);
    batch.Clear();
    for (size_t i = 0; i < rows.size(); ++i) {
      batch.Put(rows[i], value, true);
      spate::PutIndexKey((at / per_window + 1) * kWindowMicros, rows[i], &batch);
    }
    (void)store->Write(batch);
  }
}

// The previous eviction: every row scanned and decoded, the closed ones removed.
size_t EvictByScan(spate::StateStore* store, int64_t watermark_micros) {
  std::vector<std::string> keys;
  (void)store->ScanAll([&](std::string_view k, std::string_view) {
    keys.emplace_back(k);
    return arrow::Status::OK();
  });
  auto decoder = spate::RowDecoder::Make(KeySchema()).ValueOrDie();
  for (std::string_view k : keys) (void)decoder->Append(&k);
  auto decoded = decoder->Finish().ValueOrDie();
  const auto& window = static_cast<const arrow::StructArray&>(*decoded->column(1));
  const auto& ends = static_cast<const arrow::TimestampArray&>(*window.field(1));
  size_t removed = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (ends.Value(static_cast<int64_t>(i)) <= watermark_micros) {
      (void)store->Remove(keys[i]);
      ++removed;
    }
  }
  return removed;
}

struct Result {
  double median_evict_ms = 0;
  double median_evict_cpu_ms = 0;
  double median_batch_ms = 0;
  double scan_evict_ms = 0;
};

Result Run(const std::string& provider_class, const std::string& name, int64_t stored, int64_t closed,
           int64_t batches) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("spate_eviction_bench_" + name);
  std::filesystem::remove_all(dir);
  spate::StateStoreConf conf;
  conf.provider_class = provider_class;
  conf.fsync = false;
  conf.min_deltas_for_snapshot = 1'000'000;  // snapshots cost in proportion to the state: not measured here
  auto provider = spate::StateStoreProvider::Create(dir.string(), conf).ValueOrDie();
  auto encoder = spate::RowEncoder::Make(KeySchema()).ValueOrDie();
  auto start = Clock::now();
  spate::StateStore* store = provider->GetStore(0).ValueOrDie();
  AddRows(store, *encoder, 0, stored, closed);
  (void)store->Commit().ValueOrDie();
  std::printf("%-8s %9lld rows stored in %.1f s\n", name.c_str(), static_cast<long long>(stored),
              Millis(start) / 1000);
  std::vector<double> evict_ms, evict_cpu_ms, batch_ms;
  Result r;
  for (int64_t b = 0; b <= batches; ++b) {
    store = provider->GetStore(b + 1).ValueOrDie();
    auto batch_start = Clock::now();
    AddRows(store, *encoder, stored + b * closed, closed, closed);
    auto evict_start = Clock::now();
    const double evict_cpu_start = CpuMillis();
    const int64_t watermark = (b + 1) * kWindowMicros;
    size_t evicted = 0;
    if (b < batches) {
      spate::EvictedRows rows;
      (void)spate::EvictUpTo(*store, watermark, &rows);
      evicted = rows.keys.size();
      evict_ms.push_back(Millis(evict_start));
      evict_cpu_ms.push_back(CpuMillis() - evict_cpu_start);
      batch_ms.push_back(Millis(batch_start));
    } else {
      evicted = EvictByScan(store, watermark);
      r.scan_evict_ms = Millis(evict_start);
    }
    if (static_cast<int64_t>(evicted) != closed) std::printf("  unexpected: %zu rows evicted\n", evicted);
    (void)store->Commit().ValueOrDie();
  }
  std::sort(evict_ms.begin(), evict_ms.end());
  std::sort(batch_ms.begin(), batch_ms.end());
  std::sort(evict_cpu_ms.begin(), evict_cpu_ms.end());
  r.median_evict_ms = evict_ms[evict_ms.size() / 2];
  r.median_evict_cpu_ms = evict_cpu_ms[evict_cpu_ms.size() / 2];
  r.median_batch_ms = batch_ms[batch_ms.size() / 2];
  std::printf("%-8s %9lld rows stored, %lld closed a batch: eviction median %.1f ms (%.1f ms CPU; batch with its "
              "%lld new rows %.1f ms); scanning every row instead: %.1f ms\n",
              name.c_str(), static_cast<long long>(stored), static_cast<long long>(closed), r.median_evict_ms,
              r.median_evict_cpu_ms, static_cast<long long>(closed), r.median_batch_ms, r.scan_evict_ms);
  provider.reset();
  std::filesystem::remove_all(dir);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t closed = argc > 1 ? std::atoll(argv[1]) : 100'000;
  int64_t batches = argc > 2 ? std::atoll(argv[2]) : 5;
  const std::string only = argc > 3 ? argv[3] : "";
  const std::pair<const char*, const char*> providers[] = {
      {"hdfs", "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider"},
      {"rocksdb", "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"},
  };
  for (const auto& [name, provider] : providers) {
    if (!only.empty() && only != name) continue;
    Result small = Run(provider, name, 10 * closed, closed, batches);
    Result large = Run(provider, name, 100 * closed, closed, batches);
    std::printf("%-8s eviction batch time, %lld rows stored against %lld: %.2fx, CPU time %.2fx (target within "
                "1.5x)\n",
                name, static_cast<long long>(100 * closed), static_cast<long long>(10 * closed),
                large.median_evict_ms / small.median_evict_ms, large.median_evict_cpu_ms / small.median_evict_cpu_ms);
  }
  return 0;
}
