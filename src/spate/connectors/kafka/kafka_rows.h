#pragma once

// The Arrow builders of Kafka messages in the Kafka source's schema (one
// copy of each key and value), shared by the range reader and the live reader.

#include <memory>
#include <string>

#include <arrow/api.h>
#include <librdkafka/rdkafka.h>

namespace spate::kafka {

// The rows of one read.
class RowBuilder {
 public:
  explicit RowBuilder(bool include_headers) : include_headers_(include_headers) {
    auto header_type = arrow::struct_({arrow::field("key", arrow::utf8()), arrow::field("value", arrow::binary())});
    header_struct_ = std::make_shared<arrow::StructBuilder>(
        header_type, arrow::default_memory_pool(),
        std::vector<std::shared_ptr<arrow::ArrayBuilder>>{std::make_shared<arrow::StringBuilder>(),
                                                          std::make_shared<arrow::BinaryBuilder>()});
    headers_ = std::make_unique<arrow::ListBuilder>(arrow::default_memory_pool(), header_struct_);
  }

  arrow::Status Append(const rd_kafka_message_t* m, const std::string& topic) {
    ARROW_RETURN_NOT_OK(m->key ? key_.Append(static_cast<const uint8_t*>(m->key), static_cast<int32_t>(m->key_len))
                               : key_.AppendNull());
    ARROW_RETURN_NOT_OK(m->payload ? value_.Append(static_cast<const uint8_t*>(m->payload),
                                                   static_cast<int32_t>(m->len))
                                   : value_.AppendNull());
    ARROW_RETURN_NOT_OK(topic_.Append(topic));
    ARROW_RETURN_NOT_OK(partition_.Append(m->partition));
    ARROW_RETURN_NOT_OK(offset_.Append(m->offset));
    rd_kafka_timestamp_type_t ts_type;
    int64_t ts = rd_kafka_message_timestamp(m, &ts_type);
    ARROW_RETURN_NOT_OK(ts >= 0 ? timestamp_.Append(ts * 1000) : timestamp_.AppendNull());
    ARROW_RETURN_NOT_OK(timestamp_type_.Append(ts_type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? 1 : 0));
    return include_headers_ ? AppendHeaders(m) : arrow::Status::OK();
  }

  // The rows so far as a table; the builders start again with room for as
  // many rows and bytes (a reader's next rows are much like its last ones),
  // so that growing them does not copy every key and value again.
  arrow::Result<std::shared_ptr<arrow::Table>> Finish(const std::shared_ptr<arrow::Schema>& schema) {
    int64_t rows = key_.length();
    int64_t key_bytes = key_.value_data_length(), value_bytes = value_.value_data_length();
    int64_t topic_bytes = topic_.value_data_length();
    std::vector<std::shared_ptr<arrow::Array>> cols(include_headers_ ? 8 : 7);
    ARROW_RETURN_NOT_OK(key_.Finish(&cols[0]));
    ARROW_RETURN_NOT_OK(value_.Finish(&cols[1]));
    ARROW_RETURN_NOT_OK(topic_.Finish(&cols[2]));
    ARROW_RETURN_NOT_OK(partition_.Finish(&cols[3]));
    ARROW_RETURN_NOT_OK(offset_.Finish(&cols[4]));
    ARROW_RETURN_NOT_OK(timestamp_.Finish(&cols[5]));
    ARROW_RETURN_NOT_OK(timestamp_type_.Finish(&cols[6]));
    if (include_headers_) {
      ARROW_RETURN_NOT_OK(headers_->Finish(&cols[7]));
      // The builder's list type names its element "item"; take the schema's.
      ARROW_ASSIGN_OR_RAISE(cols[7], cols[7]->View(schema->field(7)->type()));
    }
    ARROW_RETURN_NOT_OK(Reserve(rows, key_bytes, value_bytes, topic_bytes));
    return arrow::Table::Make(schema, cols);
  }

 private:
  arrow::Status AppendHeaders(const rd_kafka_message_t* m) {
    rd_kafka_headers_t* hdrs = nullptr;
    if (rd_kafka_message_headers(m, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR || hdrs == nullptr) {
      return headers_->AppendNull();
    }
    ARROW_RETURN_NOT_OK(headers_->Append());
    auto* keys = static_cast<arrow::StringBuilder*>(header_struct_->field_builder(0));
    auto* values = static_cast<arrow::BinaryBuilder*>(header_struct_->field_builder(1));
    const char* name;
    const void* val;
    size_t size;
    for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
      ARROW_RETURN_NOT_OK(header_struct_->Append());
      ARROW_RETURN_NOT_OK(keys->Append(name));
      ARROW_RETURN_NOT_OK(val ? values->Append(static_cast<const uint8_t*>(val), static_cast<int32_t>(size))
                              : values->AppendNull());
    }
    return arrow::Status::OK();
  }

  arrow::Status Reserve(int64_t rows, int64_t key_bytes, int64_t value_bytes, int64_t topic_bytes) {
    ARROW_RETURN_NOT_OK(key_.Reserve(rows));
    ARROW_RETURN_NOT_OK(key_.ReserveData(key_bytes));
    ARROW_RETURN_NOT_OK(value_.Reserve(rows));
    ARROW_RETURN_NOT_OK(value_.ReserveData(value_bytes));
    ARROW_RETURN_NOT_OK(topic_.Reserve(rows));
    ARROW_RETURN_NOT_OK(topic_.ReserveData(topic_bytes));
    ARROW_RETURN_NOT_OK(partition_.Reserve(rows));
    ARROW_RETURN_NOT_OK(offset_.Reserve(rows));
    ARROW_RETURN_NOT_OK(timestamp_.Reserve(rows));
    return timestamp_type_.Reserve(rows);
  }

  bool include_headers_;
  arrow::BinaryBuilder key_, value_;
  arrow::StringBuilder topic_;
  arrow::Int32Builder partition_;
  arrow::Int64Builder offset_;
  arrow::TimestampBuilder timestamp_{arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool()};
  arrow::Int32Builder timestamp_type_;
  std::shared_ptr<arrow::StructBuilder> header_struct_;
  std::unique_ptr<arrow::ListBuilder> headers_;
};

}  // namespace spate::kafka
