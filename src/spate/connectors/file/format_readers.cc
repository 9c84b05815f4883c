#include "spate/connectors/file/format_readers.h"

#include <cctype>
#include <cstring>
#include <filesystem>
#include <limits>
#include <set>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/filesystem/filesystem.h>
#include <fmt/format.h>

#include "spate/common/byte_scan.h"
#include "spate/common/error.h"
#include "spate/common/runtime_config.h"
#include "spate/common/strings.h"
#include "spate/common/utf8.h"
#include "spate/connectors/file/avro_container.h"
#include "spate/connectors/file/file_listing.h"
#include "spate/connectors/file/line_pieces.h"
#include "spate/connectors/file/parquet_io.h"
#include "spate/types/arrow_types.h"
#include "spate/types/avro_schema.h"

namespace spate {

namespace {

StructTypePtr Nullable(const StructType& schema) {
  std::vector<StructField> fields = schema.fields();
  for (auto& f : fields) f.nullable = true;
  return types::Struct(std::move(fields));
}

// Every field nullable at every depth (Spark's asNullable, what a file's own schema reads as).
DataTypePtr AsNullableType(const DataTypePtr& type) {
  switch (type->id()) {
    case TypeId::kArray:
      return types::Array(AsNullableType(static_cast<const ArrayType&>(*type).element_type()), true);
    case TypeId::kMap: {
      const auto& m = static_cast<const MapType&>(*type);
      return types::Map(m.key_type(), AsNullableType(m.value_type()), true);
    }
    case TypeId::kStruct: {
      std::vector<StructField> fields = static_cast<const StructType&>(*type).fields();
      for (auto& f : fields) {
        f.type = AsNullableType(f.type);
        f.nullable = true;
      }
      return types::Struct(std::move(fields));
    }
    default:
      return type;
  }
}

StructTypePtr AsNullable(const StructType& schema) {
  return std::static_pointer_cast<const StructType>(AsNullableType(types::Struct(schema.fields())));
}

arrow::Result<StructTypePtr> MergeSchemas(const StructType& a, const StructType& b) {
  std::vector<StructField> fields = a.fields();
  for (const auto& f : b.fields()) {
    if (a.FieldIndex(f.name) < 0) fields.push_back(f);
  }
  return types::Struct(std::move(fields));
}

}  // namespace

arrow::Result<std::string> ReadFileText(const FileReadRequest& r, const DataFile& file) {
  ARROW_ASSIGN_OR_RAISE(FileSystemPtr store, FileSystemFor(*r.conf, file.path));
  return ReadTextFile(file.path, store);
}

std::string OptionOr(const FileReadRequest& r, const std::string& key, const std::string& fallback) {
  auto it = r.options->find(AsciiLower(key));
  return it == r.options->end() ? fallback : it->second;
}

arrow::Result<bool> FlagOption(const FileReadRequest& r, const std::string& key) {
  std::string value = OptionOr(r, key, "false");
  std::string lower = AsciiLower(value);
  if (lower == "true" || lower == "false") return lower == "true";
  // Spark's text (Scala's toBoolean), with the option named.
  return arrow::Status::Invalid(
      fmt::format("For input string: \"{}\" (the option '{}' is true or false)", value, key));
}

arrow::Status CheckEncoding(const FileReadRequest& r, const std::string& options_name) {
  auto it = r.options->find("encoding");
  if (it == r.options->end()) it = r.options->find("charset");
  if (it == r.options->end()) return arrow::Status::OK();
  std::string charset = AsciiLower(it->second);
  if (charset == "utf-8" || charset == "us-ascii") return arrow::Status::OK();  // ASCII is UTF-8
  for (const char* other : {"iso-8859-1", "utf-16", "utf-16be", "utf-16le", "utf-32"}) {
    if (charset == other) {
      return arrow::Status::NotImplemented(fmt::format(
          "The encoding '{}' is not supported by Spate yet: it reads UTF-8 (and US-ASCII) text.",
          it->second));
    }
  }
  return SparkError("INVALID_PARAMETER_VALUE.CHARSET", "22023",
                    fmt::format("The value of parameter(s) `charset` in `{}` is invalid: expects "
                                "one of the iso-8859-1, us-ascii, utf-16, utf-16be, utf-16le, "
                                "utf-32, utf-8, but got {}.",
                                options_name, it->second));
}

arrow::Result<std::shared_ptr<arrow::Table>> OneStringColumn(const std::string& name,
                                                            const std::vector<std::string>& values) {
  arrow::StringBuilder builder;
  ARROW_RETURN_NOT_OK(builder.AppendValues(values));
  ARROW_ASSIGN_OR_RAISE(auto array, builder.Finish());
  return arrow::Table::Make(arrow::schema({arrow::field(name, arrow::utf8())}), {array});
}

namespace {

// Where the line starting at `start` ends, and where the next one begins.
// Without a separator "\n", "\r\n" and "\r" all end a line.
std::pair<size_t, size_t> LineEnd(std::string_view text, size_t start, const std::string& separator) {
  if (!separator.empty()) {
    size_t end = text.find(separator, start);
    return {end, end == std::string::npos ? end : end + separator.size()};
  }
  size_t end = FindLineBreak(text.data() + start, text.data() + text.size()) - text.data();
  if (end == text.size()) return {std::string::npos, std::string::npos};
  bool crlf = text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n';
  return {end, end + (crlf ? 2 : 1)};
}

}  // namespace

arrow::Result<std::shared_ptr<arrow::Table>> LinesColumn(std::string_view text, const std::string& separator) {
  arrow::StringBuilder builder;
  ARROW_RETURN_NOT_OK(builder.ReserveData(static_cast<int64_t>(text.size())));
  size_t start = 0;
  while (start < text.size()) {
    auto [end, next] = LineEnd(text, start, separator);
    ARROW_RETURN_NOT_OK(builder.Append(text.substr(start, end == std::string::npos ? end : end - start)));
    if (end == std::string::npos) break;
    start = next;
  }
  ARROW_ASSIGN_OR_RAISE(auto array, builder.Finish());
  return arrow::Table::Make(arrow::schema({arrow::field("value", arrow::utf8())}), {array});
}

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
    // The column of the field's name, else of its name but for case (names
    // such as `a` and `A` are two columns when spark.sql.caseSensitive is on).
    int found = -1;
    for (int j = 0; j < table.num_columns() && found < 0; ++j) {
      if (table.field(j)->name() == field->name()) found = j;
    }
    for (int j = 0; j < table.num_columns() && found < 0; ++j) {
      if (AsciiLower(table.field(j)->name()) == AsciiLower(field->name())) found = j;
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

arrow::Status FailedReadFile(const std::string& path, bool footer, const arrow::Status& cause) {
  if (footer) {
    return SparkError("FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER", "KD001",
                      fmt::format("Encountered error while reading file {}. Could not read footer. "
                                  "Please ensure that the file is in either ORC or Parquet format.\n"
                                  "If not, please convert it to a valid format. If the file is in "
                                  "the valid format, please check if it is corrupt.\nIf it is, you "
                                  "can choose to either ignore it or fix the corruption. ({})",
                                  QualifiedPath(path), cause.message()));
  }
  return SparkError("FAILED_READ_FILE.NO_HINT", "KD001",
                    fmt::format("Encountered error while reading file {}. ({})", QualifiedPath(path),
                                cause.message()));
}

namespace {

// ignoreCorruptFiles / ignoreMissingFiles: the read option, else the session's
// spark.sql.files.* setting.
arrow::Result<bool> IgnoreFilesSetting(const FileReadRequest& r, const std::string& option) {
  if (r.options->count(AsciiLower(option))) return FlagOption(r, option);
  std::string conf = r.conf ? r.conf->Get("spark.sql.files." + option).value_or("false") : "false";
  return AsciiLower(conf) == "true";
}

// The files' tables in out->schema, one per file; a skipped file (null) adds
// a table without rows.
arrow::Status AddFileTables(const std::vector<std::shared_ptr<arrow::Table>>& raw, SourceTables* out) {
  ARROW_ASSIGN_OR_RAISE(auto no_rows_schema, ToArrowSchema(*out->schema));
  for (const auto& table : raw) {
    if (!table) {
      ARROW_ASSIGN_OR_RAISE(auto empty, arrow::Table::MakeEmpty(no_rows_schema));
      out->tables.push_back(std::move(empty));
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto conformed, ConformTable(*table, *out->schema));
    out->tables.push_back(std::move(conformed));
  }
  return arrow::Status::OK();
}

// A file's size in bytes; nullopt when it does not exist, -1 when it exists but
// its size is unknown (a directory).
arrow::Result<std::optional<int64_t>> FileSize(const std::string& path, const FileSystemPtr& store) {
  if (store) {
    auto info = store->GetFileInfo(ObjectPathOf(path));
    if (!info.ok()) return ObjectStoreError(path, info.status());
    if (info->type() == arrow::fs::FileType::NotFound) return std::nullopt;
    return std::optional<int64_t>(info->size());
  }
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec && !std::filesystem::exists(path)) return std::nullopt;
  return std::optional<int64_t>(ec ? -1 : static_cast<int64_t>(size));
}

// A Parquet file's columns that the request reads, matched by name
// (case-insensitive); all of them without a schema or a column list, or when
// the query reads none of them (the rows still count).
arrow::Result<std::shared_ptr<arrow::Table>> ReadParquetColumns(const FileReadRequest& r, const std::string& path,
                                                                const FileSystemPtr& store) {
  std::set<std::string> used;
  for (size_t i = 0; i < r.columns.size(); ++i) {
    if (r.columns[i]) used.insert(AsciiLower(r.schema->field(static_cast<int>(i)).name));
  }
  if (used.empty()) return ReadParquetFile(path, store);
  return ReadParquetFile(path, [&](const arrow::Field& f) { return used.count(AsciiLower(f.name())) > 0; }, store);
}

}  // namespace

// Parquet files: a zero-byte file has no rows (Spark's scans skip empty files);
// with ignoreMissingFiles a file gone since listing, and with ignoreCorruptFiles a
// file that does not read, is skipped; otherwise the error names the file.
arrow::Result<SourceTables> ReadParquetSource(const FileReadRequest& r) {
  SourceTables out;
  std::vector<std::shared_ptr<arrow::Table>> raw;
  ARROW_ASSIGN_OR_RAISE(bool merge, FlagOption(r, "mergeSchema"));
  ARROW_ASSIGN_OR_RAISE(bool ignore_corrupt, IgnoreFilesSetting(r, "ignoreCorruptFiles"));
  ARROW_ASSIGN_OR_RAISE(bool ignore_missing, IgnoreFilesSetting(r, "ignoreMissingFiles"));
  for (const auto& file : *r.files) {
    ARROW_ASSIGN_OR_RAISE(FileSystemPtr store, FileSystemFor(*r.conf, file.path));
    ARROW_ASSIGN_OR_RAISE(std::optional<int64_t> size, FileSize(file.path, store));
    if (!size) {
      if (ignore_missing) continue;
      return SparkError("FAILED_READ_FILE.FILE_NOT_EXIST", "KD001",
                        fmt::format("Encountered error while reading file {}. File does not exist. "
                                    "It is possible the underlying files have been updated.",
                                    QualifiedPath(file.path)));
    }
    if (*size == 0) {
      raw.push_back(nullptr);  // no rows
      continue;
    }
    auto read = ReadParquetColumns(r, file.path, store);
    if (!read.ok()) {
      if (ignore_corrupt) {
        raw.push_back(nullptr);
        continue;
      }
      return FailedReadFile(file.path, /*footer=*/!r.schema, read.status());
    }
    auto table = *std::move(read);
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
  ARROW_RETURN_NOT_OK(AddFileTables(raw, &out));
  return out;
}

// ---------------------------------------------------------------------------
// Avro

// Avro container files: the schema is the avroSchema option's, else the first
// file's (Spark reads one file's schema); each file is decoded with its own
// writer's schema and its columns matched by name. ignoreCorruptFiles and
// ignoreMissingFiles skip such files, as for Parquet.
arrow::Result<SourceTables> ReadAvroSource(const FileReadRequest& r) {
  SourceTables out;
  std::vector<std::shared_ptr<arrow::Table>> raw;
  std::string avro_schema = OptionOr(r, "avroSchema", "");
  ARROW_ASSIGN_OR_RAISE(int max_depth, ParseRecursiveFieldMaxDepth(OptionOr(r, "recursiveFieldMaxDepth", "-1")));
  ARROW_ASSIGN_OR_RAISE(bool ignore_corrupt, IgnoreFilesSetting(r, "ignoreCorruptFiles"));
  ARROW_ASSIGN_OR_RAISE(bool ignore_missing, IgnoreFilesSetting(r, "ignoreMissingFiles"));
  for (const auto& file : *r.files) {
    ARROW_ASSIGN_OR_RAISE(FileSystemPtr store, FileSystemFor(*r.conf, file.path));
    auto contents = ReadWholeFile(file.path, store);
    if (!contents.ok() && ignore_missing && !PathExists(file.path, store).ValueOr(true)) continue;
    ARROW_ASSIGN_OR_RAISE(std::string bytes, std::move(contents));
    if (bytes.empty()) {
      raw.push_back(nullptr);
      continue;
    }
    auto read = ReadAvroContainer(bytes, avro_schema, max_depth);
    if (!read.ok() && ignore_corrupt) {
      raw.push_back(nullptr);
      continue;
    }
    if (!read.ok()) return FailedReadFile(file.path, false, read.status());
    if (!out.schema) out.schema = read->schema;
    raw.push_back(read->table);
  }
  if (!avro_schema.empty() && !out.schema) {
    ARROW_ASSIGN_OR_RAISE(auto parsed, ParseAvroSchema(avro_schema, max_depth));
    DataTypePtr type = AvroToSparkType(*parsed).type;
    if (type->id() != TypeId::kStruct) return arrow::Status::Invalid("avroSchema is not a record: ", avro_schema);
    out.schema = std::static_pointer_cast<const StructType>(type);
  }
  if (r.schema) out.schema = r.schema;
  if (!out.schema) return UnableToInferSchema("Avro");
  out.schema = r.schema ? Nullable(*out.schema) : AsNullable(*out.schema);
  ARROW_RETURN_NOT_OK(AddFileTables(raw, &out));
  return out;
}

// ---------------------------------------------------------------------------
// Text

namespace {

// A piece's lines as strings over its own buffer: each line is moved back
// over the line breaks before it, so the bytes are not copied elsewhere.
arrow::Result<std::shared_ptr<arrow::Array>> LinesInPlace(const PieceText& piece) {
  if (piece.buffer->size() > std::numeric_limits<int32_t>::max()) {
    return arrow::Status::CapacityError("text of more than 2 GiB read at once (", piece.buffer->size(),
                                        " bytes)");
  }
  arrow::TypedBufferBuilder<int32_t> offsets;
  uint8_t* data = piece.buffer->mutable_data();
  size_t end = 0;
  arrow::Status status;
  ForEachPieceLine(piece.text(), piece.first, piece.length, [&](const LineSpan& line) {
    if (end != line.start) std::memmove(data + end, data + line.start, line.length);
    if (status.ok()) status = offsets.Append(static_cast<int32_t>(end));
    end += line.length;
  });
  ARROW_RETURN_NOT_OK(status);
  const int64_t count = offsets.length();
  ARROW_RETURN_NOT_OK(offsets.Append(static_cast<int32_t>(end)));
  ARROW_ASSIGN_OR_RAISE(auto offset_buffer, offsets.Finish());
  auto values = arrow::SliceBuffer(piece.buffer, 0, static_cast<int64_t>(end));
  return arrow::MakeArray(arrow::ArrayData::Make(arrow::utf8(), count, {nullptr, offset_buffer, values}, 0));
}

}  // namespace

// Lines with the default line breaks are read in pieces (line_pieces.h);
// wholetext and a lineSep of the user's read each file at once. Bytes that are
// not UTF-8 become U+FFFD.
arrow::Result<SourceTables> ReadTextSource(const FileReadRequest& r) {
  SourceTables out;
  out.schema = types::Struct({{"value", types::String(), true}});
  ARROW_ASSIGN_OR_RAISE(bool whole, FlagOption(r, "wholetext"));
  std::string separator = OptionOr(r, "lineSep", "");
  if (!whole && separator.empty()) {
    ARROW_ASSIGN_OR_RAISE(out.tables, ReadLinePieces(r, [](const PieceText& piece)
                                                           -> arrow::Result<std::shared_ptr<arrow::Table>> {
      ARROW_ASSIGN_OR_RAISE(auto array, LinesInPlace(piece));
      return ReplaceInvalidUtf8(arrow::Table::Make(arrow::schema({arrow::field("value", arrow::utf8())}), {array}));
    }));
    return out;
  }
  for (const auto& file : *r.files) {
    ARROW_ASSIGN_OR_RAISE(std::string text, ReadFileText(r, file));
    ARROW_ASSIGN_OR_RAISE(auto table, whole ? OneStringColumn("value", {text}) : LinesColumn(text, separator));
    ARROW_ASSIGN_OR_RAISE(table, ReplaceInvalidUtf8(table));
    out.tables.push_back(std::move(table));
  }
  return out;
}

}  // namespace spate
