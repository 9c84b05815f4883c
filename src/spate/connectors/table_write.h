#pragma once

// What a write to a table is given: the table's name, format, save mode and
// partitioning as saveAsTable / writeTo / CREATE TABLE AS SELECT say, and the
// rows, as Arrow data computed when the write needs them.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/types/data_type.h"

namespace spate {

struct Expr;

struct TableWrite {
  std::string name;                             // as the user wrote it
  std::string format;                           // "" for the default
  std::string mode = "errorifexists";
  std::vector<std::string> partition_by;
  /// writeTo(...).partitionedBy with partition transforms (Iceberg tables):
  /// every term, columns too; partition_by is then empty.
  std::vector<std::shared_ptr<const Expr>> partition_transforms;
  std::map<std::string, std::string> options;   // keys lower-cased
};

/// The rows to write: their schema, and how to compute them. A write calls
/// `compute` once, after the checks that need only the schema, so that a
/// write those checks refuse (or one that is skipped) runs no query.
struct RowsToWrite {
  StructTypePtr schema;
  std::function<arrow::Result<std::shared_ptr<arrow::Table>>()> compute;
};

}  // namespace spate
