#pragma once

// Spark SQL types <-> Arrow types. Spate's data is Arrow; this is the one
// place that says which Arrow type holds which Spark type:
//   boolean->bool, tinyint->int8, smallint->int16, int->int32, bigint->int64,
//   float->float32, double->float64, decimal(p,s)->decimal128(p,s),
//   string->utf8, binary->binary, date->date32, timestamp->timestamp[us, UTC],
//   timestamp_ntz->timestamp[us], array->list<element>, map->map, struct->struct,
//   void->null.
// Reading Arrow data made elsewhere (Parquet files, pyarrow) also accepts the
// wider Arrow family (large/view strings, other time units, unsigned ints) and
// maps it the way Spark's Parquet reader does.

#include <memory>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/types/data_type.h"

namespace spate {

/// Arrow field metadata key under which a Spark field's metadata JSON travels.
inline constexpr const char* kSparkMetadataKey = "spark.metadata";

arrow::Result<std::shared_ptr<arrow::DataType>> ToArrowType(const DataType& type);
arrow::Result<std::shared_ptr<arrow::Schema>> ToArrowSchema(const StructType& schema);

arrow::Result<DataTypePtr> FromArrowType(const arrow::DataType& type);
arrow::Result<StructTypePtr> FromArrowSchema(const arrow::Schema& schema);

}  // namespace spate
