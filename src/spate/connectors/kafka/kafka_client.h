#pragma once

// A librdkafka client handle (consumer or producer) with what the Kafka
// source and sink need: metadata (partitions of topics), watermark offsets,
// offsets for timestamps, and errors turned into arrow::Status. Errors that
// cannot heal (authentication, TLS handshake, unknown broker host) are
// remembered by the error callback so that a blocking call fails fast with
// them instead of waiting out its timeout.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>
#include <librdkafka/rdkafka.h>

#include "spate/connectors/kafka/kafka_offsets.h"

namespace spate::kafka {

/// librdkafka configuration properties (already mapped from the Java names).
using ClientConfig = std::map<std::string, std::string>;

class Client {
  struct CallbackState;
  struct Held;

 public:
  enum class Kind { kConsumer, kProducer };

  /// Creates the handle; `describe` names it in errors ("Kafka source").
  static arrow::Result<std::unique_ptr<Client>> Create(Kind kind, const ClientConfig& config,
                                                       std::string describe);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  rd_kafka_t* get() const { return rk_; }

  /// The partitions of each named topic that exists (missing topics are left out).
  arrow::Result<std::map<std::string, int>> PartitionCounts(const std::vector<std::string>& topics);
  /// Every non-internal topic whose whole name matches the (ECMAScript) pattern.
  arrow::Result<std::map<std::string, int>> MatchingTopics(const std::string& pattern);
  /// Earliest (low) and latest (high) offsets of each partition.
  /// With `skip_unknown`, a partition the broker no longer knows (its topic
  /// was just deleted) is left out of the results instead of failing.
  arrow::Status Watermarks(const std::vector<TopicPartition>& partitions, PartitionOffsets* low,
                           PartitionOffsets* high, bool skip_unknown = false);
  /// For each partition, the earliest offset whose timestamp is >= the
  /// given one (-1: no such message).
  arrow::Result<PartitionOffsets> OffsetsForTimes(const PartitionOffsets& timestamps);

  /// The remembered unrecoverable error, if any (authentication, TLS, ...).
  arrow::Status FatalStatus() const;
  /// An arrow::Status for a librdkafka error code, naming what failed.
  arrow::Status ErrorStatus(const std::string& what, rd_kafka_resp_err_t err) const;

  int timeout_ms() const { return timeout_ms_; }

  /// Producers: waits until every produced message is acknowledged (or
  /// failed); an error names the first failed delivery.
  arrow::Status Flush();

  /// Producers: the handle of a topic, made on first use and kept with the client.
  arrow::Result<rd_kafka_topic_t*> Topic(std::string_view name);

  /// Producers: produces one message with a copy of its key and value,
  /// waiting while the local queue is full. `headers` (may be null) is owned
  /// by the message on success.
  arrow::Status Produce(const std::string& topic, int32_t partition, const void* key, size_t key_len,
                        const void* value, size_t value_len, rd_kafka_headers_t* headers);

  /// Keeps what owns the bytes of messages produced without a copy alive:
  /// until the Hold is destroyed and every message produced with it is
  /// reported delivered or failed, or else until the handle is destroyed.
  /// A Hold is used and destroyed on the thread that produces.
  class Hold {
   public:
    ~Hold();
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

   private:
    friend class Client;
    Hold(std::shared_ptr<CallbackState> state, Held* held) : state_(std::move(state)), held_(held) {}
    std::shared_ptr<CallbackState> state_;
    Held* held_;
  };
  std::unique_ptr<Hold> HoldBytes(std::shared_ptr<const void> owner);

  /// Producers: produces one message whose key and value bytes `hold` keeps
  /// alive (no copy), waiting while the local queue is full. `headers` as above.
  arrow::Status Produce(const Hold& hold, rd_kafka_topic_t* topic, int32_t partition, const void* key,
                        size_t key_len, const void* value, size_t value_len, rd_kafka_headers_t* headers);

 private:
  Client(rd_kafka_t* rk, std::string describe, int timeout_ms);
  static void OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  static void OnLog(const rd_kafka_t* rk, int level, const char* facility, const char* message);
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque);
  arrow::Result<const rd_kafka_metadata_t*> Metadata(const char* topic_or_null);
  arrow::Status Send(rd_kafka_topic_t* topic, int32_t partition, const void* key, size_t key_len,
                     const void* value, size_t value_len, rd_kafka_headers_t* headers, int flags, void* opaque);

  // The owner of messages' bytes and how many references it has left: its
  // Hold and each message produced with it that is not reported yet.
  struct Held {
    std::shared_ptr<const void> owner;
    std::atomic<int64_t> references = 1;
  };

  // What the callbacks record; shared with the handle's destroy thread, so
  // held bytes outlive the handle.
  struct CallbackState {
    std::mutex mutex;
    std::string fatal;
    int64_t failed_deliveries = 0;
    std::string first_delivery_error;
    std::map<const Held*, std::unique_ptr<Held>> held;  // messages carry a Held* as their opaque
    void Release(Held* held);  // drops a reference; the last one frees it
  };

  rd_kafka_t* rk_;
  std::string describe_;
  int timeout_ms_;
  std::shared_ptr<CallbackState> state_ = std::make_shared<CallbackState>();
  std::map<std::string, rd_kafka_topic_t*, std::less<>> topics_;
};

/// Creates topics (tests, the benchmark and the demo set them up with it).
arrow::Status CreateTopic(const ClientConfig& config, const std::string& topic, int partitions);
/// Grows a topic to `partitions` partitions.
arrow::Status AddPartitions(const ClientConfig& config, const std::string& topic, int partitions);
/// Deletes a topic.
arrow::Status DeleteTopic(const ClientConfig& config, const std::string& topic);

}  // namespace spate::kafka
