#pragma once

// Iceberg schemas and partition specs, and their mapping to Spark types.
// Iceberg tracks columns by field id, not by name: data files carry the ids
// (Parquet field_id), manifests key column statistics by them.

#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/types/data_type.h"

namespace spate::iceberg {

struct IcebergField {
  int id = 0;
  std::string name;
  bool required = false;
  DataTypePtr type;  // Spark's type for the column
  std::string doc;   // the column's comment; "" when none
};

struct IcebergSchema {
  int schema_id = 0;
  std::vector<IcebergField> fields;

  StructTypePtr ToSpark() const;
  /// The field named `name` (case-insensitive), or null.
  const IcebergField* Find(const std::string& name) const;
  const IcebergField* FindId(int id) const;
  /// Arrow schema of data files: each field carries PARQUET:field_id.
  arrow::Result<std::shared_ptr<arrow::Schema>> ToArrow() const;
};

/// A new table's schema from a DataFrame's: ids 1..n (byte and short widen to int).
arrow::Result<IcebergSchema> SchemaFromSpark(const StructType& schema);

/// Iceberg's primitive type name ("long", "timestamptz", "decimal(10, 2)").
arrow::Result<std::string> IcebergTypeName(const DataType& type, const std::string& column);
/// The Spark type for an Iceberg primitive type name.
arrow::Result<DataTypePtr> SparkTypeOf(const std::string& iceberg_type, const std::string& column);

struct PartitionField {
  int source_id = 0;
  int field_id = 0;  // 1000, 1001, ...
  std::string name;
  std::string transform;  // identity, year, month, day, hour, bucket[N], truncate[W], void
};

struct PartitionSpec {
  int spec_id = 0;
  std::vector<PartitionField> fields;
  bool unpartitioned() const { return fields.empty(); }
};

/// A transform as written in PARTITIONED BY: a column name ("identity"),
/// or years/months/days/hours(col), bucket(N, col), truncate(W, col).
struct PartitionTerm {
  std::string column;
  std::string transform = "identity";
};

/// The spec for `terms` over `schema`; unknown columns or transforms fail,
/// naming the term and what is allowed.
arrow::Result<PartitionSpec> MakePartitionSpec(const IcebergSchema& schema, const std::vector<PartitionTerm>& terms);

/// The Spark type of a partition field's values.
arrow::Result<DataTypePtr> PartitionResultType(const PartitionField& field, const IcebergSchema& schema);

}  // namespace spate::iceberg
