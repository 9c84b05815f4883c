#include "spate/expr/json_infer.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "spate/expr/json_record_parser.h"

namespace spate {

namespace {

std::string_view TextOf(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

// An integer beyond a long: DECIMAL of its digits, DOUBLE beyond 38 of them.
DataTypePtr BigIntegerType(std::string_view digits) {
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
  int precision = static_cast<int>(digits.size());
  return precision > 38 ? types::Double() : types::Decimal(precision, 0);
}

// A number, or a big number's string.
DataTypePtr NumberType(const rapidjson::Value& v) {
  if (v.IsInt64()) return types::Long();
  if (v.IsUint64()) return BigIntegerType(std::to_string(v.GetUint64()));
  if (v.IsNumber()) return types::Double();
  std::string_view big = *BigNumberText(v);
  bool integer = big.find_first_of(".eE") == std::string_view::npos;
  return integer ? BigIntegerType(big) : types::Double();
}

DataTypePtr ObjectType(const rapidjson::Value& v, bool big_numbers, const JsonInferOptions& o) {
  std::vector<StructField> fields;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    fields.push_back({std::string(TextOf(it->name)), InferJsonType(it->value, big_numbers, o), true});
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

DataTypePtr InferJsonType(const rapidjson::Value& v, bool big_numbers, const JsonInferOptions& o) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return types::Null();
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return o.primitives_as_string ? types::String() : types::Boolean();
    case rapidjson::kStringType:
      if (!(big_numbers && BigNumberText(v))) return v.GetStringLength() == 0 ? types::Null() : types::String();
      [[fallthrough]];  // a big number
    case rapidjson::kNumberType:
      return o.primitives_as_string ? types::String() : NumberType(v);
    case rapidjson::kArrayType: {
      DataTypePtr element = types::Null();
      for (const auto& e : v.GetArray()) element = MergeJsonTypes(element, InferJsonType(e, big_numbers, o));
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
