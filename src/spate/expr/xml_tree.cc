#include "spate/expr/xml_tree.h"

#include <memory>

#include <fmt/format.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

namespace spate {

namespace {

// External entities are never read (Spark turns them off too).
xmlParserInputPtr NoExternalEntities(const char*, const char*, xmlParserCtxtPtr) { return nullptr; }

std::string Text(const xmlChar* s) { return s == nullptr ? "" : reinterpret_cast<const char*>(s); }

std::string QualifiedName(const xmlNs* ns, const xmlChar* name) {
  if (ns == nullptr || ns->prefix == nullptr) return Text(name);
  return fmt::format("{}:{}", Text(ns->prefix), Text(name));
}

XmlElement Convert(const xmlNode* node) {
  XmlElement e;
  e.name = QualifiedName(node->ns, node->name);
  for (const xmlNs* ns = node->nsDef; ns != nullptr; ns = ns->next) {
    e.attributes.emplace_back(ns->prefix == nullptr ? "xmlns" : "xmlns:" + Text(ns->prefix), Text(ns->href));
  }
  for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
    xmlChar* value = xmlNodeListGetString(node->doc, a->children, 1);
    e.attributes.emplace_back(QualifiedName(a->ns, a->name), Text(value));
    xmlFree(value);
  }
  for (const xmlNode* c = node->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) {
      e.children.push_back(Convert(c));
    } else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      e.text += Text(c->content);
    }
  }
  return e;
}

}  // namespace

void InitXmlLibrary() {
  static const bool done = [] {
    xmlInitParser();
    xmlSetExternalEntityLoader(NoExternalEntities);
    return true;
  }();
  (void)done;
}

arrow::Result<XmlElement> ParseXmlElement(std::string_view xml) {
  InitXmlLibrary();
  std::unique_ptr<xmlParserCtxt, void (*)(xmlParserCtxt*)> parser(xmlNewParserCtxt(), xmlFreeParserCtxt);
  if (parser == nullptr) return arrow::Status::OutOfMemory("xmlNewParserCtxt");
  std::unique_ptr<xmlDoc, void (*)(xmlDoc*)> doc(
      xmlCtxtReadMemory(parser.get(), xml.data(), static_cast<int>(xml.size()), nullptr, "UTF-8",
                        XML_PARSE_NOENT | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      xmlFreeDoc);
  const xmlNode* root = doc == nullptr ? nullptr : xmlDocGetRootElement(doc.get());
  if (root == nullptr || !parser->wellFormed) {
    const xmlError* e = xmlCtxtGetLastError(parser.get());
    std::string why = e != nullptr && e->message != nullptr ? e->message : "not well-formed XML";
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return arrow::Status::Invalid(why);
  }
  return Convert(root);
}

}  // namespace spate
