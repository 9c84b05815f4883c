#pragma once

// The jdbc data source on PostgreSQL: spark.read.format("jdbc") and
// df.write.format("jdbc") with Spark's options and save modes (docs/jdbc.md).

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/types/data_type.h"

namespace spate {

class RuntimeConfig;
struct PlanNode;
using PlanPtr = std::shared_ptr<const PlanNode>;

/// spark.read.format("jdbc").options(...).load(): the rows of `dbtable` or
/// `query`, read in one query per partition when partitionColumn is set.
arrow::Result<PlanPtr> LoadJdbc(const RuntimeConfig& conf, const std::map<std::string, std::string>& options);

/// df.write.format("jdbc").mode(mode).options(...).save(): creates the table
/// when needed and sends the rows with COPY, in one transaction. `rows` (of
/// `schema`) is computed only when the save mode writes, before the table changes.
arrow::Status WriteJdbc(const StructType& schema,
                        const std::function<arrow::Result<std::shared_ptr<arrow::Table>>()>& rows,
                        const RuntimeConfig& conf, const std::string& mode,
                        const std::map<std::string, std::string>& options);

}  // namespace spate
