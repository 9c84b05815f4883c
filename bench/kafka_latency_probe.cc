// The producer and consumer of bench/kafka_latency.py --native, on librdkafka:
// at 100,000 msg/s, Python's producer and consumer take most of this machine's
// two cores and become the latency they measure.
//
//   kafka_latency_probe produce <bootstrap> <topic> <rate> <seconds>
//     sends rate * seconds records {"id": i, "sent": <send time, s>, ...} at
//     the rate, then prints the seconds the sending took;
//   kafka_latency_probe consume <bootstrap> <topic> <total> [<timeline file>]
//     reads the topic from its start until `total` records, the record of id
//     total - 1, or 30 s without a record once one came, then prints the
//     latencies (arrival time minus "sent") as one JSON object of
//     {"n", "p50", "p99", "p999", "max"} in ms; with a timeline file, also
//     writes there each record's "sent" (s) and latency (ms), a line each.

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

rd_kafka_t* MakeClient(rd_kafka_type_t type, const char* bootstrap) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto set = [&](const char* key, const std::string& value) {
    if (rd_kafka_conf_set(conf, key, value.c_str(), error, sizeof(error)) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "%s: %s\n", key, error);
      std::exit(2);
    }
  };
  set("bootstrap.servers", bootstrap);
  // As the Java clients (and Spate's): no Nagle delay of a request sent while the one
  // before it waits for its TCP acknowledgement.
  set("socket.nagle.disable", "true");
  if (type == RD_KAFKA_PRODUCER) {
    // As the Python producer: a request per record would load the broker on the same cores.
    set("linger.ms", "1");
  } else {
    set("group.id", "latency-probe-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    set("fetch.wait.max.ms", "100");
    set("enable.auto.commit", "false");
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, error, sizeof(error));
  if (rk == nullptr) {
    std::fprintf(stderr, "rd_kafka_new: %s\n", error);
    std::exit(2);
  }
  return rk;
}

int Produce(const char* bootstrap, const char* topic, double rate, double seconds) {
  rd_kafka_t* rk = MakeClient(RD_KAFKA_PRODUCER, bootstrap);
  // Connected before the first stamp: otherwise the first records wait for the connection.
  rd_kafka_topic_t* handle = rd_kafka_topic_new(rk, topic, nullptr);
  const rd_kafka_metadata_t* metadata = nullptr;
  if (rd_kafka_metadata(rk, 0, handle, &metadata, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) rd_kafka_metadata_destroy(metadata);
  rd_kafka_topic_destroy(handle);
  const int64_t total = static_cast<int64_t>(rate * seconds);
  const auto begin = std::chrono::steady_clock::now();
  char value[256];
  for (int64_t i = 0; i < total; ++i) {
    auto due = begin + std::chrono::duration<double>(static_cast<double>(i) / rate);
    if (due > std::chrono::steady_clock::now()) std::this_thread::sleep_until(due);
    int n = std::snprintf(value, sizeof(value),
                          "{\"id\": %lld, \"sent\": %.6f, \"user\": \"u%lld\", \"amount\": %.1f, \"kind\": \"buy\"}",
                          static_cast<long long>(i), NowSeconds(), static_cast<long long>(i % 100),
                          static_cast<double>(i % 50));
    while (rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_VALUE(value, static_cast<size_t>(n)),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(rk, 1);
    }
    rd_kafka_poll(rk, 0);
  }
  rd_kafka_flush(rk, 30000);
  std::printf("%.3f\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
  rd_kafka_destroy(rk);
  return 0;
}

// The number after `"key": ` (or `"key":`) in `text`, or nothing.
bool NumberAfter(const char* text, size_t size, const char* key, double* out) {
  std::string s(text, size);
  size_t at = s.find(key);
  if (at == std::string::npos) return false;
  at += std::strlen(key);
  while (at < s.size() && (s[at] == ' ' || s[at] == ':')) ++at;
  char* end = nullptr;
  *out = std::strtod(s.c_str() + at, &end);
  return end != s.c_str() + at;
}

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * static_cast<double>(sorted.size())))];
}

int Consume(const char* bootstrap, const char* topic, int64_t total, const char* timeline_path) {
  rd_kafka_t* rk = MakeClient(RD_KAFKA_CONSUMER, bootstrap);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(assignment, topic, 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(rk, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  std::vector<double> latencies;
  FILE* timeline = timeline_path != nullptr ? std::fopen(timeline_path, "w") : nullptr;
  double newest = -1;
  auto last = std::chrono::steady_clock::now();
  bool any = false;
  while (static_cast<int64_t>(latencies.size()) < total && newest < static_cast<double>(total - 1) &&
         (!any || std::chrono::steady_clock::now() - last < std::chrono::seconds(30))) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 50);
    if (m == nullptr) continue;
    double sent = 0, id = 0;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      double now = NowSeconds();
      const char* text = static_cast<const char*>(m->payload);
      if (NumberAfter(text, m->len, "\"sent\"", &sent) && NumberAfter(text, m->len, "\"id\"", &id)) {
        latencies.push_back((now - sent) * 1000);
        if (timeline != nullptr) std::fprintf(timeline, "%.6f %.3f\n", sent, latencies.back());
        newest = std::max(newest, id);
        last = std::chrono::steady_clock::now();
        any = true;
      }
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  if (timeline != nullptr) std::fclose(timeline);
  std::sort(latencies.begin(), latencies.end());
  std::printf("{\"n\": %zu, \"p50\": %.3f, \"p99\": %.3f, \"p999\": %.3f, \"max\": %.3f}\n", latencies.size(),
              Percentile(latencies, 0.5), Percentile(latencies, 0.99), Percentile(latencies, 0.999),
              latencies.empty() ? 0.0 : latencies.back());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "produce" && argc == 6) return Produce(argv[2], argv[3], std::atof(argv[4]), std::atof(argv[5]));
  if (mode == "consume" && (argc == 5 || argc == 6)) {
    return Consume(argv[2], argv[3], std::atoll(argv[4]), argc == 6 ? argv[5] : nullptr);
  }
  std::fprintf(stderr,
               "usage: kafka_latency_probe produce <bootstrap> <topic> <rate> <seconds>\n"
               "       kafka_latency_probe consume <bootstrap> <topic> <total> [<timeline file>]\n");
  return 2;
}
