#include "spate/types/arrow_types.h"

#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>
#include <fmt/format.h>

#include "spate/common/error.h"

namespace spate {

namespace {

std::shared_ptr<arrow::Field> MakeArrowField(const std::string& name,
                                             std::shared_ptr<arrow::DataType> type, bool nullable,
                                             const std::string& metadata_json) {
  std::shared_ptr<const arrow::KeyValueMetadata> meta;
  if (metadata_json != "{}") meta = arrow::key_value_metadata({kSparkMetadataKey}, {metadata_json});
  return arrow::field(name, std::move(type), nullable, std::move(meta));
}

arrow::Result<StructField> FromArrowField(const arrow::Field& f) {
  StructField out;
  out.name = f.name();
  ARROW_ASSIGN_OR_RAISE(out.type, FromArrowType(*f.type()));
  out.nullable = f.nullable();
  if (f.metadata()) {
    auto found = f.metadata()->Get(kSparkMetadataKey);
    if (found.ok()) out.metadata_json = *found;
  }
  return out;
}

}  // namespace

arrow::Result<std::shared_ptr<arrow::DataType>> ToArrowType(const DataType& type) {
  switch (type.id()) {
    case TypeId::kNull: return arrow::null();
    case TypeId::kBoolean: return arrow::boolean();
    case TypeId::kByte: return arrow::int8();
    case TypeId::kShort: return arrow::int16();
    case TypeId::kInt: return arrow::int32();
    case TypeId::kLong: return arrow::int64();
    case TypeId::kFloat: return arrow::float32();
    case TypeId::kDouble: return arrow::float64();
    case TypeId::kDecimal: {
      const auto& d = static_cast<const DecimalType&>(type);
      return arrow::decimal128(d.precision(), d.scale());
    }
    case TypeId::kString: return arrow::utf8();
    case TypeId::kBinary: return arrow::binary();
    case TypeId::kDate: return arrow::date32();
    case TypeId::kTimestamp: return arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
    case TypeId::kTimestampNtz: return arrow::timestamp(arrow::TimeUnit::MICRO);
    case TypeId::kInterval: return arrow::month_day_nano_interval();
    case TypeId::kArray: {
      const auto& a = static_cast<const ArrayType&>(type);
      ARROW_ASSIGN_OR_RAISE(auto element, ToArrowType(*a.element_type()));
      return arrow::list(arrow::field("element", std::move(element), a.contains_null()));
    }
    case TypeId::kMap: {
      const auto& m = static_cast<const MapType&>(type);
      ARROW_ASSIGN_OR_RAISE(auto key, ToArrowType(*m.key_type()));
      ARROW_ASSIGN_OR_RAISE(auto value, ToArrowType(*m.value_type()));
      return std::make_shared<arrow::MapType>(arrow::field("key", std::move(key), false),
                                              arrow::field("value", std::move(value),
                                                           m.value_contains_null()));
    }
    case TypeId::kStruct: {
      const auto& s = static_cast<const StructType&>(type);
      arrow::FieldVector fields;
      for (const auto& f : s.fields()) {
        ARROW_ASSIGN_OR_RAISE(auto t, ToArrowType(*f.type));
        fields.push_back(MakeArrowField(f.name, std::move(t), f.nullable, f.metadata_json));
      }
      return arrow::struct_(std::move(fields));
    }
  }
  return arrow::Status::NotImplemented("no Arrow type for ", type.SimpleString());
}

arrow::Result<std::shared_ptr<arrow::Schema>> ToArrowSchema(const StructType& schema) {
  arrow::FieldVector fields;
  for (const auto& f : schema.fields()) {
    ARROW_ASSIGN_OR_RAISE(auto t, ToArrowType(*f.type));
    fields.push_back(MakeArrowField(f.name, std::move(t), f.nullable, f.metadata_json));
  }
  return arrow::schema(std::move(fields));
}

arrow::Result<DataTypePtr> FromArrowType(const arrow::DataType& type) {
  using arrow::Type;
  switch (type.id()) {
    case Type::NA: return types::Null();
    case Type::BOOL: return types::Boolean();
    case Type::INT8: return types::Byte();
    case Type::INT16:
    case Type::UINT8: return types::Short();
    case Type::INT32:
    case Type::UINT16: return types::Int();
    case Type::INT64:
    case Type::UINT32: return types::Long();
    case Type::UINT64: return types::Decimal(20, 0);
    case Type::HALF_FLOAT:
    case Type::FLOAT: return types::Float();
    case Type::DOUBLE: return types::Double();
    case Type::DECIMAL32:
    case Type::DECIMAL64:
    case Type::DECIMAL128: {
      const auto& d = static_cast<const arrow::DecimalType&>(type);
      if (d.precision() > DecimalType::kMaxPrecision || d.scale() < 0) break;
      return types::Decimal(d.precision(), d.scale());
    }
    case Type::STRING:
    case Type::LARGE_STRING:
    case Type::STRING_VIEW: return types::String();
    case Type::BINARY:
    case Type::LARGE_BINARY:
    case Type::BINARY_VIEW:
    case Type::FIXED_SIZE_BINARY: return types::Binary();
    case Type::DATE32:
    case Type::DATE64: return types::Date();
    case Type::TIMESTAMP: {
      const auto& ts = static_cast<const arrow::TimestampType&>(type);
      return ts.timezone().empty() ? types::TimestampNtz() : types::Timestamp();
    }
    case Type::INTERVAL_MONTH_DAY_NANO: return types::Interval();
    case Type::LIST:
    case Type::LARGE_LIST:
    case Type::LIST_VIEW:
    case Type::LARGE_LIST_VIEW:
    case Type::FIXED_SIZE_LIST: {
      const auto& field = *type.field(0);
      ARROW_ASSIGN_OR_RAISE(auto element, FromArrowType(*field.type()));
      return types::Array(std::move(element), field.nullable());
    }
    case Type::MAP: {
      const auto& m = static_cast<const arrow::MapType&>(type);
      ARROW_ASSIGN_OR_RAISE(auto key, FromArrowType(*m.key_type()));
      ARROW_ASSIGN_OR_RAISE(auto value, FromArrowType(*m.item_type()));
      return types::Map(std::move(key), std::move(value), m.item_field()->nullable());
    }
    case Type::STRUCT: {
      std::vector<StructField> fields;
      for (const auto& f : type.fields()) {
        ARROW_ASSIGN_OR_RAISE(auto field, FromArrowField(*f));
        fields.push_back(std::move(field));
      }
      return types::Struct(std::move(fields));
    }
    case Type::DICTIONARY:
      return FromArrowType(*static_cast<const arrow::DictionaryType&>(type).value_type());
    default:
      break;
  }
  return SparkError("UNSUPPORTED_ARROWTYPE", "0A000",
                    fmt::format("Unsupported arrow type {}.", type.ToString()));
}

arrow::Result<StructTypePtr> FromArrowSchema(const arrow::Schema& schema) {
  std::vector<StructField> fields;
  for (const auto& f : schema.fields()) {
    ARROW_ASSIGN_OR_RAISE(auto field, FromArrowField(*f));
    fields.push_back(std::move(field));
  }
  return types::Struct(std::move(fields));
}

}  // namespace spate
