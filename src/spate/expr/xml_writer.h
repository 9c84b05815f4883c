#pragma once

// Struct rows as XML text with Spark's XML writer rules (StaxXmlGenerator):
// one element named by the row tag, fields named with the attribute prefix as
// its attributes, the value-tag field as its text, other fields as child
// elements (arrays repeat the element, nested arrays use the array element
// name, maps write one element per key), NULL fields left out unless a null
// value is set; indented by `indent` per level.

#include <string>

#include <arrow/result.h>

#include "spate/types/data_type.h"

namespace arrow {
class Array;
}

namespace spate {

struct XmlWriteOptions {
  std::string row_tag = "ROW";
  std::string attribute_prefix = "_";
  std::string value_tag = "_VALUE";
  std::string array_element_name = "item";
  std::string indent = "    ";
  bool has_null_value = false;
  std::string null_value;
  std::string time_zone = "UTC";
};

/// Appends row `i` of the struct array `rows` (of `type`) as XML to `out`.
arrow::Status WriteXmlRow(const arrow::Array& rows, int64_t i, const StructType& type,
                          const XmlWriteOptions& options, std::string* out);

}  // namespace spate
