#include <algorithm>
#include <iterator>
#include <string_view>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/runtime_config.h"
#include "spate/common/strings.h"
#include "spate/connectors/file/format_readers.h"
#include "spate/connectors/file/json_infer.h"
#include "spate/exec/table_select.h"
#include "spate/expr/parse_mode.h"
#include "spate/expr/expression.h"
#include "spate/expr/json_value_spans.h"
#include "spate/plan/plan_builder.h"
#include "spate/types/arrow_types.h"
#include "spate/types/json_schema.h"

// The JSON reader: JSON Lines (or one document per file with multiLine),
// schemas inferred with Spark's rules, records converted by from_json so
// the file source and the function agree on every value, except that a
// STRING field over a non-string value is its text as written in the record.

namespace spate {

namespace {

arrow::Result<std::vector<std::string>> JsonRecords(const FileReadRequest& r, const DataFile& file,
                                                    bool multi_line, const JsonReadOptions& read) {
  ARROW_ASSIGN_OR_RAISE(std::string text, ReadFileText(r, file));
  if (multi_line) return std::vector<std::string>{JsonDocumentRecord(text, read)};
  std::vector<std::string> records;
  for (auto& line : SplitLines(text, "")) {
    // Blank lines are not records.
    if (line.find_first_not_of(" \t\r\n") != std::string::npos) records.push_back(std::move(line));
  }
  return records;
}

// The non-blank lines of a JSON Lines file ("\n", "\r\n" or "\r" ending each)
// as one string column, copied once into it rather than into a string each.
arrow::Result<std::shared_ptr<arrow::Table>> JsonLinesColumn(const std::string& text) {
  arrow::StringBuilder builder;
  ARROW_RETURN_NOT_OK(builder.ReserveData(static_cast<int64_t>(text.size())));
  size_t start = 0;
  while (start < text.size()) {
    size_t end = std::min(text.find_first_of("\r\n", start), text.size());
    std::string_view line(text.data() + start, end - start);
    // Blank lines are not records.
    if (line.find_first_not_of(" \t") != std::string_view::npos) ARROW_RETURN_NOT_OK(builder.Append(line));
    bool crlf = end + 1 < text.size() && text[end] == '\r' && text[end + 1] == '\n';
    start = end + (crlf ? 2 : 1);
  }
  ARROW_ASSIGN_OR_RAISE(auto array, builder.Finish());
  return arrow::Table::Make(arrow::schema({arrow::field("value", arrow::utf8())}), {array});
}

// from_json's options argument: a constant map<string,string>.
arrow::Result<ExprPtr> OptionsLiteral(const std::vector<std::pair<std::string, std::string>>& options) {
  auto type = types::Map(types::String(), types::String());
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(*type));
  std::unique_ptr<arrow::ArrayBuilder> builder;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), arrow_type, &builder));
  auto* map = static_cast<arrow::MapBuilder*>(builder.get());
  ARROW_RETURN_NOT_OK(map->Append());
  for (const auto& [k, v] : options) {
    ARROW_RETURN_NOT_OK(static_cast<arrow::StringBuilder*>(map->key_builder())->Append(k));
    ARROW_RETURN_NOT_OK(static_cast<arrow::StringBuilder*>(map->item_builder())->Append(v));
  }
  ARROW_ASSIGN_OR_RAISE(auto array, map->Finish());
  ARROW_ASSIGN_OR_RAISE(auto scalar, array->GetScalar(0));
  return ex::Lit(std::move(scalar), type);
}

ParseMode JsonMode(const FileReadRequest& r) { return ParseModeOf(OptionOr(r, "mode", "PERMISSIVE")); }

// Jackson's lenient features, for schema inference (from_json reads them from its options).
arrow::Result<JsonReadOptions> LenientOptions(const FileReadRequest& r) {
  JsonReadOptions o;
  auto flag = [&](const char* name, bool* value) -> arrow::Status {
    if (OptionOr(r, name, "").empty()) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(*value, FlagOption(r, name));
    return arrow::Status::OK();
  };
  ARROW_RETURN_NOT_OK(flag("allowComments", &o.allow_comments));
  ARROW_RETURN_NOT_OK(flag("allowSingleQuotes", &o.allow_single_quotes));
  ARROW_RETURN_NOT_OK(flag("allowUnquotedFieldNames", &o.allow_unquoted_field_names));
  ARROW_RETURN_NOT_OK(flag("allowNumericLeadingZeros", &o.allow_numeric_leading_zeros));
  ARROW_RETURN_NOT_OK(flag("allowNonNumericNumbers", &o.allow_non_numeric_numbers));
  ARROW_RETURN_NOT_OK(flag("allowBackslashEscapingAnyCharacter", &o.allow_backslash_escaping_any_character));
  ARROW_RETURN_NOT_OK(flag("allowUnquotedControlChars", &o.allow_unquoted_control_chars));
  return o;
}

// The records parsed by from_json, one column per schema field.
arrow::Result<std::shared_ptr<arrow::Table>> ParseJsonRecords(const FileReadRequest& r,
                                                              std::shared_ptr<arrow::Table> lines,
                                                              const StructType& schema,
                                                              const std::string& corrupt,
                                                              bool drop_corrupt) {
  std::string mode = JsonMode(r) == ParseMode::kFailFast ? "FAILFAST" : "PERMISSIVE";
  // STRING fields over other values take their text as written in the record.
  std::vector<std::pair<std::string, std::string>> parse_options = {
      {"mode", mode}, {"columnNameOfCorruptRecord", corrupt}, {kJsonRawStringOption, "true"}};
  // Jackson's lenient features, read as from_json reads them.
  for (const char* name : {"allowComments", "allowSingleQuotes", "allowUnquotedFieldNames", "allowNumericLeadingZeros",
                           "allowNonNumericNumbers", "allowBackslashEscapingAnyCharacter", "allowUnquotedControlChars"}) {
    std::string value = OptionOr(r, name, "");
    if (!value.empty()) parse_options.emplace_back(name, value);
  }
  ARROW_ASSIGN_OR_RAISE(auto options, OptionsLiteral(parse_options));
  ExprPtr parsed = ex::Call("from_json", {ex::ColFromName("value"), ex::String(ToJson(schema)), options});
  ARROW_ASSIGN_OR_RAISE(auto plan, MakeLocalRelation(lines));
  ARROW_ASSIGN_OR_RAISE(plan, MakeProject(plan, {ex::Alias(parsed, "record")}));
  std::vector<ExprPtr> fields;
  for (const auto& f : schema.fields()) {
    fields.push_back(ex::Alias(ex::Extract(ex::ColFromName("record"), ex::String(f.name)), f.name));
  }
  ARROW_ASSIGN_OR_RAISE(plan, MakeProject(plan, fields));
  if (drop_corrupt) {
    ARROW_ASSIGN_OR_RAISE(plan, MakeFilter(plan, ex::Call("isnull", {ex::ColFromName(corrupt)})));
    ARROW_ASSIGN_OR_RAISE(plan, MakeDrop(plan, {corrupt}));
  }
  return RunPlan(plan, *r.conf);
}

}  // namespace

arrow::Result<SourceTables> ReadJsonSource(const FileReadRequest& r) {
  ARROW_RETURN_NOT_OK(CheckEncoding(r, "JSONOptionsInRead"));
  ARROW_ASSIGN_OR_RAISE(bool multi_line, FlagOption(r, "multiLine"));
  JsonSourceInferOptions infer;
  infer.mode = JsonMode(r);
  infer.corrupt_column = OptionOr(r, "columnNameOfCorruptRecord", "_corrupt_record");
  ARROW_ASSIGN_OR_RAISE(infer.read, LenientOptions(r));
  ARROW_ASSIGN_OR_RAISE(infer.types.primitives_as_string, FlagOption(r, "primitivesAsString"));
  ARROW_ASSIGN_OR_RAISE(infer.types.prefers_decimal, FlagOption(r, "prefersDecimal"));
  ARROW_ASSIGN_OR_RAISE(infer.types.drop_field_if_all_null, FlagOption(r, "dropFieldIfAllNull"));
  // Each file's records as a string column; inferring a schema needs them as strings too.
  std::vector<std::shared_ptr<arrow::Table>> per_file;
  std::vector<std::string> all;
  for (const auto& file : *r.files) {
    if (r.schema && !multi_line) {
      ARROW_ASSIGN_OR_RAISE(std::string text, ReadFileText(r, file));
      ARROW_ASSIGN_OR_RAISE(auto lines, JsonLinesColumn(text));
      per_file.push_back(std::move(lines));
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto records, JsonRecords(r, file, multi_line, infer.read));
    ARROW_ASSIGN_OR_RAISE(auto lines, OneStringColumn("value", records));
    all.insert(all.end(), std::make_move_iterator(records.begin()), std::make_move_iterator(records.end()));
    per_file.push_back(std::move(lines));
  }
  SourceTables out;
  if (r.schema) {
    out.schema = r.schema;
  } else {
    bool case_sensitive = AsciiLower(r.conf->Get("spark.sql.caseSensitive", "false")) == "true";
    ARROW_ASSIGN_OR_RAISE(out.schema, InferJsonSchema(all, infer, case_sensitive));
    if (r.files->empty()) return UnableToInferSchema("JSON");
  }
  // DROPMALFORMED parses with an extra corrupt-record column to find the rows to drop.
  StructTypePtr parse_schema = out.schema;
  std::string corrupt = infer.corrupt_column;
  bool drop = infer.mode == ParseMode::kDropMalformed;
  if (drop) {
    corrupt = "__spate_corrupt_record";
    std::vector<StructField> fields = out.schema->fields();
    fields.push_back({corrupt, types::String(), true});
    parse_schema = types::Struct(std::move(fields));
  }
  for (auto& lines : per_file) {
    ARROW_ASSIGN_OR_RAISE(auto table, ParseJsonRecords(r, std::move(lines), *parse_schema, corrupt, drop));
    out.tables.push_back(std::move(table));
  }
  return out;
}

}  // namespace spate
