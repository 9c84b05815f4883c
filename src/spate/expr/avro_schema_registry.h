#pragma once

// A client of a schema registry speaking Confluent's REST API, for the
// schema-registry form of from_avro / to_avro (Databricks'): schemas by id
// (cached for the process: an id's schema never changes), a subject's latest
// schema, and the id of a schema registered under a subject. Records in the
// registry's wire format start with the magic byte 0 and the schema id as 4
// big-endian bytes; the Avro datum follows.

#include <cstdint>
#include <map>
#include <string>

#include <arrow/result.h>

namespace spate {

/// The wire format's header: magic byte 0, then the 4-byte big-endian schema id.
inline constexpr size_t kRegistryHeaderSize = 5;

struct RegisteredSchema {
  int32_t id = 0;
  int32_t version = 0;
  std::string schema;  // the Avro schema's JSON text
};

class SchemaRegistryClient {
 public:
  /// `address`: the registry's base URL (http://host:port, with any path
  /// prefix such as Apicurio's /apis/ccompat/v7). `options`: the function's
  /// options (lowercased names); confluent.schema.registry.basic.auth.* set
  /// HTTP basic authentication. Fails on an option it cannot honour.
  static arrow::Result<SchemaRegistryClient> Make(std::string address,
                                                  const std::map<std::string, std::string>& options);

  /// The schema with this id (GET /schemas/ids/{id}), from the cache when
  /// fetched before. A KeyError when the registry does not know the id.
  arrow::Result<std::string> SchemaById(int32_t id) const;

  /// The subject's latest schema (GET /subjects/{subject}/versions/latest).
  /// A KeyError when the subject does not exist.
  arrow::Result<RegisteredSchema> LatestSchema(const std::string& subject) const;

  /// The id of `schema` when it is registered under the subject
  /// (POST /subjects/{subject}); to_avro's AVRO_SCHEMA_NOT_REGISTERED errors
  /// when it is not, or when the subject does not exist.
  arrow::Result<int32_t> RegisteredId(const std::string& subject, const std::string& schema) const;

  const std::string& address() const { return address_; }

 private:
  SchemaRegistryClient() = default;
  std::string address_;
  std::string basic_auth_;
};

/// The schema id of a value in the wire format (0 to 2^32 - 1), or -1 when the
/// value is too short or does not start with the magic byte.
int64_t RegistrySchemaId(const uint8_t* data, size_t size);

/// Appends the wire format's header for `id` to *out.
void AppendRegistryHeader(int32_t id, std::string* out);

}  // namespace spate
