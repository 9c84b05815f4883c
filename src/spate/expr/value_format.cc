#include "spate/expr/value_format.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

namespace spate {

// Placeholder: replaced by the full formatter.
arrow::Result<std::shared_ptr<arrow::Array>> CastToString(const arrow::Array& values,
                                                          const DataType&, const FormatOptions&) {
  return arrow::compute::Cast(values, arrow::utf8());
}

arrow::Result<std::shared_ptr<arrow::Array>> FormatForShow(const arrow::Array& values,
                                                           const DataType& type,
                                                           const FormatOptions& options) {
  return CastToString(values, type, options);
}

arrow::Result<std::string> ShowString(const arrow::Table&, const StructType&, int, int, bool,
                                      const FormatOptions&) {
  return arrow::Status::NotImplemented("show");
}

std::string LiteralPretty(const arrow::Scalar& value, const DataType&) {
  if (!value.is_valid) return "NULL";
  if (value.type->id() == arrow::Type::STRING) {
    return static_cast<const arrow::StringScalar&>(value).ToString();
  }
  return value.ToString();
}

std::string LiteralSql(const arrow::Scalar& value, const DataType& type) {
  if (value.is_valid && value.type->id() == arrow::Type::STRING) {
    return "'" + value.ToString() + "'";
  }
  return LiteralPretty(value, type);
}

}  // namespace spate
