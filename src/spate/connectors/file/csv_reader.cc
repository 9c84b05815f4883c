#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <map>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "spate/common/runtime_config.h"
#include "spate/common/strings.h"
#include "spate/connectors/file/file_log.h"
#include "spate/connectors/file/file_sample.h"
#include "spate/connectors/file/format_readers.h"
#include "spate/exec/table_select.h"
#include "spate/expr/csv_text.h"
#include "spate/expr/csv_infer.h"
#include "spate/expr/expression.h"
#include "spate/expr/parse_mode.h"
#include "spate/expr/text_value_formats.h"
#include "spate/types/arrow_types.h"

// The CSV reader: records split by csv_text, column types given or inferred
// (Spark's order: int, bigint, decimal, double, date, timestamp, boolean,
// string), values converted with TRY_CAST so that a value that does not
// convert marks its record as malformed; DECIMAL values read first by the
// locale's decimal parser, DATE and TIMESTAMP[_NTZ] values by the dateFormat,
// timestampFormat and timestampNTZFormat patterns when given, as Spark reads
// them.

namespace spate {

namespace {

struct CsvFile {
  std::string path;
  int64_t bytes = 0;               // the text's size
  std::vector<CsvRecord> records;  // data records (the header removed)
  std::optional<CsvRecord> header;
};

// The schema: named from `first`'s fields with a header as Spark names them
// (an empty field _c<i>; a name found twice, ignoring case unless
// `case_sensitive`, with its position appended), else _c0, _c1, ...; typed
// from `records` with inferSchema, else strings.
StructTypePtr CsvSchema(const std::optional<CsvRecord>& first, const std::vector<const CsvRecord*>& records,
                        const CsvOptions& o, const CsvInference& infer, bool case_sensitive) {
  auto key = [&](const std::string& name) { return case_sensitive ? name : AsciiLower(name); };
  std::map<std::string, int> uses;
  for (size_t i = 0; first && i < first->fields.size(); ++i) {
    if (first->fields[i]) ++uses[key(*first->fields[i])];
  }
  std::vector<StructField> fields;
  for (size_t i = 0; first && i < first->fields.size(); ++i) {
    const auto& value = first->fields[i];
    std::string name = fmt::format("_c{}", i);
    if (o.header && value && !value->empty()) name = uses[key(*value)] > 1 ? fmt::format("{}{}", *value, i) : *value;
    DataTypePtr type = types::String();
    if (o.infer_schema) {
      std::vector<const std::string*> values;
      for (const CsvRecord* rec : records) {
        if (i < rec->fields.size() && rec->fields[i]) values.push_back(&*rec->fields[i]);
      }
      type = InferCsvType(values, infer);
    }
    fields.push_back({name, type, true});
  }
  return types::Struct(std::move(fields));
}

// Whether a line is empty or white space only (Java's String.trim leaves nothing).
bool IsBlankLine(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return static_cast<unsigned char>(c) <= ' '; });
}

// The record Spark names (with a header) or counts the columns from. Without
// multiLine, the first line its text scan reads (ForEachScannedLine: the
// largest file's first split first) that is neither blank nor a comment; with
// multiLine, the first record of the first file holding one, files in order.
arrow::Result<std::optional<CsvRecord>> FirstRecord(const std::vector<CsvFile>& files,
                                                    const std::vector<std::string>& texts, const CsvOptions& o,
                                                    const RuntimeConfig& conf) {
  std::optional<CsvRecord> first;
  if (o.multi_line) {
    for (const auto& file : files) {
      if (file.header) return file.header;
      if (!file.records.empty()) return file.records.front();
    }
    return first;
  }
  ARROW_RETURN_NOT_OK(ForEachScannedLine(texts, conf, [&](size_t, std::string_view line) {
    if (IsBlankLine(line) || (o.comment != '\0' && line.front() == o.comment)) return true;
    auto records = ParseCsv(line, o);
    if (!records.empty()) first = std::move(records.front());
    return false;
  }));
  return first;
}

// The records the schema's types are inferred from, with Spark's samplingRatio
// (file_sample.h); `sampled` holds those read again from sampled lines. With
// multiLine Spark samples each file's records after its header. Otherwise it
// samples the files' lines (headers, comment and blank lines draw too), then
// drops comment and blank lines and, with a header, every line equal to
// `first`'s (so another file's different header is read as data), and reads
// each line as a record.
arrow::Result<std::vector<const CsvRecord*>> RecordsToInfer(const std::vector<CsvFile>& files,
                                                            const std::vector<std::string>& texts,
                                                            const std::optional<CsvRecord>& first, double ratio,
                                                            const CsvOptions& o, const RuntimeConfig& conf,
                                                            std::vector<CsvRecord>* sampled) {
  std::vector<const CsvRecord*> out;
  if (o.multi_line) {
    std::vector<int64_t> sizes;
    std::vector<size_t> counts;
    for (const auto& f : files) {
      sizes.push_back(f.bytes);
      counts.push_back(f.records.size());
    }
    ARROW_ASSIGN_OR_RAISE(auto kept, SampleWholeFileItems(sizes, counts, ratio, conf));
    for (size_t f = 0; f < files.size(); ++f) {
      for (size_t i = 0; i < files[f].records.size(); ++i) {
        if (kept[f][i]) out.push_back(&files[f].records[i]);
      }
    }
    return out;
  }
  std::optional<std::string_view> header;
  if (o.header && first) header = first->text;
  auto is_data = [&](std::string_view line) { return !IsBlankLine(line) && line != header; };
  if (ratio > 0.99) {
    // Every line: the files' records, without multiLine a line each.
    for (const auto& file : files) {
      if (file.header && is_data(file.header->text)) out.push_back(&*file.header);
      for (const auto& record : file.records) {
        if (is_data(record.text)) out.push_back(&record);
      }
    }
    return out;
  }
  ARROW_RETURN_NOT_OK(ForEachSampledLine(texts, ratio, conf, [&](std::string_view line) {
    if (!is_data(line)) return;
    for (auto& record : ParseCsv(line, o)) sampled->push_back(std::move(record));
  }));
  for (const auto& record : *sampled) out.push_back(&record);
  return out;
}

// enforceSchema=false: a file's header must name the schema's fields (but the
// corrupt-record column) in order, compared as spark.sql.caseSensitive says.
// When the query reads only some of them, only their columns of the header
// are compared, as Spark's parser then reads only those (CSVHeaderChecker).
arrow::Status CheckHeader(const CsvFile& file, const StructType& schema, const CsvOptions& o,
                          const FileReadRequest& r) {
  if (!file.header) return arrow::Status::OK();
  std::vector<std::string> names;  // of the fields read
  std::vector<size_t> positions;   // their positions among the data columns
  size_t data_columns = 0;
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (schema.field(i).name == o.corrupt_column) continue;
    if (r.columns.empty() || r.columns[i]) {
      names.push_back(schema.field(i).name);
      positions.push_back(data_columns);
    }
    ++data_columns;
  }
  const auto& fields = file.header->fields;
  std::vector<std::string> header;
  if (names.size() < data_columns) {
    for (size_t p : positions) header.push_back(p < fields.size() ? fields[p].value_or("") : "");
  } else {
    for (const auto& name : fields) header.push_back(name.value_or(""));
  }
  std::string source = "CSV file: " + ToFileUri(file.path);
  if (header.size() != names.size()) {
    return arrow::Status::Invalid(fmt::format(
        "Number of column in CSV header is not equal to number of fields in the schema:\n"
        " Header length: {}, schema size: {}\n{}",
        header.size(), names.size(), source));
  }
  bool case_sensitive = AsciiLower(r.conf->Get("spark.sql.caseSensitive", "false")) == "true";
  for (size_t i = 0; i < names.size(); ++i) {
    bool same = case_sensitive ? header[i] == names[i] : AsciiLower(header[i]) == AsciiLower(names[i]);
    if (!same) {
      return arrow::Status::Invalid(fmt::format(
          "CSV header does not conform to the schema.\n Header: {}\n Schema: {}\nExpected: {} but found: {}\n{}",
          fmt::join(header, ", "), fmt::join(names, ", "), names[i], header[i], source));
    }
  }
  return arrow::Status::OK();
}

// Converts one file's records to `schema` (whose corrupt-record column, if
// any, is at `corrupt`), applying the parse mode to malformed records: a
// wrong number of fields, or a value that does not convert.
arrow::Result<std::shared_ptr<arrow::Table>> ConvertCsv(const RuntimeConfig& conf, const CsvFile& file,
                                                        const StructType& schema, int corrupt,
                                                        const CsvOptions& o, const TextValueFormats& formats,
                                                        const std::string& time_zone) {
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
  std::vector<std::shared_ptr<arrow::Array>> string_columns;
  std::vector<ExprPtr> converted;
  for (size_t c = 0; c < data_columns.size(); ++c) {
    std::string name = fmt::format("c{}", c);
    const DataTypePtr& type = schema.field(data_columns[c]).type;
    std::vector<std::optional<std::string>> values = tokens[c];
    if (type->id() == TypeId::kDecimal) formats.ReadDecimals(&values);
    // A value a pattern reads is converted here; the rest by TRY_CAST.
    ARROW_ASSIGN_OR_RAISE(auto array, formats.ReadDatetimes(values, *type, time_zone));
    bool read = array != nullptr;
    if (!read) {
      ARROW_ASSIGN_OR_RAISE(array, StringArray(values));
    }
    string_fields.push_back(arrow::field(name, array->type()));
    string_columns.push_back(array);
    ExprPtr col = ex::ColFromName(name);
    converted.push_back(read || type->id() == TypeId::kString ? col : ex::Cast(col, type, /*try_cast=*/true));
  }
  auto strings = arrow::Table::Make(arrow::schema(string_fields), string_columns, static_cast<int64_t>(n));
  ARROW_ASSIGN_OR_RAISE(auto typed, SelectOverTable(strings, converted, conf));
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

arrow::Result<SourceTables> ReadCsvSource(const FileReadRequest& r) {
  ARROW_RETURN_NOT_OK(CheckEncoding(r, "CSVOptions"));
  ARROW_ASSIGN_OR_RAISE(CsvOptions o, CsvOptions::Make(*r.options));
  ARROW_ASSIGN_OR_RAISE(double sampling_ratio, SamplingRatio(r, !r.schema));
  // The texts are kept when a schema is inferred from their lines.
  const bool infer_from_lines = !r.schema && !o.multi_line;
  std::vector<std::string> texts;
  std::vector<CsvFile> files;
  for (const auto& file : *r.files) {
    ARROW_ASSIGN_OR_RAISE(std::string text, ReadFileText(r, file));
    CsvFile parsed;
    parsed.path = file.path;
    parsed.bytes = static_cast<int64_t>(text.size());
    parsed.records = ParseCsv(text, o);
    // Without multiLine Spark skips lines of white space too.
    if (!o.multi_line) std::erase_if(parsed.records, [](const CsvRecord& rec) { return IsBlankLine(rec.text); });
    // Each file starts with its own header line.
    if (o.header && !parsed.records.empty()) {
      parsed.header = std::move(parsed.records.front());
      parsed.records.erase(parsed.records.begin());
    }
    files.push_back(std::move(parsed));
    if (infer_from_lines) texts.push_back(std::move(text));
  }
  SourceTables out;
  ARROW_ASSIGN_OR_RAISE(auto formats, TextValueFormats::Make(*r.options));
  std::string time_zone = r.conf->Get("spark.sql.session.timeZone").value_or("UTC");
  CsvInference infer = CsvInference::Make(formats, *r.options, time_zone);
  if (r.schema) {
    out.schema = r.schema;
  } else {
    ARROW_ASSIGN_OR_RAISE(auto first, FirstRecord(files, texts, o, *r.conf));
    std::vector<CsvRecord> sampled;
    ARROW_ASSIGN_OR_RAISE(auto records, RecordsToInfer(files, texts, first, sampling_ratio, o, *r.conf, &sampled));
    bool case_sensitive = AsciiLower(r.conf->Get("spark.sql.caseSensitive", "false")) == "true";
    out.schema = CsvSchema(first, records, o, infer, case_sensitive);
  }
  if (out.schema->num_fields() == 0) return UnableToInferSchema("CSV");
  int corrupt = out.schema->FieldIndex(o.corrupt_column);
  if (corrupt >= 0 && out.schema->field(corrupt).type->id() != TypeId::kString) corrupt = -1;
  for (const auto& file : files) {
    if (o.header && !o.enforce_schema) {
      auto checked = CheckHeader(file, *out.schema, o, r);
      if (!checked.ok()) return FailedReadFile(file.path, false, checked);
    }
    ARROW_ASSIGN_OR_RAISE(auto table, ConvertCsv(*r.conf, file, *out.schema, corrupt, o, formats, time_zone));
    out.tables.push_back(std::move(table));
  }
  return out;
}

}  // namespace spate
