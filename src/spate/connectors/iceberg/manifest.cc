#include "spate/connectors/iceberg/manifest.h"

#include <cctype>

#include <fmt/format.h>

#include "spate/connectors/iceberg/avro_file.h"

namespace spate::iceberg {

namespace {

std::string MapField(const char* name, int id, int key_id, int value_id, const char* value_type) {
  return fmt::format(
      R"({{"name":"{}","type":["null",{{"type":"array","logicalType":"map","items":{{"type":"record",)"
      R"("name":"k{}_v{}","fields":[{{"name":"key","type":"int","field-id":{}}},)"
      R"({{"name":"value","type":"{}","field-id":{}}}]}}}}],"default":null,"field-id":{}}})",
      name, key_id, value_id, key_id, value_type, value_id, id);
}

// Avro names are [A-Za-z_][A-Za-z0-9_]*; other characters become _x<hex>, as
// Iceberg's Avro schemas spell them (readers match fields by field id).
std::string AvroName(const std::string& name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    bool ok = std::isalpha(c) || c == '_' || (i > 0 && std::isdigit(c));
    out += ok ? std::string(1, static_cast<char>(c)) : fmt::format("_x{:X}", c);
  }
  return out;
}

arrow::Result<std::string> PartitionAvroType(const DataType& type) {
  switch (type.id()) {
    case TypeId::kBoolean: return std::string(R"("boolean")");
    case TypeId::kInt: return std::string(R"("int")");
    case TypeId::kLong: return std::string(R"("long")");
    case TypeId::kString: return std::string(R"("string")");
    case TypeId::kDate: return std::string(R"({"type":"int","logicalType":"date"})");
    case TypeId::kTimestamp:
      return std::string(R"({"type":"long","logicalType":"timestamp-micros","adjust-to-utc":true})");
    case TypeId::kTimestampNtz:
      return std::string(R"({"type":"long","logicalType":"timestamp-micros","adjust-to-utc":false})");
    default:
      return arrow::Status::NotImplemented("Iceberg partition values of type ", type.Sql());
  }
}

arrow::Result<std::string> EntrySchema(const TableMetadata& table, const PartitionSpec& spec) {
  std::string partition;
  for (const auto& f : spec.fields) {
    ARROW_ASSIGN_OR_RAISE(auto type, PartitionResultType(f, table.schema()));
    ARROW_ASSIGN_OR_RAISE(auto avro, PartitionAvroType(*type));
    partition += fmt::format(R"({}{{"name":"{}","type":["null",{}],"default":null,"field-id":{}}})",
                             partition.empty() ? "" : ",", AvroName(f.name), avro, f.field_id);
  }
  return fmt::format(
      R"({{"type":"record","name":"manifest_entry","fields":[)"
      R"({{"name":"status","type":"int","field-id":0}},)"
      R"({{"name":"snapshot_id","type":["null","long"],"default":null,"field-id":1}},)"
      R"({{"name":"sequence_number","type":["null","long"],"default":null,"field-id":3}},)"
      R"({{"name":"file_sequence_number","type":["null","long"],"default":null,"field-id":4}},)"
      R"({{"name":"data_file","type":{{"type":"record","name":"r2","fields":[)"
      R"({{"name":"content","type":"int","field-id":134}},)"
      R"({{"name":"file_path","type":"string","field-id":100}},)"
      R"({{"name":"file_format","type":"string","field-id":101}},)"
      R"({{"name":"partition","type":{{"type":"record","name":"r102","fields":[{}]}},"field-id":102}},)"
      R"({{"name":"record_count","type":"long","field-id":103}},)"
      R"({{"name":"file_size_in_bytes","type":"long","field-id":104}},)"
      "{},{},{},{},{},"
      R"({{"name":"key_metadata","type":["null","bytes"],"default":null,"field-id":131}},)"
      R"({{"name":"sort_order_id","type":["null","int"],"default":null,"field-id":140}})"
      R"(]}},"field-id":2}}]}})",
      partition, MapField("column_sizes", 108, 117, 118, "long"), MapField("value_counts", 109, 119, 120, "long"),
      MapField("null_value_counts", 110, 121, 122, "long"), MapField("lower_bounds", 125, 126, 127, "bytes"),
      MapField("upper_bounds", 128, 129, 130, "bytes"));
}

constexpr const char* kManifestFileSchema =
    R"({"type":"record","name":"manifest_file","fields":[)"
    R"({"name":"manifest_path","type":"string","field-id":500},)"
    R"({"name":"manifest_length","type":"long","field-id":501},)"
    R"({"name":"partition_spec_id","type":"int","field-id":502},)"
    R"({"name":"content","type":"int","field-id":517},)"
    R"({"name":"sequence_number","type":"long","field-id":515},)"
    R"({"name":"min_sequence_number","type":"long","field-id":516},)"
    R"({"name":"added_snapshot_id","type":"long","field-id":503},)"
    R"({"name":"added_files_count","type":"int","field-id":504},)"
    R"({"name":"existing_files_count","type":"int","field-id":505},)"
    R"({"name":"deleted_files_count","type":"int","field-id":506},)"
    R"({"name":"added_rows_count","type":"long","field-id":512},)"
    R"({"name":"existing_rows_count","type":"long","field-id":513},)"
    R"({"name":"deleted_rows_count","type":"long","field-id":514},)"
    R"({"name":"key_metadata","type":["null","bytes"],"default":null,"field-id":519}]})";

template <typename V>
arrow::Status SetMap(avro_value_t* record, const char* name, const std::map<int, V>& values) {
  if (values.empty()) return SetNull(record, name);
  ARROW_ASSIGN_OR_RAISE(avro_value_t array, NonNullBranch(record, name));
  for (const auto& [k, v] : values) {
    avro_value_t element;
    if (avro_value_append(&array, &element, nullptr) != 0) return arrow::Status::IOError("avro append");
    ARROW_RETURN_NOT_OK(SetInt(&element, "key", k));
    if constexpr (std::is_same_v<V, std::string>) {
      ARROW_ASSIGN_OR_RAISE(avro_value_t value, Field(&element, "value"));
      avro_value_set_bytes(&value, const_cast<char*>(v.data()), v.size());
    } else {
      ARROW_RETURN_NOT_OK(SetLong(&element, "value", v));
    }
  }
  return arrow::Status::OK();
}

arrow::Status SetPartition(avro_value_t* data_file, const PartitionSpec& spec, const DataFile& file) {
  ARROW_ASSIGN_OR_RAISE(avro_value_t partition, Field(data_file, "partition"));
  for (size_t i = 0; i < spec.fields.size(); ++i) {
    std::string avro_name = AvroName(spec.fields[i].name);
    const char* name = avro_name.c_str();
    const PartitionValue& v = i < file.partition.size() ? file.partition[i] : PartitionValue{};
    if (v.is_null) {
      ARROW_RETURN_NOT_OK(SetNull(&partition, name));
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(avro_value_t branch, NonNullBranch(&partition, name));
    switch (avro_value_get_type(&branch)) {
      case AVRO_INT32: avro_value_set_int(&branch, static_cast<int32_t>(v.i)); break;
      case AVRO_INT64: avro_value_set_long(&branch, v.i); break;
      case AVRO_BOOLEAN: avro_value_set_boolean(&branch, v.i != 0); break;
      default: avro_value_set_string_len(&branch, v.s.c_str(), v.s.size() + 1); break;
    }
  }
  return arrow::Status::OK();
}

arrow::Status SetEntry(avro_value_t* record, const PartitionSpec& spec, const ManifestEntry& e) {
  ARROW_RETURN_NOT_OK(SetInt(record, "status", static_cast<int>(e.status)));
  auto set_optional = [&](const char* name, const std::optional<int64_t>& v) {
    return v ? SetLong(record, name, *v) : SetNull(record, name);
  };
  ARROW_RETURN_NOT_OK(set_optional("snapshot_id", e.snapshot_id));
  ARROW_RETURN_NOT_OK(set_optional("sequence_number", e.sequence_number));
  ARROW_RETURN_NOT_OK(set_optional("file_sequence_number", e.file_sequence_number));
  ARROW_ASSIGN_OR_RAISE(avro_value_t df, Field(record, "data_file"));
  const DataFile& f = e.file;
  ARROW_RETURN_NOT_OK(SetInt(&df, "content", f.content));
  ARROW_RETURN_NOT_OK(SetString(&df, "file_path", f.file_path));
  ARROW_RETURN_NOT_OK(SetString(&df, "file_format", f.file_format));
  ARROW_RETURN_NOT_OK(SetPartition(&df, spec, f));
  ARROW_RETURN_NOT_OK(SetLong(&df, "record_count", f.record_count));
  ARROW_RETURN_NOT_OK(SetLong(&df, "file_size_in_bytes", f.file_size_in_bytes));
  ARROW_RETURN_NOT_OK(SetMap(&df, "column_sizes", f.column_sizes));
  ARROW_RETURN_NOT_OK(SetMap(&df, "value_counts", f.value_counts));
  ARROW_RETURN_NOT_OK(SetMap(&df, "null_value_counts", f.null_value_counts));
  ARROW_RETURN_NOT_OK(SetMap(&df, "lower_bounds", f.lower_bounds));
  ARROW_RETURN_NOT_OK(SetMap(&df, "upper_bounds", f.upper_bounds));
  ARROW_RETURN_NOT_OK(SetNull(&df, "key_metadata"));
  return SetNull(&df, "sort_order_id");
}

template <typename V>
std::map<int, V> GetMap(avro_value_t* record, const char* name) {
  std::map<int, V> out;
  avro_value_t field;
  if (avro_value_get_by_name(record, name, &field, nullptr) != 0) return out;
  auto array = Unwrap(field);
  if (!array) return out;
  size_t n = 0;
  avro_value_get_size(&*array, &n);
  for (size_t i = 0; i < n; ++i) {
    avro_value_t element;
    avro_value_get_by_index(&*array, i, &element, nullptr);
    auto key = GetLong(&element, "key");
    if (!key) continue;
    if constexpr (std::is_same_v<V, std::string>) {
      if (auto v = GetString(&element, "value")) out[static_cast<int>(*key)] = *v;
    } else {
      if (auto v = GetLong(&element, "value")) out[static_cast<int>(*key)] = *v;
    }
  }
  return out;
}

std::vector<PartitionValue> GetPartition(avro_value_t* data_file) {
  std::vector<PartitionValue> out;
  avro_value_t partition;
  if (avro_value_get_by_name(data_file, "partition", &partition, nullptr) != 0) return out;
  size_t n = 0;
  avro_value_get_size(&partition, &n);
  for (size_t i = 0; i < n; ++i) {
    avro_value_t child;
    avro_value_get_by_index(&partition, i, &child, nullptr);
    PartitionValue v;
    auto value = Unwrap(child);
    if (value) {
      v.is_null = false;
      switch (avro_value_get_type(&*value)) {
        case AVRO_INT32: {
          int32_t x = 0;
          avro_value_get_int(&*value, &x);
          v.i = x;
          break;
        }
        case AVRO_INT64: avro_value_get_long(&*value, &v.i); break;
        case AVRO_BOOLEAN: {
          int b = 0;
          avro_value_get_boolean(&*value, &b);
          v.i = b;
          break;
        }
        case AVRO_STRING: {
          const char* s = nullptr;
          size_t size = 0;
          avro_value_get_string(&*value, &s, &size);
          v.s.assign(s, size > 0 ? size - 1 : 0);
          break;
        }
        default: v.is_null = true; break;
      }
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

arrow::Result<ManifestFile> WriteManifest(const std::string& path, const TableMetadata& table,
                                          const PartitionSpec& spec, int64_t snapshot_id,
                                          const std::vector<ManifestEntry>& entries) {
  ARROW_ASSIGN_OR_RAISE(std::string schema, EntrySchema(table, spec));
  ARROW_ASSIGN_OR_RAISE(auto writer, AvroWriter::Make(schema, {{"schema", SchemaJson(table.schema())},
                                                              {"schema-id", std::to_string(table.current_schema_id)},
                                                              {"partition-spec", SpecFieldsJson(spec)},
                                                              {"partition-spec-id", std::to_string(spec.spec_id)},
                                                              {"format-version", "2"},
                                                              {"content", "data"}}));
  ManifestFile m;
  m.manifest_path = path;
  m.partition_spec_id = spec.spec_id;
  m.added_snapshot_id = snapshot_id;
  for (const auto& e : entries) {
    ARROW_RETURN_NOT_OK(SetEntry(writer->record(), spec, e));
    ARROW_RETURN_NOT_OK(writer->Append());
    switch (e.status) {
      case EntryStatus::kAdded:
        ++m.added_files_count;
        m.added_rows_count += e.file.record_count;
        break;
      case EntryStatus::kExisting:
        ++m.existing_files_count;
        m.existing_rows_count += e.file.record_count;
        break;
      case EntryStatus::kDeleted:
        ++m.deleted_files_count;
        m.deleted_rows_count += e.file.record_count;
        break;
    }
  }
  std::string bytes = writer->Finish();
  m.manifest_length = static_cast<int64_t>(bytes.size());
  ARROW_RETURN_NOT_OK(IoOrLocal(table.io).Write(path, bytes));
  return m;
}

arrow::Result<std::vector<ManifestEntry>> ReadManifest(const FileIO& io, const std::string& path) {
  ARROW_ASSIGN_OR_RAISE(std::string bytes, io.Read(path));
  ARROW_ASSIGN_OR_RAISE(auto reader, AvroReader::Open(std::move(bytes), path));
  std::vector<ManifestEntry> out;
  while (true) {
    ARROW_ASSIGN_OR_RAISE(avro_value_t * record, reader->Next());
    if (record == nullptr) break;
    ManifestEntry e;
    e.status = static_cast<EntryStatus>(GetLong(record, "status").value_or(1));
    e.snapshot_id = GetLong(record, "snapshot_id");
    e.sequence_number = GetLong(record, "sequence_number");
    e.file_sequence_number = GetLong(record, "file_sequence_number");
    ARROW_ASSIGN_OR_RAISE(avro_value_t df, Field(record, "data_file"));
    DataFile& f = e.file;
    f.content = static_cast<int>(GetLong(&df, "content").value_or(0));
    f.file_path = GetString(&df, "file_path").value_or("");
    f.file_format = GetString(&df, "file_format").value_or("PARQUET");
    f.partition = GetPartition(&df);
    f.record_count = GetLong(&df, "record_count").value_or(0);
    f.file_size_in_bytes = GetLong(&df, "file_size_in_bytes").value_or(0);
    f.column_sizes = GetMap<int64_t>(&df, "column_sizes");
    f.value_counts = GetMap<int64_t>(&df, "value_counts");
    f.null_value_counts = GetMap<int64_t>(&df, "null_value_counts");
    f.lower_bounds = GetMap<std::string>(&df, "lower_bounds");
    f.upper_bounds = GetMap<std::string>(&df, "upper_bounds");
    out.push_back(std::move(e));
  }
  return out;
}

arrow::Status WriteManifestList(const FileIO& io, const std::string& path, const Snapshot& snapshot,
                                const std::vector<ManifestFile>& manifests) {
  std::string parent = snapshot.parent_snapshot_id ? std::to_string(*snapshot.parent_snapshot_id) : "null";
  ARROW_ASSIGN_OR_RAISE(auto writer, AvroWriter::Make(kManifestFileSchema,
                                                      {{"snapshot-id", std::to_string(snapshot.snapshot_id)},
                                                       {"parent-snapshot-id", parent},
                                                       {"sequence-number", std::to_string(snapshot.sequence_number)},
                                                       {"format-version", "2"}}));
  for (const auto& m : manifests) {
    avro_value_t* r = writer->record();
    ARROW_RETURN_NOT_OK(SetString(r, "manifest_path", m.manifest_path));
    ARROW_RETURN_NOT_OK(SetLong(r, "manifest_length", m.manifest_length));
    ARROW_RETURN_NOT_OK(SetInt(r, "partition_spec_id", m.partition_spec_id));
    ARROW_RETURN_NOT_OK(SetInt(r, "content", m.content));
    ARROW_RETURN_NOT_OK(SetLong(r, "sequence_number", m.sequence_number));
    ARROW_RETURN_NOT_OK(SetLong(r, "min_sequence_number", m.min_sequence_number));
    ARROW_RETURN_NOT_OK(SetLong(r, "added_snapshot_id", m.added_snapshot_id));
    ARROW_RETURN_NOT_OK(SetInt(r, "added_files_count", m.added_files_count));
    ARROW_RETURN_NOT_OK(SetInt(r, "existing_files_count", m.existing_files_count));
    ARROW_RETURN_NOT_OK(SetInt(r, "deleted_files_count", m.deleted_files_count));
    ARROW_RETURN_NOT_OK(SetLong(r, "added_rows_count", m.added_rows_count));
    ARROW_RETURN_NOT_OK(SetLong(r, "existing_rows_count", m.existing_rows_count));
    ARROW_RETURN_NOT_OK(SetLong(r, "deleted_rows_count", m.deleted_rows_count));
    ARROW_RETURN_NOT_OK(SetNull(r, "key_metadata"));
    ARROW_RETURN_NOT_OK(writer->Append());
  }
  return io.Write(path, writer->Finish());
}

arrow::Result<std::vector<ManifestFile>> ReadManifestList(const FileIO& io, const std::string& path) {
  ARROW_ASSIGN_OR_RAISE(std::string bytes, io.Read(path));
  ARROW_ASSIGN_OR_RAISE(auto reader, AvroReader::Open(std::move(bytes), path));
  std::vector<ManifestFile> out;
  while (true) {
    ARROW_ASSIGN_OR_RAISE(avro_value_t * r, reader->Next());
    if (r == nullptr) break;
    ManifestFile m;
    m.manifest_path = GetString(r, "manifest_path").value_or("");
    m.manifest_length = GetLong(r, "manifest_length").value_or(0);
    m.partition_spec_id = static_cast<int>(GetLong(r, "partition_spec_id").value_or(0));
    m.content = static_cast<int>(GetLong(r, "content").value_or(0));
    m.sequence_number = GetLong(r, "sequence_number").value_or(0);
    m.min_sequence_number = GetLong(r, "min_sequence_number").value_or(0);
    m.added_snapshot_id = GetLong(r, "added_snapshot_id").value_or(0);
    m.added_files_count = static_cast<int>(GetLong(r, "added_files_count").value_or(0));
    m.existing_files_count = static_cast<int>(GetLong(r, "existing_files_count").value_or(0));
    m.deleted_files_count = static_cast<int>(GetLong(r, "deleted_files_count").value_or(0));
    m.added_rows_count = GetLong(r, "added_rows_count").value_or(0);
    m.existing_rows_count = GetLong(r, "existing_rows_count").value_or(0);
    m.deleted_rows_count = GetLong(r, "deleted_rows_count").value_or(0);
    out.push_back(std::move(m));
  }
  return out;
}

arrow::Result<std::vector<ManifestEntry>> LiveEntries(const FileIO& io, const Snapshot& snapshot) {
  std::vector<ManifestEntry> out;
  if (snapshot.manifest_list.empty()) return out;
  ARROW_ASSIGN_OR_RAISE(auto manifests, ReadManifestList(io, snapshot.manifest_list));
  for (const auto& m : manifests) {
    if (m.content != 0) {
      return arrow::Status::NotImplemented("Iceberg delete files (manifest ", m.manifest_path,
                                           "): Spate reads tables without row-level deletes.");
    }
    ARROW_ASSIGN_OR_RAISE(auto entries, ReadManifest(io, m.manifest_path));
    for (auto& e : entries) {
      if (e.status == EntryStatus::kDeleted) continue;
      if (!e.sequence_number) e.sequence_number = m.sequence_number;
      if (!e.file_sequence_number) e.file_sequence_number = m.sequence_number;
      if (!e.snapshot_id) e.snapshot_id = m.added_snapshot_id;
      out.push_back(std::move(e));
    }
  }
  return out;
}

}  // namespace spate::iceberg
