#include "spate/state/state_variables.h"

#include <filesystem>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "spate/common/atomic_file.h"
#include "spate/common/error.h"
#include "spate/types/json_schema.h"

namespace spate {

namespace {

namespace fs = std::filesystem;

fs::path MetadataFile(const std::string& checkpoint, int64_t operator_id) {
  return fs::path(checkpoint) / "state" / std::to_string(operator_id) / "_metadata" / "metadata";
}

// The JSON object after the version line of the operator's metadata file.
bool ParseMetadata(const std::string& checkpoint, int64_t operator_id, rapidjson::Document* doc) {
  auto text = ReadFileToString(MetadataFile(checkpoint, operator_id).string());
  if (!text.ok()) return false;
  const size_t brace = text->find('{');
  if (brace == std::string::npos) return false;
  doc->Parse(text->c_str() + brace);
  return !doc->HasParseError() && doc->IsObject();
}

std::string StringMember(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject() || !object.HasMember(name) || !object[name].IsString()) return "";
  return object[name].GetString();
}

arrow::Status Corrupt(const std::string& checkpoint, int64_t operator_id) {
  return arrow::Status::IOError("the operator metadata file ", MetadataFile(checkpoint, operator_id).string(),
                                " records state variables that cannot be read");
}

}  // namespace

const StateVariableInfo* TransformWithStateProperties::Find(const std::string& name) const {
  for (const auto& v : variables) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

std::string PropertiesJson(const TransformWithStateProperties& properties) {
  std::string out = "{\"timeMode\":";
  AppendJsonString(properties.time_mode, &out);
  out += ",\"outputMode\":";
  AppendJsonString(properties.output_mode, &out);
  out += ",\"stateVariables\":[";
  for (size_t i = 0; i < properties.variables.size(); ++i) {
    const auto& v = properties.variables[i];
    out += i ? ",{\"stateName\":" : "{\"stateName\":";
    AppendJsonString(v.name, &out);
    out += ",\"stateVariableType\":";
    AppendJsonString(v.type, &out);
    out += fmt::format(",\"ttlEnabled\":{}}}", v.ttl_enabled);
  }
  return out + "]}";
}

std::string RecordedOperatorProperties(const std::string& checkpoint, int64_t operator_id) {
  rapidjson::Document doc;
  if (!ParseMetadata(checkpoint, operator_id, &doc)) return "";
  return StringMember(doc, "operatorPropertiesJson");
}

arrow::Result<std::optional<TransformWithStateProperties>> ReadTransformWithStateProperties(
    const std::string& checkpoint, int64_t operator_id) {
  const std::string json = RecordedOperatorProperties(checkpoint, operator_id);
  if (json.empty()) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("stateVariables") ||
      !doc["stateVariables"].IsArray()) {
    return Corrupt(checkpoint, operator_id);
  }
  TransformWithStateProperties out;
  out.time_mode = StringMember(doc, "timeMode");
  out.output_mode = StringMember(doc, "outputMode");
  for (const auto& v : doc["stateVariables"].GetArray()) {
    StateVariableInfo info{StringMember(v, "stateName"), StringMember(v, "stateVariableType"), false};
    if (info.name.empty() || info.type.empty()) return Corrupt(checkpoint, operator_id);
    if (v.HasMember("ttlEnabled") && v["ttlEnabled"].IsBool()) info.ttl_enabled = v["ttlEnabled"].GetBool();
    out.variables.push_back(std::move(info));
  }
  return out;
}

arrow::Status CheckStateVariableTypes(const TransformWithStateProperties& recorded,
                                      const TransformWithStateProperties& now) {
  for (const auto& v : now.variables) {
    const StateVariableInfo* old = recorded.Find(v.name);
    if (old == nullptr || old->type == v.type) continue;
    return SparkError("STATE_STORE_INVALID_VARIABLE_TYPE_CHANGE", "42K06",
                      fmt::format("Cannot change {0} to {1} between query restarts. Please set {0} to {2}, or "
                                  "restart with a new checkpoint directory.",
                                  v.name, v.type, old->type));
  }
  return arrow::Status::OK();
}

arrow::Status WriteTransformWithStateMetadata(const std::string& checkpoint, int64_t operator_id,
                                              const std::string& operator_name, int num_partitions,
                                              const TransformWithStateProperties& properties) {
  std::string name, props;
  AppendJsonString(operator_name, &name);
  AppendJsonString(PropertiesJson(properties), &props);
  const fs::path file = MetadataFile(checkpoint, operator_id);
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (ec) return arrow::Status::IOError("cannot create ", file.parent_path().string(), ": ", ec.message());
  return WriteFileAtomically(
      file.string(),
      fmt::format("v2\n{{\"operatorInfo\":{{\"operatorId\":{},\"operatorName\":{}}},"
                  "\"stateStoreInfo\":[{{\"storeName\":\"default\",\"numColsPrefixKey\":0,\"numPartitions\":{}}}],"
                  "\"operatorPropertiesJson\":{}}}",
                  operator_id, name, num_partitions, props));
}

std::string TimerStoreOfTimeMode(const std::string& time_mode) {
  if (time_mode == "ProcessingTime") return "$procTimers";
  if (time_mode == "EventTime") return "$eventTimers";
  return "";
}

std::string TimerVariableName(const std::string& time_mode) {
  const std::string store = TimerStoreOfTimeMode(time_mode);
  return store.empty() ? "" : store + "_keyToTimestamp";
}

}  // namespace spate
