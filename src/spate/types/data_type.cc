#include "spate/types/data_type.h"

#include <fmt/format.h>

#include "spate/common/strings.h"
#include "spate/types/json_schema.h"

namespace spate {

namespace {

struct Names {
  const char* type_name;
  const char* simple;
  const char* sql;
};

Names NamesOf(TypeId id) {
  switch (id) {
    case TypeId::kNull: return {"void", "void", "VOID"};
    case TypeId::kBoolean: return {"boolean", "boolean", "BOOLEAN"};
    case TypeId::kByte: return {"byte", "tinyint", "TINYINT"};
    case TypeId::kShort: return {"short", "smallint", "SMALLINT"};
    case TypeId::kInt: return {"integer", "int", "INT"};
    case TypeId::kLong: return {"long", "bigint", "BIGINT"};
    case TypeId::kFloat: return {"float", "float", "FLOAT"};
    case TypeId::kDouble: return {"double", "double", "DOUBLE"};
    case TypeId::kDecimal: return {"decimal", "decimal", "DECIMAL"};
    case TypeId::kString: return {"string", "string", "STRING"};
    case TypeId::kBinary: return {"binary", "binary", "BINARY"};
    case TypeId::kDate: return {"date", "date", "DATE"};
    case TypeId::kTimestamp: return {"timestamp", "timestamp", "TIMESTAMP"};
    case TypeId::kTimestampNtz: return {"timestamp_ntz", "timestamp_ntz", "TIMESTAMP_NTZ"};
    case TypeId::kInterval: return {"interval", "interval", "INTERVAL"};
    case TypeId::kArray: return {"array", "array", "ARRAY"};
    case TypeId::kMap: return {"map", "map", "MAP"};
    case TypeId::kStruct: return {"struct", "struct", "STRUCT"};
  }
  return {"?", "?", "?"};
}

std::string SqlQuoteString(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

void AppendTree(const DataType& type, const std::string& prefix, std::string* out);

void AppendFieldsTree(const StructType& st, const std::string& prefix, std::string* out) {
  for (const auto& f : st.fields()) {
    *out += fmt::format("{}-- {}: {} (nullable = {})\n", prefix, EscapeMetaCharacters(f.name),
                        f.type->TypeName(), f.nullable);
    AppendTree(*f.type, prefix + "    |", out);
  }
}

void AppendTree(const DataType& type, const std::string& prefix, std::string* out) {
  switch (type.id()) {
    case TypeId::kStruct:
      AppendFieldsTree(static_cast<const StructType&>(type), prefix, out);
      break;
    case TypeId::kArray: {
      const auto& at = static_cast<const ArrayType&>(type);
      *out += fmt::format("{}-- element: {} (containsNull = {})\n", prefix,
                          at.element_type()->TypeName(), at.contains_null());
      AppendTree(*at.element_type(), prefix + "    |", out);
      break;
    }
    case TypeId::kMap: {
      const auto& mt = static_cast<const MapType&>(type);
      *out += fmt::format("{}-- key: {}\n", prefix, mt.key_type()->TypeName());
      AppendTree(*mt.key_type(), prefix + "    |", out);
      *out += fmt::format("{}-- value: {} (valueContainsNull = {})\n", prefix,
                          mt.value_type()->TypeName(), mt.value_contains_null());
      AppendTree(*mt.value_type(), prefix + "    |", out);
      break;
    }
    default:
      break;
  }
}

}  // namespace

std::string DataType::TypeName() const { return NamesOf(id_).type_name; }
std::string DataType::SimpleString() const { return NamesOf(id_).simple; }
std::string DataType::Sql() const { return NamesOf(id_).sql; }

bool DataType::IsIntegral() const {
  return id_ == TypeId::kByte || id_ == TypeId::kShort || id_ == TypeId::kInt ||
         id_ == TypeId::kLong;
}

bool DataType::IsNumeric() const {
  return IsIntegral() || id_ == TypeId::kFloat || id_ == TypeId::kDouble ||
         id_ == TypeId::kDecimal;
}

std::string DecimalType::TypeName() const {
  return fmt::format("decimal({},{})", precision_, scale_);
}
std::string DecimalType::Sql() const { return fmt::format("DECIMAL({},{})", precision_, scale_); }
bool DecimalType::Equals(const DataType& other) const {
  if (other.id() != TypeId::kDecimal) return false;
  const auto& o = static_cast<const DecimalType&>(other);
  return precision_ == o.precision_ && scale_ == o.scale_;
}

std::string ArrayType::SimpleString() const {
  return fmt::format("array<{}>", element_->SimpleString());
}
std::string ArrayType::Sql() const { return fmt::format("ARRAY<{}>", element_->Sql()); }
bool ArrayType::Equals(const DataType& other) const {
  if (other.id() != TypeId::kArray) return false;
  const auto& o = static_cast<const ArrayType&>(other);
  return contains_null_ == o.contains_null_ && element_->Equals(*o.element_);
}

std::string MapType::SimpleString() const {
  return fmt::format("map<{},{}>", key_->SimpleString(), value_->SimpleString());
}
std::string MapType::Sql() const { return fmt::format("MAP<{}, {}>", key_->Sql(), value_->Sql()); }
bool MapType::Equals(const DataType& other) const {
  if (other.id() != TypeId::kMap) return false;
  const auto& o = static_cast<const MapType&>(other);
  return value_contains_null_ == o.value_contains_null_ && key_->Equals(*o.key_) &&
         value_->Equals(*o.value_);
}

bool StructField::operator==(const StructField& other) const {
  return name == other.name && nullable == other.nullable && type->Equals(*other.type) &&
         metadata_json == other.metadata_json;
}

std::string StructField::Comment() const { return CommentFromMetadata(metadata_json); }

std::string StructField::ToDdl() const {
  std::string out = QuoteIfNeeded(name) + " " + type->Sql();
  if (!nullable) out += " NOT NULL";
  std::string comment = Comment();
  if (!comment.empty()) out += " COMMENT " + SqlQuoteString(comment);
  return out;
}

int StructType::FieldIndex(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::vector<std::string> StructType::FieldNames() const {
  std::vector<std::string> names;
  names.reserve(fields_.size());
  for (const auto& f : fields_) names.push_back(f.name);
  return names;
}

std::string StructType::SimpleString() const {
  std::string out = "struct<";
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i > 0) out += ',';
    out += fields_[i].name + ":" + fields_[i].type->SimpleString();
  }
  return out + ">";
}

std::string StructType::Sql() const {
  std::string out = "STRUCT<";
  for (size_t i = 0; i < fields_.size(); ++i) {
    const auto& f = fields_[i];
    if (i > 0) out += ", ";
    out += QuoteIfNeeded(f.name) + ": " + f.type->Sql();
    if (!f.nullable) out += " NOT NULL";
    std::string comment = f.Comment();
    if (!comment.empty()) out += " COMMENT " + SqlQuoteString(comment);
  }
  return out + ">";
}

bool StructType::Equals(const DataType& other) const {
  if (other.id() != TypeId::kStruct) return false;
  return fields_ == static_cast<const StructType&>(other).fields_;
}

std::string StructType::ToDdl() const {
  std::string out;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i > 0) out += ',';
    out += fields_[i].ToDdl();
  }
  return out;
}

std::string StructType::TreeString() const {
  std::string out = "root\n";
  AppendFieldsTree(*this, " |", &out);
  return out;
}

std::string QuoteIfNeeded(std::string_view name) {
  bool plain = !name.empty();
  bool all_digits = true;
  for (char c : name) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    plain = plain && alnum;
    all_digits = all_digits && c >= '0' && c <= '9';
  }
  if (plain && !all_digits) return std::string(name);
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

namespace types {

#define SPATE_SIMPLE_TYPE(Fn, Id)                                      \
  const DataTypePtr& Fn() {                                            \
    static const DataTypePtr kType = std::make_shared<DataType>(Id);   \
    return kType;                                                      \
  }
SPATE_SIMPLE_TYPE(Null, TypeId::kNull)
SPATE_SIMPLE_TYPE(Boolean, TypeId::kBoolean)
SPATE_SIMPLE_TYPE(Byte, TypeId::kByte)
SPATE_SIMPLE_TYPE(Short, TypeId::kShort)
SPATE_SIMPLE_TYPE(Int, TypeId::kInt)
SPATE_SIMPLE_TYPE(Long, TypeId::kLong)
SPATE_SIMPLE_TYPE(Float, TypeId::kFloat)
SPATE_SIMPLE_TYPE(Double, TypeId::kDouble)
SPATE_SIMPLE_TYPE(String, TypeId::kString)
SPATE_SIMPLE_TYPE(Binary, TypeId::kBinary)
SPATE_SIMPLE_TYPE(Date, TypeId::kDate)
SPATE_SIMPLE_TYPE(Timestamp, TypeId::kTimestamp)
SPATE_SIMPLE_TYPE(TimestampNtz, TypeId::kTimestampNtz)
SPATE_SIMPLE_TYPE(Interval, TypeId::kInterval)
#undef SPATE_SIMPLE_TYPE

DataTypePtr Decimal(int precision, int scale) {
  return std::make_shared<DecimalType>(precision, scale);
}
DataTypePtr Array(DataTypePtr element, bool contains_null) {
  return std::make_shared<ArrayType>(std::move(element), contains_null);
}
DataTypePtr Map(DataTypePtr key, DataTypePtr value, bool value_contains_null) {
  return std::make_shared<MapType>(std::move(key), std::move(value), value_contains_null);
}
StructTypePtr Struct(std::vector<StructField> fields) {
  return std::make_shared<StructType>(std::move(fields));
}

}  // namespace types
}  // namespace spate
