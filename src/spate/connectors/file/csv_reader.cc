#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/common/runtime_config.h"
#include "spate/common/strings.h"
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
  std::vector<CsvRecord> records;  // data records (the header removed)
  std::vector<std::optional<std::string>> header;
};

StructTypePtr CsvSchema(const std::vector<CsvFile>& files, const CsvOptions& o, const CsvInference& infer) {
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
      type = InferCsvType(values, infer);
    }
    fields.push_back({name, type, true});
  }
  return types::Struct(std::move(fields));
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
  std::vector<CsvFile> files;
  for (const auto& file : *r.files) {
    ARROW_ASSIGN_OR_RAISE(std::string text, ReadFileText(r, file));
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
  ARROW_ASSIGN_OR_RAISE(auto formats, TextValueFormats::Make(*r.options));
  std::string time_zone = r.conf->Get("spark.sql.session.timeZone").value_or("UTC");
  CsvInference infer = CsvInference::Make(formats, *r.options, time_zone);
  out.schema = r.schema ? r.schema : CsvSchema(files, o, infer);
  if (out.schema->num_fields() == 0) return UnableToInferSchema("CSV");
  int corrupt = out.schema->FieldIndex(o.corrupt_column);
  if (corrupt >= 0 && out.schema->field(corrupt).type->id() != TypeId::kString) corrupt = -1;
  for (const auto& file : files) {
    ARROW_ASSIGN_OR_RAISE(auto table, ConvertCsv(*r.conf, file, *out.schema, corrupt, o, formats, time_zone));
    out.tables.push_back(std::move(table));
  }
  return out;
}

}  // namespace spate
