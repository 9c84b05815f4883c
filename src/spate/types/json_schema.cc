#include "spate/types/json_schema.h"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "spate/common/error.h"

namespace spate {

namespace {

void AppendJson(const DataType& type, std::string* out) {
  switch (type.id()) {
    case TypeId::kArray: {
      const auto& at = static_cast<const ArrayType&>(type);
      *out += R"({"type":"array","elementType":)";
      AppendJson(*at.element_type(), out);
      *out += fmt::format(R"(,"containsNull":{}}})", at.contains_null());
      return;
    }
    case TypeId::kMap: {
      const auto& mt = static_cast<const MapType&>(type);
      *out += R"({"type":"map","keyType":)";
      AppendJson(*mt.key_type(), out);
      *out += R"(,"valueType":)";
      AppendJson(*mt.value_type(), out);
      *out += fmt::format(R"(,"valueContainsNull":{}}})", mt.value_contains_null());
      return;
    }
    case TypeId::kStruct: {
      const auto& st = static_cast<const StructType&>(type);
      *out += R"({"type":"struct","fields":[)";
      for (int i = 0; i < st.num_fields(); ++i) {
        const StructField& f = st.field(i);
        if (i > 0) *out += ',';
        *out += R"({"name":)";
        AppendJsonString(f.name, out);
        *out += R"(,"type":)";
        AppendJson(*f.type, out);
        *out += fmt::format(R"(,"nullable":{},"metadata":{}}})", f.nullable, f.metadata_json);
      }
      *out += "]}";
      return;
    }
    default:
      AppendJsonString(type.TypeName(), out);
  }
}

arrow::Status JsonError(std::string_view what) {
  return SparkError("INVALID_JSON_SCHEMA", "22032",
                    fmt::format("Failed to read a data type from its JSON form: {}.", what));
}

arrow::Result<DataTypePtr> SimpleFromName(std::string_view name) {
  static const std::pair<std::string_view, const DataTypePtr& (*)()> kNames[] = {
      {"void", types::Null},       {"null", types::Null},
      {"boolean", types::Boolean}, {"byte", types::Byte},
      {"short", types::Short},     {"integer", types::Int},
      {"long", types::Long},       {"float", types::Float},
      {"double", types::Double},   {"string", types::String},
      {"binary", types::Binary},   {"date", types::Date},
      {"timestamp", types::Timestamp}, {"timestamp_ntz", types::TimestampNtz},
      {"timestamp_ltz", types::Timestamp}, {"interval", types::Interval},
  };
  for (const auto& [n, fn] : kNames) {
    if (n == name) return fn();
  }
  if (name == "decimal") return types::Decimal(DecimalType::kDefaultPrecision, 0);
  int p = 0, s = 0;
  char tail = 0;
  std::string str(name);
  if (std::sscanf(str.c_str(), "decimal(%d,%d)%c", &p, &s, &tail) == 2 ||
      std::sscanf(str.c_str(), "decimal(%d, %d)%c", &p, &s, &tail) == 2) {
    if (p < 1 || p > DecimalType::kMaxPrecision || s < 0 || s > p) {
      return JsonError(fmt::format("invalid decimal precision/scale in \"{}\"", name));
    }
    return types::Decimal(p, s);
  }
  // Spark's char/varchar types read as strings.
  if (name.starts_with("char(") || name.starts_with("varchar(")) return types::String();
  return JsonError(fmt::format("unknown type name \"{}\"", name));
}

using JsonValue = rapidjson::Value;

arrow::Result<bool> GetBool(const JsonValue& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsBool()) {
    return JsonError(fmt::format("missing or non-boolean \"{}\"", key));
  }
  return it->value.GetBool();
}

const JsonValue* Member(const JsonValue& obj, const char* key) {
  auto it = obj.FindMember(key);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::string Minified(const JsonValue& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

arrow::Result<DataTypePtr> FromValue(const JsonValue& v) {
  if (v.IsString()) return SimpleFromName(std::string_view(v.GetString(), v.GetStringLength()));
  if (!v.IsObject()) return JsonError("a type must be a string or an object");
  const JsonValue* kind_value = Member(v, "type");
  if (kind_value == nullptr || !kind_value->IsString()) return JsonError("an object type needs \"type\"");
  std::string_view kind(kind_value->GetString(), kind_value->GetStringLength());
  if (kind == "array") {
    const JsonValue* elem = Member(v, "elementType");
    if (elem == nullptr) return JsonError("array needs \"elementType\"");
    ARROW_ASSIGN_OR_RAISE(auto element, FromValue(*elem));
    ARROW_ASSIGN_OR_RAISE(bool contains_null, GetBool(v, "containsNull"));
    return types::Array(std::move(element), contains_null);
  }
  if (kind == "map") {
    const JsonValue* k = Member(v, "keyType");
    const JsonValue* val = Member(v, "valueType");
    if (k == nullptr || val == nullptr) return JsonError("map needs \"keyType\" and \"valueType\"");
    ARROW_ASSIGN_OR_RAISE(auto key, FromValue(*k));
    ARROW_ASSIGN_OR_RAISE(auto value, FromValue(*val));
    ARROW_ASSIGN_OR_RAISE(bool value_contains_null, GetBool(v, "valueContainsNull"));
    return types::Map(std::move(key), std::move(value), value_contains_null);
  }
  if (kind == "struct") {
    const JsonValue* arr = Member(v, "fields");
    if (arr == nullptr || !arr->IsArray()) return JsonError("struct needs a \"fields\" array");
    std::vector<StructField> fields;
    for (const JsonValue& fv : arr->GetArray()) {
      const JsonValue* name = fv.IsObject() ? Member(fv, "name") : nullptr;
      const JsonValue* ftype = fv.IsObject() ? Member(fv, "type") : nullptr;
      if (name == nullptr || !name->IsString() || ftype == nullptr) {
        return JsonError("each struct field needs \"name\" and \"type\"");
      }
      StructField f;
      f.name = std::string(name->GetString(), name->GetStringLength());
      ARROW_ASSIGN_OR_RAISE(f.type, FromValue(*ftype));
      ARROW_ASSIGN_OR_RAISE(f.nullable, GetBool(fv, "nullable"));
      const JsonValue* meta = Member(fv, "metadata");
      if (meta != nullptr && meta->IsObject()) f.metadata_json = Minified(*meta);
      fields.push_back(std::move(f));
    }
    return types::Struct(std::move(fields));
  }
  if (kind == "udt") return JsonError("user-defined types are not supported");
  return JsonError(fmt::format("unknown type \"{}\"", kind));
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  *out += '"';
  size_t plain = 0;  // where the characters not appended yet begin
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      default: *out += fmt::format("\\u{:04X}", c);  // as Jackson writes control characters
    }
  }
  out->append(s.data() + plain, s.size() - plain);
  *out += '"';
}

std::string ToJson(const DataType& type) {
  std::string out;
  AppendJson(type, &out);
  return out;
}

arrow::Result<DataTypePtr> ParseJsonType(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    return JsonError(fmt::format("not valid JSON ({} at offset {})",
                                 rapidjson::GetParseError_En(doc.GetParseError()), doc.GetErrorOffset()));
  }
  return FromValue(doc);
}

std::string CommentFromMetadata(const std::string& metadata_json) {
  if (metadata_json.size() <= 2) return "";
  rapidjson::Document doc;
  doc.Parse(metadata_json.data(), metadata_json.size());
  if (doc.HasParseError() || !doc.IsObject()) return "";
  const JsonValue* comment = Member(doc, "comment");
  if (comment == nullptr || !comment->IsString()) return "";
  return std::string(comment->GetString(), comment->GetStringLength());
}

std::string MetadataWithComment(std::string_view comment) {
  std::string out = R"({"comment":)";
  AppendJsonString(comment, &out);
  return out + "}";
}

}  // namespace spate
