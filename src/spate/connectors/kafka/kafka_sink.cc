// The Kafka sink, streaming and batch.
//
// Default (as Spark): at-least-once. A batch re-run after a crash is
// produced again.
//
// exactlyOnce=true (a Spate extension): each batch is one Kafka transaction
// of a producer whose transactional.id is "spate-<query id>-0" (the query
// id survives restarts; 0 is the writing task). Together with the batch's
// messages the transaction commits, for the consumer group
// "spate-sink-<query id>", the offset <batch id + 1> on partition 0 of the
// batch's first topic: a marker that commits or aborts with the messages.
// On a restart, initTransactions fences an older producer of the query and
// aborts its open transaction; the first batch of the run then reads the
// marker, and a batch whose marker is already committed is not produced
// again. Consumers with isolation.level=read_committed see every row once.
// Under the continuous trigger and real-time mode an epoch is the batch: its
// records go into one transaction as they arrive (batches without `flush`),
// which the epoch's end (the batch with `flush`) commits with the marker
// <epoch + 1>. See docs/kafka.md and docs/low-latency.md.

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/connectors/kafka/kafka_config.h"
#include "spate/connectors/kafka/kafka_connector.h"
#include "spate/connectors/kafka/kafka_writer.h"
#include "spate/connectors/save_mode.h"

namespace spate {

namespace kafka {

namespace {

struct ErrorDeleter {
  void operator()(rd_kafka_error_t* e) const { rd_kafka_error_destroy(e); }
};
using ErrorPtr = std::unique_ptr<rd_kafka_error_t, ErrorDeleter>;

arrow::Status TxnStatus(const std::string& what, rd_kafka_error_t* raw) {
  ErrorPtr error(raw);
  if (!error) return arrow::Status::OK();
  return arrow::Status::IOError(fmt::format("Kafka sink (exactlyOnce): {} failed: {}", what,
                                            rd_kafka_error_string(error.get())));
}

class KafkaStreamSink final : public StreamSink {
 public:
  KafkaStreamSink(ClientConfig config, std::optional<std::string> topic, bool exactly_once)
      : config_(std::move(config)), topic_(std::move(topic)), exactly_once_(exactly_once) {}

  std::string description() const override { return exactly_once_ ? "KafkaTable[exactlyOnce]" : "KafkaTable"; }
  bool exactly_once() const override { return exactly_once_; }
  bool commits_epochs() const override { return exactly_once_; }
  bool writes_pieces() const override { return true; }

  arrow::Status Open(const std::string& query_id, const std::string&) override {
    ClientConfig config = ProducerDefaults(config_);
    if (exactly_once_) {
      config["transactional.id"] = fmt::format("spate-{}-0", query_id);
      group_ = fmt::format("spate-sink-{}", query_id);
      marker_checked_ = false;
      committed_rerun_ = -1;
    }
    ARROW_ASSIGN_OR_RAISE(producer_, Client::Create(Client::Kind::kProducer, config, "Kafka sink"));
    if (exactly_once_) {
      ARROW_RETURN_NOT_OK(
          TxnStatus("initializing transactions", rd_kafka_init_transactions(producer_->get(), producer_->timeout_ms())));
    }
    return arrow::Status::OK();
  }

  arrow::Result<int64_t> AddBatch(const SinkBatch& batch) override {
    const auto& rows = batch.rows;
    if (!exactly_once_) {
      ARROW_RETURN_NOT_OK(ProduceRows(*producer_, rows, topic_).status());
      if (batch.flush) ARROW_RETURN_NOT_OK(producer_->Flush());
      return rows->num_rows();
    }
    // Every piece of a re-run batch whose marker is already committed is skipped.
    if (batch.batch_id == committed_rerun_) return rows->num_rows();
    if (!marker_) {
      if (rows->num_rows() == 0) return 0;
      ARROW_ASSIGN_OR_RAISE(bool done, AlreadyCommitted(*rows, batch.batch_id));
      if (done) {
        committed_rerun_ = batch.batch_id;
        return rows->num_rows();
      }
      ARROW_RETURN_NOT_OK(BeginTransaction(*rows));
    }
    arrow::Status status = ProduceRows(*producer_, rows, topic_).status();
    if (status.ok() && batch.flush) status = CommitTransaction(batch.batch_id);
    if (!status.ok()) {
      marker_.reset();
      ErrorPtr aborted(rd_kafka_abort_transaction(producer_->get(), producer_->timeout_ms()));
      return status;
    }
    return rows->num_rows();
  }

  void Close() override {
    marker_.reset();
    producer_.reset();
  }

 private:
  // The marker partition for a batch: partition 0 of its first row's topic
  // (a re-run has the same rows, so the same marker).
  arrow::Result<TopicPartition> Marker(const arrow::Table& rows) {
    if (topic_) return TopicPartition{*topic_, 0};
    auto column = rows.GetColumnByName("topic");
    for (const auto& chunk : column->chunks()) {
      if (chunk->length() > 0 && !chunk->IsNull(0)) {
        return TopicPartition{std::string(static_cast<const arrow::StringArray&>(*chunk).GetView(0)), 0};
      }
    }
    return arrow::Status::Invalid("null topic present in the data. Use the topic option for setting a topic.");
  }

  // Only the first batch of a run can be a re-run of a committed batch.
  arrow::Result<bool> AlreadyCommitted(const arrow::Table& rows, int64_t batch_id) {
    if (marker_checked_) return false;
    marker_checked_ = true;
    ARROW_ASSIGN_OR_RAISE(TopicPartition marker, Marker(rows));
    ClientConfig config = config_;
    config["group.id"] = group_;
    config["isolation.level"] = "read_committed";
    config.erase("transactional.id");
    config.erase("partitioner");
    ARROW_ASSIGN_OR_RAISE(auto consumer, Client::Create(Client::Kind::kConsumer, config, "Kafka sink"));
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, marker.topic.c_str(), marker.partition);
    rd_kafka_resp_err_t err = rd_kafka_committed(consumer->get(), list, consumer->timeout_ms());
    int64_t committed = list->elems[0].offset;
    rd_kafka_resp_err_t part_err = list->elems[0].err;
    rd_kafka_topic_partition_list_destroy(list);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) err = part_err;
    if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) return false;  // nothing written yet
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return consumer->ErrorStatus("reading the sink's commit marker", err);
    return committed >= batch_id + 1;
  }

  // A transaction for a batch (an epoch) whose first rows are `rows`; their topic names its marker.
  arrow::Status BeginTransaction(const arrow::Table& rows) {
    ARROW_ASSIGN_OR_RAISE(TopicPartition marker, Marker(rows));
    ARROW_RETURN_NOT_OK(TxnStatus("beginning a transaction", rd_kafka_begin_transaction(producer_->get())));
    marker_ = std::move(marker);
    return arrow::Status::OK();
  }

  // Commits the open transaction with the marker <batch id + 1>.
  arrow::Status CommitTransaction(int64_t batch_id) {
    rd_kafka_t* rk = producer_->get();
    rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(offsets, marker_->topic.c_str(), marker_->partition)->offset = batch_id + 1;
    rd_kafka_consumer_group_metadata_t* group = rd_kafka_consumer_group_metadata_new(group_.c_str());
    arrow::Status status = TxnStatus("recording the batch id",
                                     rd_kafka_send_offsets_to_transaction(rk, offsets, group, producer_->timeout_ms()));
    rd_kafka_consumer_group_metadata_destroy(group);
    rd_kafka_topic_partition_list_destroy(offsets);
    ARROW_RETURN_NOT_OK(status);
    ARROW_RETURN_NOT_OK(TxnStatus("committing the transaction", rd_kafka_commit_transaction(rk, producer_->timeout_ms())));
    marker_.reset();
    return producer_->FatalStatus();
  }

  ClientConfig config_;
  std::optional<std::string> topic_;
  bool exactly_once_;
  std::string group_;
  bool marker_checked_ = true;
  std::optional<TopicPartition> marker_;  // set while a transaction is open
  int64_t committed_rerun_ = -1;            // the re-run batch found already committed
  std::unique_ptr<Client> producer_;
};

arrow::Result<ClientConfig> SinkConfig(const Options& options) {
  return ClientConfigFromOptions(options, Role::kSink);
}

}  // namespace

}  // namespace kafka

arrow::Result<std::shared_ptr<StreamSink>> MakeKafkaStreamSink(const SinkRequest& r) {
  ARROW_ASSIGN_OR_RAISE(auto config, kafka::SinkConfig(r.options));
  if (r.live) config = kafka::LiveProducerDefaults(std::move(config));
  auto topic = r.options.Get("topic");
  ARROW_RETURN_NOT_OK(kafka::ValidateSinkSchema(*r.schema, topic));
  ARROW_ASSIGN_OR_RAISE(bool exactly_once, r.options.GetBool("exactlyOnce", false));
  if (exactly_once && r.options.Has("kafka.transactional.id")) {
    return arrow::Status::Invalid(
        "Set either exactlyOnce (the sink derives kafka.transactional.id from the query id) or "
        "kafka.transactional.id, not both");
  }
  if (r.mode == OutputMode::kComplete && exactly_once) {
    return arrow::Status::NotImplemented(
        "The Kafka sink's exactlyOnce option needs outputMode append or update, not complete");
  }
  return std::make_shared<kafka::KafkaStreamSink>(std::move(config), std::move(topic), exactly_once);
}

arrow::Status WriteKafka(const StructType& schema,
                         const std::function<arrow::Result<std::shared_ptr<arrow::Table>>()>& rows_of,
                         const std::string& mode, const std::map<std::string, std::string>& options) {
  ARROW_ASSIGN_OR_RAISE(SaveMode save_mode, ParseSaveMode(mode.empty() ? "error" : mode));
  if (save_mode == SaveMode::kOverwrite || save_mode == SaveMode::kIgnore) {
    return LegacyAnalysisError(fmt::format(
        "Save mode {} not allowed for Kafka. Allowed save modes are Append and ErrorIfExists (default).",
        save_mode == SaveMode::kOverwrite ? "Overwrite" : "Ignore"));
  }
  Options opts;
  for (const auto& [k, v] : options) opts.Set(k, v);
  ARROW_ASSIGN_OR_RAISE(auto config, kafka::SinkConfig(opts));
  auto topic = opts.Get("topic");
  ARROW_RETURN_NOT_OK(kafka::ValidateSinkSchema(schema, topic));
  ARROW_ASSIGN_OR_RAISE(auto rows, rows_of());
  ARROW_ASSIGN_OR_RAISE(auto producer,
                        kafka::Client::Create(kafka::Client::Kind::kProducer, kafka::ProducerDefaults(config),
                                              "Kafka sink"));
  ARROW_RETURN_NOT_OK(kafka::ProduceRows(*producer, rows, topic).status());
  return producer->Flush();
}

}  // namespace spate
