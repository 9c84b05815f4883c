// Kafka -> from_json -> filter -> Kafka on a real local broker
// (scripts/kafka/broker.sh, started by the benchmark):
//  1. full speed: a backlog of JSON messages through the query with
//     Trigger.AvailableNow; messages/s, and MB/s per core (input bytes over
//     the process's CPU seconds),
//  2. latency: messages produced at a fixed rate while the query runs; the
//     end-to-end latency of each message is the output record's timestamp
//     (when the sink produced it) minus the time written into the message.
//
//   build/release/bench/kafka_bench [messages] [rate_per_second] [seconds]

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/api/data_stream_reader.h"
#include "spate/api/data_stream_writer.h"
#include "spate/api/reader.h"
#include "spate/api/session.h"
#include "spate/connectors/kafka/kafka_client.h"
#include "spate/streaming/trigger.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const fs::path kRoot = fs::path(SPATE_SOURCE_DIR);

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::map<std::string, std::string> StartBroker(const fs::path& dir) {
  std::string cmd = (kRoot / "scripts/kafka/broker.sh").string() + " start " + dir.string();
  FILE* p = popen(cmd.c_str(), "r");
  std::map<std::string, std::string> env;
  char line[512];
  while (p != nullptr && fgets(line, sizeof(line), p) != nullptr) {
    std::string s(line);
    if (!s.empty() && s.back() == '\n') s.pop_back();
    auto eq = s.find('=');
    if (eq != std::string::npos) env[s.substr(0, eq)] = s.substr(eq + 1);
  }
  if (p == nullptr || pclose(p) != 0 || env["KAFKA_BOOTSTRAP"].empty()) {
    std::fprintf(stderr, "kafka_bench: the broker did not start\n");
    std::exit(1);
  }
  return env;
}

std::string Message(int64_t i, int64_t ts_ms) {
  return fmt::format(R"({{"id":{},"user":"user-{}","amount":{}.25,"kind":"{}","ts":{}}})", i, i % 1000, i % 97,
                     i % 4 == 0 ? "refund" : "purchase", ts_ms);
}

// Produces `count` messages (ids from `first`) to `topic`, `rate` per second (0: at once).
void Produce(const spate::kafka::ClientConfig& config, const std::string& topic, int64_t first, int64_t count,
             double rate) {
  auto producer = spate::kafka::Client::Create(spate::kafka::Client::Kind::kProducer, config, "bench").ValueOrDie();
  auto start = Clock::now();
  for (int64_t i = 0; i < count; ++i) {
    if (rate > 0) std::this_thread::sleep_until(start + std::chrono::microseconds(int64_t(i * 1e6 / rate)));
    std::string key = std::to_string(first + i), value = Message(first + i, NowMs());
    auto st = producer->Produce(topic, RD_KAFKA_PARTITION_UA, key.data(), key.size(), value.data(), value.size(),
                                nullptr);
    if (!st.ok()) std::fprintf(stderr, "produce: %s\n", st.ToString().c_str());
  }
  auto st = producer->Flush();
  if (!st.ok()) std::fprintf(stderr, "flush: %s\n", st.ToString().c_str());
}

// Kafka -> from_json -> filter (purchases) -> to_json -> Kafka.
std::shared_ptr<spate::StreamingQuery> StartQuery(const std::shared_ptr<spate::Session>& session,
                                                  const std::string& bootstrap, const std::string& in,
                                                  const std::string& out, const fs::path& checkpoint,
                                                  const spate::Trigger& trigger) {
  auto df = session->ReadStream()
                .format("kafka")
                .option("kafka.bootstrap.servers", bootstrap)
                .option("subscribe", in)
                .option("startingOffsets", "earliest")
                .load()
                .selectExpr({"from_json(CAST(value AS STRING), "
                             "'id BIGINT, user STRING, amount DOUBLE, kind STRING, ts BIGINT') AS data"})
                .filter("data.kind = 'purchase'")
                .selectExpr({"CAST(data.id AS STRING) AS key", "to_json(data) AS value"});
  return df.writeStream()
      .format("kafka")
      .option("kafka.bootstrap.servers", bootstrap)
      .option("topic", out)
      .option("checkpointLocation", checkpoint.string())
      .trigger(trigger)
      .start()
      .ValueOrDie();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  int64_t messages = argc > 1 ? std::atoll(argv[1]) : 1000000;
  double rate = argc > 2 ? std::atof(argv[2]) : 5000;
  double seconds = argc > 3 ? std::atof(argv[3]) : 10;
  fs::path dir = fs::temp_directory_path() / ("spate-kafka-bench-" + std::to_string(getpid()));
  auto env = StartBroker(dir / "broker");
  std::string bootstrap = env["KAFKA_BOOTSTRAP"];
  spate::kafka::ClientConfig config{{"bootstrap.servers", bootstrap}, {"linger.ms", "5"}};
  for (const char* t : {"in", "out", "in-rate", "out-rate"}) {
    (void)spate::kafka::CreateTopic(config, t, 4);
  }
  auto session = spate::Session::Make();

  // 1. Full speed over a backlog.
  Produce(config, "in", 0, messages, 0);
  int64_t bytes = 0;
  for (int64_t i = 0; i < messages; ++i) bytes += static_cast<int64_t>(Message(i, NowMs()).size());
  double cpu0 = CpuSeconds();
  auto t0 = Clock::now();
  auto q = StartQuery(session, bootstrap, "in", "out", dir / "cp1", spate::Trigger::AvailableNow());
  (void)q->awaitTermination();
  double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  double cpu = CpuSeconds() - cpu0;
  if (auto e = q->exception()) std::fprintf(stderr, "query failed: %s\n", e->ToString().c_str());
  std::printf("kafka -> from_json -> filter -> kafka: %lld messages (%.1f MB) in %.2f s: %.0f messages/s, "
              "%.1f MB/s, %.1f MB/s per core (%.2f CPU s)\n",
              static_cast<long long>(messages), bytes / 1e6, wall, messages / wall, bytes / 1e6 / wall,
              bytes / 1e6 / cpu, cpu);

  // 2. Latency at a fixed rate.
  auto lq = StartQuery(session, bootstrap, "in-rate", "out-rate", dir / "cp2", spate::Trigger{});
  auto count = static_cast<int64_t>(rate * seconds);
  Produce(config, "in-rate", 0, count, rate);
  (void)lq->processAllAvailable();
  (void)lq->stop();
  auto out = session->read()
                 .format("kafka")
                 .option("kafka.bootstrap.servers", bootstrap)
                 .option("subscribe", "out-rate")
                 .load()
                 .selectExpr({"timestamp", "from_json(CAST(value AS STRING), 'ts BIGINT').ts AS ts"})
                 .toArrow()
                 .ValueOrDie()
                 ->CombineChunksToBatch()
                 .ValueOrDie();
  auto produced = std::static_pointer_cast<arrow::TimestampArray>(out->column(0));
  auto sent = std::static_pointer_cast<arrow::Int64Array>(out->column(1));
  std::vector<double> latency;
  for (int64_t i = 0; i < out->num_rows(); ++i) latency.push_back(produced->Value(i) / 1000.0 - sent->Value(i));
  std::printf("latency at %.0f messages/s for %.0f s (%lld results): p50 %.0f ms, p99 %.0f ms\n", rate, seconds,
              static_cast<long long>(latency.size()), Percentile(latency, 0.5), Percentile(latency, 0.99));

  std::system(((kRoot / "scripts/kafka/broker.sh").string() + " stop " + (dir / "broker").string()).c_str());
  fs::remove_all(dir);
  return 0;
}
