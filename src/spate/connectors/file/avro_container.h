#pragma once

// Avro object container files (the `avro` file format): a header (magic,
// metadata with the schema and codec, a sync marker), then blocks of datums,
// each block compressed with the file's codec (null, deflate, snappy, zstandard,
// bzip2, xz) and followed by the sync marker.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/types/data_type.h"

namespace spate {

struct AvroFileRows {
  std::string schema_json;  // the writer's schema (avro.schema)
  StructTypePtr schema;     // its Spark type; the top-level schema must be a record
  std::shared_ptr<arrow::Table> table;
};

/// Reads a whole container file's bytes; with `reader_schema` (JSON, the avroSchema
/// option) the records are read as that schema says (Avro's schema resolution).
/// `recursive_max_depth` is the recursiveFieldMaxDepth option (ParseAvroSchema).
arrow::Result<AvroFileRows> ReadAvroContainer(const std::string& bytes, const std::string& reader_schema = "",
                                              int recursive_max_depth = 0);

/// The writer's schema of a container file (its header only).
arrow::Result<std::string> AvroContainerSchema(const std::string& bytes);

struct AvroWriteOptions {
  std::string codec = "snappy";  // uncompressed/none, deflate, snappy, zstd, bzip2, xz
  int deflate_level = -1;        // spark.sql.avro.deflate.level (-1: zlib's default)
  int xz_level = 6;              // spark.sql.avro.xz.level
  std::string record_name = "topLevelRecord";
  std::string record_namespace;
  std::string schema_json;       // avroSchema option: the schema to write with
};

/// A container file's header: the magic, the metadata (avro.schema, avro.codec, then
/// `metadata`) and a new random sync marker, which *sync receives.
std::string AvroContainerHeader(const std::string& schema_json, const std::string& codec,
                                const std::vector<std::pair<std::string, std::string>>& metadata,
                                std::string* sync);
/// Appends a block: its record count, its bytes (encoded with the file's codec), the sync marker.
void AppendAvroBlock(int64_t count, std::string_view data, const std::string& sync, std::string* out);

/// A container file holding `rows` (columns of `schema`).
arrow::Result<std::string> WriteAvroContainer(const arrow::Table& rows, const StructType& schema,
                                              const AvroWriteOptions& options);

}  // namespace spate
