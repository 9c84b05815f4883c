// XPath functions: xpath, xpath_string, xpath_boolean and the numeric ones
// (xpath_short/int/long/float/double/number). Spark evaluates XPath 1.0 with
// the JDK's XPath over a DOM that is not namespace-aware; Spate evaluates it
// with libxml2 over a document whose elements and attributes keep their
// qualified names and lose their namespaces, so that `a/b` finds `b` under a
// default namespace as it does in Spark.
//
// The path must be a constant; it is compiled on the first row that needs it
// (as Spark does: an invalid path fails only when a document is evaluated).
// NULL or empty document or path gives NULL.

#include <charconv>
#include <cmath>
#include <limits>
#include <memory>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "spate/expr/function_options.h"
#include "spate/expr/functions_string_common.h"
#include "spate/expr/value_format.h"
#include "spate/expr/xml_tree.h"

namespace spate {

namespace {

using strings::ArgRows;

enum class XPathResult { kNodeValues, kString, kBoolean, kShort, kInt, kLong, kFloat, kDouble };

// ---------------------------------------------------------------------------
// libxml2 resources

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
struct ParserFree {
  void operator()(xmlParserCtxt* c) const { xmlFreeParserCtxt(c); }
};
struct ContextFree {
  void operator()(xmlXPathContext* c) const { xmlXPathFreeContext(c); }
};
struct CompiledFree {
  void operator()(xmlXPathCompExpr* c) const { xmlXPathFreeCompExpr(c); }
};
struct ObjectFree {
  void operator()(xmlXPathObject* o) const { xmlXPathFreeObject(o); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocFree>;
using ObjectPtr = std::unique_ptr<xmlXPathObject, ObjectFree>;

// The last error libxml2 reported on this thread while an evaluator was
// working (libxml2 prints errors to stderr unless a handler takes them).
struct LastError {
  int code = 0;
  std::string message;
};

void KeepError(void* user, xmlErrorPtr error) {
  auto* last = static_cast<LastError*>(user);
  if (error == nullptr) return;
  last->code = error->code;
  last->message = error->message != nullptr ? error->message : "";
  while (!last->message.empty() && last->message.back() == '\n') last->message.pop_back();
}

// Routes this thread's libxml2 errors to `last` while in scope.
class ErrorScope {
 public:
  explicit ErrorScope(LastError* last) {
    *last = LastError{};
    xmlSetStructuredErrorFunc(last, KeepError);
  }
  ~ErrorScope() { xmlSetStructuredErrorFunc(nullptr, nullptr); }
  ErrorScope(const ErrorScope&) = delete;
  ErrorScope& operator=(const ErrorScope&) = delete;
};

// A DOM that is not namespace-aware: every element and attribute gets its
// qualified name (prefix:local) and no namespace.
void DropNamespaces(xmlNode* node) {
  for (; node != nullptr; node = node->next) {
    if (node->type != XML_ELEMENT_NODE) continue;
    if (node->ns != nullptr && node->ns->prefix != nullptr) {
      std::string qualified = fmt::format("{}:{}", reinterpret_cast<const char*>(node->ns->prefix),
                                          reinterpret_cast<const char*>(node->name));
      xmlNodeSetName(node, BAD_CAST qualified.c_str());
    }
    node->ns = nullptr;
    for (xmlAttr* attr = node->properties; attr != nullptr; attr = attr->next) {
      if (attr->ns != nullptr && attr->ns->prefix != nullptr) {
        std::string qualified = fmt::format("{}:{}", reinterpret_cast<const char*>(attr->ns->prefix),
                                            reinterpret_cast<const char*>(attr->name));
        xmlNodeSetName(reinterpret_cast<xmlNode*>(attr), BAD_CAST qualified.c_str());
      }
      attr->ns = nullptr;
    }
    DropNamespaces(node->children);
  }
}

// One path evaluated over many documents (one evaluator per batch).
class XPathEvaluator {
 public:
  explicit XPathEvaluator(std::string path) : path_(std::move(path)) { InitXmlLibrary(); }

  // The result of the path over `xml`, or Spark's errors for a path that does
  // not compile and a document that does not parse.
  arrow::Result<ObjectPtr> Evaluate(std::string_view xml) {
    ErrorScope scope(&error_);
    if (compiled_ == nullptr) ARROW_RETURN_NOT_OK(Compile());
    if (parser_ == nullptr) parser_.reset(xmlNewParserCtxt());
    if (parser_ == nullptr) return arrow::Status::OutOfMemory("xmlNewParserCtxt");
    DocPtr doc(xmlCtxtReadMemory(parser_.get(), xml.data(), static_cast<int>(xml.size()), nullptr,
                                 "UTF-8", XML_PARSE_NOENT | XML_PARSE_NONET | XML_PARSE_NOERROR |
                                              XML_PARSE_NOWARNING | XML_PARSE_NOCDATA));
    if (doc == nullptr || !parser_->wellFormed) {
      std::string why = error_.message.empty() ? "not well-formed" : error_.message;
      return arrow::Status::ExecutionError(
          fmt::format("Error loading expression '{}': the document is not well-formed XML: {}", path_, why));
    }
    DropNamespaces(xmlDocGetRootElement(doc.get()));
    context_->doc = doc.get();
    context_->node = reinterpret_cast<xmlNode*>(doc.get());
    error_ = LastError{};
    ObjectPtr result(xmlXPathCompiledEval(compiled_.get(), context_.get()));
    context_->doc = nullptr;
    context_->node = nullptr;
    if (result == nullptr) {
      // A prefix without a namespace (a/p:b) matches nothing in a document
      // that is not namespace-aware.
      if (error_.code == XML_XPATH_UNDEF_PREFIX_ERROR) {
        result.reset(xmlXPathNewNodeSet(nullptr));
      } else {
        return arrow::Status::ExecutionError(fmt::format("Invalid XPath '{}': {}", path_, error_.message));
      }
    }
    // The nodes refer to the document: read them before it is freed.
    doc_ = std::move(doc);
    return result;
  }

  const std::string& path() const { return path_; }

 private:
  arrow::Status Compile() {
    context_.reset(xmlXPathNewContext(nullptr));
    if (context_ == nullptr) return arrow::Status::OutOfMemory("xmlXPathNewContext");
    compiled_.reset(xmlXPathCtxtCompile(context_.get(), BAD_CAST path_.c_str()));
    if (compiled_ == nullptr) {
      return arrow::Status::ExecutionError(fmt::format("Invalid XPath '{}': {}", path_, error_.message));
    }
    return arrow::Status::OK();
  }

  std::string path_;
  LastError error_;
  std::unique_ptr<xmlParserCtxt, ParserFree> parser_;
  std::unique_ptr<xmlXPathContext, ContextFree> context_;
  std::unique_ptr<xmlXPathCompExpr, CompiledFree> compiled_;
  DocPtr doc_;
};

// ---------------------------------------------------------------------------
// XPath 1.0 conversions, as the JDK's XPath does them

std::string XmlString(xmlChar* owned) {
  if (owned == nullptr) return "";
  std::string s(reinterpret_cast<const char*>(owned));
  xmlFree(owned);
  return s;
}

// number(string): optional whitespace, an optional '-', digits with at most
// one '.', optional whitespace; anything else is NaN (no exponent, no '+').
double XPathNumber(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  std::string_view body = s.starts_with('-') ? s.substr(1) : s;
  bool digit = false;
  int dots = 0;
  for (char c : body) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c == '.') {
      ++dots;
    } else {
      return std::numeric_limits<double>::quiet_NaN();
    }
  }
  if (!digit || dots > 1) return std::numeric_limits<double>::quiet_NaN();
  std::string text(s);
  return std::strtod(text.c_str(), nullptr);
}

// string(number): integers without a fraction, never an exponent.
std::string XPathNumberString(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return "0";
  std::string java = JavaDoubleString(d);  // "3.0", "0.25", "1.2345E19", "1.0E-7"
  std::string sign;
  if (java.front() == '-') {
    sign = "-";
    java.erase(0, 1);
  }
  int exponent = 0;
  if (auto e = java.find('E'); e != std::string::npos) {
    exponent = std::stoi(java.substr(e + 1));
    java.resize(e);
  }
  size_t dot = java.find('.');
  std::string digits = java.substr(0, dot) + java.substr(dot + 1);
  int point = static_cast<int>(dot) + exponent;  // digits before the decimal point
  std::string integral, fraction;
  if (point <= 0) {
    integral = "0";
    fraction = std::string(-point, '0') + digits;
  } else if (point >= static_cast<int>(digits.size())) {
    integral = digits + std::string(point - digits.size(), '0');
  } else {
    integral = digits.substr(0, point);
    fraction = digits.substr(point);
  }
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  size_t lead = integral.find_first_not_of('0');
  integral = lead == std::string::npos ? "0" : integral.substr(lead);
  return sign + integral + (fraction.empty() ? "" : "." + fraction);
}

double ToNumber(xmlXPathObject* o) {
  switch (o->type) {
    case XPATH_NUMBER: return o->floatval;
    case XPATH_BOOLEAN: return o->boolval ? 1 : 0;
    default: return XPathNumber(XmlString(xmlXPathCastToString(o)));
  }
}

std::string ToString(xmlXPathObject* o) {
  if (o->type == XPATH_NUMBER) return XPathNumberString(o->floatval);
  return XmlString(xmlXPathCastToString(o));
}

// Java's narrowing of a double: NaN is 0, out of range saturates.
template <typename T>
T SaturatingCast(double d) {
  if (std::isnan(d)) return 0;
  if (d >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
  if (d <= static_cast<double>(std::numeric_limits<T>::min())) return std::numeric_limits<T>::min();
  return static_cast<T>(d);
}

const char* XPathTypeName(xmlXPathObjectType type) {
  switch (type) {
    case XPATH_NUMBER: return "#NUMBER";
    case XPATH_STRING: return "#STRING";
    case XPATH_BOOLEAN: return "#BOOLEAN";
    default: return "#UNKNOWN";
  }
}

// xpath: the node value of each node (text, attribute, comment and
// processing-instruction nodes have one; elements give NULL).
arrow::Status AppendNodeValues(xmlXPathObject* o, std::string_view xml, arrow::ListBuilder& list) {
  if (o->type != XPATH_NODESET) {
    return arrow::Status::ExecutionError(fmt::format("Invalid XML document: Can not convert {} to a NodeList!\n{}",
                                                     XPathTypeName(o->type), xml));
  }
  auto& values = static_cast<arrow::StringBuilder&>(*list.value_builder());
  ARROW_RETURN_NOT_OK(list.Append());
  xmlNodeSet* nodes = o->nodesetval;
  int count = nodes == nullptr ? 0 : nodes->nodeNr;
  for (int i = 0; i < count; ++i) {
    xmlNode* node = nodes->nodeTab[i];
    switch (node->type) {
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE:
      case XML_COMMENT_NODE:
      case XML_PI_NODE:
      case XML_ATTRIBUTE_NODE:
        ARROW_RETURN_NOT_OK(values.Append(XmlString(xmlNodeGetContent(node))));
        break;
      default:
        ARROW_RETURN_NOT_OK(values.AppendNull());
    }
  }
  return arrow::Status::OK();
}

template <typename Builder, typename Fn>
arrow::Result<arrow::Datum> EvaluateRows(const FunctionArgs& a, const std::optional<std::string>& path,
                                         std::unique_ptr<arrow::ArrayBuilder> builder, Fn append) {
  ARROW_ASSIGN_OR_RAISE(auto rows, ArgRows::Make(a));
  auto& out = static_cast<Builder&>(*builder);
  std::optional<XPathEvaluator> evaluator;
  for (int64_t i = 0; i < rows.num_rows; ++i) {
    if (!path || path->empty() || rows.IsNull(0, i) || rows.Str(0, i).empty()) {
      ARROW_RETURN_NOT_OK(out.AppendNull());
      continue;
    }
    if (!evaluator) evaluator.emplace(*path);
    std::string_view xml = rows.Str(0, i);
    ARROW_ASSIGN_OR_RAISE(auto result, evaluator->Evaluate(xml));
    ARROW_RETURN_NOT_OK(append(result.get(), xml, out));
  }
  ARROW_ASSIGN_OR_RAISE(auto array, builder->Finish());
  return arrow::Datum(array);
}

arrow::Result<arrow::Datum> Evaluate(XPathResult kind, const FunctionArgs& a,
                                     const std::optional<std::string>& path) {
  auto pool = arrow::default_memory_pool();
  switch (kind) {
    case XPathResult::kNodeValues:
      return EvaluateRows<arrow::ListBuilder>(
          a, path, std::make_unique<arrow::ListBuilder>(pool, std::make_shared<arrow::StringBuilder>(pool)),
          AppendNodeValues);
    case XPathResult::kString:
      return EvaluateRows<arrow::StringBuilder>(
          a, path, std::make_unique<arrow::StringBuilder>(pool),
          [](xmlXPathObject* o, std::string_view, arrow::StringBuilder& b) { return b.Append(ToString(o)); });
    case XPathResult::kBoolean:
      return EvaluateRows<arrow::BooleanBuilder>(
          a, path, std::make_unique<arrow::BooleanBuilder>(pool),
          [](xmlXPathObject* o, std::string_view, arrow::BooleanBuilder& b) {
            return b.Append(xmlXPathCastToBoolean(o) != 0);
          });
    case XPathResult::kShort:
      // Java's (short) of a double narrows to int first, then wraps.
      return EvaluateRows<arrow::Int16Builder>(
          a, path, std::make_unique<arrow::Int16Builder>(pool),
          [](xmlXPathObject* o, std::string_view, arrow::Int16Builder& b) {
            return b.Append(static_cast<int16_t>(SaturatingCast<int32_t>(ToNumber(o))));
          });
    case XPathResult::kInt:
      return EvaluateRows<arrow::Int32Builder>(
          a, path, std::make_unique<arrow::Int32Builder>(pool),
          [](xmlXPathObject* o, std::string_view, arrow::Int32Builder& b) {
            return b.Append(SaturatingCast<int32_t>(ToNumber(o)));
          });
    case XPathResult::kLong:
      return EvaluateRows<arrow::Int64Builder>(
          a, path, std::make_unique<arrow::Int64Builder>(pool),
          [](xmlXPathObject* o, std::string_view, arrow::Int64Builder& b) {
            return b.Append(SaturatingCast<int64_t>(ToNumber(o)));
          });
    case XPathResult::kFloat:
      return EvaluateRows<arrow::FloatBuilder>(
          a, path, std::make_unique<arrow::FloatBuilder>(pool),
          [](xmlXPathObject* o, std::string_view, arrow::FloatBuilder& b) {
            return b.Append(static_cast<float>(ToNumber(o)));
          });
    case XPathResult::kDouble:
      return EvaluateRows<arrow::DoubleBuilder>(
          a, path, std::make_unique<arrow::DoubleBuilder>(pool),
          [](xmlXPathObject* o, std::string_view, arrow::DoubleBuilder& b) { return b.Append(ToNumber(o)); });
  }
  return arrow::Status::Invalid("unknown XPath result");
}

DataTypePtr ResultType(XPathResult kind) {
  switch (kind) {
    case XPathResult::kNodeValues: return types::Array(types::String(), true);
    case XPathResult::kString: return types::String();
    case XPathResult::kBoolean: return types::Boolean();
    case XPathResult::kShort: return types::Short();
    case XPathResult::kInt: return types::Int();
    case XPathResult::kLong: return types::Long();
    case XPathResult::kFloat: return types::Float();
    case XPathResult::kDouble: return types::Double();
  }
  return types::Null();
}

FunctionBinder XPathBinder(XPathResult kind) {
  return [kind](const std::string& name, std::vector<BoundExprPtr> args,
                const std::string& pretty) -> arrow::Result<BoundExprPtr> {
    ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
    if (!IsConstantExpr(*args[1])) {
      return DataTypeMismatch("NON_FOLDABLE_INPUT", pretty,
                              fmt::format("the input `path` should be a foldable \"STRING\" expression; "
                                          "however, got \"{}\"",
                                          args[1]->name()));
    }
    for (size_t i = 0; i < args.size(); ++i) {
      TypeId id = args[i]->type()->id();
      if (id != TypeId::kString && id != TypeId::kNull) {
        return strings::UnexpectedTypeOf(*args[i], i, "\"STRING\"", pretty);
      }
      args[i] = ImplicitCast(args[i], types::String());
    }
    ARROW_ASSIGN_OR_RAISE(auto folded, FoldConstant(*args[1]));
    std::optional<std::string> path;
    if (folded->is_valid) path = static_cast<const arrow::StringScalar&>(*folded).ToString();
    auto impl = [kind, path](const FunctionArgs& a) { return Evaluate(kind, a, path); };
    return MakeFunction(name, std::move(impl), ResultType(kind), std::move(args), pretty, true);
  };
}

}  // namespace

void RegisterXPathFunctions(FunctionRegistry& r) {
  r.Add("xpath", XPathBinder(XPathResult::kNodeValues));
  r.Add("xpath_string", XPathBinder(XPathResult::kString));
  r.Add("xpath_boolean", XPathBinder(XPathResult::kBoolean));
  r.Add("xpath_short", XPathBinder(XPathResult::kShort));
  r.Add("xpath_int", XPathBinder(XPathResult::kInt));
  r.Add("xpath_long", XPathBinder(XPathResult::kLong));
  r.Add("xpath_float", XPathBinder(XPathResult::kFloat));
  r.Add("xpath_double", XPathBinder(XPathResult::kDouble));
  r.Add("xpath_number", XPathBinder(XPathResult::kDouble));
}

}  // namespace spate
