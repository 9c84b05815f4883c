#pragma once

// Reading an Iceberg table for a query: only the live data files whose
// partition values can satisfy the query's filters (partition pruning), and
// only the columns it uses (projection).

#include <memory>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/connectors/iceberg/manifest.h"
#include "spate/connectors/iceberg/table_metadata.h"
#include "spate/plan/logical_plan.h"

namespace spate::iceberg {

/// The current snapshot's rows for `request` (its filters are over the
/// columns of the table's schema, in order); unused columns are all-null.
arrow::Result<std::shared_ptr<arrow::Table>> ScanForQuery(const TableMetadata& table, const ScanRequest& request);

/// Whether a data file of `spec` with these partition values can hold rows
/// matching every filter (false only when a filter rules it out).
bool MayMatch(const TableMetadata& table, const PartitionSpec& spec, const DataFile& file,
              const std::vector<BoundExprPtr>& filters);

}  // namespace spate::iceberg
