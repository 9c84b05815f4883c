// State store figures for both providers: a batch of updates over N distinct
// keys (the keys and values a window count keeps: (int64, window struct) ->
// count), committed version after version, then a reload from files as after
// a restart. Updates run one key at a time (Get, then Put) and then batched
// as the stateful operators run them (one MultiGet, one write batch).
// Then the keys are spread over a query's partitions (by the hash the
// operators use, one store each) and the partitions' stores are updated and
// committed on a task pool of one thread per core, as a stateful operator
// runs them.
// CPU time (user + sys of the whole process, background threads included)
// is printed next to wall time: wall times are noisy on a shared machine.
//
//   build/release/bench/state_store_bench [keys] [batches] [hdfs|rocksdb] [partitions (default: the cores)]

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <arrow/api.h>

#include "spate/common/task_pool.h"
#include "spate/exec/streaming_context.h"
#include "spate/state/row_codec.h"
#include "spate/state/state_store.h"

namespace {

double Millis(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// User + system CPU time of the process so far.
double CpuMillis() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::shared_ptr<arrow::RecordBatch> Keys(int64_t n) {
  auto ts = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  auto window = arrow::struct_({arrow::field("start", ts), arrow::field("end", ts)});
  arrow::Int64Builder keys;
  arrow::TimestampBuilder starts(ts, arrow::default_memory_pool());
  arrow::TimestampBuilder ends(ts, arrow::default_memory_pool());
  for (int64_t i = 0; i < n; ++i) {
    (void)keys.Append(i);
    (void)starts.Append((i % 100) * 300000000);
    (void)ends.Append((i % 100) * 300000000 + 300000000);
  }
  auto w = arrow::StructArray::Make({starts.Finish().ValueOrDie(), ends.Finish().ValueOrDie()}, window->fields())
               .ValueOrDie();
  auto schema = arrow::schema({arrow::field("k", arrow::int64()), arrow::field("window", window)});
  return arrow::RecordBatch::Make(schema, n, {keys.Finish().ValueOrDie(), w});
}

void Run(const std::string& provider_class, const std::string& name, const std::vector<std::string>& keys,
         int64_t batches) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("spate_state_bench_" + name);
  std::filesystem::remove_all(dir);
  spate::StateStoreConf conf;
  conf.provider_class = provider_class;
  conf.fsync = false;
  auto provider = spate::StateStoreProvider::Create(dir.string(), conf).ValueOrDie();
  std::vector<double> update_ms, commit_ms, update_cpu_ms, batched_cpu_ms, commit_cpu_ms;
  std::string value(8, '\0');
  std::vector<double> batched_ms;
  std::vector<std::string_view> views(keys.begin(), keys.end());
  std::vector<std::optional<std::string>> olds;
  spate::StateWriteBatch writes;
  for (int64_t b = 0; b < 2 * batches; ++b) {
    const bool batched = b >= batches;
    spate::StateStore* store = provider->GetStore(b).ValueOrDie();
    auto start = std::chrono::steady_clock::now();
    double cpu_start = CpuMillis();
    if (batched) {
      (void)store->MultiGet(views, &olds);
      writes.Clear();
      for (size_t i = 0; i < keys.size(); ++i) {
        int64_t count = olds[i] ? static_cast<int64_t>(olds[i]->size()) : 0;
        value[0] = static_cast<char>(count + 1);
        writes.Put(keys[i], value, !olds[i]);
      }
      (void)store->Write(writes);
      batched_ms.push_back(Millis(start));
      batched_cpu_ms.push_back(CpuMillis() - cpu_start);
    } else {
      for (const auto& k : keys) {
        auto old = store->Get(k).ValueOrDie();
        int64_t count = old ? static_cast<int64_t>(old->size()) : 0;  // any read-modify-write
        value[0] = static_cast<char>(count + 1);
        (void)store->Put(k, value);
      }
      update_ms.push_back(Millis(start));
      update_cpu_ms.push_back(CpuMillis() - cpu_start);
    }
    start = std::chrono::steady_clock::now();
    cpu_start = CpuMillis();
    (void)store->Commit().ValueOrDie();
    (void)provider->DoMaintenance();
    commit_ms.push_back(Millis(start));
    commit_cpu_ms.push_back(CpuMillis() - cpu_start);
    if (b == 2 * batches - 1) {
      auto m = store->metrics();
      std::printf("%-8s state: %lld rows, memoryUsedBytes %.1f MB\n", name.c_str(),
                  static_cast<long long>(m.num_rows_total), m.memory_used_bytes / 1e6);
    }
  }
  double median_update = Median(update_ms);
  double median_batched = Median(batched_ms);
  std::printf("%-8s updates: %.0f keys/s (median batch %.0f ms, CPU %.0f ms); commit + maintenance: median %.0f ms "
              "(CPU %.0f ms), max %.0f ms\n",
              name.c_str(), keys.size() / (median_update / 1000), median_update, Median(update_cpu_ms),
              Median(commit_ms), Median(commit_cpu_ms), *std::max_element(commit_ms.begin(), commit_ms.end()));
  std::printf("%-8s batched updates (MultiGet + write batch): %.0f keys/s (median batch %.0f ms, CPU %.0f ms: "
              "%.0f keys per CPU second)\n",
              name.c_str(), keys.size() / (median_batched / 1000), median_batched, Median(batched_cpu_ms),
              keys.size() / (Median(batched_cpu_ms) / 1000));
  provider.reset();  // a restart
  auto fresh = spate::StateStoreProvider::Create(dir.string(), conf).ValueOrDie();
  auto start = std::chrono::steady_clock::now();
  (void)fresh->GetStore(2 * batches).ValueOrDie();
  std::printf("%-8s reload of version %lld in a new provider: %.0f ms\n", name.c_str(),
              static_cast<long long>(2 * batches), Millis(start));
  fresh.reset();
  std::filesystem::remove_all(dir);
}

// One partition of a query: its store's provider and its keys.
struct Partition {
  std::unique_ptr<spate::StateStoreProvider> provider;
  std::vector<std::string_view> keys;
  std::vector<std::optional<std::string>> olds;
  spate::StateWriteBatch writes;
  spate::StateStore* store = nullptr;
};

// A batch's MultiGet and write batch on one partition's store.
arrow::Status UpdatePartition(Partition& part, int64_t version) {
  ARROW_ASSIGN_OR_RAISE(part.store, part.provider->GetStore(version));
  ARROW_RETURN_NOT_OK(part.store->MultiGet(part.keys, &part.olds));
  std::string value(8, '\0');
  part.writes.Clear();
  for (size_t i = 0; i < part.keys.size(); ++i) {
    value[0] = static_cast<char>((part.olds[i] ? part.olds[i]->size() : 0) + 1);
    part.writes.Put(part.keys[i], value, !part.olds[i]);
  }
  return part.store->Write(part.writes);
}

// The keys over `partitions` stores, updated batch after batch on `pool`
// (all partitions' updates, then all their commits, as an operator runs them).
void RunPartitioned(const std::string& provider_class, const std::string& name, const std::vector<std::string>& keys,
                    int64_t batches, int partitions, spate::TaskPool& pool) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("spate_state_bench_parts_" + name);
  std::filesystem::remove_all(dir);
  spate::StateStoreConf conf;
  conf.provider_class = provider_class;
  conf.fsync = false;
  std::vector<Partition> parts(static_cast<size_t>(partitions));
  for (int p = 0; p < partitions; ++p) {
    parts[p].provider = spate::StateStoreProvider::Create((dir / std::to_string(p)).string(), conf).ValueOrDie();
  }
  for (const auto& k : keys) parts[spate::StatefulOperatorState::KeyHash(k) % partitions].keys.push_back(k);
  std::vector<double> update_ms, update_cpu_ms, commit_ms;
  for (int64_t b = 0; b < batches; ++b) {
    auto start = std::chrono::steady_clock::now();
    double cpu_start = CpuMillis();
    auto updated = pool.ParallelFor(partitions, [&](int64_t p) { return UpdatePartition(parts[p], b); });
    update_ms.push_back(Millis(start));
    update_cpu_ms.push_back(CpuMillis() - cpu_start);
    start = std::chrono::steady_clock::now();
    auto committed = pool.ParallelFor(partitions, [&](int64_t p) {
      ARROW_RETURN_NOT_OK(parts[p].store->Commit().status());
      return parts[p].provider->DoMaintenance();
    });
    commit_ms.push_back(Millis(start));
    if (!updated.ok() || !committed.ok()) {
      std::printf("%s\n", (updated.ok() ? committed : updated).ToString().c_str());
      return;
    }
  }
  std::printf("%-8s %d partitions on %d threads, batched updates: %.0f keys/s (median batch %.0f ms, CPU %.0f ms: "
              "%.0f keys per CPU second); commit + maintenance: median %.0f ms\n",
              name.c_str(), partitions, pool.threads(), keys.size() / (Median(update_ms) / 1000), Median(update_ms),
              Median(update_cpu_ms), keys.size() / (Median(update_cpu_ms) / 1000), Median(commit_ms));
  parts.clear();
  std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n = argc > 1 ? std::atoll(argv[1]) : 1000000;
  int64_t batches = argc > 2 ? std::atoll(argv[2]) : 5;
  auto batch = Keys(n);
  auto encoder = spate::RowEncoder::Make(batch->schema()).ValueOrDie();
  auto start = std::chrono::steady_clock::now();
  std::vector<std::string> keys = encoder->EncodeAll(*batch);
  std::printf("row codec: %lld keys of (bigint, struct<start,end>) encoded in %.0f ms\n", static_cast<long long>(n),
              Millis(start));
  const std::string only = argc > 3 ? argv[3] : "";
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int partitions = argc > 4 ? std::atoi(argv[4]) : cores;
  spate::TaskPool pool(cores);
  struct Provider {
    const char* arg;
    const char* name;
    const char* class_name;
  };
  const Provider providers[] = {{"hdfs", "HDFS", "HDFSBackedStateStoreProvider"},
                                {"rocksdb", "RocksDB", "RocksDBStateStoreProvider"}};
  for (const auto& [arg, name, class_name] : providers) {
    if (!only.empty() && only != arg) continue;
    const std::string provider_class = std::string("org.apache.spark.sql.execution.streaming.state.") + class_name;
    Run(provider_class, name, keys, batches);
    RunPartitioned(provider_class, name, keys, 2 * batches, partitions, pool);
  }
  return 0;
}
