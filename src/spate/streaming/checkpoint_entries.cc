#include "spate/streaming/checkpoint_entries.h"

#include <cstdlib>
#include <sstream>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace spate {

namespace {

arrow::Status Corrupt(const std::string& path, const std::string& what) {
  return arrow::Status::Invalid("[INVALID_CHECKPOINT] The checkpoint file ", path, " is corrupt: ", what);
}

// The version line every entry starts with.
arrow::Status CheckVersion(const std::string& line, const std::string& path) {
  if (line == "v1") return arrow::Status::OK();
  return arrow::Status::Invalid(fmt::format(
      "[INVALID_CHECKPOINT] The checkpoint file {} has version '{}'; this version of Spate reads "
      "version v1 only.",
      path, line));
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& PinnedQueryConf() {
  static const std::vector<std::pair<std::string, std::string>> kPinned = {
      {"spark.sql.streaming.stateStore.providerClass",
       "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider"},
      {"spark.sql.streaming.stateStore.rocksdb.formatVersion", "5"},
      {"spark.sql.streaming.stateStore.encodingFormat", "unsaferow"},
      {"spark.sql.streaming.statefulOperator.useStrictDistribution", "true"},
      {"spark.sql.streaming.flatMapGroupsWithState.stateFormatVersion", "2"},
      {"spark.sql.streaming.multipleWatermarkPolicy", "min"},
      {"spark.sql.streaming.aggregation.stateFormatVersion", "2"},
      {"spark.sql.shuffle.partitions", "200"},
      {"spark.sql.streaming.join.stateFormatVersion", "2"},
      {"spark.sql.streaming.stateStore.compression.codec", "lz4"},
      {"spark.sql.optimizer.pruneFiltersCanPruneStreamingSubplan", "false"},
      {"spark.sql.session.timeZone", "UTC"},
  };
  return kPinned;
}

std::string OffsetsEntry(int64_t batch_watermark_ms, int64_t batch_timestamp_ms,
                         const std::vector<std::optional<std::string>>& ends, const ConfMap& conf) {
  rapidjson::StringBuffer conf_json;
  rapidjson::Writer<rapidjson::StringBuffer> writer(conf_json);
  writer.StartObject();
  for (const auto& [key, value] : conf) {
    writer.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  }
  writer.EndObject();
  std::string out = fmt::format("v1\n{{\"batchWatermarkMs\":{},\"batchTimestampMs\":{},\"conf\":{}}}",
                                batch_watermark_ms, batch_timestamp_ms, conf_json.GetString());
  for (const auto& e : ends) out += "\n" + e.value_or("-");
  return out;
}

arrow::Result<OffsetsEntryContent> ParseOffsetsEntry(const std::string& text, const std::string& path) {
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  ARROW_RETURN_NOT_OK(CheckVersion(line, path));
  OffsetsEntryContent out;
  std::getline(in, line);
  rapidjson::Document meta;
  meta.Parse(line.c_str(), line.size());
  if (meta.HasParseError() || !meta.IsObject()) return Corrupt(path, "its metadata line is not JSON.");
  if (meta.HasMember("batchTimestampMs") && meta["batchTimestampMs"].IsInt64()) {
    out.batch_timestamp_ms = meta["batchTimestampMs"].GetInt64();
  }
  if (meta.HasMember("batchWatermarkMs") && meta["batchWatermarkMs"].IsInt64()) {
    out.batch_watermark_ms = meta["batchWatermarkMs"].GetInt64();
  }
  if (meta.HasMember("conf") && meta["conf"].IsObject()) {
    for (const auto& m : meta["conf"].GetObject()) {
      if (m.value.IsString()) out.conf[m.name.GetString()] = m.value.GetString();
    }
  }
  while (std::getline(in, line)) {
    if (line == "-") {
      out.ends.push_back(std::nullopt);
    } else {
      out.ends.push_back(line);
    }
  }
  return out;
}

std::string CommitEntry(int64_t next_batch_watermark_ms) {
  return fmt::format("v1\n{{\"nextBatchWatermarkMs\":{}}}", next_batch_watermark_ms);
}

arrow::Result<int64_t> ParseCommitEntry(const std::string& text, const std::string& path) {
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  ARROW_RETURN_NOT_OK(CheckVersion(line, path));
  std::getline(in, line);
  rapidjson::Document doc;
  doc.Parse(line.c_str(), line.size());
  if (doc.HasParseError() || !doc.IsObject()) return Corrupt(path, "its metadata line is not JSON.");
  if (!doc.HasMember("nextBatchWatermarkMs")) return int64_t{0};
  if (!doc["nextBatchWatermarkMs"].IsInt64()) return Corrupt(path, "nextBatchWatermarkMs is not a number.");
  return doc["nextBatchWatermarkMs"].GetInt64();
}

}  // namespace spate
