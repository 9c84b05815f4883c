#include "spate/connectors/iceberg/table_metadata.h"

#include <chrono>
#include <random>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

namespace spate::iceberg {

namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void Str(Writer& w, const std::string& s) { w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size())); }

void WriteSchema(Writer& w, const IcebergSchema& schema) {
  w.StartObject();
  w.Key("type");
  w.String("struct");
  w.Key("schema-id");
  w.Int(schema.schema_id);
  w.Key("fields");
  w.StartArray();
  for (const auto& f : schema.fields) {
    w.StartObject();
    w.Key("id");
    w.Int(f.id);
    w.Key("name");
    Str(w, f.name);
    w.Key("required");
    w.Bool(f.required);
    w.Key("type");
    Str(w, IcebergTypeName(*f.type, f.name).ValueOr("string"));
    if (!f.doc.empty()) {
      w.Key("doc");
      Str(w, f.doc);
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void WriteSpecFields(Writer& w, const PartitionSpec& spec) {
  w.StartArray();
  for (const auto& f : spec.fields) {
    w.StartObject();
    w.Key("name");
    Str(w, f.name);
    w.Key("transform");
    Str(w, f.transform);
    w.Key("source-id");
    w.Int(f.source_id);
    w.Key("field-id");
    w.Int(f.field_id);
    w.EndObject();
  }
  w.EndArray();
}

void WriteSnapshot(Writer& w, const Snapshot& s) {
  w.StartObject();
  w.Key("snapshot-id");
  w.Int64(s.snapshot_id);
  if (s.parent_snapshot_id) {
    w.Key("parent-snapshot-id");
    w.Int64(*s.parent_snapshot_id);
  }
  w.Key("sequence-number");
  w.Int64(s.sequence_number);
  w.Key("timestamp-ms");
  w.Int64(s.timestamp_ms);
  w.Key("manifest-list");
  Str(w, s.manifest_list);
  w.Key("summary");
  w.StartObject();
  for (const auto& [k, v] : s.summary) {
    Str(w, k);
    Str(w, v);
  }
  w.EndObject();
  if (s.schema_id) {
    w.Key("schema-id");
    w.Int(*s.schema_id);
  }
  w.EndObject();
}

arrow::Status Missing(const std::string& file, const char* key) {
  return arrow::Status::Invalid("Iceberg metadata file ", file, " has no valid '", key, "'");
}

arrow::Result<IcebergSchema> ParseSchema(const rapidjson::Value& v, const std::string& file) {
  IcebergSchema schema;
  if (v.HasMember("schema-id") && v["schema-id"].IsInt()) schema.schema_id = v["schema-id"].GetInt();
  if (!v.HasMember("fields") || !v["fields"].IsArray()) return Missing(file, "fields");
  for (const auto& f : v["fields"].GetArray()) {
    IcebergField field;
    field.id = f["id"].GetInt();
    field.name = f["name"].GetString();
    field.required = f.HasMember("required") && f["required"].GetBool();
    if (f.HasMember("doc") && f["doc"].IsString()) field.doc = f["doc"].GetString();
    if (!f["type"].IsString()) {
      return arrow::Status::NotImplemented(
          fmt::format("Iceberg column `{}` has a nested type, which Spate does not read yet.", field.name));
    }
    ARROW_ASSIGN_OR_RAISE(field.type, SparkTypeOf(f["type"].GetString(), field.name));
    schema.fields.push_back(std::move(field));
  }
  return schema;
}

PartitionSpec ParseSpec(const rapidjson::Value& v) {
  PartitionSpec spec;
  if (v.HasMember("spec-id")) spec.spec_id = v["spec-id"].GetInt();
  for (const auto& f : v["fields"].GetArray()) {
    spec.fields.push_back(PartitionField{f["source-id"].GetInt(), f["field-id"].GetInt(), f["name"].GetString(),
                                         f["transform"].GetString()});
  }
  return spec;
}

Snapshot ParseSnapshot(const rapidjson::Value& v) {
  Snapshot s;
  s.snapshot_id = v["snapshot-id"].GetInt64();
  if (v.HasMember("parent-snapshot-id") && v["parent-snapshot-id"].IsInt64()) {
    s.parent_snapshot_id = v["parent-snapshot-id"].GetInt64();
  }
  if (v.HasMember("sequence-number")) s.sequence_number = v["sequence-number"].GetInt64();
  s.timestamp_ms = v["timestamp-ms"].GetInt64();
  if (v.HasMember("manifest-list")) s.manifest_list = v["manifest-list"].GetString();
  if (v.HasMember("summary")) {
    for (const auto& m : v["summary"].GetObject()) {
      if (m.value.IsString()) s.summary[m.name.GetString()] = m.value.GetString();
    }
  }
  if (v.HasMember("schema-id") && v["schema-id"].IsInt()) s.schema_id = v["schema-id"].GetInt();
  return s;
}

std::string ToJson(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return buf.GetString();
}

}  // namespace

const IcebergSchema& TableMetadata::schema() const {
  for (const auto& s : schemas) {
    if (s.schema_id == current_schema_id) return s;
  }
  return schemas.back();
}

const PartitionSpec* TableMetadata::FindSpec(int spec_id) const {
  for (const auto& s : specs) {
    if (s.spec_id == spec_id) return &s;
  }
  return nullptr;
}

const PartitionSpec& TableMetadata::spec() const {
  const PartitionSpec* s = FindSpec(default_spec_id);
  return s != nullptr ? *s : specs.back();
}

const Snapshot* TableMetadata::FindSnapshot(int64_t id) const {
  for (const auto& s : snapshots) {
    if (s.snapshot_id == id) return &s;
  }
  return nullptr;
}

const Snapshot* TableMetadata::current_snapshot() const {
  return current_snapshot_id ? FindSnapshot(*current_snapshot_id) : nullptr;
}

void TableMetadata::AddSnapshot(Snapshot snapshot) {
  last_sequence_number = snapshot.sequence_number;
  last_updated_ms = snapshot.timestamp_ms;
  current_snapshot_id = snapshot.snapshot_id;
  snapshot_log.emplace_back(snapshot.timestamp_ms, snapshot.snapshot_id);
  snapshots.push_back(std::move(snapshot));
}

TableMetadata NewTableMetadata(const std::string& location, IcebergSchema schema, PartitionSpec spec,
                               std::map<std::string, std::string> properties) {
  TableMetadata m;
  m.table_uuid = NewUuid();
  m.location = location;
  m.last_updated_ms = NowMillis();
  for (const auto& f : schema.fields) m.last_column_id = std::max(m.last_column_id, f.id);
  for (const auto& f : spec.fields) m.last_partition_id = std::max(m.last_partition_id, f.field_id);
  m.schemas.push_back(std::move(schema));
  m.specs.push_back(std::move(spec));
  m.properties = std::move(properties);
  return m;
}

arrow::Result<TableMetadata> ParseTableMetadata(const std::string& json, const std::string& file) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject()) {
    return arrow::Status::Invalid("Iceberg metadata file ", file, " is not valid JSON: ",
                                  rapidjson::GetParseError_En(d.GetParseError()));
  }
  TableMetadata m;
  if (!d.HasMember("format-version") || !d["format-version"].IsInt()) return Missing(file, "format-version");
  m.format_version = d["format-version"].GetInt();
  if (m.format_version < 1 || m.format_version > 2) {
    return arrow::Status::NotImplemented("Iceberg metadata file ", file, " has format-version ", m.format_version,
                                         "; Spate reads versions 1 and 2.");
  }
  if (d.HasMember("table-uuid")) m.table_uuid = d["table-uuid"].GetString();
  if (!d.HasMember("location") || !d["location"].IsString()) return Missing(file, "location");
  m.location = d["location"].GetString();
  if (d.HasMember("last-sequence-number")) m.last_sequence_number = d["last-sequence-number"].GetInt64();
  if (d.HasMember("last-updated-ms")) m.last_updated_ms = d["last-updated-ms"].GetInt64();
  if (d.HasMember("last-column-id")) m.last_column_id = d["last-column-id"].GetInt();
  if (d.HasMember("schemas") && d["schemas"].IsArray()) {
    for (const auto& s : d["schemas"].GetArray()) {
      ARROW_ASSIGN_OR_RAISE(auto schema, ParseSchema(s, file));
      m.schemas.push_back(std::move(schema));
    }
    if (d.HasMember("current-schema-id")) m.current_schema_id = d["current-schema-id"].GetInt();
  } else if (d.HasMember("schema")) {
    ARROW_ASSIGN_OR_RAISE(auto schema, ParseSchema(d["schema"], file));
    m.current_schema_id = schema.schema_id;
    m.schemas.push_back(std::move(schema));
  }
  if (m.schemas.empty()) return Missing(file, "schemas");
  if (d.HasMember("partition-specs") && d["partition-specs"].IsArray()) {
    for (const auto& s : d["partition-specs"].GetArray()) m.specs.push_back(ParseSpec(s));
  }
  if (m.specs.empty()) m.specs.emplace_back();
  if (d.HasMember("default-spec-id")) m.default_spec_id = d["default-spec-id"].GetInt();
  if (d.HasMember("last-partition-id")) m.last_partition_id = d["last-partition-id"].GetInt();
  if (d.HasMember("default-sort-order-id")) m.default_sort_order_id = d["default-sort-order-id"].GetInt();
  if (d.HasMember("sort-orders")) m.sort_orders_json = ToJson(d["sort-orders"]);
  if (d.HasMember("properties") && d["properties"].IsObject()) {
    for (const auto& p : d["properties"].GetObject()) {
      if (p.value.IsString()) m.properties[p.name.GetString()] = p.value.GetString();
    }
  }
  if (d.HasMember("current-snapshot-id") && d["current-snapshot-id"].IsInt64() &&
      d["current-snapshot-id"].GetInt64() != -1) {
    m.current_snapshot_id = d["current-snapshot-id"].GetInt64();
  }
  if (d.HasMember("snapshots") && d["snapshots"].IsArray()) {
    for (const auto& s : d["snapshots"].GetArray()) m.snapshots.push_back(ParseSnapshot(s));
  }
  if (d.HasMember("snapshot-log") && d["snapshot-log"].IsArray()) {
    for (const auto& e : d["snapshot-log"].GetArray()) {
      m.snapshot_log.emplace_back(e["timestamp-ms"].GetInt64(), e["snapshot-id"].GetInt64());
    }
  }
  if (d.HasMember("metadata-log") && d["metadata-log"].IsArray()) {
    for (const auto& e : d["metadata-log"].GetArray()) {
      m.metadata_log.emplace_back(e["timestamp-ms"].GetInt64(), e["metadata-file"].GetString());
    }
  }
  return m;
}

std::string SerializeTableMetadata(const TableMetadata& m) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("format-version");
  w.Int(2);
  w.Key("table-uuid");
  Str(w, m.table_uuid);
  w.Key("location");
  Str(w, m.location);
  w.Key("last-sequence-number");
  w.Int64(m.last_sequence_number);
  w.Key("last-updated-ms");
  w.Int64(m.last_updated_ms);
  w.Key("last-column-id");
  w.Int(m.last_column_id);
  w.Key("current-schema-id");
  w.Int(m.current_schema_id);
  w.Key("schemas");
  w.StartArray();
  for (const auto& s : m.schemas) WriteSchema(w, s);
  w.EndArray();
  w.Key("default-spec-id");
  w.Int(m.default_spec_id);
  w.Key("partition-specs");
  w.StartArray();
  for (const auto& s : m.specs) {
    w.StartObject();
    w.Key("spec-id");
    w.Int(s.spec_id);
    w.Key("fields");
    WriteSpecFields(w, s);
    w.EndObject();
  }
  w.EndArray();
  w.Key("last-partition-id");
  w.Int(m.last_partition_id);
  w.Key("default-sort-order-id");
  w.Int(m.default_sort_order_id);
  w.Key("sort-orders");
  w.RawValue(m.sort_orders_json.c_str(), m.sort_orders_json.size(), rapidjson::kArrayType);
  w.Key("properties");
  w.StartObject();
  for (const auto& [k, v] : m.properties) {
    Str(w, k);
    Str(w, v);
  }
  w.EndObject();
  w.Key("current-snapshot-id");
  if (m.current_snapshot_id) {
    w.Int64(*m.current_snapshot_id);
  } else {
    w.Null();
  }
  w.Key("refs");
  w.StartObject();
  if (m.current_snapshot_id) {
    w.Key("main");
    w.StartObject();
    w.Key("snapshot-id");
    w.Int64(*m.current_snapshot_id);
    w.Key("type");
    w.String("branch");
    w.EndObject();
  }
  w.EndObject();
  w.Key("snapshots");
  w.StartArray();
  for (const auto& s : m.snapshots) WriteSnapshot(w, s);
  w.EndArray();
  w.Key("statistics");
  w.StartArray();
  w.EndArray();
  w.Key("snapshot-log");
  w.StartArray();
  for (const auto& [ts, id] : m.snapshot_log) {
    w.StartObject();
    w.Key("timestamp-ms");
    w.Int64(ts);
    w.Key("snapshot-id");
    w.Int64(id);
    w.EndObject();
  }
  w.EndArray();
  w.Key("metadata-log");
  w.StartArray();
  for (const auto& [ts, file] : m.metadata_log) {
    w.StartObject();
    w.Key("timestamp-ms");
    w.Int64(ts);
    w.Key("metadata-file");
    Str(w, file);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

std::string SchemaJson(const IcebergSchema& schema) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.SetFormatOptions(rapidjson::kFormatSingleLineArray);
  WriteSchema(w, schema);
  std::string s = buf.GetString();
  return s;
}

std::string SnapshotJson(const Snapshot& snapshot) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  WriteSnapshot(w, snapshot);
  return buf.GetString();
}

std::string SpecJson(const PartitionSpec& spec) {
  return fmt::format(R"({{"spec-id":{},"fields":{}}})", spec.spec_id, SpecFieldsJson(spec));
}

std::string SpecFieldsJson(const PartitionSpec& spec) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  WriteSpecFields(w, spec);
  return buf.GetString();
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t NewSnapshotId() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  return static_cast<int64_t>(rng() >> 1) | 1;
}

std::string NewUuid() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  uint64_t a = rng(), b = rng();
  a = (a & 0xFFFFFFFFFFFF0FFFULL) | 0x4000ULL;
  b = (b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xFFFF, a & 0xFFFF, b >> 48,
                     b & 0xFFFFFFFFFFFFULL);
}

}  // namespace spate::iceberg
