#include "spate/types/avro_schema.h"

#include <charconv>
#include <map>
#include <set>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "spate/common/error.h"
#include "spate/types/json_schema.h"

namespace spate {

namespace {

using JsonValue = rapidjson::Value;

arrow::Status SchemaError(const std::string& what) {
  return arrow::Status::Invalid("Invalid Avro schema: ", what);
}

const std::map<std::string, AvroKind, std::less<>>& PrimitiveKinds() {
  static const std::map<std::string, AvroKind, std::less<>> kinds = {
      {"null", AvroKind::kNull},     {"boolean", AvroKind::kBoolean}, {"int", AvroKind::kInt},
      {"long", AvroKind::kLong},     {"float", AvroKind::kFloat},     {"double", AvroKind::kDouble},
      {"bytes", AvroKind::kBytes},   {"string", AvroKind::kString},
  };
  return kinds;
}

std::string StringMember(const JsonValue& obj, const char* key) {
  auto it = obj.FindMember(key);
  return it != obj.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

std::string JsonText(const JsonValue& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

int IntMember(const JsonValue& obj, const char* key, int fallback) {
  auto it = obj.FindMember(key);
  return it != obj.MemberEnd() && it->value.IsInt() ? it->value.GetInt() : fallback;
}

// A record whose fields are being read: where it is defined, and how many
// times it encloses the current point.
struct InProgress {
  const JsonValue* node = nullptr;
  std::string name_space;
  const AvroSchema* schema = nullptr;
  int depth = 0;
};

// Reads JSON schema nodes, keeping the named types seen so far. A record that
// refers to itself (directly or through others) is read again inside itself,
// up to `recursive_max_depth` times along a path, as spark-avro's
// recursiveFieldMaxDepth: the reference past that is cut (AvroSchema::recursive_of).
class AvroSchemaParser {
 public:
  explicit AvroSchemaParser(int recursive_max_depth) : max_depth_(recursive_max_depth) {}

  arrow::Result<AvroSchemaPtr> Parse(const JsonValue& node, const std::string& name_space) {
    if (node.IsString()) return Named(node.GetString(), name_space);
    if (node.IsArray()) return Union(node, name_space);
    if (!node.IsObject()) return SchemaError("a schema is a name, an object or an array");
    auto type = node.FindMember("type");
    if (type == node.MemberEnd()) return SchemaError("No type: " + JsonText(node));
    if (!type->value.IsString()) return Parse(type->value, name_space);
    std::string kind = type->value.GetString();
    if (auto it = PrimitiveKinds().find(kind); it != PrimitiveKinds().end()) {
      auto schema = std::make_shared<AvroSchema>();
      schema->kind = it->second;
      SetLogical(node, schema.get());
      return schema;
    }
    if (kind == "record" || kind == "error") return Record(node, name_space);
    if (kind == "enum") return Enum(node, name_space);
    if (kind == "fixed") return Fixed(node, name_space);
    if (kind == "array" || kind == "map") {
      auto schema = std::make_shared<AvroSchema>();
      schema->kind = kind == "array" ? AvroKind::kArray : AvroKind::kMap;
      auto items = node.FindMember(kind == "array" ? "items" : "values");
      if (items == node.MemberEnd()) return SchemaError(kind + " has no " + (kind == "array" ? "items" : "values"));
      ARROW_ASSIGN_OR_RAISE(schema->items, Parse(items->value, name_space));
      return schema;
    }
    return Named(kind, name_space);
  }

 private:
  static std::string FullName(const JsonValue& node, const std::string& name_space) {
    std::string name = StringMember(node, "name");
    if (name.find('.') != std::string::npos) return name;
    std::string ns = node.HasMember("namespace") ? StringMember(node, "namespace") : name_space;
    return ns.empty() ? name : ns + "." + name;
  }

  static std::string NamespaceOf(const std::string& full_name) {
    size_t dot = full_name.rfind('.');
    return dot == std::string::npos ? "" : full_name.substr(0, dot);
  }

  arrow::Result<AvroSchemaPtr> Named(const std::string& name, const std::string& name_space) {
    if (auto it = PrimitiveKinds().find(name); it != PrimitiveKinds().end()) {
      auto schema = std::make_shared<AvroSchema>();
      schema->kind = it->second;
      return schema;
    }
    for (const std::string& full : {name_space.empty() ? name : name_space + "." + name, name}) {
      if (auto it = in_progress_.find(full); it != in_progress_.end()) return Recursive(full, it->second);
      if (auto it = named_.find(full); it != named_.end()) return it->second;
    }
    return SchemaError(fmt::format("\"{}\" is not a defined name", name));
  }

  // A reference to a record being read: the record again, or a cut one past the depth.
  arrow::Result<AvroSchemaPtr> Recursive(const std::string& full_name, InProgress record) {
    if (max_depth_ <= 0) {
      return arrow::Status::Invalid(
          "Found recursive reference in Avro schema, which can not be processed by Spark by "
          "default: ", full_name, ". Try setting the option `recursiveFieldMaxDepth` to 1 - 15.");
    }
    if (record.depth >= max_depth_) {
      auto cut = std::make_shared<AvroSchema>();
      cut->kind = AvroKind::kRecord;
      cut->full_name = full_name;
      cut->recursive_of = record.schema;
      return cut;
    }
    ++repeating_;
    auto again = Record(*record.node, record.name_space);
    --repeating_;
    return again;
  }

  arrow::Status Define(const std::string& full_name, AvroSchemaPtr schema) {
    if (repeating_ > 0) return arrow::Status::OK();  // defined by the record's first reading
    if (full_name.empty() || full_name.back() == '.') return SchemaError("a named type has no name");
    if (!named_.emplace(full_name, std::move(schema)).second) {
      return SchemaError("Can't redefine: " + full_name);
    }
    return arrow::Status::OK();
  }

  arrow::Result<AvroSchemaPtr> Record(const JsonValue& node, const std::string& name_space) {
    auto schema = std::make_shared<AvroSchema>();
    schema->kind = AvroKind::kRecord;
    schema->full_name = FullName(node, name_space);
    auto fields = node.FindMember("fields");
    if (fields == node.MemberEnd() || !fields->value.IsArray()) {
      return SchemaError("Record has no fields: " + schema->full_name);
    }
    InProgress& progress = in_progress_[schema->full_name];
    InProgress outer = progress;
    progress = {&node, name_space, schema.get(), outer.depth + 1};
    std::set<std::string> names;
    for (const auto& f : fields->value.GetArray()) {
      if (!f.IsObject() || !f.HasMember("name") || !f.HasMember("type")) {
        return SchemaError("a field needs a name and a type");
      }
      AvroField field;
      field.name = StringMember(f, "name");
      if (!names.insert(field.name).second) return SchemaError("Duplicate field " + field.name);
      ARROW_ASSIGN_OR_RAISE(field.schema, Parse(f["type"], NamespaceOf(schema->full_name)));
      if (auto d = f.FindMember("default"); d != f.MemberEnd()) field.default_json = JsonText(d->value);
      schema->fields.push_back(std::move(field));
    }
    if (outer.depth == 0) {
      in_progress_.erase(schema->full_name);
    } else {
      in_progress_[schema->full_name] = outer;
    }
    ARROW_RETURN_NOT_OK(Define(schema->full_name, schema));
    return schema;
  }

  arrow::Result<AvroSchemaPtr> Enum(const JsonValue& node, const std::string& name_space) {
    auto schema = std::make_shared<AvroSchema>();
    schema->kind = AvroKind::kEnum;
    schema->full_name = FullName(node, name_space);
    auto symbols = node.FindMember("symbols");
    if (symbols == node.MemberEnd() || !symbols->value.IsArray()) return SchemaError("Enum has no symbols");
    for (const auto& s : symbols->value.GetArray()) {
      if (!s.IsString()) return SchemaError("Enum symbols are strings");
      schema->symbols.emplace_back(s.GetString());
    }
    ARROW_RETURN_NOT_OK(Define(schema->full_name, schema));
    return schema;
  }

  arrow::Result<AvroSchemaPtr> Fixed(const JsonValue& node, const std::string& name_space) {
    auto schema = std::make_shared<AvroSchema>();
    schema->kind = AvroKind::kFixed;
    schema->full_name = FullName(node, name_space);
    schema->fixed_size = IntMember(node, "size", -1);
    if (schema->fixed_size < 0) return SchemaError("Invalid fixed size for " + schema->full_name);
    SetLogical(node, schema.get());
    ARROW_RETURN_NOT_OK(Define(schema->full_name, schema));
    return schema;
  }

  arrow::Result<AvroSchemaPtr> Union(const JsonValue& node, const std::string& name_space) {
    auto schema = std::make_shared<AvroSchema>();
    schema->kind = AvroKind::kUnion;
    for (const auto& b : node.GetArray()) {
      ARROW_ASSIGN_OR_RAISE(auto branch, Parse(b, name_space));
      if (branch->kind == AvroKind::kUnion) return SchemaError("Nested union");
      schema->branches.push_back(std::move(branch));
    }
    return schema;
  }

  // The logical type when it fits its base type (Avro ignores one that does not).
  static void SetLogical(const JsonValue& node, AvroSchema* schema) {
    std::string logical = StringMember(node, "logicalType");
    AvroKind k = schema->kind;
    if (logical == "date" && k == AvroKind::kInt) {
      schema->logical = AvroLogical::kDate;
    } else if (k == AvroKind::kLong) {
      if (logical == "timestamp-millis") schema->logical = AvroLogical::kTimestampMillis;
      if (logical == "timestamp-micros") schema->logical = AvroLogical::kTimestampMicros;
      if (logical == "local-timestamp-millis") schema->logical = AvroLogical::kLocalTimestampMillis;
      if (logical == "local-timestamp-micros") schema->logical = AvroLogical::kLocalTimestampMicros;
    } else if (logical == "decimal" && (k == AvroKind::kBytes || k == AvroKind::kFixed)) {
      int precision = IntMember(node, "precision", 0);
      int scale = IntMember(node, "scale", 0);
      bool fits = k == AvroKind::kBytes || DecimalBytesForPrecision(precision) <= schema->fixed_size;
      if (precision > 0 && precision <= DecimalType::kMaxPrecision && scale >= 0 &&
          scale <= precision && fits) {
        schema->logical = AvroLogical::kDecimal;
        schema->precision = precision;
        schema->scale = scale;
      }
    }
  }

  std::map<std::string, AvroSchemaPtr> named_;
  int max_depth_;
  int repeating_ = 0;  // > 0: inside a record read again (its named types are defined already)
  std::map<std::string, InProgress> in_progress_;
};

// ---------------------------------------------------------------------------
// Spark type -> Avro schema JSON

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

std::string NullableUnion(const std::string& schema, bool nullable) {
  return nullable ? "[" + schema + ",\"null\"]" : schema;
}

}  // namespace

arrow::Result<AvroSchemaPtr> ParseAvroSchema(std::string_view json, int recursive_max_depth) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) return SchemaError("the text is not JSON");
  return AvroSchemaParser(recursive_max_depth).Parse(doc, "");
}

std::vector<AvroSchemaPtr> NonNullBranches(const AvroSchema& union_schema) {
  std::vector<AvroSchemaPtr> out;
  for (const auto& b : union_schema.branches) {
    if (b->kind != AvroKind::kNull) out.push_back(b);
  }
  return out;
}

namespace {

// The stable name of a union member's type: the short name of a named type, else the kind.
std::string MemberTypeName(const AvroSchema& s) {
  static const char* kKinds[] = {"null", "boolean", "int", "long", "float", "double", "bytes",
                                 "string", "record", "enum", "array", "map", "union", "fixed"};
  if (!s.full_name.empty()) return s.full_name.substr(s.full_name.rfind('.') + 1);
  return kKinds[static_cast<int>(s.kind)];
}

}  // namespace

AvroSparkType AvroToSparkType(const AvroSchema& s, const AvroTypeOptions& options) {
  switch (s.logical) {
    case AvroLogical::kDate: return {types::Date()};
    case AvroLogical::kTimestampMillis:
    case AvroLogical::kTimestampMicros: return {types::Timestamp()};
    case AvroLogical::kLocalTimestampMillis:
    case AvroLogical::kLocalTimestampMicros: return {types::TimestampNtz()};
    case AvroLogical::kDecimal: return {types::Decimal(s.precision, s.scale)};
    case AvroLogical::kNone: break;
  }
  if (s.recursive_of != nullptr) return {nullptr, true};
  switch (s.kind) {
    case AvroKind::kNull: return {types::Null(), true};
    case AvroKind::kBoolean: return {types::Boolean()};
    case AvroKind::kInt: return {types::Int()};
    case AvroKind::kLong: return {types::Long()};
    case AvroKind::kFloat: return {types::Float()};
    case AvroKind::kDouble: return {types::Double()};
    case AvroKind::kBytes:
    case AvroKind::kFixed: return {types::Binary()};
    case AvroKind::kString:
    case AvroKind::kEnum: return {types::String()};
    case AvroKind::kRecord: {
      std::vector<StructField> fields;
      for (const auto& f : s.fields) {
        AvroSparkType t = AvroToSparkType(*f.schema, options);
        if (t.type != nullptr) fields.push_back({f.name, t.type, t.nullable});
      }
      return {types::Struct(std::move(fields))};
    }
    case AvroKind::kArray: {
      AvroSparkType t = AvroToSparkType(*s.items, options);
      if (t.type == nullptr) return t;
      return {types::Array(t.type, t.nullable)};
    }
    case AvroKind::kMap: {
      AvroSparkType t = AvroToSparkType(*s.items, options);
      if (t.type == nullptr) return t;
      return {types::Map(types::String(), t.type, t.nullable)};
    }
    case AvroKind::kUnion: break;
  }
  std::vector<AvroSchemaPtr> rest = NonNullBranches(s);
  bool has_null = rest.size() != s.branches.size();
  if (rest.size() == 1) {
    AvroSparkType t = AvroToSparkType(*rest[0], options);
    return {t.type, has_null || t.nullable};
  }
  if (rest.size() == 2) {
    std::set<AvroKind> kinds = {rest[0]->kind, rest[1]->kind};
    bool plain = rest[0]->logical == AvroLogical::kNone && rest[1]->logical == AvroLogical::kNone;
    if (plain && kinds == std::set<AvroKind>{AvroKind::kInt, AvroKind::kLong}) return {types::Long(), has_null};
    if (plain && kinds == std::set<AvroKind>{AvroKind::kFloat, AvroKind::kDouble}) return {types::Double(), has_null};
  }
  std::vector<StructField> members;
  for (size_t i = 0; i < rest.size(); ++i) {
    std::string name = options.stable_union_ids ? options.union_prefix + MemberTypeName(*rest[i])
                                                : fmt::format("member{}", i);
    DataTypePtr type = AvroToSparkType(*rest[i], options).type;
    if (type != nullptr) members.push_back({name, type, true});
  }
  return {types::Struct(std::move(members)), has_null};
}

int DecimalBytesForPrecision(int precision) {
  int bytes = 1;
  // The largest unscaled value of `precision` digits must fit in 8*bytes-1 bits.
  while (bytes < 64 && (8.0 * bytes - 1) * 0.30102999566398120 < precision) ++bytes;
  return bytes;
}

arrow::Result<std::string> SparkTypeToAvroJson(const DataType& type, bool nullable,
                                               const std::string& record_name,
                                               const std::string& name_space) {
  std::string schema;
  switch (type.id()) {
    case TypeId::kNull: return std::string("\"null\"");
    case TypeId::kBoolean: schema = "\"boolean\""; break;
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt: schema = "\"int\""; break;
    case TypeId::kLong: schema = "\"long\""; break;
    case TypeId::kFloat: schema = "\"float\""; break;
    case TypeId::kDouble: schema = "\"double\""; break;
    case TypeId::kString: schema = "\"string\""; break;
    case TypeId::kBinary: schema = "\"bytes\""; break;
    case TypeId::kDate: schema = R"({"type":"int","logicalType":"date"})"; break;
    case TypeId::kTimestamp: schema = R"({"type":"long","logicalType":"timestamp-micros"})"; break;
    case TypeId::kTimestampNtz:
      schema = R"({"type":"long","logicalType":"local-timestamp-micros"})";
      break;
    case TypeId::kDecimal: {
      const auto& d = static_cast<const DecimalType&>(type);
      std::string name = name_space.empty() ? record_name + ".fixed"
                                            : name_space + "." + record_name + ".fixed";
      schema = fmt::format(R"({{"type":"fixed","name":"fixed","namespace":{},"size":{},)"
                           R"("logicalType":"decimal","precision":{},"scale":{}}})",
                           Quoted(name.substr(0, name.rfind('.'))),
                           DecimalBytesForPrecision(d.precision()), d.precision(), d.scale());
      break;
    }
    case TypeId::kArray: {
      const auto& a = static_cast<const ArrayType&>(type);
      ARROW_ASSIGN_OR_RAISE(auto items, SparkTypeToAvroJson(*a.element_type(), a.contains_null(),
                                                             record_name, name_space));
      schema = R"({"type":"array","items":)" + items + "}";
      break;
    }
    case TypeId::kMap: {
      const auto& m = static_cast<const MapType&>(type);
      if (m.key_type()->id() != TypeId::kString) {
        return arrow::Status::Invalid(
            "[UNSUPPORTED_DATATYPE] Unsupported data type \"", type.Sql(), "\". SQLSTATE: 0A000");
      }
      ARROW_ASSIGN_OR_RAISE(auto values, SparkTypeToAvroJson(*m.value_type(), m.value_contains_null(),
                                                              record_name, name_space));
      schema = R"({"type":"map","values":)" + values + "}";
      break;
    }
    case TypeId::kStruct: {
      const auto& st = static_cast<const StructType&>(type);
      std::string child_space = name_space.empty() ? record_name : name_space + "." + record_name;
      schema = R"({"type":"record","name":)" + Quoted(record_name);
      if (!name_space.empty()) schema += R"(,"namespace":)" + Quoted(name_space);
      schema += R"(,"fields":[)";
      for (int i = 0; i < st.num_fields(); ++i) {
        const StructField& f = st.field(i);
        ARROW_ASSIGN_OR_RAISE(auto field, SparkTypeToAvroJson(*f.type, f.nullable, f.name, child_space));
        schema += (i ? "," : "") + std::string(R"({"name":)") + Quoted(f.name) + R"(,"type":)" + field + "}";
      }
      schema += "]}";
      break;
    }
    case TypeId::kInterval:
      return arrow::Status::Invalid("[UNSUPPORTED_DATATYPE] Unsupported data type \"", type.Sql(),
                                    "\". SQLSTATE: 0A000");
  }
  return NullableUnion(schema, nullable);
}

// How many times a recursive record may appear along a path (at most 15).
arrow::Result<int> ParseRecursiveFieldMaxDepth(const std::string& text) {
  int depth = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), depth);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return arrow::Status::Invalid(fmt::format("For input string: \"{}\"", text));
  }
  if (depth > 15) {
    return SparkError("STDS_INVALID_OPTION_VALUE.WITH_MESSAGE", "42616",
                      "Invalid value for source option 'recursiveFieldMaxDepth': Should not be "
                      "greater than 15.");
  }
  return depth;
}

}  // namespace spate
