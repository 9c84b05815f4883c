#include "spate/state/state_schema.h"

#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "spate/common/error.h"
#include "spate/common/atomic_file.h"
#include "spate/types/json_schema.h"

namespace spate {

namespace {

namespace fs = std::filesystem;

fs::path OperatorDir(const std::string& checkpoint, int64_t operator_id) {
  return fs::path(checkpoint) / "state" / std::to_string(operator_id);
}

fs::path SchemaFile(const std::string& checkpoint, int64_t operator_id, const std::string& store_name) {
  return fs::path(StateStoreDir(checkpoint, operator_id, 0, store_name)) / "_metadata" / "schema";
}

fs::path OperatorMetadataFile(const std::string& checkpoint, int64_t operator_id) {
  return OperatorDir(checkpoint, operator_id) / "_metadata" / "metadata";
}

// Same field count and types; field names and nullability are not compared.
bool Compatible(const DataType& a, const DataType& b) {
  if (a.id() != b.id()) return false;
  switch (a.id()) {
    case TypeId::kDecimal: return a.Equals(b);
    case TypeId::kArray:
      return Compatible(*static_cast<const ArrayType&>(a).element_type(),
                        *static_cast<const ArrayType&>(b).element_type());
    case TypeId::kMap: {
      const auto& x = static_cast<const MapType&>(a);
      const auto& y = static_cast<const MapType&>(b);
      return Compatible(*x.key_type(), *y.key_type()) && Compatible(*x.value_type(), *y.value_type());
    }
    case TypeId::kStruct: {
      const auto& x = static_cast<const StructType&>(a);
      const auto& y = static_cast<const StructType&>(b);
      if (x.num_fields() != y.num_fields()) return false;
      for (int i = 0; i < x.num_fields(); ++i) {
        if (!Compatible(*x.field(i).type, *y.field(i).type)) return false;
      }
      return true;
    }
    default: return true;
  }
}

arrow::Status NotCompatible(const char* which, const StructType& stored, const StructType& now) {
  std::string upper = which;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return SparkError(
      fmt::format("STATE_STORE_{}_SCHEMA_NOT_COMPATIBLE", upper), "XXKST",
      fmt::format("Provided {0} schema does not match existing state {0} schema.\n"
                  "Please check number and type of fields.\n"
                  "Existing {0}_schema={1} and new {0}_schema={2}.\n"
                  "If you want to force running the query without schema validation, please set "
                  "spark.sql.streaming.stateStore.stateSchemaCheck to false.\n"
                  "However, please note that running the query with incompatible schema could cause "
                  "non-deterministic behavior.",
                  which, SparkTypeString(stored), SparkTypeString(now)));
}

arrow::Result<StructTypePtr> ParseStruct(const std::string& json, const std::string& path) {
  auto parsed = ParseJsonType(json);
  if (!parsed.ok() || (*parsed)->id() != TypeId::kStruct) {
    return arrow::Status::IOError("the state schema file ", path, " is corrupt");
  }
  return std::static_pointer_cast<const StructType>(*parsed);
}

std::string OperatorMetadata(int64_t operator_id, const std::string& operator_name, const std::string& store_name,
                             int num_partitions) {
  std::string store, name;
  AppendJsonString(store_name, &store);
  AppendJsonString(operator_name, &name);
  return fmt::format(
      "v1\n{{\"operatorInfo\":{{\"operatorId\":{},\"operatorName\":{}}},"
      "\"stateStoreInfo\":[{{\"storeName\":{},\"numColsPrefixKey\":0,\"numPartitions\":{}}}]}}",
      operator_id, name, store, num_partitions);
}

// The operator name recorded in an operator's metadata file ("" when unreadable).
std::string RecordedOperatorName(const fs::path& path) {
  auto text = ReadFileToString(path.string());
  if (!text.ok()) return "";
  rapidjson::Document doc;
  size_t brace = text->find('{');
  if (brace == std::string::npos) return "";
  doc.Parse(text->c_str() + brace);
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("operatorInfo") ||
      !doc["operatorInfo"].IsObject() || !doc["operatorInfo"].HasMember("operatorName") ||
      !doc["operatorInfo"]["operatorName"].IsString()) {
    return "";
  }
  return doc["operatorInfo"]["operatorName"].GetString();
}

int ReadNumPartitions(const fs::path& path) {
  auto text = ReadFileToString(path.string());
  if (!text.ok()) return 0;
  size_t newline = text->find('\n');
  rapidjson::Document doc;
  if (newline == std::string::npos || doc.Parse(text->c_str() + newline + 1).HasParseError()) return 0;
  if (!doc.IsObject() || !doc.HasMember("stateStoreInfo") || !doc["stateStoreInfo"].IsArray()) return 0;
  for (const auto& info : doc["stateStoreInfo"].GetArray()) {
    if (info.IsObject() && info.HasMember("numPartitions") && info["numPartitions"].IsInt()) {
      return info["numPartitions"].GetInt();
    }
  }
  return 0;
}

}  // namespace

std::string StateStoreDir(const std::string& checkpoint, int64_t operator_id, int partition,
                          const std::string& store_name) {
  fs::path dir = OperatorDir(checkpoint, operator_id) / std::to_string(partition);
  if (store_name != kDefaultStateStoreName) dir /= store_name;
  return dir.string();
}

arrow::Status WriteOrCheckStateSchema(const std::string& checkpoint, int64_t operator_id, const StructType& key,
                                      const StructType& value, int num_partitions, const std::string& store_name,
                                      const std::string& operator_name) {
  fs::path schema_file = SchemaFile(checkpoint, operator_id, store_name);
  if (fs::exists(schema_file)) {
    ARROW_ASSIGN_OR_RAISE(StateSchema stored, ReadStateSchema(checkpoint, operator_id, store_name));
    if (!Compatible(*stored.key, key)) return NotCompatible("key", *stored.key, key);
    if (!Compatible(*stored.value, value)) return NotCompatible("value", *stored.value, value);
    return arrow::Status::OK();
  }
  std::error_code ec;
  fs::create_directories(schema_file.parent_path(), ec);
  fs::create_directories(OperatorMetadataFile(checkpoint, operator_id).parent_path(), ec);
  if (ec) return arrow::Status::IOError("cannot create ", schema_file.parent_path().string(), ": ", ec.message());
  ARROW_RETURN_NOT_OK(WriteFileAtomically(OperatorMetadataFile(checkpoint, operator_id).string(),
                                          OperatorMetadata(operator_id, operator_name, store_name, num_partitions)));
  return WriteFileAtomically(schema_file.string(), fmt::format("v1\n{}\n{}\n", ToJson(key), ToJson(value)));
}

std::string RecordedOperatorName(const std::string& checkpoint, int64_t operator_id) {
  return RecordedOperatorName(OperatorMetadataFile(checkpoint, operator_id));
}

arrow::Status CheckStateOperators(const std::string& checkpoint, const std::vector<std::string>& operator_names) {
  std::map<int64_t, std::string> recorded;  // operator id -> name ("stateful": not recorded)
  std::error_code ec;
  fs::path state = fs::path(checkpoint) / "state";
  if (fs::is_directory(state, ec)) {
    for (const auto& entry : fs::directory_iterator(state, ec)) {
      const std::string id = entry.path().filename().string();
      if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) continue;
      recorded[std::stoll(id)] = RecordedOperatorName(OperatorMetadataFile(checkpoint, std::stoll(id)));
    }
  }
  bool match = true;
  for (const auto& [id, name] : recorded) {
    if (id >= static_cast<int64_t>(operator_names.size())) {
      match = false;
    } else if (!name.empty() && name != "stateful" && name != operator_names[id]) {
      match = false;
    }
  }
  if (match) return arrow::Status::OK();
  auto describe = [](const std::map<int64_t, std::string>& ops) {
    std::string out;
    for (const auto& [id, name] : ops) {
      out += fmt::format("{}(OperatorId: {} -> OperatorName: {})", out.empty() ? "" : ", ", id, name);
    }
    return out;
  };
  std::map<int64_t, std::string> current;
  for (size_t i = 0; i < operator_names.size(); ++i) current[static_cast<int64_t>(i)] = operator_names[i];
  return SparkError("STREAMING_STATEFUL_OPERATOR_NOT_MATCH_IN_STATE_METADATA", "42K03",
                    fmt::format("Streaming stateful operator name does not match with the operator in "
                                "state metadata. This likely to happen when user adds/removes/changes "
                                "stateful operator of existing streaming query.\nStateful operators in "
                                "the metadata: [{}]; Stateful operators in current batch: [{}]. "
                                "(checkpoint {})",
                                describe(recorded), describe(current), checkpoint));
}

arrow::Result<StateSchema> ReadStateSchema(const std::string& checkpoint, int64_t operator_id,
                                           const std::string& store_name) {
  std::string path = SchemaFile(checkpoint, operator_id, store_name).string();
  ARROW_ASSIGN_OR_RAISE(std::string text, ReadFileToString(path));
  size_t first = text.find('\n');
  size_t second = first == std::string::npos ? first : text.find('\n', first + 1);
  if (second == std::string::npos || text.substr(0, first) != "v1") {
    return arrow::Status::IOError("the state schema file ", path, " is corrupt");
  }
  size_t third = text.find('\n', second + 1);
  StateSchema out;
  ARROW_ASSIGN_OR_RAISE(out.key, ParseStruct(text.substr(first + 1, second - first - 1), path));
  ARROW_ASSIGN_OR_RAISE(out.value, ParseStruct(text.substr(second + 1, third - second - 1), path));
  out.num_partitions = ReadNumPartitions(OperatorMetadataFile(checkpoint, operator_id));
  return out;
}

std::string SparkTypeString(const DataType& type) {
  switch (type.id()) {
    case TypeId::kNull: return "NullType";
    case TypeId::kBoolean: return "BooleanType";
    case TypeId::kByte: return "ByteType";
    case TypeId::kShort: return "ShortType";
    case TypeId::kInt: return "IntegerType";
    case TypeId::kLong: return "LongType";
    case TypeId::kFloat: return "FloatType";
    case TypeId::kDouble: return "DoubleType";
    case TypeId::kString: return "StringType";
    case TypeId::kBinary: return "BinaryType";
    case TypeId::kDate: return "DateType";
    case TypeId::kTimestamp: return "TimestampType";
    case TypeId::kTimestampNtz: return "TimestampNTZType";
    case TypeId::kInterval: return "CalendarIntervalType";
    case TypeId::kDecimal: {
      const auto& d = static_cast<const DecimalType&>(type);
      return fmt::format("DecimalType({},{})", d.precision(), d.scale());
    }
    case TypeId::kArray: {
      const auto& a = static_cast<const ArrayType&>(type);
      return fmt::format("ArrayType({},{})", SparkTypeString(*a.element_type()), a.contains_null());
    }
    case TypeId::kMap: {
      const auto& m = static_cast<const MapType&>(type);
      return fmt::format("MapType({},{},{})", SparkTypeString(*m.key_type()), SparkTypeString(*m.value_type()),
                         m.value_contains_null());
    }
    case TypeId::kStruct: {
      std::string out = "StructType(";
      const auto& s = static_cast<const StructType&>(type);
      for (int i = 0; i < s.num_fields(); ++i) {
        const auto& f = s.field(i);
        out += fmt::format("{}StructField({},{},{})", i ? "," : "", f.name, SparkTypeString(*f.type), f.nullable);
      }
      return out + ")";
    }
  }
  return type.SimpleString();
}

}  // namespace spate
