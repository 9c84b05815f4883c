#include "spate/connectors/file/json_infer.h"

#include <optional>
#include <set>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/expr/json_value_spans.h"

namespace spate {

namespace {

// The first field name of a struct (at any depth) found twice, as Spark's
// duplicate-column check reports it.
std::optional<std::string> RepeatedName(const DataType& type, bool case_sensitive) {
  if (type.id() == TypeId::kArray) {
    return RepeatedName(*static_cast<const ArrayType&>(type).element_type(), case_sensitive);
  }
  if (type.id() != TypeId::kStruct) return std::nullopt;
  std::set<std::string> seen;
  for (const auto& f : static_cast<const StructType&>(type).fields()) {
    std::string name = case_sensitive ? f.name : AsciiLower(f.name);
    if (!seen.insert(name).second) return name;
  }
  for (const auto& f : static_cast<const StructType&>(type).fields()) {
    if (auto repeated = RepeatedName(*f.type, case_sensitive)) return repeated;
  }
  return std::nullopt;
}

arrow::Status InvalidRecordType(const DataType& found) {
  return SparkError("INVALID_JSON_RECORD_TYPE", "22023",
                    fmt::format("Detected an invalid type of a JSON record while inferring a common schema in the "
                                "mode FAILFAST. Expected a STRUCT type, but found \"{}\".",
                                found.Sql()));
}

DataTypePtr ElementsOf(DataTypePtr type) {
  while (type->id() == TypeId::kArray) type = static_cast<const ArrayType&>(*type).element_type();
  return type;
}

// Spark's compatibleRootType: a top-level array stands for its elements (the
// JSON source reads each as a row), NULL (`null`, `[]`) for no record; a
// struct meeting another type stays the struct, the other being malformed.
arrow::Result<DataTypePtr> MergeRootTypes(DataTypePtr a, DataTypePtr b, const JsonSourceInferOptions& o) {
  a = ElementsOf(std::move(a));
  b = ElementsOf(std::move(b));
  if (a->id() == TypeId::kNull) return b;
  if (b->id() == TypeId::kNull) return a;
  bool a_struct = a->id() == TypeId::kStruct;
  if (a_struct == (b->id() == TypeId::kStruct)) return MergeJsonTypes(a, b);
  const DataTypePtr& record = a_struct ? a : b;
  switch (o.mode) {
    case ParseMode::kFailFast:
      return InvalidRecordType(a_struct ? *b : *a);
    case ParseMode::kDropMalformed:
      return record;
    default:
      return MergeJsonTypes(record, types::Struct({{o.corrupt_column, types::String(), true}}));
  }
}

}  // namespace

arrow::Result<StructTypePtr> InferJsonSchema(const std::vector<std::string>& records,
                                             const JsonSourceInferOptions& options, bool case_sensitive) {
  // The records' types merged in order, then with an empty struct, as Spark
  // merges a partition's records and then the partitions.
  DataTypePtr root = types::Null();
  JsonReadOptions read = options.read;
  read.numbers_as_text = true;  // InferJsonType reads a number's own text
  for (const auto& record : records) {
    rapidjson::Document doc;
    bool big_numbers = false;
    DataTypePtr type;
    if (ParseJsonRecord(record, read, &doc, &big_numbers)) {
      ARROW_ASSIGN_OR_RAISE(type, InferJsonType(doc, big_numbers, options.types));
    } else if (options.mode == ParseMode::kFailFast) {
      return MalformedRecordError(record);
    } else if (options.mode == ParseMode::kDropMalformed) {
      continue;
    } else {
      type = types::Struct({{options.corrupt_column, types::String(), true}});
    }
    ARROW_ASSIGN_OR_RAISE(root, MergeRootTypes(root, type, options));
  }
  ARROW_ASSIGN_OR_RAISE(root, MergeRootTypes(types::Struct({}), root, options));
  auto schema = CanonicalJsonType(root, options.types.drop_field_if_all_null);
  if (!schema) return types::Struct({});
  if (auto repeated = RepeatedName(*schema, case_sensitive)) {
    return SparkError("COLUMN_ALREADY_EXISTS", "42711",
                      fmt::format("The column `{}` already exists. Choose another name or rename the existing column.",
                                  *repeated));
  }
  return std::static_pointer_cast<const StructType>(schema);
}

std::string JsonDocumentRecord(std::string_view document, const JsonReadOptions& read) {
  rapidjson::Document doc;
  bool big_numbers = false;
  auto spans = JsonValueSpans(document);
  if (!ParseJsonRecord(document, read, &doc, &big_numbers) || spans.empty()) return std::string(document);
  return std::string(spans[0]);
}

std::optional<std::vector<std::string_view>> JsonArrayElements(std::string_view record, const JsonReadOptions& read) {
  size_t start = record.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || record[start] != '[') return std::nullopt;
  rapidjson::Document doc;
  bool big_numbers = false;
  if (!ParseJsonRecord(record, read, &doc, &big_numbers) || !doc.IsArray()) return std::nullopt;
  for (const auto& e : doc.GetArray()) {
    if (!e.IsObject()) return std::nullopt;
  }
  // The elements: the spans after the array's own that start past the
  // previous element's end.
  auto spans = JsonValueSpans(record);
  std::vector<std::string_view> out;
  const char* end = spans[0].data();
  for (size_t i = 1; i < spans.size(); ++i) {
    if (spans[i].data() < end) continue;
    out.push_back(spans[i]);
    end = spans[i].data() + spans[i].size();
  }
  return out;
}

}  // namespace spate
