#include "spate/expr/xml_reader.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <type_traits>

#include <arrow/api.h>
#include <arrow/util/decimal.h>

#include "spate/common/strings.h"
#include "spate/expr/datetime_parse.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

class XmlReader {
 public:
  explicit XmlReader(const XmlReadOptions& options) : o_(options) {}

  bool malformed() const { return malformed_; }

  // The fields of `type` from element `e`.
  arrow::Status Struct(const XmlElement& e, const StructType& type, arrow::StructBuilder* b) {
    ARROW_RETURN_NOT_OK(b->Append());
    for (int f = 0; f < type.num_fields(); ++f) {
      const StructField& field = type.field(f);
      arrow::ArrayBuilder* child = b->field_builder(f);
      const std::string& prefix = o_.attribute_prefix;
      if (field.name == o_.value_tag) {
        std::string text = Trim(e.text);
        ARROW_RETURN_NOT_OK(text.empty() ? child->AppendNull() : Text(text, *field.type, child));
        continue;
      }
      if (!o_.exclude_attributes && !prefix.empty() && field.name.starts_with(prefix)) {
        const std::string* value = Attribute(e, field.name.substr(prefix.size()));
        if (value != nullptr) {
          ARROW_RETURN_NOT_OK(Text(Trim(*value), *field.type, child));
          continue;
        }
      }
      ARROW_RETURN_NOT_OK(Field(e, field, child));
    }
    return arrow::Status::OK();
  }

 private:
  static const std::string* Attribute(const XmlElement& e, const std::string& name) {
    for (const auto& [n, v] : e.attributes) {
      if (n == name) return &v;
    }
    return nullptr;
  }

  // Appends through `append` a nested value of `type`, or NULL when some of
  // its text does not convert (Spark drops the whole array, struct or map).
  template <typename Append>
  arrow::Status AllOrNull(const DataType& type, arrow::ArrayBuilder* b, Append append) {
    ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(type));
    ARROW_ASSIGN_OR_RAISE(auto scratch, arrow::MakeBuilder(arrow_type));
    bool before = malformed_;
    malformed_ = false;
    ARROW_RETURN_NOT_OK(append(scratch.get()));
    bool bad = malformed_;
    malformed_ = before || bad;
    if (bad) return b->AppendNull();
    ARROW_ASSIGN_OR_RAISE(auto done, scratch->Finish());
    return b->AppendArraySlice(arrow::ArraySpan(*done->data()), 0, done->length());
  }

  // Child elements of `e` named `field.name`.
  arrow::Status Field(const XmlElement& e, const StructField& field, arrow::ArrayBuilder* b) {
    std::string key = AsciiLower(field.name);
    std::vector<const XmlElement*> matches;
    for (const auto& c : e.children) {
      if (AsciiLower(c.name) == key) matches.push_back(&c);
    }
    if (matches.empty()) return b->AppendNull();
    if (field.type->id() == TypeId::kArray) {
      const DataType& element = *static_cast<const ArrayType&>(*field.type).element_type();
      return AllOrNull(*field.type, b, [&](arrow::ArrayBuilder* scratch) -> arrow::Status {
        auto* list = static_cast<arrow::ListBuilder*>(scratch);
        ARROW_RETURN_NOT_OK(list->Append());
        for (const XmlElement* m : matches) ARROW_RETURN_NOT_OK(Value(*m, element, list->value_builder()));
        return arrow::Status::OK();
      });
    }
    return Value(*matches.back(), *field.type, b);
  }

  // Element `e` as a value of `type`.
  arrow::Status Value(const XmlElement& e, const DataType& type, arrow::ArrayBuilder* b) {
    switch (type.id()) {
      case TypeId::kStruct:
        return AllOrNull(type, b, [&](arrow::ArrayBuilder* scratch) {
          return Struct(e, static_cast<const StructType&>(type), static_cast<arrow::StructBuilder*>(scratch));
        });
      case TypeId::kMap:
        return AllOrNull(type, b, [&](arrow::ArrayBuilder* scratch) -> arrow::Status {
          const auto& map_type = static_cast<const MapType&>(type);
          auto* map = static_cast<arrow::MapBuilder*>(scratch);
          ARROW_RETURN_NOT_OK(map->Append());
          for (const auto& c : e.children) {
            ARROW_RETURN_NOT_OK(Text(c.name, *map_type.key_type(), map->key_builder()));
            ARROW_RETURN_NOT_OK(Value(c, *map_type.value_type(), map->item_builder()));
          }
          return arrow::Status::OK();
        });
      case TypeId::kArray: {
        auto* list = static_cast<arrow::ListBuilder*>(b);
        ARROW_RETURN_NOT_OK(list->Append());
        return Value(e, *static_cast<const ArrayType&>(type).element_type(), list->value_builder());
      }
      default: {
        std::string text = Trim(e.text);
        if (text.empty() && type.id() != TypeId::kString) return b->AppendNull();
        return Text(text, type, b);
      }
    }
  }

  std::string Trim(const std::string& s) const {
    if (!o_.ignore_surrounding_spaces) return s;
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    size_t begin = 0, end = s.size();
    while (begin < end && is_space(s[begin])) ++begin;
    while (end > begin && is_space(s[end - 1])) --end;
    return s.substr(begin, end - begin);
  }

  arrow::Status Bad(arrow::ArrayBuilder* b) {
    malformed_ = true;
    return b->AppendNull();
  }

  template <typename T, typename Builder>
  arrow::Status Integer(std::string_view text, arrow::ArrayBuilder* b) {
    if (!text.empty() && text[0] == '+') text.remove_prefix(1);
    T v;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || text.empty()) return Bad(b);
    return static_cast<Builder*>(b)->Append(v);
  }

  // A DOUBLE or FLOAT from text (T: double or float).
  template <typename T>
  static std::optional<T> Floating(std::string_view text) {
    if (text == "NaN") return std::numeric_limits<T>::quiet_NaN();
    if (text == "Infinity" || text == "+Infinity") return std::numeric_limits<T>::infinity();
    if (text == "-Infinity") return -std::numeric_limits<T>::infinity();
    if (!text.empty() && text[0] == '+') text.remove_prefix(1);
    double v;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || text.empty()) return std::nullopt;
    if constexpr (std::is_same_v<T, float>) {
      // Rounded once from the text, as Java's Float.parseFloat: through the
      // double it would round twice. Beyond a float's range, infinity or zero.
      float f;
      if (std::from_chars(text.data(), text.data() + text.size(), f).ec == std::errc()) return f;
      return static_cast<float>(v);
    }
    return v;
  }

  // Text as an atomic value of `type`; text that does not convert is NULL and
  // makes the record malformed.
  arrow::Status Text(const std::string& text, const DataType& type, arrow::ArrayBuilder* b) {
    switch (type.id()) {
      case TypeId::kString: return static_cast<arrow::StringBuilder*>(b)->Append(text);
      case TypeId::kByte: return Integer<int8_t, arrow::Int8Builder>(text, b);
      case TypeId::kShort: return Integer<int16_t, arrow::Int16Builder>(text, b);
      case TypeId::kInt: return Integer<int32_t, arrow::Int32Builder>(text, b);
      case TypeId::kLong: return Integer<int64_t, arrow::Int64Builder>(text, b);
      case TypeId::kDouble: {
        auto v = Floating<double>(text);
        return v ? static_cast<arrow::DoubleBuilder*>(b)->Append(*v) : Bad(b);
      }
      case TypeId::kFloat: {
        auto v = Floating<float>(text);
        return v ? static_cast<arrow::FloatBuilder*>(b)->Append(*v) : Bad(b);
      }
      case TypeId::kBoolean: {
        std::string lower = AsciiLower(text);
        if (lower != "true" && lower != "false") return Bad(b);
        return static_cast<arrow::BooleanBuilder*>(b)->Append(lower == "true");
      }
      case TypeId::kDecimal: {
        const auto& d = static_cast<const DecimalType&>(type);
        int32_t precision = 0, scale = 0;
        arrow::Decimal128 value;
        if (!arrow::Decimal128::FromString(text, &value, &precision, &scale).ok()) return Bad(b);
        // Rounded half up to the field's scale, as Java's BigDecimal.setScale.
        value = scale > d.scale() ? value.ReduceScaleBy(scale - d.scale(), true)
                                  : value.IncreaseScaleBy(d.scale() - scale);
        if (!value.FitsInPrecision(d.precision())) return Bad(b);
        return static_cast<arrow::Decimal128Builder*>(b)->Append(value);
      }
      case TypeId::kDate: {
        // The default dateFormat, yyyy-MM-dd, read strictly.
        bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-';
        auto days = shaped ? ParseDateText(text) : std::nullopt;
        return days ? static_cast<arrow::Date32Builder*>(b)->Append(*days) : Bad(b);
      }
      case TypeId::kTimestamp:
      case TypeId::kTimestampNtz: {
        ARROW_ASSIGN_OR_RAISE(auto micros, ParseTimestampText(text, o_.time_zone, type.id() == TypeId::kTimestampNtz));
        return micros ? static_cast<arrow::TimestampBuilder*>(b)->Append(*micros) : Bad(b);
      }
      default:
        return arrow::Status::NotImplemented("from_xml into ", type.Sql());
    }
  }

  const XmlReadOptions& o_;
  bool malformed_ = false;
};

}  // namespace

arrow::Result<bool> AppendXmlRecord(const XmlElement& root, const StructType& type, const XmlReadOptions& options,
                                    arrow::ArrayBuilder* builder) {
  XmlReader reader(options);
  ARROW_RETURN_NOT_OK(reader.Struct(root, type, static_cast<arrow::StructBuilder*>(builder)));
  return !reader.malformed();
}

}  // namespace spate
