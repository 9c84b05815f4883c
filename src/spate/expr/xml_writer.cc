#include "spate/expr/xml_writer.h"

#include <optional>
#include <vector>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/expr/datetime_internal.h"
#include "spate/expr/value_format.h"

namespace spate {

namespace {

// Text content: & and < escaped (as the StAX writer does); attribute values
// also escape the double quote.
void AppendEscaped(std::string_view s, bool attribute, std::string* out) {
  for (char c : s) {
    switch (c) {
      case '&': *out += "&amp;"; break;
      case '<': *out += "&lt;"; break;
      case '>': *out += attribute ? "&gt;" : ">"; break;
      case '"': *out += attribute ? "&quot;" : "\""; break;
      default: *out += c;
    }
  }
}

class XmlWriter {
 public:
  XmlWriter(const XmlWriteOptions& options, std::string* out) : o_(options), out_(out) {}

  arrow::Status Row(const arrow::StructArray& rows, int64_t i, const StructType& type) {
    ARROW_RETURN_NOT_OK(Struct(o_.row_tag, rows, i, type, 0));
    // Without indentation Spark's writer ends the record with a line break.
    if (o_.indent.empty()) *out_ += '\n';
    return arrow::Status::OK();
  }

 private:
  void Indent(int depth) {
    for (int d = 0; d < depth; ++d) *out_ += o_.indent;
  }

  void NewLine(int depth) {
    if (o_.indent.empty()) return;
    *out_ += '\n';
    Indent(depth);
  }

  // The text of an atomic value.
  arrow::Result<std::string> Atomic(const arrow::Array& a, int64_t i, const DataType& type) {
    switch (type.id()) {
      case TypeId::kBoolean: return std::string(static_cast<const arrow::BooleanArray&>(a).Value(i) ? "true" : "false");
      case TypeId::kByte: return std::to_string(static_cast<const arrow::Int8Array&>(a).Value(i));
      case TypeId::kShort: return std::to_string(static_cast<const arrow::Int16Array&>(a).Value(i));
      case TypeId::kInt: return std::to_string(static_cast<const arrow::Int32Array&>(a).Value(i));
      case TypeId::kLong: return std::to_string(static_cast<const arrow::Int64Array&>(a).Value(i));
      case TypeId::kFloat: return JavaFloatString(static_cast<const arrow::FloatArray&>(a).Value(i));
      case TypeId::kDouble: return JavaDoubleString(static_cast<const arrow::DoubleArray&>(a).Value(i));
      case TypeId::kDecimal: return static_cast<const arrow::Decimal128Array&>(a).FormatValue(i);
      case TypeId::kString: return std::string(static_cast<const arrow::StringArray&>(a).GetView(i));
      case TypeId::kDate: return Date(static_cast<const arrow::Date32Array&>(a).Value(i));
      case TypeId::kTimestamp:
      case TypeId::kTimestampNtz:
        return Timestamp(static_cast<const arrow::TimestampArray&>(a).Value(i), type.id() == TypeId::kTimestampNtz);
      default:
        return arrow::Status::NotImplemented("to_xml of a ", type.Sql(), " value");
    }
  }

  static std::string Date(int64_t days) {
    dt::Civil c = dt::CivilFromDays(days);
    return fmt::format("{:04d}-{:02d}-{:02d}", c.year, c.month, c.day);
  }

  // yyyy-MM-dd'T'HH:mm:ss.SSSXXX in the session zone (NTZ: no zone).
  arrow::Result<std::string> Timestamp(int64_t micros, bool ntz) {
    int64_t local = micros;
    if (!ntz) {
      ARROW_ASSIGN_OR_RAISE(auto walls, dt::UtcToLocal(dt::Values{micros}, o_.time_zone));
      local = walls[0].value_or(micros);
    }
    int64_t days = dt::FloorDiv(local, dt::kMicrosPerDay);
    int64_t in_day = local - days * dt::kMicrosPerDay;
    int64_t secs = in_day / dt::kMicrosPerSecond;
    std::string s = Date(days) + fmt::format("T{:02d}:{:02d}:{:02d}.{:03d}", secs / 3600, secs / 60 % 60, secs % 60,
                                             in_day % dt::kMicrosPerSecond / 1000);
    if (ntz) return s;
    int64_t offset = (local - micros) / dt::kMicrosPerSecond;
    if (offset == 0) return s + "Z";
    int64_t abs = offset < 0 ? -offset : offset;
    s += fmt::format("{}{:02d}:{:02d}", offset < 0 ? '-' : '+', abs / 3600, abs / 60 % 60);
    if (abs % 60 != 0) s += fmt::format(":{:02d}", abs % 60);
    return s;
  }

  // Element `name` holding value i of `a`; NULL is left out (or the null value).
  arrow::Status Element(const std::string& name, const arrow::Array& a, int64_t i, const DataType& type, int depth) {
    if (a.IsNull(i)) {
      if (!o_.has_null_value) return arrow::Status::OK();
      NewLine(depth);
      *out_ += "<" + name + ">";
      AppendEscaped(o_.null_value, false, out_);
      *out_ += "</" + name + ">";
      return arrow::Status::OK();
    }
    switch (type.id()) {
      case TypeId::kStruct:
        NewLine(depth);
        return Struct(name, static_cast<const arrow::StructArray&>(a), i, static_cast<const StructType&>(type), depth);
      case TypeId::kArray: {
        const auto& list = static_cast<const arrow::ListArray&>(a);
        const DataType& element = *static_cast<const ArrayType&>(type).element_type();
        for (int64_t j = list.value_offset(i); j < list.value_offset(i + 1); ++j) {
          if (list.values()->IsNull(j)) continue;
          if (element.id() == TypeId::kArray) {
            // An array inside an array: one element holding an item per value.
            NewLine(depth);
            *out_ += "<" + name + ">";
            ARROW_RETURN_NOT_OK(Element(o_.array_element_name, *list.values(), j, element, depth + 1));
            NewLine(depth);
            *out_ += "</" + name + ">";
          } else {
            ARROW_RETURN_NOT_OK(Element(name, *list.values(), j, element, depth));
          }
        }
        return arrow::Status::OK();
      }
      case TypeId::kMap: {
        const auto& map = static_cast<const arrow::MapArray&>(a);
        const auto& map_type = static_cast<const MapType&>(type);
        NewLine(depth);
        *out_ += "<" + name + ">";
        for (int64_t j = map.value_offset(i); j < map.value_offset(i + 1); ++j) {
          ARROW_ASSIGN_OR_RAISE(std::string key, Atomic(*map.keys(), j, *map_type.key_type()));
          ARROW_RETURN_NOT_OK(Element(key, *map.items(), j, *map_type.value_type(), depth + 1));
        }
        NewLine(depth);
        *out_ += "</" + name + ">";
        return arrow::Status::OK();
      }
      default: {
        ARROW_ASSIGN_OR_RAISE(std::string text, Atomic(a, i, type));
        NewLine(depth);
        *out_ += "<" + name + ">";
        AppendEscaped(text, false, out_);
        *out_ += "</" + name + ">";
        return arrow::Status::OK();
      }
    }
  }

  // <name attributes>value children</name>, or <name attributes/> when empty.
  arrow::Status Struct(const std::string& name, const arrow::StructArray& a, int64_t i, const StructType& type,
                       int depth) {
    *out_ += "<" + name;
    const std::string& prefix = o_.attribute_prefix;
    std::optional<std::string> value;
    std::vector<int> children;
    for (int f = 0; f < type.num_fields(); ++f) {
      const StructField& field = type.field(f);
      const arrow::Array& child = *a.field(f);
      if (field.name == o_.value_tag) {
        if (!child.IsNull(i)) {
          ARROW_ASSIGN_OR_RAISE(value, Atomic(child, i, *field.type));
        }
      } else if (!prefix.empty() && field.name.starts_with(prefix) && field.name.size() > prefix.size()) {
        if (child.IsNull(i)) continue;
        ARROW_ASSIGN_OR_RAISE(std::string text, Atomic(child, i, *field.type));
        *out_ += " " + field.name.substr(prefix.size()) + "=\"";
        AppendEscaped(text, true, out_);
        *out_ += "\"";
      } else {
        children.push_back(f);
      }
    }
    size_t open_end = out_->size();
    *out_ += ">";
    if (value) AppendEscaped(*value, false, out_);
    size_t before_children = out_->size();
    for (int f : children) {
      ARROW_RETURN_NOT_OK(Element(type.field(f).name, *a.field(f), i, *type.field(f).type, depth + 1));
    }
    bool has_children = out_->size() > before_children;
    if (!has_children && !value) {
      out_->resize(open_end);
      *out_ += "/>";
      return arrow::Status::OK();
    }
    if (has_children) NewLine(depth);
    *out_ += "</" + name + ">";
    return arrow::Status::OK();
  }

  const XmlWriteOptions& o_;
  std::string* out_;
};

}  // namespace

arrow::Status WriteXmlRow(const arrow::Array& rows, int64_t i, const StructType& type,
                          const XmlWriteOptions& options, std::string* out) {
  XmlWriter writer(options, out);
  return writer.Row(static_cast<const arrow::StructArray&>(rows), i, type);
}

}  // namespace spate
