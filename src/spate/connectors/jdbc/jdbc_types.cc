#include "spate/connectors/jdbc/jdbc_types.h"

#include <algorithm>

#include <fmt/format.h>

#include "spate/common/error.h"

namespace spate::jdbc {

namespace {

// PostgreSQL's type OIDs (pg_type.dat).
enum Oid : uint32_t {
  kBool = 16, kBytea = 17, kChar = 18, kName = 19, kInt8 = 20, kInt2 = 21, kInt4 = 23, kText = 25,
  kOid = 26, kJson = 114, kXml = 142, kCidr = 650, kFloat4 = 700, kFloat8 = 701, kMacaddr = 829,
  kInet = 869, kBpchar = 1042, kVarchar = 1043, kDate = 1082, kTimestamp = 1114, kTimestamptz = 1184,
  kNumeric = 1700, kUuid = 2950, kJsonb = 3802, kTime = 1083, kBit = 1560, kInterval = 1186,
};

DataTypePtr NumericType(int type_mod) {
  if (type_mod < 4) return types::Decimal(38, 18);  // NUMERIC without precision
  int precision = ((type_mod - 4) >> 16) & 0xffff;
  int scale = (type_mod - 4) & 0xffff;
  if (precision == 0) return types::Decimal(38, 18);
  return types::Decimal(std::min(precision, 38), std::min(scale, 38));
}

}  // namespace

arrow::Result<std::string> PostgresTypeOf(const DataType& type) {
  switch (type.id()) {
    case TypeId::kString: return std::string("TEXT");
    case TypeId::kBinary: return std::string("BYTEA");
    case TypeId::kBoolean: return std::string("BOOLEAN");
    case TypeId::kFloat: return std::string("FLOAT4");
    case TypeId::kDouble: return std::string("FLOAT8");
    case TypeId::kByte:
    case TypeId::kShort: return std::string("SMALLINT");
    case TypeId::kInt: return std::string("INTEGER");
    case TypeId::kLong: return std::string("BIGINT");
    case TypeId::kDate: return std::string("DATE");
    case TypeId::kTimestamp: return std::string("TIMESTAMP WITH TIME ZONE");
    case TypeId::kTimestampNtz: return std::string("TIMESTAMP");
    case TypeId::kDecimal: {
      const auto& d = static_cast<const DecimalType&>(type);
      return fmt::format("NUMERIC({},{})", d.precision(), d.scale());
    }
    case TypeId::kArray: {  // PostgresDialect: the element's type with [] (INTEGER[][], BYTEA[])
      const DataType& element = *static_cast<const ArrayType&>(type).element_type();
      auto element_type = PostgresTypeOf(element);
      if (!element_type.ok() && element_type.status().IsNotImplemented()) return element_type.status();
      if (!element_type.ok()) break;  // Spark's error names the whole array type
      if (element.id() == TypeId::kArray && element_type->starts_with("BYTEA")) {
        return arrow::Status::NotImplemented(fmt::format(
            "Column type {}: multidimensional arrays of binary values are not written to PostgreSQL "
            "(Spark's PostgreSQL driver fails on them, and BYTEA arrays read back one-dimensional only).",
            type.SimpleString()));
      }
      return *element_type + "[]";
    }
    default:
      break;
  }
  return SparkError("_LEGACY_ERROR_TEMP_2082", "", fmt::format("Can't get JDBC type for {}.", type.SimpleString()));
}

DataTypePtr SparkTypeOf(const PgColumn& column) {
  switch (column.type_oid) {
    case kBool: return types::Boolean();
    case kBytea: return types::Binary();
    case kInt2: return types::Short();
    case kInt4: return types::Int();
    case kInt8:
    case kOid: return types::Long();
    case kFloat4: return types::Float();
    case kFloat8: return types::Double();
    case kNumeric: return NumericType(column.type_mod);
    case kChar:
    case kName:
    case kText:
    case kBpchar:
    case kVarchar:
    case kJson:
    case kJsonb:
    case kXml:
    case kUuid:
    case kInet:
    case kCidr:
    case kMacaddr: return types::String();
    case kDate: return types::Date();
    case kTimestamp:
    case kTimestamptz: return types::Timestamp();
    case kTime: return types::Timestamp();
    case kBit:
      if (column.type_mod == 1) return types::Boolean();
      break;
    default:
      break;
  }
  return types::String();
}

std::string SparkFieldMetadata(const PgColumn& column, const std::string& type_name, int array_dimension) {
  bool is_signed = false;
  int scale = 0;
  std::string extra;
  switch (column.type_oid) {
    case kInt2: case kInt4: case kInt8: is_signed = true; break;
    case kFloat4: is_signed = true; scale = 8; break;
    case kFloat8: is_signed = true; scale = 17; break;
    case kNumeric:
      is_signed = true;
      scale = column.type_mod >= 4 ? (column.type_mod - 4) & 0xffff : 0;
      break;
    case kTimestamp: case kTimestamptz: case kInterval: scale = 6; break;
    case kTime: scale = 6; extra = ", \"logical_time_type\": true"; break;
    case kVarchar:
    case kBpchar:
      if (column.type_mod >= 4) {
        extra = fmt::format(", \"__CHAR_VARCHAR_TYPE_STRING\": \"{}({})\"",
                            column.type_oid == kVarchar ? "varchar" : "char", column.type_mod - 4);
      }
      break;
    default: break;
  }
  if (array_dimension > 0) extra += fmt::format(", \"arrayDimension\": {}", array_dimension);
  return fmt::format("{{\"isSigned\": {}, \"isTimestampNTZ\": false, \"jdbcClientType\": \"{}\", \"scale\": {}{}}}",
                     is_signed ? "true" : "false", type_name, scale, extra);
}

}  // namespace spate::jdbc
