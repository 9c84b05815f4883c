#pragma once

// Avro object container files for Iceberg manifests and manifest lists.
// Records are encoded by Apache Avro C (libavro); the container header is
// written here because Iceberg readers need what avro-c cannot store: the
// schema text with its `field-id` attributes and the file's key-value
// metadata ("partition-spec", "format-version", ...). Reading goes through
// avro-c's file reader (any codec it supports).
//
// Internal to connectors/iceberg: this header includes <avro.h>.

#include <avro.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <arrow/result.h>

namespace spate::iceberg {

class AvroWriter {
 public:
  /// `schema_json`: the Avro schema of the records, with Iceberg's field ids.
  static arrow::Result<std::unique_ptr<AvroWriter>> Make(
      const std::string& schema_json, std::vector<std::pair<std::string, std::string>> metadata);
  ~AvroWriter();

  /// The record to fill before Append(); reset after each Append().
  avro_value_t* record() { return &record_; }
  arrow::Status Append();
  /// The container file's bytes (codec null).
  std::string Finish();

 private:
  AvroWriter() = default;
  std::string schema_json_;
  std::vector<std::pair<std::string, std::string>> metadata_;
  avro_schema_t schema_ = nullptr;
  avro_value_iface_t* iface_ = nullptr;
  avro_value_t record_{};
  std::string encoded_;
  int64_t count_ = 0;
};

class AvroReader {
 public:
  /// Reads the container file `bytes`; `name` (its location) names it in errors.
  static arrow::Result<std::unique_ptr<AvroReader>> Open(std::string bytes, const std::string& name);
  ~AvroReader();
  /// The next record, or null at the end of the file.
  arrow::Result<avro_value_t*> Next();

 private:
  AvroReader() = default;
  std::string path_;
  std::string bytes_;  // read through fmemopen: must outlive reader_
  avro_file_reader_t reader_ = nullptr;
  avro_schema_t schema_ = nullptr;
  avro_value_iface_t* iface_ = nullptr;
  avro_value_t record_{};
};

// Field access by name. Setters take the value for a plain field and pick
// the non-null branch of an optional (["null", T]) field.
arrow::Result<avro_value_t> Field(avro_value_t* record, const char* name);
arrow::Status SetInt(avro_value_t* record, const char* name, int32_t v);
arrow::Status SetLong(avro_value_t* record, const char* name, int64_t v);
arrow::Status SetString(avro_value_t* record, const char* name, const std::string& v);
arrow::Status SetBool(avro_value_t* record, const char* name, bool v);
arrow::Status SetNull(avro_value_t* record, const char* name);
/// The value inside an optional field's non-null branch (or the field itself).
arrow::Result<avro_value_t> NonNullBranch(avro_value_t* record, const char* name);

// Getters: nullopt when the field is absent or null.
std::optional<int64_t> GetLong(avro_value_t* record, const char* name);
std::optional<std::string> GetString(avro_value_t* record, const char* name);
/// Resolves a union value to its branch; null when the branch is null.
std::optional<avro_value_t> Unwrap(avro_value_t value);

}  // namespace spate::iceberg
