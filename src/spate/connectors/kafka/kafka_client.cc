#include "spate/connectors/kafka/kafka_client.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include <fmt/format.h>

namespace spate::kafka {

namespace {

using Clock = std::chrono::steady_clock;

// Errors retrying cannot fix: wrong credentials, a TLS failure, a host name
// that does not resolve, a fatal client error.
bool IsUnrecoverable(int err) {
  return err == RD_KAFKA_RESP_ERR__AUTHENTICATION || err == RD_KAFKA_RESP_ERR__SSL ||
         err == RD_KAFKA_RESP_ERR__RESOLVE || err == RD_KAFKA_RESP_ERR__FATAL ||
         err == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED ||
         err == RD_KAFKA_RESP_ERR_UNSUPPORTED_SASL_MECHANISM || err == RD_KAFKA_RESP_ERR__INVALID_ARG;
}

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};

// Runs an admin request on a short-lived producer handle and waits for its result.
template <typename Request>
arrow::Status RunAdmin(const ClientConfig& config, const std::string& what, Request request) {
  ARROW_ASSIGN_OR_RAISE(auto client, Client::Create(Client::Kind::kProducer, config, "Kafka admin"));
  rd_kafka_queue_t* queue = rd_kafka_queue_new(client->get());
  request(client->get(), queue);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, client->timeout_ms());
  arrow::Status status;
  if (ev == nullptr) {
    status = client->FatalStatus();
    if (status.ok()) status = arrow::Status::IOError(fmt::format("Kafka admin: {} timed out", what));
  } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = arrow::Status::IOError(fmt::format("Kafka admin: {} failed: {}", what, rd_kafka_event_error_string(ev)));
  } else {
    const rd_kafka_topic_result_t** results = nullptr;
    size_t n = 0;
    switch (rd_kafka_event_type(ev)) {
      case RD_KAFKA_EVENT_CREATETOPICS_RESULT:
        results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
        break;
      case RD_KAFKA_EVENT_CREATEPARTITIONS_RESULT:
        results = rd_kafka_CreatePartitions_result_topics(rd_kafka_event_CreatePartitions_result(ev), &n);
        break;
      case RD_KAFKA_EVENT_DELETETOPICS_RESULT:
        results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &n);
        break;
      default:
        break;
    }
    for (size_t i = 0; i < n; ++i) {
      if (rd_kafka_topic_result_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        status = arrow::Status::IOError(
            fmt::format("Kafka admin: {} failed: {}", what, rd_kafka_topic_result_error_string(results[i])));
      }
    }
  }
  if (ev != nullptr) rd_kafka_event_destroy(ev);
  rd_kafka_queue_destroy(queue);
  return status;
}

}  // namespace

arrow::Result<std::unique_ptr<Client>> Client::Create(Kind kind, const ClientConfig& config,
                                                      std::string describe) {
  std::unique_ptr<rd_kafka_conf_t, ConfDeleter> conf(rd_kafka_conf_new());
  char errstr[512];
  int timeout_ms = 60000;
  for (const auto& [key, value] : config) {
    if (key == "default.api.timeout.ms") {
      timeout_ms = std::stoi(value);
      continue;
    }
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
      bool secret = key.find("password") != std::string::npos || key.find("secret") != std::string::npos;
      return arrow::Status::Invalid(fmt::format("{}: invalid Kafka client property '{}'{}: {}", describe, key,
                                                secret ? "" : fmt::format("='{}'", value), errstr));
    }
  }
  auto* client = new Client(nullptr, std::move(describe), timeout_ms);
  std::unique_ptr<Client> owned(client);
  rd_kafka_conf_set_opaque(conf.get(), client->state_.get());
  rd_kafka_conf_set_error_cb(conf.get(), &Client::OnError);
  rd_kafka_conf_set_log_cb(conf.get(), &Client::OnLog);
  if (kind == Kind::kProducer) rd_kafka_conf_set_dr_msg_cb(conf.get(), &Client::OnDelivery);
  rd_kafka_type_t type = kind == Kind::kConsumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER;
  rd_kafka_conf_t* raw = conf.release();
  client->rk_ = rd_kafka_new(type, raw, errstr, sizeof(errstr));
  if (client->rk_ == nullptr) {
    rd_kafka_conf_destroy(raw);
    return arrow::Status::Invalid(fmt::format("{}: cannot create the Kafka client: {}", client->describe_, errstr));
  }
  return owned;
}

Client::Client(rd_kafka_t* rk, std::string describe, int timeout_ms)
    : rk_(rk), describe_(std::move(describe)), timeout_ms_(timeout_ms) {}

// Consumers never join their group (partitions are assigned), so there is
// no group membership to leave on close. The handle is destroyed on a
// background thread: librdkafka 2.0's destroy can wait a long time for its
// broker threads after a topic it read was deleted, and a stopping query
// must not wait for that. The error callback may still run meanwhile, so
// it is switched off first.
Client::~Client() {
  if (rk_ == nullptr) return;
  for (const auto& [name, rkt] : topics_) rd_kafka_topic_destroy(rkt);
  std::thread([rk = rk_, state = state_] { rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE); })
      .detach();
}

void Client::OnError(rd_kafka_t*, int err, const char* reason, void* opaque) {
  auto* state = static_cast<CallbackState*>(opaque);
  if (!IsUnrecoverable(err)) return;
  std::lock_guard<std::mutex> lock(state->mutex);
  if (state->fatal.empty()) state->fatal = reason;
}

// librdkafka's own log: warnings and errors only, each distinct text once per
// process (an unreachable broker would otherwise repeat the same lines every
// second), on stderr as "WARN Kafka client: ...".
void Client::OnLog(const rd_kafka_t*, int level, const char* facility, const char* message) {
  constexpr int kWarning = 4;  // syslog levels: 3 error, 4 warning, 6 info, 7 debug
  if (level > kWarning) return;
  // Never destroyed: librdkafka's threads may still log while the process exits.
  static auto* mutex = new std::mutex;
  static auto* seen = new std::set<std::string>;
  // Repeats of one problem differ only in numbers (timings, counts).
  std::string key = facility;
  for (const char* c = message; *c != '\0'; ++c) {
    if (!std::isdigit(static_cast<unsigned char>(*c))) key += *c;
  }
  {
    std::lock_guard<std::mutex> lock(*mutex);
    if (seen->size() > 1000 || !seen->insert(key).second) return;
  }
  std::fprintf(stderr, "%s Kafka client: %s\n", level <= 3 ? "ERROR" : "WARN", message);
}

void Client::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* state = static_cast<CallbackState*>(opaque);
  if (m->_private != nullptr) state->Release(static_cast<Held*>(m->_private));
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  std::lock_guard<std::mutex> lock(state->mutex);
  if (state->failed_deliveries++ == 0) {
    state->first_delivery_error = fmt::format("{} (topic '{}')", rd_kafka_err2str(m->err), rd_kafka_topic_name(m->rkt));
  }
  if (IsUnrecoverable(m->err) && state->fatal.empty()) state->fatal = rd_kafka_err2str(m->err);
}

arrow::Status Client::Flush() {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms_);
  while (rd_kafka_outq_len(rk_) > 0) {
    rd_kafka_flush(rk_, 200);
    ARROW_RETURN_NOT_OK(FatalStatus());
    if (Clock::now() > deadline) {
      return arrow::Status::IOError(fmt::format("{}: {} message(s) not acknowledged within {} ms", describe_,
                                                rd_kafka_outq_len(rk_), timeout_ms_));
    }
  }
  std::lock_guard<std::mutex> lock(state_->mutex);
  if (state_->failed_deliveries > 0) {
    int64_t n = std::exchange(state_->failed_deliveries, 0);
    return arrow::Status::IOError(
        fmt::format("{}: {} message(s) could not be delivered: {}", describe_, n, state_->first_delivery_error));
  }
  return arrow::Status::OK();
}

void Client::CallbackState::Release(Held* h) {
  if (h->references.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  std::lock_guard<std::mutex> lock(mutex);
  held.erase(h);
}

Client::Hold::~Hold() { state_->Release(held_); }

std::unique_ptr<Client::Hold> Client::HoldBytes(std::shared_ptr<const void> owner) {
  auto held = std::make_unique<Held>();
  held->owner = std::move(owner);
  Held* raw = held.get();
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->held.emplace(raw, std::move(held));
  return std::unique_ptr<Hold>(new Hold(state_, raw));
}

arrow::Result<rd_kafka_topic_t*> Client::Topic(std::string_view name) {
  auto it = topics_.find(name);
  if (it != topics_.end()) return it->second;
  std::string key(name);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, key.c_str(), nullptr);
  if (rkt == nullptr) return ErrorStatus(fmt::format("producing to topic '{}'", key), rd_kafka_last_error());
  topics_.emplace(std::move(key), rkt);
  return rkt;
}

arrow::Status Client::Produce(const std::string& topic, int32_t partition, const void* key, size_t key_len,
                              const void* value, size_t value_len, rd_kafka_headers_t* headers) {
  auto rkt = Topic(topic);
  if (!rkt.ok() && headers != nullptr) rd_kafka_headers_destroy(headers);
  ARROW_RETURN_NOT_OK(rkt);
  return Send(*rkt, partition, key, key_len, value, value_len, headers, RD_KAFKA_MSG_F_COPY, nullptr);
}

arrow::Status Client::Produce(const Hold& hold, rd_kafka_topic_t* topic, int32_t partition, const void* key,
                              size_t key_len, const void* value, size_t value_len, rd_kafka_headers_t* headers) {
  hold.held_->references.fetch_add(1, std::memory_order_relaxed);
  arrow::Status status = Send(topic, partition, key, key_len, value, value_len, headers, 0, hold.held_);
  if (!status.ok()) state_->Release(hold.held_);
  return status;
}

arrow::Status Client::Send(rd_kafka_topic_t* topic, int32_t partition, const void* key, size_t key_len,
                           const void* value, size_t value_len, rd_kafka_headers_t* headers, int flags,
                           void* opaque) {
  while (true) {
    rd_kafka_resp_err_t err =
        rd_kafka_producev(rk_, RD_KAFKA_V_RKT(topic), RD_KAFKA_V_PARTITION(partition),
                          RD_KAFKA_V_KEY(const_cast<void*>(key), key_len),
                          RD_KAFKA_V_VALUE(const_cast<void*>(value), value_len), RD_KAFKA_V_MSGFLAGS(flags),
                          RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return arrow::Status::OK();
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      if (headers != nullptr) rd_kafka_headers_destroy(headers);
      return ErrorStatus(fmt::format("producing to topic '{}'", rd_kafka_topic_name(topic)), err);
    }
    rd_kafka_poll(rk_, 50);
    ARROW_RETURN_NOT_OK(FatalStatus());
  }
}

arrow::Status Client::FatalStatus() const {
  if (rk_ != nullptr) rd_kafka_poll(rk_, 0);  // serves the error callback
  std::lock_guard<std::mutex> lock(state_->mutex);
  const std::string& fatal = state_->fatal;
  if (fatal.empty()) return arrow::Status::OK();
  std::string hint;
  if (fatal.find("SASL") != std::string::npos || fatal.find("uthentication") != std::string::npos) {
    hint = " Check the user name and password in kafka.sasl.jaas.config and kafka.sasl.mechanism.";
  } else if (fatal.find("SSL") != std::string::npos || fatal.find("ssl") != std::string::npos) {
    hint = " Check kafka.security.protocol and the CA certificate in kafka.ssl.truststore.location.";
  }
  return arrow::Status::IOError(fmt::format("{}: cannot connect to Kafka: {}.{}", describe_, fatal, hint));
}

arrow::Status Client::ErrorStatus(const std::string& what, rd_kafka_resp_err_t err) const {
  ARROW_RETURN_NOT_OK(FatalStatus());
  return arrow::Status::IOError(fmt::format("{}: {} failed: {}", describe_, what, rd_kafka_err2str(err)));
}

// Metadata in short steps, so an authentication failure stops the wait.
arrow::Result<const rd_kafka_metadata_t*> Client::Metadata(const char* topic_or_null) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms_);
  rd_kafka_topic_t* rkt = topic_or_null ? rd_kafka_topic_new(rk_, topic_or_null, nullptr) : nullptr;
  rd_kafka_resp_err_t err;
  const rd_kafka_metadata_t* md = nullptr;
  while (true) {
    err = rd_kafka_metadata(rk_, rkt == nullptr ? 1 : 0, rkt, &md, 500);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    ARROW_RETURN_NOT_OK(FatalStatus());
    if (err != RD_KAFKA_RESP_ERR__TIMED_OUT && err != RD_KAFKA_RESP_ERR__TRANSPORT) break;
    if (Clock::now() > deadline) break;
  }
  if (rkt != nullptr) rd_kafka_topic_destroy(rkt);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return ErrorStatus("fetching metadata", err);
  return md;
}

arrow::Result<std::map<std::string, int>> Client::PartitionCounts(const std::vector<std::string>& topics) {
  ARROW_ASSIGN_OR_RAISE(const rd_kafka_metadata_t* md, Metadata(nullptr));
  std::map<std::string, int> out;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const auto& t = md->topics[i];
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    for (const auto& name : topics) {
      if (name == t.topic) out[name] = t.partition_cnt;
    }
  }
  rd_kafka_metadata_destroy(md);
  return out;
}

arrow::Result<std::map<std::string, int>> Client::MatchingTopics(const std::string& pattern) {
  std::regex re;
  try {
    re = std::regex(pattern);
  } catch (const std::regex_error& e) {
    return arrow::Status::Invalid(fmt::format("Invalid subscribePattern '{}': {}", pattern, e.what()));
  }
  ARROW_ASSIGN_OR_RAISE(const rd_kafka_metadata_t* md, Metadata(nullptr));
  std::map<std::string, int> out;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const auto& t = md->topics[i];
    std::string name = t.topic;
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR || name.rfind("__", 0) == 0) continue;  // internal topics
    if (std::regex_match(name, re)) out[name] = t.partition_cnt;
  }
  rd_kafka_metadata_destroy(md);
  return out;
}

arrow::Status Client::Watermarks(const std::vector<TopicPartition>& partitions, PartitionOffsets* low,
                                 PartitionOffsets* high, bool skip_unknown) {
  for (const auto& tp : partitions) {
    int64_t lo = 0, hi = 0;
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms_);
    rd_kafka_resp_err_t err;
    do {
      err = rd_kafka_query_watermark_offsets(rk_, tp.topic.c_str(), tp.partition, &lo, &hi, 1000);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      ARROW_RETURN_NOT_OK(FatalStatus());
      if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    } while (Clock::now() < deadline);
    bool unknown = err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION;
    if (unknown && skip_unknown) continue;
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return ErrorStatus(fmt::format("reading the offsets of {}", PartitionName(tp)), err);
    }
    if (low != nullptr) (*low)[tp] = lo;
    if (high != nullptr) (*high)[tp] = hi;
  }
  return arrow::Status::OK();
}

arrow::Result<PartitionOffsets> Client::OffsetsForTimes(const PartitionOffsets& timestamps) {
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(timestamps.size()));
  for (const auto& [tp, ts] : timestamps) {
    rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition)->offset = ts;
  }
  rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(rk_, list, timeout_ms_);
  PartitionOffsets out;
  for (int i = 0; i < list->cnt && err == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
    const auto& p = list->elems[i];
    if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) err = p.err;
    out[{p.topic, p.partition}] = p.offset;
  }
  rd_kafka_topic_partition_list_destroy(list);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return ErrorStatus("looking up offsets by timestamp", err);
  return out;
}

arrow::Status CreateTopic(const ClientConfig& config, const std::string& topic, int partitions) {
  return RunAdmin(config, fmt::format("creating topic '{}'", topic), [&](rd_kafka_t* rk, rd_kafka_queue_t* q) {
    char errstr[256];
    rd_kafka_NewTopic_t* t = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, errstr, sizeof(errstr));
    rd_kafka_CreateTopics(rk, &t, 1, nullptr, q);
    rd_kafka_NewTopic_destroy(t);
  });
}

arrow::Status AddPartitions(const ClientConfig& config, const std::string& topic, int partitions) {
  return RunAdmin(config, fmt::format("adding partitions to '{}'", topic), [&](rd_kafka_t* rk, rd_kafka_queue_t* q) {
    char errstr[256];
    rd_kafka_NewPartitions_t* p = rd_kafka_NewPartitions_new(topic.c_str(), partitions, errstr, sizeof(errstr));
    rd_kafka_CreatePartitions(rk, &p, 1, nullptr, q);
    rd_kafka_NewPartitions_destroy(p);
  });
}

arrow::Status DeleteTopic(const ClientConfig& config, const std::string& topic) {
  return RunAdmin(config, fmt::format("deleting topic '{}'", topic), [&](rd_kafka_t* rk, rd_kafka_queue_t* q) {
    rd_kafka_DeleteTopic_t* t = rd_kafka_DeleteTopic_new(topic.c_str());
    rd_kafka_DeleteTopics(rk, &t, 1, nullptr, q);
    rd_kafka_DeleteTopic_destroy(t);
  });
}

}  // namespace spate::kafka
