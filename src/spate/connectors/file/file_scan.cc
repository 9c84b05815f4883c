// Reading data files of a format into one table: the format's reader for the
// data columns, then the partition columns of Hive-style `col=value`
// directories, typed as Spark infers them; and the errors for format names.

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/runtime_config.h"
#include "spate/common/strings.h"
#include "spate/common/utf8.h"
#include "spate/connectors/file/file_listing.h"
#include "spate/connectors/file/format_readers.h"
#include "spate/plan/plan_builder.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

bool IsIntegerText(const std::string& s) {
  if (s.empty()) return false;
  size_t i = (s[0] == '-') ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

bool IsDoubleText(const std::string& s) {
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size();
}

bool IsDateText(const std::string& s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && IsIntegerText(s.substr(0, 4)) &&
         IsIntegerText(s.substr(5, 2)) && IsIntegerText(s.substr(8, 2));
}

// Spark's partition value inference: int, bigint, double, date, else string.
DataTypePtr InferPartitionType(const std::vector<const std::string*>& values) {
  auto all = [&](auto pred) {
    for (const auto* v : values) {
      if (v != nullptr && !pred(*v)) return false;
    }
    return true;
  };
  if (all(IsIntegerText)) {
    bool fits_int = all([](const std::string& v) {
      errno = 0;
      long long x = std::strtoll(v.c_str(), nullptr, 10);
      return errno == 0 && x >= INT32_MIN && x <= INT32_MAX;
    });
    if (fits_int) return types::Int();
    if (all([](const std::string& v) { return v.size() <= 18; })) return types::Long();
  }
  if (all(IsDoubleText)) return types::Double();
  if (all(IsDateText)) return types::Date();
  return types::String();
}

// The partition columns of the listed files, typed by the user's schema
// when it names them, else inferred from the directory values.
StructTypePtr PartitionSchema(const std::vector<DataFile>& files, const StructTypePtr& user,
                              const std::vector<std::string>& known) {
  std::vector<std::string> names = known;
  for (const auto& f : files) {
    for (const auto& [k, _] : f.partition_values) {
      bool seen = false;
      for (const auto& n : names) seen = seen || AsciiLower(n) == AsciiLower(k);
      if (!seen) names.push_back(k);
    }
  }
  std::vector<StructField> fields;
  for (const auto& name : names) {
    int user_index = user ? user->FieldIndex(name) : -1;
    if (user_index >= 0) {
      fields.push_back(user->field(user_index));
      continue;
    }
    std::vector<const std::string*> values;
    for (const auto& f : files) {
      for (const auto& [k, v] : f.partition_values) {
        if (AsciiLower(k) == AsciiLower(name) && v != kDefaultPartitionName) values.push_back(&v);
      }
    }
    fields.push_back({name, InferPartitionType(values), true});
  }
  return types::Struct(std::move(fields));
}

// The user's schema without the partition columns: what the files hold.
StructTypePtr DataSchema(const StructTypePtr& user, const StructType& partitions) {
  if (!user) return nullptr;
  std::vector<StructField> fields;
  for (const auto& f : user->fields()) {
    if (partitions.FieldIndex(f.name) < 0) fields.push_back(f);
  }
  return types::Struct(std::move(fields));
}

// The columns of files read with a given schema: the data columns, then the
// partition columns (as ReadDataFiles gives them, without reading the files).
StructTypePtr GivenFileSchema(const std::vector<DataFile>& files, const StructTypePtr& schema,
                              const std::vector<std::string>& partition_columns) {
  StructTypePtr partitions = PartitionSchema(files, schema, partition_columns);
  std::vector<StructField> fields = DataSchema(schema, *partitions)->fields();
  for (const auto& p : partitions->fields()) fields.push_back(p);
  return types::Struct(std::move(fields));
}

// One file's partition value as a column of `rows` copies.
arrow::Result<std::shared_ptr<arrow::Array>> PartitionColumn(const DataFile& file,
                                                            const StructField& field, int64_t rows) {
  ARROW_ASSIGN_OR_RAISE(auto type, ToArrowType(*field.type));
  for (const auto& [k, v] : file.partition_values) {
    if (AsciiLower(k) != AsciiLower(field.name) || v == kDefaultPartitionName) continue;
    ARROW_ASSIGN_OR_RAISE(auto text, arrow::MakeArrayFromScalar(arrow::StringScalar(v), rows));
    ARROW_ASSIGN_OR_RAISE(auto typed, arrow::compute::Cast(*text, type));
    return typed;
  }
  return arrow::MakeArrayOfNull(type, rows);
}

arrow::Result<SourceTables> ReadSource(const std::string& format, const FileReadRequest& request) {
  if (format == "parquet") return ReadParquetSource(request);
  if (format == "avro") return ReadAvroSource(request);
  if (format == "json") return ReadJsonSource(request);
  if (format == "text") return ReadTextSource(request);
  if (format != "csv") return DataSourceNotFound(format);
  // Text files may hold bytes that are not UTF-8: they become U+FFFD here (the
  // JSON and text readers replace them in each piece they read).
  ARROW_ASSIGN_OR_RAISE(SourceTables data, ReadCsvSource(request));
  for (auto& table : data.tables) {
    ARROW_ASSIGN_OR_RAISE(table, ReplaceInvalidUtf8(table));
  }
  return data;
}

// The size and modification time of a local file; nullopt when it is gone
// (or is not a local file: objects in a store are read once).
using FileStamp = std::optional<std::pair<uintmax_t, std::filesystem::file_time_type>>;

FileStamp StampOf(const std::string& path) {
  std::error_code error;
  auto size = std::filesystem::file_size(path, error);
  if (error) return std::nullopt;
  auto time = std::filesystem::last_write_time(path, error);
  if (error) return std::nullopt;
  return std::make_pair(size, time);
}

// The rows of a file relation (spark.read of files): its listing is made once,
// as Spark's file index makes it when the DataFrame is created, and its files
// are read again when one changed (Spark reads them in every run of a query).
// A listed file that is gone keeps the rows read before.
class FileRelation {
 public:
  FileRelation(const RuntimeConfig& conf, std::string format, std::vector<DataFile> files,
               std::map<std::string, std::string> options, std::vector<std::string> partition_columns)
      : conf_(conf),
        format_(std::move(format)),
        files_(std::move(files)),
        options_(std::move(options)),
        partition_columns_(std::move(partition_columns)) {}

  // The first read, which also fixes the schema of the later ones. JSON and
  // CSV files with a given schema are not read yet (only their options
  // checked): each run reads the fields its query reads (CSV checks only
  // their header names with enforceSchema=false).
  arrow::Result<StructTypePtr> Load(const StructTypePtr& schema) {
    stamps_ = Stamps();
    if (schema && (format_ == "json" || format_ == "csv")) {
      ARROW_RETURN_NOT_OK(ReadDataFiles(conf_, format_, {}, schema, options_, partition_columns_).status());
      schema_ = GivenFileSchema(files_, schema, partition_columns_);
      return schema_;
    }
    ARROW_ASSIGN_OR_RAISE(FileTable data, ReadDataFiles(conf_, format_, files_, schema, options_, partition_columns_));
    schema_ = data.schema;
    table_ = data.table;
    return schema_;
  }

  // The rows, of which `columns` (empty: all) are read (FileReadRequest::columns),
  // read on `tasks` (FileReadRequest::tasks).
  arrow::Result<std::shared_ptr<arrow::Table>> Rows(const std::vector<bool>& columns, TaskPool* tasks) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<FileStamp> stamps = Stamps();
    bool gone = std::find(stamps.begin(), stamps.end(), std::nullopt) != stamps.end();
    bool kept = table_ && (table_columns_.empty() || table_columns_ == columns);
    if (kept && (gone || stamps == stamps_)) return table_;
    ARROW_ASSIGN_OR_RAISE(FileTable data,
                          ReadDataFiles(conf_, format_, files_, schema_, options_, partition_columns_, columns, tasks));
    stamps_ = std::move(stamps);
    table_ = data.table;
    table_columns_ = columns;
    return table_;
  }

 private:
  std::vector<FileStamp> Stamps() const {
    std::vector<FileStamp> out;
    for (const auto& file : files_) out.push_back(StampOf(file.path));
    return out;
  }

  const RuntimeConfig conf_;
  const std::string format_;
  const std::vector<DataFile> files_;
  const std::map<std::string, std::string> options_;
  const std::vector<std::string> partition_columns_;
  StructTypePtr schema_;
  std::mutex mutex_;
  std::vector<FileStamp> stamps_;
  std::shared_ptr<arrow::Table> table_;  // null until read
  std::vector<bool> table_columns_;      // those `table_` holds (empty: all)
};

}  // namespace

arrow::Status DataSourceNotFound(const std::string& format) {
  return SparkError("DATA_SOURCE_NOT_FOUND", "42K02",
                    fmt::format("Failed to find the data source: {}. Make sure the provider name "
                                "is correct and the package is properly registered and compatible "
                                "with your Spark version.",
                                format));
}

arrow::Status UnsupportedDataSource(const std::string& format) {
  // Formats built into Spark that Spate has no reader or writer for yet (avro and
  // delta are separate packages in Spark too: without them it reports them not found).
  static const char* const kSparkFormats[] = {"orc", "xml", "binaryfile", "libsvm", "image"};
  std::string lower = AsciiLower(format);
  for (const char* known : kSparkFormats) {
    if (lower == known) {
      return arrow::Status::NotImplemented(
          fmt::format("The {} data source is not supported by Spate yet. Supported formats: "
                      "parquet, json, csv, text, avro, iceberg, kafka, jdbc (and for streams rate, socket, "
                      "memory, console, noop).",
                      format));
    }
  }
  return DataSourceNotFound(format);
}

arrow::Result<FileTable> ReadDataFiles(const RuntimeConfig& conf, const std::string& format,
                                       const std::vector<DataFile>& files, const StructTypePtr& schema,
                                       const std::map<std::string, std::string>& options,
                                       const std::vector<std::string>& partition_columns,
                                       const std::vector<bool>& columns, TaskPool* tasks) {
  std::string fmt_name = AsciiLower(format);
  StructTypePtr partitions = PartitionSchema(files, schema, partition_columns);
  FileReadRequest request{&conf, &files, DataSchema(schema, *partitions), &options};
  request.tasks = tasks;
  if (!columns.empty() && schema) {
    for (const auto& f : request.schema->fields()) request.columns.push_back(columns[schema->FieldIndex(f.name)]);
  }
  ARROW_ASSIGN_OR_RAISE(SourceTables data, ReadSource(fmt_name, request));
  std::vector<StructField> fields = data.schema->fields();
  for (const auto& p : partitions->fields()) fields.push_back(p);
  FileTable out;
  out.schema = types::Struct(std::move(fields));
  ARROW_ASSIGN_OR_RAISE(auto arrow_schema, ToArrowSchema(*out.schema));
  std::vector<std::shared_ptr<arrow::Table>> tables;
  for (size_t i = 0; i < files.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto table, ConformTable(*data.tables[i], *data.schema));
    std::vector<std::shared_ptr<arrow::ChunkedArray>> columns = table->columns();
    for (const auto& p : partitions->fields()) {
      ARROW_ASSIGN_OR_RAISE(auto column, PartitionColumn(files[i], p, table->num_rows()));
      columns.push_back(std::make_shared<arrow::ChunkedArray>(column));
    }
    tables.push_back(arrow::Table::Make(arrow_schema, columns, table->num_rows()));
  }
  if (tables.empty()) {
    ARROW_ASSIGN_OR_RAISE(out.table, arrow::Table::MakeEmpty(arrow_schema));
  } else {
    ARROW_ASSIGN_OR_RAISE(out.table, arrow::ConcatenateTables(tables));
  }
  return out;
}

arrow::Result<PlanPtr> LoadFiles(const RuntimeConfig& conf, const std::string& format,
                                 const std::vector<std::string>& paths, const StructTypePtr& schema,
                                 const std::map<std::string, std::string>& options,
                                 const std::vector<std::string>& partition_columns) {
  std::string fmt_name = AsciiLower(format);
  if (!IsFileFormat(fmt_name)) return UnsupportedDataSource(format);
  ARROW_ASSIGN_OR_RAISE(auto files, ListDataFiles(conf, paths));
  auto relation = std::make_shared<FileRelation>(conf, fmt_name, std::move(files), options, partition_columns);
  ARROW_ASSIGN_OR_RAISE(StructTypePtr read_schema, relation->Load(schema));
  auto source = std::make_shared<ScanSource>();
  source->description = fmt::format("Relation[{}] {}", fmt_name, paths.empty() ? "" : paths[0]);
  source->reader = [relation](const ScanRequest& request, TaskPool* tasks) {
    return relation->Rows(request.columns, tasks);
  };
  return MakeScan(std::move(source), *read_schema);
}

bool IsFileFormat(const std::string& format) {
  std::string f = AsciiLower(format);
  return f == "parquet" || f == "json" || f == "csv" || f == "text" || f == "avro";
}

}  // namespace spate
