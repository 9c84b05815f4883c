#pragma once

// The file formats' readers (Parquet, JSON, CSV, text), behind spark.read,
// catalog tables and the streaming file source: each reads the listed data
// files of one format into Arrow tables (one per file) of one schema, given
// by the user or inferred, under the session's settings. ReadDataFiles adds
// the partition columns (file_scan.cc).

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/connectors/file/file_listing.h"
#include "spate/plan/logical_plan.h"
#include "spate/types/data_type.h"

namespace spate {

class RuntimeConfig;
class TaskPool;

struct SourceTables {
  StructTypePtr schema;
  std::vector<std::shared_ptr<arrow::Table>> tables;  // one per file, same order
};

struct FileReadRequest {
  const RuntimeConfig* conf = nullptr;           // the session's settings
  const std::vector<DataFile>* files = nullptr;
  StructTypePtr schema;                          // the data columns; null: infer
  const std::map<std::string, std::string>* options = nullptr;  // keys lower-cased
  /// Of `schema`'s fields, those the query reads (empty: all). Parquet reads
  /// only those; the others come back null.
  std::vector<bool> columns{};
  /// The threads text and JSON-lines files are read on, in pieces
  /// (line_pieces.h); null: the caller's alone.
  TaskPool* tasks = nullptr;
};

arrow::Result<SourceTables> ReadParquetSource(const FileReadRequest& request);
arrow::Result<SourceTables> ReadJsonSource(const FileReadRequest& request);
arrow::Result<SourceTables> ReadCsvSource(const FileReadRequest& request);
arrow::Result<SourceTables> ReadTextSource(const FileReadRequest& request);
arrow::Result<SourceTables> ReadAvroSource(const FileReadRequest& request);

/// `table`'s columns arranged as `schema` says: matched by name
/// (case-insensitive), cast when the type differs, NULL when absent.
arrow::Result<std::shared_ptr<arrow::Table>> ConformTable(const arrow::Table& table,
                                                          const StructType& schema);

// Helpers the sources share.
/// A data file's text (gunzipped when its name ends in ".gz"), local or on the object
/// store the request's settings configure.
arrow::Result<std::string> ReadFileText(const FileReadRequest& r, const DataFile& file);
/// Spark's FAILED_READ_FILE error for `path` (FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER when
/// `footer`, else .NO_HINT), with the reader's own reason.
arrow::Status FailedReadFile(const std::string& path, bool footer, const arrow::Status& cause);
std::string OptionOr(const FileReadRequest& r, const std::string& key, const std::string& fallback);
/// A true/false option (false when absent); anything else is refused.
arrow::Result<bool> FlagOption(const FileReadRequest& r, const std::string& key);
/// The "encoding" (or "charset") option: UTF-8 and US-ASCII are read; Spark's other
/// charsets are not supported yet; anything else is INVALID_PARAMETER_VALUE.CHARSET
/// (`options_name` is Spark's: JSONOptionsInRead, CSVOptions).
arrow::Status CheckEncoding(const FileReadRequest& r, const std::string& options_name);
arrow::Result<std::shared_ptr<arrow::Table>> OneStringColumn(const std::string& name,
                                                            const std::vector<std::string>& values);
/// The lines of a text file as one string column named "value", copied once into
/// it; without a separator "\n", "\r\n" and "\r" all end a line, and a final
/// line break does not start another line.
arrow::Result<std::shared_ptr<arrow::Table>> LinesColumn(std::string_view text, const std::string& separator);

/// Rows read from data files, with the partition columns after the data columns.
struct FileTable {
  StructTypePtr schema;
  std::shared_ptr<arrow::Table> table;
};

/// Reads the given data files of `format` (lower case) into one table: the
/// data columns (`schema` minus the partition columns; null: inferred), then
/// the partition columns found on the files' `col=value` directories. The
/// batch reader and the streaming file source both read through this.
/// `columns`: of `schema`'s fields, those the query reads (empty: all), as
/// FileReadRequest::columns; `tasks` as FileReadRequest::tasks.
arrow::Result<FileTable> ReadDataFiles(const RuntimeConfig& conf, const std::string& format,
                                       const std::vector<DataFile>& files, const StructTypePtr& schema,
                                       const std::map<std::string, std::string>& options,
                                       const std::vector<std::string>& partition_columns = {},
                                       const std::vector<bool>& columns = {}, TaskPool* tasks = nullptr);

/// "parquet", "json", "csv", "text" or "avro" (any case).
bool IsFileFormat(const std::string& format);

/// Reads files of `format` ("parquet", "json", "csv", "text") into a scan:
/// the data columns, then the partition columns found in `col=value` directories.
/// The files are listed once; a run of the scan reads them again when one
/// changed (size or modification time), as Spark reads a relation's files in
/// every run.
arrow::Result<PlanPtr> LoadFiles(const RuntimeConfig& conf, const std::string& format,
                                 const std::vector<std::string>& paths, const StructTypePtr& schema,
                                 const std::map<std::string, std::string>& options,
                                 const std::vector<std::string>& partition_columns = {});

/// [DATA_SOURCE_NOT_FOUND] for an unknown format name.
arrow::Status DataSourceNotFound(const std::string& format);
/// NotImplemented for a format built into Spark that Spate has not yet (jdbc,
/// orc, ...), [DATA_SOURCE_NOT_FOUND] for any other.
arrow::Status UnsupportedDataSource(const std::string& format);

/// [UNABLE_TO_INFER_SCHEMA] for a format ("Parquet", "JSON", "CSV").
arrow::Status UnableToInferSchema(const std::string& format);

}  // namespace spate
