// Micro-batch engine figures:
//  1. end-to-end rows/s of rate-micro-batch -> filter + projection -> noop,
//  2. the fixed cost of a batch (1-row batches, checkpointed), as percentiles,
//  3. the stateless throughput with the web UI off, and on with a client
//     polling /metrics and the progress API twice a second (median of three each),
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

// Rows/s of the stateless query in `session`, the median of three runs; while
// it runs a client polls the session's UI (when it has one).
double StatelessRowsPerSecond(const std::shared_ptr<spate::Session>& session, int64_t rows_per_batch,
                              int64_t batches, const std::filesystem::path& dir) {
  std::atomic<bool> done{false};
  std::thread poller([&] {
    std::string url = session->uiWebUrl();
    while (!url.empty() && !done) {
      Fetch(url, "/metrics");
      Fetch(url, "/api/v1/streaming/queries");
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  });
  std::vector<double> rates;
  for (int run = 0; run < 3; ++run) {
    double secs = 0;
    RunBatches(session, rows_per_batch, batches, (dir / std::to_string(run)).string(), &secs);
    rates.push_back(batches * rows_per_batch / secs);
  }
  done = true;
  poller.join();
  return Percentile(rates, 0.5);
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
  double ui_off = StatelessRowsPerSecond(session, rows_per_batch, batches, dir / "ui-off");
  auto with_ui = spate::Session::Make({{"spark.ui.port", "0"}, {"spark.sql.streaming.metricsEnabled", "true"}});
  double ui_on = StatelessRowsPerSecond(with_ui, rows_per_batch, batches, dir / "ui-on");
  std::printf("stateless rows/s, web UI off: %.0f  on and polled twice a second: %.0f  (%+.1f%%)\n", ui_off,
              ui_on, 100.0 * (ui_on - ui_off) / ui_off);
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak RSS: %.1f MB\n", usage.ru_maxrss / 1024.0);
  std::filesystem::remove_all(dir);
  return 0;
}
