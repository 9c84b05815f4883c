#pragma once

// XML text as Spark's XML reader sees a record: not namespace-aware (names
// keep their prefix, xmlns declarations are attributes), comments and
// processing instructions skipped, CDATA read as text.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <arrow/result.h>

namespace spate {

struct XmlElement {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  /// The text directly inside the element (its children's text excluded).
  std::string text;
  std::vector<XmlElement> children;
};

/// The root element of the document `xml`; Invalid when it is not
/// well-formed XML (the message says why).
arrow::Result<XmlElement> ParseXmlElement(std::string_view xml);

/// Prepares libxml2 once per process: its parser, and no external entities.
void InitXmlLibrary();

}  // namespace spate
