#include "spate/connectors/iceberg/data_files.h"

#include <algorithm>
#include <cstring>
#include <map>

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/compute/api.h>
#include <arrow/table.h>
#include <arrow/util/key_value_metadata.h>
#include <fmt/format.h>

#include "spate/common/calendar.h"
#include "spate/common/object_store.h"
#include "spate/connectors/file/parquet_io.h"
#include "spate/types/arrow_types.h"

namespace spate::iceberg {

namespace {

constexpr int64_t kMicrosPerDay = 86400LL * 1000000;

using calendar::FloorDiv;

PartitionValue SourceValue(const arrow::Array& array, int64_t row) {
  PartitionValue v;
  if (array.IsNull(row)) return v;
  v.is_null = false;
  switch (array.type_id()) {
    case arrow::Type::BOOL: v.i = static_cast<const arrow::BooleanArray&>(array).Value(row); break;
    case arrow::Type::INT32: v.i = static_cast<const arrow::Int32Array&>(array).Value(row); break;
    case arrow::Type::INT64: v.i = static_cast<const arrow::Int64Array&>(array).Value(row); break;
    case arrow::Type::DATE32: v.i = static_cast<const arrow::Date32Array&>(array).Value(row); break;
    case arrow::Type::TIMESTAMP: v.i = static_cast<const arrow::TimestampArray&>(array).Value(row); break;
    case arrow::Type::STRING: v.s = std::string(static_cast<const arrow::StringArray&>(array).GetView(row)); break;
    case arrow::Type::LARGE_STRING:
      v.s = std::string(static_cast<const arrow::LargeStringArray&>(array).GetView(row));
      break;
    default: v.is_null = true; break;
  }
  return v;
}

std::string Uuid4() { return NewUuid(); }

std::string DateText(int64_t days) {
  calendar::Civil c = calendar::CivilFromDays(days);
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

// A partition value in a data file's directory name, as Iceberg's human
// strings show it: 2024, 2024-01, 2024-01-05, 2024-01-05-13.
std::string PathValue(const PartitionValue& v, const DataType& type, const std::string& transform) {
  if (v.is_null) return "null";
  if (transform == "year") return std::to_string(1970 + v.i);
  if (transform == "month") {
    return fmt::format("{:04}-{:02}", 1970 + FloorDiv(v.i, 12), v.i - FloorDiv(v.i, 12) * 12 + 1);
  }
  if (transform == "hour") return fmt::format("{}-{:02}", DateText(FloorDiv(v.i, 24)), v.i - FloorDiv(v.i, 24) * 24);
  if (type.id() == TypeId::kDate) return DateText(v.i);
  if (type.id() == TypeId::kString) return v.s;
  return std::to_string(v.i);
}

template <typename T>
std::string LittleEndian(T v) {
  std::string out(sizeof(T), '\0');
  std::memcpy(out.data(), &v, sizeof(T));
  return out;
}

// Iceberg's single-value serialization of a scalar (min or max of a column).
std::optional<std::string> BoundBytes(const arrow::Scalar& s) {
  if (!s.is_valid) return std::nullopt;
  switch (s.type->id()) {
    case arrow::Type::BOOL: return std::string(1, static_cast<const arrow::BooleanScalar&>(s).value ? 1 : 0);
    case arrow::Type::INT32: return LittleEndian(static_cast<const arrow::Int32Scalar&>(s).value);
    case arrow::Type::INT64: return LittleEndian(static_cast<const arrow::Int64Scalar&>(s).value);
    case arrow::Type::FLOAT: return LittleEndian(static_cast<const arrow::FloatScalar&>(s).value);
    case arrow::Type::DOUBLE: return LittleEndian(static_cast<const arrow::DoubleScalar&>(s).value);
    case arrow::Type::DATE32: return LittleEndian(static_cast<const arrow::Date32Scalar&>(s).value);
    case arrow::Type::TIMESTAMP: return LittleEndian(static_cast<const arrow::TimestampScalar&>(s).value);
    case arrow::Type::STRING: {
      // Whole values only: Iceberg truncates long strings to 16 characters,
      // which for upper bounds needs an increment; longer values get no bound.
      auto view = static_cast<const arrow::StringScalar&>(s).view();
      if (view.size() > 16) return std::nullopt;
      return std::string(view);
    }
    default: return std::nullopt;
  }
}

arrow::Status ColumnStats(const IcebergField& field, const std::shared_ptr<arrow::ChunkedArray>& chunked,
                          DataFile* file) {
  const arrow::ChunkedArray& column = *chunked;
  file->value_counts[field.id] = column.length();
  file->null_value_counts[field.id] = column.null_count();
  if (column.null_count() == column.length()) return arrow::Status::OK();
  auto t = column.type()->id();
  if (t == arrow::Type::FLOAT || t == arrow::Type::DOUBLE || t == arrow::Type::BINARY ||
      t == arrow::Type::DECIMAL128) {
    return arrow::Status::OK();  // NaN handling and decimal bytes: no bounds
  }
  ARROW_ASSIGN_OR_RAISE(auto minmax, arrow::compute::MinMax(arrow::Datum(chunked)));
  const auto& st = static_cast<const arrow::StructScalar&>(*minmax.scalar());
  auto lo = BoundBytes(*st.value[0]);
  auto hi = BoundBytes(*st.value[1]);
  if (lo && hi) {
    file->lower_bounds[field.id] = *lo;
    file->upper_bounds[field.id] = *hi;
  }
  return arrow::Status::OK();
}

arrow::Result<DataFile> WriteOneFile(const TableMetadata& table, const std::shared_ptr<arrow::Table>& rows,
                                     const std::vector<PartitionValue>& partition, const std::string& dir) {
  const FileIO& io = IoOrLocal(table.io);
  ARROW_ASSIGN_OR_RAISE(auto store, io.StoreFor(dir));
  if (!store) ARROW_RETURN_NOT_OK(io.MakeDir(dir));  // an object store needs no folders
  static std::atomic<int64_t> counter{0};
  std::string path = JoinPath(dir, fmt::format("00000-{}-{}.parquet", counter++, Uuid4()));
  ARROW_RETURN_NOT_OK(WriteParquetFile(*rows, path, "zstd", store));
  DataFile file;
  file.file_path = path;
  file.partition = partition;
  file.record_count = rows->num_rows();
  ARROW_ASSIGN_OR_RAISE(file.file_size_in_bytes, io.Size(path));
  const IcebergSchema& schema = table.schema();
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    ARROW_RETURN_NOT_OK(ColumnStats(schema.fields[i], rows->column(static_cast<int>(i)), &file));
  }
  return file;
}

}  // namespace

int32_t Murmur3(const void* data, size_t size) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  const uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
  uint32_t h = 0;
  size_t blocks = size / 4;
  auto rotl = [](uint32_t x, int r) { return (x << r) | (x >> (32 - r)); };
  for (size_t i = 0; i < blocks; ++i) {
    uint32_t k;
    std::memcpy(&k, bytes + i * 4, 4);
    k *= c1;
    k = rotl(k, 15);
    k *= c2;
    h ^= k;
    h = rotl(h, 13);
    h = h * 5 + 0xe6546b64;
  }
  uint32_t k = 0;
  const uint8_t* tail = bytes + blocks * 4;
  switch (size & 3) {
    case 3: k ^= static_cast<uint32_t>(tail[2]) << 16; [[fallthrough]];
    case 2: k ^= static_cast<uint32_t>(tail[1]) << 8; [[fallthrough]];
    case 1:
      k ^= tail[0];
      k *= c1;
      k = rotl(k, 15);
      k *= c2;
      h ^= k;
  }
  h ^= static_cast<uint32_t>(size);
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return static_cast<int32_t>(h);
}

arrow::Result<PartitionValue> TransformValue(const std::string& t, const PartitionValue& v, TypeId type) {
  if (v.is_null || t == "identity") return v;
  PartitionValue out;
  out.is_null = false;
  bool is_ts = type == TypeId::kTimestamp || type == TypeId::kTimestampNtz;
  int64_t days = is_ts ? FloorDiv(v.i, kMicrosPerDay) : v.i;
  if (t == "day") {
    out.i = days;
  } else if (t == "hour") {
    out.i = FloorDiv(v.i, 3600LL * 1000000);
  } else if (t == "year" || t == "month") {
    calendar::Civil c = calendar::CivilFromDays(days);
    int64_t years = c.year - 1970;
    out.i = t == "year" ? years : years * 12 + c.month - 1;
  } else if (t.starts_with("bucket[")) {
    int64_t n = std::stoll(t.substr(7));
    int32_t hash;
    if (type == TypeId::kString) {
      hash = Murmur3(v.s.data(), v.s.size());
    } else {
      int64_t x = v.i;
      hash = Murmur3(&x, sizeof(x));
    }
    out.i = (hash & 0x7FFFFFFF) % n;
  } else if (t.starts_with("truncate[")) {
    int64_t w = std::stoll(t.substr(9));
    if (type == TypeId::kString) {
      // The first W code points.
      size_t pos = 0;
      int64_t count = 0;
      while (pos < v.s.size() && count < w) {
        ++count;
        ++pos;
        while (pos < v.s.size() && (static_cast<uint8_t>(v.s[pos]) & 0xC0) == 0x80) ++pos;
      }
      out.s = v.s.substr(0, pos);
    } else {
      out.i = v.i - (((v.i % w) + w) % w);
    }
  } else {
    return arrow::Status::NotImplemented("partition transform ", t);
  }
  return out;
}

arrow::Result<std::vector<DataFile>> WriteDataFiles(const TableMetadata& table, const arrow::Table& input,
                                                    int64_t target_file_size) {
  const IcebergSchema& schema = table.schema();
  const PartitionSpec& spec = table.spec();
  ARROW_ASSIGN_OR_RAISE(auto arrow_schema, schema.ToArrow());
  ARROW_ASSIGN_OR_RAISE(auto combined, input.CombineChunks());
  auto rows = arrow::Table::Make(arrow_schema, combined->columns(), combined->num_rows());
  ARROW_RETURN_NOT_OK(rows->Validate());
  // Rows grouped by partition, in order of first appearance.
  std::vector<std::vector<PartitionValue>> keys;
  std::vector<std::vector<int64_t>> groups;
  std::map<std::string, size_t> index;
  std::vector<std::pair<int, TypeId>> sources;  // column index, type per partition field
  std::vector<DataTypePtr> result_types;
  for (const auto& f : spec.fields) {
    int col = -1;
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      if (schema.fields[i].id == f.source_id) col = static_cast<int>(i);
    }
    if (col < 0) return arrow::Status::Invalid("partition field ", f.name, " has no source column");
    sources.emplace_back(col, schema.fields[col].type->id());
    ARROW_ASSIGN_OR_RAISE(auto rt, PartitionResultType(f, schema));
    result_types.push_back(rt);
  }
  for (int64_t r = 0; r < rows->num_rows(); ++r) {
    std::vector<PartitionValue> key;
    std::string text;
    for (size_t p = 0; p < spec.fields.size(); ++p) {
      auto chunk = rows->column(sources[p].first)->chunk(0);
      ARROW_ASSIGN_OR_RAISE(auto v, TransformValue(spec.fields[p].transform, SourceValue(*chunk, r),
                                                   sources[p].second));
      text += v.is_null ? std::string("\x01N") : fmt::format("\x01{}\x02{}", v.i, v.s);
      key.push_back(std::move(v));
    }
    auto [it, inserted] = index.emplace(text, keys.size());
    if (inserted) {
      keys.push_back(std::move(key));
      groups.emplace_back();
    }
    groups[it->second].push_back(r);
  }
  int64_t total_bytes = 0;
  for (const auto& c : rows->columns()) {
    for (const auto& chunk : c->chunks()) {
      for (const auto& b : chunk->data()->buffers) total_bytes += b ? b->size() : 0;
    }
  }
  // Parquet compresses: about a quarter of the in-memory size is a fair guess.
  int64_t bytes_per_row = std::max<int64_t>(1, total_bytes / std::max<int64_t>(1, rows->num_rows()) / 4);
  int64_t rows_per_file = std::max<int64_t>(1, target_file_size / bytes_per_row);
  std::vector<DataFile> out;
  for (size_t g = 0; g < groups.size(); ++g) {
    std::string dir = LocalPath(table.location) + "/data";
    for (size_t p = 0; p < spec.fields.size(); ++p) {
      dir += "/" + spec.fields[p].name + "=" + PathValue(keys[g][p], *result_types[p], spec.fields[p].transform);
    }
    const auto& idx = groups[g];
    for (size_t start = 0; start < idx.size(); start += rows_per_file) {
      size_t end = std::min(idx.size(), start + static_cast<size_t>(rows_per_file));
      std::shared_ptr<arrow::Table> part;
      if (groups.size() == 1 && start == 0 && end == idx.size()) {
        part = rows;
      } else {
        arrow::Int64Builder b;
        ARROW_RETURN_NOT_OK(b.AppendValues(idx.data() + start, end - start));
        ARROW_ASSIGN_OR_RAISE(auto take_idx, b.Finish());
        ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(rows, take_idx));
        part = taken.table();
      }
      ARROW_ASSIGN_OR_RAISE(auto file, WriteOneFile(table, part, keys[g], dir));
      out.push_back(std::move(file));
    }
  }
  return out;
}

arrow::Result<std::shared_ptr<arrow::Table>> ReadDataFiles(const TableMetadata& table,
                                                           const std::vector<ManifestEntry>& files,
                                                           const std::vector<bool>& columns_used) {
  const IcebergSchema& schema = table.schema();
  ARROW_ASSIGN_OR_RAISE(auto target, schema.ToArrow());
  std::vector<std::shared_ptr<arrow::Table>> parts;
  // A query that reads no column (a count) reads them all, for the rows.
  const bool all = std::find(columns_used.begin(), columns_used.end(), true) == columns_used.end();
  for (const auto& e : files) {
    if (e.file.file_format != "PARQUET" && e.file.file_format != "parquet") {
      return arrow::Status::NotImplemented("Iceberg data file ", e.file.file_path, " is ", e.file.file_format,
                                           "; Spate reads Parquet data files.");
    }
    auto used = [&](const arrow::Field& column) {
      if (all) return true;
      auto meta = column.metadata();
      for (size_t f = 0; f < schema.fields.size(); ++f) {
        bool same = meta && meta->Contains("PARQUET:field_id")
                        ? meta->Get("PARQUET:field_id").ValueOr("") == std::to_string(schema.fields[f].id)
                        : column.name() == schema.fields[f].name;
        if (same) return static_cast<bool>(columns_used[f]);
      }
      return false;
    };
    std::string path = LocalPath(e.file.file_path);
    ARROW_ASSIGN_OR_RAISE(auto store, IoOrLocal(table.io).StoreFor(path));
    ARROW_ASSIGN_OR_RAISE(auto data, ReadParquetFile(path, used, store));
    arrow::ChunkedArrayVector columns;
    for (size_t f = 0; f < schema.fields.size(); ++f) {
      const auto& field = schema.fields[f];
      int found = -1;
      for (int i = 0; i < data->num_columns(); ++i) {
        auto meta = data->schema()->field(i)->metadata();
        if (meta && meta->Contains("PARQUET:field_id") &&
            meta->Get("PARQUET:field_id").ValueOr("") == std::to_string(field.id)) {
          found = i;
        }
      }
      if (found < 0) found = data->schema()->GetFieldIndex(field.name);
      if (!columns_used.empty() && !columns_used[f]) found = -1;  // not used by the query
      ARROW_ASSIGN_OR_RAISE(auto type, ToArrowType(*field.type));
      if (found < 0) {
        ARROW_ASSIGN_OR_RAISE(auto nulls, arrow::MakeArrayOfNull(type, data->num_rows()));
        columns.push_back(std::make_shared<arrow::ChunkedArray>(nulls));
        continue;
      }
      auto column = data->column(found);
      if (!column->type()->Equals(*type)) {
        ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(column, type));
        column = cast.chunked_array();
      }
      columns.push_back(column);
    }
    parts.push_back(arrow::Table::Make(target, columns, data->num_rows()));
  }
  if (parts.empty()) return arrow::Table::MakeEmpty(target);
  return arrow::ConcatenateTables(parts);
}

}  // namespace spate::iceberg
