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
  kNumeric = 1700, kUuid = 2950, kJsonb = 3802, kTime = 1083, kBit = 1560,
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
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz: return std::string("TIMESTAMP");
    case TypeId::kDecimal: {
      const auto& d = static_cast<const DecimalType&>(type);
      return fmt::format("NUMERIC({},{})", d.precision(), d.scale());
    }
    case TypeId::kArray:
      return arrow::Status::NotImplemented(fmt::format(
          "Column type {}: Spate's jdbc data source does not write arrays yet (Spark writes PostgreSQL arrays).",
          type.SimpleString()));
    default:
      return SparkError("_LEGACY_ERROR_TEMP_2082", "",
                        fmt::format("Can't get JDBC type for {}.", type.SimpleString()));
  }
}

arrow::Result<DataTypePtr> SparkTypeOf(const PgColumn& column, const std::string& type_name) {
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
  if (type_name.size() > 2 && type_name.compare(type_name.size() - 2, 2, "[]") == 0) {
    return arrow::Status::NotImplemented(fmt::format(
        "Column {} is a PostgreSQL array ({}): Spate's jdbc data source does not read arrays yet.", column.name,
        type_name));
  }
  return types::String();
}

bool IsKnownType(uint32_t type_oid) {
  switch (type_oid) {
    case kBool: case kBytea: case kChar: case kName: case kInt8: case kInt2: case kInt4: case kText:
    case kOid: case kJson: case kXml: case kCidr: case kFloat4: case kFloat8: case kMacaddr: case kInet:
    case kBpchar: case kVarchar: case kDate: case kTimestamp: case kTimestamptz: case kNumeric: case kUuid:
    case kJsonb: case kTime:
      return true;
    default:
      return false;
  }
}

}  // namespace spate::jdbc
