#include <limits>
#include <string_view>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/runtime_config.h"
#include "spate/common/strings.h"
#include "spate/common/utf8.h"
#include "spate/connectors/file/file_sample.h"
#include "spate/connectors/file/format_readers.h"
#include "spate/connectors/file/json_infer.h"
#include "spate/connectors/file/line_pieces.h"
#include "spate/exec/table_select.h"
#include "spate/expr/parse_mode.h"
#include "spate/expr/expression.h"
#include "spate/expr/json_value_spans.h"
#include "spate/expr/value_format.h"
#include "spate/plan/plan_builder.h"
#include "spate/types/arrow_types.h"
#include "spate/types/json_schema.h"

// The JSON reader: JSON Lines (or one document per file with multiLine),
// schemas inferred with Spark's rules, records converted by from_json so
// the file source and the function agree on every value, except that a
// STRING field over a non-string value is its text as written in the record.
// A record that is an array of objects is a row per object; a bare `null` is
// a malformed record.

namespace spate {

namespace {

bool IsBlank(std::string_view line) { return line.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// The records of JSON Lines texts to infer a schema from: the lines of
// Spark's sample (file_sample.h); blank lines draw too but are no records.
arrow::Result<std::vector<std::string>> SampledRecords(const std::vector<std::string>& texts, double ratio,
                                                       const RuntimeConfig& conf) {
  std::vector<std::string> out;
  ARROW_RETURN_NOT_OK(ForEachSampledLine(texts, ratio, conf, [&](std::string_view line) {
    if (!IsBlank(line)) out.emplace_back(line);
  }));
  return out;
}

// The documents (a file each) of multiLine input to infer a schema from:
// Spark's sample of them (file_sample.h).
arrow::Result<std::vector<std::string>> SampledDocuments(std::vector<std::string> documents, double ratio,
                                                         const RuntimeConfig& conf) {
  std::vector<int64_t> sizes;
  for (const auto& d : documents) sizes.push_back(static_cast<int64_t>(d.size()));
  ARROW_ASSIGN_OR_RAISE(auto kept,
                        SampleWholeFileItems(sizes, std::vector<size_t>(documents.size(), 1), ratio, conf));
  std::vector<std::string> out;
  for (size_t f = 0; f < documents.size(); ++f) {
    if (kept[f][0]) out.push_back(std::move(documents[f]));
  }
  return out;
}

// The records of JSON Lines text: its non-blank lines, as a string column that
// views the text rather than copying it. Strings of a column are contiguous,
// so each record runs on to the next one's start: it carries its line break
// and the blank lines after it, white space after the JSON value, and its
// malformed-record text is cut at its first line break (kJsonLineRecords).
struct JsonRecords {
  std::shared_ptr<arrow::Table> records;
  bool has_arrays = false;  // a record starts with '[' (a top-level array)
  bool lines = false;       // records of JSON Lines, as ViewJsonLines makes them
};

arrow::Result<JsonRecords> ViewJsonLines(const PieceText& piece) {
  std::string_view text = piece.text();
  JsonRecords out;
  out.lines = true;
  std::vector<size_t> starts;  // the records', then the end of the last
  size_t end = 0;              // past the last line's break
  ForEachPieceLine(text, piece.first, piece.length, [&](const LineSpan& line) {
    end = line.next;
    const char* p = text.data() + line.start;
    const char* stop = p + line.length;
    while (p < stop && (*p == ' ' || *p == '\t')) ++p;  // a line holds no other JSON space
    if (p == stop) return;  // blank lines are no records
    out.has_arrays |= *p == '[';
    starts.push_back(line.start);
  });
  if (end > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return arrow::Status::CapacityError("JSON Lines text of more than 2 GiB read at once (", end, " bytes)");
  }
  starts.push_back(end);
  const auto count = static_cast<int64_t>(starts.size() - 1);
  const size_t base = starts[0];
  ARROW_ASSIGN_OR_RAISE(std::shared_ptr<arrow::Buffer> offsets,
                        arrow::AllocateBuffer((count + 1) * static_cast<int64_t>(sizeof(int32_t))));
  auto* offset = reinterpret_cast<int32_t*>(offsets->mutable_data());
  for (size_t start : starts) *offset++ = static_cast<int32_t>(start - base);
  auto bytes = arrow::SliceBuffer(piece.buffer, static_cast<int64_t>(base));
  auto records = arrow::MakeArray(arrow::ArrayData::Make(arrow::utf8(), count, {nullptr, offsets, bytes}, 0));
  out.records = arrow::Table::Make(arrow::schema({arrow::field("value", arrow::utf8())}), {records});
  return out;
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

// The records with each top-level array of objects split into its elements,
// a row each, as Spark reads them.
struct JsonRows {
  bool lines;                             // JsonRecords::lines
  std::shared_ptr<arrow::Table> records;  // holds the text `arrays` views
  std::shared_ptr<arrow::Table> values;   // one record a row
  std::vector<int64_t> array_of_row;      // the row's index in `arrays`, -1 when not from one
  std::vector<std::string_view> arrays;
};

arrow::Result<JsonRows> SplitJsonArrays(const JsonRecords& records, const JsonReadOptions& read) {
  JsonRows out;
  out.lines = records.lines;
  out.records = out.values = records.records;
  // Most files hold no array: their records stay as they are, not copied.
  if (!records.has_arrays) return out;
  arrow::StringBuilder values;
  for (const auto& chunk : records.records->column(0)->chunks()) {
    const auto& strings = static_cast<const arrow::StringArray&>(*chunk);
    for (int64_t i = 0; i < strings.length(); ++i) {
      std::string_view record = strings.GetView(i);
      if (records.lines) record = UpToLineBreak(record);
      auto elements = JsonArrayElements(record, read);
      if (!elements) {
        ARROW_RETURN_NOT_OK(values.Append(record));
        out.array_of_row.push_back(-1);
        continue;
      }
      for (std::string_view e : *elements) {
        ARROW_RETURN_NOT_OK(values.Append(e));
        out.array_of_row.push_back(static_cast<int64_t>(out.arrays.size()));
      }
      out.arrays.push_back(record);
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto array, values.Finish());
  out.values = arrow::Table::Make(records.records->schema(), {array});
  return out;
}

// Spark reads an array whose element does not fit the schema as that many
// rows, each with the array's text in the corrupt-record column.
arrow::Result<std::shared_ptr<arrow::Table>> ArraysAsCorrupt(std::shared_ptr<arrow::Table> table, const JsonRows& rows,
                                                             int corrupt) {
  ARROW_ASSIGN_OR_RAISE(table, table->CombineChunks());
  if (table->num_rows() == 0) return table;
  const auto& texts = static_cast<const arrow::StringArray&>(*table->column(corrupt)->chunk(0));
  std::vector<bool> bad(rows.arrays.size(), false);
  for (int64_t i = 0; i < texts.length(); ++i) {
    if (rows.array_of_row[i] >= 0 && texts.IsValid(i)) bad[rows.array_of_row[i]] = true;
  }
  arrow::StringBuilder builder;
  for (int64_t i = 0; i < texts.length(); ++i) {
    int64_t a = rows.array_of_row[i];
    if (a >= 0 && bad[a]) {
      ARROW_RETURN_NOT_OK(builder.Append(rows.arrays[a]));
    } else {
      ARROW_RETURN_NOT_OK(texts.IsValid(i) ? builder.Append(texts.GetView(i)) : builder.AppendNull());
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto patched, builder.Finish());
  return table->SetColumn(corrupt, table->schema()->field(corrupt), std::make_shared<arrow::ChunkedArray>(patched));
}

// The records parsed by from_json, one column per schema field.
arrow::Result<std::shared_ptr<arrow::Table>> ParseJsonRecords(const FileReadRequest& r, const JsonRows& rows,
                                                              const StructType& schema,
                                                              const std::string& corrupt,
                                                              bool drop_corrupt) {
  std::string mode = JsonMode(r) == ParseMode::kFailFast ? "FAILFAST" : "PERMISSIVE";
  // STRING fields over other values take their text as written in the record.
  std::vector<std::pair<std::string, std::string>> parse_options = {
      {"mode", mode},
      {"columnNameOfCorruptRecord", corrupt},
      {kJsonSourceRecordsOption, rows.lines ? kJsonLineRecords : "true"}};
  // Jackson's lenient features and the value formats, read as from_json reads them.
  for (const char* name : {"allowComments", "allowSingleQuotes", "allowUnquotedFieldNames", "allowNumericLeadingZeros",
                           "allowNonNumericNumbers", "allowBackslashEscapingAnyCharacter", "allowUnquotedControlChars",
                           "dateFormat", "timestampFormat", "timestampNTZFormat", "locale"}) {
    std::string value = OptionOr(r, name, "");
    if (!value.empty()) parse_options.emplace_back(name, value);
  }
  ARROW_ASSIGN_OR_RAISE(auto options, OptionsLiteral(parse_options));
  ExprPtr parsed = ex::Call("from_json", {ex::ColFromName("value"), ex::String(ToJson(schema)), options});
  ARROW_ASSIGN_OR_RAISE(auto plan, MakeLocalRelation(rows.values));
  ARROW_ASSIGN_OR_RAISE(plan, MakeProject(plan, {ex::Alias(parsed, "record")}));
  std::vector<ExprPtr> fields;
  for (const auto& f : schema.fields()) {
    fields.push_back(ex::Alias(ex::Extract(ex::ColFromName("record"), ex::String(f.name)), f.name));
  }
  ARROW_ASSIGN_OR_RAISE(plan, MakeProject(plan, fields));
  ARROW_ASSIGN_OR_RAISE(auto table, RunPlan(plan, *r.conf));
  int corrupt_index = schema.FieldIndex(corrupt);
  if (!rows.arrays.empty() && corrupt_index >= 0 && schema.field(corrupt_index).type->id() == TypeId::kString) {
    ARROW_ASSIGN_OR_RAISE(table, ArraysAsCorrupt(std::move(table), rows, corrupt_index));
  }
  if (!drop_corrupt) return table;
  ARROW_ASSIGN_OR_RAISE(plan, MakeLocalRelation(std::move(table)));
  ARROW_ASSIGN_OR_RAISE(plan, MakeFilter(plan, ex::Call("isnull", {ex::ColFromName(corrupt)})));
  ARROW_ASSIGN_OR_RAISE(plan, MakeDrop(plan, {corrupt}));
  return RunPlan(plan, *r.conf);
}

// The fields the query reads (FileReadRequest::columns), which alone are
// parsed, as Spark parses its required schema: a value in another field is
// skipped unconverted, so a record is malformed (its text in the corrupt-record
// column, dropped, or failing) only for its syntax and the fields read. The
// corrupt-record column alone is refused, as Spark refuses it.
arrow::Result<StructTypePtr> RequiredSchema(const FileReadRequest& r, const StructTypePtr& schema,
                                            const std::string& corrupt) {
  if (r.columns.empty()) return schema;
  std::vector<StructField> fields;
  for (int i = 0; i < schema->num_fields(); ++i) {
    if (r.columns[i]) fields.push_back(schema->field(i));
  }
  if (fields.size() == 1 && fields[0].name == corrupt) {
    return SparkError("UNSUPPORTED_FEATURE.QUERY_ONLY_CORRUPT_RECORD_COLUMN", "0A000",
                      "The feature is not supported: Queries from raw JSON/CSV/XML files are disallowed when the\n"
                      "referenced columns only include the internal corrupt record column\n"
                      "(named `_corrupt_record` by default). For example:\n"
                      "`spark.read.schema(schema).json(file).filter($\"_corrupt_record\".isNotNull).count()`\n"
                      "and `spark.read.schema(schema).json(file).select(\"_corrupt_record\").show()`.\n"
                      "Instead, you can cache or save the parsed results and then send the same query.\n"
                      "For example, `val df = spark.read.schema(schema).json(file).cache()` and then\n"
                      "`df.filter($\"_corrupt_record\".isNotNull).count()`.");
  }
  return types::Struct(std::move(fields));
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
  ARROW_ASSIGN_OR_RAISE(infer.types.infer_timestamp, FlagOption(r, "inferTimestamp"));
  if (std::string format = OptionOr(r, "timestampFormat", ""); !format.empty()) {
    ARROW_ASSIGN_OR_RAISE(infer.types.timestamp_format, DatetimePattern::Make(format));
  }
  infer.types.decimal = LocaleDecimalParser::ForLanguageTag(OptionOr(r, "locale", "en-US"));
  ARROW_ASSIGN_OR_RAISE(double sampling_ratio, SamplingRatio(r, !r.schema));
  // With a schema, JSON Lines are read and parsed in pieces (line_pieces.h).
  // Otherwise each file's records become a string column, and inferring the
  // schema reads the texts (or documents) again.
  const bool in_pieces = r.schema && !multi_line;
  std::vector<JsonRecords> per_file;
  std::vector<std::string> to_infer;
  for (size_t i = 0; i < r.files->size() && !in_pieces; ++i) {
    ARROW_ASSIGN_OR_RAISE(std::string text, ReadFileText(r, (*r.files)[i]));
    JsonRecords records;
    if (multi_line) {
      text = JsonDocumentRecord(text, infer.read);
      ARROW_ASSIGN_OR_RAISE(records.records, OneStringColumn("value", {text}));
      size_t start = text.find_first_not_of(" \t\r\n");
      records.has_arrays = start != std::string::npos && text[start] == '[';
    } else {
      // A copy: `text` is kept to infer from.
      ARROW_ASSIGN_OR_RAISE(records, ViewJsonLines({arrow::Buffer::FromString(text), true, text.size()}));
    }
    per_file.push_back(std::move(records));
    if (!r.schema) to_infer.push_back(std::move(text));
  }
  SourceTables out;
  if (r.schema) {
    out.schema = r.schema;
  } else {
    bool case_sensitive = AsciiLower(r.conf->Get("spark.sql.caseSensitive", "false")) == "true";
    ARROW_ASSIGN_OR_RAISE(auto records, multi_line ? SampledDocuments(std::move(to_infer), sampling_ratio, *r.conf)
                                                   : SampledRecords(to_infer, sampling_ratio, *r.conf));
    ARROW_ASSIGN_OR_RAISE(out.schema, InferJsonSchema(records, infer, case_sensitive));
    if (r.files->empty()) return UnableToInferSchema("JSON");
  }
  ARROW_ASSIGN_OR_RAISE(StructTypePtr parse_schema, RequiredSchema(r, out.schema, infer.corrupt_column));
  // DROPMALFORMED parses with an extra corrupt-record column to find the rows to drop.
  std::string corrupt = infer.corrupt_column;
  bool drop = infer.mode == ParseMode::kDropMalformed;
  if (drop) {
    corrupt = "__spate_corrupt_record";
    std::vector<StructField> fields = parse_schema->fields();
    fields.push_back({corrupt, types::String(), true});
    parse_schema = types::Struct(std::move(fields));
  }
  // The records of a file or a piece as rows of every field (those not read
  // null, which also keeps the rows of a query that reads none); bytes that are
  // not UTF-8 become U+FFFD.
  auto parse = [&](const JsonRecords& records) -> arrow::Result<std::shared_ptr<arrow::Table>> {
    ARROW_ASSIGN_OR_RAISE(auto rows, SplitJsonArrays(records, infer.read));
    ARROW_ASSIGN_OR_RAISE(auto table, ParseJsonRecords(r, rows, *parse_schema, corrupt, drop));
    ARROW_ASSIGN_OR_RAISE(table, ConformTable(*table, *out.schema));
    return ReplaceInvalidUtf8(table);
  };
  if (in_pieces) {
    auto parse_piece = [&](const PieceText& piece) -> arrow::Result<std::shared_ptr<arrow::Table>> {
      ARROW_ASSIGN_OR_RAISE(JsonRecords records, ViewJsonLines(piece));
      return parse(records);
    };
    ARROW_ASSIGN_OR_RAISE(out.tables, ReadLinePieces(r, parse_piece));
    return out;
  }
  for (const auto& records : per_file) {
    ARROW_ASSIGN_OR_RAISE(auto table, parse(records));
    out.tables.push_back(std::move(table));
  }
  return out;
}

}  // namespace spate
