#pragma once

// The aggregate functions, one definition each, shared by the batch and the
// streaming aggregation. A function is computed in three steps over columnar
// partial states (one row per group):
//   Update — rows of the call's arguments, with their group ids -> a state per group;
//   Merge  — state rows with group ids -> one state per group (partials combined);
//   Finish — states -> the result column.
// The state columns (StateFields) are what the streaming aggregation keeps in
// its state store between micro-batches.

#include <memory>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/aggregates/aggregate_definitions.h"
#include "spate/plan/logical_plan.h"

namespace spate {

/// Row i of a batch belongs to group groups[i] (0 <= groups[i] < num_groups).
struct GroupMap {
  const uint32_t* groups;
  int64_t num_rows;
  uint32_t num_groups;
};

class AggregateFunction {
 public:
  virtual ~AggregateFunction() = default;
  /// The columns of the partial state.
  virtual arrow::FieldVector StateFields() const = 0;
  /// `args`: one array per argument of the call (constant arguments included).
  virtual arrow::Result<arrow::ArrayVector> Update(const arrow::ArrayVector& args, const GroupMap& map) const = 0;
  virtual arrow::Result<arrow::ArrayVector> Merge(const arrow::ArrayVector& states, const GroupMap& map) const = 0;
  virtual arrow::Result<std::shared_ptr<arrow::Array>> Finish(const arrow::ArrayVector& states) const = 0;
};

/// The function of a bound aggregate call (`ansi`: spark.sql.ansi.enabled).
/// A DISTINCT call ("count_distinct", "sum_distinct", ...) is its plain
/// function over deduplicated rows: see DistinctRows.
arrow::Result<std::unique_ptr<AggregateFunction>> MakeAggregateFunction(const AggregateCall& call, bool ansi);

/// The rows of `args` to keep so that each (group, argument values) occurs once.
arrow::Result<std::vector<int64_t>> DistinctRows(const arrow::ArrayVector& args, const GroupMap& map);

/// Batch aggregation of one call: its result per group.
arrow::Result<std::shared_ptr<arrow::Array>> AggregateBatch(const AggregateCall& call, bool ansi,
                                                            const arrow::ArrayVector& args, const GroupMap& map);

}  // namespace spate
