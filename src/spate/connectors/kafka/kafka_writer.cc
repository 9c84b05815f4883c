#include "spate/connectors/kafka/kafka_writer.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"

namespace spate::kafka {

namespace {

const StructField* FindField(const StructType& schema, const std::string& name) {
  for (const auto& f : schema.fields()) {
    if (AsciiLower(f.name) == name) return &f;
  }
  return nullptr;
}

arrow::Status UnsupportedType(const std::string& name, const DataType& type, const std::string& allowed) {
  return LegacyAnalysisError(
      fmt::format("{} attribute unsupported type {}. {} must be a(n) {}", name, type.SimpleString(), name, allowed));
}

bool IsStringOrBinary(const DataType& t) { return t.id() == TypeId::kString || t.id() == TypeId::kBinary; }

std::shared_ptr<arrow::Array> Column(const arrow::RecordBatch& batch, const std::string& name) {
  for (int i = 0; i < batch.num_columns(); ++i) {
    if (AsciiLower(batch.schema()->field(i)->name()) == name) return batch.column(i);
  }
  return nullptr;
}

// Bytes of a string or binary cell (both are 32-bit offset binary layouts).
std::string_view Bytes(const arrow::Array* array, int64_t row) {
  if (array == nullptr || array->IsNull(row)) return {};
  return static_cast<const arrow::BinaryArray*>(array)->GetView(row);
}

rd_kafka_headers_t* Headers(const arrow::ListArray* list, int64_t row) {
  if (list == nullptr || list->IsNull(row)) return nullptr;
  const auto& entries = static_cast<const arrow::StructArray&>(*list->values());
  const arrow::Array* keys = entries.field(0).get();
  const arrow::Array* values = entries.field(1).get();
  int64_t begin = list->value_offset(row), end = list->value_offset(row + 1);
  rd_kafka_headers_t* out = rd_kafka_headers_new(static_cast<size_t>(end - begin));
  for (int64_t i = begin; i < end; ++i) {
    std::string_view k = Bytes(keys, i);
    std::string_view v = Bytes(values, i);
    rd_kafka_header_add(out, k.data(), static_cast<ssize_t>(k.size()), values->IsNull(i) ? nullptr : v.data(),
                        static_cast<ssize_t>(v.size()));
  }
  return out;
}

}  // namespace

arrow::Status ValidateSinkSchema(const StructType& schema, const std::optional<std::string>& topic_option) {
  const StructField* topic = FindField(schema, "topic");
  if (!topic_option && topic == nullptr) {
    return LegacyAnalysisError(
        "topic option required when no 'topic' attribute is present. Use the topic option for setting a topic.");
  }
  if (topic != nullptr && !topic_option && topic->type->id() != TypeId::kString) {
    return UnsupportedType("topic", *topic->type, "string");
  }
  const StructField* key = FindField(schema, "key");
  if (key != nullptr && !IsStringOrBinary(*key->type)) return UnsupportedType("key", *key->type, "string or binary");
  const StructField* value = FindField(schema, "value");
  if (value == nullptr) return LegacyAnalysisError("Required attribute 'value' not found");
  if (!IsStringOrBinary(*value->type)) return UnsupportedType("value", *value->type, "string or binary");
  const StructField* partition = FindField(schema, "partition");
  if (partition != nullptr && partition->type->id() != TypeId::kInt) {
    return UnsupportedType("partition", *partition->type, "int");
  }
  const StructField* headers = FindField(schema, "headers");
  if (headers != nullptr) {
    auto expected = types::Array(types::Struct({{"key", types::String(), true}, {"value", types::Binary(), true}}));
    bool ok = headers->type->id() == TypeId::kArray && headers->type->SimpleString() == expected->SimpleString();
    if (!ok) return UnsupportedType("headers", *headers->type, "array<struct<key:string,value:binary>>");
  }
  return arrow::Status::OK();
}

arrow::Result<std::string> ProduceRows(Client& producer, const std::shared_ptr<arrow::Table>& rows,
                                       const std::optional<std::string>& topic_option) {
  // Messages point into the rows' buffers; the hold keeps them until delivered.
  std::unique_ptr<Client::Hold> hold = producer.HoldBytes(rows);
  std::string first_topic;
  arrow::TableBatchReader reader(*rows);
  std::shared_ptr<arrow::RecordBatch> batch;
  std::string_view last_topic;
  rd_kafka_topic_t* rkt = nullptr;
  if (topic_option) {
    ARROW_ASSIGN_OR_RAISE(rkt, producer.Topic(*topic_option));
  }
  int64_t produced = 0;
  while (true) {
    ARROW_RETURN_NOT_OK(reader.ReadNext(&batch));
    if (batch == nullptr) break;
    auto topic = Column(*batch, "topic"), key = Column(*batch, "key"), value = Column(*batch, "value");
    auto partition = Column(*batch, "partition"), headers = Column(*batch, "headers");
    const auto* partitions = static_cast<const arrow::Int32Array*>(partition.get());
    const auto* header_lists = static_cast<const arrow::ListArray*>(headers.get());
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      if (!topic_option) {
        if (topic->IsNull(r)) {
          return arrow::Status::Invalid("null topic present in the data. Use the topic option for setting a topic.");
        }
        std::string_view name = Bytes(topic.get(), r);
        if (rkt == nullptr || name != last_topic) {
          ARROW_ASSIGN_OR_RAISE(rkt, producer.Topic(name));
        }
        last_topic = name;
      }
      if (first_topic.empty()) first_topic = rd_kafka_topic_name(rkt);
      int32_t p = partitions != nullptr && !partitions->IsNull(r) ? partitions->Value(r) : RD_KAFKA_PARTITION_UA;
      std::string_view k = Bytes(key.get(), r), v = Bytes(value.get(), r);
      bool null_key = key == nullptr || key->IsNull(r), null_value = value->IsNull(r);
      ARROW_RETURN_NOT_OK(producer.Produce(*hold, rkt, p, null_key ? nullptr : k.data(), k.size(),
                                           null_value ? nullptr : v.data(), v.size(), Headers(header_lists, r)));
      if (++produced % 1024 == 0) rd_kafka_poll(producer.get(), 0);
    }
  }
  // The delivery reports of what was acknowledged so far. Unserved, they count against
  // queue.buffering.max.messages: a query handing over a few hundred rows at a time
  // filled it after 100,000 records, then served them all at once inside a send
  // (5 ms every second at 100,000 records/s), holding their rows' buffers until then.
  rd_kafka_poll(producer.get(), 0);
  return first_topic;
}

ClientConfig ProducerDefaults(ClientConfig config) {
  config.emplace("partitioner", "murmur2_random");
  // A record is sent as soon as it is produced (librdkafka waits 5 ms by default for
  // more to batch with it). With at most 5 requests in flight, records produced while
  // they are out wait for the next one together, which keeps the requests few at
  // high rates (librdkafka allows 1,000,000 in flight: linger.ms 0 alone sends a
  // request per record and cannot keep up at 100,000 records/s on two cores).
  config.emplace("linger.ms", "0");
  config.emplace("max.in.flight.requests.per.connection", "5");
  return config;
}

ClientConfig LiveProducerDefaults(ClientConfig config) {
  // A poll's rows are produced one by one, and with linger.ms 0 the first of them
  // wakes the producer's thread, which sends what is queued so far and is woken
  // again for the rest. Waiting 1 ms sends a poll's rows in one request.
  // (queue.buffering.max.ms is librdkafka's other name of linger.ms.)
  if (!config.count("queue.buffering.max.ms")) config.emplace("linger.ms", "1");
  return config;
}

}  // namespace spate::kafka
