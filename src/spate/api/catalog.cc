#include "spate/api/catalog.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "spate/api/session.h"
#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/connectors/file/file_listing.h"
#include "spate/types/json_schema.h"

namespace spate {

namespace fs = std::filesystem;

namespace {

constexpr const char* kMetadataFile = "_spate_table.json";

std::string Unquote(std::string part) {
  if (part.size() >= 2 && part.front() == '`' && part.back() == '`') return part.substr(1, part.size() - 2);
  return part;
}

std::vector<std::string> SplitName(const std::string& name) {
  std::vector<std::string> parts;
  std::string current;
  bool quoted = false;
  for (char c : name) {
    if (c == '`') quoted = !quoted;
    if (c == '.' && !quoted) {
      parts.push_back(Unquote(current));
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(Unquote(current));
  return parts;
}

std::string MetadataJson(const CatalogTable& t) {
  std::string out = "{\"provider\":";
  AppendJsonString(t.provider, &out);
  out += ",\"schema\":" + ToJson(*t.schema) + ",\"partitionColumns\":[";
  for (size_t i = 0; i < t.partition_columns.size(); ++i) {
    if (i > 0) out += ",";
    AppendJsonString(t.partition_columns[i], &out);
  }
  return out + "]}";
}

arrow::Result<CatalogTable> ParseMetadata(const std::string& name, const std::string& location,
                                          const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("schema") || !doc.HasMember("provider")) {
    return arrow::Status::IOError("corrupt table metadata in ", location);
  }
  CatalogTable t;
  t.name = name;
  t.location = location;
  t.provider = doc["provider"].GetString();
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc["schema"].Accept(writer);
  ARROW_ASSIGN_OR_RAISE(auto schema, ParseJsonType({buffer.GetString(), buffer.GetSize()}));
  t.schema = std::static_pointer_cast<const StructType>(schema);
  if (doc.HasMember("partitionColumns") && doc["partitionColumns"].IsArray()) {
    for (const auto& c : doc["partitionColumns"].GetArray()) t.partition_columns.emplace_back(c.GetString());
  }
  return t;
}

}  // namespace

arrow::Status TableAlreadyExists(const std::string& name) {
  return SparkError("TABLE_OR_VIEW_ALREADY_EXISTS", "42P07",
                    fmt::format("Cannot create table or view {} because it already exists.\n"
                                "Choose a different name, drop or replace the existing object, or "
                                "add the IF NOT EXISTS clause to tolerate pre-existing objects.",
                                Catalog::QualifiedName(name)));
}

arrow::Result<std::string> Catalog::TableName(const std::vector<std::string>& parts) {
  if (parts.empty()) return arrow::Status::Invalid("empty table name");
  if (parts.size() >= 2) {
    std::string db = AsciiLower(parts[parts.size() - 2]);
    bool catalog_ok = parts.size() == 2 || (parts.size() == 3 && AsciiLower(parts[0]) == "spark_catalog");
    if (db != "default" || !catalog_ok) {
      std::string shown;
      for (size_t i = 0; i + 1 < parts.size(); ++i) shown += (i ? "." : "") + fmt::format("`{}`", parts[i]);
      return SparkError("SCHEMA_NOT_FOUND", "42704",
                        fmt::format("The schema {} cannot be found. Verify the spelling and "
                                    "correctness of the schema and catalog.\nIf you did not "
                                    "qualify the name with a catalog, verify the current_schema() "
                                    "output, or qualify the name with the correct catalog.\nTo "
                                    "tolerate the error on drop use DROP SCHEMA IF EXISTS.",
                                    shown));
    }
  }
  return AsciiLower(parts.back());
}

arrow::Result<std::string> Catalog::TableName(const std::string& qualified) {
  return TableName(SplitName(qualified));
}

std::string Catalog::QualifiedName(const std::string& table) {
  return fmt::format("`spark_catalog`.`default`.`{}`", table);
}

std::string Catalog::Warehouse() const {
  return conf_.Get("spark.sql.warehouse.dir").value_or("spark-warehouse");
}

std::string Catalog::DefaultLocation(const std::string& name) const {
  std::error_code ec;
  return (fs::absolute(Warehouse(), ec) / name).lexically_normal().string();
}

bool Catalog::TableExists(const std::string& name) const {
  std::error_code ec;
  return fs::exists(fs::path(DefaultLocation(name)) / kMetadataFile, ec);
}

arrow::Result<CatalogTable> Catalog::GetTable(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!TableExists(name)) return TableNotFound(name);
  std::string location = DefaultLocation(name);
  ARROW_ASSIGN_OR_RAISE(std::string json, ReadWholeFile((fs::path(location) / kMetadataFile).string()));
  return ParseMetadata(name, location, json);
}

arrow::Status Catalog::CreateTable(const CatalogTable& table) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (TableExists(table.name)) return TableAlreadyExists(table.name);
  std::string location = DefaultLocation(table.name);
  std::error_code ec;
  if (fs::exists(location, ec)) {
    return SparkError("LOCATION_ALREADY_EXISTS", "42710",
                      fmt::format("Cannot name the managed table as {}, as its associated location "
                                  "'{}' already exists. Please pick a different table name, or "
                                  "remove the existing location first.",
                                  QualifiedName(table.name), QualifiedPath(location)));
  }
  fs::create_directories(location, ec);
  if (ec) return arrow::Status::IOError("cannot create ", location, ": ", ec.message());
  CatalogTable stored = table;
  stored.location = location;
  return WriteWholeFile((fs::path(location) / kMetadataFile).string(), MetadataJson(stored));
}

arrow::Result<bool> Catalog::DropTable(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!TableExists(name)) return false;
  std::error_code ec;
  fs::remove_all(DefaultLocation(name), ec);
  if (ec) return arrow::Status::IOError("cannot remove ", DefaultLocation(name), ": ", ec.message());
  return true;
}

std::vector<std::string> Catalog::ListTables() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> names;
  std::error_code ec;
  if (!fs::is_directory(Warehouse(), ec)) return names;
  for (const auto& e : fs::directory_iterator(Warehouse(), ec)) {
    if (e.is_directory() && fs::exists(e.path() / kMetadataFile, ec)) {
      names.push_back(e.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace spate
