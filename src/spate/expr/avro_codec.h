#pragma once

// Avro's binary encoding <-> Arrow arrays of the Spark types spark-avro maps
// Avro schemas to (types/avro_schema.h). from_avro / to_avro and the avro
// file format read and write through these.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/types/avro_schema.h"

namespace spate {

/// Appends decoded datums of one Avro schema to an Arrow array of its Spark
/// type (AvroToSparkType(schema).type, or the same with nullable fields). With
/// a `reader` schema, datums written with `schema` are read as `reader` says
/// (Avro's schema resolution: fields matched by name, defaults for the missing
/// ones, promotions) into the reader's Spark type.
class AvroDecoder {
 public:
  static arrow::Result<std::unique_ptr<AvroDecoder>> Make(AvroSchemaPtr schema, DataTypePtr type,
                                                          AvroSchemaPtr reader = nullptr);
  ~AvroDecoder();

  /// Decodes the datum that starts at *pos (bytes after it are left, as Avro's
  /// reader leaves them) and appends it. A malformed datum (cut short, a
  /// negative length, a branch or symbol out of range) appends nothing and
  /// gives false; *pos is then unspecified.
  arrow::Result<bool> Append(const uint8_t** pos, const uint8_t* end);
  arrow::Status AppendNull();
  /// A struct whose fields are all NULL (what a malformed record reads as in
  /// PERMISSIVE mode); plain NULL for other types.
  arrow::Status AppendAllNullFields();
  arrow::Result<std::shared_ptr<arrow::Array>> Finish();

  struct Node;

 private:
  AvroDecoder() = default;
  AvroSchemaPtr schema_, reader_;
  DataTypePtr type_;
  std::unique_ptr<arrow::ArrayBuilder> builder_;
  std::unique_ptr<Node> root_;
};

/// Encodes values of a Spark type as datums of an Avro schema.
class AvroEncoder {
 public:
  /// Fails when the type cannot be written as the schema (Spark's
  /// "Cannot convert SQL type ... to Avro type ..." errors).
  static arrow::Result<std::unique_ptr<AvroEncoder>> Make(AvroSchemaPtr schema, DataTypePtr type);
  ~AvroEncoder();

  /// The arrays the encoding of one input array reads: the array and, as the
  /// schema nests, its record fields, items or map values. Taken once for all
  /// of its rows (a struct array hands out a field behind a lock).
  struct Input {
    const arrow::Array* array = nullptr;
    std::vector<Input> children;
  };
  /// `array` must outlive the Input.
  Input Bind(const arrow::Array& array) const;

  /// Appends the encoding of row `row` of the bound array (not NULL unless the
  /// schema takes null) to *out.
  arrow::Status Encode(const Input& input, int64_t row, std::string* out) const;

  struct Node;

 private:
  AvroEncoder() = default;
  AvroSchemaPtr schema_;
  std::unique_ptr<Node> root_;
};

/// Avro's zig-zag variable-length long, appended to *out.
void AppendAvroLong(int64_t value, std::string* out);
/// Reads one; false when cut short or longer than ten bytes.
bool ReadAvroLong(const uint8_t** pos, const uint8_t* end, int64_t* value);

}  // namespace spate
