#pragma once

// The schemas of a stateful operator's state, recorded in the checkpoint on a
// query's first run and checked on every restart, as Spark does:
//   <checkpoint>/state/<operatorId>/0/_metadata/schema   (store "default")
//   <checkpoint>/state/<operatorId>/0/<storeName>/_metadata/schema
//       "v1", then the key schema and the value schema in Spark's JSON form,
//       one per line
//   <checkpoint>/state/<operatorId>/_metadata/metadata
//       "v1", then {"operatorInfo":{...},"stateStoreInfo":[{"storeName":..,
//       "numColsPrefixKey":0,"numPartitions":N}]}: the number of partitions

#include <cstdint>
#include <string>

#include <arrow/result.h>
#include <arrow/status.h>

#include "spate/types/data_type.h"

namespace spate {

inline constexpr const char* kDefaultStateStoreName = "default";

struct StateSchema {
  StructTypePtr key;
  StructTypePtr value;
  int num_partitions = 0;  // 0 when the operator metadata is missing
};

/// <checkpoint>/state/<operatorId>/<partition>[/<storeName>]: a provider's folder.
std::string StateStoreDir(const std::string& checkpoint, int64_t operator_id, int partition,
                          const std::string& store_name = kDefaultStateStoreName);

/// First run: writes the files above. Later runs: a key schema that differs
/// (in field count or types; names and nullability are not compared) fails
/// with [STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE], a value schema with
/// [STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE]. A different `num_partitions`
/// is not an error: the recorded number wins (read it with ReadStateSchema).
arrow::Status WriteOrCheckStateSchema(const std::string& checkpoint, int64_t operator_id, const StructType& key,
                                      const StructType& value, int num_partitions,
                                      const std::string& store_name = kDefaultStateStoreName,
                                      const std::string& operator_name = "stateful");

/// A restarted query must have the stateful operators its checkpoint records
/// (`operator_names` by operator id: stateStoreSave, dedupe, ...): one more or
/// fewer, or another kind at an id, fails with Spark's
/// [STREAMING_STATEFUL_OPERATOR_NOT_MATCH_IN_STATE_METADATA].
arrow::Status CheckStateOperators(const std::string& checkpoint, const std::vector<std::string>& operator_names);

/// The operator name the checkpoint records for `operator_id` ("" when none).
std::string RecordedOperatorName(const std::string& checkpoint, int64_t operator_id);

/// The recorded schemas; an IOError when there are none.
arrow::Result<StateSchema> ReadStateSchema(const std::string& checkpoint, int64_t operator_id,
                                           const std::string& store_name = kDefaultStateStoreName);

/// Spark's StructType.toString, as its schema errors print schemas:
/// "StructType(StructField(a,IntegerType,true))".
std::string SparkTypeString(const DataType& type);

}  // namespace spate
