#include "spate/connectors/file/json_infer.h"

#include <algorithm>
#include <map>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "spate/common/json_parsing.h"
#include "spate/expr/json_record_parser.h"

namespace spate {

namespace {

DataTypePtr Compatible(const DataTypePtr& a, const DataTypePtr& b);

StructTypePtr MergeStructs(const StructType& a, const StructType& b) {
  std::map<std::string, DataTypePtr> fields;
  for (const auto& f : a.fields()) fields[f.name] = f.type;
  for (const auto& f : b.fields()) {
    auto it = fields.find(f.name);
    fields[f.name] = it == fields.end() ? f.type : Compatible(it->second, f.type);
  }
  std::vector<StructField> out;
  for (auto& [name, type] : fields) out.push_back({name, type, true});
  return types::Struct(std::move(out));
}

// Spark's compatibleType: the narrowest type both fit, else string.
DataTypePtr Compatible(const DataTypePtr& a, const DataTypePtr& b) {
  if (a->Equals(*b)) return a;
  if (a->id() == TypeId::kNull) return b;
  if (b->id() == TypeId::kNull) return a;
  if (a->IsNumeric() && b->IsNumeric()) {
    if (a->id() == TypeId::kDouble || b->id() == TypeId::kDouble) return types::Double();
    if (a->id() == TypeId::kDecimal && b->id() == TypeId::kDecimal) {
      const auto& da = static_cast<const DecimalType&>(*a);
      const auto& db = static_cast<const DecimalType&>(*b);
      return types::Decimal(std::max(da.precision(), db.precision()), 0);
    }
    return a->id() == TypeId::kDecimal ? a : b;  // bigint + decimal(p, 0)
  }
  if (a->id() == TypeId::kStruct && b->id() == TypeId::kStruct) {
    return MergeStructs(static_cast<const StructType&>(*a), static_cast<const StructType&>(*b));
  }
  if (a->id() == TypeId::kArray && b->id() == TypeId::kArray) {
    return types::Array(Compatible(static_cast<const ArrayType&>(*a).element_type(),
                                   static_cast<const ArrayType&>(*b).element_type()));
  }
  return types::String();
}

// `big_numbers`: strings may be big numbers (json_record_parser.h), which
// Spark infers as doubles.
DataTypePtr Infer(const rapidjson::Value& v, bool big_numbers) {
  if (v.IsNull()) return types::Null();
  if (v.IsBool()) return types::Boolean();
  if (v.IsInt64()) return types::Long();
  if (v.IsUint64()) return types::Decimal(20, 0);
  if (v.IsNumber()) return types::Double();
  if (v.IsString()) return big_numbers && BigNumberText(v) ? types::Double() : types::String();
  if (v.IsArray()) {
    DataTypePtr element = types::Null();
    for (const auto& e : v.GetArray()) element = Compatible(element, Infer(e, big_numbers));
    return types::Array(element);
  }
  std::vector<StructField> fields;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string name(it->name.GetString(), it->name.GetStringLength());
    DataTypePtr type = Infer(it->value, big_numbers);
    auto same = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.name == name; });
    if (same != fields.end()) {
      same->type = type;  // a repeated key: the last one wins
    } else {
      fields.push_back({name, type, true});
    }
  }
  std::sort(fields.begin(), fields.end(), [](const auto& x, const auto& y) { return x.name < y.name; });
  return types::Struct(std::move(fields));
}

// Null types left at the end read as strings (with dropFieldIfAllNull they
// are dropped, and so are arrays of them); empty structs are dropped
// (nullptr here), as Spark's canonicalizeType.
DataTypePtr Canonical(const DataTypePtr& type, bool drop_all_null) {
  switch (type->id()) {
    case TypeId::kNull:
      return drop_all_null ? nullptr : types::String();
    case TypeId::kArray: {
      auto element = Canonical(static_cast<const ArrayType&>(*type).element_type(), drop_all_null);
      return element ? types::Array(element) : nullptr;
    }
    case TypeId::kStruct: {
      std::vector<StructField> fields;
      for (const auto& f : static_cast<const StructType&>(*type).fields()) {
        auto field_type = Canonical(f.type, drop_all_null);
        if (field_type) fields.push_back({f.name, field_type, true});
      }
      if (fields.empty()) return nullptr;
      return types::Struct(std::move(fields));
    }
    default:
      return type;
  }
}

}  // namespace

arrow::Result<StructTypePtr> InferJsonSchema(const std::vector<std::string>& records,
                                             const JsonInferOptions& options) {
  DataTypePtr root = types::Struct({});
  bool malformed = false;
  for (const auto& record : records) {
    rapidjson::Document doc;
    bool big_numbers = false;
    if (!ParseJsonRecord(record, options.read, &doc, &big_numbers) || !doc.IsObject()) {
      if (options.mode == ParseMode::kFailFast) return MalformedRecordError(record);
      malformed = true;
      continue;
    }
    root = Compatible(root, Infer(doc, big_numbers));
  }
  if (malformed && options.mode == ParseMode::kPermissive) {
    root = Compatible(root, types::Struct({{options.corrupt_column, types::String(), true}}));
  }
  auto schema = Canonical(root, options.drop_field_if_all_null);
  if (!schema) return types::Struct({});
  return std::static_pointer_cast<const StructType>(schema);
}

std::vector<std::string> SplitJsonDocument(std::string_view document) {
  rapidjson::Document doc;
  doc.Parse<kJsonParseFlags>(document.data(), document.size());
  if (doc.HasParseError() || !doc.IsArray()) {
    if (!doc.HasParseError()) {
      rapidjson::StringBuffer buffer;
      rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
      doc.Accept(writer);
      return {std::string(buffer.GetString(), buffer.GetSize())};
    }
    return {std::string(document)};
  }
  std::vector<std::string> out;
  for (const auto& e : doc.GetArray()) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    e.Accept(writer);
    out.emplace_back(buffer.GetString(), buffer.GetSize());
  }
  return out;
}

}  // namespace spate
