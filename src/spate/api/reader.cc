#include "spate/api/reader.h"

#include <cctype>
#include <cstdlib>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/api/catalog.h"
#include "spate/api/file_source.h"
#include "spate/api/session.h"
#include "spate/common/error.h"
#include "spate/common/utf8.h"
#include "spate/common/strings.h"
#include "spate/connectors/file/file_listing.h"
#include "spate/connectors/jdbc/jdbc_connector.h"
#include "spate/connectors/kafka/kafka_connector.h"
#include "spate/plan/plan_builder.h"
#include "spate/connectors/statestore/state_reader.h"
#include "spate/types/arrow_types.h"
#include "spate/types/ddl_parser.h"

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

arrow::Result<SourceTables> ReadTextFormat(const std::string& format, const FileReadRequest& request) {
  if (format == "json") return ReadJsonSource(request);
  if (format == "csv") return ReadCsvSource(request);
  if (format == "text") return ReadTextSource(request);
  return DataSourceNotFound(format);
}

arrow::Result<SourceTables> ReadSource(const std::string& format, const FileReadRequest& request) {
  if (format == "parquet") return ReadParquetSource(request);
  if (format == "avro") return ReadAvroSource(request);
  // Text files may hold bytes that are not UTF-8: they become U+FFFD here.
  ARROW_ASSIGN_OR_RAISE(SourceTables data, ReadTextFormat(format, request));
  for (auto& table : data.tables) {
    ARROW_ASSIGN_OR_RAISE(table, ReplaceInvalidUtf8(table));
  }
  return data;
}

// spark.read.format("statestore"): the state of a streaming query's checkpoint.
arrow::Result<PlanPtr> LoadStateStore(const std::vector<std::string>& paths,
                                      const std::map<std::string, std::string>& options) {
  if (paths.size() > 1) return arrow::Status::Invalid("the statestore format reads one checkpoint location");
  ARROW_ASSIGN_OR_RAISE(StateTable state, ReadStateStore(paths.empty() ? "" : paths[0], options));
  auto source = std::make_shared<ScanSource>();
  source->description = fmt::format("StateDataSource {}", paths.empty() ? "" : paths[0]);
  source->table = std::move(state.table);
  return MakeScan(std::move(source), *state.schema);
}

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

arrow::Result<FileTable> ReadDataFiles(Session& session, const std::string& format,
                                       const std::vector<DataFile>& files, const StructTypePtr& schema,
                                       const std::map<std::string, std::string>& options,
                                       const std::vector<std::string>& partition_columns) {
  std::string fmt_name = AsciiLower(format);
  StructTypePtr partitions = PartitionSchema(files, schema, partition_columns);
  FileReadRequest request{&session, &files, DataSchema(schema, *partitions), &options};
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

arrow::Result<PlanPtr> LoadFiles(Session& session, const std::string& format,
                                 const std::vector<std::string>& paths, const StructTypePtr& schema,
                                 const std::map<std::string, std::string>& options,
                                 const std::vector<std::string>& partition_columns) {
  std::string fmt_name = AsciiLower(format);
  if (!IsFileFormat(fmt_name)) return UnsupportedDataSource(format);
  ARROW_ASSIGN_OR_RAISE(auto files, ListDataFiles(paths));
  ARROW_ASSIGN_OR_RAISE(FileTable data,
                        ReadDataFiles(session, fmt_name, files, schema, options, partition_columns));
  auto source = std::make_shared<ScanSource>();
  source->description = fmt::format("Relation[{}] {}", fmt_name, paths.empty() ? "" : paths[0]);
  source->table = std::move(data.table);
  return MakeScan(std::move(source), *data.schema);
}

bool IsFileFormat(const std::string& format) {
  std::string f = AsciiLower(format);
  return f == "parquet" || f == "json" || f == "csv" || f == "text" || f == "avro";
}

DataFrameReader::DataFrameReader(std::shared_ptr<Session> session)
    : session_(std::move(session)),
      format_(session_->conf().Get("spark.sql.sources.default").value_or("parquet")) {}

DataFrameReader& DataFrameReader::format(const std::string& source) {
  format_ = source;
  return *this;
}

DataFrameReader& DataFrameReader::option(const std::string& key, const std::string& value) {
  options_[AsciiLower(key)] = value;
  return *this;
}

DataFrameReader& DataFrameReader::options(const std::map<std::string, std::string>& options) {
  for (const auto& [k, v] : options) option(k, v);
  return *this;
}

DataFrameReader& DataFrameReader::schema(StructTypePtr schema) {
  schema_ = std::move(schema);
  schema_status_ = arrow::Status::OK();
  return *this;
}

DataFrameReader& DataFrameReader::schema(const std::string& ddl) {
  auto parsed = ParseSchemaString(ddl);
  if (!parsed.ok()) {
    schema_status_ = parsed.status();
  } else if ((*parsed)->id() != TypeId::kStruct) {
    schema_ = types::Struct({{"value", *parsed, true}});
  } else {
    schema_ = std::static_pointer_cast<const StructType>(*parsed);
  }
  return *this;
}

DataFrame DataFrameReader::load() const {
  auto path = options_.find("path");
  return load(path == options_.end() ? std::vector<std::string>{} : std::vector<std::string>{path->second});
}

DataFrame DataFrameReader::load(const std::string& path) const {
  return load(std::vector<std::string>{path});
}

DataFrame DataFrameReader::load(const std::vector<std::string>& paths) const {
  if (!schema_status_.ok()) return DataFrame(session_, schema_status_);
  if (AsciiLower(format_) == "statestore") return DataFrame(session_, LoadStateStore(paths, options_));
  if (AsciiLower(format_) == "kafka") return DataFrame(session_, LoadKafka(session_->conf(), options_));
  if (AsciiLower(format_) == "jdbc") return DataFrame(session_, LoadJdbc(session_->conf(), options_));
  // format("iceberg").load("cat.ns.t"): the table of an Iceberg catalog.
  if (AsciiLower(format_) == "iceberg" && paths.size() == 1) return session_->Table(paths[0]);
  return DataFrame(session_, LoadFiles(*session_, format_, paths, schema_, options_));
}

DataFrame DataFrameReader::jdbc(const std::string& url, const std::string& table,
                                const std::map<std::string, std::string>& properties) const {
  DataFrameReader reader = *this;
  return reader.format("jdbc").options(properties).option("url", url).option("dbtable", table).load();
}

DataFrame DataFrameReader::jdbc(const std::string& url, const std::string& table, const std::string& column,
                                int64_t lower_bound, int64_t upper_bound, int num_partitions,
                                const std::map<std::string, std::string>& properties) const {
  DataFrameReader reader = *this;
  reader.options(properties)
      .option("partitionColumn", column)
      .option("lowerBound", std::to_string(lower_bound))
      .option("upperBound", std::to_string(upper_bound))
      .option("numPartitions", std::to_string(num_partitions));
  return reader.jdbc(url, table);
}

DataFrame DataFrameReader::table(const std::string& name) const { return session_->Table(name); }

}  // namespace spate
