#include "spate/expr/xml_infer.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <regex>

#include "spate/common/strings.h"
#include "spate/expr/datetime_parse.h"

namespace spate {

namespace {

class Inferrer {
 public:
  explicit Inferrer(const XmlInferOptions& options) : o_(options) {}

  StructTypePtr Struct(const XmlElement& e) {
    Fields fields;
    if (!o_.exclude_attributes) {
      for (const auto& [name, value] : e.attributes) fields.Add(o_.attribute_prefix + name, Text(value));
    }
    for (const auto& child : e.children) fields.Add(child.name, Element(child));
    std::string text = Trim(e.text);
    if (!text.empty()) fields.Add(o_.value_tag, Text(text));
    return fields.Finish(*this);
  }

  // Spark's compatibleType for XML.
  DataTypePtr Compatible(const DataTypePtr& a, const DataTypePtr& b) {
    if (a->Equals(*b)) return a;
    if (a->id() == TypeId::kNull) return b;
    if (b->id() == TypeId::kNull) return a;
    if (a->id() == TypeId::kArray || b->id() == TypeId::kArray) {
      const DataTypePtr& ea = a->id() == TypeId::kArray ? static_cast<const ArrayType&>(*a).element_type() : a;
      const DataTypePtr& eb = b->id() == TypeId::kArray ? static_cast<const ArrayType&>(*b).element_type() : b;
      return types::Array(Compatible(ea, eb));
    }
    if (a->id() == TypeId::kStruct && b->id() == TypeId::kStruct) {
      Fields fields;
      for (const auto* s : {a.get(), b.get()}) {
        for (const auto& f : static_cast<const StructType&>(*s).fields()) fields.Add(f.name, f.type);
      }
      return fields.Finish(*this, /*repeats_make_arrays=*/false);
    }
    if (a->id() == TypeId::kStruct || b->id() == TypeId::kStruct) {
      // A struct with a value tag takes a plain value into that field.
      const auto& s = static_cast<const StructType&>(a->id() == TypeId::kStruct ? *a : *b);
      const DataTypePtr& other = a->id() == TypeId::kStruct ? b : a;
      int index = s.FieldIndex(o_.value_tag);
      if (index < 0) return types::String();
      Fields fields;
      for (const auto& f : s.fields()) fields.Add(f.name, f.type);
      fields.Add(o_.value_tag, other);
      return fields.Finish(*this, /*repeats_make_arrays=*/false);
    }
    if (a->IsNumeric() && b->IsNumeric()) {
      if (a->id() == TypeId::kDouble || b->id() == TypeId::kDouble) return types::Double();
      return WiderDecimal(AsDecimal(*a), AsDecimal(*b));
    }
    auto is_datetime = [](const DataType& t) { return t.id() == TypeId::kDate || t.id() == TypeId::kTimestamp; };
    if (is_datetime(*a) && is_datetime(*b)) return types::Timestamp();
    return types::String();
  }

 private:
  // The fields of one struct by name (case-insensitive, the first spelling
  // kept): each name's types, in order.
  struct Fields {
    std::vector<std::string> names;
    std::map<std::string, std::vector<DataTypePtr>> types_by_key;
    std::map<std::string, std::string> name_by_key;

    void Add(const std::string& name, DataTypePtr type) {
      std::string key = AsciiLower(name);
      if (!name_by_key.count(key)) {
        name_by_key[key] = name;
        names.push_back(key);
      }
      types_by_key[key].push_back(std::move(type));
    }

    StructTypePtr Finish(Inferrer& in, bool repeats_make_arrays = true) {
      std::vector<StructField> out;
      for (const auto& key : names) {
        const auto& seen = types_by_key[key];
        DataTypePtr type = seen[0];
        for (size_t i = 1; i < seen.size(); ++i) type = in.Compatible(type, seen[i]);
        if (repeats_make_arrays && seen.size() > 1 && type->id() != TypeId::kArray) type = types::Array(type);
        out.push_back({name_by_key[key], type, true});
      }
      std::sort(out.begin(), out.end(), [](const StructField& x, const StructField& y) { return x.name < y.name; });
      return types::Struct(std::move(out));
    }
  };

  // The type of a child element's value.
  DataTypePtr Element(const XmlElement& e) {
    bool has_attributes = !o_.exclude_attributes && !e.attributes.empty();
    if (!has_attributes && e.children.empty()) return Text(Trim(e.text));
    return Struct(e);
  }

  std::string Trim(const std::string& s) const {
    if (!o_.ignore_surrounding_spaces) return s;
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    size_t b = 0, e = s.size();
    while (b < e && is_space(s[b])) ++b;
    while (e > b && is_space(s[e - 1])) --e;
    return s.substr(b, e - b);
  }

  DataTypePtr Text(const std::string& raw) {
    std::string text = Trim(raw);
    if (text.empty()) return types::Null();
    if (!o_.infer_types) return types::String();
    static const std::regex kInteger("[+-]?[0-9]+");
    static const std::regex kNumber("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    static const std::regex kDate("[0-9]{4}-[0-9]{2}-[0-9]{2}");
    if (std::regex_match(text, kInteger)) {
      int64_t v;
      std::string_view digits = text[0] == '+' ? std::string_view(text).substr(1) : std::string_view(text);
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (ec == std::errc() && p == digits.data() + digits.size()) return types::Long();
    }
    if (std::regex_match(text, kNumber)) {
      if (o_.prefers_decimal) {
        if (auto d = DecimalOf(text)) return d;
      }
      return types::Double();
    }
    if (AsciiLower(text) == "true" || AsciiLower(text) == "false") return types::Boolean();
    if (std::regex_match(text, kDate) && ParseDateText(text)) return types::Date();
    auto ts = ParseTimestampText(text, o_.time_zone, false);
    if (ts.ok() && ts->has_value()) return types::Timestamp();
    return types::String();
  }

  // DECIMAL(p, s) of plain decimal text (no exponent), when p <= 38.
  static DataTypePtr DecimalOf(const std::string& text) {
    if (text.find_first_of("eE") != std::string::npos) return nullptr;
    std::string_view t = text;
    if (t[0] == '+' || t[0] == '-') t.remove_prefix(1);
    size_t dot = t.find('.');
    std::string_view integral = t.substr(0, dot);
    std::string_view fraction = dot == std::string::npos ? std::string_view() : t.substr(dot + 1);
    while (!integral.empty() && integral[0] == '0') integral.remove_prefix(1);
    int scale = static_cast<int>(fraction.size());
    int precision = static_cast<int>(integral.size()) + scale;
    if (integral.empty()) {
      size_t lead = fraction.find_first_not_of('0');
      precision = lead == std::string_view::npos ? 1 : static_cast<int>(fraction.size() - lead);
    }
    precision = std::max(precision, scale);
    if (precision > 38) return nullptr;
    return types::Decimal(std::max(precision, 1), scale);
  }

  static std::pair<int, int> AsDecimal(const DataType& t) {
    if (t.id() == TypeId::kDecimal) {
      const auto& d = static_cast<const DecimalType&>(t);
      return {d.precision(), d.scale()};
    }
    return {20, 0};  // BIGINT
  }

  static DataTypePtr WiderDecimal(std::pair<int, int> a, std::pair<int, int> b) {
    int scale = std::max(a.second, b.second);
    int range = std::max(a.first - a.second, b.first - b.second);
    if (range + scale > 38) return types::Double();
    return types::Decimal(range + scale, scale);
  }

  const XmlInferOptions& o_;
};

// Values seen only as empty text are STRING.
DataTypePtr NullsAsString(const DataTypePtr& t) {
  switch (t->id()) {
    case TypeId::kNull: return types::String();
    case TypeId::kArray: return types::Array(NullsAsString(static_cast<const ArrayType&>(*t).element_type()));
    case TypeId::kStruct: {
      std::vector<StructField> fields;
      for (const auto& f : static_cast<const StructType&>(*t).fields()) fields.push_back({f.name, NullsAsString(f.type), true});
      return types::Struct(std::move(fields));
    }
    default: return t;
  }
}

}  // namespace

StructTypePtr InferXmlSchema(const XmlElement& root, const XmlInferOptions& options) {
  Inferrer inferrer(options);
  return std::static_pointer_cast<const StructType>(NullsAsString(inferrer.Struct(root)));
}

}  // namespace spate
