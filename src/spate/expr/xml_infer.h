#pragma once

// Schema inference for XML records with Spark's rules (XmlInferSchema):
// attributes become fields named with the attribute prefix, child elements
// fields of their name (an element seen more than once in a record an array),
// the text of an element that also has attributes or children the value-tag
// field; values are BIGINT, DOUBLE, BOOLEAN, DATE, TIMESTAMP or STRING, and
// conflicting types widen or fall back to STRING. Fields are sorted by name.

#include <string>

#include "spate/expr/xml_tree.h"
#include "spate/types/data_type.h"

namespace spate {

struct XmlInferOptions {
  std::string attribute_prefix = "_";
  std::string value_tag = "_VALUE";
  bool exclude_attributes = false;
  bool infer_types = true;       // false: every value is a STRING
  bool prefers_decimal = false;  // decimals instead of DOUBLE where they fit
  bool ignore_surrounding_spaces = true;
  std::string time_zone = "UTC";  // for text read as TIMESTAMP
};

/// The struct type of one record (its root element).
StructTypePtr InferXmlSchema(const XmlElement& root, const XmlInferOptions& options);

}  // namespace spate
