#include "spate/expr/type_coercion.h"

#include <algorithm>

namespace spate {

namespace {

int NumericRank(TypeId id) {
  switch (id) {
    case TypeId::kByte: return 1;
    case TypeId::kShort: return 2;
    case TypeId::kInt: return 3;
    case TypeId::kLong: return 4;
    case TypeId::kDecimal: return 5;
    case TypeId::kFloat: return 6;
    case TypeId::kDouble: return 7;
    default: return 0;
  }
}

DataTypePtr WiderDecimal(const DecimalType& a, const DecimalType& b) {
  int scale = std::max(a.scale(), b.scale());
  int range = std::max(a.precision() - a.scale(), b.precision() - b.scale());
  return BoundedDecimal(range + scale, scale);
}

}  // namespace

DataTypePtr IntegralAsDecimal(const DataType& type) {
  switch (type.id()) {
    case TypeId::kByte: return types::Decimal(3, 0);
    case TypeId::kShort: return types::Decimal(5, 0);
    case TypeId::kInt: return types::Decimal(10, 0);
    case TypeId::kLong: return types::Decimal(20, 0);
    default: return nullptr;
  }
}

DataTypePtr BoundedDecimal(int precision, int scale) {
  if (precision <= DecimalType::kMaxPrecision) return types::Decimal(precision, scale);
  int int_digits = precision - scale;
  int min_scale = std::min(scale, 6);
  int adjusted = std::max(DecimalType::kMaxPrecision - int_digits, min_scale);
  return types::Decimal(DecimalType::kMaxPrecision, adjusted);
}

DataTypePtr WiderType(const DataTypePtr& a, const DataTypePtr& b) {
  if (a->Equals(*b)) return a;
  if (a->id() == TypeId::kNull) return b;
  if (b->id() == TypeId::kNull) return a;
  if (a->IsNumeric() && b->IsNumeric()) {
    if (a->id() == TypeId::kDecimal || b->id() == TypeId::kDecimal) {
      if (a->id() == TypeId::kFloat || a->id() == TypeId::kDouble ||
          b->id() == TypeId::kFloat || b->id() == TypeId::kDouble) {
        return types::Double();
      }
      auto da = a->id() == TypeId::kDecimal ? a : IntegralAsDecimal(*a);
      auto db = b->id() == TypeId::kDecimal ? b : IntegralAsDecimal(*b);
      return WiderDecimal(static_cast<const DecimalType&>(*da), static_cast<const DecimalType&>(*db));
    }
    // ANSI: an integer meets a FLOAT as DOUBLE (the float is skipped, whose
    // 24 bits would not hold the integer's value).
    bool a_float = a->id() == TypeId::kFloat, b_float = b->id() == TypeId::kFloat;
    if ((a_float && b->IsIntegral()) || (b_float && a->IsIntegral())) return types::Double();
    return NumericRank(a->id()) >= NumericRank(b->id()) ? a : b;
  }
  if (a->id() == TypeId::kString) return b->IsNested() ? nullptr : b;
  if (b->id() == TypeId::kString) return a->IsNested() ? nullptr : a;
  auto is_time = [](TypeId id) {
    return id == TypeId::kDate || id == TypeId::kTimestamp || id == TypeId::kTimestampNtz;
  };
  if (is_time(a->id()) && is_time(b->id())) {
    if (a->id() == TypeId::kTimestamp || b->id() == TypeId::kTimestamp) return types::Timestamp();
    return types::TimestampNtz();
  }
  if (a->id() == TypeId::kArray && b->id() == TypeId::kArray) {
    const auto& aa = static_cast<const ArrayType&>(*a);
    const auto& ab = static_cast<const ArrayType&>(*b);
    auto element = WiderType(aa.element_type(), ab.element_type());
    if (!element) return nullptr;
    return types::Array(element, aa.contains_null() || ab.contains_null());
  }
  if (a->id() == TypeId::kStruct && b->id() == TypeId::kStruct) {
    const auto& sa = static_cast<const StructType&>(*a);
    const auto& sb = static_cast<const StructType&>(*b);
    if (sa.num_fields() != sb.num_fields()) return nullptr;
    std::vector<StructField> fields;
    for (int i = 0; i < sa.num_fields(); ++i) {
      auto t = WiderType(sa.field(i).type, sb.field(i).type);
      if (!t) return nullptr;
      fields.push_back({sa.field(i).name, t, sa.field(i).nullable || sb.field(i).nullable});
    }
    return types::Struct(std::move(fields));
  }
  if (a->id() == TypeId::kMap && b->id() == TypeId::kMap) {
    const auto& ma = static_cast<const MapType&>(*a);
    const auto& mb = static_cast<const MapType&>(*b);
    auto k = WiderType(ma.key_type(), mb.key_type());
    auto v = WiderType(ma.value_type(), mb.value_type());
    if (!k || !v) return nullptr;
    return types::Map(k, v, ma.value_contains_null() || mb.value_contains_null());
  }
  return nullptr;
}

DataTypePtr WidestType(const std::vector<DataTypePtr>& types_in) {
  if (types_in.empty()) return types::Null();
  DataTypePtr out = types_in[0];
  for (size_t i = 1; i < types_in.size() && out; ++i) out = WiderType(out, types_in[i]);
  return out;
}

DataTypePtr DecimalResultType(const std::string& op, const DecimalType& a, const DecimalType& b) {
  int p1 = a.precision(), s1 = a.scale(), p2 = b.precision(), s2 = b.scale();
  if (op == "+" || op == "-") {
    int scale = std::max(s1, s2);
    return BoundedDecimal(std::max(p1 - s1, p2 - s2) + scale + 1, scale);
  }
  if (op == "*") return BoundedDecimal(p1 + p2 + 1, s1 + s2);
  if (op == "/") {
    int scale = std::max(6, s1 + p2 + 1);
    return BoundedDecimal(p1 - s1 + s2 + scale, scale);
  }
  // "%": remainder
  int scale = std::max(s1, s2);
  return BoundedDecimal(std::min(p1 - s1, p2 - s2) + scale, scale);
}

}  // namespace spate
