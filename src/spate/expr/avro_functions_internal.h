#pragma once

// What from_avro / to_avro (functions_avro.cc) share with their
// schema-registry form (functions_avro_registry.cc).

#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/expr/bound_expr.h"
#include "spate/expr/function_options.h"
#include "spate/types/avro_schema.h"

namespace spate {

/// Spark's message for a malformed datum in FAILFAST mode; `cause`, when not
/// empty, is appended.
arrow::Status MalformedAvro(const std::string& cause = "");

/// The type with every field, element and value nullable (Spark's asNullable).
DataTypePtr AsNullable(const DataTypePtr& type);

/// from_avro's reading settings from its options: mode, recursiveFieldMaxDepth,
/// the union naming options.
struct AvroReadOptions {
  bool fail_fast = true;
  int max_depth = -1;
  AvroTypeOptions type_options;
};
arrow::Result<AvroReadOptions> ReadAvroOptions(const Options& options);

/// Whether the options name a schema registry (subject or schemaRegistryAddress).
bool UsesSchemaRegistry(const Options& options);

/// from_avro(data, jsonFormatSchema or NULL, options with subject and
/// schemaRegistryAddress): values in the registry's wire format.
arrow::Result<BoundExprPtr> BindFromAvroWithRegistry(const std::string& name, std::vector<BoundExprPtr> args,
                                                     const std::string& json_format_schema,
                                                     const Options& options, const std::string& pretty);

/// to_avro(data, jsonFormatSchema or NULL, options with subject and
/// schemaRegistryAddress): the wire format, with the id the schema has under the subject.
arrow::Result<BoundExprPtr> BindToAvroWithRegistry(const std::string& name, std::vector<BoundExprPtr> args,
                                                   const std::string& schema_text, const Options& options,
                                                   const std::string& pretty);

}  // namespace spate
