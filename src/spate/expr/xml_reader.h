#pragma once

// XML records into struct values with Spark's XML reader rules
// (StaxXmlParser): schema fields named with the attribute prefix read the
// element's attributes, the value-tag field its text, other fields its child
// elements of that name (matched case-insensitively; an ARRAY field takes every
// such child, another field the last one); text converts to the field's type.

#include <memory>
#include <string>

#include <arrow/result.h>

#include "spate/expr/xml_tree.h"
#include "spate/types/data_type.h"

namespace arrow {
class ArrayBuilder;
}

namespace spate {

struct XmlReadOptions {
  std::string attribute_prefix = "_";
  std::string value_tag = "_VALUE";
  bool exclude_attributes = false;
  bool ignore_surrounding_spaces = true;
  std::string time_zone = "UTC";
};

/// Appends `root` as a value of the struct `type` to `builder` (a
/// StructBuilder of that type). Returns false when some text did not convert
/// to its field's type (the field is NULL then: a malformed record).
arrow::Result<bool> AppendXmlRecord(const XmlElement& root, const StructType& type,
                                    const XmlReadOptions& options, arrow::ArrayBuilder* builder);

}  // namespace spate
