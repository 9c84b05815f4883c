#pragma once

// Iceberg data files: Parquet written with Arrow's writer, each column
// tagged with its Iceberg field id, grouped by partition, with the column
// statistics manifests record (value and null counts, lower and upper bounds
// in Iceberg's single-value serialization). Reading maps file columns back
// to the table's columns by field id.

#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/connectors/iceberg/manifest.h"

namespace spate::iceberg {

/// Writes `rows` (columns in table-schema order, Arrow types of the table's
/// Spark types) under <location>/data, one file per partition and at most
/// about `target_file_size` bytes each.
arrow::Result<std::vector<DataFile>> WriteDataFiles(const TableMetadata& table, const arrow::Table& rows,
                                                    int64_t target_file_size);

/// The rows of `files` as the table's current schema (columns a file lacks
/// read as nulls). With `columns` (one flag per schema field), only the
/// flagged columns are read; the others are all-null.
arrow::Result<std::shared_ptr<arrow::Table>> ReadDataFiles(const TableMetadata& table,
                                                           const std::vector<ManifestEntry>& files,
                                                           const std::vector<bool>& columns = {});

/// The partition value of one row for one partition field (exposed for tests:
/// bucket and truncate follow the spec's hashing and widths).
arrow::Result<PartitionValue> TransformValue(const std::string& transform, const PartitionValue& source,
                                             TypeId source_type);

/// Iceberg's 32-bit Murmur3 (x86 variant, seed 0), as the bucket transform uses it.
int32_t Murmur3(const void* data, size_t size);

}  // namespace spate::iceberg
