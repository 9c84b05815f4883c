#include "spate/connectors/kafka/kafka_live_reader.h"

#include <vector>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/connectors/kafka/kafka_rows.h"
#include "spate/types/arrow_types.h"

namespace spate::kafka {

namespace {

constexpr size_t kMaxMessagesPerPoll = 8192;

}  // namespace

LiveReader::LiveReader(ClientConfig config, ReadSettings settings)
    : config_(LiveConsumerDefaults(std::move(config))), settings_(settings) {}

ClientConfig LiveConsumerDefaults(ClientConfig config) {
  // The broker answers a fetch once 20 KB have come or 2 ms have passed, where
  // librdkafka's defaults answer at the first byte: at a high rate that is a fetch,
  // a poll and a produce request for every few records, and the wakeups of three
  // threads for each. At 100,000 records/s a fetch now takes about 2 ms of records,
  // for less CPU in the query and the broker; a slow stream's records wait up to 2 ms more.
  config.emplace("fetch.min.bytes", "20000");
  config.emplace("fetch.wait.max.ms", "2");
  return config;
}

LiveReader::~LiveReader() {
  if (queue_ != nullptr) rd_kafka_queue_destroy(queue_);
  if (consumer_) rd_kafka_assign(consumer_->get(), nullptr);
}

arrow::Status LiveReader::Assign(const PartitionOffsets& from) {
  if (!consumer_) {
    ARROW_ASSIGN_OR_RAISE(schema_, ToArrowSchema(*KafkaSourceSchema(settings_.include_headers)));
    rows_ = std::make_unique<RowBuilder>(settings_.include_headers);
    batch_.resize(kMaxMessagesPerPoll);
    ARROW_ASSIGN_OR_RAISE(consumer_, Client::Create(Client::Kind::kConsumer, config_, "Kafka source"));
    queue_ = rd_kafka_queue_get_consumer(consumer_->get());
  }
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(from.size()));
  for (const auto& [tp, offset] : from) {
    rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition)->offset = offset;
  }
  rd_kafka_resp_err_t err = rd_kafka_assign(consumer_->get(), list);
  rd_kafka_topic_partition_list_destroy(list);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return consumer_->ErrorStatus("assigning partitions", err);
  assigned_ = from;
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<arrow::Table>> LiveReader::Poll(PartitionOffsets* from, int timeout_ms) {
  if (!consumer_ || *from != assigned_) ARROW_RETURN_NOT_OK(Assign(*from));
  // rd_kafka_consume_batch_queue waits its whole timeout unless it fills the
  // batch, so wait for the first message alone, then take what is there.
  std::vector<rd_kafka_message_t*>& batch = batch_;
  RowBuilder& rows = *rows_;
  ssize_t n = 0;
  if (rd_kafka_message_t* first = rd_kafka_consume_queue(queue_, timeout_ms)) {
    batch[0] = first;
    n = 1 + std::max<ssize_t>(0, rd_kafka_consume_batch_queue(queue_, 0, batch.data() + 1, batch.size() - 1));
  }
  arrow::Status status;
  for (ssize_t i = 0; i < n; ++i) {
    rd_kafka_message_t* m = batch[i];
    TopicPartition tp{m->rkt ? rd_kafka_topic_name(m->rkt) : "", m->partition};
    auto it = assigned_.find(tp);
    if (!status.ok() || m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
    } else if (m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET || m->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) {
      if (settings_.fail_on_data_loss) {
        status = DataLossError(fmt::format("offset {} of {} is out of range",
                                           it == assigned_.end() ? m->offset : it->second, PartitionName(tp)));
      }
    } else if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      status = consumer_->ErrorStatus(fmt::format("reading {}", PartitionName(tp)), m->err);
    } else if (it != assigned_.end() && m->offset >= it->second) {
      status = rows.Append(m, tp.topic);
      it->second = m->offset + 1;
    }
    rd_kafka_message_destroy(m);
  }
  if (status.ok()) status = consumer_->FatalStatus();
  if (!status.ok()) {
    rows_ = std::make_unique<RowBuilder>(settings_.include_headers);  // drops the rows of the failed poll
    return status;
  }
  *from = assigned_;
  return rows.Finish(schema_);
}

}  // namespace spate::kafka
