#pragma once

// Manifests (the data files of a snapshot, with their partition values and
// column statistics) and manifest lists (a snapshot's manifests), in the
// Avro layouts of the Iceberg spec, format v2.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/connectors/iceberg/file_io.h"
#include "spate/connectors/iceberg/table_metadata.h"

namespace spate::iceberg {

/// One partition value: null, an integer (int, long, date, timestamp,
/// boolean) or a string.
struct PartitionValue {
  bool is_null = true;
  int64_t i = 0;
  std::string s;
  bool operator==(const PartitionValue& o) const { return is_null == o.is_null && i == o.i && s == o.s; }
};

struct DataFile {
  int content = 0;  // 0 data, 1 position deletes, 2 equality deletes
  std::string file_path;
  std::string file_format = "PARQUET";
  std::vector<PartitionValue> partition;  // one per field of the spec
  int64_t record_count = 0;
  int64_t file_size_in_bytes = 0;
  std::map<int, int64_t> column_sizes, value_counts, null_value_counts;
  std::map<int, std::string> lower_bounds, upper_bounds;  // single-value serialization
};

enum class EntryStatus { kExisting = 0, kAdded = 1, kDeleted = 2 };

struct ManifestEntry {
  EntryStatus status = EntryStatus::kAdded;
  std::optional<int64_t> snapshot_id;
  std::optional<int64_t> sequence_number;       // null for added: inherited from the manifest
  std::optional<int64_t> file_sequence_number;
  DataFile file;
};

struct ManifestFile {
  std::string manifest_path;
  int64_t manifest_length = 0;
  int partition_spec_id = 0;
  int content = 0;  // 0 data, 1 deletes
  int64_t sequence_number = 0;
  int64_t min_sequence_number = 0;
  int64_t added_snapshot_id = 0;
  int added_files_count = 0, existing_files_count = 0, deleted_files_count = 0;
  int64_t added_rows_count = 0, existing_rows_count = 0, deleted_rows_count = 0;
};

/// Writes a manifest of `entries` to `path` (through `table.io`); the result
/// has its path, length and counts (the caller sets sequence numbers and snapshot id).
arrow::Result<ManifestFile> WriteManifest(const std::string& path, const TableMetadata& table,
                                          const PartitionSpec& spec, int64_t snapshot_id,
                                          const std::vector<ManifestEntry>& entries);
arrow::Result<std::vector<ManifestEntry>> ReadManifest(const FileIO& io, const std::string& path);

arrow::Status WriteManifestList(const FileIO& io, const std::string& path, const Snapshot& snapshot,
                                const std::vector<ManifestFile>& manifests);
arrow::Result<std::vector<ManifestFile>> ReadManifestList(const FileIO& io, const std::string& path);

/// The live data files of a snapshot (status existing or added), with the
/// data sequence numbers resolved.
arrow::Result<std::vector<ManifestEntry>> LiveEntries(const FileIO& io, const Snapshot& snapshot);

}  // namespace spate::iceberg
