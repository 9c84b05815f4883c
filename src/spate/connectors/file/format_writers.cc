#include "spate/connectors/file/format_writers.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <unordered_map>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/runtime_config.h"
#include "spate/common/strings.h"
#include "spate/connectors/file/avro_container.h"
#include "spate/connectors/file/file_listing.h"
#include "spate/connectors/file/format_readers.h"
#include "spate/connectors/file/parquet_io.h"
#include "spate/exec/table_select.h"
#include "spate/expr/bound_expr.h"
#include "spate/expr/csv_text.h"
#include "spate/expr/expression.h"
#include "spate/expr/value_format.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace fs = std::filesystem;

namespace {

std::string OptionOr(const FileWrite& w, const std::string& key, const std::string& fallback) {
  auto it = w.options.find(AsciiLower(key));
  return it == w.options.end() ? fallback : it->second;
}

bool IsPartitionColumn(const std::string& name, const std::vector<std::string>& partition_by) {
  for (const auto& p : partition_by) {
    if (AsciiLower(p) == AsciiLower(name)) return true;
  }
  return false;
}

std::string DisplayName(const std::string& format) {
  if (format == "csv") return "CSV";
  if (format == "json") return "JSON";
  if (format == "text") return "Text";
  if (format == "avro") return "Avro";
  return "Parquet";
}

arrow::Status Unsupported(const std::string& format, const StructField& f) {
  return SparkError("UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE", "0A000",
                    fmt::format("The {} datasource doesn't support the column `{}` of the type "
                                "\"{}\".",
                                DisplayName(format), f.name, f.type->Sql()));
}

// Whether `type` is a struct without fields or holds one in a struct field (Spark's
// hasEmptySchema: arrays and maps are not looked into).
bool HasEmptyStruct(const DataType& type) {
  if (type.id() != TypeId::kStruct) return false;
  const auto& st = static_cast<const StructType&>(type);
  if (st.num_fields() == 0) return true;
  for (const auto& f : st.fields()) {
    if (HasEmptyStruct(*f.type)) return true;
  }
  return false;
}

// The `compression` option (alias `codec`), lower case: Parquet defaults to
// spark.sql.parquet.compression.codec (snappy), text formats to none;
// "uncompressed" is the same as "none".
std::string Compression(const FileWrite& w) {
  std::string fallback = "none";
  if (w.format == "parquet") fallback = w.conf->Get("spark.sql.parquet.compression.codec").value_or("snappy");
  std::string c = AsciiLower(OptionOr(w, "compression", OptionOr(w, "codec", fallback)));
  return c == "uncompressed" ? "none" : c;
}

// Spark's part file suffix: the codec, then the format (".snappy.parquet",
// ".csv.gz").
arrow::Result<std::string> Extension(const FileWrite& w) {
  if (w.format == "avro") return std::string(".avro");
  std::string codec = Compression(w);
  if (w.format == "parquet") {
    if (codec == "none") return std::string(".parquet");
    if (codec == "gzip") return std::string(".gz.parquet");
    if (codec == "lz4" || codec == "lz4_raw") return std::string(".lz4raw.parquet");
    return "." + codec + ".parquet";
  }
  std::string base = w.format == "json" ? ".json" : w.format == "csv" ? ".csv" : ".txt";
  if (codec == "none") return base;
  if (codec == "gzip") return base + ".gz";
  if (codec == "bzip2" || codec == "deflate" || codec == "lz4" || codec == "snappy" || codec == "zstd") {
    return arrow::Status::NotImplemented("compression ", codec, " for ", w.format, " files");
  }
  return SparkError("CODEC_NOT_AVAILABLE.WITH_AVAILABLE_CODECS_SUGGESTION", "56038",
                    fmt::format("The codec {} is not available. Available codecs are bzip2, "
                                "deflate, uncompressed, lz4, gzip, snappy, none, zstd.",
                                codec));
}

// The maxRecordsPerFile option, else spark.sql.files.maxRecordsPerFile; 0 or
// less: no limit.
arrow::Result<int64_t> MaxRecordsPerFile(const FileWrite& w) {
  std::string text = OptionOr(w, "maxRecordsPerFile", w.conf->Get("spark.sql.files.maxRecordsPerFile").value_or("0"));
  char* end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0') {
    return arrow::Status::Invalid("maxRecordsPerFile must be an integer, got '", text, "'.");
  }
  return static_cast<int64_t>(value);
}

// Rows as JSON Lines, with to_json's rules (null fields left out) and its
// datetime format options.
arrow::Result<std::string> JsonText(const FileWrite& w, const std::shared_ptr<arrow::Table>& rows) {
  std::vector<ExprPtr> args = {ex::Call("struct", {ex::Star()})};
  std::vector<ExprPtr> options;
  for (const char* name : {"timestampFormat", "timestampNTZFormat", "dateFormat"}) {
    std::string value = OptionOr(w, name, "");
    if (value.empty()) continue;
    options.push_back(ex::String(name));
    options.push_back(ex::String(value));
  }
  if (!options.empty()) args.push_back(ex::Call("map", std::move(options)));
  ExprPtr record = ex::Call("to_json", std::move(args));
  ARROW_ASSIGN_OR_RAISE(auto json, SelectOverTable(rows, {ex::Alias(record, "value")}, *w.conf));
  ARROW_ASSIGN_OR_RAISE(json, json->CombineChunks());
  std::string out;
  if (json->num_rows() == 0) return out;
  const auto& lines = static_cast<const arrow::StringArray&>(*json->column(0)->chunk(0));
  for (int64_t i = 0; i < lines.length(); ++i) {
    out += lines.GetView(i);
    out += "\n";
  }
  return out;
}

// A column as the CSV writer prints it: timestamps in the timestampFormat
// option (ISO 8601 with milliseconds and offset by default), the rest as
// CAST(... AS STRING).
ExprPtr CsvValue(const StructField& f, const FileWrite& w) {
  ExprPtr c = ex::ColFromName(f.name);
  auto date_format = [&](const std::string& option, const std::string& fallback) {
    return ex::Call("date_format", {c, ex::String(OptionOr(w, option, fallback))});
  };
  if (f.type->id() == TypeId::kTimestamp) return date_format("timestampFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
  if (f.type->id() == TypeId::kTimestampNtz) return date_format("timestampNTZFormat", "yyyy-MM-dd'T'HH:mm:ss.SSS");
  if (f.type->id() == TypeId::kDate && w.options.count("dateformat")) return date_format("dateFormat", "yyyy-MM-dd");
  return ex::Cast(c, types::String());
}

arrow::Result<std::string> CsvText(const FileWrite& w, const std::shared_ptr<arrow::Table>& rows,
                                   const StructType& schema) {
  ARROW_ASSIGN_OR_RAISE(CsvOptions o, CsvOptions::Make(w.options));
  std::vector<ExprPtr> values;
  for (const auto& f : schema.fields()) values.push_back(ex::Alias(CsvValue(f, w), f.name));
  ARROW_ASSIGN_OR_RAISE(auto text, SelectOverTable(rows, values, *w.conf));
  ARROW_ASSIGN_OR_RAISE(text, text->CombineChunks());
  std::string out;
  if (o.header) {
    for (int c = 0; c < schema.num_fields(); ++c) {
      if (c > 0) out += o.sep;
      AppendCsvField(std::string_view(schema.field(c).name), o, &out);
    }
    out += o.line_sep;
  }
  for (int64_t row = 0; row < text->num_rows(); ++row) {
    for (int c = 0; c < text->num_columns(); ++c) {
      if (c > 0) out += o.sep;
      const auto& strings = static_cast<const arrow::StringArray&>(*text->column(c)->chunk(0));
      std::optional<std::string_view> v;
      if (strings.IsValid(row)) v = strings.GetView(row);
      AppendCsvField(v, o, &out);
    }
    out += o.line_sep;
  }
  return out;
}

arrow::Result<std::string> TextLines(const std::shared_ptr<arrow::Table>& rows) {
  ARROW_ASSIGN_OR_RAISE(auto combined, rows->CombineChunks());
  std::string out;
  for (int64_t row = 0; row < combined->num_rows(); ++row) {
    const auto& strings = static_cast<const arrow::StringArray&>(*combined->column(0)->chunk(0));
    // A NULL row is an empty line, as Spark's text writer leaves it.
    if (strings.IsValid(row)) out += strings.GetView(row);
    out += "\n";
  }
  return out;
}

// Avro's options: the `compression` option, else spark.sql.avro.compression.codec (snappy);
// the deflate and xz levels.
arrow::Result<AvroWriteOptions> AvroOptions(const FileWrite& w) {
  AvroWriteOptions o;
  const RuntimeConfig& conf = *w.conf;
  o.codec = AsciiLower(OptionOr(w, "compression", conf.Get("spark.sql.avro.compression.codec").value_or("snappy")));
  if (o.codec != "uncompressed" && o.codec != "deflate" && o.codec != "snappy" && o.codec != "zstandard" &&
      o.codec != "bzip2" && o.codec != "xz") {
    return arrow::Status::Invalid(fmt::format(
        "[CODEC_NOT_AVAILABLE.WITH_AVAILABLE_CODECS_SUGGESTION] The codec {} is not available. "
        "Available codecs are uncompressed, deflate, snappy, bzip2, xz, zstandard. SQLSTATE: 56038",
        o.codec));
  }
  const std::string level = conf.Get("spark.sql.avro.deflate.level").value_or("-1");
  char* end = nullptr;
  long parsed = std::strtol(level.c_str(), &end, 10);
  if (level.empty() || *end != '\0' || parsed < -1 || parsed > 9) {
    return arrow::Status::Invalid("spark.sql.avro.deflate.level must be an integer from -1 to 9, got '", level, "'.");
  }
  o.deflate_level = static_cast<int>(parsed);
  const std::string xz_level = conf.Get("spark.sql.avro.xz.level").value_or("6");
  parsed = std::strtol(xz_level.c_str(), &end, 10);
  if (xz_level.empty() || *end != '\0' || parsed < 1 || parsed > 9) {
    return arrow::Status::Invalid("spark.sql.avro.xz.level must be an integer from 1 to 9, got '", xz_level, "'.");
  }
  o.xz_level = static_cast<int>(parsed);
  o.record_name = OptionOr(w, "recordName", "topLevelRecord");
  o.record_namespace = OptionOr(w, "recordNamespace", "");
  o.schema_json = OptionOr(w, "avroSchema", "");
  return o;
}

arrow::Status WriteAvroPart(const FileWrite& w, const std::shared_ptr<arrow::Table>& rows,
                            const StructType& schema, const std::string& path, const FileSystemPtr& store) {
  ARROW_ASSIGN_OR_RAISE(AvroWriteOptions options, AvroOptions(w));
  ARROW_ASSIGN_OR_RAISE(std::string bytes, WriteAvroContainer(*rows, schema, options));
  return WriteErrorOf(path, WriteWholeFile(path, bytes, store));
}

// One part file at `path`; `store` is the object store holding it (null: a local file).
arrow::Status WritePart(const FileWrite& w, const std::shared_ptr<arrow::Table>& rows,
                        const StructType& schema, const std::string& path, const FileSystemPtr& store) {
  if (w.format == "parquet") return WriteErrorOf(path, WriteParquetFile(*rows, path, Compression(w), store));
  if (w.format == "avro") return WriteAvroPart(w, rows, schema, path, store);
  std::string text;
  if (w.format == "json") {
    ARROW_ASSIGN_OR_RAISE(text, JsonText(w, rows));
  } else if (w.format == "csv") {
    ARROW_ASSIGN_OR_RAISE(text, CsvText(w, rows, schema));
  } else {
    ARROW_ASSIGN_OR_RAISE(text, TextLines(rows));
  }
  return WriteErrorOf(path, Compression(w) == "gzip" ? WriteGzipFile(path, text, store)
                                                     : WriteWholeFile(path, text, store));
}

struct PartitionGroups {
  std::vector<std::string> directories;  // "a=1/b=x", one per group
  std::vector<std::vector<int64_t>> rows;
};

// Groups rows by their partition values, in order of first appearance.
arrow::Result<PartitionGroups> GroupByPartition(const FileWrite& w, const arrow::Table& table,
                                                const StructType& schema,
                                                const std::vector<int>& partition_indices) {
  PartitionGroups groups;
  FormatOptions format = MakeEvalContext(*w.conf).format;
  std::vector<std::shared_ptr<arrow::StringArray>> values;
  for (int index : partition_indices) {
    ARROW_ASSIGN_OR_RAISE(auto column, arrow::Concatenate(table.column(index)->chunks()));
    ARROW_ASSIGN_OR_RAISE(auto text, CastToString(*column, *schema.field(index).type, format));
    values.push_back(std::static_pointer_cast<arrow::StringArray>(text));
  }
  std::unordered_map<std::string, size_t> group_of;
  for (int64_t row = 0; row < table.num_rows(); ++row) {
    std::string dir;
    for (size_t k = 0; k < partition_indices.size(); ++k) {
      const auto& v = *values[k];
      // NULL and empty values go to Hive's default partition.
      std::string value = v.IsValid(row) && v.value_length(row) > 0 ? EscapePartitionValue(std::string(v.GetView(row)))
                                                                     : kDefaultPartitionName;
      dir += (k ? "/" : "") + EscapePartitionValue(schema.field(partition_indices[k]).name) + "=" + value;
    }
    auto [it, inserted] = group_of.emplace(dir, groups.directories.size());
    if (inserted) {
      groups.directories.push_back(dir);
      groups.rows.emplace_back();
    }
    groups.rows[it->second].push_back(row);
  }
  return groups;
}

arrow::Status PrepareDirectory(const FileWrite& w, const FileSystemPtr& store, bool* skip) {
  ARROW_ASSIGN_OR_RAISE(bool exists, PathExists(w.path, store));
  *skip = false;
  switch (w.mode) {
    case SaveMode::kErrorIfExists:
      if (exists) return PathAlreadyExists(w.path);
      break;
    case SaveMode::kIgnore:
      *skip = exists;
      break;
    case SaveMode::kOverwrite:
      if (exists) ARROW_RETURN_NOT_OK(RemoveAll(w.path, store));
      break;
    case SaveMode::kAppend:
      break;
  }
  return arrow::Status::OK();
}

}  // namespace

arrow::Status CheckWritableSchema(const std::string& format, const StructType& schema,
                                  const std::vector<std::string>& partition_by) {
  if (format != "parquet" && format != "json" && format != "csv" && format != "text" && format != "avro") {
    return DataSourceNotFound(format);
  }
  for (const auto& p : partition_by) {
    if (schema.FieldIndex(p) < 0) {
      return SparkError("COLUMN_NOT_FOUND", "42703",
                        fmt::format("The column `{}` does not exist. Verify the spelling and "
                                    "correctness of the column name according to the SQL config "
                                    "spark.sql.caseSensitive.",
                                    p));
    }
  }
  std::vector<const StructField*> data;
  for (const auto& f : schema.fields()) {
    if (!IsPartitionColumn(f.name, partition_by)) data.push_back(&f);
  }
  if (!partition_by.empty() && data.empty()) {
    return SparkError("ALL_PARTITION_COLUMNS_NOT_ALLOWED", "KD005",
                      "Cannot use all columns for partition columns.");
  }
  if (format == "text") {
    if (data.size() != 1) {
      return arrow::Status::Invalid(fmt::format("[_LEGACY_ERROR_TEMP_1290] Text data source "
                                                "supports only a single column, and you have {} "
                                                "columns.",
                                                data.size()));
    }
    if (data[0]->type->id() != TypeId::kString) return Unsupported(format, *data[0]);
  }
  if (format == "avro" && (data.empty() || std::any_of(data.begin(), data.end(), [](const StructField* f) {
                             return HasEmptyStruct(*f->type);
                           }))) {
    return SparkError("EMPTY_SCHEMA_NOT_SUPPORTED_FOR_DATASOURCE", "0A000",
                      "The Avro datasource does not support writing empty or nested empty schemas. "
                      "Please make sure the data schema has at least one or more column(s).");
  }
  for (const auto* f : data) {
    bool nested = f->type->IsNested();
    if ((format == "csv" && nested) || f->type->id() == TypeId::kInterval) return Unsupported(format, *f);
  }
  return arrow::Status::OK();
}

arrow::Result<std::vector<std::string>> WritePartFiles(const FileWrite& w,
                                                      const std::shared_ptr<arrow::Table>& rows,
                                                      const StructType& schema) {
  ARROW_RETURN_NOT_OK(CheckWritableSchema(w.format, schema, w.partition_by));
  ARROW_ASSIGN_OR_RAISE(std::string extension, Extension(w));
  ARROW_ASSIGN_OR_RAISE(FileSystemPtr store, FileSystemFor(*w.conf, w.path));
  // An object store has no directories: objects are named by their whole path.
  std::error_code ec;
  if (!store) fs::create_directories(w.path, ec);
  if (ec) return arrow::Status::IOError("cannot create ", w.path, ": ", ec.message());

  std::vector<int> partition_indices, data_indices;
  for (const auto& p : w.partition_by) partition_indices.push_back(schema.FieldIndex(p));
  std::vector<StructField> data_fields;
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (IsPartitionColumn(schema.field(i).name, w.partition_by)) continue;
    data_indices.push_back(i);
    data_fields.push_back(schema.field(i));
  }
  auto data_schema = types::Struct(std::move(data_fields));
  ARROW_ASSIGN_OR_RAISE(auto data, rows->SelectColumns(data_indices));
  std::string uuid = RandomUuid();
  std::vector<std::string> written;
  ARROW_ASSIGN_OR_RAISE(int64_t max_records, MaxRecordsPerFile(w));
  // One task's rows into part files of at most max_records rows each (c000, c001, ...).
  auto write_task = [&](const std::string& dir, int task, const std::shared_ptr<arrow::Table>& rows) -> arrow::Status {
    int64_t n = rows->num_rows();
    int64_t per_file = max_records > 0 ? max_records : std::max<int64_t>(n, 1);
    for (int64_t start = 0, count = 0; start < n || (n == 0 && count == 0); start += per_file, ++count) {
      written.push_back(JoinPath(dir, PartFileName(task, uuid, extension, static_cast<int>(count))));
      ARROW_RETURN_NOT_OK(WritePart(w, rows->Slice(start, per_file), *data_schema, written.back(), store));
    }
    return arrow::Status::OK();
  };
  if (partition_indices.empty()) {
    ARROW_RETURN_NOT_OK(write_task(w.path, 0, data));
    return written;
  }
  ARROW_ASSIGN_OR_RAISE(auto groups, GroupByPartition(w, *rows, schema, partition_indices));
  for (size_t g = 0; g < groups.directories.size(); ++g) {
    arrow::Int64Builder indices;
    ARROW_RETURN_NOT_OK(indices.AppendValues(groups.rows[g]));
    ARROW_ASSIGN_OR_RAISE(auto index_array, indices.Finish());
    ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(data, index_array));
    std::string dir = JoinPath(w.path, groups.directories[g]);
    if (!store) fs::create_directories(dir, ec);
    if (ec) return arrow::Status::IOError("cannot create ", dir, ": ", ec.message());
    ARROW_RETURN_NOT_OK(write_task(dir, static_cast<int>(g), taken.table()));
  }
  return written;
}

arrow::Status WriteFiles(const FileWrite& w, const std::shared_ptr<arrow::Table>& rows,
                         const StructType& schema) {
  ARROW_RETURN_NOT_OK(CheckWritableSchema(w.format, schema, w.partition_by));
  ARROW_RETURN_NOT_OK(Extension(w).status());
  ARROW_ASSIGN_OR_RAISE(FileSystemPtr store, FileSystemFor(*w.conf, w.path));
  if (store) ARROW_RETURN_NOT_OK(CheckBucketExists(store, w.path));
  bool skip = false;
  ARROW_RETURN_NOT_OK(PrepareDirectory(w, store, &skip));
  if (skip) return arrow::Status::OK();
  ARROW_RETURN_NOT_OK(WritePartFiles(w, rows, schema).status());
  return WriteWholeFile(JoinPath(w.path, "_SUCCESS"), "", store);
}

}  // namespace spate
