// Micro-batch engine figures:
//  1. end-to-end rows/s of rate-micro-batch -> filter + projection -> noop,
//  2. the fixed cost of a batch (1-row batches, checkpointed), as percentiles,
//  3. the stateless throughput with the web UI off, and on with a client
//     polling /metrics and the query list twice a second (runs alternated, median
//     of five each), per second of wall time and per second of CPU time,
//  4. the process's peak RSS.
//
//   build/release/bench/streaming_bench [rows_per_batch] [batches]

#include <netdb.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "spate/api/data_stream_reader.h"
#include "spate/api/data_stream_writer.h"
#include "spate/api/functions.h"
#include "spate/api/session.h"

namespace F = spate::functions;

namespace {

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Runs `batches` batches of rate-micro-batch rows through a filter and projection.
std::vector<double> RunBatches(const std::shared_ptr<spate::Session>& session, int64_t rows_per_batch,
                               int64_t batches, const std::string& checkpoint, double* total_seconds) {
  auto df = session->ReadStream()
                .format("rate-micro-batch")
                .option("rowsPerBatch", std::to_string(rows_per_batch))
                .load()
                .filter(F::col("value") % spate::lit(int64_t{2}) == spate::lit(int64_t{0}))
                .select({F::col("timestamp"), (F::col("value") * spate::lit(int64_t{3})).alias("v3")});
  std::vector<double> batch_ms;
  auto last = std::chrono::steady_clock::now();
  int64_t seen = 0;
  auto start = std::chrono::steady_clock::now();
  auto query = df.writeStream()
                   .foreachBatch([&](const spate::DataFrame& batch, int64_t) -> arrow::Status {
                     ARROW_RETURN_NOT_OK(batch.toArrow().status());
                     auto now = std::chrono::steady_clock::now();
                     batch_ms.push_back(std::chrono::duration<double, std::milli>(now - last).count());
                     last = now;
                     return arrow::Status::OK();
                   })
                   .option("checkpointLocation", checkpoint)
                   .start()
                   .ValueOrDie();
  while (query->isActive()) {
    auto progress = query->recentProgress();
    seen = progress.empty() ? 0 : progress.back().batch_id + 1;
    if (seen >= batches) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  *total_seconds = Seconds(start);
  (void)query->stop();
  batch_ms.resize(std::min<size_t>(batch_ms.size(), batches));
  if (!batch_ms.empty()) batch_ms.erase(batch_ms.begin());  // the first one includes start-up
  return batch_ms;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

// GETs url + path and drops the answer, as a browser or a scraper would.
void Fetch(const std::string& url, const std::string& path) {
  std::string hostport = url.substr(7);
  std::string host = hostport.substr(0, hostport.rfind(':'));
  std::string port = hostport.substr(hostport.rfind(':') + 1);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) return;
  int fd = socket(found->ai_family, SOCK_STREAM, 0);
  if (connect(fd, found->ai_addr, found->ai_addrlen) == 0) {
    std::string req = "GET " + path + " HTTP/1.0\r\n\r\n";
    send(fd, req.data(), req.size(), 0);
    char buf[8192];
    while (recv(fd, buf, sizeof(buf), 0) > 0) {
    }
  }
  freeaddrinfo(found);
  close(fd);
}

// The process's CPU time so far (all its threads: the query's, the UI
// server's, the poller's), in seconds.
double CpuSeconds() {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// One run of the stateless query in `session`: rows per second of wall time
// and per second of the process's CPU time (on a shared machine the second
// moves less with the other processes' load). While it runs a client polls
// the session's UI (when it has one) twice a second.
struct Rates {
  double wall = 0;
  double cpu = 0;
};

Rates StatelessRates(const std::shared_ptr<spate::Session>& session, int64_t rows_per_batch, int64_t batches,
                     const std::filesystem::path& dir) {
  std::atomic<bool> done{false};
  double cpu_start = CpuSeconds();
  std::thread poller([&] {
    std::string url = session->uiWebUrl();
    for (int tick = 0; !url.empty() && !done; ++tick) {
      if (tick % 10 == 0) {
        Fetch(url, "/metrics");
        Fetch(url, "/api/v1/streaming/queries");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  double secs = 0;
  RunBatches(session, rows_per_batch, batches, dir.string(), &secs);
  done = true;
  poller.join();
  double rows = static_cast<double>(batches * rows_per_batch);
  return {rows / secs, rows / (CpuSeconds() - cpu_start)};
}

}  // namespace

int main(int argc, char** argv) {
  int64_t rows_per_batch = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
  int64_t batches = argc > 2 ? std::atoll(argv[2]) : 20;
  auto session = spate::Session::Make({{"spark.ui.enabled", "false"}});
  auto dir = std::filesystem::temp_directory_path() / "spate-streaming-bench";
  std::filesystem::remove_all(dir);

  double secs = 0;
  auto big = RunBatches(session, rows_per_batch, batches, (dir / "throughput").string(), &secs);
  std::printf("rate-micro-batch -> filter+project -> sink: %.0f rows/s (%lld batches of %lld rows in %.2f s)\n",
              batches * rows_per_batch / secs, static_cast<long long>(batches),
              static_cast<long long>(rows_per_batch), secs);

  auto small = RunBatches(session, 1, 500, (dir / "overhead").string(), &secs);
  std::printf("per-batch fixed cost (1-row batches, fsynced checkpoint): p50 %.3f ms  p99 %.3f ms  (%zu batches)\n",
              Percentile(small, 0.5), Percentile(small, 0.99), small.size());
  session->conf().Set("spate.streaming.checkpoint.fsync", "false");
  small = RunBatches(session, 1, 500, (dir / "overhead-nosync").string(), &secs);
  std::printf("per-batch fixed cost (1-row batches, checkpoint without fsync): p50 %.3f ms  p99 %.3f ms\n",
              Percentile(small, 0.5), Percentile(small, 0.99));
  session->conf().Unset("spate.streaming.checkpoint.fsync");
  // Off and on alternate, so that a change in the machine's load (it is
  // shared) weighs on both alike; the medians of five runs each are compared.
  auto with_ui = spate::Session::Make({{"spark.ui.port", "0"}, {"spark.sql.streaming.metricsEnabled", "true"}});
  std::vector<double> off, on, off_cpu, on_cpu;
  for (int run = 0; run < 10; ++run) {
    bool ui = (run % 4 == 1 || run % 4 == 2);  // off, on, on, off, ...: neither always goes first
    Rates r = StatelessRates(ui ? with_ui : session, rows_per_batch, batches,
                             dir / ((ui ? "ui-on-" : "ui-off-") + std::to_string(run)));
    (ui ? on : off).push_back(r.wall);
    (ui ? on_cpu : off_cpu).push_back(r.cpu);
  }
  auto compare = [](const char* what, const std::vector<double>& ui_off, const std::vector<double>& ui_on) {
    double a = Percentile(ui_off, 0.5), b = Percentile(ui_on, 0.5);
    std::printf("stateless %s (median of 5, alternated), web UI off: %.0f  on and polled twice a second: %.0f  (%+.1f%%)\n",
                what, a, b, 100.0 * (b - a) / a);
  };
  compare("rows/s", off, on);
  compare("rows per CPU second", off_cpu, on_cpu);
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak RSS: %.1f MB\n", usage.ru_maxrss / 1024.0);
  std::filesystem::remove_all(dir);
  return 0;
}
