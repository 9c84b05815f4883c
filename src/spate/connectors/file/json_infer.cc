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

}  // namespace

arrow::Result<StructTypePtr> InferJsonSchema(const std::vector<std::string>& records,
                                             const JsonSourceInferOptions& options, bool case_sensitive) {
  DataTypePtr root = types::Struct({});
  bool malformed = false;
  JsonReadOptions read = options.read;
  read.numbers_as_text = true;  // InferJsonType reads a number's own text
  for (const auto& record : records) {
    rapidjson::Document doc;
    bool big_numbers = false;
    if (!ParseJsonRecord(record, read, &doc, &big_numbers) || !doc.IsObject()) {
      if (options.mode == ParseMode::kFailFast) return MalformedRecordError(record);
      malformed = true;
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto type, InferJsonType(doc, big_numbers, options.types));
    root = MergeJsonTypes(root, type);
  }
  if (malformed && options.mode == ParseMode::kPermissive) {
    root = MergeJsonTypes(root, types::Struct({{options.corrupt_column, types::String(), true}}));
  }
  auto schema = CanonicalJsonType(root, options.types.drop_field_if_all_null);
  if (!schema) return types::Struct({});
  if (auto repeated = RepeatedName(*schema, case_sensitive)) {
    return SparkError("COLUMN_ALREADY_EXISTS", "42711",
                      fmt::format("The column `{}` already exists. Choose another name or rename the existing column.",
                                  *repeated));
  }
  return std::static_pointer_cast<const StructType>(schema);
}

std::vector<std::string> SplitJsonDocument(std::string_view document, const JsonReadOptions& read) {
  rapidjson::Document doc;
  bool big_numbers = false;
  auto spans = JsonValueSpans(document);
  if (!ParseJsonRecord(document, read, &doc, &big_numbers) || spans.empty()) return {std::string(document)};
  if (!doc.IsArray()) return {std::string(spans[0])};
  // The array's elements: the spans after the array's own that start past the
  // previous element's end.
  std::vector<std::string> out;
  const char* end = spans[0].data();
  for (size_t i = 1; i < spans.size(); ++i) {
    if (spans[i].data() < end) continue;
    out.emplace_back(spans[i]);
    end = spans[i].data() + spans[i].size();
  }
  return out;
}

}  // namespace spate
