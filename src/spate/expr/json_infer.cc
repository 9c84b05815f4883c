#include "spate/expr/json_infer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/expr/datetime_parse.h"
#include "spate/expr/json_record_parser.h"
#include "spate/expr/value_format.h"

namespace spate {

namespace {

std::string_view TextOf(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

// An integer beyond a long: DECIMAL of its digits, DOUBLE beyond 38 of them.
DataTypePtr BigIntegerType(std::string_view digits) {
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
  int precision = static_cast<int>(digits.size());
  return precision > 38 ? types::Double() : types::Decimal(precision, 0);
}

// Java's BigDecimal of a text: the digits of its unscaled value (1 for zero)
// and its scale; nullopt for text BigDecimal does not read.
struct DecimalShape {
  int64_t precision;
  int64_t scale;
};
std::optional<DecimalShape> JavaDecimalShape(std::string_view s) {
  auto all_digits = [](std::string_view d) {
    return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  size_t e = s.find_first_of("eE");
  int64_t exponent = 0;
  if (e != std::string_view::npos) {
    std::string_view text = s.substr(e + 1);
    bool negative = !text.empty() && text[0] == '-';
    if (!text.empty() && (text[0] == '+' || text[0] == '-')) text.remove_prefix(1);
    if (text.empty() || text.size() > 9 || !all_digits(text)) return std::nullopt;
    std::from_chars(text.data(), text.data() + text.size(), exponent);
    if (negative) exponent = -exponent;
    s = s.substr(0, e);
  }
  size_t point = s.find('.');
  std::string_view whole = s.substr(0, point);
  std::string_view fraction = point == std::string_view::npos ? "" : s.substr(point + 1);
  if ((whole.empty() && fraction.empty()) || !all_digits(whole) || !all_digits(fraction)) return std::nullopt;
  std::string unscaled = std::string(whole) + std::string(fraction);
  size_t first = unscaled.find_first_not_of('0');
  int64_t precision = first == std::string::npos ? 1 : static_cast<int64_t>(unscaled.size() - first);
  return DecimalShape{precision, static_cast<int64_t>(fraction.size()) - exponent};
}

// prefersDecimal over a number that is not an integer.
arrow::Result<DataTypePtr> DecimalOfNumber(std::string_view text) {
  auto shape = JavaDecimalShape(text);
  int64_t precision = shape ? std::max(shape->precision, shape->scale) : 0;
  if (!shape || precision > 38) return types::Double();
  if (shape->scale < 0) {
    return SparkError("NEGATIVE_SCALE_DISALLOWED", "0A000",
                      fmt::format("Negative scale is not allowed: '{}'. Set the config "
                                  "\"spark.sql.legacy.allowNegativeScaleOfDecimal\" to \"true\" to allow it.",
                                  shape->scale));
  }
  return types::Decimal(static_cast<int>(precision), static_cast<int>(shape->scale));
}

// prefersDecimal over a string: its DECIMAL(p, s) when BigDecimal reads it
// and that type exists, else nullptr.
DataTypePtr DecimalOfString(std::string_view text, const LocaleDecimalParser& parser) {
  auto plain = parser.Plain(text);
  auto shape = plain ? JavaDecimalShape(*plain) : std::nullopt;
  if (!shape || shape->scale < 0 || shape->scale > shape->precision || shape->precision > 38) return nullptr;
  return types::Decimal(static_cast<int>(shape->precision), static_cast<int>(shape->scale));
}

// A string that is not empty: a decimal (prefersDecimal) first, then a
// timestamp (inferTimestamp: text the timestampFormat pattern reads, else text
// CAST reads as one, with or without a zone), else STRING.
DataTypePtr StringValueType(std::string_view text, const JsonInferOptions& o) {
  if (o.prefers_decimal) {
    if (auto decimal = DecimalOfString(text, o.decimal)) return decimal;
  }
  if (o.infer_timestamp) {
    auto micros = o.timestamp_format ? o.timestamp_format->ParseTimestamp(text, "UTC", /*ntz=*/false)
                                     : ParseTimestampText(text, "UTC", /*ntz=*/false);
    if (micros.ok() && micros->has_value()) return types::Timestamp();
  }
  return types::String();
}

// A number, or a number string. Read without numbers_as_text, a number that
// is not an integer is a double; NaN and infinities always are.
arrow::Result<DataTypePtr> NumberType(const rapidjson::Value& v, const JsonInferOptions& o) {
  if (v.IsInt64()) return types::Long();
  if (v.IsUint64()) return BigIntegerType(std::to_string(v.GetUint64()));
  if (v.IsNumber()) {
    if (!o.prefers_decimal || std::isfinite(v.GetDouble())) return types::Double();
    return arrow::Status::Invalid(fmt::format(
        "Value \"{}\" can not be deserialized as a decimal: with prefersDecimal every number that is not "
        "an integer is read as a decimal, and NaN and infinities have none",
        JavaDoubleString(v.GetDouble())));
  }
  std::string_view text = *BigNumberText(v);
  if (text.find_first_of(".eE") != std::string_view::npos) {
    return o.prefers_decimal ? DecimalOfNumber(text) : types::Double();
  }
  int64_t i;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
  return ec == std::errc() && end == text.data() + text.size() ? types::Long() : BigIntegerType(text);
}

arrow::Result<DataTypePtr> ObjectType(const rapidjson::Value& v, bool big_numbers, const JsonInferOptions& o) {
  std::vector<StructField> fields;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    ARROW_ASSIGN_OR_RAISE(auto type, InferJsonType(it->value, big_numbers, o));
    fields.push_back({std::string(TextOf(it->name)), type, true});
  }
  std::stable_sort(fields.begin(), fields.end(), [](const auto& x, const auto& y) { return x.name < y.name; });
  return types::Struct(std::move(fields));
}

// Both field lists sorted by name: merged in one pass, a name found in both
// merging its types; repeated names pair up in order, as Spark's merge does.
DataTypePtr MergeStructs(const StructType& a, const StructType& b) {
  const auto& x = a.fields();
  const auto& y = b.fields();
  std::vector<StructField> out;
  size_t i = 0, j = 0;
  while (i < x.size() && j < y.size()) {
    if (x[i].name == y[j].name) {
      out.push_back({x[i].name, MergeJsonTypes(x[i].type, y[j].type), true});
      ++i, ++j;
    } else if (x[i].name < y[j].name) {
      out.push_back(x[i++]);
    } else {
      out.push_back(y[j++]);
    }
  }
  out.insert(out.end(), x.begin() + i, x.end());
  out.insert(out.end(), y.begin() + j, y.end());
  return types::Struct(std::move(out));
}

DataTypePtr MergeNumbers(const DataTypePtr& a, const DataTypePtr& b) {
  if (a->id() == TypeId::kDouble || b->id() == TypeId::kDouble) return types::Double();
  // A BIGINT widens with a decimal as DECIMAL(20,0) does.
  if (a->id() != TypeId::kDecimal) return MergeNumbers(types::Decimal(20, 0), b);
  if (b->id() != TypeId::kDecimal) return MergeNumbers(a, types::Decimal(20, 0));
  const auto& x = static_cast<const DecimalType&>(*a);
  const auto& y = static_cast<const DecimalType&>(*b);
  int scale = std::max(x.scale(), y.scale());
  int digits = std::max(x.precision() - x.scale(), y.precision() - y.scale());
  return digits + scale > 38 ? types::Double() : types::Decimal(digits + scale, scale);
}

}  // namespace

arrow::Result<DataTypePtr> InferJsonType(const rapidjson::Value& v, bool big_numbers,
                                         const JsonInferOptions& o) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return types::Null();
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return o.primitives_as_string ? types::String() : types::Boolean();
    case rapidjson::kStringType:
      if (!(big_numbers && BigNumberText(v))) {
        if (v.GetStringLength() == 0) return types::Null();
        return StringValueType(TextOf(v), o);
      }
      [[fallthrough]];  // a number string
    case rapidjson::kNumberType:
      if (o.primitives_as_string) return types::String();
      return NumberType(v, o);
    case rapidjson::kArrayType: {
      DataTypePtr element = types::Null();
      for (const auto& e : v.GetArray()) {
        ARROW_ASSIGN_OR_RAISE(auto type, InferJsonType(e, big_numbers, o));
        element = MergeJsonTypes(element, type);
      }
      return types::Array(element);
    }
    case rapidjson::kObjectType:
      return ObjectType(v, big_numbers, o);
  }
  return types::String();
}

DataTypePtr MergeJsonTypes(const DataTypePtr& a, const DataTypePtr& b) {
  if (a->Equals(*b)) return a;
  if (a->id() == TypeId::kNull) return b;
  if (b->id() == TypeId::kNull) return a;
  if (a->IsNumeric() && b->IsNumeric()) return MergeNumbers(a, b);
  if (a->id() == TypeId::kStruct && b->id() == TypeId::kStruct) {
    return MergeStructs(static_cast<const StructType&>(*a), static_cast<const StructType&>(*b));
  }
  if (a->id() == TypeId::kArray && b->id() == TypeId::kArray) {
    return types::Array(MergeJsonTypes(static_cast<const ArrayType&>(*a).element_type(),
                                       static_cast<const ArrayType&>(*b).element_type()));
  }
  return types::String();
}

DataTypePtr CanonicalJsonType(const DataTypePtr& type, bool drop_field_if_all_null) {
  switch (type->id()) {
    case TypeId::kNull:
      return drop_field_if_all_null ? nullptr : types::String();
    case TypeId::kArray: {
      auto element = CanonicalJsonType(static_cast<const ArrayType&>(*type).element_type(), drop_field_if_all_null);
      return element ? types::Array(element) : nullptr;
    }
    case TypeId::kStruct: {
      std::vector<StructField> fields;
      for (const auto& f : static_cast<const StructType&>(*type).fields()) {
        auto field_type = f.name.empty() ? nullptr : CanonicalJsonType(f.type, drop_field_if_all_null);
        if (field_type) fields.push_back({f.name, field_type, true});
      }
      return fields.empty() ? nullptr : types::Struct(std::move(fields));
    }
    default:
      return type;
  }
}

}  // namespace spate
