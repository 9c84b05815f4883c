#pragma once

// An Iceberg table's metadata file (format v2): schemas, partition specs,
// snapshots and their logs, as the spec's "Table Metadata" section lays them
// out. Parsed from and written to `vN.metadata.json`.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/connectors/iceberg/schema.h"

namespace spate::iceberg {

class FileIO;

struct Snapshot {
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;
  int64_t timestamp_ms = 0;
  std::string manifest_list;
  std::map<std::string, std::string> summary;  // "operation" and counts
  std::optional<int> schema_id;
};

struct TableMetadata {
  int format_version = 2;
  std::string table_uuid;
  std::string location;
  int64_t last_sequence_number = 0;
  int64_t last_updated_ms = 0;
  int last_column_id = 0;
  int current_schema_id = 0;
  std::vector<IcebergSchema> schemas;
  int default_spec_id = 0;
  std::vector<PartitionSpec> specs;
  int last_partition_id = 999;
  int default_sort_order_id = 0;
  std::string sort_orders_json = R"([{"order-id":0,"fields":[]}])";
  std::map<std::string, std::string> properties;
  std::optional<int64_t> current_snapshot_id;
  std::vector<Snapshot> snapshots;
  std::vector<std::pair<int64_t, int64_t>> snapshot_log;          // timestamp-ms, snapshot-id
  std::vector<std::pair<int64_t, std::string>> metadata_log;      // timestamp-ms, metadata-file
  /// How the table's files are read and written: set by the catalog that
  /// loads or creates the table (not part of the JSON); null: local files.
  std::shared_ptr<const FileIO> io;

  const IcebergSchema& schema() const;
  const PartitionSpec& spec() const;
  const PartitionSpec* FindSpec(int spec_id) const;
  const Snapshot* current_snapshot() const;
  const Snapshot* FindSnapshot(int64_t id) const;
  /// Adds `snapshot` as the new current snapshot of branch main.
  void AddSnapshot(Snapshot snapshot);
};

/// A new table at `location` with `schema` and `spec` (ids already assigned).
TableMetadata NewTableMetadata(const std::string& location, IcebergSchema schema, PartitionSpec spec,
                               std::map<std::string, std::string> properties);

arrow::Result<TableMetadata> ParseTableMetadata(const std::string& json, const std::string& file);
std::string SerializeTableMetadata(const TableMetadata& metadata);

/// The schema alone, as the metadata's "schemas" entries and manifest headers hold it.
std::string SchemaJson(const IcebergSchema& schema);
/// One snapshot as the metadata's "snapshots" entries (and REST add-snapshot) hold it.
std::string SnapshotJson(const Snapshot& snapshot);
/// The spec as a JSON object {"spec-id", "fields"}.
std::string SpecJson(const PartitionSpec& spec);
/// The spec's fields as a JSON array (manifest header "partition-spec").
std::string SpecFieldsJson(const PartitionSpec& spec);

int64_t NowMillis();
/// A new random snapshot id (positive).
int64_t NewSnapshotId();
std::string NewUuid();

}  // namespace spate::iceberg
