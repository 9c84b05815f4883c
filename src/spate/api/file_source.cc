#include "spate/api/file_source.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/api/dataframe.h"
#include "spate/api/functions.h"
#include "spate/api/session.h"
#include "spate/common/error.h"
#include "spate/connectors/file/csv_text.h"
#include "spate/connectors/file/json_infer.h"
#include "spate/connectors/file/parquet_io.h"
#include "spate/expr/expression.h"
#include "spate/types/arrow_types.h"
#include "spate/types/json_schema.h"

namespace spate {

namespace {

namespace F = functions;
using ArrayPtr = std::shared_ptr<arrow::Array>;

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string OptionOr(const SourceRequest& r, const std::string& key, const std::string& fallback) {
  auto it = r.options->find(Lower(key));
  return it == r.options->end() ? fallback : it->second;
}

bool FlagOption(const SourceRequest& r, const std::string& key) {
  return Lower(OptionOr(r, key, "false")) == "true";
}

StructTypePtr Nullable(const StructType& schema) {
  std::vector<StructField> fields = schema.fields();
  for (auto& f : fields) f.nullable = true;
  return types::Struct(std::move(fields));
}

arrow::Result<ArrayPtr> StringArray(const std::vector<std::optional<std::string>>& values) {
  arrow::StringBuilder builder;
  for (const auto& v : values) {
    ARROW_RETURN_NOT_OK(v ? builder.Append(*v) : builder.AppendNull());
  }
  return builder.Finish();
}

arrow::Result<std::shared_ptr<arrow::Table>> OneStringColumn(const std::string& name,
                                                            const std::vector<std::string>& values) {
  arrow::StringBuilder builder;
  ARROW_RETURN_NOT_OK(builder.AppendValues(values));
  ARROW_ASSIGN_OR_RAISE(auto array, builder.Finish());
  return arrow::Table::Make(arrow::schema({arrow::field(name, arrow::utf8())}), {array});
}

// Where the line starting at `start` ends, and where the next one begins.
// Without a separator "\n", "\r\n" and "\r" all end a line.
std::pair<size_t, size_t> LineEnd(const std::string& text, size_t start, const std::string& separator) {
  if (!separator.empty()) {
    size_t end = text.find(separator, start);
    return {end, end == std::string::npos ? end : end + separator.size()};
  }
  size_t end = text.find_first_of("\r\n", start);
  if (end == std::string::npos) return {end, end};
  bool crlf = text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n';
  return {end, end + (crlf ? 2 : 1)};
}

// The lines of a text file; a final line break does not start another line.
std::vector<std::string> SplitLines(const std::string& text, const std::string& separator) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    auto [end, next] = LineEnd(text, start, separator);
    lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = next;
  }
  return lines;
}

// ---------------------------------------------------------------------------
// Parquet

arrow::Result<StructTypePtr> MergeSchemas(const StructType& a, const StructType& b) {
  std::vector<StructField> fields = a.fields();
  for (const auto& f : b.fields()) {
    if (a.FieldIndex(f.name) < 0) fields.push_back(f);
  }
  return types::Struct(std::move(fields));
}

}  // namespace

arrow::Status UnableToInferSchema(const std::string& format) {
  return SparkError("UNABLE_TO_INFER_SCHEMA", "42KD9",
                    fmt::format("Unable to infer schema for {}. It must be specified manually.", format));
}

arrow::Result<std::shared_ptr<arrow::Table>> ConformTable(const arrow::Table& table,
                                                          const StructType& schema) {
  ARROW_ASSIGN_OR_RAISE(auto target, ToArrowSchema(schema));
  std::vector<std::shared_ptr<arrow::ChunkedArray>> columns;
  for (int i = 0; i < target->num_fields(); ++i) {
    const auto& field = target->field(i);
    int found = -1;
    for (int j = 0; j < table.num_columns() && found < 0; ++j) {
      if (Lower(table.field(j)->name()) == Lower(field->name())) found = j;
    }
    if (found < 0) {
      ARROW_ASSIGN_OR_RAISE(auto nulls, arrow::MakeArrayOfNull(field->type(), table.num_rows()));
      columns.push_back(std::make_shared<arrow::ChunkedArray>(nulls));
      continue;
    }
    auto column = table.column(found);
    if (!column->type()->Equals(*field->type())) {
      ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(column, field->type()));
      column = cast.chunked_array();
    }
    columns.push_back(column);
  }
  return arrow::Table::Make(target, columns, table.num_rows());
}

arrow::Result<SourceTables> ReadParquetSource(const SourceRequest& r) {
  SourceTables out;
  std::vector<std::shared_ptr<arrow::Table>> raw;
  bool merge = FlagOption(r, "mergeSchema");
  for (const auto& file : *r.files) {
    ARROW_ASSIGN_OR_RAISE(auto table, ReadParquetFile(file.path));
    if (!r.schema) {
      ARROW_ASSIGN_OR_RAISE(auto file_schema, FromArrowSchema(*table->schema()));
      if (!out.schema) {
        out.schema = file_schema;
      } else if (merge) {
        ARROW_ASSIGN_OR_RAISE(out.schema, MergeSchemas(*out.schema, *file_schema));
      }
    }
    raw.push_back(std::move(table));
  }
  if (r.schema) out.schema = r.schema;
  if (!out.schema) return UnableToInferSchema("Parquet");
  out.schema = Nullable(*out.schema);
  for (const auto& table : raw) {
    ARROW_ASSIGN_OR_RAISE(auto conformed, ConformTable(*table, *out.schema));
    out.tables.push_back(std::move(conformed));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Text

arrow::Result<SourceTables> ReadTextSource(const SourceRequest& r) {
  SourceTables out;
  out.schema = types::Struct({{"value", types::String(), true}});
  bool whole = FlagOption(r, "wholetext");
  std::string separator = OptionOr(r, "lineSep", "");
  for (const auto& file : *r.files) {
    ARROW_ASSIGN_OR_RAISE(std::string text, ReadTextFile(file.path));
    std::vector<std::string> lines = whole ? std::vector<std::string>{text} : SplitLines(text, separator);
    ARROW_ASSIGN_OR_RAISE(auto table, OneStringColumn("value", lines));
    out.tables.push_back(std::move(table));
  }
  return out;
}

// ---------------------------------------------------------------------------
// JSON

namespace {

arrow::Result<std::vector<std::string>> JsonRecords(const DataFile& file, bool multi_line) {
  ARROW_ASSIGN_OR_RAISE(std::string text, ReadTextFile(file.path));
  if (multi_line) return SplitJsonDocument(text);
  std::vector<std::string> records;
  for (auto& line : SplitLines(text, "")) {
    // Blank lines are not records.
    if (line.find_first_not_of(" \t\r\n") != std::string::npos) records.push_back(std::move(line));
  }
  return records;
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

ParseMode JsonMode(const SourceRequest& r) { return ParseModeOf(OptionOr(r, "mode", "PERMISSIVE")); }

// The records parsed by from_json, one column per schema field.
arrow::Result<std::shared_ptr<arrow::Table>> ParseJsonRecords(const SourceRequest& r,
                                                              const std::vector<std::string>& records,
                                                              const StructType& schema,
                                                              const std::string& corrupt,
                                                              bool drop_corrupt) {
  ARROW_ASSIGN_OR_RAISE(auto lines, OneStringColumn("value", records));
  DataFrame df = r.session->CreateDataFrame(lines);
  std::string mode = JsonMode(r) == ParseMode::kFailFast ? "FAILFAST" : "PERMISSIVE";
  ARROW_ASSIGN_OR_RAISE(auto options, OptionsLiteral({{"mode", mode}, {"columnNameOfCorruptRecord", corrupt}}));
  Column parsed = F::call_function(
      "from_json", {F::col("value"), Column(ex::String(ToJson(schema))), Column(options)});
  df = df.select({parsed.alias("record")});
  std::vector<Column> fields;
  for (const auto& f : schema.fields()) fields.push_back(F::col("record").getField(f.name).alias(f.name));
  df = df.select(fields);
  if (drop_corrupt) df = df.filter(F::col(corrupt).isNull()).drop({corrupt});
  return df.toArrow();
}

}  // namespace

arrow::Result<SourceTables> ReadJsonSource(const SourceRequest& r) {
  bool multi_line = FlagOption(r, "multiLine");
  std::vector<std::vector<std::string>> per_file;
  std::vector<std::string> all;
  for (const auto& file : *r.files) {
    ARROW_ASSIGN_OR_RAISE(auto records, JsonRecords(file, multi_line));
    all.insert(all.end(), records.begin(), records.end());
    per_file.push_back(std::move(records));
  }
  JsonInferOptions infer;
  infer.mode = JsonMode(r);
  infer.corrupt_column = OptionOr(r, "columnNameOfCorruptRecord", "_corrupt_record");
  SourceTables out;
  if (r.schema) {
    out.schema = r.schema;
  } else {
    ARROW_ASSIGN_OR_RAISE(out.schema, InferJsonSchema(all, infer));
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
  for (const auto& records : per_file) {
    ARROW_ASSIGN_OR_RAISE(auto table, ParseJsonRecords(r, records, *parse_schema, corrupt, drop));
    out.tables.push_back(std::move(table));
  }
  return out;
}

// ---------------------------------------------------------------------------
// CSV

namespace {

struct CsvFile {
  std::vector<CsvRecord> records;  // data records (the header removed)
  std::vector<std::optional<std::string>> header;
};

bool IsInteger(const std::string& s) {
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool IsDouble(const std::string& s) {
  if (s == "NaN" || s == "Infinity" || s == "-Infinity" || s == "+Infinity") return true;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isdigit(static_cast<unsigned char>(s.back())) != 0;
}

bool Digits(const std::string& s, size_t from, size_t n) {
  if (s.size() < from + n) return false;
  for (size_t i = from; i < from + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool IsDate(const std::string& s) {
  return s.size() == 10 && Digits(s, 0, 4) && s[4] == '-' && Digits(s, 5, 2) && s[7] == '-' &&
         Digits(s, 8, 2);
}

// yyyy-MM-dd[T| ]HH:mm[:ss[.fraction]][zone]: what the default timestamp parser accepts.
bool IsTimestamp(const std::string& s) {
  if (s.size() < 16 || !IsDate(s.substr(0, 10)) || (s[10] != 'T' && s[10] != ' ')) return false;
  return Digits(s, 11, 2) && s[13] == ':' && Digits(s, 14, 2);
}

// The narrowest type every value of a column fits, in Spark's inference order.
DataTypePtr InferCsvType(const std::vector<const std::string*>& values) {
  if (values.empty()) return types::String();
  auto all = [&](auto pred) {
    for (const auto* v : values) {
      if (!pred(*v)) return false;
    }
    return true;
  };
  if (all(IsInteger)) {
    bool fits_int = all([](const std::string& v) {
      errno = 0;
      long long x = std::strtoll(v.c_str(), nullptr, 10);
      return errno == 0 && x >= INT32_MIN && x <= INT32_MAX;
    });
    if (fits_int) return types::Int();
    bool fits_long = all([](const std::string& v) {
      errno = 0;
      std::strtoll(v.c_str(), nullptr, 10);
      return errno == 0;
    });
    if (fits_long) return types::Long();
    if (all([](const std::string& v) { return v.size() <= 38; })) return types::Decimal(38, 0);
  }
  if (all(IsDouble)) return types::Double();
  if (all(IsDate)) return types::Date();
  if (all([](const std::string& v) { return IsDate(v) || IsTimestamp(v); })) return types::Timestamp();
  if (all([](const std::string& v) { return Lower(v) == "true" || Lower(v) == "false"; })) {
    return types::Boolean();
  }
  return types::String();
}

StructTypePtr CsvSchema(const std::vector<CsvFile>& files, const CsvOptions& o) {
  std::vector<std::optional<std::string>> first;
  if (!files.empty()) {
    if (o.header) {
      first = files[0].header;
    } else if (!files[0].records.empty()) {
      first = files[0].records[0].fields;
    }
  }
  std::vector<StructField> fields;
  for (size_t i = 0; i < first.size(); ++i) {
    std::string name = (o.header && first[i] && !first[i]->empty()) ? *first[i] : fmt::format("_c{}", i);
    DataTypePtr type = types::String();
    if (o.infer_schema) {
      std::vector<const std::string*> values;
      for (const auto& f : files) {
        for (const auto& rec : f.records) {
          if (i < rec.fields.size() && rec.fields[i]) values.push_back(&*rec.fields[i]);
        }
      }
      type = InferCsvType(values);
    }
    fields.push_back({name, type, true});
  }
  return types::Struct(std::move(fields));
}

// Converts one file's records to `schema` (whose corrupt-record column, if
// any, is at `corrupt`), applying the parse mode to malformed records: a
// wrong number of fields, or a value that does not convert.
arrow::Result<std::shared_ptr<arrow::Table>> ConvertCsv(Session& session, const CsvFile& file,
                                                        const StructType& schema, int corrupt,
                                                        const CsvOptions& o) {
  std::vector<int> data_columns;
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (i != corrupt) data_columns.push_back(i);
  }
  size_t n = file.records.size();
  std::vector<bool> bad(n, false);
  std::vector<std::vector<std::optional<std::string>>> tokens(data_columns.size());
  for (size_t row = 0; row < n; ++row) {
    const auto& fields = file.records[row].fields;
    if (fields.size() != data_columns.size()) bad[row] = true;
    for (size_t c = 0; c < data_columns.size(); ++c) {
      tokens[c].push_back(c < fields.size() ? fields[c] : std::nullopt);
    }
  }
  arrow::FieldVector string_fields;
  std::vector<ArrayPtr> string_columns;
  std::vector<Column> converted;
  for (size_t c = 0; c < data_columns.size(); ++c) {
    std::string name = fmt::format("c{}", c);
    string_fields.push_back(arrow::field(name, arrow::utf8()));
    ARROW_ASSIGN_OR_RAISE(auto array, StringArray(tokens[c]));
    string_columns.push_back(array);
    const DataTypePtr& type = schema.field(data_columns[c]).type;
    Column col = F::col(name);
    converted.push_back(type->id() == TypeId::kString ? col : col.try_cast(type));
  }
  auto strings = arrow::Table::Make(arrow::schema(string_fields), string_columns, static_cast<int64_t>(n));
  ARROW_ASSIGN_OR_RAISE(auto typed, session.CreateDataFrame(strings).select(converted).toArrow());
  ARROW_ASSIGN_OR_RAISE(typed, typed->CombineChunks());
  for (int c = 0; c < typed->num_columns() && n > 0; ++c) {
    auto values = typed->column(c)->chunk(0);
    for (size_t row = 0; row < n; ++row) {
      if (tokens[c][row] && values->IsNull(static_cast<int64_t>(row))) bad[row] = true;
    }
  }
  std::vector<std::optional<std::string>> corrupt_text(n);
  arrow::Int64Builder keep;
  for (size_t row = 0; row < n; ++row) {
    if (bad[row] && o.mode == ParseMode::kFailFast) return MalformedRecordError(file.records[row].text);
    if (bad[row] && o.mode == ParseMode::kDropMalformed) continue;
    if (bad[row]) corrupt_text[row] = file.records[row].text;
    ARROW_RETURN_NOT_OK(keep.Append(static_cast<int64_t>(row)));
  }
  std::vector<std::shared_ptr<arrow::ChunkedArray>> columns;
  ARROW_ASSIGN_OR_RAISE(auto corrupt_array, StringArray(corrupt_text));
  size_t next_data = 0;
  for (int i = 0; i < schema.num_fields(); ++i) {
    auto column = i == corrupt ? std::make_shared<arrow::ChunkedArray>(corrupt_array)
                               : typed->column(static_cast<int>(next_data++));
    columns.push_back(column);
  }
  ARROW_ASSIGN_OR_RAISE(auto arrow_schema, ToArrowSchema(schema));
  auto all_rows = arrow::Table::Make(arrow_schema, columns, static_cast<int64_t>(n));
  ARROW_ASSIGN_OR_RAISE(auto indices, keep.Finish());
  ARROW_ASSIGN_OR_RAISE(auto kept, arrow::compute::Take(all_rows, indices));
  return kept.table();
}

}  // namespace

arrow::Result<SourceTables> ReadCsvSource(const SourceRequest& r) {
  ARROW_ASSIGN_OR_RAISE(CsvOptions o, CsvOptions::Make(*r.options));
  std::vector<CsvFile> files;
  for (const auto& file : *r.files) {
    ARROW_ASSIGN_OR_RAISE(std::string text, ReadTextFile(file.path));
    CsvFile parsed;
    parsed.records = ParseCsv(text, o);
    // Each file starts with its own header line.
    if (o.header && !parsed.records.empty()) {
      parsed.header = parsed.records.front().fields;
      parsed.records.erase(parsed.records.begin());
    }
    files.push_back(std::move(parsed));
  }
  SourceTables out;
  out.schema = r.schema ? r.schema : CsvSchema(files, o);
  if (out.schema->num_fields() == 0) return UnableToInferSchema("CSV");
  int corrupt = out.schema->FieldIndex(o.corrupt_column);
  if (corrupt >= 0 && out.schema->field(corrupt).type->id() != TypeId::kString) corrupt = -1;
  for (const auto& file : files) {
    ARROW_ASSIGN_OR_RAISE(auto table, ConvertCsv(*r.session, file, *out.schema, corrupt, o));
    out.tables.push_back(std::move(table));
  }
  return out;
}

}  // namespace spate
