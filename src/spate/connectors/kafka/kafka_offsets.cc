#include "spate/connectors/kafka/kafka_offsets.h"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace spate::kafka {

std::string OffsetsToJson(const PartitionOffsets& offsets) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  const std::string* topic = nullptr;
  for (const auto& [tp, offset] : offsets) {
    if (topic == nullptr || *topic != tp.topic) {
      if (topic != nullptr) w.EndObject();
      w.Key(tp.topic.c_str());
      w.StartObject();
      topic = &tp.topic;
    }
    w.Key(std::to_string(tp.partition).c_str());
    w.Int64(offset);
  }
  if (topic != nullptr) w.EndObject();
  w.EndObject();
  return buf.GetString();
}

arrow::Result<PartitionOffsets> OffsetsFromJson(const std::string& json, const std::string& option) {
  auto invalid = [&] {
    return arrow::Status::Invalid(fmt::format(
        "Invalid JSON for '{}': expected {{\"topicA\":{{\"0\":23,\"1\":-1}},\"topicB\":{{\"0\":-2}}}}, got {}",
        option, json));
  };
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  if (doc.HasParseError() || !doc.IsObject()) return invalid();
  PartitionOffsets out;
  for (const auto& topic : doc.GetObject()) {
    if (!topic.value.IsObject()) return invalid();
    for (const auto& part : topic.value.GetObject()) {
      if (!part.value.IsInt64()) return invalid();
      std::string p = part.name.GetString();
      char* end = nullptr;
      long n = std::strtol(p.c_str(), &end, 10);
      if (p.empty() || *end != '\0' || n < 0) return invalid();
      out[{topic.name.GetString(), static_cast<int32_t>(n)}] = part.value.GetInt64();
    }
  }
  return out;
}

std::string PartitionName(const TopicPartition& tp) { return fmt::format("{}-{}", tp.topic, tp.partition); }

}  // namespace spate::kafka
